#!/usr/bin/env bash
# bench_http.sh: wam serve under load (wrk) on a demo registry.
#
# Measures, in one run against one server: a static file of the web console
# (the baseline: the server's own floor), GET /api/v1/items/<id> over many
# weapons, and GET /api/v1/search with serials as a field officer might read
# them (one or two characters misread), all with a bearer token. Reports
# requests/s and p99 latency per kind as the median of --runs runs, and each
# kind's throughput as a ratio to the static baseline.
#
# usage: bench/bench_http.sh [--weapons N] [--runs N] [--seconds S] [--connections C]
#                            [--threads N] [--dir DIR]
set -euo pipefail
WAM=${WAM:-build/wam}
weapons=1000000 runs=3 seconds=10 conns=64 threads=2 dir=${TMPDIR:-/tmp}/wam-bench-http
while [ $# -gt 0 ]; do
  case $1 in
    --weapons) weapons=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --connections) conns=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    *) echo "bench_http.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "bench_http.sh: wrk is missing (apt-get install wrk)" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
db=$dir/demo-$weapons.db
if [ ! -f "$db" ]; then
  echo "creating a $weapons-weapon demo registry in $db (once; kept for later runs) ..." >&2
  "$WAM" --db "$db" demo --items "$weapons" --seed 1 >&2
fi
token=$("$WAM" --db "$db" --json token add "bench-$$" --role viewer)
export WAM_BENCH_TOKEN
WAM_BENCH_TOKEN=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])' <<<"$token")
token_id=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["token"]["id"])' <<<"$token")

# 20,000 weapons spread over the registry: their ids, and their serials with
# one character misread (two for serials of 8 or more characters)
"$WAM" --db "$db" export --format csv --out "$dir/all.csv" >&2
python3 - "$dir" <<'PY'
import csv, random, sys, urllib.parse
d = sys.argv[1]
rows = list(csv.DictReader(open(f"{d}/all.csv", encoding="utf-8")))
random.seed(7)
pick = random.sample(rows, min(20000, len(rows)))
misread = {"0": "O", "1": "l", "5": "S", "8": "B", "2": "Z", "6": "G"}
with open(f"{d}/items.txt", "w") as f:
    for r in pick:
        f.write(f"/api/v1/items/{r['id']}\n")
with open(f"{d}/search.txt", "w") as f:
    for r in pick:
        s = list(r["serial"])
        places = [i for i, c in enumerate(s) if c in misread]
        for i in places[: (2 if len(s) >= 8 else 1)]:
            s[i] = misread[s[i]]
        q = {"serial": "".join(s)}
        if r.get("make"):
            q["make"] = r["make"]
        f.write("/api/v1/search?" + urllib.parse.urlencode(q) + "\n")
with open(f"{d}/static.txt", "w") as f:
    f.write("/index.html\n")
PY
rm -f "$dir/all.csv" "$dir/url"
"$WAM" --db "$db" serve --listen 127.0.0.1:0 --threads "$threads" --access-log none --ready-file "$dir/url" >&2 &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null || true; "$WAM" --db "$db" token revoke "$token_id" >/dev/null' EXIT
for _ in $(seq 100); do [ -s "$dir/url" ] && break; sleep 0.1; done
url=$(cat "$dir/url")
# load the serial index before timing (a cold start reads it from disk)
curl -sf -H "Authorization: Bearer $WAM_BENCH_TOKEN" "$url$(head -1 "$dir/search.txt")" >/dev/null

declare -A rps p99
for kind in static items search; do
  for r in $(seq "$runs"); do
    out=$(wrk -t2 -c"$conns" -d"${seconds}s" --latency -s "$here/http_paths.lua" "$url" -- "$dir/$kind.txt")
    rate=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    lat=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' <<<"$out")
    errors=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    [ -z "$errors" ] || { echo "bench_http.sh: $kind run $r had $errors non-2xx answers" >&2; exit 1; }
    echo "$kind run $r: $rate req/s, p99 $lat ms" >&2
    rps[$kind]+="$rate "
    p99[$kind]+="$lat "
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
base=$(median <<<"${rps[static]}")
printf '\n%d weapons, %d connections, %d server threads, %d runs of %ds (medians)\n' "$weapons" "$conns" "$threads" "$runs" "$seconds"
printf '%-8s %12s %10s %14s %s\n' kind "req/s" "p99 ms" "vs static" aim
for kind in static items search; do
  rate=$(median <<<"${rps[$kind]}")
  lat=$(median <<<"${p99[$kind]}")
  case $kind in items) aim=20000 ;; search) aim=5000 ;; *) aim=0 ;; esac
  verdict=""
  if [ "$aim" -gt 0 ]; then
    verdict=$(awk -v r="$rate" -v l="$lat" -v a="$aim" 'BEGIN {print (r >= a && l < 20) ? "met (>= " a "/s, p99 < 20 ms)" : "MISSED (>= " a "/s, p99 < 20 ms)"}')
  fi
  printf '%-8s %12.0f %10.2f %13.2fx %s\n' "$kind" "$rate" "$lat" "$(awk -v r="$rate" -v b="$base" 'BEGIN {print r / b}')" "$verdict"
done
