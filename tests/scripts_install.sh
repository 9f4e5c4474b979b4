#!/usr/bin/env bash
# scripts/lib.sh's hearth_install, with apt-get, sudo and id replaced by
# recorders: nothing is installed and apt-get is not called when nothing is
# missing; otherwise apt-get update runs once, then one install of exactly
# what is missing, non-interactive, straight as root or through sudo; a
# user without sudo is told what to install. Nothing reads a terminal.
# Usage: scripts_install.sh SOURCE_DIR (ctest passes the project's).
set -euo pipefail
src=${1:?usage: scripts_install.sh SOURCE_DIR}
T=$(mktemp -d "${TMPDIR:-/tmp}/hearth-install.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# A PATH of its own: the few real tools hearth_install needs, and recorders.
mkdir "$T/bin"
for tool in dpkg-query grep env; do ln -s "$(command -v "$tool")" "$T/bin/$tool"; done
cat >"$T/bin/apt-get" <<'SH'
#!/bin/sh
echo "apt-get $* DEBIAN_FRONTEND=${DEBIAN_FRONTEND:-unset}" >>"$LOG"
SH
# Like sudo's env_reset: the command gets a clean environment.
cat >"$T/bin/sudo" <<'SH'
#!/bin/sh
echo "sudo" >>"$LOG"
exec env -i PATH="$PATH" LOG="$LOG" "$@"
SH
chmod +x "$T/bin/apt-get" "$T/bin/sudo"

# install AS PACKAGES...: runs hearth_install as root or user (AS) with
# nothing on standard input; its output in $T/out, the recorders' in $T/log.
install() {
  local as=$1 uid=0
  shift
  [ "$as" = user ] && uid=1000
  printf '#!/bin/sh\necho %s\n' "$uid" >"$T/bin/id"
  chmod +x "$T/bin/id"
  : >"$T/log"
  LOG="$T/log" PATH="$T/bin" /bin/bash -c \
    'set -euo pipefail; . "$0/scripts/lib.sh"; hearth_install "$@"' "$src" "$@" \
    </dev/null >"$T/out" 2>&1
}

# Read to the end: an awk that stops early would leave dpkg-query writing
# into a closed pipe, and pipefail would end the test with no word said.
installed=$(dpkg-query -W -f='${Package} ${Status}\n' 2>/dev/null | awk '/ ok installed$/ && !found { print $1; found = 1 }')
[ -n "$installed" ] || fail "dpkg-query lists no installed package to test with"
missing=hearth-test-no-such-package

install root "$installed" || fail "with nothing missing hearth_install failed: $(cat "$T/out")"
[ ! -s "$T/log" ] || fail "with nothing missing, apt-get or sudo ran: $(cat "$T/log")"

install root "$installed" "$missing" || fail "as root hearth_install failed: $(cat "$T/out")"
want="apt-get update -qq DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends $missing DEBIAN_FRONTEND=noninteractive"
[ "$(cat "$T/log")" = "$want" ] || fail "as root: $(cat "$T/log")"

install user "$missing" || fail "as a user with sudo hearth_install failed: $(cat "$T/out")"
want="sudo
apt-get update -qq DEBIAN_FRONTEND=noninteractive
sudo
apt-get install -y -qq --no-install-recommends $missing DEBIAN_FRONTEND=noninteractive"
[ "$(cat "$T/log")" = "$want" ] || fail "as a user with sudo: $(cat "$T/log")"

rm "$T/bin/sudo"
status=0
install user "$missing" || status=$?
[ "$status" -eq 1 ] || fail "a user without sudo got status $status, not 1"
[ ! -s "$T/log" ] || fail "without sudo, apt-get ran: $(cat "$T/log")"
grep -q "Missing packages: $missing\. Install them as root (apt-get install $missing)" "$T/out" ||
  fail "a user without sudo was not told what to install: $(cat "$T/out")"
echo "hearth_install: nothing run when nothing is missing; one update and one non-interactive install otherwise"
