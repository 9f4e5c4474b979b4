#!/usr/bin/env bash
# Ada and Ben speak at different times; Cleo hears both. Then Ada mutes
# herself and Cleo no longer hears her.
. "$(dirname "$0")/lib.sh"

speech "$T/ada.wav" 1.0 en "Good evening everyone, it is lovely to hear your voices tonight."
speech "$T/ben.wav" 5.5 en-us "Thank you. I brought tea and a story about my garden."
silence "$T/quiet.wav" 1
start_server

start_client Cleo --audio-in "$T/quiet.wav" --audio-out "$T/cleo-heard.wav" \
  --script "$(script '/wait 12\n/quit\n')"
CLEO=$LAST_PID
wait_for "$T/Cleo.out" 'You joined Lobby' 10
start_client Ben --audio-in "$T/ben.wav" --audio-out "$T/ben-heard.wav" \
  --script "$(script '/wait 11\n/quit\n')"
BEN=$LAST_PID
# Ada joins third: the line below counts on it.
wait_for "$T/Cleo.out" '^Ben joined Lobby\. 2 people here\.$' 10
start_client Ada --audio-in "$T/ada.wav" --audio-out "$T/ada-heard.wav" \
  --script "$(script '/wait 11\n/quit\n')"
ADA=$LAST_PID
wait_for "$T/Cleo.out" '^Ada joined Lobby\. 3 people here\.$' 10
wait_for "$T/Cleo.out" '^Ada speaking\.$' 10
wait_for "$T/Cleo.out" '^Ben speaking\.$' 15
wait_exit "$ADA" 20
wait_exit "$BEN" 20
wait_exit "$CLEO" 20

# Piece by piece, as a receiver may move its delay once mid-sentence.
a=$("$HXWAV" chunks "$T/ada.wav" "$T/cleo-heard.wav" 0.7 0.4) || fail "Cleo did not hear Ada: $a"
echo "Cleo heard Ada: $a"
b=$("$HXWAV" chunks "$T/ben.wav" "$T/cleo-heard.wav" 0.7 0.4) || fail "Cleo did not hear Ben: $b"
echo "Cleo heard Ben: $b"

# Second call: Ada mutes before her speech starts.
start_client Cleo --audio-in "$T/quiet.wav" --audio-out "$T/cleo-muted.wav" \
  --script "$(script '/wait 8\n/quit\n')"
CLEO=$LAST_PID
wait_for "$T/Cleo.out" 'You joined Lobby' 10
start_client Ada --audio-in "$T/ada.wav" --audio-out "$T/ada-heard2.wav" \
  --script "$(script '/mute\n/wait 7\n/quit\n')"
ADA=$LAST_PID
wait_for "$T/Ada.out" '^Muted\. Nobody hears you\.$' 10
wait_for "$T/Cleo.out" '^Ada muted\.$' 10
wait_exit "$ADA" 15
wait_exit "$CLEO" 15
level=$("$HXWAV" rms "$T/cleo-muted.wav")
echo "Cleo's recording while Ada was muted: $level dBFS"
awk -v l="$level" 'BEGIN { exit !(l < -60) }' || fail "Cleo heard sound from muted Ada ($level dBFS)"
