#!/usr/bin/env bash
# A hands circle between real processes, each person with an identity of
# their own. Ada makes a room and hosts it; Ben and Cleo raise hands; Ada
# hears the queue in order, gives the floor to the first hand and then to
# Cleo, then takes it back (Fay, with Hearth's own speech, hears the queue
# said when she asks, and her turn); Ben, a member, tries /remove and is
# refused with a clear line, and Cleo stays. Then Dee knocks and Ada lets
# her in and makes her a facilitator; Ada locks the room and Eve comes in
# with an invite code. Ada's connection dies: the floor goes on, Dee hands
# it on, and Ada is host again when she is back. Ada closes the room with a
# countdown (its start, the 10-seconds point, the end) and everyone is out
# of it, told why. First, a damaged identity file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/circle_lib.sh"

start_server

# A damaged identity stops hearth with a line naming the file, and the
# file is kept as it was.
mkdir -m 700 "$T/config-Bad"
echo 'not an identity' >"$T/config-Bad/identity"
status=0
HEARTH_CONFIG_DIR="$T/config-Bad" "$HEARTH" --server "127.0.0.1:$PORT" --name Bad --trust-new \
  --no-audio --speech none --script - </dev/null >"$T/Bad.out" 2>"$T/Bad.err" || status=$?
[ "$status" -eq 1 ] || fail "hearth with a damaged identity exited with $status, not 1"
grep -q "identity file $T/config-Bad/identity is damaged" "$T/Bad.out" ||
  fail "no line naming the damaged identity file: $(cat "$T/Bad.out")"
[ "$(cat "$T/config-Bad/identity")" = 'not an identity' ] || fail "the damaged identity was replaced"

start_driven Ada
ADA=$LAST_PID
wait_for "$T/Ada.out" '^You joined Lobby' 15
[ "$(stat -c %a "$T/config-Ada/identity")" = 600 ] || fail "Ada's identity file is not mode 600"

say Ada '/room create Circle'
wait_for "$T/Ada.out" '^Circle is made, and you are its host\.' 10
say Ada '/join Circle'
wait_for "$T/Ada.out" '^You joined Circle' 10
wait_for "$T/Ada.out" '^You are the host here\.$' 10
say Ada '/room set floor hands'
wait_for "$T/Ada.out" '^Ada changed the room: floor hands\.$' 10

start_driven Ben --room Circle
BEN=$LAST_PID
start_driven Cleo --room Circle
CLEO=$LAST_PID
wait_for "$T/Ben.out" '^Floor: hands\. Nobody has the floor\.$' 15
wait_for "$T/Cleo.out" '^Floor: hands\. Nobody has the floor\.$' 15
# Fay has no screen reader: Hearth speaks for her (quiet preset, no
# earcons), and what she asks for is said to her.
mkdir -p -m 700 "$T/config-Fay"
printf '[cues]\npreset = quiet\nvolume = 0\n' >"$T/config-Fay/hearth.conf"
silence "$T/quiet.wav" 1
start_driven Fay --room Circle --speech espeak --audio-in "$T/quiet.wav" --audio-out "$T/fay-heard.wav"
wait_for "$T/Fay.out" '^Floor: hands\. Nobody has the floor\.$' 15
grep -q 'Speech is off' "$T/Fay.out" && fail "espeak-ng did not start in Fay's hearth"

