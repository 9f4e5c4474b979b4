#!/usr/bin/env bash
# The operator CLI on a running hearthd, as the people in its rooms notice
# it, with no restart: room create, list, set and delete; invite create
# with --uses and --expires; ban list and ban remove of a ban a host made;
# room_create = operator in the config file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/circle_lib.sh"

hd() { "$HEARTHD" --data-dir "$T/data" "$@"; }
invalid='^Error: That invite is not valid for Garden: it may be used up or expired\.$'

start_server --shutdown-grace 0

# room create and list, then a person walks in.
hd room create Garden --topic "Plants and weather" --limit 6 >"$T/create.out" 2>&1 ||
  fail "hearthd room create failed: $(cat "$T/create.out")"
grep -q '^Garden	limit=6 locked=off knock=off guests=on floor=open turn_limit=0 turn_cue=30 turn_end=remind topic="Plants and weather"$' \
  "$T/create.out" || fail "room create printed: $(cat "$T/create.out")"
hd room list >"$T/list.out" 2>&1 || fail "hearthd room list failed: $(cat "$T/list.out")"
grep -q '^Lobby	limit=12 ' "$T/list.out" && grep -q '^Garden	limit=6 ' "$T/list.out" ||
  fail "room list printed: $(cat "$T/list.out")"
sleep 1.5 # the server looks for changes every second
start_driven Ada --room Garden
wait_for "$T/Ada.out" '^You joined Garden\. Nobody else is here\.$' 15
wait_for "$T/Ada.out" '^Topic: Plants and weather\.$' 10

# room set: Ada is told, and the lock keeps Ben out.
hd room set Garden locked on >"$T/set.out" 2>&1 || fail "room set failed: $(cat "$T/set.out")"
grep -q '^Garden	limit=6 locked=on ' "$T/set.out" || fail "room set printed: $(cat "$T/set.out")"
wait_for "$T/Ada.out" '^The operator changed the room: locked\.$' 10
hd room set Garden turn_limit 2m >"$T/set.out" 2>&1 || fail "room set turn_limit 2m: $(cat "$T/set.out")"
grep -q ' turn_limit=120 ' "$T/set.out" || fail "room set printed: $(cat "$T/set.out")"
wait_for "$T/Ada.out" '^The operator changed the room: turns of 2 minutes\.$' 10
status=0
hd room set Garden floor sideways >"$T/bad.out" 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "a bad setting exited with $status, not 2"
grep -q '"floor" must be "open", "hands" or "round"' "$T/bad.out" || fail "bad setting: $(cat "$T/bad.out")"
start_driven Ben --room Garden
wait_for "$T/Ben.out" '^Error: Garden is locked; ask a facilitator for an invite\.$' 15

# invite create --uses 2 --expires 1h: two people in, the third refused.
token=$(hd invite create Garden --uses 2 --expires 1h) || fail "hearthd invite create failed"
[[ $token =~ ^hx1-[0-9a-f]{32}$ ]] || fail "invite create printed \"$token\", not a token"
say Ben "/join Garden --invite $token"
wait_for "$T/Ben.out" '^You joined Garden\. 2 people here\.$' 10
start_driven Cleo
wait_for "$T/Cleo.out" '^You joined Lobby' 15
say Cleo "/join Garden --invite $token"
wait_for "$T/Cleo.out" '^You joined Garden\. 3 people here\.$' 10
start_driven Dee
wait_for "$T/Dee.out" '^You joined Lobby' 15
say Dee "/join Garden --invite $token"
wait_count "$T/Dee.out" "$invalid" 1 10
# An invite of 5 uses that expires in 2 seconds, tried after 3.
brief=$(hd invite create Garden --uses 5 --expires 2s) || fail "invite create --expires 2s failed"
sleep 3
say Dee "/join Garden --invite $brief"
wait_count "$T/Dee.out" "$invalid" 2 10
status=0
hd invite create Nowhere >"$T/bad.out" 2>&1 || status=$?
[ "$status" -eq 1 ] && grep -q 'there is no room called "Nowhere"' "$T/bad.out" ||
  fail "invite create for no room: status $status, $(cat "$T/bad.out")"

