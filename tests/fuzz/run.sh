#!/bin/sh
# Run each libFuzzer harness for a set time (make fuzz).
#
#   sh tests/fuzz/run.sh BUILD SECONDS [NAME...]
#
# BUILD holds the fuzz_NAME programs (cmake -DATT_FUZZ=ON).  Each harness
# starts from the kept corpus, tests/fuzz/corpus/NAME, and writes what it
# finds to BUILD/fuzz-corpus/NAME, never into the source tree; with
# FUZZ_MERGE=1 the new inputs that add coverage are merged into the kept
# corpus afterwards.  A crash or a failed property is saved under
# BUILD/fuzz-artifacts/NAME/ and makes the run fail.  The last lines are a
# table of executions per target, from libFuzzer's final statistics.
# Harnesses run FUZZ_JOBS at a time (default: the number of processors).
#
#   sh tests/fuzz/run.sh --check
#
# exits 0 if clang can build a libFuzzer program, else skips (77, with the
# reason; a failure under ATT_NO_SKIP=1: tests/need.sh): `make fuzz` runs
# it first.
set -u
src=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" = --check ]; then
  SKIP_NAME="make fuzz"
  . "$src/../need.sh"
  need clang "'make deps' installs it: apt-get install clang libclang-rt-14-dev"
  t=$(mktemp -d "${TMPDIR:-/tmp}/attache-fuzzcheck.XXXXXX")
  trap 'rm -rf "$t"' EXIT INT TERM
  echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return (void)d, (void)n, 0; }' >"$t/f.c"
  clang -fsanitize=fuzzer -o "$t/f" "$t/f.c" 2>"$t/log" ||
    missing "libFuzzer (clang -fsanitize=fuzzer: $(grep -m1 error "$t/log"))" \
      "'make deps' installs it: apt-get install libclang-rt-14-dev"
  exit 0
fi
if [ $# -lt 2 ]; then
  echo "usage: $0 BUILD SECONDS [NAME...]" >&2
  exit 2
fi
build=$1
secs=$2
shift 2
names=${*:-"edtf friendly cron rrule event csv journal store"}
# FUZZ_JOBS harnesses run at a time (default: the processors), each for
# the whole time, each with its own log and a line of the summary.
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
mkdir -p "$build/fuzz-logs"
summary="$build/fuzz-logs/summary"

# one NAME: run one harness, its verdict in the summary (and NAME.failed)
one() {
  n=$1
  prog="$build/fuzz_$n"
  if [ ! -x "$prog" ]; then
    echo "fuzz: $prog is missing (build the 'fuzzers' target)" >&2
    : > "$build/fuzz-logs/$n.failed"
    return
  fi
  mkdir -p "$build/fuzz-corpus/$n" "$build/fuzz-artifacts/$n"
  log="$build/fuzz-logs/$n.log"
  echo "fuzz: $n for ${secs}s"
  "$prog" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$n/" \
    "$build/fuzz-corpus/$n" "$src/corpus/$n" > "$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  if [ $rc -eq 0 ]; then
    result=ok
  else
    result="FAILED (exit $rc; see $log)"
    : > "$build/fuzz-logs/$n.failed"
    grep -E 'property failed|ERROR:|SUMMARY:' -A4 "$log" | head -30 >&2
  fi
  printf '%-9s %6ss %12s executions  %s\n' "$n" "$secs" "${execs:-?}" "$result" \
    >> "$summary"
  if [ $rc -eq 0 ] && [ "${FUZZ_MERGE:-0}" = 1 ]; then
    "$prog" -merge=1 "$src/corpus/$n" "$build/fuzz-corpus/$n" \
      > "$build/fuzz-logs/$n.merge.log" 2>&1 || echo "fuzz: merge of $n failed" >&2
  fi
}

if [ "${FUZZ_ONE:-}" = 1 ]; then # (a job of the loop below)
  for n in $names; do one "$n"; done
  exit 0
fi
: > "$summary"
rm -f "$build"/fuzz-logs/*.failed
export FUZZ_ONE=1
for n in $names; do echo "$n"; done |
  xargs -P "$jobs" -n 1 sh "$0" "$build" "$secs"
failed=0
for n in $names; do
  [ ! -e "$build/fuzz-logs/$n.failed" ] || failed=1
done
n=$(wc -l < "$summary" | tr -d ' ')
[ "$n" = "$(echo $names | wc -w | tr -d ' ')" ] || failed=1
echo "fuzz: executions per target"
cat "$summary"
exit $failed
