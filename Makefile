# Thin wrapper over CMake.  `make run` and `make test` are all a newcomer
# needs; `make run` installs missing Debian packages first (make deps),
# `make test` installs nothing: a test whose optional tool or data set is
# missing is skipped and says what is missing (tests/need.sh), or fails
# under ATT_NO_SKIP=1, which .ci/run sets after `make deps`.
#
#   make            build (build/)
#   make test       build and run every test, installing nothing (SANITIZE=1:
#                   ASan+UBSan build); lists the skipped tests and why
#   make run        the main job on the shipped example
#   make deps       install missing Debian packages and test tools
#   make bench      benchmarks (release build in build-release; installs its
#                   peers first: make bench-deps; SIZE=100k for one size,
#                   BENCH_QUICK=1 for a quick pass; docs/performance.md)
#   make fuzz       each libFuzzer harness for FUZZ_SECONDS (clang, build-fuzz/;
#                   skipped without clang and libFuzzer)
#   make valgrind   the test suite under valgrind (skipped without valgrind)
#   make test-crash the long crash campaign (tests/crash/)
#   make test-hostile  the long hostile runs (tests/hostile/): the campaign,
#                   the daemon test and 50 SIGTERMs, then the API fuzzer for
#                   HOSTILE_CALLS (1M) calls, all under ASan+UBSan
#   make install    install under PREFIX (/usr/local), into DESTDIR if set:
#                   the program, the importers, man pages, completion
#                   (docs/install.md); make uninstall removes what it put
#   make deb        a Debian package of the tree, in BUILD (cpack)
#   make clean      remove the build folders above (and BUILD if set)

SANITIZE ?= 0
WERROR ?= 0
JOBS ?= 2
ifeq ($(SANITIZE),1)
BUILD ?= build-asan
else
BUILD ?= build
endif
CMAKE_FLAGS = -DATT_SANITIZE=$(if $(filter 1,$(SANITIZE)),ON,OFF) \
              -DATT_WERROR=$(if $(filter 1,$(WERROR)),ON,OFF)

DEB_PACKAGES = build-essential cmake pkg-config liblua5.4-dev libuv1-dev \
               libcjson-dev valgrind clang libclang-rt-14-dev iso-codes tzdata \
               python3-icalendar chromium man-db zsh tmux \
               locales nettle-dev libcurl4-openssl-dev python3-aiosmtpd strace \
               libhttp-parser-dev wrk nginx-light openssl
# Node.js may come from elsewhere than Debian (with its own npm, which
# Debian's npm package conflicts with): install it only when absent.
DEB_COMMANDS = node:nodejs npm:npm
NPM_DIR = tests/diff/node_modules
BROWSER_NPM_DIR = tests/browser/node_modules

# make fuzz: seconds per harness, and which harnesses (default: all).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
FUZZ_BUILD ?= build-fuzz

.PHONY: all build test run deps bench bench-deps valgrind fuzz fuzz-run clean \
        install uninstall deb \
        test-crash test-hostile

all: build

$(BUILD)/.configured: CMakeLists.txt tests/tests.cmake
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)
	@touch $@

build: $(BUILD)/.configured
	cmake --build $(BUILD) -j $(JOBS)

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	for cp in $(DEB_COMMANDS); do \
	  command -v $${cp%%:*} >/dev/null 2>&1 || missing="$$missing $${cp#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	fi
	@if [ ! -d $(NPM_DIR)/edtf ]; then \
	  (cd tests/diff && npm install --no-audit --no-fund --silent) || \
	  echo "warning: npm install of the edtf test oracle failed"; fi
	@if [ ! -d $(BROWSER_NPM_DIR)/puppeteer-core ]; then \
	  (cd tests/browser && npm install --no-audit --no-fund --silent) || \
	  echo "warning: npm install of puppeteer-core (the browser test's driver) failed"; fi

# ctest shows no output of a skipped test: its reason, the SKIP line of
# tests/need.sh, is taken from ctest's log.
test: build
	@cd $(BUILD) && { rc=0; ctest --output-on-failure -j $(JOBS) || rc=$$?; \
	  grep -h '^SKIP ' Testing/Temporary/LastTest.log || true; exit $$rc; }

