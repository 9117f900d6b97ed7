#!/bin/sh
# examples/run.sh, the `make run`: imports the example, replays the example
# rules through 2024 (tests/cli/replay.sh checks that in detail) and lists
# the agenda; without the daemon it lists every event.
. "$(dirname "$0")/lib.sh"

RC=0
sh "$SRC/examples/run.sh" "$ATT" >"$TMP/out" 2>"$TMP/err" || RC=$?
[ "$RC" = 0 ] || fail "examples/run.sh exited $RC"
out_has 'imported 10 events'
out_has '2024-01~/2024-04~'
out_has '2024/2028'
if "$ATT" help serve >/dev/null 2>&1; then
  out_has "[warn] The period of Japan's country assistance policy"
  out_has '== Agenda, 18 December 2023 to 31 December 2024 =='
  out_lacks 'Paris Peace Agreements'
else
  out_has 'Paris Peace Agreements'
fi
done_ok