# A host's ban, in ban list; ban remove lets the person back at once. The
# ban also holds the address every client here shares, so only Eve (the
# host) and Dee take part.
start_driven Eve
wait_for "$T/Eve.out" '^You joined Lobby' 15
say Eve '/room create Circle'
wait_for "$T/Eve.out" '^Circle is made, and you are its host\.' 10
say Eve '/join Circle'
wait_for "$T/Eve.out" '^You are the host here\.$' 10
say Dee '/join Circle'
wait_for "$T/Eve.out" '^Dee joined Circle\. 2 people here\.$' 10
say Eve '/ban Dee 1h Shouting.'
wait_for "$T/Dee.out" '^You were banned from Circle until .*\. Reason: Shouting\.$' 10
hd ban list >"$T/bans.out" 2>&1 || fail "hearthd ban list failed: $(cat "$T/bans.out")"
grep -Eq '^[0-9]+	Circle	Dee	key=[A-Za-z0-9+/]{16} address=127\.0\.0\.1 until=[0-9-]+ [0-9:]+ UTC reason="Shouting\."$' \
  "$T/bans.out" || fail "ban list printed: $(cat "$T/bans.out")"
say Dee '/join Circle'
wait_for "$T/Dee.out" '^Error: You are banned from Circle\. The reason given: Shouting\.$' 10
ban=$(cut -f1 "$T/bans.out")
hd ban remove "$ban" >"$T/unban.out" 2>&1 || fail "ban remove failed: $(cat "$T/unban.out")"
grep -q "^removed ban $ban\$" "$T/unban.out" || fail "ban remove printed: $(cat "$T/unban.out")"
[ -z "$(hd ban list)" ] || fail "the ban is still listed"
say Dee '/join Circle'
wait_for "$T/Dee.out" '^You joined Circle\. 2 people here\.$' 10

# room delete while Ada, Ben and Cleo are in Garden: they stay, no one new
# comes in, and once they have left it is gone.
hd room delete Garden >"$T/delete.out" 2>&1 || fail "room delete failed: $(cat "$T/delete.out")"
grep -q '^deleted Garden' "$T/delete.out" || fail "room delete printed: $(cat "$T/delete.out")"
status=0
hd room delete Lobby >"$T/bad.out" 2>&1 || status=$?
[ "$status" -eq 1 ] && grep -q 'the Lobby cannot be deleted' "$T/bad.out" ||
  fail "room delete Lobby: status $status, $(cat "$T/bad.out")"
sleep 1.5
say Dee '/rooms'
wait_for "$T/Dee.out" '^Rooms: Lobby, [0-9]+ [a-z]+; Circle, 2 people\.$' 10
say Dee '/join Garden'
wait_for "$T/Dee.out" '^Error: There is no room called "Garden"\.$' 10
say Ada '/who'
wait_for "$T/Ada.out" '^In Garden: .*3 people\.$' 10
for name in Ada Ben Cleo; do say "$name" '/join Lobby'; done
for name in Ada Ben Cleo; do wait_for "$T/$name.out" '^You joined Lobby' 10; done
hd room list >"$T/list.out" 2>&1
grep -q '^Garden' "$T/list.out" && fail "Garden is still in room list"
# Made again, Garden starts afresh: the new maker is its only host.
sleep 0.5
say Ben '/room create Garden'
wait_for "$T/Ben.out" '^Garden is made, and you are its host\.' 10

for name in Ada Ben Cleo Dee Eve; do say "$name" '/quit'; done
for name in Ada Ben Cleo Dee Eve; do wait_exit "${DRIVEN[$name]}" 10; done

# room_create = operator: people cannot make rooms; the operator still can.
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || fail "hearthd exited with status $? after SIGTERM"
printf 'room_create = operator\nshutdown_grace = 0\n' >"$T/hearthd.conf"
start_server --config "$T/hearthd.conf"
start_driven Gil
wait_for "$T/Gil.out" '^You joined Lobby' 15
say Gil '/room create Mine'
wait_for "$T/Gil.out" '^Error: On this server only the operator creates rooms\.$' 10
hd room create Mine >/dev/null || fail "the operator could not create a room"
say Gil '/quit'
wait_exit "${DRIVEN[Gil]}" 10
echo "operator CLI on a running server: room create, list, set (told to the room), delete;" \
  "invite --uses 2 let in two and refused the third, --expires 2s expired; ban list and remove;" \
  "room_create = operator"
