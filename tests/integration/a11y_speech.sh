#!/usr/bin/env bash
# Self-voicing end to end: Ada's hearth speaks what happens into her sound
# output (a WAV file here), ducks the room under it, plays earcons, and
# keeps quiet about what she mapped to nothing.
#   Ben joins   -> "Ben joined Lobby. 2 people here." spoken (join = speech+text)
#   Ben leaves  -> the leave earcon only (leave = earcon): no line
#   /cue join nothing, Cy joins -> neither sound nor line
#   Cy plays a steady 1 kHz tone, from 4 s after he starts;
#   /cue join speech+text, Dee joins -> the tone is ducked by at least 10 dB
#   under "Dee joined Lobby. ..."
. "$(dirname "$0")/lib.sh"

command -v espeak-ng >/dev/null || fail "espeak-ng (the command) is needed to time the speech"
now() { date +%s.%N; }
# at SECONDS_SINCE_ADA_STARTED: where a wall-clock moment is in her recording.
since() { awk -v a="$1" -v b="$T0" 'BEGIN { printf "%.2f", a - b }'; }

silence "$T/quiet.wav" 1
# Four seconds of silence, then a steady tone for twelve. The silence keeps
# the tone out of the window around Cy's join even when a loaded machine is
# slow to start him.
sox -q -n -r 48000 -c 1 -b 16 "$T/tone.wav" synth 12 sine 1000 vol 0.1 pad 4 0
cat >"$T/ada.conf" <<'EOF'
[speech]
backend = espeak
rate = 175
[cues]
join = speech+text
leave = earcon
speaking-start = nothing
EOF
start_server

T0=$(now)
start_client Ada --config "$T/ada.conf" --speech espeak --audio-in "$T/quiet.wav" \
  --audio-out "$T/ada-heard.wav" \
  --script "$(script '/wait 8\n/cue join nothing\n/wait 7\n/cue join speech+text\n/wait 10\n/quit\n')"
ADA=$LAST_PID
wait_for "$T/Ada.out" 'You joined Lobby' 10
if grep -q 'Speech is off' "$T/Ada.out"; then
  fail "espeak-ng did not start in hearth: $(cat "$T/Ada.out")"
fi

# (a) Ben's arrival is spoken.
sleep 1
start_client Ben --no-audio --script "$(script '/wait 4\n/quit\n')"
BEN=$LAST_PID
wait_for "$T/Ada.out" '^Ben joined Lobby\. 2 people here\.$' 10
BEN_JOIN=$(since "$(now)")
wait_exit "$BEN" 12
BEN_LEFT=$(since "$(now)")

# (c) Cy's arrival, mapped to nothing, is neither heard nor printed.
wait_for "$T/Ada.out" '^join: nothing\.$' 15
start_client Cy --audio-in "$T/tone.wav" --audio-out "$T/cy-heard.wav" --script "$(script '/wait 17\n/quit\n')"
CY=$LAST_PID
wait_for "$T/Cy.out" 'You joined Lobby' 10
CY_JOIN=$(since "$(now)")

# (b) Dee arrives while Cy's tone plays: spoken over a ducked room.
wait_for "$T/Ada.out" '^join: speech\+text\.$' 15
sleep 0.5
start_client Dee --no-audio --script "$(script '/wait 3\n/quit\n')"
DEE=$LAST_PID
wait_for "$T/Ada.out" '^Dee joined Lobby\. 3 people here\.$' 10
DEE_JOIN=$(since "$(now)")
wait_exit "$DEE" 10
wait_exit "$ADA" 20
wait_exit "$CY" 10
echo "Ada's output:"
cat "$T/Ada.out"
echo "Ben joined at ${BEN_JOIN}s, left at ${BEN_LEFT}s, Cy joined at ${CY_JOIN}s, Dee at ${DEE_JOIN}s"

