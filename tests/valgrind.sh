#!/bin/sh
# Run the test suite under valgrind: every C unit test, and the command-line
# and Lua tests with the program wrapped (ATT_WRAP).  Any leak or memory
# error fails.  A test that skips (exit 77, tests/need.sh: an optional tool
# is missing) is listed as skipped, with its reason; under ATT_NO_SKIP=1 it
# fails instead.  Without valgrind the whole run is skipped the same way.
#   sh tests/valgrind.sh BUILD_DIR
# VALGRIND_JOBS=N runs N tests at a time; VALGRIND_ONLY=REGEX only the tests
# whose path matches (`VALGRIND_ONLY='cli/usage|test_text'`).
set -eu
build=${1:?usage: sh tests/valgrind.sh BUILD_DIR}
src=$(cd "$(dirname "$0")/.." && pwd)
SKIP_NAME=valgrind
. "$src/tests/need.sh"
need valgrind
# (--read-inline-info=no: each start reads less of libc's debugging
# information, 9% of a short command's time, and the suite is thousands
# of short commands; traces lose only the names of inlined callers.)
vg="valgrind -q --read-inline-info=no --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 --child-silent-after-fork=yes"
export ATT_SOURCE_DIR="$src" ATT_SHARED_DATA="$src/../shared/data"
# Under valgrind a bounded C function can run seconds between two checks
# of its deadline (20-50 times slower): the watchdog's grace from deadline
# to "stuck" (0.5 s) grows in proportion, or a slow call would be ended as
# a stuck one (exit 3, and valgrind calls what it did not free a leak).
export ATTACHE_GRACE=${ATTACHE_GRACE:-20}
# Tests run JOBS at a time (default: the number of processors, as valgrind
# runs a test on one core), each into its own log; a line says how each
# went as it ends.  A test's waits on other processes are long enough under
# valgrind (lib.sh's WAIT_S is 600 s) for two at a time on two cores.
jobs=${VALGRIND_JOBS:-$(nproc 2>/dev/null || echo 1)}

# sh valgrind.sh --one BUILD KIND PATH: run one test (KIND unit, cli or
# lua), its output in its log, and leave its verdict in LOG.verdict.
if [ "${2:-}" = --one ]; then
  kind=$3 t=$4
  case $kind in
  unit)
    name=$(basename "$t") log=$build/valgrind-$name.log
    set -- $vg "$t" ;;
  cli)
    name=cli/$(basename "$t" .sh) log=$build/valgrind-cli-$(basename "$t" .sh).log
    set -- env ATT_WRAP="$vg" sh "$t" "$build/attache" ;;
  lua)
    name=lua/$(basename "$t" .lua) log=$build/valgrind-lua-$(basename "$t" .lua).log
    set -- env ATT_WRAP="$vg" sh "$src/tests/lua/run.sh" "$build/attache" "$t" ;;
  esac
  rc=0
  t0=$(date +%s)
  "$@" >"$log" 2>&1 || rc=$?
  if [ $rc = 0 ]; then
    v=ok
  elif [ $rc = "$SKIP_RC" ] && [ "${ATT_NO_SKIP:-0}" != 1 ]; then
    v=skipped
  else
    v=FAILED
  fi
  echo "$v" >"$log.verdict"
  echo "valgrind $name ... $v ($(($(date +%s) - t0)) s)"
  exit 0
fi

list=$build/valgrind-tests.list
: >"$list"
for t in "$build"/test_*; do
  [ -x "$t" ] && echo "unit $t" >>"$list"
done
for t in "$src"/tests/cli/*.sh; do
  [ "$(basename "$t")" = lib.sh ] || echo "cli $t" >>"$list"
done
for t in "$src"/tests/lua/test_*.lua; do
  echo "lua $t" >>"$list"
done
# The longest under valgrind start first (seconds in a full run here,
# 2026-12-07: cli/run 186, names 111, history_log 93, test_store 90,
# alert_group 87, module_bounds 85, lua_examples 78, test_damage 75), so
# that none of them starts late and runs alone at the end.
for slow in test_damage cli/lua_examples.sh cli/module_bounds.sh cli/alert_group.sh test_store \
  cli/history_log.sh cli/names.sh cli/run.sh; do
  if grep -q -- "/$slow\$" "$list"; then
    { grep -- "/$slow\$" "$list"; grep -v -- "/$slow\$" "$list"; } >"$list.order"
    mv "$list.order" "$list"
  fi
done
if [ -n "${VALGRIND_ONLY:-}" ]; then
  grep -E -- "$VALGRIND_ONLY" "$list" >"$list.only" || true
  mv "$list.only" "$list"
fi
rm -f "$build"/valgrind-*.log.verdict
echo "valgrind: $(wc -l <"$list" | tr -d ' ') tests, $jobs at a time"
xargs -r -P "$jobs" -n 2 sh "$0" "$build" --one <"$list"

status=0
failed=""
skipped=""
for v in "$build"/valgrind-*.log.verdict; do
  [ -f "$v" ] || continue
  log=${v%.verdict}
  case $(cat "$v") in
  ok) ;;
  skipped) skipped="$skipped $log" ;;
  *) status=1 failed="$failed $log" ;;
  esac
done
n=$(wc -l <"$list" | tr -d ' ')
got=$(ls "$build"/valgrind-*.log.verdict 2>/dev/null | wc -l | tr -d ' ')
if [ "$got" != "$n" ]; then
  echo "valgrind: only $got of $n tests gave a verdict"
  status=1
fi

# Again at the end, where a log that keeps only the tail of the output
# (a CI summary) still shows what was skipped and what failed, and why.
for f in $skipped; do
  grep -h '^SKIP ' "$f" || echo "=== skipped under valgrind: $(basename "$f" .log)"
done
for f in $failed; do
  echo "=== FAILED under valgrind: $(basename "$f" .log)"
  tail -n 40 "$f"
done
exit $status
