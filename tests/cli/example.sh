#!/bin/sh
# examples/run.sh, the current `make run`, imports the example and lists it.
. "$(dirname "$0")/lib.sh"

RC=0
sh "$SRC/examples/run.sh" "$ATT" >"$TMP/out" 2>"$TMP/err" || RC=$?
[ "$RC" = 0 ] || fail "examples/run.sh exited $RC"
out_has 'imported 10 events'
out_has '2024-01~/2024-04~'
out_has '2024/2028'
out_has 'Paris Peace Agreements'
done_ok
