# tests/e2e/lib.sh — TAP helpers shared by the e2e scripts (sourced).
#
# Each script gets its own temporary directory as the working directory
# ($TMP, removed on exit). `run CMD...` runs a command and keeps its
# stdout in $OUT, stderr in $ERR and exit status in $RC; the expect_*
# helpers print one TAP line each. End a script with `done_testing`.
set -u
: "${WAM:?WAM must name the wam binary}"
command -v jq >/dev/null || { echo "1..0 # SKIP jq is not installed"; exit 0; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/wam-e2e.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
unset WAM_DB
# the CLI records the operating-system account of the real user id, never
# $USER: it is set here to a name no event may carry
export USER=tester
ME="os:$(id -un)"

T=0
FAILED=0
OUT=
ERR=
RC=0

ok() { T=$((T + 1)); echo "ok $T - $1"; }

not_ok() {
	T=$((T + 1))
	FAILED=$((FAILED + 1))
	echo "not ok $T - $1"
	shift
	local line
	for line in "$@"; do printf '%s\n' "$line" | sed 's/^/#   /'; done
}

# run CMD...: runs it, capturing stdout/stderr/status.
run() {
	"$@" >"$TMP/.out" 2>"$TMP/.err"
	RC=$?
	OUT=$(cat "$TMP/.out")
	ERR=$(cat "$TMP/.err")
}

# expect_exit CODE DESC CMD...: runs CMD and checks its exit status.
expect_exit() {
	local code=$1 desc=$2
	shift 2
	run "$@"
	if [ "$RC" -eq "$code" ]; then ok "$desc"; else
		not_ok "$desc" "command: $*" "exit $RC, expected $code" "stdout: ${OUT:0:600}" "stderr: ${ERR:0:600}"
	fi
}

# expect_contains DESC HAYSTACK NEEDLE
expect_contains() {
	case "$2" in
	*"$3"*) ok "$1" ;;
	*) not_ok "$1" "expected to find: $3" "in: ${2:0:800}" ;;
	esac
}

# expect_not_contains DESC HAYSTACK NEEDLE
expect_not_contains() {
	case "$2" in
	*"$3"*) not_ok "$1" "did not expect: $3" "in: ${2:0:800}" ;;
	*) ok "$1" ;;
	esac
}

# expect_eq DESC ACTUAL EXPECTED
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:      $2" "expected: $3"; fi
}

# expect_same_file DESC A B
expect_same_file() {
	if cmp -s "$2" "$3"; then ok "$1"; else not_ok "$1" "$(diff "$2" "$3" | head -20)"; fi
}

# check DESC CMD...: passes when CMD succeeds (a `test`, `cmp`, ...).
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc" "false: $*"; fi
}

# jget JQ-FILTER: applies a jq filter to $OUT (raw output).
jget() { printf '%s' "$OUT" | jq -r "$1"; }

# events DB: the registry's event count, as `wam summary` reports it.
events() { "$WAM" --db "$1" --json summary | jq -r '.totals.events'; }

# Prints the plan. The exit status stays 0: TAP lines carry the verdict
# (meson counts a non-zero exit as an error of the script itself).
done_testing() {
	echo "1..$T"
	[ "$FAILED" -eq 0 ] || echo "# $FAILED of $T failed"
	exit 0
}
