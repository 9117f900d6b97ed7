#!/bin/sh
# Exit codes a cron job can trust (issue 14): `serve --once` and a replay
# exit 1 when a script fails to load (a syntax error, an error in its main
# chunk, os.exit while loading); a replay that does nothing because
# STORE/daemon.state is at or past --until says so on stderr and exits 1;
# --no-state replays anyway; a date range that ends before it starts is a
# usage error (2) for list and export, and alerts --since in the future is
# no error.
. "$(dirname "$0")/lib.sh"

S=$TMP/scripts
mkdir -p "$S"
export TZ=UTC
new_store

# -- a good script: --once exits 0
printf 'local at = require "attache"\nat.every("1d", function() end)\n' >"$S/good.lua"
ok serve --scripts "$S" --once --no-state

# -- a script that fails to load, three ways: --once and a replay exit 1
for body in 'this is not lua' 'error("boom")' 'os.exit(3)'; do
  printf '%s\n' "$body" >"$S/bad.lua"
  expect_rc 1 serve --scripts "$S" --once --no-state
  err_has "bad.lua"
  err_has "1 script failed to load"
  expect_rc 1 serve --scripts "$S" --now 2024-01-01 --until 2024-01-02 --no-state
  err_has "1 script failed to load"
done
# with --log-json the log stays JSON Lines, the failure one more line
expect_rc 1 serve --scripts "$S" --once --no-state --log-json
python3 - "$TMP/err" <<'PY' || fail "--log-json: not JSON Lines"
import json, sys
ls = [json.loads(l) for l in open(sys.argv[1])]
assert ls[-1]["level"] == "error" and "1 script failed to load" in ls[-1]["msg"], ls[-1]
PY
rm -f "$S/bad.lua"

# -- an error in a callback is logged, not a load failure: the exit says
# whether the scripts loaded and the run finished
printf 'local at = require "attache"\nat.every("1d", function() error("cb") end)\n' >"$S/cb.lua"
ok serve --scripts "$S" --now 2024-01-01 --until 2024-01-03 --no-state
err_has "cb.lua"
rm -f "$S/cb.lua"

# -- the state file: a replay of a stretch already processed does nothing
ok serve --scripts "$S" --now 2024-01-01 --until 2024-03-01
expect_rc 1 serve --scripts "$S" --now 2024-01-01 --until 2024-02-01
err_has "nothing was replayed"
err_has "daemon.state"
err_has "--no-state"
# ... also under --quiet, where the info lines are not shown
expect_rc 1 serve --scripts "$S" --now 2024-01-01 --until 2024-02-01 -q
err_has "nothing was replayed"
# a replay that reaches past the state does the rest: exit 0
ok serve --scripts "$S" --now 2024-01-01 --until 2024-04-01
ok serve --scripts "$S" --now 2024-01-01 --until 2024-02-01 --no-state

# -- a range that ends before it starts
ok add --title A --when 2024-05-01
expect_rc 2 list --from 2025 --to 2024
err_has "--to 2024"
err_has "--from 2025"
[ ! -s "$TMP/out" ] || fail "list printed a table for an empty range"
expect_rc 2 list --from 2024-06 --to 2024-05-31
ok list --from 2024 --to 2024
out_has "A"
ok list --from 2024-05-01 --to 2024-05-01
out_has "A"
expect_rc 2 export --from 2025 --to 2024
done_ok