run: deps build
	OUTBASE=$(BUILD)/example sh examples/run.sh $(BUILD)/attache

# Needed by `make bench` only, so `make test` does not install them.
BENCH_PACKAGES = sqlite3 libsqlite3-dev hyperfine tarantool remind taskwarrior \
                 lua5.4 time
BENCH_BUILD ?= build-release

bench-deps: deps
	@missing=""; for p in $(BENCH_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	fi
	@if [ ! -d bench/duckdb/node_modules/@duckdb/node-api ]; then \
	  (cd bench/duckdb && npm install --no-audit --no-fund --silent) || \
	  echo "warning: npm install of @duckdb/node-api (the DuckDB peer) failed"; fi

bench: bench-deps
	cmake -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release -DATT_SANITIZE=OFF
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target attache attcore
	SIZE=$(SIZE) sh bench/run.sh $(BENCH_BUILD)
	sh bench/http.sh $(BENCH_BUILD) 100000

# Status 77: skipped (no valgrind), which is not an error here.
valgrind: build
	@sh tests/valgrind.sh $(BUILD) || [ $$? = 77 ]

# The long crash campaign: 1000 rounds of writers killed at random moments.
test-crash: build
	$(BUILD)/crash_campaign 1000

# The long hostile runs (docs/reliability.md, "Hostile scripts"), in the
# ASan+UBSan build whatever SANITIZE says: sanitizer reports are the point.
HOSTILE_CALLS ?= 1000000
HOSTILE_BUILD ?= build-asan

test-hostile:
	$(MAKE) build SANITIZE=1 BUILD=$(HOSTILE_BUILD)
	cmake --build $(HOSTILE_BUILD) -j $(JOBS) --target hostile
	cd $(HOSTILE_BUILD) && ctest --output-on-failure -L hostile -E 'hostile/fuzz|hostile/sigterm'
	HOSTILE_SIGTERM_SLACK=1 ATT_SOURCE_DIR=$(CURDIR) LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  $(HOSTILE_BUILD)/hostile sigterm $(HOSTILE_BUILD)/attache tests/hostile/busy 50
	$(HOSTILE_BUILD)/hostile fuzz \
	  $(HOSTILE_BUILD)/attache tests/hostile/fuzz.lua $(HOSTILE_CALLS) 10000 1000

$(FUZZ_BUILD)/.configured: CMakeLists.txt tests/tests.cmake tests/fuzz/CMakeLists.txt
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang -DATT_FUZZ=ON
	@touch $@

# Skipped, with the reason, unless clang can build a libFuzzer program.
fuzz:
	@if sh tests/fuzz/run.sh --check; then $(MAKE) --no-print-directory fuzz-run; \
	 else [ $$? = 77 ]; fi

fuzz-run: $(FUZZ_BUILD)/.configured
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers
	sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# make install PREFIX=/usr DESTDIR=/tmp/root: cmake's install rules
# (cmake/install.cmake); the list of what was installed (without DESTDIR,
# one path a line, the last without a line feed) is
# BUILD/install_manifest.txt, which uninstall reads: give it the same
# DESTDIR.
PREFIX ?= /usr/local
install: build
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

uninstall:
	@[ -f $(BUILD)/install_manifest.txt ] || { echo "nothing installed from $(BUILD)"; exit 1; }
	@while IFS= read -r f || [ -n "$$f" ]; do rm -f "$(DESTDIR)$$f"; done <$(BUILD)/install_manifest.txt
	@for d in "$(DESTDIR)$(PREFIX)/share/attache/importers" "$(DESTDIR)$(PREFIX)/share/attache/lua" \
	  "$(DESTDIR)$(PREFIX)/share/attache" "$(DESTDIR)$(PREFIX)/share/doc/attache"; do \
	  rmdir "$$d" 2>/dev/null || true; done
	@echo "removed the files listed in $(BUILD)/install_manifest.txt"; rm -f $(BUILD)/install_manifest.txt

deb: build
	cd $(BUILD) && cpack -G DEB

# Every folder this Makefile builds in, and nothing else.
clean:
	rm -rf $(sort build build-asan $(BUILD) $(FUZZ_BUILD) $(BENCH_BUILD) $(HOSTILE_BUILD))
