#!/usr/bin/env bash
# Two hearth clients on real sound devices (PortAudio's defaults, through
# ALSA into a private PulseAudio daemon): speech played into Ada's
# microphone comes out of Ben's speaker, recognisably, and the time it took
# is printed. hearth --list-devices shows the default devices they use.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/pulse_lib.sh"

devices_call ear_b '/wait 13\n/stats\n/quit\n' '/wait 10\n/quit\n'

# With a sound system running, --list-devices names the default input and
# output that the clients use.
"$HEARTH" --list-devices >"$T/devices.out" 2>"$T/devices.err" ||
  fail "hearth --list-devices exited with status $?: $(cat "$T/devices.err")"
grep -Eq '^[0-9]+: .*\[default input\]' "$T/devices.out" &&
  grep -Eq '^[0-9]+: .*\[default output\]' "$T/devices.out" ||
  fail "hearth --list-devices shows no default input and output: $(cat "$T/devices.out")"
echo "hearth --list-devices:"
cat "$T/devices.out"

ada_speaks_into "$T/probe.wav"
cat "$T/Ben.out"

split_probe "$T/probe.wav" "$T/mouth.wav" "$T/ear.wav"
mouth=$("$HXWAV" xcorr "$T/ada.wav" "$T/mouth.wav" 0.8) ||
  fail "the speech played into Ada's microphone did not reach the recorder: $mouth"
# Judged piece by piece, as the other recordings are: the playout delay
# may move by a few ms in a pause, which blurs one correlation over the
# whole sentence but not what a listener hears.
heard=$("$HXWAV" chunks "$T/ada.wav" "$T/ear.wav" 0.7 0.4) ||
  fail "Ben's speaker did not play Ada's speech clearly: $heard"
ear=$("$HXWAV" xcorr "$T/ada.wav" "$T/ear.wav" 0) ||
  fail "Ben's speaker played nothing like Ada's speech: $ear"
lag_mouth=$(echo "$mouth" | awk '{print $4}')
lag_ear=$(echo "$ear" | awk '{print $4}')
echo "Ben's speaker played Ada's speech: $heard; $ear"
echo "mouth-to-ear latency through real devices: $(awk -v a="$lag_mouth" -v b="$lag_ear" 'BEGIN { printf "%.1f", b - a }') ms"
