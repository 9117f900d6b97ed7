#!/bin/sh
# Input that cannot be kept exactly is refused, never altered (issue 11,
# finding 8): NUL bytes in strings, whatever the path (import of JSON Lines,
# JSON arrays and CSV, add and update with --json and --field); integers in
# fields beyond what a double holds exactly; malformed CSV quoting.  Every
# refusal names the input and the field, and changes nothing.
. "$(dirname "$0")/lib.sh"

nothing_stored() {
  ok export
  [ ! -s "$TMP/out" ] || fail "the store should be empty"
}

ok init

# ---- NUL -----------------------------------------------------------------
printf '%s\n' '{"title":"ok","when":"2024"}' \
  '{"title":"a","when":"2024","key":"abc\u0000xyz"}' >"$TMP/nul.jsonl"
expect_rc 1 import "$TMP/nul.jsonl"
err_has "nul.jsonl:2"
err_has "key"
err_has "NUL"
err_has "nothing was imported"
nothing_stored

printf '%s\n' '[{"title":"ok","when":"2024"},' \
  '{"title":"a","when":"2024","fields":{"n\u0000b":1}}]' >"$TMP/nul.json"
expect_rc 1 import "$TMP/nul.json"
err_has "NUL"
err_has "fields"
nothing_stored

# Raw NUL bytes inside a JSON Lines string and inside a CSV cell.
printf '{"title":"a\000b","when":"2024"}\n' >"$TMP/raw.jsonl"
expect_rc 1 import "$TMP/raw.jsonl"
err_has "raw.jsonl:1"
err_has "NUL"
nothing_stored
printf 'title,when\nok,2024\na\000b,2024\n' >"$TMP/raw.csv"
expect_rc 1 import "$TMP/raw.csv"
err_has "raw.csv:3"
err_has "NUL"
nothing_stored

# add and update.
expect_rc 1 add --json '{"title":"a\u0000b","when":"2024"}'
err_has "NUL"
expect_rc 1 add --title a --when 2024 --field 'x="a\u0000b"'
err_has "NUL"
err_has "fields.x"
nothing_stored
ok add --title a --when 2024 --key k1
expect_rc 1 update k1 --json '{"notes":"x\u0000y"}'
err_has "NUL"
err_has "notes"
expect_rc 1 update k1 'fields.x="a\u0000b"'
err_has "NUL"
ok get k1 --json
out_lacks "notes"
out_lacks "fields"

# ---- big integers in fields ----------------------------------------------
expect_rc 1 add --title big --when 2024 --field big=12345678901234567890
err_has "fields.big"
err_has "9007199254740991"
expect_rc 1 add --json '{"title":"big","when":"2024","fields":{"a":[1,{"b":-9007199254740993}]}}'
err_has "fields.a[1].b"
ok add --title edge --key edge --when 2024 --field big=123456789012345 --field neg=-123456789012345 \
  --field float=1e300 --field str='"12345678901234567890"'
ok add --title edge2 --key edge2 --when 2024 --field big=9007199254740991 \
  --field neg=-9007199254740991 --field sum=0.30000000000000004 --field third=0.3333333333333333
# Every accepted number comes back with every digit (cJSON's printer gave
# 9.00719925474099e+15 and 0.3 for these).
ok get edge2 --json
out_has '"big":9007199254740991'
out_has '"neg":-9007199254740991'
out_has '"sum":0.30000000000000004'
out_has '"third":0.3333333333333333'
ok compact
ok get edge2 --json
out_has '"big":9007199254740991'
ok export
out_has '"sum":0.30000000000000004'
ok get edge --json
out_has '"big":123456789012345'
out_has '"neg":-123456789012345'
out_has '"float":1e+300'
out_has '"str":"12345678901234567890"'
expect_rc 1 update edge --json '{"fields":{"n":90071992547409910}}'
err_has "fields.n"
expect_rc 1 update edge fields.n=90071992547409910
err_has "fields.n"
printf '%s\n' '{"title":"a","when":"2024","fields":{"id":12345678901234567890}}' >"$TMP/big.jsonl"
expect_rc 1 import "$TMP/big.jsonl"
err_has "big.jsonl:1"
err_has "fields.id"
printf 'title,when,fields.n\na,2024,12345678901234567890\n' >"$TMP/big.csv"
expect_rc 1 import "$TMP/big.csv"
err_has "big.csv:2"
err_has "fields.n"

# ---- CSV quoting ----------------------------------------------------------
printf 'title,when\n"x"y,2024\n' >"$TMP/q.csv"
expect_rc 1 import "$TMP/q.csv"
err_has "q.csv:2:4"
err_has "after a closing quote"
cat >"$TMP/q.lua" <<'LUA'
local at = require "attache"
local ok, err = pcall(function() for _ in at.csv.rows(arg[1]) do end end)
print(ok, err)
LUA
ok run "$TMP/q.lua" "$TMP/q.csv"
out_has "q.csv:2:4"
out_has "after a closing quote"

