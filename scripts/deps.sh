#!/usr/bin/env bash
# Installs what wam needs to build and test, if missing: Debian 12 packages
# (extra package names given as arguments are installed too: wrk for the
# benchmarks), then the web console's npm packages from web/package-lock.json.
set -euo pipefail
pkgs=(gcc make pkg-config python3 meson ninja-build sqlite3 libsqlite3-dev libjansson-dev libsodium-dev
      libutf8proc-dev libcmocka-dev libmicrohttpd-dev iso-codes jq curl chromium "$@")
# Node.js for the console's build: the machine's own when it has one
command -v node >/dev/null && command -v npm >/dev/null || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
web=$(dirname "$0")/../web
if [ ! -f "$web/node_modules/.package-lock.json" ] || [ "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]; then
  echo "installing the console's npm packages (web/package-lock.json)"
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
fi
