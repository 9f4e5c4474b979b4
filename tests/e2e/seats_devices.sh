#!/usr/bin/env bash
# Seats on a real sound device: Ben listens with --seats on through
# PortAudio into a stereo PulseAudio sink. Ada, the only other person, sits
# at his left, so her speech comes out of the left channel louder than the
# right by a clear margin.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/pulse_lib.sh"

devices_call ears_b '/wait 11\n/quit\n' '/wait 8\n/quit\n' --seats on

ada_speaks_into "$T/ears.wav" ears_b
! grep -q '^Seats off' "$T/Ben.out" || fail "Ben's stereo device fell back to mono: $(grep '^Seats off' "$T/Ben.out")"

# Where Ada's speech best matches is where both channels are measured:
# silence there would be equal on both sides and fail the margin.
pan=$("$HXWAV" pan "$T/ada.wav" "$T/ears.wav" 6) || fail "Ada is not off to one side in Ben's ears: $pan"
echo "Ada in Ben's ears: $pan"
diff=$(awk '{ print $(NF - 1) }' <<<"$pan")
awk -v d="$diff" 'BEGIN { exit !(d >= 6) }' || fail "Ada is not on Ben's left ($diff dB)"