say Ben '/hand'
wait_for "$T/Ada.out" '^Ben raised a hand\. 1 in the queue\.$' 10
wait_for "$T/Ben.out" '^Your hand is up\. Number 1 in the queue\.$' 10
say Cleo '/hand'
wait_for "$T/Ada.out" '^Cleo raised a hand\. 2 in the queue\.$' 10
# /hand again lowers it; raised once more, Cleo is behind Ben still.
say Cleo '/hand'
wait_for "$T/Ada.out" '^Cleo lowered a hand\.$' 10
wait_for "$T/Cleo.out" '^Your hand is down\.$' 10
say Cleo '/hand up'
wait_for "$T/Cleo.out" '^Your hand is up\. Number 2 in the queue\.$' 10
say Ada '/queue'
wait_for "$T/Ada.out" '^Hands up: Ben, Cleo\.$' 10
# Fay asks for the queue after a quiet spell; then Ada gives her the floor,
# and "your turn" reaches her through her cue mapping (speech in the quiet
# preset); she passes and leaves quietly.
wait_for "$T/Fay.out" '^Cleo raised a hand\. 2 in the queue\.$' 10
sleep 2.5
FAY_ASKED=$(date +%s.%N)
say Fay '/queue'
wait_for "$T/Fay.out" '^Hands up: Ben, Cleo\.$' 10
sleep 3
say Ada '/give Fay'
wait_for "$T/Fay.out" '^Your turn\.$' 10
FAY_TURN=$(date +%s.%N)
sleep 2.5
say Fay '/pass'
wait_for "$T/Ben.out" '^Nobody has the floor\.$' 10
say Fay '/leave quietly'
wait_for "$T/Fay.out" '^You left Circle' 10
say Fay '/quit'
wait_exit "${DRIVEN[Fay]}" 10
FAY_END=$(date +%s.%N)
# Her recording ends when she quit (it starts only once espeak-ng is up):
# a moment's place in it is counted back from its end.
at() {
  awk -v d="$("$HXWAV" duration "$T/fay-heard.wav")" -v e="$FAY_END" -v t="$1" -v o="$2" \
    'BEGIN { printf "%.2f", d - (e - t) + o }'
}
before=$("$HXWAV" rms "$T/fay-heard.wav" "$(at "$FAY_ASKED" -2.2)" "$(at "$FAY_ASKED" -0.4)")
awk -v l="$before" 'BEGIN { exit !(l < -60) }' || fail "Fay heard ${before} dBFS before she asked"
said=$("$HXWAV" active "$T/fay-heard.wav" -45 "$(at "$FAY_ASKED" -0.4)" "$(at "$FAY_ASKED" 2.8)") ||
  fail "Fay asked for the queue and heard nothing (${before} dBFS before)"
read -r _ _ said_len <<<"$said"
echo "Fay's /queue was said to her: ${said_len}s of speech (${before} dBFS before she asked)"
awk -v l="$said_len" 'BEGIN { exit !(l > 0.8) }' || fail "Fay heard only ${said_len}s, not the queue"
turn=$("$HXWAV" active "$T/fay-heard.wav" -45 "$(at "$FAY_TURN" -0.4)" "$(at "$FAY_TURN" 2.2)") ||
  fail "Fay was given the floor and heard nothing"
read -r _ _ turn_len <<<"$turn"
echo "Fay's turn was said to her: ${turn_len}s of speech"

say Ada '/next'
wait_for "$T/Ben.out" '^Your turn\.$' 10
wait_for "$T/Cleo.out" '^Ben has the floor\.$' 10
wait_for "$T/Ada.out" '^Ben has the floor\.$' 10
say Cleo '/floor'
wait_for "$T/Cleo.out" '^Floor: hands\. Ben has the floor\. Hands up: you\.$' 10
say Ada '/give Cleo'
wait_for "$T/Cleo.out" '^Your turn\.$' 10
wait_for "$T/Ben.out" '^Cleo has the floor\.$' 10
nobody=$(grep -c '^Nobody has the floor\.$' "$T/Ben.out")
say Ada '/take'
wait_for "$T/Cleo.out" '^Nobody has the floor\.$' 10
waited=0
until [ "$(grep -c '^Nobody has the floor\.$' "$T/Ben.out")" -gt "$nobody" ]; do
  sleep 0.1
  waited=$((waited + 1))
  [ $waited -lt 100 ] || fail "Ben was not told the floor was taken: $(tail -3 "$T/Ben.out")"
done

say Ben '/remove Cleo'
wait_for "$T/Ben.out" '^Error: .*(host|facilitator)' 10
say Ada '/who'
wait_for "$T/Ada.out" '^In Circle: .*Cleo.*3 people\.$' 10
if grep -q 'removed' "$T/Cleo.out"; then fail "Cleo was removed by a member"; fi

