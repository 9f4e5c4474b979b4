#!/usr/bin/env bash
# hearth refuses, says why and what to do, and exits with status 1 without
# joining: a new server with nobody at a terminal to ask, a fingerprint
# other than the one given with --fingerprint, a server whose certificate
# changed since last time (even with --trust-new or the new fingerprint
# pinned), and a sound device that does not exist.
. "$(dirname "$0")/lib.sh"

# refused NAME PATTERN [hearth options...]: hearth, with its own config
# folder and nothing on standard input, must exit 1 within 15 s, join
# nothing and say PATTERN (an extended regex, on stdout or stderr).
refused() {
  local name=$1 pattern=$2 status=0
  shift 2
  mkdir -p -m 700 "$T/config-$name"
  HEARTH_CONFIG_DIR="$T/config-$name" timeout 15 "$HEARTH" --server "127.0.0.1:$PORT" \
    --name "$name" --speech none "$@" </dev/null >"$T/$name.out" 2>&1 || status=$?
  [ "$status" -eq 1 ] || fail "$name: hearth exited with status $status, not 1: $(cat "$T/$name.out")"
  grep -Eq -- "$pattern" "$T/$name.out" || fail "$name: hearth did not say /$pattern/: $(cat "$T/$name.out")"
  ! grep -q 'joined' "$T/$name.out" || fail "$name: hearth joined a room anyway: $(cat "$T/$name.out")"
  echo "$name: $(grep -E -- "$pattern" "$T/$name.out" | head -n 1)"
}

start_server --shutdown-grace 0
fp1=$(sed -n 's/^Certificate fingerprint: //p' "$T/server.out")

refused Ben "^Unknown server 127\.0\.0\.1:$PORT, fingerprint $fp1\..*--fingerprint $fp1 or --trust-new" \
  --no-audio
[ ! -s "$T/config-Ben/known_servers" ] || fail "Ben's known_servers has a line he never agreed to"

other="SHA256:$(printf '0%.0s' {1..64})"
refused Cy "has fingerprint $fp1, not $other as given with --fingerprint" --no-audio --fingerprint "$other"
[ ! -s "$T/config-Cy/known_servers" ] || fail "Cy's known_servers has the refused fingerprint"

# Ada trusts the server on first use.
start_client Ada --no-audio --script "$(script '/quit\n')"
wait_exit "$LAST_PID" 15
grep -qxF "127.0.0.1:$PORT $fp1" "$T/config-Ada/known_servers" || fail "Ada did not remember the server"

# The same address now answers with another certificate.
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || fail "hearthd exited with status $? after SIGTERM"
"$HEARTHD" --listen "127.0.0.1:$PORT" --data-dir "$T/other-data" --shutdown-grace 0 \
  >"$T/server2.out" 2>"$T/server2.err" &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
wait_for "$T/server2.out" '^Certificate fingerprint: ' 10
fp2=$(sed -n 's/^Certificate fingerprint: //p' "$T/server2.out")
[ "$fp2" != "$fp1" ] || fail "a new data folder made the same certificate"
changed="certificate has CHANGED since you last connected \(expected $fp1, got $fp2\)\. This may be an attack\. If the operator changed it, remove the line for 127\.0\.0\.1:$PORT from $T/config-Ada/known_servers"
refused Ada "$changed" --no-audio --trust-new
refused Ada "$changed" --no-audio --fingerprint "$fp2"
[ "$(cat "$T/config-Ada/known_servers")" = "127.0.0.1:$PORT $fp1" ] ||
  fail "known_servers changed: $(cat "$T/config-Ada/known_servers")"

# A sound device that is not there, whatever sound system this machine has.
refused Dee '^cannot open audio input "No Such Microphone 7710": .*--list-devices.*--no-audio' \
  --trust-new --audio-in "No Such Microphone 7710"
silence "$T/quiet.wav" 1
refused Eve '^cannot open audio output "No Such Speaker 7710": .*--list-devices.*--no-audio' \
  --trust-new --audio-in "$T/quiet.wav" --audio-out "No Such Speaker 7710"
