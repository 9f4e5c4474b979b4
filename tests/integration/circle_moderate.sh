#!/usr/bin/env bash
# A circle's rules as the people in it read them, between real hearth
# processes with identities of their own: a turn limit's cue and hand-over;
# each moderation action and a member refused it (and every other host or
# facilitator request); knock declined and admitted; an invite's use limit;
# the host's role back after reconnecting; a removed person kept out of a
# locked room; the ban listed and lifted by name; the closing countdown.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/circle_lib.sh"

start_server
start_driven Ada
wait_for "$T/Ada.out" '^You joined Lobby' 15
say Ada '/room create Circle'
wait_for "$T/Ada.out" '^Circle is made, and you are its host\.' 10
say Ada '/join Circle'
wait_for "$T/Ada.out" '^You are the host here\.$' 10
say Ada '/defer on'
say Ada '/room set floor round'
wait_for "$T/Ada.out" '^Ada changed the room: floor round\.$' 10
say Ada '/room set turn_cue 3s'
wait_for "$T/Ada.out" '^Ada changed the room: cue 3 seconds before the end\.$' 10
say Ada '/room set turn_end pass'
wait_for "$T/Ada.out" "^Ada changed the room: at a turn's end: pass\.$" 10
start_driven Ben --room Circle
wait_for "$T/Ben.out" '^You joined Circle' 15
start_driven Cleo --room Circle
wait_for "$T/Cleo.out" '^You joined Circle' 15

# Turn limit: the cue before the end, then the floor moves on by itself.
say Ada '/room set turn_limit 6s'
wait_for "$T/Ada.out" '^Ada changed the room: turns of 6 seconds\.$' 10
say Ada '/give Ben'
wait_for "$T/Ben.out" '^Your turn\. 6 seconds\.$' 10
wait_for "$T/Ben.out" '^3 seconds left in your turn\.$' 10
wait_for "$T/Cleo.out" "^3 seconds left in Ben's turn\.$" 10
wait_for "$T/Ben.out" '^Your turn is over\.$' 10
wait_for "$T/Cleo.out" "^Ben's turn is over\.$" 10
wait_for "$T/Ben.out" '^Cleo has the floor\.$' 10
wait_for "$T/Cleo.out" '^Your turn\. 6 seconds\.$' 10
say Ada '/room set turn_limit 0'
wait_for "$T/Ada.out" '^Ada changed the room: no turn limit\.$' 10
say Ada '/room set floor open'
wait_for "$T/Ada.out" '^Ada changed the room: floor open\.$' 10

# A member is refused each moderation action, and every other request a
# host or facilitator makes, with a line saying who may.
refused='^Error: Only a host or facilitator of Circle may do that\.$'
ada_lines=$(wc -l <"$T/Ada.out")
for action in '/mute Ada' '/unmute Ada' '/listen Ada' '/unlisten Ada' '/remove Ada Because' \
  '/ban Ada Because' '/bans' '/unban 1' '/lock' '/topic Mine now' '/room set knock on' \
  '/invite' '/close 1m' '/give Ada' '/next' '/take' '/defer on' '/role Ada member'; do
  before=$(grep -c "$refused" "$T/Ben.out" || true)
  say Ben "$action"
  waited=0
  until [ "$(grep -c "$refused" "$T/Ben.out" || true)" -gt "$before" ]; do
    sleep 0.1
    waited=$((waited + 1))
    [ $waited -lt 100 ] || fail "Ben's $action was not refused: $(tail -3 "$T/Ben.out")"
  done
done
tail -n +$((ada_lines + 1)) "$T/Ada.out" >"$T/Ada-refusals.out"
grep -Eq 'muted you|moved to listening|were removed|were banned|^Ben changed|^Room closing|has the floor|now a member' \
  "$T/Ada-refusals.out" && fail "a member's request changed the circle: $(cat "$T/Ada-refusals.out")"
grep -q '^Invite code' "$T/Ben.out" && fail "a member was given an invite code"

# Each action by the host, as the person it is done to reads it.
say Ada '/mute Ben'
wait_for "$T/Ben.out" '^Ada muted you\. A facilitator can unmute you\.$' 10
say Ada '/unmute Ben'
wait_for "$T/Ben.out" '^Ada unmuted you\.$' 10
say Ada '/listen Ben'
wait_for "$T/Ben.out" '^You were moved to listening: you hear the room, and it does not hear you\.$' 10
wait_for "$T/Cleo.out" '^Ben is listening\.$' 10
say Ada '/unlisten Ben'
wait_for "$T/Ben.out" '^You can speak again\.$' 10

