#!/usr/bin/env bash
# SIGTERM to hearthd: every real hearth client, with sound or without and
# in whichever room, prints the server's notice before its connection
# closes, and ends with status 0, as after any announced shutdown.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/circle_lib.sh"

speech "$T/ada.wav" 0.5 en "Good evening, the tea is ready in the kitchen."
start_server --shutdown-grace 2
start_driven Ada --audio-in "$T/ada.wav" --audio-out "$T/ada-heard.wav"
wait_for "$T/Ada.out" '^You joined Lobby' 15
start_driven Ben --audio-in "$T/ada.wav" --audio-out "$T/ben-heard.wav"
wait_for "$T/Ben.out" '^You joined Lobby' 15
start_driven Cleo
wait_for "$T/Cleo.out" '^You joined Lobby' 15
wait_for "$T/Ada.out" '^Cleo joined Lobby\. 3 people here\.$' 10
# Every room hears it: Cleo goes to a room of her own first.
say Cleo '/room create Den'
wait_for "$T/Cleo.out" '^Den is made, and you are its host\.' 10
say Cleo '/join Den'
wait_for "$T/Cleo.out" '^You joined Den\. Nobody else is here\.$' 10
wait_for "$T/Ada.out" '^Cleo left Lobby\. 2 people here\.$' 10
kill -TERM "$SERVER_PID"
for name in Ada Ben Cleo; do
  wait_for "$T/$name.out" '^Server closing: The server is restarting in 2 seconds\.$' 10
done
for name in Ada Ben Cleo; do wait_exit "${DRIVEN[$name]}" 15; done
for name in Ada Ben Cleo; do
  notice=$(grep -n '^Server closing: The server is restarting in 2 seconds\.$' "$T/$name.out" | head -1 | cut -d: -f1)
  closed=$(grep -n 'the server shut down' "$T/$name.out" | head -1 | cut -d: -f1)
  [ -n "$closed" ] || fail "$name was not told the server shut down: $(cat "$T/$name.out")"
  [ "$notice" -lt "$closed" ] || fail "$name heard of the closed connection before the notice"
done
wait "$SERVER_PID" || fail "hearthd exited with status $? after SIGTERM"

# Without a grace period the notice still comes before the socket closes.
for name in Ada Ben Cleo; do mv "$T/$name.out" "$T/$name-grace.out"; done
start_server --shutdown-grace 0
start_driven Ada --audio-in "$T/ada.wav" --audio-out "$T/ada-heard2.wav"
wait_for "$T/Ada.out" '^You joined Lobby' 15
start_driven Cleo
wait_for "$T/Cleo.out" '^You joined Lobby' 15
wait_for "$T/Ada.out" '^Cleo joined Lobby\. 2 people here\.$' 10
kill -TERM "$SERVER_PID"
for name in Ada Cleo; do
  wait_for "$T/$name.out" '^Server closing: The server is shutting down\.$' 10
  wait_exit "${DRIVEN[$name]}" 15
  grep -q 'the server shut down' "$T/$name.out" || fail "$name was not told the server shut down"
done
wait "$SERVER_PID" || fail "hearthd exited with status $? after SIGTERM"
echo "the SIGTERM notice reached every client before the connection closed, with a grace period and without"
