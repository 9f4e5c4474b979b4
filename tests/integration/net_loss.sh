#!/usr/bin/env bash
# Ada's packets cross a network that loses 5 % of them at random and delays
# each by up to 20 ms more than the last: Ben still understands her, and
# only about as many frames are concealed as were lost.
. "$(dirname "$0")/net_lib.sh"

speech "$T/ada.wav" 1.0 en "The quick brown fox jumps over the lazy dog. Hearth carries every voice, even when the network drops a few packets along the way."
silence "$T/quiet.wav" 1
start_server
start_impair lossy --loss 0.05 --jitter 20 --seed 7

listen_and_send lossy "$T/ada.wav" 13 --media-via "127.0.0.1:$IMPAIR_PORT"
stop_impair lossy

decoded=$(stats_field "$T/lossy.out" "frames decoded")
concealed=$(stats_field "$T/lossy.out" "frames concealed")
echo "Ben: $decoded frames decoded, $concealed concealed"
[ "$decoded" -gt 100 ] || fail "Ben decoded only $decoded frames: $(cat "$T/lossy.out")"
# 5 % lost, plus 1 % for packets the jitter made too late to play.
awk -v d="$decoded" -v c="$concealed" 'BEGIN { exit !(c <= 0.06 * (d + c)) }' ||
  fail "Ben concealed $concealed of $((decoded + concealed)) frames: more than the 5 % lost + 1 %"
# Piece by piece: under 20 ms of jitter the adaptive buffer grows its delay
# when a packet comes after its slot, mid-sentence if need be, and one
# global lag would count every word after that as different. Each
# half-second must still correlate at least 0.5 with what Ada said (the
# median), and none may be lost outright.
result=$("$HXWAV" chunks "$T/ada.wav" "$T/lossy.wav" 0.5 0.2) ||
  fail "Ben did not hear Ada clearly through 5 % loss and 20 ms jitter: $result"
echo "Ben heard Ada through 5 % loss and 20 ms jitter: $result"
