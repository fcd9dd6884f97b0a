#!/usr/bin/env bash
# Installs the Debian 12 packages wam needs to build and test, if missing;
# extra package names given as arguments are installed too (wrk for benchmarks).
set -euo pipefail
pkgs=(gcc make pkg-config python3 meson ninja-build sqlite3 libsqlite3-dev libjansson-dev libsodium-dev
      libutf8proc-dev libcmocka-dev libmicrohttpd-dev iso-codes jq curl "$@")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
