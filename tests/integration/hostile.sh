#!/usr/bin/env bash
# While Ada talks to Ben, hostile peers attack the server in every way we
# know; each gets its error or is dropped, the server logs it in exactly one
# line, and Ben's recording of Ada has no gap.
. "$(dirname "$0")/lib.sh"

speech "$T/ada.wav" 1.0 en "One, two, three, four, five, six, seven, eight, nine, ten."
silence "$T/quiet.wav" 1
start_server

start_client Ben --audio-in "$T/quiet.wav" --audio-out "$T/ben-heard.wav" \
  --script "$(script '/wait 12\n/quit\n')"
BEN=$LAST_PID
wait_for "$T/Ben.out" 'You joined Lobby' 10
start_client Ada --audio-in "$T/ada.wav" --audio-out "$T/ada-heard.wav" \
  --script "$(script '/wait 10\n/quit\n')"
ADA=$LAST_PID
wait_for "$T/Ben.out" '^Ada speaking\.$' 10

# What the server's one line about each attack says.
declare -A logged=(
  [tcp-garbage]='not a TLS 1\.3 client.*http request'
  [long-line]='too_big'
  [bad-json]='bad_json'
  [unknown-type]='unknown_type'
  [before-hello]='not_authenticated'
  [udp-garbage]='dropped a packet from 127\.0\.0\.1:[0-9]+: '
  [udp-replay]='dropped a packet from .*: replayed packet'
)
for mode in tcp-garbage long-line bad-json unknown-type before-hello udp-garbage udp-replay; do
  before=$(wc -l <"$T/server.err")
  out=$("$HXPEER" 127.0.0.1 "$PORT" "$mode") || fail "$mode: the server did not answer as documented: $out"
  sleep 0.3 # datagrams are logged as the server reads them
  # Everything the server logged meanwhile, but for the attacker's own
  # hello, join and leave.
  lines=$(tail -n +"$((before + 1))" "$T/server.err" | grep -Ev 'session [0-9]+ (said hello|joined|left) ' || true)
  count=$(printf '%s' "$lines" | grep -c '' || true)
  [ "$count" -eq 1 ] || fail "$mode: the server logged $count lines, not one: $lines"
  echo "$lines" | grep -Eq -- "${logged[$mode]}" ||
    fail "$mode: the server's line does not match /${logged[$mode]}/: $lines"
  echo "$mode: $(echo "$out" | tail -n 1)"
  echo "  logged: $lines"
done
kill -0 "$SERVER_PID" || fail "hearthd died under attack"

wait_exit "$ADA" 20
wait_exit "$BEN" 20

# Piece by piece, as a receiver may move its delay once mid-sentence.
result=$("$HXWAV" chunks "$T/ada.wav" "$T/ben-heard.wav" 0.7 0.4) ||
  fail "Ben's recording of Ada suffered: $result"
echo "Ben heard Ada through the attack: $result"
gap=$("$HXWAV" gap "$T/ada.wav" "$T/ben-heard.wav")
echo "longest silence in Ben's recording where Ada spoke: $gap ms"
awk -v g="$gap" 'BEGIN { exit !(g <= 60) }' || fail "a gap of $gap ms in Ada's speech"
