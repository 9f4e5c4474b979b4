#!/usr/bin/env bash
# Circles on a real hearthd: a ban and room settings made in the room
# survive kill -9 and a restart; the same key is recognised as host after
# reconnecting; a member is refused moderation; a room made with the
# operator CLI appears without a restart; SIGTERM's notice reaches a peer
# before the socket closes, and hearthd exits 0.
source "$(dirname "$0")/lib.sh"
[ -x "${HXCTL:-}" ] || fail "\$HXCTL is not set to an executable; run this through ctest"

fp() { grep -o 'SHA256:[0-9a-f]*' "$T/server.out" | head -1; }
ctl() { "$HXCTL" 127.0.0.1 "$PORT" "$(fp)"; }

start_server --shutdown-grace 2
# Ada (key 1) makes a circle and is its host; Max (key 2) joins and is
# refused when he tries to ban; Ada, back on a new connection, bans him.
ctl >"$T/ada.out" 2>&1 <<'S' || fail "Ada could not make a room: $(cat "$T/ada.out")"
hello Ada 1
{"type":"create_room","id":3,"room":"Circle"}
expect "type":"room"
S
ctl >"$T/max.out" 2>&1 <<'S' &
hello Max 2
{"type":"join","id":4,"room":"Circle"}
expect "type":"joined"
{"type":"moderate","id":5,"action":"ban","session":1}
expect "not_allowed"
expect "event":"banned"
S
MAX=$!
wait_for "$T/max.out" 'not_allowed' 10
MAX_SESSION=$(grep -o '"type":"joined","id":4,"room":"Circle","session":[0-9]*' "$T/max.out" | grep -o '[0-9]*$')
[ -n "$MAX_SESSION" ] || fail "Max did not join: $(cat "$T/max.out")"

ctl >"$T/ban.out" 2>&1 <<S || fail "the ban failed: $(cat "$T/ban.out")"
hello Ada 1
{"type":"join","id":4,"room":"Circle"}
expect "role":"host"
{"type":"room_set","id":6,"settings":{"topic":"Tea and grief","turn_limit":90}}
expect "type":"room"
{"type":"moderate","id":5,"action":"ban","session":$MAX_SESSION,"reason":"Take a break."}
expect "type":"moderated"
S
wait "$MAX" || fail "Max was not told he was banned: $(cat "$T/max.out")"
# Acknowledged means committed: kill -9 right after the reply loses nothing.
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
start_server --shutdown-grace 2
ctl >"$T/max2.out" 2>&1 <<'S' || fail "the ban did not survive kill -9: $(cat "$T/max2.out")"
hello Max 2
{"type":"join","id":4,"room":"Circle"}
expect "code":"banned"
S
grep -q 'Take a break' "$T/max2.out" || fail "the ban's reason was not said: $(cat "$T/max2.out")"
ctl >"$T/ada2.out" 2>&1 <<'S' || fail "Ada was not known as host again: $(cat "$T/ada2.out")"
hello Ada 1
{"type":"join","id":4,"room":"Circle"}
expect "role":"host"
S
grep -q '"topic":"Tea and grief"' "$T/ada2.out" && grep -q '"turn_limit":90' "$T/ada2.out" ||
  fail "the room's settings did not survive kill -9: $(cat "$T/ada2.out")"

# The operator CLI changes the running server's data.
"$HEARTHD" --data-dir "$T/data" room create Garden --topic "Plants" >"$T/cli.out" 2>&1 ||
  fail "hearthd room create failed: $(cat "$T/cli.out")"
# --data-dir may also come after the command, where operators tend to put it.
"$HEARTHD" ban list --data-dir "$T/data" >"$T/bans.out" 2>&1 || fail "hearthd ban list failed"
grep -q 'Take a break' "$T/bans.out" || fail "ban list does not show the ban: $(cat "$T/bans.out")"
sleep 1.5
ctl >"$T/rooms.out" 2>&1 <<'S' || fail "the new room did not appear: $(cat "$T/rooms.out")"
hello Gus
{"type":"rooms","id":2}
expect "name":"Garden"
S
BAN_ID=$(head -1 "$T/bans.out" | cut -f1)
"$HEARTHD" --data-dir "$T/data" ban remove "$BAN_ID" >/dev/null || fail "hearthd ban remove failed"
ctl >"$T/max3.out" 2>&1 <<'S' || fail "Max could not join after the ban was removed: $(cat "$T/max3.out")"
hello Max 2
{"type":"join","id":4,"room":"Circle"}
expect "type":"joined"
S

# SIGTERM: the notice reaches a connected peer before its socket closes,
# and hearthd exits 0 after the grace period.
ctl >"$T/term.out" 2>&1 <<'S' &
hello Tom
expect restarting in 2 seconds
expect closed
S
TOM=$!
sleep 0.5
kill -TERM "$SERVER_PID"
wait "$TOM" || fail "the shutdown notice did not come before the close: $(cat "$T/term.out")"
wait_exit "$SERVER_PID" 10
echo "PASS circle_persist"
