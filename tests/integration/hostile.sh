#!/usr/bin/env bash
# While Ada talks to Ben, hostile peers attack the server in every way we
# know; each gets its error or is dropped, the server logs it, and Ben's
# recording of Ada has no gap.
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

for mode in tcp-garbage long-line bad-json unknown-type before-hello udp-garbage udp-replay; do
  out=$("$HXPEER" 127.0.0.1 "$PORT" "$mode") || fail "$mode: the server did not answer as documented: $out"
  echo "$mode: $(echo "$out" | tail -n 1)"
done
kill -0 "$SERVER_PID" || fail "hearthd died under attack"

wait_exit "$ADA" 20
wait_exit "$BEN" 20

for pattern in 'TLS' 'too_big|too big|longer' 'bad_json|not valid JSON' 'unknown' 'before hello|not_authenticated' 'replay'; do
  grep -Eiq -- "$pattern" "$T/server.err" || fail "the server did not log /$pattern/: $(cat "$T/server.err")"
done
echo "server log:"
cat "$T/server.err"

# Piece by piece, as a receiver may move its delay once mid-sentence.
result=$("$HXWAV" chunks "$T/ada.wav" "$T/ben-heard.wav" 0.7 0.4) ||
  fail "Ben's recording of Ada suffered: $result"
echo "Ben heard Ada through the attack: $result"
gap=$("$HXWAV" gap "$T/ada.wav" "$T/ben-heard.wav")
echo "longest silence in Ben's recording where Ada spoke: $gap ms"
awk -v g="$gap" 'BEGIN { exit !(g <= 60) }' || fail "a gap of $gap ms in Ada's speech"
