# Helpers for the network tests (net_*.sh): tests/integration/lib.sh plus
# hximpair, a UDP relay that loses, delays, reorders and duplicates packets.
# The sender's media goes through the relay (hearth --media-via) and the
# receiver's comes straight from hearthd, so the path from one to the other
# is impaired exactly once. Expects HXIMPAIR in the environment too.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ -x "${HXIMPAIR:-}" ] || fail "\$HXIMPAIR is not set to an executable; run this through ctest"

# start_impair NAME [hximpair options...]: a relay in front of hearthd's
# media port (the same number as its control port); sets IMPAIR_PORT and
# IMPAIR_PID; output in $T/NAME.impair.
start_impair() {
  local name=$1 try waited
  shift
  for try in 1 2 3 4 5 6 7 8; do
    IMPAIR_PORT=$((20000 + RANDOM % 40000))
    "$HXIMPAIR" --listen "127.0.0.1:$IMPAIR_PORT" --to "127.0.0.1:$PORT" "$@" \
      >"$T/$name.impair" 2>&1 &
    IMPAIR_PID=$!
    PIDS+=("$IMPAIR_PID")
    waited=0
    while [ $waited -lt 30 ]; do
      grep -q 'relaying' "$T/$name.impair" 2>/dev/null && return 0
      kill -0 "$IMPAIR_PID" 2>/dev/null || break
      sleep 0.1
      waited=$((waited + 1))
    done
  done
  cat "$T/$name.impair" >&2
  fail "hximpair did not start"
}

# stop_impair NAME: stops the relay and shows its summary.
stop_impair() {
  kill -TERM "$IMPAIR_PID" 2>/dev/null || true
  wait "$IMPAIR_PID" 2>/dev/null || true
  grep '^hximpair:' "$T/$1.impair" | sed 's/^/  /'
}

# stats_field FILE WORDS: the number before WORDS in the last /stats line of
# FILE, e.g. stats_field "$T/Ben.out" "frames concealed".
stats_field() {
  local line
  line=$(grep -E '^Sent [0-9]+ packets\.' "$1" | tail -n 1)
  [ -n "$line" ] || fail "no /stats line in $(basename "$1"): $(cat "$1")"
  echo "$line" | grep -oE "[0-9]+ $2" | head -n 1 | cut -d' ' -f1
}

# listen_and_send NAME_OUT SENDER_WAV LISTEN_S [sender options...]: Ben
# (straight to hearthd) records what Ada (with the given options, e.g.
# --media-via) says, then prints /stats; Ben's recording is $T/NAME_OUT.wav.
listen_and_send() {
  local out=$1 wav=$2 listen=$3
  shift 3
  start_client Ben --audio-in "$T/quiet.wav" --audio-out "$T/$out.wav" \
    --script "$(script "/wait $listen\n/stats\n/quit\n")"
  local ben=$LAST_PID
  wait_for "$T/Ben.out" 'You joined Lobby' 10
  local secs
  secs=$("$HXWAV" duration "$wav")
  start_client Ada --audio-in "$wav" --audio-out "$T/ada-heard.wav" "$@" \
    --script "$(script "/wait $(awk -v s="$secs" 'BEGIN { printf "%.1f", s + 1 }')\n/quit\n")"
  local ada=$LAST_PID
  wait_for "$T/Ada.out" 'You joined Lobby\. 2 people here\.' 10
  wait_exit "$ada" $((${secs%.*} + 15))
  wait_exit "$ben" $((listen + 15))
  cp "$T/Ben.out" "$T/$out.out"
}
