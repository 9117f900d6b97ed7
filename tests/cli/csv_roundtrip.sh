#!/bin/sh
# A guarded CSV export imports back exactly (issue 12, finding 9): export
# puts a quote in front of formula-like cells (= + - @, TAB, CR, LF after
# any quotes); import drops one leading quote from exactly those cells, so
# titles like "=x", "'=x" and "-2+3", notes starting with a tab and dates
# before year 0 survive export, import, export.  --csv-raw exports import
# back too, imported with --csv-raw (cells as written).
#
. "$(dirname "$0")/lib.sh"
need python3

new_store
ok add --title '=HYPERLINK("http://x.test","go")' --when 2024-03-12 --notes "$(printf '\t=1')"
ok add --title "'=already" --when -0500 --where '@home'
ok add --title '-2+3' --when '-0500/-0400' --tag '=t' --tag 'plain'
ok add --title "''+x" --when 2024-03-15 --notes "$(printf '\r@x')"
ok add --title "'Tis plain" --when 2024-03-16 --actor '+JPN' --new-value
ok export
strip_export "$TMP/out" >"$TMP/orig.norm"

for mode in guarded raw; do
  extra=
  [ "$mode" = raw ] && extra=--csv-raw
  ok export --format csv $extra -o "$TMP/dump.csv"
  STORE=$TMP/store-$mode
  ok init
  ok import $extra "$TMP/dump.csv"
  ok export
  strip_export "$TMP/out" >"$TMP/again.norm"
  cmp -s "$TMP/orig.norm" "$TMP/again.norm" ||
    { diff "$TMP/orig.norm" "$TMP/again.norm" >&2; fail "round trip through $mode CSV differs"; }
  STORE=$TMP/store
done
done_ok
