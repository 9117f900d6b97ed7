# Thin wrapper over CMake.  `make run` and `make test` are all a newcomer
# needs; both install missing Debian packages first (make deps).
#
#   make            build (build/)
#   make test       build and run every test (SANITIZE=1: ASan+UBSan build)
#   make run        the main job on the shipped example
#   make deps       install missing Debian packages and test tools
#   make bench      benchmarks
#   make valgrind   the unit tests under valgrind
#   make clean

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
               libcjson-dev valgrind
# Node.js may come from elsewhere than Debian (with its own npm, which
# Debian's npm package conflicts with): install it only when absent.
DEB_COMMANDS = node:nodejs npm:npm
NPM_DIR = tests/diff/node_modules

.PHONY: all build test run deps bench valgrind clean

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

test: deps build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

run: deps build
	sh examples/run.sh $(BUILD)/attache

bench: deps build
	sh bench/run.sh $(BUILD)

valgrind: deps build
	sh tests/valgrind.sh $(BUILD)

clean:
	rm -rf build build-asan
