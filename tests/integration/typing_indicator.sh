#!/usr/bin/env bash
# The typing indicator between real processes. Ada writes in hearth's line
# editor (inside tmux, with real keys); Ben reads what he is told (plain
# lines from a script); Eve (hxctl) shows what goes over the wire.
#   Off, as it starts: Ada writes a line and sends it; the room is told
#     nothing, and Ben never reads "Ada is typing.".
#   /typing on: her first letter tells the room once, and Ben reads "Ada is
#     typing." (Ada herself does not); sending the line, emptying it, and
#     10 s without a key each tell the room she stopped, which nobody
#     reads; a /command is never typing; /typing off tells nothing again.
#   Ben has typing = on in hearth.conf, but his lines arrive whole: /typing
#     says the room is never told, and Ada never reads "Ben is typing.".
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"
. "$(dirname "$0")/circle_lib.sh"
[ -x "${HXCTL:-}" ] || fail "\$HXCTL is not set to an executable; run this through ctest"

# Ada's typing as the room was told it: "true false ...", in order.
told() {
  grep '"event":"status"' "$T/eve.out" | grep '"name":"Ada"' |
    grep -o '"typing":\(true\|false\)' | cut -d: -f2 | tr '\n' ' ' | sed 's/ $//' || true
}
# wait_told WANT SECONDS: until the room was told exactly WANT.
wait_told() {
  local want=$1 limit=$2 waited=0
  until [ "$(told)" = "$want" ]; do
    sleep 0.1
    waited=$((waited + 1))
    [ "$waited" -lt $((limit * 10)) ] || fail "the room was told \"$(told)\", not \"$want\""
  done
}
typing_lines() { grep -c "^$1 is typing\.$" "$2" || true; }
# Everything Ada's terminal showed, scrolled off or not.
ada_history() { tx capture-pane -p -S - -t ada; }

start_server
fp=$(grep -o 'SHA256:[0-9a-f]*' "$T/server.out" | head -1)
"$HXCTL" 127.0.0.1 "$PORT" "$fp" >"$T/eve.out" 2>&1 <<'S' &
hello Eve
{"type":"join","id":3,"room":"Lobby"}
expect "type":"joined"
listen 120
S
PIDS+=($!)
wait_for "$T/eve.out" '"type":"joined"' 10

mkdir -p -m 700 "$T/config-Ben"
printf '[cues]\nvolume = 0\n[text]\ntyping = on\n' >"$T/config-Ben/hearth.conf"
start_driven Ben
wait_for "$T/Ben.out" '^You joined Lobby' 15
tui_start ada "$HEARTH" --server "127.0.0.1:$PORT" --name Ada --no-audio --trust-new \
  --speech none
wait_screen ada '^You joined Lobby' 15
wait_screen ada '^> ?$' 5
wait_for "$T/Ben.out" '^Ada joined Lobby' 10

# Off: a line written key by key and sent tells the room nothing.
tx send-keys -t ada -l "Hel"
sleep 0.5
tx send-keys -t ada -l "lo"
sleep 0.5
tx send-keys -t ada Enter
wait_for "$T/Ben.out" '^Ada: Hello$' 10
wait_for "$T/eve.out" '"event":"text".*"text":"Hello"' 5
[ -z "$(told)" ] || fail "typing is off, yet the room was told \"$(told)\""
[ "$(typing_lines Ada "$T/Ben.out")" = 0 ] || fail "typing is off, yet Ben read that Ada is typing"

# On: the first letter is news, once; the line sent is the stop.
tx send-keys -t ada -l "/typing on"
tx send-keys -t ada Enter
wait_screen ada '^Typing on: the room is told when you start writing a line\.$' 5
tx send-keys -t ada -l "h"
wait_for "$T/Ben.out" '^Ada is typing\.$' 10
wait_told "true" 5
tx send-keys -t ada -l "i th"
sleep 0.5
tx send-keys -t ada -l "ere"
tx send-keys -t ada Enter
wait_for "$T/Ben.out" '^Ada: hi there$' 10
wait_told "true false" 5
[ "$(typing_lines Ada "$T/Ben.out")" = 1 ] ||
  fail "Ben read \"Ada is typing.\" $(typing_lines Ada "$T/Ben.out") times for one line"

# A line emptied by hand is a stop too.
tx send-keys -t ada -l "x"
wait_told "true false true" 5
tx send-keys -t ada BSpace
wait_told "true false true false" 5

# 10 s without a key is a stop; the letter stays on the prompt.
tx send-keys -t ada -l "y"
wait_told "true false true false true" 5
start=$(date +%s)
wait_told "true false true false true false" 15
idle=$(($(date +%s) - start))
[ "$idle" -ge 8 ] || fail "the stop came after ${idle}s, not after 10 s without a key"
tx send-keys -t ada BSpace

# A command is not a line for the room.
tx send-keys -t ada -l "/who"
tx send-keys -t ada Enter
wait_screen ada '^In Lobby: ' 5
[ "$(typing_lines Ada "$T/Ben.out")" = 3 ] ||
  fail "Ben read \"Ada is typing.\" $(typing_lines Ada "$T/Ben.out") times, not 3"

# Off again: nothing more is told.
tx send-keys -t ada -l "/typing off"
tx send-keys -t ada Enter
wait_screen ada '^Typing off: the room is not told when you write\.$' 5
tx send-keys -t ada -l "Bye"
sleep 0.5
tx send-keys -t ada Enter
wait_for "$T/Ben.out" '^Ada: Bye$' 10
[ "$(told)" = "true false true false true false" ] ||
  fail "after /typing off and /who the room was told \"$(told)\""

# Ben, from a script: on in his settings, but lines arrive whole.
say Ben '/typing'
wait_for "$T/Ben.out" '^Typing on, but without the line editor Hearth sees only whole lines, so the room is never told\.$' 10
say Ben 'Plain lines arrive whole.'
wait_screen ada '^Ben: Plain lines arrive whole\.$' 10
grep '"event":"status"' "$T/eve.out" | grep -q '"name":"Ben"' &&
  fail "Ben's script told the room he was typing: $(grep '"name":"Ben"' "$T/eve.out")"

# Nobody is told of their own typing, nor of a stop.
ada_history | grep -q 'is typing' && { ada_history >&2; fail "Ada was told of typing: her own, or Ben's"; }
grep -Eq 'stopped typing|is not typing' "$T/Ben.out" && fail "Ben was told Ada stopped typing"

tx send-keys -t ada -l "/quit"
tx send-keys -t ada Enter
wait_screen ada '^hearth exited with status 0$' 10
say Ben '/quit'
wait_exit "${DRIVEN[Ben]}" 15
echo "typing told on the wire as $(told); Ben read \"Ada is typing.\" $(typing_lines Ada "$T/Ben.out") times"
