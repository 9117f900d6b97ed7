#!/bin/sh
# Run the test suite under valgrind: every C unit test, and the command-line
# and Lua tests with the program wrapped (ATT_WRAP).  Any leak or memory
# error fails.  A test that skips (exit 77, tests/need.sh: an optional tool
# is missing) is listed as skipped, with its reason; under ATT_NO_SKIP=1 it
# fails instead.  Without valgrind the whole run is skipped the same way.
#   sh tests/valgrind.sh BUILD_DIR
set -eu
build=${1:?usage: sh tests/valgrind.sh BUILD_DIR}
src=$(cd "$(dirname "$0")/.." && pwd)
SKIP_NAME=valgrind
. "$src/tests/need.sh"
need valgrind
vg="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 --child-silent-after-fork=yes"
export ATT_SOURCE_DIR="$src" ATT_SHARED_DATA="$src/../shared/data"
# Under valgrind a bounded C function can run seconds between two checks
# of its deadline (20-50 times slower): the watchdog's grace from deadline
# to "stuck" (0.5 s) grows in proportion, or a slow call would be ended as
# a stuck one (exit 3, and valgrind calls what it did not free a leak).
export ATTACHE_GRACE=${ATTACHE_GRACE:-20}
status=0
failed=""
skipped=""

# check NAME LOG CMD...: run CMD with its output in LOG and say how it went.
check() {
  name=$1 log=$2
  shift 2
  printf 'valgrind %s ... ' "$name"
  rc=0
  "$@" >"$log" 2>&1 || rc=$?
  if [ $rc = 0 ]; then
    echo ok
  elif [ $rc = "$SKIP_RC" ] && [ "${ATT_NO_SKIP:-0}" != 1 ]; then
    echo skipped
    skipped="$skipped $log"
  else
    echo FAILED
    tail -n 40 "$log"
    status=1
    failed="$failed $log"
  fi
}

for t in "$build"/test_*; do
  [ -x "$t" ] || continue
  n=$(basename "$t")
  check "$n" "$build/valgrind-$n.log" $vg "$t"
done
for t in "$src"/tests/cli/*.sh; do
  n=$(basename "$t" .sh)
  [ "$n" = lib ] && continue
  check "cli/$n" "$build/valgrind-cli-$n.log" env ATT_WRAP="$vg" sh "$t" "$build/attache"
done
for t in "$src"/tests/lua/test_*.lua; do
  n=$(basename "$t" .lua)
  check "lua/$n" "$build/valgrind-lua-$n.log" env ATT_WRAP="$vg" sh "$src/tests/lua/run.sh" "$build/attache" "$t"
done
# Again at the end, where a log that keeps only the tail of the output
# (a CI summary) still shows what was skipped and what failed, and why.
for f in $skipped; do
  grep -h '^SKIP ' "$f" || echo "=== skipped under valgrind: $(basename "$f" .log)"
done
for f in $failed; do
  echo "=== FAILED under valgrind: $(basename "$f" .log)"
  tail -n 15 "$f"
done
exit $status
