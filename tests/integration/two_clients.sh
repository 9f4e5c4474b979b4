#!/usr/bin/env bash
# Ada speaks; Ben, in the same room, hears her through hearthd.
. "$(dirname "$0")/lib.sh"

speech "$T/ada.wav" 1.0 en "The quick brown fox jumps over the lazy dog. Hearth carries every voice."
silence "$T/quiet.wav" 1
start_server

start_client Ben --audio-in "$T/quiet.wav" --audio-out "$T/ben-heard.wav" \
  --script "$(script '/wait 9\n/who\n/quit\n')"
BEN=$LAST_PID
wait_for "$T/Ben.out" 'You joined Lobby' 10

start_client Ada --audio-in "$T/ada.wav" --audio-out "$T/ada-heard.wav" \
  --script "$(script '/wait 7\n/quit\n')"
ADA=$LAST_PID
wait_for "$T/Ada.out" 'You joined Lobby\. 2 people here\.' 10
wait_for "$T/Ben.out" '^Ada joined Lobby\. 2 people here\.$' 10
wait_for "$T/Ben.out" '^Ada speaking\.$' 10

wait_exit "$ADA" 15
wait_for "$T/Ben.out" '^Ada left Lobby\. 1 person here\.$' 10
wait_exit "$BEN" 15
grep -q '^In Lobby: Ben\. 1 person\.$' "$T/Ben.out" || fail "/who did not list Ben alone: $(cat "$T/Ben.out")"

echo "Ben's output:"
cat "$T/Ben.out"
# Piece by piece: on a busy machine the receiver may move its delay once
# mid-sentence, which one global lag would count as a difference. Each
# half-second piece is correlated at its own best lag: the median must reach
# 0.7 and none may fall below 0.4 (a missing word); the lag printed is the
# median piece's, from Ada's file to Ben's recording.
result=$("$HXWAV" chunks "$T/ada.wav" "$T/ben-heard.wav" 0.7 0.4) ||
  fail "Ben did not hear Ada clearly: $result"
echo "Ben heard Ada: $result"
# The whole sentence at one lag, as a person would judge it (at least 0.6),
# unless the receiver moved its delay mid-sentence (then the pieces decide).
whole=$("$HXWAV" xcorr "$T/ada.wav" "$T/ben-heard.wav")
echo "the whole sentence at its best lag: $whole"
