# Helpers for integration tests: real hearthd and hearth processes on
# 127.0.0.1, a port each test picks itself, and a private temp folder.
# Every process started here is stopped when the test exits.
# Expects HEARTHD, HEARTH, HXWAV and HXPEER in the environment (ctest sets them).
set -euo pipefail

for tool in HEARTHD HEARTH HXWAV HXPEER; do
  [ -x "${!tool:-}" ] || { echo "FAIL: \$$tool is not set to an executable; run this through ctest" >&2; exit 1; }
done
for cmd in espeak-ng sox; do
  command -v "$cmd" >/dev/null || { echo "FAIL: $cmd is missing; scripts/test installs it" >&2; exit 1; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/hearth-test.XXXXXX")
export HEARTH_CONFIG_DIR="$T/config"
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  sleep 0.2
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  if [ "${KEEP_TEST_DIR:-}" = 1 ]; then echo "test files kept in $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# wait_count FILE REGEX N SECONDS: waits until N lines of FILE match.
wait_count() {
  local file=$1 pattern=$2 n=$3 limit=$4 waited=0
  until [ "$(grep -Ec -- "$pattern" "$file" 2>/dev/null || true)" -ge "$n" ]; do
    sleep 0.1
    waited=$((waited + 1))
    [ "$waited" -lt $((limit * 10)) ] || {
      echo "--- $file:" >&2; cat "$file" >&2 || true
      fail "timed out after ${limit}s waiting for $n lines /$pattern/ in $(basename "$file")"
    }
  done
}

# wait_for FILE REGEX SECONDS: waits until a line of FILE matches.
wait_for() { wait_count "$1" "$2" 1 "$3"; }

# start_server: starts hearthd on a free port; sets PORT and SERVER_PID.
start_server() {
  local try
  for try in 1 2 3 4 5 6 7 8; do
    PORT=$((20000 + RANDOM % 40000))
    "$HEARTHD" --listen "127.0.0.1:$PORT" --data-dir "$T/data" "$@" \
      >"$T/server.out" 2>"$T/server.err" &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    local waited=0
    while [ $waited -lt 50 ]; do
      grep -q 'fingerprint' "$T/server.out" 2>/dev/null && return 0
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
      waited=$((waited + 1))
    done
    kill "$SERVER_PID" 2>/dev/null || true
  done
  cat "$T/server.err" >&2
  fail "hearthd did not start"
}

# start_client NAME [hearth options...]: output in $T/NAME.out and .err;
# sets LAST_PID.
start_client() {
  local name=$1 speech=(--speech none)
  shift
  # Self-voicing would add announcements and earcons to the --audio-out
  # recordings that tests compare with the sender's speech: speech off and
  # cues at volume 0 (a hearth.conf of the person's own) unless the test
  # asks for speech.
  case " $* " in
  *" --speech "*) speech=() ;;
  *)
    mkdir -p -m 700 "$T/config-$name"
    [ -e "$T/config-$name/hearth.conf" ] || printf '[cues]\nvolume = 0\n' >"$T/config-$name/hearth.conf"
    ;;
  esac
  # Each person has a config folder, and so an identity, of their own.
  HEARTH_CONFIG_DIR="$T/config-$name" "$HEARTH" --server "127.0.0.1:$PORT" --name "$name" \
    --trust-new "${speech[@]}" "$@" >"$T/$name.out" 2>"$T/$name.err" </dev/null &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}

# wait_exit PID SECONDS: waits for a process to end on its own, with
# status 0.
wait_exit() {
  local pid=$1 limit=$2 waited=0 status=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 0.1
    waited=$((waited + 1))
    [ "$waited" -lt $((limit * 10)) ] || fail "process $pid did not end within ${limit}s"
  done
  wait "$pid" || status=$?
  [ "$status" -eq 0 ] || fail "process $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || echo ended)) exited with status $status"
}

# speech FILE LEAD_SECONDS VOICE TEXT: an espeak-ng recording with silence
# before it, so it starts after the client has joined.
speech() {
  local file=$1 lead=$2 voice=$3 text=$4
  espeak-ng -v "$voice" -s 150 -w "$T/raw.wav" "$text"
  sox -q "$T/raw.wav" -r 48000 -c 1 -b 16 "$file" pad "$lead" 0.5
}

# script 'LINES': writes a client script (printf format) to a new file and
# prints its path.
script() {
  local file
  file=$(mktemp "$T/script.XXXXXX")
  printf "$1" >"$file"
  echo "$file"
}

silence() { sox -q -n -r 48000 -c 1 -b 16 "$1" trim 0 "$2"; }
