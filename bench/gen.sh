#!/bin/sh
# Write N realistic diplomatic events as JSON Lines on stdout, the same ones
# for the same N and SEED: the generator gen.c beside this script (compiled
# on first use into $BENCH_BIN, default ${TMPDIR:-/tmp}/attache-bench-bin),
# with the actor skew of the ICEWS sample in ../shared/data.
#   sh bench/gen.sh 1000000 [SEED] > events.jsonl
set -eu
n=${1:-1000}
seed=${2:-42}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
bin=${BENCH_BIN:-${TMPDIR:-/tmp}/attache-bench-bin}
mkdir -p "$bin"
if [ ! -x "$bin/gen" ] || [ "$here/gen.c" -nt "$bin/gen" ]; then
  ${CC:-cc} -O2 -std=c11 -o "$bin/gen" "$here/gen.c"
fi
exec "$bin/gen" "$n" --seed "$seed" --icews "${ATT_SHARED_DATA:-$src/../shared/data}/icews-2018-sample.tab"
