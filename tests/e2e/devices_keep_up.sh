#!/usr/bin/env bash
# Ben's machine stalls now and then (here: the whole client stopped for a
# moment), so his sound device runs out of output. On the third occasion
# within a minute his client reopens the output with a period more queued
# and says so in its log. These stalls are longer than any queue, so the
# device goes on running dry as often, and within the minute the client
# gives the period back. It goes on playing Ada's speech.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/pulse_lib.sh"

devices_call ear_b '/wait 50\n/quit\n' '/wait 47\n/quit\n' --verbose

# stall_until REGEX WHAT: stalls Ben 200 ms at a time, 1.2 s apart (each a
# separate occasion), until his log matches REGEX. The device notices most
# stalls, not every one (PulseAudio may still hold enough), so up to twelve
# are allowed for the three it needs.
stall_until() {
  local stalls=0
  until grep -Eq "$1" "$T/Ben.err"; do
    [ "$stalls" -lt 12 ] || fail "Ben's client did not $2 after $stalls stalls: $(grep -E 'audio|underrun' "$T/Ben.err")"
    sleep 1.2
    kill -STOP "$BEN"
    sleep 0.2
    kill -CONT "$BEN"
    stalls=$((stalls + 1))
    sleep 0.3
  done
  echo "after $stalls stalls: $(grep -E "$1" "$T/Ben.err")"
}
stall_until 'kept running out of output: it now keeps' 'queue more'
stall_until 'did not stop the sound device running out of output: it now keeps' 'give the period back'

ada_speaks_into "$T/probe.wav" probe 45

! grep -q 'lost the audio output' "$T/Ben.err" || fail "Ben's output was lost: $(grep 'audio' "$T/Ben.err")"
split_probe "$T/probe.wav" "$T/mouth.wav" "$T/ear.wav"
heard=$("$HXWAV" chunks "$T/ada.wav" "$T/ear.wav" 0.7 0.4) ||
  fail "after reopening its output Ben's speaker did not play Ada's speech clearly: $heard"
echo "Ben's speaker played Ada's speech after the reopen: $heard"
# The stalls lost their time: the delay they left is cut (in the pauses
# before Ada spoke, and in hers), not kept for good. Ten of them once left
# her speech more than a second late.
delay=$("$HXWAV" chunks "$T/mouth.wav" "$T/ear.wav") || fail "the probe's channels do not match: $delay"
least=$(echo "$delay" | sed -n 's/.*(pieces \([-0-9.]*\) to .*/\1/p')
echo "mouth to ear after the stalls: $delay"
awk -v l="$least" 'BEGIN { exit !(l != "" && l <= 150) }' ||
  fail "the stalls' lost time stayed as delay: mouth to ear at least $least ms ($delay)"
grep -E 'audio stopped' "$T/Ben.err"
