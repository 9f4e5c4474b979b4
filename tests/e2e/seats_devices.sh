#!/usr/bin/env bash
# Seats on a real sound device: Ben listens with --seats on through
# PortAudio into a stereo PulseAudio sink. Ada, the only other person, sits
# at his left, so her speech comes out of the left channel louder than the
# right by a clear margin.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/pulse_lib.sh"

speech "$T/ada.wav" 0.2 en "The quick brown fox jumps over the lazy dog. Hearth carries every voice."
start_pulse
start_server

# As in sound_devices.sh: the slow unwinder for ALSA's plugin under LSan.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"

PULSE_SINK=ears_b PULSE_SOURCE=quiet_b.monitor start_client Ben --seats on \
  --script "$(script '/wait 11\n/quit\n')"
BEN=$LAST_PID
wait_for "$T/Ben.out" 'You joined Lobby' 10
PULSE_SINK=sink_a PULSE_SOURCE=mouth_a.monitor start_client Ada \
  --script "$(script '/wait 8\n/quit\n')"
ADA=$LAST_PID
wait_for "$T/Ben.out" '^Ada joined Lobby' 10

record_probe "$T/ears.wav" ears_b
sleep 1
paplay --device=mouth_a "$T/ada.wav" || fail "paplay could not play into mouth_a: $(tail -n 3 "$T/pulse.log")"
sleep 1.5
stop_record
wait_exit "$ADA" 15
wait_exit "$BEN" 15
stop_pulse
! grep -q '^Seats off' "$T/Ben.out" || fail "Ben's stereo device fell back to mono: $(grep '^Seats off' "$T/Ben.out")"

# Where Ada's speech best matches is where both channels are measured:
# silence there would be equal on both sides and fail the margin.
pan=$("$HXWAV" pan "$T/ada.wav" "$T/ears.wav" 6) || fail "Ada is not off to one side in Ben's ears: $pan"
echo "Ada in Ben's ears: $pan"
diff=$(awk '{ print $(NF - 1) }' <<<"$pan")
awk -v d="$diff" 'BEGIN { exit !(d >= 6) }' || fail "Ada is not on Ben's left ($diff dB)"
