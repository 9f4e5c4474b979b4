#!/usr/bin/env bash
# Ben's machine stalls now and then (here: the whole client stopped for a
# moment), so his sound device runs out of output. On the third time within
# a minute his client reopens the output with a period more queued, says so
# in its log, and goes on playing Ada's speech.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/pulse_lib.sh"

devices_call ear_b '/wait 16\n/quit\n' '/wait 13\n/quit\n' --verbose

# Three stalls of 100 ms, 1.5 s apart: three separate occasions.
for stall in 1 2 3; do
  sleep 1.5
  kill -STOP "$BEN"
  sleep 0.1
  kill -CONT "$BEN"
done
wait_for "$T/Ben.err" 'it now keeps [0-9.]+ ms queued' 5
grep -E 'it now keeps' "$T/Ben.err"

ada_speaks_into "$T/probe.wav"

! grep -q 'lost the audio output' "$T/Ben.err" || fail "Ben's output was lost: $(grep 'audio' "$T/Ben.err")"
split_probe "$T/probe.wav" "$T/mouth.wav" "$T/ear.wav"
heard=$("$HXWAV" chunks "$T/ada.wav" "$T/ear.wav" 0.7 0.4) ||
  fail "after reopening its output Ben's speaker did not play Ada's speech clearly: $heard"
echo "Ben's speaker played Ada's speech after the reopen: $heard"
grep -E 'audio stopped' "$T/Ben.err"
