# The two commands: `make run` and `make test`. Everything else is CMake.
BUILD ?= build
DEMO_DB ?= $(BUILD)/xingfu-demo.db
DEMO_PASSWORD ?= xingfu-demo
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: all deps build run test test-release test-asan format-check fuzz crash bench clean install

all: build

deps:
	@bash scripts/deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD)

# Install into PREFIX (default /usr/local) under DESTDIR (for packaging: make install
# DESTDIR=/tmp/x): see packaging/ and docs/OPERATIONS.md. Builds first if needed.
PREFIX ?= /usr/local
install: $(BUILD)/build.ninja
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	cmake --build $(BUILD)
	DESTDIR=$(DESTDIR) cmake --install $(BUILD)

run: build
	$(BUILD)/xingfu demo --db $(DEMO_DB) --password $(DEMO_PASSWORD) --listen 127.0.0.1:8080

# Release first, so the main build's ctest summary and the per-engine counts close the log.
test: build
	$(MAKE) test-release
	cd $(BUILD) && ctest --output-on-failure -j2
	@bash scripts/test-summary.sh $(BUILD)

# gcc warns differently at -O2: the Release build must also be warning-free.
test-release:
	cmake -S . -B $(BUILD)-release -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD)-release
	cd $(BUILD)-release && ctest --output-on-failure -j2

test-asan: deps
	cmake -S . -B $(BUILD)-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DXF_SANITIZE=ON
	cmake --build $(BUILD)-asan
	cd $(BUILD)-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j2

# libFuzzer on each harness for FUZZ_SECONDS, from the seed corpus (copied: the repository's
# corpus only grows by hand). A crash leaves its input in $(BUILD)-fuzz/crash-*: keep it in
# fuzz/regressions/<harness>/ once fixed, and ctest replays it forever.
FUZZ_SECONDS ?= 60
FUZZ_HARNESSES ?= text json request table photo route open311 codes
fuzz: deps
	CC=clang cmake -S . -B $(BUILD)-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DXF_FUZZ=ON -DBUILD_TESTING=OFF -DXF_WEB=OFF
	cmake --build $(BUILD)-fuzz
	@for h in $(FUZZ_HARNESSES); do \
	  mkdir -p $(BUILD)-fuzz/corpus/$$h && cp -n fuzz/corpus/$$h/* $(BUILD)-fuzz/corpus/$$h/ 2>/dev/null; \
	  dict=""; [ -f fuzz/dict/$$h.dict ] && dict="-dict=fuzz/dict/$$h.dict"; \
	  echo "== fuzz_$$h for $(FUZZ_SECONDS)s"; \
	  (cd $(BUILD)-fuzz && ./fuzz/fuzz_$$h -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	     $$(echo $$dict | sed 's|=|=../|') corpus/$$h) >$(BUILD)-fuzz/fuzz_$$h.log 2>&1; \
	  rc=$$?; tail -n 3 $(BUILD)-fuzz/fuzz_$$h.log; [ $$rc = 0 ] || exit 1; \
	done

# The crash test at length: CRASH_ROUNDS SIGKILLs of a server under transfers and new cases
# (ctest runs 4 of them as bench_points_crash).
CRASH_ROUNDS ?= 40
crash: build
	bash bench/points_crash.sh $(BUILD)/xingfu $(CRASH_ROUNDS)

# The benchmark suite (bench/run.sh): a Release build in $(BENCH_BUILD), the city-scale demo
# database cached there, the same run's references (nginx, raw SQLite, the Node.js peer);
# prints the table and writes bench/results/<date>.md. ~15 min at the default 10 s a point.
# Never part of `make test`; bench/deps.sh installs wrk, nginx and the peer's packages.
BENCH_BUILD ?= $(BUILD)-bench
BENCH_SECONDS ?= 10
bench:
	@bash bench/deps.sh
	cmake -S . -B $(BENCH_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BENCH_BUILD) --target xingfu
	bash bench/run.sh $(BENCH_BUILD) $(BENCH_SECONDS)

format-check:
	clang-format --dry-run --Werror $$(git ls-files 'src/*.[ch]' 'tests/*.[ch]')

clean:
	rm -rf $(BUILD) $(BUILD)-release $(BUILD)-asan