say Ada '/room set knock on'
wait_for "$T/Ada.out" '^Ada changed the room: knock to enter\.$' 10
start_driven Dee --room Circle
DEE=$LAST_PID
wait_for "$T/Dee.out" '^You are knocking at Circle\. Please wait' 15
wait_for "$T/Ada.out" '^Dee is knocking\. Type /admit Dee or /decline Dee\.$' 10
say Ada '/knock'
wait_for "$T/Ada.out" '^Dee is knocking\. Type /admit NAME or /decline NAME\.$' 10
say Ada '/admit dee'
wait_for "$T/Dee.out" '^You joined Circle\. 4 people here\.$' 10
wait_for "$T/Ben.out" '^Dee joined Circle\. 4 people here\.$' 10

# A role given: Dee facilitates, and changes the topic.
say Ada '/role Dee facilitator'
wait_for "$T/Dee.out" '^You are now a facilitator\.$' 10
wait_for "$T/Ben.out" '^Dee is now a facilitator\.$' 10
say Dee '/topic Evening circle'
wait_for "$T/Ben.out" '^Dee changed the room: topic: Evening circle\.$' 10

say Ada '/lock'
wait_for "$T/Ada.out" '^Ada changed the room: locked\.$' 10
say Ada '/invite'
wait_for "$T/Ada.out" '^Invite code for Circle: [^ ]+\. It lets in 1 person' 10
token=$(sed -n 's/^Invite code for Circle: \([^ ]*\)\. It lets in.*/\1/p' "$T/Ada.out")
start_driven Eve
EVE=$LAST_PID
wait_for "$T/Eve.out" '^You joined Lobby' 15
say Eve "/join Circle --invite $token"
wait_for "$T/Eve.out" '^You joined Circle\. 5 people here\.$' 10

wait_for "$T/Dee.out" '^Eve joined Circle\. 5 people here\.$' 10
say Ada '/unlock'
wait_for "$T/Eve.out" '^Ada changed the room: unlocked\.$' 10

# Ada's connection dies (her hearth is killed) while Ben holds the floor:
# the circle and its floor go on, Dee still facilitates, and Ada's key is
# the host again when she comes back.
say Ada '/give Ben'
wait_for "$T/Dee.out" '^Ben has the floor\.$' 10
kill -KILL "$ADA"
wait_for "$T/Dee.out" '^Ada left Circle\. 4 people here\.$' 10
say Cleo '/floor'
wait_for "$T/Cleo.out" '^Floor: hands\. Ben has the floor\. No hands are up\.$' 10
say Dee '/give Cleo'
wait_for "$T/Dee.out" '^Cleo has the floor\.$' 10
mv "$T/Ada.out" "$T/Ada-first.out"
start_driven Ada --room Circle
ADA=$LAST_PID
wait_for "$T/Ada.out" 'You are the host here\.$' 15
wait_for "$T/Dee.out" '^Ada joined Circle\. 5 people here\.$' 10

# The countdown says its start, then the 10-seconds point, then the end.
say Ada '/close 12s See you next week.'
for name in Ada Ben Cleo Dee Eve; do
  wait_for "$T/$name.out" '^Room closing in 12 seconds\. See you next week\.$' 10
done
for name in Ada Ben Cleo Dee Eve; do
  wait_for "$T/$name.out" '^Room closing in 10 seconds\. See you next week\.$' 10
done
for name in Ada Ben Cleo Dee Eve; do
  wait_for "$T/$name.out" '^Circle has closed\. See you next week\.$' 20
done
say Ben '/who'
wait_for "$T/Ben.out" '^You are not in a room\.' 10

for name in Ada Ben Cleo Dee Eve; do
  say "$name" '/quit'
done
wait_exit "$ADA" 10
wait_exit "$BEN" 10
wait_exit "$CLEO" 10
wait_exit "$DEE" 10
wait_exit "$EVE" 10
echo "hands circle: queue in order, a hand lowered, floor given twice and taken, member's" \
  "/remove refused, knock answered, a facilitator made, invite past the lock, room closed" \
  "with a countdown"
