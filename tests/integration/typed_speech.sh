#!/usr/bin/env bash
# Typed words are heard. Ada types; the server speaks her lines into the
# room, and everyone gets them as lines, "Ada: ...".
#   Ben  (hear-text voice, the default) hears her typed voice in his sound
#        output, when her line is printed;
#   Cleo (/hear-text text) gets only the lines: her sound output stays silent;
#   Dee  (hear = mine in hearth.conf, --speech espeak) hears the line read by
#        her own speech, "Ada says: ...".
# A 600-character line and a flood of 8 lines get the server's errors, and a
# later line still works. "<speak>hi</speak>" is printed and spoken as
# written, so it lasts much longer than "hi" alone.
. "$(dirname "$0")/lib.sh"

now() { date +%s.%N; }
# since T0 MOMENT: where a wall-clock moment is in a recording begun at T0.
since() { awk -v a="$2" -v b="$1" 'BEGIN { printf "%.2f", a - b }'; }
# seen FILE REGEX LIMIT: waits for the line and prints the moment it came.
seen() {
  wait_for "$1" "$2" "$3"
  now
}
# heard_near FILE AT WHO: the span of sound in FILE that starts near AT
# seconds ("start end length"), looking up to 4.5 s after AT (Ada's next
# line comes 6 s after); fails when there is none.
heard_near() {
  local file=$1 at=$2 who=$3 lo hi span start
  lo=$(awk -v a="$at" 'BEGIN { printf "%.2f", (a > 2 ? a - 2 : 0) }')
  hi=$(awk -v a="$at" 'BEGIN { printf "%.2f", a + 4.5 }')
  span=$("$HXWAV" active "$file" -45 "$lo" "$hi") || fail "$who heard nothing ${lo}s..${hi}s"
  read -r start _ _ <<<"$span"
  awk -v s="$start" -v a="$at" 'BEGIN { exit !(s > a - 1.5 && s < a + 2.5) }' ||
    fail "$who heard sound from ${start}s, not near the line printed at ${at}s"
  echo "$span"
}

silence "$T/quiet.wav" 1
mkdir -p -m 700 "$T/config-Dee"
cat >"$T/config-Dee/hearth.conf" <<'EOF'
[cues]
# Only the typed line may be heard: no join announcements, no earcons.
preset = quiet
volume = 0
[text]
hear = mine
EOF
start_server

B0=$(now)
start_client Ben --audio-in "$T/quiet.wav" --audio-out "$T/ben.wav" \
  --script "$(script '/wait 70\n/quit\n')"
BEN=$LAST_PID
C0=$(now)
start_client Cleo --audio-in "$T/quiet.wav" --audio-out "$T/cleo.wav" \
  --script "$(script '/hear-text text\n/wait 70\n/quit\n')"
CLEO=$LAST_PID
D0=$(now)
start_client Dee --speech espeak --audio-in "$T/quiet.wav" --audio-out "$T/dee.wav" \
  --script "$(script '/hear-text\n/wait 70\n/quit\n')"
DEE=$LAST_PID
wait_for "$T/Ben.out" '^You joined Lobby' 15
wait_for "$T/Cleo.out" '^Typed lines heard as text: printed only\.$' 15
wait_for "$T/Dee.out" '^Typed lines heard as mine\.' 15
grep -q 'Speech is off' "$T/Dee.out" && fail "espeak-ng did not start in Dee's hearth"

long=$(head -c 600 /dev/zero | tr '\0' 'a')
flood=""
for i in 1 2 3 4 5 6 7 8; do flood="${flood}flood $i.\n"; done
start_client Ada --no-audio --script "$(script "/wait 2\nI'm here, just typing tonight.\n/wait 6\n${long}\n${flood}/wait 14\nAfter the flood.\n/wait 6\n<speak>hi</speak>\n/wait 8\n/quit\n")"
ADA=$LAST_PID

