#!/usr/bin/env bash
# --cues picks the preset over hearth.conf's. Ada and Cy share a settings
# file that says preset = verbose; Ada also passes --cues quiet. When Ben
# joins, Cy (verbose) hears his arrival spoken and Ada (quiet) hears only
# the short join earcon. A bad --cues value stops hearth with status 2 and
# names the choices.
. "$(dirname "$0")/lib.sh"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }

# A bad value: status 2 and a sentence naming the choices.
status=0
"$HEARTH" --server 127.0.0.1:1 --name Ada --cues loud >"$T/bad.out" 2>"$T/bad.err" || status=$?
[ "$status" -eq 2 ] || fail "--cues loud exited with status $status, not 2"
grep -q 'bad --cues "loud": use quiet, normal or verbose' "$T/bad.err" ||
  fail "--cues loud did not name the choices: $(cat "$T/bad.err")"

silence "$T/quiet.wav" 1
cat >"$T/shared.conf" <<'EOF'
[speech]
backend = espeak
[cues]
preset = verbose
EOF
start_server

ADA_T0=$(now)
start_client Ada --config "$T/shared.conf" --speech espeak --cues quiet \
  --audio-in "$T/quiet.wav" --audio-out "$T/ada-heard.wav" \
  --script "$(script '/cues\n/wait 18\n/quit\n')"
ADA=$LAST_PID
wait_for "$T/Ada.out" 'You joined Lobby' 15
CY_T0=$(now)
start_client Cy --config "$T/shared.conf" --speech espeak \
  --audio-in "$T/quiet.wav" --audio-out "$T/cy-heard.wav" \
  --script "$(script '/cues\n/wait 18\n/quit\n')"
CY=$LAST_PID
wait_for "$T/Ada.out" '^Cues: quiet preset\.$' 15
wait_for "$T/Cy.out" '^Cues: verbose preset\.$' 15
grep -q '^join: earcon\.$' "$T/Ada.out" || fail "with --cues quiet, join is not earcon only: $(cat "$T/Ada.out")"
grep -q '^join: speech+earcon+text\.$' "$T/Cy.out" || fail "the file's verbose preset was not used for Cy"
for who in Ada Cy; do
  grep -q 'Speech is off' "$T/$who.out" && fail "espeak-ng did not start in hearth for $who"
done

# Both are in; whatever their own arrivals sounded like has faded.
wait_for "$T/Ada.out" '^Cy joined Lobby\. 2 people here\.$' 15
sleep 3
start_client Ben --no-audio --script "$(script '/wait 6\n/quit\n')"
BEN=$LAST_PID
wait_for "$T/Cy.out" '^Ben joined Lobby\. 3 people here\.$' 10
JOINED=$(now)
wait_exit "$BEN" 15
wait_exit "$ADA" 25
wait_exit "$CY" 25

# Ben leaves 6 s after joining: his leave sound stays out of the window.
measure() {
  local file=$1 t0=$2 j lo hi
  j=$(since "$JOINED" "$t0")
  lo=$(awk -v j="$j" 'BEGIN { printf "%.2f", (j > 1.5 ? j - 1.5 : 0) }')
  hi=$(awk -v j="$j" 'BEGIN { printf "%.2f", j + 4.0 }')
  "$HXWAV" active "$file" -45 "$lo" "$hi" || true
}
read -r _ _ cy_len <<<"$(measure "$T/cy-heard.wav" "$CY_T0")"
read -r _ _ ada_len <<<"$(measure "$T/ada-heard.wav" "$ADA_T0")"
echo "Ben's arrival: Cy (verbose) heard ${cy_len:-nothing}s, Ada (--cues quiet) ${ada_len:-nothing}s"
[ -n "${cy_len:-}" ] && [ "$cy_len" != none ] || fail "Cy heard nothing when Ben joined"
[ -n "${ada_len:-}" ] && [ "$ada_len" != none ] || fail "Ada heard no earcon when Ben joined"
awk -v l="$cy_len" 'BEGIN { exit !(l > 0.8) }' ||
  fail "Cy's verbose preset should speak Ben's arrival, yet only ${cy_len}s was heard"
awk -v l="$ada_len" 'BEGIN { exit !(l < 0.3) }' ||
  fail "Ada's --cues quiet should play only the earcon, yet ${ada_len}s was heard"
echo "ok"
