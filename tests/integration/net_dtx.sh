#!/usr/bin/env bash
# Ada speaks, stays silent for 8 s, then speaks again: her second sentence
# reaches Ben no later than her first did, so a long silence (when the
# sender may stop sending) does not leave extra delay behind.
. "$(dirname "$0")/net_lib.sh"

espeak-ng -v en -s 150 -w "$T/one.raw.wav" "First, a short hello to everyone."
espeak-ng -v en -s 150 -w "$T/two.raw.wav" "Then, after a long pause, a second sentence."
sox -q "$T/one.raw.wav" -r 48000 -c 1 -b 16 "$T/one.wav"
sox -q "$T/two.raw.wav" -r 48000 -c 1 -b 16 "$T/two.wav"
sox -q "$T/one.wav" "$T/one.silent.wav" vol 0
sox -q "$T/two.wav" "$T/two.silent.wav" vol 0
silence "$T/lead.wav" 1
silence "$T/pause.wav" 8
silence "$T/tail.wav" 0.5
sox -q "$T/lead.wav" "$T/one.wav" "$T/pause.wav" "$T/two.wav" "$T/tail.wav" "$T/ada.wav"
# The same timeline with only one sentence each, so each lag is measured
# against the position that sentence had in what Ada sent.
sox -q "$T/lead.wav" "$T/one.wav" "$T/pause.wav" "$T/two.silent.wav" "$T/tail.wav" "$T/first.wav"
sox -q "$T/lead.wav" "$T/one.silent.wav" "$T/pause.wav" "$T/two.wav" "$T/tail.wav" "$T/second.wav"
silence "$T/quiet.wav" 1
start_server

listen_and_send pause "$T/ada.wav" 18
# Piece by piece, as the other recordings are judged: the buffer may cut
# a few 2.5 ms steps of delay in a sentence's comma pause, which one
# correlation over the whole sentence would count as a difference. The
# lag compared is the median of the pieces'.
first=$("$HXWAV" chunks "$T/first.wav" "$T/pause.wav" 0.6 0.3) ||
  fail "Ben did not hear Ada's first sentence: $first"
second=$("$HXWAV" chunks "$T/second.wav" "$T/pause.wav" 0.6 0.3) ||
  fail "Ben did not hear Ada's second sentence, after 8 s of silence: $second"
lag1=$(echo "$first" | awk '{print $8}')
lag2=$(echo "$second" | awk '{print $8}')
echo "first sentence: $first; after 8 s of silence: $second"
awk -v a="$lag1" -v b="$lag2" 'BEGIN { exit !(b <= a + 30) }' ||
  fail "after 8 s of silence Ada reached Ben $(awk -v a="$lag1" -v b="$lag2" 'BEGIN { print b - a }') ms later than before (at most 30 ms more)"