# The first line, everywhere at once.
at_ben=$(seen "$T/Ben.out" "^Ada: I'm here, just typing tonight\.$" 20)
at_dee=$(seen "$T/Dee.out" "^Ada: I'm here, just typing tonight\.$" 5)
wait_for "$T/Cleo.out" "^Ada: I'm here, just typing tonight\.$" 5
wait_for "$T/Ada.out" "^You: I'm here, just typing tonight\.$" 5

# Too long, then too many: the server's own sentences.
wait_for "$T/Ada.out" '^Error: .*limit is 500' 20
wait_for "$T/Ada.out" '^Error: Too many lines at once' 10
refused=$(grep -c '^Error: Too many lines at once' "$T/Ada.out")
[ "$refused" -ge 1 ] && [ "$refused" -le 3 ] ||
  fail "$refused of 8 lines at once were refused; a burst of 5 is allowed"
wait_for "$T/Ben.out" '^Ada: flood 1\.$' 20
grep -q "$long" "$T/Ben.out" && fail "the 600-character line reached Ben"

# A later line still works, and then markup is only text.
wait_for "$T/Ben.out" '^Ada: After the flood\.$' 40
at_ssml=$(seen "$T/Ben.out" '^Ada: <speak>hi</speak>$' 30)
wait_for "$T/Cleo.out" '^Ada: <speak>hi</speak>$' 5
wait_exit "$ADA" 30
wait_exit "$BEN" 60
wait_exit "$CLEO" 20
wait_exit "$DEE" 20
for who in Ada Ben Cleo Dee; do
  echo "--- $who:"
  cat "$T/$who.out"
done

# Ben: Ada's typed voice where her first line was printed, about as long as
# espeak-ng takes to say it at the server's default rate.
espeak-ng -v en -s 175 -w "$T/ref.wav" "I'm here, just typing tonight."
read -r _ _ ref_len <<<"$("$HXWAV" active "$T/ref.wav" -45)"
span=$(heard_near "$T/ben.wav" "$(since "$B0" "$at_ben")" Ben)
read -r start end len <<<"$span"
echo "Ben heard the first line ${start}s..${end}s (${len}s); espeak-ng alone ${ref_len}s"
awk -v l="$len" -v r="$ref_len" 'BEGIN { exit !(l > r * 0.6 && l < r * 1.8) }' ||
  fail "Ben heard ${len}s of sound for a line espeak-ng says in ${ref_len}s"

# Dee: her own speech, "Ada says: ...", which is longer than the line alone
# in Ada's voice (what the server would have sent her).
espeak-ng -v en -s 175 -w "$T/says.wav" "Ada says: I'm here, just typing tonight."
read -r _ _ says_len <<<"$("$HXWAV" active "$T/says.wav" -45)"
span=$(heard_near "$T/dee.wav" "$(since "$D0" "$at_dee")" Dee)
read -r start end len <<<"$span"
echo "Dee's own speech ${start}s..${end}s (${len}s); espeak-ng says it in ${says_len}s"
awk -v l="$len" -v s="$says_len" -v r="$ref_len" 'BEGIN { exit !(l > s * 0.75 && l > r * 1.2) }' ||
  fail "Dee heard ${len}s, not her own \"Ada says: ...\" (${says_len}s)"

# Cleo: lines only, never a sound.
level=$("$HXWAV" rms "$T/cleo.wav")
echo "Cleo's sound output: ${level} dBFS"
awk -v l="$level" 'BEGIN { exit !(l < -60) }' || fail "Cleo chose text, yet heard ${level} dBFS"

# The markup was read out as written: far longer than "hi".
espeak-ng -v en -s 175 -w "$T/hi.wav" "hi"
read -r _ _ hi_len <<<"$("$HXWAV" active "$T/hi.wav" -45)"
span=$(heard_near "$T/ben.wav" "$(since "$B0" "$at_ssml")" Ben)
read -r start end len <<<"$span"
echo "Ben heard <speak>hi</speak> ${start}s..${end}s (${len}s); \"hi\" alone ${hi_len}s"
awk -v l="$len" -v h="$hi_len" 'BEGIN { exit !(l > h * 2.5) }' ||
  fail "<speak>hi</speak> lasted ${len}s, as if it were \"hi\" (${hi_len}s): markup was obeyed"
echo "ok"
