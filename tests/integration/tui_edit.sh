#!/usr/bin/env bash
# A person typing in hearth's line editor while the room changes: the
# event lines appear whole above the prompt and the half-typed line stays
# as it was; the who-is-here and who-is-speaking keys answer in one line.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tui_lib.sh"

start_server
tui_start ada "$HEARTH" --server "127.0.0.1:$PORT" --name Ada --no-audio --trust-new \
  --speech none
wait_screen ada '^You joined Lobby\. Nobody else is here\.$' 15
wait_screen ada '^> ?$' 5

# Half a command, not sent.
tx send-keys -t ada -l "/roo"
wait_screen ada '^> /roo$' 5

start_client Ben --no-audio --script "$(script '/wait 4\n/quit\n')"
wait_screen ada '^Ben joined Lobby\. 2 people here\.$' 15
last=$(screen ada | tail -n 1)
[ "$last" = "> /roo" ] || { screen ada >&2; fail "the half-typed line became \"$last\""; }

# Alt+w: who is here, above the prompt; the typing is still intact.
tx send-keys -t ada M-w
wait_screen ada '^In Lobby: (Ada, Ben|Ben, Ada)\. 2 people\.$' 5
last=$(screen ada | tail -n 1)
[ "$last" = "> /roo" ] || { screen ada >&2; fail "after Alt+w the prompt line is \"$last\""; }

# Alt+s: who is speaking (nobody sends sound here).
tx send-keys -t ada M-s
wait_screen ada '^Nobody speaking\.$' 5

# The line editor still edits: finish the word and send it.
tx send-keys -t ada -l "ms"
tx send-keys -t ada Enter
wait_screen ada '^Rooms: Lobby, [12] (person|people)' 10

tx send-keys -t ada -l "/quit"
tx send-keys -t ada Enter
wait_screen ada '^hearth exited with status 0$' 10
echo "PASS tui_edit"
