#!/usr/bin/env bash
# Packets that arrive out of order or twice change nothing Ben hears: his
# recording through a network that reorders and duplicates 10 % of Ada's
# packets matches his recording of the same speech through a clean one.
. "$(dirname "$0")/net_lib.sh"

speech "$T/ada.wav" 1.0 en "Packets may arrive twice or out of order. Ben should hear exactly the same sentence either way."
silence "$T/quiet.wav" 1
start_server

start_impair clean --seed 3
listen_and_send clean "$T/ada.wav" 10 --media-via "127.0.0.1:$IMPAIR_PORT"
stop_impair clean

start_impair shuffled --reorder 0.1 --duplicate 0.1 --seed 5
listen_and_send shuffled "$T/ada.wav" 10 --media-via "127.0.0.1:$IMPAIR_PORT"
stop_impair shuffled
grep -qE 'to server: .* duplicated [1-9][0-9]* reordered [1-9]' "$T/shuffled.impair" ||
  fail "hximpair neither duplicated nor reordered Ada's packets: $(cat "$T/shuffled.impair")"

# Piece by piece, in both runs: the adaptive buffer may move its delay once,
# mid-sentence, when a packet comes after its slot (reordered, or late on a
# busy machine), and one global lag would count that as a difference. What
# must not change is what Ben hears.
clean=$("$HXWAV" chunks "$T/ada.wav" "$T/clean.wav" 0.7 0.4) ||
  fail "Ben did not hear Ada clearly through a clean relay: $clean"
# Every half-second of the clean run is found in the shuffled one.
result=$("$HXWAV" chunks "$T/clean.wav" "$T/shuffled.wav" 0.9 0.6) ||
  fail "what Ben heard through reordering and duplication differs from the clean run: $result"
echo "clean run against Ada's speech: $clean"
echo "reordered and duplicated run against the clean run: $result"
