# Helpers for the circle tests (after lib.sh): hearth processes reading
# their commands from a FIFO the test writes with `say`, each with a config
# folder, and so an identity, of its own.
declare -A FD DRIVEN

# start_driven NAME [hearth options...]: without --audio-in, no sound;
# without --speech, no speech.
start_driven() {
  local name=$1 fd audio=(--no-audio) speech=(--speech none)
  shift
  case " $* " in *" --audio-in "*) audio=() ;; esac
  case " $* " in *" --speech "*) speech=() ;; esac
  [ -p "$T/$name.in" ] || mkfifo "$T/$name.in"
  HEARTH_CONFIG_DIR="$T/config-$name" "$HEARTH" --server "127.0.0.1:$PORT" --name "$name" \
    --trust-new "${audio[@]}" "${speech[@]}" --script - "$@" \
    <"$T/$name.in" >>"$T/$name.out" 2>>"$T/$name.err" &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
  DRIVEN[$name]=$LAST_PID
  exec {fd}>"$T/$name.in"
  FD[$name]=$fd
}
say() { echo "$2" >&"${FD[$1]}"; }
