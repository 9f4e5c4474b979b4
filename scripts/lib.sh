# Shared by scripts/run and scripts/test: installs missing Debian packages.
# apt-get update runs once, and only when something is missing.

HEARTH_BUILD_PACKAGES=(cmake make gcc pkg-config libopus-dev portaudio19-dev
  libsrtp2-dev libespeak-ng-dev libssl-dev libsqlite3-dev libuv1-dev
  libjansson-dev libspeexdsp-dev libcmocka-dev libsodium-dev libreadline-dev
  libspeechd-dev)
HEARTH_TEST_PACKAGES=(clang libclang-rt-14-dev espeak-ng sox pulseaudio
  pulseaudio-utils libasound2-plugins alsa-utils openssl tmux speech-dispatcher)

hearth_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' ||
      missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || {
      echo "Missing packages: ${missing[*]}. Install them as root (apt-get install ${missing[*]}), then run this again." >&2
      return 1
    }
    sudo=(sudo)
  fi
  echo "Installing: ${missing[*]}"
  # env: sudo would drop DEBIAN_FRONTEND, and a package could then stop to
  # ask a question nobody is there to answer.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends "${missing[@]}"
}

hearth_jobs() { nproc 2>/dev/null || echo 2; }
