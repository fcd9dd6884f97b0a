#!/usr/bin/env bash
# Installs what wam needs to build and test, if missing: Debian 12 packages
# (extra package names given as arguments are installed too: wrk for the
# benchmarks, clang and libclang-rt-14-dev for the fuzz targets), then the web console's npm packages from web/package-lock.json.
# The fonts are for the console in Chromium: DejaVu Sans draws Latin,
# Cyrillic and Arabic, WenQuanYi Micro Hei Chinese (a 1.6 MB package against
# Noto CJK's 57 MB, and it has every character of web/i18n/zh.json).
set -euo pipefail
pkgs=(gcc make pkg-config python3 meson ninja-build sqlite3 libsqlite3-dev libjansson-dev libsodium-dev
      libutf8proc-dev libxml2-dev libarchive-dev libcmocka-dev libmicrohttpd-dev iso-codes jq curl chromium
      fonts-dejavu-core fonts-wqy-microhei "$@")
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
# Installed again only when the lock file's content changed (a checkout gives
# it a new time, not new content); a node_modules that is a link to another
# checkout's is that checkout's to install: `npm ci` would empty it there.
web=$(dirname "$0")/../web
lock=$(sha256sum "$web/package-lock.json" | cut -d' ' -f1)
stamp="$web/node_modules/.wam-package-lock.sha256"
if [ -L "$web/node_modules" ]; then
  [ "$(cat "$stamp" 2>/dev/null)" = "$lock" ] ||
    echo "web/node_modules links to another checkout's packages; run scripts/deps.sh there if the console fails to build"
elif [ ! -f "$web/node_modules/.package-lock.json" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$lock" ]; then
  echo "installing the console's npm packages (web/package-lock.json)"
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock" >"$stamp"
fi