# Lua: a NUL in a value or in a name of fields, an integer past 2^53-1:
# refused with the same messages as JSON text, nothing stored.
cat >"$TMP/nul.lua" <<'LUA'
local at = require "attache"
local n0 = #at.query{}
for _, t in ipairs{
  {title = "x\0y", when = "2024"},
  {title = "x", when = "2024", fields = {["a\0b"] = 1}},
  {title = "x", when = "2024", fields = {list = {"ok", "no\0pe"}}},
  {title = "x", when = "2024", fields = {n = math.maxinteger}},
} do
  local ok, err = pcall(at.add, t)
  print(ok, err)
end
print("stored", #at.query{} - n0)
LUA
ok run "$TMP/nul.lua"
out_has "holds a NUL byte (\u0000); text may hold any character but NUL (in a name)"
out_has "fields.list[2] holds a NUL byte"
out_has "would lose digits"
out_lacks "true"
out_has "stored	0"
# ---- numbers that are not JSON ---------------------------------------------
# A leading zero, a bare point, an exponent without digits, hex: JSON
# (RFC 8259) has none of them, and cJSON read "036" as 36.  A value typed
# for a field (--field, fields.NAME=, a fields.NAME cell) that is not JSON
# is kept as the text it is; in JSON text (--json, import) it is refused,
# naming the number and the field.  Nothing is stored in between.
ok add --title cameo --key cameo --when 2018-06-01 --field cameo=036 --field neg=-007 \
  --field hex=0x1F --field exp=1e --field dot=1. --field lead=00 --field ok0=0 --field okf=0.5 \
  --field oke=-1.5e-3 --field okn=-0 --print-json
out_has '"cameo":"036"'
out_has '"neg":"-007"'
out_has '"hex":"0x1F"'
out_has '"exp":"1e"'
out_has '"dot":"1."'
out_has '"lead":"00"'
out_has '"ok0":0'
out_has '"okf":0.5'
out_has '"oke":-0.0015'
ok update cameo fields.cameo=040 fields.arr=[01] fields.obj='{"a":07}' --print-json
out_has '"cameo":"040"'
out_has '"arr":"[01]"'
out_has '"obj":"{\"a\":07}"'
printf 'title,when,fields.cameo,fields.n\nConsult,2018-06-01,036,12\n' >"$TMP/cameo.csv"
ok import "$TMP/cameo.csv"
ok export --format jsonl
out_has '"title":"Consult"'
grep '"Consult"' "$TMP/out" | grep -q '"cameo":"036","n":12' || fail "CSV cell 036 kept as text, 12 a number"
ok export --format jsonl
n0=$(wc -l <"$TMP/out")
for bad in 036 -007 1. 1e 1e+ -. 01.5 0x1F; do
  printf '{"title":"x","when":"2018","fields":{"c":%s}}\n' "$bad" >"$TMP/num.jsonl"
  expect_rc 1 import "$TMP/num.jsonl"
  err_has "num.jsonl:1"
  err_has "is not a JSON number"
  expect_rc 1 add --json "{\"title\":\"x\",\"when\":\"2018\",\"fields\":{\"c\":$bad}}"
  err_has "is not a JSON number"
done
printf '{"title":"x","when":"2018","fields":{"c":036}}\n' >"$TMP/num.jsonl"
expect_rc 1 import "$TMP/num.jsonl"
err_has '"fields.c": "036" is not a JSON number (leading zeros are not JSON; a code with leading zeros is text: write it in quotes)'
printf '[{"title":"x","when":"2018","n":1},{"title":"y","when":"2018","fields":{"c":[1,-01]}}]\n' >"$TMP/num.json"
expect_rc 1 import "$TMP/num.json"
err_has '"[1].fields.c[1]": "-01" is not a JSON number'
ok export --format jsonl
[ "$(wc -l <"$TMP/out")" = "$n0" ] || fail "a refused number stored something"
# A lone UTF-16 surrogate, and nesting past cJSON's limit: refused saying
# why (both were "not valid JSON near byte N" and nothing more).
printf '{"title":"a\\ud800b","when":"2018"}\n' >"$TMP/sur.jsonl"
expect_rc 1 import "$TMP/sur.jsonl"
err_has 'sur.jsonl:1'
err_has '\uD800 is half of a UTF-16 surrogate pair'
printf '{"title":"a\\udc00","when":"2018"}\n' >"$TMP/sur.jsonl"
expect_rc 1 import "$TMP/sur.jsonl"
err_has '\uDC00 is half of a UTF-16 surrogate pair'
printf '{"title":"smile \\ud83d\\ude00","when":"2018"}\n' >"$TMP/pair.jsonl"
ok import "$TMP/pair.jsonl"
python3 -c 'print("{\"title\":\"deep\",\"when\":\"2018\",\"fields\":{\"x\":" + "[" * 1200 + "]" * 1200 + "}}")' >"$TMP/deep.jsonl"
expect_rc 1 import "$TMP/deep.jsonl"
err_has "nested more than 1000 deep"
done_ok
