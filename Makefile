# wam — the two commands of the README, and a few more.
#   make run    install what is missing, build, create a demo registry, show the tour
#   make test   install what is missing, build, run every test
#   make asan   the unit and end-to-end tests under ASan+UBSan;  make fuzz  every fuzz target for a while
BUILD ?= build
DB    ?= wam.db
ITEMS ?= 100000

.PHONY: all deps build run test asan fuzz bench bench-import bench-http bench-match bench-reconcile bench-trace bench-transfers bench-screen bench-monitoring bench-ammunition bench-reports bench-lists bench-pages format clean

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

# The unit and end-to-end tests (suites unit and e2e, whatever they hold)
# under AddressSanitizer and UndefinedBehaviorSanitizer. tools/sanitized.sh
# wraps each test: a report from any process the test ran (a leak at exit
# too) fails the test and is printed in its log (meson names that log after
# the wrapper: testlog-sanitized.sh.json).
# Built with clang: its one runtime writes UBSan's reports where ASan's go
# (gcc's separate libubsan writes them to the process's stderr, which an
# end-to-end test keeps to itself).
asan: deps
	@scripts/deps.sh clang libclang-rt-14-dev
	grep -qs 'C compiler for the host machine: clang' build-asan/meson-logs/meson-log.txt || rm -rf build-asan
	[ -f build-asan/build.ninja ] || CC=clang meson setup build-asan -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debugoptimized -Dbench=false
	ninja -C build-asan
	meson test -C build-asan --suite unit --suite e2e --wrapper $(CURDIR)/tools/sanitized.sh \
		--timeout-multiplier 3 --logbase testlog --print-errorlogs || true
	@python3 tools/test_summary.py build-asan/meson-logs/testlog-sanitized.sh.json

# Every fuzz target (fuzz/README.md) for FUZZ_SECONDS each, from its seeds in
# fuzz/corpus/, with clang's libFuzzer, ASan and UBSan; one test each (suite
# fuzz). What they find goes to build-fuzz/fuzz/out/, never into the tree.
FUZZ_SECONDS ?= 12
fuzz: deps
	@scripts/deps.sh clang libclang-rt-14-dev
	[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true -Dtests=false -Dbench=false \
		-Db_lundef=false -Dbuildtype=debugoptimized -Dc_args=-fsanitize=fuzzer-no-link,address,undefined \
		-Dc_link_args=-fsanitize=address,undefined
	ninja -C build-fuzz
	WAM_FUZZ_SECONDS=$(FUZZ_SECONDS) meson test -C build-fuzz --suite fuzz --print-errorlogs || true
	@python3 tools/test_summary.py build-fuzz/meson-logs/testlog.json

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

# Shipments checked against a licence and its certificate, and the reads of
# transfers, on a 100,000-weapon demo (bench/README.md); e.g.
# make bench-transfers TRANSFERS_ARGS="--weapons 1000000 --shipments 50".
bench-transfers: build
	$(BUILD)/bench/bench_transfers $(TRANSFERS_ARGS)

# Names screened against a generated 1,000-entry sanctions list across
# scripts: recall@5, false positives, throughput (bench/README.md); e.g.
# make bench-screen SCREEN_ARGS="--parties 100000 --seed 2".
bench-screen: build
	WAM_DATA_DIR=$(CURDIR)/data $(BUILD)/bench/bench_screen $(SCREEN_ARGS)

# Embargo monitoring: 20,000 observations recorded, then listed, profiled,
# reported and packed, against reading them all once (bench/README.md); e.g.
# make bench-monitoring MONITORING_ARGS="--observations 50000 --seed 2".
bench-monitoring: build
	$(BUILD)/bench/bench_monitoring $(MONITORING_ARGS)

# The ammunition search over 100,000 ammunition lines (bench/README.md); e.g.
# make bench-ammunition AMMUNITION_ARGS="--lines 1000000 --queries 200".
bench-ammunition: build
	$(BUILD)/bench/bench_ammunition $(AMMUNITION_ARGS)

# The international reports of a 100,000-weapon demo, their drill-down, a
# submission and its comparison (bench/README.md); e.g.
# make bench-reports REPORTS_ARGS="--items 1000000 --runs 3".
bench-reports: build
	$(BUILD)/bench/bench_reports $(REPORTS_ARGS)

# A stock check of a 100,000-weapon depot fed 100,000 reads (bench/README.md);
# e.g. make bench-reconcile RECONCILE_ARGS="--weapons 1000000 --runs 1".
bench-reconcile: build
	$(BUILD)/bench/bench_reconcile $(RECONCILE_ARGS)

# Each page of the console opened in each language on a 20,000-weapon demo,
# in Chromium (bench/README.md); e.g. make bench-pages PAGES_ARGS="--runs 3 --langs en,ar".
bench-pages: build
	WAM=$(BUILD)/wam node bench/bench_pages.mjs $(PAGES_ARGS)

# Serial matching at 10 million weapons against SQLite FTS5 and pg_trgm
# (bench/README.md); e.g. make bench-match BENCH_ARGS="--weapons 1000000".
bench-match: build
	$(BUILD)/bench/bench_match $(BENCH_ARGS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) build-asan build-fuzz
