#!/bin/sh
# export, import into a fresh store, export again: the same events (ids,
# revisions and timestamps aside), in every export format.
. "$(dirname "$0")/lib.sh"
need python3

example_store
ok add --title 'Quotes "and", commas; semis | bars \ slashes' --when 2025-Q1 \
  --person 'A\|B|role; with semicolon|KHM' --tag 'x;y' --notes "two
lines" --field 'nested={"a":[1,2]}'
ok export
cp "$TMP/out" "$TMP/orig.jsonl"
json_lines "$TMP/orig.jsonl"
strip_export "$TMP/orig.jsonl" >"$TMP/orig.norm"

for fmt in jsonl json csv; do
  ok export --format "$fmt" -o "$TMP/dump.$fmt"
  [ -s "$TMP/dump.$fmt" ] || fail "export -o wrote nothing ($fmt)"
  STORE=$TMP/store-$fmt
  ok init
  ok import "$TMP/dump.$fmt"
  ok export
  cp "$TMP/out" "$TMP/again.jsonl"
  strip_export "$TMP/again.jsonl" >"$TMP/again.norm"
  cmp -s "$TMP/orig.norm" "$TMP/again.norm" ||
    { diff "$TMP/orig.norm" "$TMP/again.norm" >&2; fail "round trip through $fmt differs"; }
  STORE=$TMP/store
done
done_ok
