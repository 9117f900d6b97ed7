#!/bin/sh
# list, get and export for people (issue 14): list --columns shows any
# field (actors and place too) and refuses an unknown one with the list of
# columns; --sort title follows the user's collation (LC_COLLATE); get
# indents every further line of a multi-line note under its value; export
# takes the filters of list.
. "$(dirname "$0")/lib.sh"

export TZ=UTC
unset LC_ALL LC_COLLATE LANG
new_store
ok add --title "apple talks" --when 2024-03-01 --kind talks --status planned \
  --actor KHM --actor JPN --where "Phnom Penh" --tag trade
ok add --title "Banana summit" --when 2024-04-01 --kind meeting --status held \
  --actor JPN --where Tokyo --notes "$(printf 'first line\nsecond line\n\tthird, tabbed\n')"
ok add --title "Éclair visit" --when 2024-05-01 --kind visit --status confirmed --actor KHM
ok add --title "cherry call" --when 2023-06-01 --kind call --status held

# -- --columns: any field, in the order given, with headers
ok list --columns when,kind,status,actors,where,title
head -n 1 "$TMP/out" | grep -q "^WHEN  *KIND  *STATUS  *ACTORS  *WHERE  *TITLE$" ||
  fail "header: $(head -n 1 "$TMP/out")"
out_has "KHM, JPN"
out_has "Phnom Penh"
grep "Banana summit" "$TMP/out" | grep -q "Tokyo" || fail "place of Banana summit"
grep "cherry call" "$TMP/out" | grep -q " -  " || fail "an empty cell shows -"
ok list --columns title,tags,id,notes,source.url,rev
head -n 1 "$TMP/out" | grep -q "^TITLE  *TAGS  *ID  *NOTES  *SOURCE.URL  *REV$" ||
  fail "header: $(head -n 1 "$TMP/out")"
grep "apple talks" "$TMP/out" | grep -q "trade" || fail "tags column"
# a note's line breaks are escaped in a cell: one line per event
out_lines 5
out_has 'first line\nsecond line'
ok list --columns place,actor,title
out_has "WHERE"
# -- unknown and empty columns: exit 2, the valid ones listed
expect_rc 2 list --columns when,bogus
err_has "unknown column 'bogus'"
err_has "actors"
err_has "where"
err_has "source.url"
[ ! -s "$TMP/out" ] || fail "a table was printed for a bad --columns"
expect_rc 2 list --columns ""
expect_rc 2 list --columns when,,title
expect_rc 2 list --columns when --json

# -- --sort title: byte order in the C locale, the user's collation in theirs
LC_ALL=C "$ATT" --store "$STORE" list --sort title --columns title >"$TMP/c" ||
  fail "list --sort title in C"
printf 'TITLE\nBanana summit\napple talks\ncherry call\nÉclair visit\n' >"$TMP/want"
cmp -s "$TMP/c" "$TMP/want" || fail "C order: $(cat "$TMP/c")"
mkdir -p "$TMP/loc"
if command -v localedef >/dev/null 2>&1 &&
  localedef -i en_US -f UTF-8 "$TMP/loc/en_US.UTF-8" >/dev/null 2>&1 ||
  [ -d "$TMP/loc/en_US.UTF-8" ]; then
  LOCPATH=$TMP/loc LC_ALL=en_US.UTF-8 "$ATT" --store "$STORE" list --sort title \
    --columns title >"$TMP/en" || fail "list --sort title in en_US.UTF-8"
  printf 'TITLE\napple talks\nBanana summit\ncherry call\nÉclair visit\n' >"$TMP/want"
  cmp -s "$TMP/en" "$TMP/want" || fail "en_US order: $(cat "$TMP/en")"
  LOCPATH=$TMP/loc LC_ALL=en_US.UTF-8 "$ATT" --store "$STORE" list --sort -title \
    --columns title >"$TMP/en" || fail "list --sort -title"
  printf 'TITLE\nÉclair visit\ncherry call\nBanana summit\napple talks\n' >"$TMP/want"
  cmp -s "$TMP/en" "$TMP/want" || fail "en_US descending: $(cat "$TMP/en")"
  # JSON output too, and at.query in scripts stays bytewise (reproducible)
  LOCPATH=$TMP/loc LC_ALL=en_US.UTF-8 "$ATT" --store "$STORE" list --sort title --json |
    head -n 1 | grep -q '"apple talks"' || fail "--json in collation order"
else
  echo "note: no localedef or en_US source; collation checked in C only"
fi

# -- get: a multi-line note, each further line under the value
ok get 2
grep -q "^notes      first line$" "$TMP/out" || fail "get: first line of notes"
grep -q "^           second line$" "$TMP/out" || fail "get: second line of notes"
grep -q "^           	third, tabbed$" "$TMP/out" || fail "get: tabbed line of notes"
ok update 2 "notes=$(printf 'a\r\nb')"
ok get 2
grep -q '^notes      a\\r$' "$TMP/out" || fail "get: a CR is shown escaped"
grep -q "^           b$" "$TMP/out" || fail "get: line after CRLF"

# -- export takes the filters of list
ok export --actor JPN
out_lines 2
out_has "apple talks"
out_has "Banana summit"
ok export --kind visit --format csv
out_lines 2
out_has "visit"
ok export --from 2024-04 --to 2024-12
out_lines 2
ok export --status held --tag trade
out_lines 0
ok export --text summit
out_lines 1
ok export --where 'ev.kind == "call"' --format json
out_has "cherry call"
ok export --from 2024 --format ics
n=$(grep -c "BEGIN:VEVENT" "$TMP/out")
[ "$n" = 3 ] || fail "ics export with --from 2024: $n events"
expect_rc 2 export --from 2025 --to 2024
expect_rc 2 export --sort title
done_ok
