#!/usr/bin/env bash
# Installs every Debian 12 package odr-kiosk needs to build, test and run.
# Idempotent and quick: asks dpkg first and calls apt-get only for what is
# missing. Needs root (or sudo) only when something is missing.
set -euo pipefail

PACKAGES=(
  # toolchain and test tools
  build-essential cmake pkg-config git libgtest-dev libgmock-dev libbenchmark-dev
  # the fuzzers (tests/fuzz, preset fuzz): clang with libFuzzer and the sanitizers
  clang libclang-rt-dev
  # the data side
  libsqlite3-dev sqlite3 libsqlcipher-dev sqlcipher libcurl4-openssl-dev libssl-dev openssl nlohmann-json3-dev
  libtomlplusplus-dev libcpp-httplib-dev zlib1g-dev libargon2-dev
  # the chain's hub (hub/): PostgreSQL's client library, and the server its tests start clusters of
  libpq-dev postgresql-15 postgresql-client-15 libjemalloc-dev
  # the hub's web pages, tested in a real browser: Chromium headless, driven over its DevTools pipe
  chromium
  # the touch app
  libimgui-dev libstb-dev libglfw3-dev libgl-dev libgl1-mesa-dri libqrencode-dev
  fonts-noto-cjk fonts-wqy-microhei fonts-material-design-icons-iconfont
  # Chinese input
  librime-dev librime-bin rime-data-luna-pinyin rime-prelude rime-essay
  libzinnia-dev zinnia-utils tegaki-zinnia-simplified-chinese
  # read-aloud (kiosk/speech): espeak-ng with its voices (Mandarin cmn), ALSA
  libespeak-ng-dev espeak-ng-data libasound2-dev
  # a real X server and tools for UI tests, screenshots and the demo
  xvfb xauth xdotool imagemagick procps libx11-dev libxtst-dev libzbar-dev
  # the Debian package (debian/, installer/package-test.sh): build, lint, and what it
  # runs with (installed first so removing the package leaves the machine as found)
  debhelper dpkg-dev fakeroot lintian libsystemd-dev systemd adduser
  cage xwayland grim libpam-systemd
)

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "deps: installing ${#missing[@]} packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps: run as root (or install sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "deps: done"
