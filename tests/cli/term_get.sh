#!/bin/sh
# get and list a terminal can trust (issue 12, finding 8).  The store keeps
# direction controls in titles and CR, TAB and LF in notes (data is data);
# the readable output of get and list shows every character a terminal
# would act on escaped (\r, \x1b, \u202e), keeps the line breaks of notes
# with each further line indented (so no line of a note can pass for a
# field), and --json carries the exact text with the direction controls
# and C1 as \u escapes.
. "$(dirname "$0")/lib.sh"
need python3

new_store
RLO=$(printf '\342\200\256')
LRI=$(printf '\342\201\246')
ALM=$(printf '\330\234')
CR=$(printf '\r')
TAB=$(printf '\t')
ok add --title "invoice${RLO}fdp.exe${LRI}x${ALM}" --when 2024-03-12 \
  --where "Tokyo${RLO}" --notes "first${CR}FAKE
status     cancelled
pwned${TAB}tab"
ok add --title "second${RLO}" --when 2024-03-13

# -- get: escaped, the note's later lines indented
ok get 1
term_clean "$TMP/out" "get"
out_has 'title      invoice\u202efdp.exe\u2066x\u061c'
out_has 'where      Tokyo\u202e'
out_has 'notes      first\rFAKE'
out_has '           status     cancelled'
out_has '           pwned	tab'
if grep -q '^status     cancelled' "$TMP/out"; then fail "a line of the notes passes for the status field"; fi

# -- get --json: exact, escaped by JSON rules
ok get 1 --json
term_clean "$TMP/out" "get --json"
python3 -c '
import json, sys
e = json.loads(open(sys.argv[1], encoding="utf-8").read())
assert e["title"] == "invoice\u202efdp.exe\u2066x\u061c", repr(e["title"])
assert e["notes"] == "first\rFAKE\nstatus     cancelled\npwned\ttab", repr(e["notes"])' "$TMP/out" || fail "get --json is not exact"

# -- list: the table
ok list
term_clean "$TMP/out" "list"
out_has 'invoice\u202efdp.exe\u2066x\u061c'
out_has 'second\u202e'
# the columns still line up: every row as wide as the header up to TITLE
awk 'NR == 1 { w = index($0, "TITLE") } NR > 1 && substr($0, w - 2, 2) != "  " { exit 1 }' "$TMP/out" ||
  fail "the table's columns do not line up"
COLUMNS=20 ok list
term_clean "$TMP/out" "list (narrow)"

# -- list --json and export: exact
ok list --json
term_clean "$TMP/out" "list --json"
json_lines
ok export
term_clean "$TMP/out" "export"
ok export --format json
term_clean "$TMP/out" "export --format json"
python3 -c '
import json, sys
e = json.loads(open(sys.argv[1], encoding="utf-8").read())
assert e[0]["title"] == "invoice\u202efdp.exe\u2066x\u061c", repr(e[0]["title"])' "$TMP/out" ||
  fail "export --format json is not exact"

# -- messages naming an event do not pass its text raw
run get "k${RLO}ex"
err_has 'k\u202eex'
term_clean "$TMP/err" "get's error"

# -- results that quote an event or a path: rm, init, fsck
ok rm 2
term_clean "$TMP/out" "rm"
out_has 'removed 2 "second\u202e"'
STORE="$TMP/new${RLO}store"
ok init
term_clean "$TMP/out" "init"
out_has 'new\u202estore'
ok fsck
term_clean "$TMP/out" "fsck"

done_ok
