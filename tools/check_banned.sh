#!/usr/bin/env bash
# Fails if C sources call a function the conventions ban (unbounded or
# error-hiding string and number functions). Run as a test.
set -u
cd "$(dirname "$0")/.."
banned='\b(sprintf|vsprintf|strcpy|strcat|strncpy|strtok|gets|atoi|atol)[[:space:]]*\('
hits=$(grep -nE "$banned" $(git ls-files 'src/*.c' 'src/*.h' 'include/*.h' 'bench/*.c' 'fuzz/*.c' 2>/dev/null || find src include -name '*.[ch]') | grep -v 'snprintf\|vsnprintf')
if [ -n "$hits" ]; then
  echo "not ok 1 - banned functions used:"; echo "$hits"; exit 1
fi
echo "ok 1 - no banned functions in the sources"
