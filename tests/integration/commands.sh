#!/usr/bin/env bash
# The prompt's commands between real processes, from a script: Ada mutes
# before her first sentence (Ben hears none of it), unmutes for her second
# (Ben hears it), leaves, lists the rooms, joins Kitchen, asks who is there
# and for help, and quits. She sends 10 ms packets, and her sound is
# espeak-ng's own 22050 Hz WAV, which hearth resamples itself.
. "$(dirname "$0")/lib.sh"

espeak-ng -v en -s 150 -w "$T/one.raw.wav" "Can you hear me now?"
espeak-ng -v en -s 150 -w "$T/two.raw.wav" "Yes, now everyone can hear me clearly."
rate=$(soxi -r "$T/one.raw.wav")
sox -q "$T/one.raw.wav" "$T/one.silent.wav" vol 0
sox -q "$T/two.raw.wav" "$T/two.silent.wav" vol 0
sox -q -n -r "$rate" -c 1 -b 16 "$T/lead.wav" trim 0 1.5
one=$(soxi -D "$T/one.raw.wav")
# The second sentence starts 8 s in, 2.5 s after Ada unmutes.
sox -q -n -r "$rate" -c 1 -b 16 "$T/gap.wav" trim 0 "$(awk -v d="$one" 'BEGIN { print 6.5 - d }')"
sox -q -n -r "$rate" -c 1 -b 16 "$T/tail.wav" trim 0 0.5
sox -q "$T/lead.wav" "$T/one.raw.wav" "$T/gap.wav" "$T/two.raw.wav" "$T/tail.wav" "$T/ada.wav"
# The same timeline with one sentence each, to find each in Ben's recording.
sox -q "$T/lead.wav" "$T/one.raw.wav" "$T/gap.wav" "$T/two.silent.wav" "$T/tail.wav" "$T/first.wav"
sox -q "$T/lead.wav" "$T/one.silent.wav" "$T/gap.wav" "$T/two.raw.wav" "$T/tail.wav" "$T/second.wav"
[ "$(soxi -r "$T/ada.wav")" != 48000 ] || fail "espeak-ng wrote 48 kHz; this test wants another rate"
silence "$T/quiet.wav" 1

"$HEARTHD" --data-dir "$T/data" room create Kitchen >/dev/null || fail "hearthd room create failed"
start_server

start_client Ben --audio-in "$T/quiet.wav" --audio-out "$T/ben-heard.wav" \
  --script "$(script '/wait 17\n/who\n/quit\n')"
BEN=$LAST_PID
wait_for "$T/Ben.out" '^You joined Lobby' 10
start_client Ada --audio-in "$T/ada.wav" --audio-out "$T/ada-heard.wav" --frame-ms 10 \
  --script "$(script '/mute\n/wait 5\n/unmute\n/wait 7\n/leave\n/wait 1\n/rooms\n/join Kitchen\n/wait 1\n/who\n/help\n/quit\n')"
ADA=$LAST_PID
wait_exit "$ADA" 30
wait_exit "$BEN" 30
echo "Ada's output, /help's lines left out:"
grep -v '^/' "$T/Ada.out"
echo "Ben's output:"
cat "$T/Ben.out"

# in_order FILE LINE...: each LINE is a whole line of FILE, after the one before.
in_order() {
  local file=$1 at=0 n
  shift
  for line in "$@"; do
    n=$(grep -nxF -- "$line" "$file" | cut -d: -f1 | awk -v at="$at" '$1 > at { print; exit }')
    [ -n "$n" ] || fail "$(basename "$file") lacks \"$line\" after line $at: $(cat "$file")"
    at=$n
  done
}
in_order "$T/Ada.out" 'You joined Lobby. 2 people here.' 'Muted. Nobody hears you.' \
  'Unmuted. You can be heard.' 'You left Lobby.' 'Rooms: Kitchen, 0 people; Lobby, 1 person.' \
  'You joined Kitchen. Nobody else is here.' 'In Kitchen: Ada. 1 person.' \
  '/quit: leave and close Hearth.'
in_order "$T/Ben.out" 'Ada joined Lobby. 2 people here.' 'Ada muted.' 'Ada unmuted.' \
  'Ada speaking.' 'Ada left Lobby. 1 person here.' 'In Lobby: Ben. 1 person.'
grep -c '^Ada speaking\.$' "$T/Ben.out" | grep -qx 1 || fail "Ada was heard speaking more than once"

# Unmuted, Ada is heard; muted, nothing of her first sentence arrives
# where it would have been.
second=$("$HXWAV" chunks "$T/second.wav" "$T/ben-heard.wav" 0.7 0.4) ||
  fail "Ben did not hear Ada after /unmute: $second"
echo "Ben heard Ada's second sentence: $second"
lag=$(echo "$second" | sed -E 's/.* lag (-?[0-9.]+) ms.*/\1/')
from=$(awk -v l="$lag" 'BEGIN { print 1.5 + l / 1000 - 0.2 }')
to=$(awk -v l="$lag" -v d="$one" 'BEGIN { print 1.5 + d + l / 1000 + 0.2 }')
level=$("$HXWAV" rms "$T/ben-heard.wav" "$from" "$to")
echo "Ben's recording where Ada's muted sentence would be ($from s to $to s): $level dBFS"
awk -v l="$level" 'BEGIN { exit !(l < -60) }' || fail "Ben heard Ada while she was muted ($level dBFS)"