# (a) Speech where Ben joined, as long as espeak-ng's own rendering.
espeak-ng -v en -s 175 -w "$T/ref.wav" "Ben joined Lobby. 2 people here."
span=$("$HXWAV" active "$T/ref.wav" -45) || fail "espeak-ng's reference is silent"
read -r _ _ ref_len <<<"$span"
# Ben leaves 4 s after joining: his earcon stays out of this window.
lo=$(awk -v j="$BEN_JOIN" 'BEGIN { printf "%.2f", (j > 1.5 ? j - 1.5 : 0) }')
hi=$(awk -v j="$BEN_JOIN" 'BEGIN { printf "%.2f", j + 3.5 }')
span=$("$HXWAV" active "$T/ada-heard.wav" -45 "$lo" "$hi") ||
  fail "nothing was heard when Ben joined"
read -r start end len <<<"$span"
echo "announcement heard ${start}s..${end}s (${len}s); espeak-ng alone ${ref_len}s"
awk -v s="$start" -v j="$BEN_JOIN" 'BEGIN { exit !(s > j - 1.0 && s < j + 1.0) }' ||
  fail "the announcement started at ${start}s, not near Ben's join at ${BEN_JOIN}s"
awk -v l="$len" -v r="$ref_len" 'BEGIN { exit !(l > r * 0.75 && l < r * 1.25) }' ||
  fail "the announcement lasted ${len}s; espeak-ng says it in ${ref_len}s (±25 % allowed)"

# (d) Ben's leaving is a short earcon and no line.
grep -q 'Ben left' "$T/Ada.out" && fail "leave = earcon, yet a line was printed"
lo=$(awk -v j="$BEN_JOIN" 'BEGIN { printf "%.2f", j + 3.5 }')
hi=$(awk -v b="$BEN_LEFT" 'BEGIN { printf "%.2f", b + 1.0 }')
span=$("$HXWAV" active "$T/ada-heard.wav" -45 "$lo" "$hi") ||
  fail "no earcon was heard when Ben left (${lo}s..${hi}s)"
read -r es ee elen <<<"$span"
echo "leave earcon ${es}s..${ee}s (${elen}s)"
awk -v l="$elen" 'BEGIN { exit !(l > 0.02 && l < 0.2) }' ||
  fail "the leave sound lasted ${elen}s, not an earcon under 0.2 s"

# (c) Nothing at all when Cy joined. Ada's recording runs a little behind the
# wall clock (she starts after T0), so the window opens a second early; his
# tone starts 4 s after he does, so it closes well before that.
grep -q 'Cy joined' "$T/Ada.out" && fail "join = nothing, yet a line was printed"
grep -q 'Cy speaking' "$T/Ada.out" && fail "speaking-start = nothing, yet a line was printed"
lo=$(awk -v c="$CY_JOIN" 'BEGIN { printf "%.2f", c - 1.0 }')
hi=$(awk -v c="$CY_JOIN" 'BEGIN { printf "%.2f", c + 1.0 }')
level=$("$HXWAV" rms "$T/ada-heard.wav" "$lo" "$hi")
echo "around Cy's join (${lo}s..${hi}s): ${level} dBFS"
awk -v l="$level" 'BEGIN { exit !(l < -60) }' || fail "join = nothing, yet ${level} dBFS was heard"

# (b) The tone under Dee's announcement against the tone just before it.
"$HXWAV" tone "$T/ada-heard.wav" 1000 0.1 >"$T/tone.track"
before=$(awk -v d="$DEE_JOIN" '$1 >= d - 2.0 && $1 < d - 0.6 { print $2 }' "$T/tone.track" | sort -n |
  awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
during=$(awk -v d="$DEE_JOIN" '$1 >= d + 0.3 && $1 < d + 1.2 { print $2 }' "$T/tone.track" | sort -n |
  awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
echo "tone before Dee's announcement ${before} dBFS, under it ${during} dBFS"
awk -v b="$before" 'BEGIN { exit !(b > -40) }' || fail "Cy's tone was not heard before Dee joined (${before} dBFS)"
awk -v b="$before" -v d="$during" 'BEGIN { exit !(b - d >= 10) }' ||
  fail "the room was ducked by $(awk -v b="$before" -v d="$during" 'BEGIN { print b - d }') dB under speech, not 10"
echo "ok"
