#!/bin/sh
# Run the test suite under valgrind: every C unit test, and the command-line
# and Lua tests with the program wrapped (ATT_WRAP).  Any leak or memory error fails.
#   sh tests/valgrind.sh BUILD_DIR
set -eu
build=${1:?usage: sh tests/valgrind.sh BUILD_DIR}
src=$(cd "$(dirname "$0")/.." && pwd)
vg="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 --child-silent-after-fork=yes"
export ATT_SOURCE_DIR="$src" ATT_SHARED_DATA="$src/../shared/data"
status=0
failed=""
for t in "$build"/test_*; do
  [ -x "$t" ] || continue
  printf 'valgrind %s ... ' "$(basename "$t")"
  if $vg "$t" >"$build/valgrind-$(basename "$t").log" 2>&1; then echo ok
  else echo FAILED; tail -n 40 "$build/valgrind-$(basename "$t").log"; status=1
    failed="$failed $build/valgrind-$(basename "$t").log"; fi
done
for t in "$src"/tests/cli/*.sh; do
  n=$(basename "$t" .sh)
  [ "$n" = lib ] && continue
  printf 'valgrind cli/%s ... ' "$n"
  if ATT_WRAP="$vg" sh "$t" "$build/attache" >"$build/valgrind-cli-$n.log" 2>&1; then echo ok
  else echo FAILED; tail -n 40 "$build/valgrind-cli-$n.log"; status=1
    failed="$failed $build/valgrind-cli-$n.log"; fi
done
for t in "$src"/tests/lua/test_*.lua; do
  n=$(basename "$t" .lua)
  printf 'valgrind lua/%s ... ' "$n"
  if ATT_WRAP="$vg" sh "$src/tests/lua/run.sh" "$build/attache" "$t" >"$build/valgrind-lua-$n.log" 2>&1; then echo ok
  else echo FAILED; tail -n 40 "$build/valgrind-lua-$n.log"; status=1
    failed="$failed $build/valgrind-lua-$n.log"; fi
done
# Again at the end, where a log that keeps only the tail of the output
# (a CI summary) still shows which test failed and why.
for f in $failed; do
  echo "=== FAILED under valgrind: $(basename "$f" .log)"
  tail -n 15 "$f"
done
exit $status
