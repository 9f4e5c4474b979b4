#!/usr/bin/env bash
# A person's own sound for an event. Ben's hearth.conf points join at
# ~/bell.wav, a 2500 Hz tone that no built-in earcon has. Ben records what
# he hears:
#   Ada joins -> the 2500 Hz tone is in his recording just after
#   /cue-sound join default, Cy joins -> no 2500 Hz tone, the built-in
#     earcon instead
#   a missing file and one longer than 3 seconds are refused by name;
#   /cue-sound join FILE at run time, Dee joins -> that file's 3300 Hz tone
. "$(dirname "$0")/lib.sh"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$T0" 'BEGIN { printf "%.2f", a - b }'; }

export HOME="$T/home"
mkdir -p "$HOME"
sox -q -n -r 22050 -c 1 -b 16 "$HOME/bell.wav" synth 0.8 sine 2500 fade 0.01 0.8 0.05 vol 0.4
sox -q -n -r 48000 -c 2 -b 16 "$T/other bell.wav" synth 0.8 sine 3300 fade 0.01 0.8 0.05 vol 0.4
sox -q -n -r 48000 -c 1 -b 16 "$T/long.wav" synth 4 sine 3300 vol 0.4
silence "$T/quiet.wav" 1
cat >"$T/ben.conf" <<EOF
[cues]
volume = 100
sound.join = ~/bell.wav
EOF
start_server

T0=$(now)
start_client Ben --config "$T/ben.conf" --audio-in "$T/quiet.wav" --audio-out "$T/ben-heard.wav" \
  --script "$(script "/cues\n/wait 8\n/cue-sound join default\n/wait 8\n/cue-sound join $T/missing.wav\n/cue-sound join $T/long.wav\n/cue-sound join $T/other bell.wav\n/cues\n/wait 8\n/quit\n")"
BEN=$LAST_PID
wait_for "$T/Ben.out" 'You joined Lobby' 15
grep -q '^join: speech+earcon+text; own sound ~/bell\.wav\.$' "$T/Ben.out" ||
  fail "/cues does not show the sound from hearth.conf: $(cat "$T/Ben.out")"
grep -q 'Cannot use' "$T/Ben.out" && fail "Ben's own sound was refused: $(cat "$T/Ben.out")"

# The people who join stay until the end: no leave sound in the way.
start_client Ada --no-audio --script "$(script '/wait 30\n/quit\n')"
wait_for "$T/Ben.out" '^Ada joined Lobby\. 2 people here\.$' 15
ADA_JOIN=$(since "$(now)")

wait_for "$T/Ben.out" '^join: built-in sound\.$' 15
start_client Cy --no-audio --script "$(script '/wait 25\n/quit\n')"
wait_for "$T/Ben.out" '^Cy joined Lobby\. 3 people here\.$' 15
CY_JOIN=$(since "$(now)")

wait_for "$T/Ben.out" '^join: own sound .*/other bell\.wav\.$' 15
grep -q "^Cannot use $T/missing\.wav for join: the file cannot be opened\. join keeps the sound it had; give a 16-bit WAV file of at most 3 seconds\.$" "$T/Ben.out" ||
  fail "a missing file was not named: $(cat "$T/Ben.out")"
grep -q "^Cannot use $T/long\.wav for join: the file is longer than 3 seconds\. " "$T/Ben.out" ||
  fail "a 4-second file was not refused: $(cat "$T/Ben.out")"
grep -q "^join: speech+earcon+text; own sound $T/other bell\.wav\.$" "$T/Ben.out" ||
  fail "/cues does not show the sound set with /cue-sound"
start_client Dee --no-audio --script "$(script '/wait 10\n/quit\n')"
wait_for "$T/Ben.out" '^Dee joined Lobby\. 4 people here\.$' 15
DEE_JOIN=$(since "$(now)")
wait_exit "$BEN" 20
echo "Ada joined at ${ADA_JOIN}s, Cy at ${CY_JOIN}s, Dee at ${DEE_JOIN}s of Ben's recording"

# Loudest 0.1 s of a tone within a window around a join.
peak() {
  awk -v j="$2" '$1 >= j - 1.0 && $1 < j + 2.5 { if (!seen || $2 > m) m = $2; seen = 1 }
                 END { print seen ? m : -120 }' "$1"
}
"$HXWAV" tone "$T/ben-heard.wav" 2500 0.1 >"$T/bell.track"
"$HXWAV" tone "$T/ben-heard.wav" 3300 0.1 >"$T/other.track"
ada=$(peak "$T/bell.track" "$ADA_JOIN")
cy=$(peak "$T/bell.track" "$CY_JOIN")
dee=$(peak "$T/other.track" "$DEE_JOIN")
echo "2500 Hz at Ada's join ${ada} dBFS, at Cy's ${cy} dBFS; 3300 Hz at Dee's ${dee} dBFS"
awk -v l="$ada" 'BEGIN { exit !(l > -30) }' || fail "Ben's own join sound was not heard when Ada joined (${ada} dBFS)"
awk -v l="$cy" 'BEGIN { exit !(l < -55) }' || fail "after /cue-sound join default the own sound still played (${cy} dBFS)"
lo=$(awk -v j="$CY_JOIN" 'BEGIN { printf "%.2f", j - 1.0 }')
hi=$(awk -v j="$CY_JOIN" 'BEGIN { printf "%.2f", j + 2.5 }')
span=$("$HXWAV" active "$T/ben-heard.wav" -45 "$lo" "$hi") || fail "no built-in earcon was heard when Cy joined"
read -r _ _ len <<<"$span"
awk -v l="$len" 'BEGIN { exit !(l > 0.05 && l < 0.3) }' || fail "the sound at Cy's join lasted ${len}s, not a built-in earcon"
awk -v l="$dee" 'BEGIN { exit !(l > -30) }' || fail "the sound set with /cue-sound was not heard when Dee joined (${dee} dBFS)"
echo "ok"
