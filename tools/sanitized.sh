#!/usr/bin/env bash
# Runs one test of a sanitized build (ASan+UBSan) and fails it on any
# sanitizer report, wherever the report was made.
#
# An end-to-end test runs many `wam` processes and keeps their stderr to
# itself (it compares it with the message a user should see), so a report
# printed there could be lost, and a process that reported and exited 1 may
# even be what a test expected. Here every sanitized process of the test
# writes its reports to a file of its own (log_path=DIR/report.PID); once the
# test ends, each report is printed on stderr, which reaches the test log,
# and the test fails. (UBSan's reports go there too in a clang build, whose
# one runtime holds both; gcc's separate libubsan ignores log_path.) Leaks are looked for at every exit: `wam serve` frees
# everything on SIGTERM, so a leak at its exit is a leak.
#
# Stacks through libraries built without frame pointers (jansson) stop
# short; ASAN_OPTIONS=fast_unwind_on_malloc=0 gives them whole, slowly.
#
# usage: meson test -C build-asan --wrapper tools/sanitized.sh ...
set -u
dir=$(mktemp -d "${TMPDIR:-/tmp}/wam-sanitizer.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
export ASAN_OPTIONS="log_path=$dir/report:halt_on_error=1:detect_leaks=1:abort_on_error=0:exitcode=86:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="log_path=$dir/report:halt_on_error=1:print_stacktrace=1:exitcode=86:${UBSAN_OPTIONS:-}"
export LSAN_OPTIONS="exitcode=86:${LSAN_OPTIONS:-}"
"$@"
rc=$?
reports=$(find "$dir" -type f -size +0 | sort)
if [ -n "$reports" ]; then
	for f in $reports; do
		echo "==== sanitizer report: $(basename "$f") ====" >&2
		cat "$f" >&2
	done
	echo "sanitized: $(echo "$reports" | wc -l) sanitizer report(s) while running: $*" >&2
	[ $rc -ne 0 ] || rc=1
fi
exit $rc
