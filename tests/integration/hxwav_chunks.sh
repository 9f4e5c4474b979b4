#!/usr/bin/env bash
# The measure the speech tests rest on: `hxwav chunks` forgives a receiver
# that moves its delay in a pause, inside a half-second piece, but still
# marks a word with a hole in it.
. "$(dirname "$0")/lib.sh"

# Six words, trimmed of espeak-ng's own silence, with short pauses between
# them, so pauses fall inside pieces with speech on both sides.
words=(one two three four five six)
for i in "${!words[@]}"; do
  espeak-ng -v en -s 150 -w "$T/raw$i.wav" "${words[$i]}"
  sox -q "$T/raw$i.wav" -r 48000 -c 1 -b 16 "$T/w$i.wav" \
    silence 1 0.01 1% reverse silence 1 0.01 1% reverse
done
for ms in 060 080 100; do silence "$T/p$ms.wav" "0.$ms"; done
say() { # say OUT PAUSE1 .. PAUSE5: the words with these pauses between them
  local out=$1 parts=("$T/w0.wav") i
  shift
  for i in 1 2 3 4 5; do parts+=("$T/p$1.wav" "$T/w$i.wav"); shift; done
  sox -q "${parts[@]}" "$out"
}
say "$T/said.wav" 080 080 080 080 080
# A receiver that adds 20 ms in one pause and cuts 20 ms in a later one.
say "$T/moved.wav" 080 100 080 060 080

# The fourth word with 100 ms of it gone silent, as a lost burst would be.
len=$(soxi -D "$T/w3.wav")
sox -q "$T/w3.wav" "$T/w3a.wav" trim 0 "$(awk -v l="$len" 'BEGIN { print l / 2 - 0.05 }')"
sox -q "$T/w3.wav" "$T/w3b.wav" trim "$(awk -v l="$len" 'BEGIN { print l / 2 + 0.05 }')"
silence "$T/hole.wav" 0.1
sox -q "$T/w3a.wav" "$T/hole.wav" "$T/w3b.wav" "$T/w3.wav"
say "$T/holed.wav" 080 080 080 080 080

lowest() { echo "$1" | awk '{ print $6 }'; }
moved=$("$HXWAV" chunks "$T/said.wav" "$T/moved.wav") || fail "hxwav chunks failed: $moved"
echo "delay moved in two pauses: $moved"
awk -v c="$(lowest "$moved")" 'BEGIN { exit !(c >= 0.95) }' ||
  fail "a delay moved in a pause counts against a piece: $moved"

holed=$("$HXWAV" chunks "$T/said.wav" "$T/holed.wav") || fail "hxwav chunks failed: $holed"
echo "100 ms gone from a word: $holed"
awk -v c="$(lowest "$holed")" 'BEGIN { exit !(c <= 0.85) }' ||
  fail "a hole in a word goes unmarked: $holed"
