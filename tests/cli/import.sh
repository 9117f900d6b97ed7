#!/bin/sh
# attache import: JSON array, JSON Lines and CSV, all or nothing.
. "$(dirname "$0")/lib.sh"

new_store
ok import "$EXAMPLE"
out_has 'imported 10 events'

# A JSON array.
cat >"$TMP/a.json" <<'JSON'
[
  {"title": "Array one", "when": "2025-03", "kind": "visit", "actors": ["JPN"]},
  {"title": "Array two", "when": "2025-34"}
]
JSON
ok import "$TMP/a.json"
out_has 'imported 2 events'
ok get 11 --json
out_has '"title":"Array one"'

# CSV with quotes, a doubled quote, an embedded comma and newline, CRLF
# line ends, lists separated by ';', dotted source columns.
printf '%s\r\n' \
  'title,when,kind,actors,tags,people,source.title,source.published,notes,fields.budget' \
  '"Talks, round two",2025-06,talks,KHM;JPN,politics;defence,"Sok Chenda Sophea|Minister|KHM",Report,2023-12-18,"said ""yes""' \
  'and more",12' \
  'Plain row,2025,,,,,,,,' >"$TMP/c.csv"
ok import "$TMP/c.csv"
out_has 'imported 2 events'
ok get 13 --json
json_lines
out_has '"title":"Talks, round two"'
out_has '"actors":["KHM","JPN"]'
out_has '"tags":["politics","defence"]'
out_has '"role":"Minister"'
out_has '"published":"2023-12-18"'
out_has '"budget":12'
out_has 'said \"yes\"\r\nand more'   # CRLF inside the quoted cell is kept

# --format overrides the name; '-' reads stdin.
printf '%s\n' '{"title":"Via stdin","when":"2026"}' >"$TMP/x.txt"
ok import --format jsonl "$TMP/x.txt"
RC=0
${ATT_WRAP:-} "$ATT" --store "$STORE" import - <"$TMP/x.txt" >"$TMP/out" 2>"$TMP/err" || RC=$?
[ "$RC" = 0 ] || fail "import - exited $RC"

# One bad record: nothing imported, and the error names file:line and field.
ok export
cp "$TMP/out" "$TMP/before"
printf '%s\n' '{"title":"Good","when":"2025"}' '' \
  '{"title":"Bad","when":"2025","colour":"red"}' >"$TMP/bad.jsonl"
expect_rc 1 import "$TMP/bad.jsonl"
err_has 'bad.jsonl:3'
err_has 'colour'
err_has 'nothing was imported'
printf '%s\n' '{"title":"Good","when":"2025"}' '{"title":"No date"}' >"$TMP/bad2.jsonl"
expect_rc 1 import "$TMP/bad2.jsonl"
err_has 'bad2.jsonl:2'
err_has 'when'
printf '[{"title":"Good","when":"2025"},{"title":"Bad","when":"early 2025"}]\n' >"$TMP/bad.json"
expect_rc 1 import "$TMP/bad.json"
err_has '[1]'
printf 'title,when\nGood,2025\nBad,not a date\n' >"$TMP/bad.csv"
expect_rc 1 import "$TMP/bad.csv"
err_has 'bad.csv:3'
printf 'title,when,colour\nGood,2025,red\n' >"$TMP/badcol.csv"
expect_rc 1 import "$TMP/badcol.csv"
err_has 'colour'
printf '%s\n' '{"title":"K1","when":"2025","key":"same"}' '{"title":"K2","when":"2025","key":"same"}' >"$TMP/dup.jsonl"
expect_rc 1 import "$TMP/dup.jsonl"
err_has 'same'
printf '%s\n' '{"title":"K3","when":"2025","key":"cdc-2024-policy-meeting"}' >"$TMP/dup2.jsonl"
expect_rc 1 import "$TMP/dup2.jsonl"
err_has 'cdc-2024-policy-meeting'
expect_rc 1 import "$TMP/does-not-exist.jsonl"

# A large import (4,096 records or more) is written straight into a new
# snapshot and holds no set of its keys: a key given twice is found when
# the keys are sorted at the end. The file is read again to say where the
# two records are, in each format, and nothing is imported.
awk 'BEGIN { for (i = 1; i <= 4200; i++) {
  if (i == 4001) print ""
  printf "{\"title\":\"L%d\",\"when\":\"2025\",\"key\":\"big-%d\"}\n", i, (i == 4150 ? 77 : i) } }' >"$TMP/big.jsonl"
expect_rc 1 import "$TMP/big.jsonl"
err_has 'big.jsonl:4151: key "big-77" is used by an earlier record of'
err_has 'at '"$TMP"'/big.jsonl:77 (keys are unique)'
err_has 'nothing was imported'
awk 'BEGIN { print "title,when,key"; for (i = 1; i <= 4200; i++)
  printf "L%d,2025,csv-%d\n", i, (i == 4199 ? 3 : i) }' >"$TMP/big.csv"
expect_rc 1 import "$TMP/big.csv"
err_has 'big.csv:4200: key "csv-3" is used by an earlier record of'
err_has 'at '"$TMP"'/big.csv:4 (keys are unique)'
awk 'BEGIN { printf "["; for (i = 1; i <= 4200; i++)
  printf "%s\n{\"title\":\"L%d\",\"when\":\"2025\",\"key\":\"arr-%d\"}", (i > 1 ? "," : ""), i, (i == 4100 ? 1 : i); print "]" }' >"$TMP/big.json"
expect_rc 1 import "$TMP/big.json"
err_has 'big.json: [4099]: key "arr-1" is used by an earlier record of'
err_has 'at '"$TMP"'/big.json: [0] (keys are unique)'
ok export
cmp -s "$TMP/before" "$TMP/out" || fail "a failed import changed the store"
# Nothing was left half-written: the next reader has nothing to say.
ok list --limit 1
[ ! -s "$TMP/err" ] || fail "a reader after the failed imports said: $(cat "$TMP/err")"
# Without the duplicate, the same large file goes in whole.
sed '4151s/"big-77"}$/"big-4150"}/' "$TMP/big.jsonl" >"$TMP/big2.jsonl"
ok import "$TMP/big2.jsonl"
out_has 'imported 4200 events'
done_ok
