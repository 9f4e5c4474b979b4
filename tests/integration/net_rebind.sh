#!/usr/bin/env bash
# NAT rebinding: Ada's media reaches hearthd through a relay; between two of
# Ben's sentences the relay is replaced by a new one on the same port, so
# Ada's packets come from a new address. hearthd re-learns it from her next
# authenticated packet (a keepalive: she is silent) and Ada hears Ben's
# second sentence there too.
. "$(dirname "$0")/net_lib.sh"

espeak-ng -v en-us -s 150 -w "$T/one.raw.wav" "This is my first sentence before the move."
espeak-ng -v en-us -s 150 -w "$T/two.raw.wav" "And this one comes after the address changed."
for part in one two; do
  sox -q "$T/$part.raw.wav" -r 48000 -c 1 -b 16 "$T/$part.wav"
  sox -q "$T/$part.wav" "$T/$part.silent.wav" vol 0
done
silence "$T/lead.wav" 1
silence "$T/pause.wav" 5
silence "$T/tail.wav" 0.5
sox -q "$T/lead.wav" "$T/one.wav" "$T/pause.wav" "$T/two.wav" "$T/tail.wav" "$T/ben.wav"
sox -q "$T/lead.wav" "$T/one.wav" "$T/pause.wav" "$T/two.silent.wav" "$T/tail.wav" "$T/first.wav"
sox -q "$T/lead.wav" "$T/one.silent.wav" "$T/pause.wav" "$T/two.wav" "$T/tail.wav" "$T/second.wav"
silence "$T/quiet.wav" 1
secs=$("$HXWAV" duration "$T/ben.wav")
start_server --log-level debug

start_impair before
start_client Ada --audio-in "$T/quiet.wav" --audio-out "$T/ada-heard.wav" \
  --media-via "127.0.0.1:$IMPAIR_PORT" \
  --script "$(script "/wait $(awk -v s="$secs" 'BEGIN { printf "%.1f", s + 3 }')\n/quit\n")"
ADA=$LAST_PID
wait_for "$T/Ada.out" '^You joined Lobby' 10
start_client Ben --audio-in "$T/ben.wav" --audio-out "$T/ben-heard.wav" \
  --script "$(script "/wait $(awk -v s="$secs" 'BEGIN { printf "%.1f", s + 1 }')\n/quit\n")"
BEN=$LAST_PID
wait_for "$T/Ada.out" '^Ben stopped speaking\.$' 15

# The move: the old relay goes, a new one takes its port with a new
# upstream socket, which is a new address to hearthd.
stop_impair before
"$HXIMPAIR" --listen "127.0.0.1:$IMPAIR_PORT" --to "127.0.0.1:$PORT" >"$T/after.impair" 2>&1 &
IMPAIR_PID=$!
PIDS+=("$IMPAIR_PID")
wait_for "$T/after.impair" 'relaying' 5
wait_for "$T/server.err" 'sends media from 127\.0\.0\.1:[0-9]+ now' 5
grep 'sends media from' "$T/server.err" | sed 's/^/  /'

wait_exit "$BEN" 30
wait_exit "$ADA" 30
stop_impair after

first=$("$HXWAV" chunks "$T/first.wav" "$T/ada-heard.wav" 0.7 0.4) ||
  fail "Ada did not hear Ben's first sentence, before the move: $first"
echo "before the move, Ada heard: $first"
second=$("$HXWAV" chunks "$T/second.wav" "$T/ada-heard.wav" 0.7 0.4) ||
  fail "Ada did not hear Ben's second sentence at her new address: $second"
echo "after the move, Ada heard: $second"
