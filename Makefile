# wam — the two commands of the README, and a few more.
#   make run    install what is missing, build, create a demo registry, show the tour
#   make test   install what is missing, build, run every test
BUILD ?= build
DB    ?= wam.db
ITEMS ?= 100000

.PHONY: all deps build run test asan bench bench-import bench-http bench-match bench-reconcile bench-trace bench-lists format clean

all: build

deps:
	@scripts/deps.sh

$(BUILD)/build.ninja:
	meson setup $(MESONFLAGS) $(BUILD)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

run: build
	@WAM=$(BUILD)/wam DB=$(DB) ITEMS=$(ITEMS) scripts/tour.sh

test: build
	meson test -C $(BUILD) --print-errorlogs || true
	@python3 tools/test_summary.py $(BUILD)/meson-logs/testlog.json

# The unit tests under AddressSanitizer and UndefinedBehaviorSanitizer.
asan: deps
	[ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debug -Dbench=false
	ninja -C build-asan
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C build-asan --suite unit --print-errorlogs || true
	@python3 tools/test_summary.py build-asan/meson-logs/testlog.json

bench: bench-import bench-http bench-reconcile

bench-import: build
	$(BUILD)/bench/bench_import $(BENCH_ARGS)

# wam serve under wrk on a 1-million-weapon demo (bench/README.md); e.g.
# make bench-http HTTP_ARGS="--weapons 100000 --runs 1"
bench-http: build
	@scripts/deps.sh wrk
	WAM=$(BUILD)/wam bench/bench_http.sh $(HTTP_ARGS)

# A page of weapons by a rare status or a small site, with and without the
# indexes (bench/README.md); e.g. make bench-lists LISTS_ARGS="--weapons 1000000".
bench-lists: build
	$(BUILD)/bench/bench_lists $(LISTS_ARGS)

# Recovery intake with its search for hits, and the SDG 16.4.2 report, on a
# 100,000-weapon registry (bench/README.md); e.g.
# make bench-trace TRACE_ARGS="--weapons 1000000 --runs 3".
bench-trace: build
	$(BUILD)/bench/bench_trace $(TRACE_ARGS)

# A stock check of a 100,000-weapon depot fed 100,000 reads (bench/README.md);
# e.g. make bench-reconcile RECONCILE_ARGS="--weapons 1000000 --runs 1".
bench-reconcile: build
	$(BUILD)/bench/bench_reconcile $(RECONCILE_ARGS)

# Serial matching at 10 million weapons against SQLite FTS5 and pg_trgm
# (bench/README.md); e.g. make bench-match BENCH_ARGS="--weapons 1000000".
bench-match: build
	$(BUILD)/bench/bench_match $(BENCH_ARGS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) build-asan
