#!/usr/bin/env bash
# Typed speech never talks over a person. Ben holds a long note (a 440 Hz
# tone, six seconds); Ada types a line while he does. Cleo, listening,
# hears Ben's note to its end, then a pause, then Ada's typed words: had the
# server not waited, her line would have started under Ben's note, about
# four seconds earlier.
. "$(dirname "$0")/lib.sh"

LINE="Waiting for my turn."
silence "$T/quiet.wav" 1
sox -q -n -r 48000 -c 1 -b 16 "$T/ben.wav" synth 6 sine 440 vol 0.4 pad 4 3
start_server

start_client Ben --audio-in "$T/ben.wav" --audio-out "$T/ben-heard.wav" \
  --script "$(script '/wait 20\n/quit\n')"
BEN=$LAST_PID
wait_for "$T/Ben.out" '^You joined Lobby' 15
start_client Cleo --audio-in "$T/quiet.wav" --audio-out "$T/cleo.wav" \
  --script "$(script '/wait 20\n/quit\n')"
CLEO=$LAST_PID
wait_for "$T/Cleo.out" '^You joined Lobby\. 2 people here\.' 15
# Ben's note starts 4 s into his input; Ada types about 2 s into it.
start_client Ada --no-audio --script "$(script "/wait 5\n${LINE}\n/wait 10\n/quit\n")"
ADA=$LAST_PID
wait_for "$T/Cleo.out" "^Ada: ${LINE}\$" 20
wait_exit "$ADA" 30
wait_exit "$BEN" 30
wait_exit "$CLEO" 30

# Where Ben's note is in Cleo's recording: from the first 50 ms step in
# which 440 Hz is louder than -30 dBFS to the first 150 ms without it
# (speech has some 440 Hz too, but never for long). Not the first step
# without it: a packet of the note concealed on a loaded machine breaks
# the tone's phase for one step, and this test is about turns.
"$HXWAV" tone "$T/cleo.wav" 440 0.05 >"$T/note.txt"
read -r note_start note_end < <(awk '$2 > -30 { if (s == "") s = $1; quiet = 0; next }
  s != "" && e == "" { if (quiet++ == 0) from = $1; if (quiet == 3) e = from }
  END { print s, e }' "$T/note.txt")
[ -n "$note_start" ] || fail "Cleo did not hear Ben's note"
echo "Ben's note in Cleo's recording: ${note_start}s..${note_end}s"
awk -v s="$note_start" -v e="$note_end" 'BEGIN { exit !(e - s > 5.0) }' ||
  fail "Ben's note lasted $(awk -v s="$note_start" -v e="$note_end" 'BEGIN { print e - s }')s in Cleo's recording, not 6 s"

# Ada's words: the sound after the note, starting a pause after it, as long
# as espeak-ng takes to say them.
after=$(awk -v e="$note_end" 'BEGIN { printf "%.2f", e + 0.05 }')
span=$("$HXWAV" active "$T/cleo.wav" -45 "$after" "$(awk -v e="$note_end" 'BEGIN { print e + 6 }')") ||
  fail "Cleo heard nothing after Ben's note: Ada's line was not spoken"
read -r start end len <<<"$span"
espeak-ng -v en -s 175 -w "$T/ref.wav" "$LINE"
read -r _ _ ref_len <<<"$("$HXWAV" active "$T/ref.wav" -45)"
echo "Ada's typed words in Cleo's recording: ${start}s..${end}s (${len}s); espeak-ng alone ${ref_len}s"
gap=$(awk -v s="$start" -v e="$note_end" 'BEGIN { printf "%.2f", s - e }')
# The server waits 300 ms after the last loud packet; Ben's note fades
# out over the last of them.
awk -v g="$gap" 'BEGIN { exit !(g >= 0.15) }' ||
  fail "Ada's words started ${gap}s after Ben's note ended: they did not wait for a gap"
awk -v l="$len" -v r="$ref_len" 'BEGIN { exit !(l > r * 0.7) }' ||
  fail "only ${len}s of Ada's words came after Ben's note (espeak-ng: ${ref_len}s): they began under it"
echo "ok: Ada's words began ${gap}s after Ben stopped"
