#!/usr/bin/env bash
# What a person reads before a first call: hearth --help names every option
# and every command, hearth --list-devices lists the sound devices (or says
# there are none) and exits 0, hearthd --help names its options, and a
# missing or unknown option is a sentence and status 2.
. "$(dirname "$0")/lib.sh"

"$HEARTH" --help >"$T/hearth-help.out" 2>&1 || fail "hearth --help exited with status $?"
for option in '--server HOST[:PORT]' '--name NAME' '--room ROOM' '--audio-in DEVICE' \
  '--audio-out DEVICE' '--no-audio' '--script FILE' '--trust-new' '--fingerprint SHA256:' \
  '--frame-ms 10|20' '--list-devices' '--help'; do
  grep -qF -- "$option" "$T/hearth-help.out" || fail "hearth --help does not name $option"
done
for command in '/who:' '/mute:' '/unmute:' '/join ROOM:' '/leave:' '/rooms:' '/quit:' '/help:' \
  '/wait SECONDS:'; do
  grep -qF -- "  $command" "$T/hearth-help.out" || fail "hearth --help does not list $command"
done

# ALSA loads and unloads its plugins with dlopen, so under LeakSanitizer
# their leaks come from an unknown module unless the slow unwinder walks on
# into libasound, which tests/lsan.supp names. Other builds ignore this.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0" \
  "$HEARTH" --list-devices >"$T/devices.out" 2>"$T/devices.err" ||
  fail "hearth --list-devices exited with status $?: $(cat "$T/devices.err")"
grep -Eq '^(no audio devices found|[0-9]+: .* \(in [0-9]+, out [0-9]+, [0-9]+ Hz\).*)$' "$T/devices.out" ||
  fail "hearth --list-devices printed neither devices nor that there are none: $(cat "$T/devices.out")"
echo "hearth --list-devices: $(head -n 1 "$T/devices.out")"

"$HEARTHD" --help >"$T/hearthd-help.out" 2>&1 || fail "hearthd --help exited with status $?"
for option in '--listen ADDR[:PORT]' 'default 0.0.0.0:7710' '--data-dir DIR' '--config FILE'; do
  grep -qF -- "$option" "$T/hearthd-help.out" || fail "hearthd --help does not name $option"
done

# usage PATTERN COMMAND...: status 2 and a sentence matching PATTERN.
usage() {
  local pattern=$1 status=0
  shift
  "$@" </dev/null >"$T/usage.out" 2>&1 || status=$?
  [ "$status" -eq 2 ] || fail "$* exited with status $status, not 2: $(cat "$T/usage.out")"
  grep -Eq -- "$pattern" "$T/usage.out" || fail "$* did not say /$pattern/: $(cat "$T/usage.out")"
}
usage '^hearth: missing --server: .*HOST:PORT' "$HEARTH" --name Ada
usage '^hearth: missing --name: ' "$HEARTH" --server 127.0.0.1
usage 'try --help' "$HEARTHD" --no-such-option
echo "help, devices and usage errors as documented"
