#!/usr/bin/env bash
# --speech speechd: announcements go to speech-dispatcher, not into
# Hearth's own sound. The test runs its own speech-dispatcher (private
# runtime folder, socket and settings; the dummy output module; a log at
# level 5, which records each text it is given and its priority).
#   Ben joins   -> "Ben joined Lobby. 2 people here." reaches it as a
#                  message (priority 2); Ada's own output has the join
#                  earcon and no speech
#   Ada /mute   -> cancel, then "Muted. Nobody hears you." as important (1)
#   Ada /silence -> cancel
#   no speech-dispatcher at the address -> one line saying so; Cy's hearth
#                  carries on and prints the events
. "$(dirname "$0")/lib.sh"

command -v speech-dispatcher >/dev/null ||
  fail "speech-dispatcher (the daemon) is missing; scripts/test installs it"
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$T0" 'BEGIN { printf "%.2f", a - b }'; }

SPD="$T/spd"
mkdir -p "$SPD/conf" "$SPD/log" "$SPD/run"
chmod 700 "$SPD/run"
cat >"$SPD/conf/speechd.conf" <<EOF
LogLevel 5
LogDir "$SPD/log"
AudioOutputMethod "libao"
AddModule "dummy" "sd_dummy" ""
DefaultModule dummy
EOF
XDG_RUNTIME_DIR="$SPD/run" speech-dispatcher --run-single --timeout 0 --config-dir "$SPD/conf" \
  --communication-method unix_socket --socket-path "$SPD/speechd.sock" --log-dir "$SPD/log" \
  --log-level 5 >"$SPD/out" 2>&1 &
PIDS+=("$!")
SPD_PID=$!
waited=0
until [ -S "$SPD/speechd.sock" ]; do
  sleep 0.1
  waited=$((waited + 1))
  if [ "$waited" -ge 100 ] || ! kill -0 "$SPD_PID" 2>/dev/null; then
    tail -20 "$SPD/out" "$SPD/log/speech-dispatcher.log" >&2 2>/dev/null || true
    fail "speech-dispatcher did not start (no socket at $SPD/speechd.sock after 10 s)"
  fi
done
LOG="$SPD/log/speech-dispatcher.log"

silence "$T/quiet.wav" 1
start_server

# Nobody listens at this address: said once, and hearth goes on.
SPEECHD_ADDRESS="unix_socket:$T/nowhere.sock" start_client Cy --speech speechd --no-audio \
  --script "$(script '/wait 3\n/quit\n')"
CY=$LAST_PID
wait_for "$T/Cy.out" 'You joined Lobby' 15
grep -qx 'speech-dispatcher is not running; announcements are printed only. Start it or use --speech espeak.' "$T/Cy.out" ||
  fail "an unreachable speech-dispatcher was not told in one line: $(cat "$T/Cy.out")"
wait_exit "$CY" 10

T0=$(now)
SPEECHD_ADDRESS="unix_socket:$SPD/speechd.sock" start_client Ada --speech speechd \
  --audio-in "$T/quiet.wav" --audio-out "$T/ada-heard.wav" \
  --script "$(script '/cue muted speech+earcon+text\n/wait 7\n/mute\n/wait 1\n/silence\n/wait 2\n/quit\n')"
ADA=$LAST_PID
wait_for "$T/Ada.out" '^muted: speech\+earcon\+text\.$' 15
grep -q 'not running' "$T/Ada.out" && fail "hearth did not reach the test's speech-dispatcher: $(cat "$T/Ada.out")"

start_client Ben --no-audio --script "$(script '/wait 12\n/quit\n')"
wait_for "$T/Ada.out" '^Ben joined Lobby\. 2 people here\.$' 15
BEN_JOIN=$(since "$(now)")
wait_for "$LOG" 'Queueing message \|Ben joined Lobby\. 2 people here\.\| with priority 2' 10
wait_for "$LOG" 'Queueing message \|Muted\. Nobody hears you\.\| with priority 1' 15
wait_exit "$ADA" 20

# Order in the log: Ben's join, a cancel, "Muted" (important), a cancel
# for /silence.
line_of() { grep -nE -- "$1" "$LOG" | head -1 | cut -d: -f1; }
ben=$(line_of 'Queueing message \|Ben joined Lobby')
muted=$(line_of 'Queueing message \|Muted\. Nobody hears you\.')
cancels=$(grep -nE 'DATA:\|CANCEL' "$LOG" | cut -d: -f1 | tr '\n' ' ')
echo "speech-dispatcher got Ben's join at log line $ben, Muted at $muted, cancels at $cancels"
before=$(awk -v b="$ben" -v m="$muted" '{ for (i = 1; i <= NF; i++) if ($i > b && $i < m) { print $i; exit } }' <<<"$cancels")
after=$(awk -v m="$muted" '{ for (i = 1; i <= NF; i++) if ($i > m) { print $i; exit } }' <<<"$cancels")
[ -n "$before" ] || fail "\"Muted\" did not cancel what was queued before it"
[ -n "$after" ] || fail "/silence did not cancel speech-dispatcher's speech"

# Ada's own output: the join earcon, and no speech mixed in.
lo=$(awk -v j="$BEN_JOIN" 'BEGIN { printf "%.2f", (j > 1.5 ? j - 1.5 : 0) }')
hi=$(awk -v j="$BEN_JOIN" 'BEGIN { printf "%.2f", j + 3.5 }')
span=$("$HXWAV" active "$T/ada-heard.wav" -45 "$lo" "$hi") || fail "Ada heard no earcon when Ben joined"
read -r _ _ len <<<"$span"
echo "Ada's own output around Ben's join: ${len}s of sound"
awk -v l="$len" 'BEGIN { exit !(l < 0.3) }' ||
  fail "${len}s of sound in Ada's output: speech went through Hearth's mixer, not only the earcon"

# The test's own speech-dispatcher ends with it (lib.sh's clean-up kills
# it too, should a check above fail).
kill -TERM "$SPD_PID" 2>/dev/null || true
waited=0
while kill -0 "$SPD_PID" 2>/dev/null && [ "$waited" -lt 50 ]; do
  sleep 0.1
  waited=$((waited + 1))
done
kill -KILL "$SPD_PID" 2>/dev/null || true
echo "ok"
