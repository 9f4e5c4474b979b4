#!/usr/bin/env bash
# What each person hears and reads in a circle, between real processes:
# Ben talks all the time; Ada (the host) and Cleo record what they hear.
#   Cleo blocks Ben: Ada hears him, Cleo hears and reads nothing of him
#     (his voice nor his typed line), and Ben is not told;
#   Ada mutes Ben, then moves him to listening: the server forwards nothing
#     of him to anyone; undone, he is heard again;
#   Cleo steps out: she hears nothing while Ada still hears Ben, and her
#     private note reaches Ada, not Ben;
#   Ben is away and back, then leaves quietly: no one is told he left.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/circle_lib.sh"

now() { date +%s.%N; }
HEARD=-45   # dBFS over a stretch of Ben's speech
SILENT=-60  # what is left when nothing of him arrives
# Ben's speech, said again and again, for longer than the test lasts.
espeak-ng -v en-us -s 160 -w "$T/raw.wav" \
  "The lighthouse keeper counted seven ships before the storm arrived, and then she made a pot of tea."
sox -q "$T/raw.wav" -r 48000 -c 1 -b 16 "$T/sentence.wav"
sox -q "$T/sentence.wav" "$T/ben.wav" repeat 14
silence "$T/quiet.wav" 1
# Earcons would be heard in the recordings: cues at volume 0 for everyone.
for name in Ada Ben Cleo; do
  mkdir -p -m 700 "$T/config-$name"
  printf '[cues]\nvolume = 0\n' >"$T/config-$name/hearth.conf"
done

start_server
start_driven Ada --audio-in "$T/quiet.wav" --audio-out "$T/ada-heard.wav"
wait_for "$T/Ada.out" '^You joined Lobby' 15
say Ada '/room create Circle'
wait_for "$T/Ada.out" '^Circle is made, and you are its host\.' 10
say Ada '/join Circle'
wait_for "$T/Ada.out" '^You are the host here\.$' 10
start_driven Cleo --audio-in "$T/quiet.wav" --audio-out "$T/cleo-heard.wav" --room Circle
wait_for "$T/Cleo.out" '^You joined Circle' 15
start_driven Ben --audio-in "$T/ben.wav" --audio-out "$T/ben-heard.wav" --room Circle
wait_for "$T/Ada.out" '^Ben joined Circle\. 3 people here\.$' 15
wait_for "$T/Cleo.out" '^Ben joined Circle\. 3 people here\.$' 10

# phase NAME ADA CLEO: marks the start of a stretch of 3 s in which Ada and
# Cleo each hear Ben (heard) or not (silent), then waits it out.
PHASES=()
phase() {
  local start
  start=$(now)
  sleep 3
  PHASES+=("$1 $2 $3 $start $(now)")
}

phase open heard heard
say Cleo '/block Ben'
wait_for "$T/Cleo.out" '^Ben is blocked\. You will not hear or see them; they are not told\.$' 10
say Ben 'The kettle is on.'
wait_for "$T/Ada.out" '^Ben: The kettle is on\.$' 10
phase blocked heard silent
say Cleo '/unblock Ben'
wait_for "$T/Cleo.out" '^Ben is unblocked\.$' 10
say Ada '/mute Ben'
wait_for "$T/Ben.out" '^Ada muted you\. A facilitator can unmute you\.$' 10
phase muted silent silent
say Ada '/unmute Ben'
wait_for "$T/Ben.out" '^Ada unmuted you\.$' 10
phase unmuted heard heard
say Ada '/listen Ben'
wait_for "$T/Ben.out" '^You were moved to listening: you hear the room, and it does not hear you\.$' 10
wait_for "$T/Cleo.out" '^Ben is listening\.$' 10
phase listening silent silent
say Ada '/unlisten Ben'
wait_for "$T/Ben.out" '^You can speak again\.$' 10
phase unlistened heard heard
say Cleo '/stepout'
wait_for "$T/Cleo.out" '^You stepped out\. You hear nothing until you type /back\.$' 10
wait_for "$T/Ada.out" '^Cleo stepped out\.$' 10
say Cleo "/note I'm okay, back soon."
wait_for "$T/Ada.out" "^Private note from Cleo: I'm okay, back soon\.$" 10
phase stepped_out heard silent
say Cleo '/back'
wait_for "$T/Ada.out" '^Cleo is back\.$' 10
phase back heard heard

