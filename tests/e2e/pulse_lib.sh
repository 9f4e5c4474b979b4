# A private PulseAudio daemon for tests and benchmarks that use real sound
# devices: its own XDG_RUNTIME_DIR and HOME under $T, no D-Bus, no session.
# PortAudio reaches it through ALSA's pulse plugin (a private ~/.asoundrc).
#
# Sinks, all 48 kHz:
#   probe   2 channels; what is played into mouth_a is its left channel and
#           what is played into ear_b its right, so one recorder of
#           probe.monitor hears both on one clock
#   mouth_a remap of probe's left: play speech here; a sender captures
#           mouth_a.monitor
#   ear_b   remap of probe's right: a receiver plays here
#   sink_a  where the sender's own speaker goes (nobody listens)
#   quiet_b a silent microphone for the receiver (quiet_b.monitor)
#   ears_b  2 channels: a receiver with seats on plays here, and a recorder
#           of ears_b.monitor hears its left and right
# norewinds=1 is needed: PortAudio's ALSA-to-pulse streams stall after the
# first buffer when the null sink rewinds.
# Needs $T (a private temp folder) and fail() from the caller.

PULSE_PID=

start_pulse() {
  local cmd
  for cmd in pulseaudio pactl paplay parecord; do
    command -v "$cmd" >/dev/null ||
      fail "$cmd is missing; scripts/test installs pulseaudio and pulseaudio-utils"
  done
  [ -n "$(find /usr/lib -name libasound_module_pcm_pulse.so 2>/dev/null | head -n 1)" ] ||
    fail "ALSA's pulse plugin is missing; scripts/test installs libasound2-plugins"
  mkdir -p "$T/pulse-run" "$T/pulse-home"
  chmod 700 "$T/pulse-run"
  export XDG_RUNTIME_DIR="$T/pulse-run" HOME="$T/pulse-home"
  unset DBUS_SESSION_BUS_ADDRESS DISPLAY PULSE_SERVER PULSE_SINK PULSE_SOURCE
  printf 'pcm.!default { type pulse }\nctl.!default { type pulse }\n' >"$HOME/.asoundrc"
  local null="rate=48000 norewinds=1"
  pulseaudio -n --daemonize=no --exit-idle-time=-1 --use-pid-file=no --system=no \
    --disallow-exit --log-target=stderr \
    -L module-native-protocol-unix \
    -L "module-null-sink sink_name=probe channels=2 $null" \
    -L "module-remap-sink sink_name=mouth_a master=probe channels=1 channel_map=mono master_channel_map=front-left remix=no" \
    -L "module-remap-sink sink_name=ear_b master=probe channels=1 channel_map=mono master_channel_map=front-right remix=no" \
    -L "module-null-sink sink_name=sink_a channels=1 $null" \
    -L "module-null-sink sink_name=quiet_b channels=1 $null" \
    -L "module-null-sink sink_name=ears_b channels=2 $null" \
    >"$T/pulse.log" 2>&1 &
  PULSE_PID=$!
  PIDS+=("$PULSE_PID")
  local waited=0
  until pactl list short sinks 2>/dev/null | grep -q 'quiet_b'; do
    kill -0 "$PULSE_PID" 2>/dev/null ||
      fail "the PulseAudio daemon could not start: $(grep -E '^E:' "$T/pulse.log" | head -n 5)"
    sleep 0.1
    waited=$((waited + 1))
    [ $waited -lt 100 ] || fail "the PulseAudio daemon did not answer within 10 s: $(tail -n 5 "$T/pulse.log")"
  done
}

stop_pulse() {
  [ -n "$PULSE_PID" ] || return 0
  kill -TERM "$PULSE_PID" 2>/dev/null || true
  wait "$PULSE_PID" 2>/dev/null || true
  PULSE_PID=
}

# record_probe FILE [SINK]: records SINK's monitor (probe.monitor if not
# given: left mouth, right ear) into FILE, in stereo, until stop_record;
# sets RECORD_PID.
record_probe() {
  parecord --device="${2:-probe}.monitor" --rate=48000 --channels=2 --format=s16le \
    --file-format=wav --latency-msec=10 "$1" 2>"$T/parecord.err" &
  RECORD_PID=$!
  PIDS+=("$RECORD_PID")
}

stop_record() {
  kill -INT "$RECORD_PID" 2>/dev/null || true
  wait "$RECORD_PID" 2>/dev/null || true
}

# split_probe FILE MOUTH EAR: the two channels as mono files.
split_probe() {
  sox -q "$1" "$2" remix 1
  sox -q "$1" "$3" remix 2
}

# devices_call BEN_SINK BEN_SCRIPT ADA_SCRIPT [BEN_OPTION...]: the call the
# device tests share. Ada's speech goes to $T/ada.wav; a PulseAudio daemon
# and a server start; then Ben joins on PortAudio's default devices,
# playing into BEN_SINK with a silent microphone, and Ada, whose
# microphone hears what is played into mouth_a. Each runs the client
# script given (printf format). Sets BEN and ADA.
devices_call() {
  local sink=$1 ben_script=$2 ada_script=$3
  shift 3
  speech "$T/ada.wav" 0.2 en "The quick brown fox jumps over the lazy dog. Hearth carries every voice."
  start_pulse
  start_server
  # ALSA loads its PulseAudio plugin with dlopen and unloads it on exit, so
  # under LeakSanitizer the plugin's own leaks show up from an unknown
  # module; the slow unwinder walks on into libasound, where tests/lsan.supp
  # names them. Other builds ignore the variable.
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
  PULSE_SINK=$sink PULSE_SOURCE=quiet_b.monitor start_client Ben "$@" \
    --script "$(script "$ben_script")"
  BEN=$LAST_PID
  wait_for "$T/Ben.out" 'You joined Lobby' 10
  PULSE_SINK=sink_a PULSE_SOURCE=mouth_a.monitor start_client Ada --script "$(script "$ada_script")"
  ADA=$LAST_PID
  wait_for "$T/Ada.out" 'You joined Lobby\. 2 people here\.' 10
  wait_for "$T/Ben.out" '^Ada joined Lobby' 10
}

# ada_speaks_into FILE [SINK [SECONDS]]: records SINK (probe by default)
# into FILE while Ada's speech is played into mouth_a, then waits up to
# SECONDS (15) for each client of devices_call to leave and stops the
# daemon.
ada_speaks_into() {
  record_probe "$1" "${2:-probe}"
  sleep 1
  paplay --device=mouth_a "$T/ada.wav" || fail "paplay could not play into mouth_a: $(tail -n 3 "$T/pulse.log")"
  sleep 1.5
  stop_record
  wait_exit "$ADA" "${3:-15}"
  wait_exit "$BEN" "${3:-15}"
  stop_pulse
}
