#!/usr/bin/env bash
# Runs one fuzz target for a fixed time from its seeds, as a test.
#
# usage: run.sh TARGET SEEDS OUT   (fuzz/meson.build runs it)
# WAM_FUZZ_SECONDS (default 12) is how long it fuzzes. The inputs it adds
# go to OUT/corpus, what it finds (crash-*, leak-*, timeout-*) to
# OUT/findings, its whole log to OUT/log; the seeds are only read. Exits 0
# when nothing was found, 1 otherwise with the end of the log and how to
# run the finding again.
set -u
exe=$1 seeds=$2 out=$3
secs=${WAM_FUZZ_SECONDS:-12}
name=$(basename "$exe")
rm -rf "$out"
mkdir -p "$out/corpus" "$out/findings"
# a UBSan report is a finding, as an ASan one is
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"
"$exe" -max_total_time="$secs" -timeout=20 -rss_limit_mb=3072 -print_final_stats=1 \
	-artifact_prefix="$out/findings/" "$out/corpus" "$seeds" >"$out/log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/log" | tail -1)
findings=$(ls "$out/findings")
if [ $rc -eq 0 ] && [ -z "$findings" ]; then
	echo "$name: ${runs:-?} inputs in ${secs} s from $(ls "$seeds" | wc -l) seeds, nothing found"
	exit 0
fi
tail -120 "$out/log" >&2
echo "$name: exit $rc after ${runs:-?} inputs; found: ${findings:-nothing saved}" >&2
for f in $findings; do
	echo "run it again: $exe $out/findings/$f" >&2
done
exit 1
