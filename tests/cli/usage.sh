#!/bin/sh
# Usage errors exit 2, help works for every command, a missing store is
# explained, and commands that need Lua are refused clearly.
. "$(dirname "$0")/lib.sh"

ok --help
out_has "usage: attache"
ok --version
out_has "attache "
for c in init add get update rm list import export compact fsck; do
  ok "$c" --help
  out_has "usage: attache [--store DIR] $c"
  ok "$c" -h
  ok help "$c"
  out_has "usage: attache [--store DIR] $c"
done

expect_rc 2 frobnicate
err_has "unknown command 'frobnicate'"
# every command of the table, from the table (actor and config included)
for c in init add export actor compact fsck config; do err_has " $c,"; done
err_has ", help)"
expect_rc 2 run
expect_rc 1 run x.lua
err_has "x.lua"
expect_rc 2 serve --now 2024-01-01
err_has "--now and --until go together"
expect_rc 1 serve --scripts "$TMP/no-such-dir"
err_has "scripts directory"
expect_rc 2 help frobnicate
expect_rc 2 --bogus list
expect_rc 2 list --bogus
err_has "unknown option '--bogus'"
expect_rc 2 list --limit many
err_has "--limit many"
expect_rc 2 list --sort colour
err_has "sort by when"
expect_rc 2 list --where ''
expect_rc 2 list --json --csv
expect_rc 2 export --format ics --alarm soon
err_has "--alarm "
expect_rc 2 export --alarm 1d
err_has "go with --format ics"
expect_rc 2 export --format xml
expect_rc 2 get
expect_rc 2 rm
expect_rc 2 update 1
expect_rc 2 add
expect_rc 2 add --title
err_has "needs a value"
expect_rc 2 add --title A --title B --when 2024
err_has "given twice"
expect_rc 2 add --json '{"title":"x","when":"2024"}' --kind meeting
expect_rc 2 import
expect_rc 2 import --format yaml x

# No store yet: every command that needs one says how to make one.
for c in "list" "get 1" "rm 1" "export" "add --title T --when 2024"; do
  # shellcheck disable=SC2086
  expect_rc 1 $c
  err_has "attache init"
done
# The store from the environment, then from XDG_DATA_HOME.
ATTACHE_STORE=$TMP/envstore "$ATT" init >"$TMP/out" 2>&1 || fail "init via ATTACHE_STORE"
[ -d "$TMP/envstore" ] || fail "ATTACHE_STORE was not used"
XDG_DATA_HOME=$TMP/xdg "$ATT" init >"$TMP/out" 2>&1 || fail "init via XDG_DATA_HOME"
[ -d "$TMP/xdg/attache" ] || fail "XDG_DATA_HOME/attache was not used"
"$ATT" init >"$TMP/out" 2>&1 || fail "init in HOME"
[ -d "$HOME/.local/share/attache" ] || fail "~/.local/share/attache was not used"
"$ATT" --store="$TMP/eqstore" init >"$TMP/out" 2>&1 || fail "--store=DIR"
[ -d "$TMP/eqstore" ] || fail "--store=DIR was not used"

new_store
expect_rc 1 init
err_has "already exists"
ok fsck
out_has "intact"
done_ok