# Away and back are told; leaving quietly is not.
say Ben '/away'
wait_for "$T/Ada.out" '^Ben is away\.$' 10
wait_for "$T/Cleo.out" '^Ben is away\.$' 10
say Ben '/back'
wait_for "$T/Ada.out" '^Ben is back\.$' 10
say Ben '/leave quietly'
wait_for "$T/Ben.out" '^You left Circle' 10
# Ada is told nothing of a quiet leave, and her /who answers from the roster
# she holds: Ben may hear he left before her roster has caught up. Ask until
# it has.
waited=0
until grep -q '^In Circle: Ada, Cleo\. 2 people\.$' "$T/Ada.out"; do
  say Ada '/who'
  sleep 0.2
  waited=$((waited + 1))
  [ $waited -lt 50 ] || fail "Ada's roster still has Ben after he left: $(tail -3 "$T/Ada.out")"
done
for name in Ada Ben Cleo; do say "$name" '/quit'; done
# A recording ends when its hearth ends: its start, in wall-clock time, is
# counted back from there.
wait_exit "${DRIVEN[Ada]}" 15
T_ADA=$(awk -v e="$(now)" -v d="$("$HXWAV" duration "$T/ada-heard.wav")" 'BEGIN { printf "%.3f", e - d }')
wait_exit "${DRIVEN[Cleo]}" 15
T_CLEO=$(awk -v e="$(now)" -v d="$("$HXWAV" duration "$T/cleo-heard.wav")" 'BEGIN { printf "%.3f", e - d }')
wait_exit "${DRIVEN[Ben]}" 15

grep -q 'Ben left' "$T/Ada.out" && fail "Ben left quietly, yet Ada was told: $(cat "$T/Ada.out")"
grep -q 'The kettle is on' "$T/Cleo.out" && fail "Cleo blocked Ben, yet read his line"
grep -qi 'block' "$T/Ben.out" && fail "Ben was told of the block: $(cat "$T/Ben.out")"
grep -q 'Private note' "$T/Ben.out" && fail "a member got Cleo's note to the facilitators"

# Each stretch, past its first second (the last of the old state draining
# from the jitter buffer) and short of its end.
for p in "${PHASES[@]}"; do
  read -r name ada cleo start end <<<"$p"
  for who in Ada Cleo; do
    if [ "$who" = Ada ]; then
      want=$ada t0=$T_ADA file="$T/ada-heard.wav"
    else
      want=$cleo t0=$T_CLEO file="$T/cleo-heard.wav"
    fi
    from=$(awk -v s="$start" -v t="$t0" 'BEGIN { printf "%.2f", s - t + 1.0 }')
    to=$(awk -v e="$end" -v t="$t0" 'BEGIN { printf "%.2f", e - t - 0.3 }')
    level=$("$HXWAV" rms "$file" "$from" "$to")
    echo "$name: $who ${from}s..${to}s: $level dBFS ($want)"
    if [ "$want" = heard ]; then
      awk -v l="$level" -v h="$HEARD" 'BEGIN { exit !(l > h) }' ||
        fail "$name: $who did not hear Ben (${level} dBFS)"
    else
      awk -v l="$level" -v s="$SILENT" 'BEGIN { exit !(l < s) }' ||
        fail "$name: $who heard Ben (${level} dBFS)"
    fi
  done
done
echo "block, mute, listening and stepping out heard as meant; note, away and a quiet leave told as meant"
