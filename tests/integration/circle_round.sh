#!/usr/bin/env bash
# A round between four real hearth processes, each playing speech of its
# own and recording what it hears. Ada hosts and defers to the floor; she
# gives it to Ben, and while Ben holds it the others hear Ben and nobody
# else. Ben passes; the round goes on to Cleo, who is then the one heard.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/circle_lib.sh"

LEAD=5   # seconds of silence before the first speech: time to join
GAP=7    # seconds between the first and the second speech
voices=(Ada:en Ben:en-us Cleo:en-gb Dee:en-sc)
declare -A first=(
  [Ada]="The lighthouse keeper counted seven ships before the storm arrived."
  [Ben]="My grandmother grew tomatoes, beans and sunflowers behind her kitchen."
  [Cleo]="Yesterday the train to Glasgow was delayed by almost an hour."
  [Dee]="Please remember to bring a warm blanket and a thermos of soup.")
declare -A second=(
  [Ada]="Quiet rivers carry small boats past the old stone mill at dawn."
  [Ben]="Forty violins played together in the concert hall on Friday night."
  [Cleo]="I finally learned to ride a bicycle when I was twenty five years old."
  [Dee]="The museum opens at ten and the cafe serves lemon cake all day.")
for v in "${voices[@]}"; do
  name=${v%%:*} voice=${v#*:}
  espeak-ng -v "$voice" -s 160 -w "$T/raw1.wav" "${first[$name]}"
  sox -q "$T/raw1.wav" -r 48000 -c 1 -b 16 "$T/$name-1.wav"
  espeak-ng -v "$voice" -s 160 -w "$T/raw2.wav" "${second[$name]}"
  sox -q "$T/raw2.wav" -r 48000 -c 1 -b 16 "$T/$name-2.wav"
  silence "$T/$name-gap.wav" "$GAP"
  sox -q "$T/$name-1.wav" "$T/$name-gap.wav" "$T/$name-2.wav" "$T/$name-in.wav" pad "$LEAD" 1
done
long1=0
for name in Ada Ben Cleo Dee; do
  d=$("$HXWAV" duration "$T/$name-1.wav")
  long1=$(awk -v a="$long1" -v b="$d" 'BEGIN { print (b > a ? b : a) }')
done

start_server
declare -A STARTED
for name in Ada Ben Cleo Dee; do
  room=()
  [ "$name" = Ada ] || room=(--room Circle)
  STARTED[$name]=$(date +%s.%N)
  start_driven "$name" --audio-in "$T/$name-in.wav" --audio-out "$T/$name-heard.wav" "${room[@]}"
  if [ "$name" = Ada ]; then
    wait_for "$T/Ada.out" '^You joined Lobby' 15
    say Ada '/room create Circle'
    wait_for "$T/Ada.out" '^Circle is made' 10
    say Ada '/join Circle'
    wait_for "$T/Ada.out" '^You are the host here\.$' 10
    say Ada '/room set floor round'
    wait_for "$T/Ada.out" '^Ada changed the room: floor round\.$' 10
    say Ada '/defer on'
  else
    wait_for "$T/$name.out" '^You joined Circle' 15
  fi
done
wait_for "$T/Ada.out" '^Dee joined Circle\. 4 people here\.$' 10
say Ada '/give Ben'
for name in Ada Cleo Dee; do wait_for "$T/$name.out" '^Ben has the floor\.$' 10; done
wait_for "$T/Ben.out" '^Your turn' 10

# Everyone's first speech has ended and nobody's second has begun.
last=$(printf '%s\n' "${STARTED[@]}" | sort -n | tail -1)
early=$(printf '%s\n' "${STARTED[@]}" | sort -n | head -1)
pass_at=$(awk -v l="$last" -v d="$long1" -v lead="$LEAD" 'BEGIN { printf "%.3f\n", l + lead + d + 1.5 }')
deadline=$(awk -v e="$early" -v d="$long1" -v lead="$LEAD" -v g="$GAP" 'BEGIN { printf "%.3f\n", e + lead + d + g - 1 }')
now=$(date +%s.%N)
awk -v p="$pass_at" -v n="$now" -v dl="$deadline" 'BEGIN { exit !(p > n && p < dl) }' ||
  fail "the four clients started too far apart to keep the speech timeline (pass at $pass_at, now $now, deadline $deadline)"
sleep "$(awk -v p="$pass_at" -v n="$now" 'BEGIN { print p - n }')"
say Ben '/pass'
for name in Ada Ben Dee; do wait_for "$T/$name.out" '^Cleo has the floor\.$' 10; done
wait_for "$T/Cleo.out" '^Your turn' 10
# Until everyone's second speech has been played and heard.
end_at=$(awk -v l="$last" -v d="$long1" -v lead="$LEAD" -v g="$GAP" 'BEGIN { printf "%.3f\n", l + lead + d + g + 6 }')
sleep "$(awk -v e="$end_at" -v n="$(date +%s.%N)" 'BEGIN { t = e - n; printf "%.3f\n", (t > 0 ? t : 0) }')"
for name in Ada Ben Cleo Dee; do say "$name" '/quit'; done
for name in Ada Ben Cleo Dee; do wait_exit "${DRIVEN[$name]}" 15; done

# The comparisons are brute force: each takes a 1.5 s piece from the
# middle of a speech (past the first second, while the receiver's jitter
# buffer settles on a new voice) and looks for it only in the span of the listener's
# recording where that piece was played.
for name in Ada Ben Cleo Dee; do
  for phase in 1 2; do sox -q "$T/$name-$phase.wav" "$T/$name-$phase-piece.wav" trim 1.8 1.5; done
done
# heard PHASE SPEAKER LISTENER: the correlation of SPEAKER's piece inside
# LISTENER's recording of that phase.
heard() {
  local phase=$1 speaker=$2 listener=$3 from to
  from=$(awk -v e="$early" -v s="${STARTED[$listener]}" -v lead="$LEAD" -v d="$long1" -v g="$GAP" \
    -v p="$phase" 'BEGIN { t = e + lead + (p - 1) * (d + g) + 1.8 - s - 0.5; printf "%.3f\n", (t > 0 ? t : 0) }')
  to=$(awk -v l="$last" -v s="${STARTED[$listener]}" -v lead="$LEAD" -v d="$long1" -v g="$GAP" \
    -v p="$phase" 'BEGIN { printf "%.3f\n", l + lead + (p - 1) * (d + g) + 3.3 - s + 1 }')
  sox -q "$T/$listener-heard.wav" "$T/span-$phase-$speaker-$listener.wav" trim "$from" "=$to"
  "$HXWAV" xcorr "$T/$speaker-$phase-piece.wav" "$T/span-$phase-$speaker-$listener.wav" |
    sed -n 's/^correlation \([0-9.-]*\) .*/\1/p'
}
# expect PHASE HOLDER: the holder's speech of that phase is in every other
# recording (>= 0.5); each other person's is not (< 0.3) in the recording
# of the next listener round the circle, nor in the holder's own, so every
# recording is checked for someone without the floor. The comparisons run
# two at a time.
expect() {
  local phase=$1 holder=$2 listener speaker c i people=(Ada Ben Cleo Dee) pairs=() pair n=0
  local jobs_running=()
  for listener in "${people[@]}"; do
    [ "$listener" = "$holder" ] || pairs+=("$holder:$listener")
  done
  for i in 0 1 2 3; do
    speaker=${people[$i]}
    [ "$speaker" = "$holder" ] && continue
    listener=${people[$(((i + 1) % 4))]}
    [ "$listener" = "$holder" ] && listener=${people[$(((i + 2) % 4))]}
    pairs+=("$speaker:$listener" "$speaker:$holder")
  done
  for pair in "${pairs[@]}"; do
    heard "$phase" "${pair%%:*}" "${pair#*:}" >"$T/c-$phase-${pair/:/-}" &
    jobs_running+=("$!")
    n=$((n + 1))
    [ $((n % 2)) -ne 0 ] || { wait "${jobs_running[@]}"; jobs_running=(); }
  done
  [ ${#jobs_running[@]} -eq 0 ] || wait "${jobs_running[@]}"
  for pair in "${pairs[@]}"; do
    speaker=${pair%%:*} listener=${pair#*:}
    c=$(cat "$T/c-$phase-$speaker-$listener")
    [ -n "$c" ] || fail "hxwav could not compare $speaker's speech with $listener's recording"
    if [ "$speaker" = "$holder" ]; then
      awk -v c="$c" 'BEGIN { exit !(c >= 0.5) }' ||
        fail "$listener did not hear $holder, who had the floor (correlation $c)"
      echo "phase $phase: $holder, holding the floor, in $listener's recording: $c"
    else
      awk -v c="$c" 'BEGIN { exit !(c < 0.3) }' ||
        fail "$listener heard $speaker, who did not have the floor (correlation $c)"
      echo "phase $phase: $speaker, without the floor, in $listener's recording: $c"
    fi
  done
}
expect 1 Ben
expect 2 Cleo
echo "round: only the floor holder was heard, and after the pass the next person"
