# Helpers for the terminal tests: hearth inside tmux on a private tmux
# server (its own socket), so nothing touches a person's tmux. The server
# is killed when the test exits, before lib.sh's cleanup runs.
command -v tmux >/dev/null || { echo "FAIL: tmux is missing; scripts/test installs it" >&2; exit 1; }

TMUX_SOCKET="hearth-test-$$"
tmux_cleanup() {
  tmux -L "$TMUX_SOCKET" kill-server 2>/dev/null || true
  cleanup
}
trap tmux_cleanup EXIT

tx() { tmux -L "$TMUX_SOCKET" "$@"; }

# tui_start NAME ENV_AND_ARGS...: runs "env ENV... hearth ARGS..." in a new
# 120x30 tmux session NAME. The pane stays after hearth ends and says how
# it ended, so a failure can be read.
tui_start() {
  local session=$1
  shift
  local cmd="env TERM=xterm HEARTH_CONFIG_DIR=$T/config"
  local arg
  for arg in "$@"; do cmd+=" $(printf '%q' "$arg")"; done
  tx new-session -d -s "$session" -x 120 -y 30 \
    "$cmd 2>$T/$session.err; echo \"hearth exited with status \$?\"; sleep 60"
}

# screen SESSION: the visible screen, trailing blank lines dropped.
screen() { tx capture-pane -p -t "$1" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'; }

# wait_screen SESSION REGEX SECONDS: waits until a screen line matches.
wait_screen() {
  local session=$1 pattern=$2 limit=$3 waited=0
  until screen "$session" | grep -Eq -- "$pattern"; do
    sleep 0.1
    waited=$((waited + 1))
    [ "$waited" -lt $((limit * 10)) ] || {
      echo "--- screen of $session:" >&2; screen "$session" >&2 || true
      echo "--- stderr:" >&2; cat "$T/$session.err" >&2 2>/dev/null || true
      fail "timed out after ${limit}s waiting for /$pattern/ on the screen"
    }
  done
}