# Knock: declined with a reason, then admitted.
say Ada '/room set knock on'
wait_for "$T/Ada.out" '^Ada changed the room: knock to enter\.$' 10
start_driven Dee --room Circle
wait_for "$T/Dee.out" '^You are knocking at Circle\. Please wait' 15
wait_for "$T/Ada.out" '^Dee is knocking\. Type /admit Dee or /decline Dee\.$' 10
say Ada '/decline Dee Not tonight, sorry.'
wait_for "$T/Dee.out" '^You were not let in to Circle\. Reason: Not tonight, sorry\.$' 10
say Dee '/join Circle'
wait_for "$T/Ada.out" '^Dee is knocking\. Type /admit Dee or /decline Dee\.$' 10
say Ada '/admit Dee'
wait_for "$T/Dee.out" '^You joined Circle\. 4 people here\.$' 10

# Remove with a reason; lock; the removed person is kept out.
say Ada '/remove Cleo Too loud tonight.'
wait_for "$T/Cleo.out" '^You were removed from Circle\. Reason: Too loud tonight\.$' 10
wait_for "$T/Ada.out" '^Cleo was removed\.$' 10
say Ada '/lock'
wait_for "$T/Ada.out" '^Ada changed the room: locked\.$' 10
say Cleo '/join Circle'
wait_for "$T/Cleo.out" '^Error: Circle is locked; ask a facilitator for an invite\.$' 10

# An invite for one person lets in one person.
say Ada '/invite'
wait_for "$T/Ada.out" '^Invite code for Circle: [^ ]+\. It lets in 1 person' 10
token=$(sed -n 's/^Invite code for Circle: \([^ ]*\)\. It lets in.*/\1/p' "$T/Ada.out")
start_driven Eve
wait_for "$T/Eve.out" '^You joined Lobby' 15
say Eve "/join Circle --invite $token"
wait_for "$T/Eve.out" '^You joined Circle\. 4 people here\.$' 10
start_driven Fay
wait_for "$T/Fay.out" '^You joined Lobby' 15
say Fay "/join Circle --invite $token"
wait_for "$T/Fay.out" '^Error: That invite is not valid for Circle: it may be used up or expired\.$' 10

# Ada reconnects with the same identity and is host again, past the lock.
say Ada '/quit'
wait_exit "${DRIVEN[Ada]}" 10
mv "$T/Ada.out" "$T/Ada-first.out"
start_driven Ada --room Circle
wait_for "$T/Ada.out" '^You joined Circle' 15
wait_for "$T/Ada.out" 'You are the host here\.' 10
wait_for "$T/Dee.out" '^Ada joined Circle' 10

# Ban with a duration and a reason; the banned person cannot come back.
# It also bans the address, which every test client shares: so it is last.
say Ada '/ban Ben 30m Spamming.'
wait_for "$T/Ben.out" '^You were banned from Circle until .*\. Reason: Spamming\.$' 10
wait_for "$T/Ada.out" '^Ben is banned\.$' 10
say Ben '/join Circle'
wait_for "$T/Ben.out" '^Error: You are banned from Circle\. The reason given: Spamming\.$' 10

# The ban list, and lifting the ban by name; Ben knocks at the unlocked
# room and is let in.
say Ada '/bans'
wait_for "$T/Ada.out" '^Bans in Circle: number [0-9]+, Ben, until [0-9-]+ [0-9:]+, Spamming\.$' 10
say Ada '/unban Ben'
wait_for "$T/Ada.out" '^Ben is no longer banned\.$' 10
say Ada '/unlock'
wait_for "$T/Ada.out" '^Ada changed the room: unlocked\.$' 10
say Ben '/join Circle'
wait_for "$T/Ben.out" '^You are knocking at Circle\. Please wait' 10
wait_for "$T/Ada.out" '^Ben is knocking\. Type /admit Ben or /decline Ben\.$' 10
say Ada '/knock'
wait_for "$T/Ada.out" '^Ben is knocking\. Type /admit NAME or /decline NAME\.$' 10
say Ada '/admit Ben'
wait_for "$T/Ben.out" '^You joined Circle\. 4 people here\.$' 10

# Closing: the countdown, then the room is gone for everyone in it.
say Ada '/close 5s Goodnight, all.'
for name in Ada Ben Dee Eve; do
  wait_for "$T/$name.out" '^Room closing in 5 seconds\. Goodnight, all\.$' 10
done
for name in Ada Ben Dee Eve; do
  wait_for "$T/$name.out" '^Circle has closed\. Goodnight, all\.$' 15
done
for name in Ada Ben Cleo Dee Eve Fay; do say "$name" '/quit'; done
for name in Ada Ben Cleo Dee Eve Fay; do wait_exit "${DRIVEN[$name]}" 10; done
echo "turn limit cue and hand-over, moderation and every refusal to a member, knock, invite limit," \
  "host back after reconnecting, removed person kept out, ban listed and lifted, close countdown"
