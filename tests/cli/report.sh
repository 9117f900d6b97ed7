#!/bin/sh
# Golden files of at.report on the example store: each format (text,
# Markdown, CSV, JSON), with grouping, a title and truncation, compared
# byte for byte with tests/golden/report-*.  The reports are written by
# at.report.write into the script's output directory, as a desk officer's
# script would.  After a deliberate change, regenerate the files with
#   ATT_UPDATE_GOLDEN=1 sh tests/cli/report.sh build/attache
. "$(dirname "$0")/lib.sh"

GOLDEN=$SRC/tests/golden
example_store
cat >"$TMP/golden.lua" <<'EOF'
local at = require "attache"
local r = at.report
local out = ...
local all = at.query{}
local function put(name, text) assert(r.write(text, out .. "/" .. name)) end
put("report-table.txt", r.text(all))
put("report-by-month.txt", r.text(all, {title = "Cambodia-Japan: events by month",
  group = "month", columns = {"id", "when", "status", "title", "where"}, max = {title = 44}}))
put("report-by-status.md", r.markdown(r.sort(all, "title"), {title = "Events by status",
  group = "status", columns = {"when", "kind", {name = "title", max = 50}, "actors"}}))
put("report-events.csv", r.csv(all))
put("report-events.json", r.json(all))
put("report-by-actor.json", r.json(at.query{kind = "meeting"}, {group = "actor",
  columns = {"id", "title", "start", "end"}}))
EOF
mkdir -p "$TMP/rep"
ok run --out "$TMP/rep" "$TMP/golden.lua" "$TMP/rep"
[ ! -s "$TMP/err" ] || fail "the report script wrote to stderr"
n=0
for f in "$TMP"/rep/report-*; do
  name=$(basename "$f")
  n=$((n + 1))
  if [ "${ATT_UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$f" "$GOLDEN/$name"
    echo "updated $GOLDEN/$name"
  elif ! cmp -s "$GOLDEN/$name" "$f"; then
    diff "$GOLDEN/$name" "$f" >&2 || true
    fail "$name differs from tests/golden/$name (diff above: < expected, > got)"
  fi
done
[ "$n" = 6 ] || fail "expected 6 reports, got $n"
for g in "$GOLDEN"/report-*; do
  [ -f "$TMP/rep/$(basename "$g")" ] || fail "$(basename "$g") is no longer written"
done

# The CSV and JSON read back with Python's own readers.
if command -v python3 >/dev/null 2>&1; then
  python3 - "$TMP/rep/report-events.csv" "$TMP/rep/report-events.json" <<'PY' ||
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
assert len(rows) == 11 and rows[0][0] == "id", rows[0]
assert all(len(r) == len(rows[0]) for r in rows)
assert any(r[2] == "First general election, administered by UNTAC" for r in rows)
evs = json.load(open(sys.argv[2], encoding="utf-8"))
assert len(evs) == 10 and evs[0]["actors"] == ["KHM", "JPN", "UN"], evs[0]
PY
    fail "CSV or JSON does not read back"
fi

# report.write refuses a file outside the directories the script may write.
cat >"$TMP/outside.lua" <<'EOF'
local at = require "attache"
print(at.report.write("x", "/etc/attache-report.txt"))
EOF
ok run "$TMP/outside.lua"
out_has "nil"
out_has "not allowed"
done_ok
