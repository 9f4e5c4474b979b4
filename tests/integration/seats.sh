#!/usr/bin/env bash
# Seats: Ada and Ben speak at different times. Cleo listens with --seats on
# and records stereo: Ben, first to arrive, sits on her left and Ada, next,
# on her right, each louder on their own side by a clear margin. Dan
# listens with seats off and records mono as before, and hears both.
. "$(dirname "$0")/lib.sh"

speech "$T/ada.wav" 3.0 en "Good evening everyone, it is lovely to hear your voices tonight."
speech "$T/ben.wav" 11.0 en-us "Thank you. I brought tea and a story about my garden."
silence "$T/quiet.wav" 1
start_server

start_client Cleo --seats on --audio-in "$T/quiet.wav" --audio-out "$T/cleo-heard.wav" \
  --script "$(script '/wait 21\n/quit\n')"
CLEO=$LAST_PID
wait_for "$T/Cleo.out" 'You joined Lobby' 10
start_client Ben --audio-in "$T/ben.wav" --audio-out "$T/ben-heard.wav" \
  --script "$(script '/wait 17\n/quit\n')"
BEN=$LAST_PID
# Ben is the first to join Cleo: he takes the first seat, on the left.
wait_for "$T/Cleo.out" '^Ben joined Lobby\. 2 people here\.$' 10
start_client Ada --audio-in "$T/ada.wav" --audio-out "$T/ada-heard.wav" \
  --script "$(script '/wait 16\n/quit\n')"
ADA=$LAST_PID
wait_for "$T/Cleo.out" '^Ada joined Lobby\. 3 people here\.$' 10
# Dan comes last (to the middle seat) and listens without seats.
start_client Dan --audio-in "$T/quiet.wav" --audio-out "$T/dan-heard.wav" \
  --script "$(script '/seats on\n/wait 18\n/quit\n')"
DAN=$LAST_PID
wait_for "$T/Dan.out" 'You joined Lobby' 10
# A mono output has nowhere to put a seat, and says so.
wait_for "$T/Dan.out" '^Seats need stereo sound' 10
wait_for "$T/Cleo.out" '^Ada speaking\.$' 15
wait_for "$T/Cleo.out" '^Ben speaking\.$' 20
wait_exit "$ADA" 25
wait_exit "$BEN" 25
wait_exit "$CLEO" 25
wait_exit "$DAN" 25

channels=$("$HXWAV" channels "$T/cleo-heard.wav")
[ "$channels" = 2 ] || fail "Cleo's recording with seats on has $channels channel(s), not 2"
channels=$("$HXWAV" channels "$T/dan-heard.wav")
[ "$channels" = 1 ] || fail "Dan's recording with seats off has $channels channels, not 1"

# Heard clearly, judged piece by piece: a receiver on a loaded machine may
# shift its delay mid-sentence, which one global lag would count against it.
for who in ada ben; do
  heard=$("$HXWAV" chunks "$T/$who.wav" "$T/cleo-heard.wav" 0.7 0.3) || fail "Cleo did not hear $who: $heard"
  echo "Cleo heard $who: $heard"
  heard=$("$HXWAV" chunks "$T/$who.wav" "$T/dan-heard.wav" 0.7 0.3) || fail "Dan did not hear $who: $heard"
  echo "Dan heard $who: $heard"
done

# Left minus right, in dB, over each one's speech in Cleo's recording.
ada=$("$HXWAV" pan "$T/ada.wav" "$T/cleo-heard.wav" 6) || fail "Ada is not off to one side: $ada"
echo "Ada in Cleo's ears: $ada"
ben=$("$HXWAV" pan "$T/ben.wav" "$T/cleo-heard.wav" 6) || fail "Ben is not off to one side: $ben"
echo "Ben in Cleo's ears: $ben"
ada_diff=$(awk '{ print $(NF - 1) }' <<<"$ada")
ben_diff=$(awk '{ print $(NF - 1) }' <<<"$ben")
awk -v d="$ben_diff" 'BEGIN { exit !(d >= 6) }' || fail "Ben is not on the left ($ben_diff dB)"
awk -v d="$ada_diff" 'BEGIN { exit !(d <= -6) }' || fail "Ada is not on the right ($ada_diff dB)"
