#!/usr/bin/env bash
# hearthd's first start: it makes its data folder (mode 700), a certificate
# and its key (mode 600) and the room Lobby, and prints the certificate's
# SHA-256 fingerprint and how to connect. A client pinned to that printed
# fingerprint joins Lobby and remembers the server; SIGTERM ends hearthd
# with status 0; the next start (with a settings file) keeps the
# certificate, and the client comes back without asking.
. "$(dirname "$0")/lib.sh"

command -v openssl >/dev/null || fail "openssl is missing; scripts/test installs it"
[ ! -e "$T/data" ] || fail "the data folder exists before the first start"
start_server --shutdown-grace 0
echo "hearthd printed:"
cat "$T/server.out"

[ "$(stat -c %a "$T/data")" = 700 ] || fail "the data folder is mode $(stat -c %a "$T/data"), not 700"
[ -f "$T/data/cert.pem" ] || fail "no cert.pem in the data folder"
[ "$(stat -c %a "$T/data/key.pem")" = 600 ] || fail "key.pem is not mode 600"
grep -q 'made a new certificate' "$T/server.err" || fail "hearthd did not say it made a certificate"
fp=$(sed -n 's/^Certificate fingerprint: //p' "$T/server.out")
[[ "$fp" =~ ^SHA256:[0-9a-f]{64}$ ]] || fail "the printed fingerprint \"$fp\" is not SHA256: and 64 hex digits"
want="SHA256:$(openssl x509 -in "$T/data/cert.pem" -outform DER | sha256sum | cut -d' ' -f1)"
[ "$fp" = "$want" ] || fail "hearthd printed $fp, but cert.pem's DER hashes to $want"
grep -qx 'Rooms: Lobby' "$T/server.out" || fail "the first start did not make the room Lobby"
grep -qx "Connect with: hearth --server 127.0.0.1:$PORT --name YOURNAME" "$T/server.out" ||
  fail "hearthd did not say how to connect"

# Ada pins the fingerprint hearthd printed: no question, no --trust-new.
HEARTH_CONFIG_DIR="$T/config-Ada" "$HEARTH" --server "127.0.0.1:$PORT" --name Ada --no-audio \
  --speech none --fingerprint "$fp" --script "$(script '/who\n/quit\n')" \
  </dev/null >"$T/Ada.out" 2>"$T/Ada.err" &
ADA=$!
PIDS+=("$ADA")
wait_exit "$ADA" 15
grep -qx 'You joined Lobby. Nobody else is here.' "$T/Ada.out" || fail "Ada did not join Lobby: $(cat "$T/Ada.out")"
grep -qx 'In Lobby: Ada. 1 person.' "$T/Ada.out" || fail "/who did not list Ada: $(cat "$T/Ada.out")"
grep -qxF "127.0.0.1:$PORT $fp" "$T/config-Ada/known_servers" ||
  fail "known_servers does not hold the fingerprint: $(cat "$T/config-Ada/known_servers")"

kill -TERM "$SERVER_PID"
status=0
wait "$SERVER_PID" || status=$?
[ "$status" -eq 0 ] || fail "hearthd exited with status $status after SIGTERM"
grep -q 'stopped' "$T/server.err" || fail "hearthd did not log that it stopped"

# Second start, same folder and port, with a settings file whose listen
# the command line overrides: the same certificate, the file's greeting,
# and Ada, who knows the server, joins without a flag and without being
# asked.
printf '# hearthd settings\nlisten = 127.0.0.1:1\nmotd = The tea is ready.\n' >"$T/hearthd.conf"
"$HEARTHD" --config "$T/hearthd.conf" --listen "127.0.0.1:$PORT" --data-dir "$T/data" \
  --shutdown-grace 0 >"$T/server2.out" 2>"$T/server2.err" &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
wait_for "$T/server2.out" '^Certificate fingerprint: ' 10
grep -qxF "Certificate fingerprint: $fp" "$T/server2.out" ||
  fail "the second start printed another fingerprint: $(cat "$T/server2.out")"
! grep -q 'made a new certificate' "$T/server2.err" || fail "the second start made a new certificate"
HEARTH_CONFIG_DIR="$T/config-Ada" "$HEARTH" --server "127.0.0.1:$PORT" --name Ada --no-audio \
  --speech none --script "$(script '/quit\n')" </dev/null >"$T/Ada2.out" 2>"$T/Ada2.err" &
ADA=$!
PIDS+=("$ADA")
wait_exit "$ADA" 15
grep -qx 'You joined Lobby. Nobody else is here.' "$T/Ada2.out" ||
  fail "Ada did not come back to Lobby: $(cat "$T/Ada2.out" "$T/Ada2.err")"
grep -qx 'The tea is ready.' "$T/Ada2.out" || fail "the settings file's motd did not reach Ada"
grep -q "listening on 127.0.0.1:$PORT " "$T/server2.out" || fail "--listen did not win over the file"
[ "$(grep -c '' "$T/config-Ada/known_servers")" -eq 1 ] || fail "known_servers grew on the second visit"
echo "first start made $T/data (700), key.pem (600), Lobby and $fp; the second start kept them"
