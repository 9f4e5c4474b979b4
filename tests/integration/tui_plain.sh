#!/usr/bin/env bash
# Plain output has no escape sequence at all: with --plain into a file, and
# with NO_COLOR on a terminal (the bytes hearth wrote, taken with
# pipe-pane). The keys are the line editor's, so plain mode types them as
# text; the /commands do the same work.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tui_lib.sh"

start_server
start_client Ben --no-audio --script "$(script '/wait 30\n')"
wait_for "$T/Ben.out" 'You joined Lobby' 15

# --plain, output into a file, typing on a terminal.
tx new-session -d -s plain -x 120 -y 30 \
  "env TERM=xterm HEARTH_CONFIG_DIR=$T/config $(printf '%q' "$HEARTH") --server 127.0.0.1:$PORT \
   --name Ada --no-audio --trust-new --speech none --plain >$T/plain.out 2>$T/plain.err; \
   echo \"hearth exited with status \$?\"; sleep 60"
wait_for "$T/plain.out" '^You joined Lobby\. 2 people here\.$' 15
tx send-keys -t plain -l "/who"
tx send-keys -t plain Enter
wait_for "$T/plain.out" '^In Lobby: .*2 people\.$' 10
tx send-keys -t plain -l "/quit"
tx send-keys -t plain Enter
wait_screen plain '^hearth exited with status 0$' 10
if grep -q $'\e' "$T/plain.out"; then
  cat -v "$T/plain.out" >&2
  fail "--plain output has an escape sequence"
fi

# NO_COLOR on a terminal: everything hearth wrote to the terminal.
: >"$T/nocolor.raw"
tx new-session -d -s nocolor -x 120 -y 30 "sleep 60"
tx pipe-pane -t nocolor -o "cat >>$T/nocolor.raw"
tx respawn-pane -k -t nocolor \
  "env NO_COLOR=1 TERM=xterm HEARTH_CONFIG_DIR=$T/config $(printf '%q' "$HEARTH") \
   --server 127.0.0.1:$PORT --name Cy --no-audio --trust-new --speech none 2>$T/nocolor.err; \
   sleep 60"
wait_for "$T/nocolor.raw" 'You joined Lobby\. 2 people here\.' 15
tx send-keys -t nocolor -l "/who"
tx send-keys -t nocolor Enter
wait_for "$T/nocolor.raw" 'In Lobby: .*2 people\.' 10
if grep -q $'\e' "$T/nocolor.raw"; then
  cat -v "$T/nocolor.raw" >&2
  fail "with NO_COLOR, hearth wrote an escape sequence to the terminal"
fi
echo "PASS tui_plain"
