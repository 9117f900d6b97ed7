#!/bin/sh
# The importers of examples/importers/ on real data ($ATT_SHARED_DATA, read
# in place, never copied): ICEWS and GDELT into fresh stores, the counts
# they report, a reason for every skipped row, the CAMEO mapping and ISO
# codes on sample rows, re-imports that add nothing, an update when a row's
# event was changed in the store, and a broken file that leaves the store
# as it was.
. "$(dirname "$0")/lib.sh"

DATA=${ATT_SHARED_DATA:-$SRC/../shared/data}
ICEWS=$DATA/icews-2018-sample.tab
GDELT=$DATA/gdelt2-20191024143000.export.csv
IMP=$SRC/examples/importers
ISO=/usr/share/iso-codes
[ -r "$ICEWS" ] && [ -r "$GDELT" ] ||
  missing "the ICEWS and GDELT sample data in $DATA" "set ATT_SHARED_DATA to the folder that has them"
[ -r "$ISO/json/iso_3166-1.json" ] || missing "iso-codes ($ISO)" "'make deps' installs it: apt-get install iso-codes"
mkdir "$TMP/work" && cd "$TMP/work" || fail "cd"

icews() { run run --read "$DATA" --read "$ISO" "$IMP/icews.lua" "$@"; }
gdelt() { run run --read "$DATA" --read "$ISO" "$IMP/gdelt.lua" "$@"; }
count() { run export; wc -l <"$TMP/out" | tr -d ' '; }

# The skip lines add up to the skipped count of the summary line.
skips_add_up() {
  total=$(sed -n '1s/.* \([0-9]*\) skipped$/\1/p' "$TMP/out")
  sum=$(sed -n 's/^  skipped \([0-9]*\): .*/\1/p' "$TMP/out" | awk '{s += $1} END {print s + 0}')
  [ -n "$total" ] && [ "$total" = "$sum" ] || fail "$total skipped, but the reasons count $sum"
}

# ---- ICEWS ----------------------------------------------------------------
new_store
icews "$ICEWS"
[ "$RC" = 0 ] || fail "icews import: exit status $RC"
out_has "icews-2018-sample.tab: 3705 rows read, 1303 added, 0 updated, 0 unchanged, 2402 skipped"
out_has '  skipped 2402: CAMEO code not tracked (only 036, 040-046, 057'
out_has "    icews-2018-sample.tab:4 (014)"
out_lacks "note: country names"
skips_add_up
[ "$(count)" = 1303 ] || fail "the store holds $(count) events, not 1303"

# The mapping, on rows of the file.
ok get icews-32889836 --json
out_has '"kind":"meeting","status":"held","when":"2018-06-01"'
out_has '"actors":["BGD","VNM"]'
out_has '"publisher":"Vietnam News Agency Bulletin"'
out_has '"cameo":"040"'
out_has '"goldstein":1'
ok list --kind meeting --status planned --json
n036=$(wc -l <"$TMP/out" | tr -d ' ')
[ "$n036" = 295 ] || fail "$n036 planned meetings (036), expected 295"
ok list --kind agreement --status signed --json
[ "$(wc -l <"$TMP/out" | tr -d ' ')" = 57 ] || fail "057 should give 57 signed agreements"
ok list --kind visit --json
[ "$(wc -l <"$TMP/out" | tr -d ' ')" = 297 ] || fail "042 and 043 should give 297 visits"
ok list --kind call --json
[ "$(wc -l <"$TMP/out" | tr -d ' ')" = 18 ] || fail "041 should give 18 calls"
ok list --actor JPN --kind visit --json
[ -s "$TMP/out" ] || fail "no visit with Japan (JPN)"

# Re-import: nothing added, nothing changed.
icews "$ICEWS"
out_has "3705 rows read, 0 added, 0 updated, 1303 unchanged, 2402 skipped"
[ "$(count)" = 1303 ] || fail "a re-import changed the number of events"

# A row's event changed in the store is put back by the next import.
ok update icews-32889836 'title=Edited by hand' status=cancelled
icews "$ICEWS"
out_has "3705 rows read, 0 added, 1 updated, 1302 unchanged, 2402 skipped"
ok get icews-32889836 --json
out_has '"status":"held"'
out_lacks 'Edited by hand'

# --all keeps every code, as kind "other".
icews "$ICEWS" --all
out_has "3705 rows read, 2402 added, 0 updated, 1303 unchanged, 0 skipped"
ok get icews-32891290 --json
out_has '"kind":"other"'
out_has '"cameo":"014"'

# ---- GDELT ----------------------------------------------------------------
rm -rf "$STORE"
new_store
gdelt "$GDELT"
[ "$RC" = 0 ] || fail "gdelt import: exit status $RC"
out_has "gdelt2-20191024143000.export.csv: 2111 rows read, 615 added, 0 updated, 0 unchanged, 1496 skipped"
out_has "  skipped 1496: CAMEO code not tracked"
out_has "    gdelt2-20191024143000.export.csv:1 (139)"
out_has "note: CAMEO country codes that are not countries (kept in fields only) in 37 rows: AFR (15), EUR (21), SAF (1)"
skips_add_up
[ "$(count)" = 615 ] || fail "the store holds $(count) events, not 615"
ok get gdelt-881990834 --json
out_has '"title":"unnamed actor signs a formal agreement with THE EU","kind":"agreement","status":"signed","when":"2018-10-24"'
out_has '"url":"https://belsat.eu/en/news/10-years-of-belarus-participating-in-eastern-partnership-what-is-to-come/","publisher":"belsat.eu","published":"2019-10-24"'
out_has '"actor2_country":"EUR"'
ok list --actor USA --kind visit --json
[ -s "$TMP/out" ] || fail "no visit with the United States"
gdelt "$GDELT"
out_has "2111 rows read, 0 added, 0 updated, 615 unchanged, 1496 skipped"
[ "$(count)" = 615 ] || fail "a GDELT re-import changed the number of events"

# ---- skip reasons and errors on small files written here -------------------
rm -rf "$STORE"
new_store
H='Event ID	Event Date	Source Name	Source Sectors	Source Country	Event Text	CAMEO Code	Intensity	Target Name	Target Sectors	Target Country	Story ID	Sentence Number	Publisher	City	District	Province	Country	Latitude	Longitude'
{
  printf '%s\r\n' "$H"
  printf '1\t2020-01-02\tJapan\tNA\tJapan\tMake a visit\t042\t1.9\tCambodia\tNA\tCambodia\t7\t1\tNHK\tPhnom Penh\tNA\tNA\tCambodia\t11.5\t104.9\r\n'
  printf '1\t2020-01-02\tJapan\tNA\tJapan\tMake a visit\t042\t1.9\tCambodia\tNA\tCambodia\t7\t1\tNHK\tNA\tNA\tNA\tNA\tNA\tNA\r\n'
  printf '2\tNA\tJapan\tNA\tJapan\tConsult\t040\t1\tCambodia\tNA\tCambodia\t7\t2\tNHK\tNA\tNA\tNA\tNA\tNA\tNA\r\n'
  printf '3\t2020-01-03\tJapan\tNA\tAtlantis\tConsult\t040\t1\tCambodia\tNA\tCambodia\t7\t3\tNHK\tNA\tNA\tNA\tNA\tNA\tNA\r\n'
} >"$TMP/small.tab"
run run --read "$ISO" "$IMP/icews.lua" "$TMP/small.tab"
[ "$RC" = 0 ] || fail "small import: exit status $RC"
err_has "no Goldstein table"
out_has "small.tab: 4 rows read, 2 added, 0 updated, 0 unchanged, 2 skipped"
out_has "  skipped 1: no event date (YYYY-MM-DD)"
out_has "    small.tab:4 (NA)"
out_has "  skipped 1: the same event id twice in the file"
out_has "    small.tab:3 (first at line 2)"
out_has "note: country names with no ISO 3166 code, kept as written in 1 rows: Atlantis (1)"
ok get icews-1 --json
out_has '"title":"Japan visits Cambodia","kind":"visit","status":"held","when":"2020-01-02","where":"Phnom Penh, Cambodia","actors":["JPN","KHM"]'

# A file without its header row, a column renamed, a Goldstein table that
# is not one, a --show that is no number: the import stops saying so
# (each imported nothing, or dropped fields.goldstein from every event,
# with exit 0; --show abc ended in a traceback), and nothing is written.
sed -n '2,$p' "$TMP/small.tab" >"$TMP/nohdr.tab"
run run --read "$ISO" "$IMP/icews.lua" "$TMP/nohdr.tab"
[ "$RC" = 1 ] || fail "no header: exit status $RC"
err_has "nohdr.tab:1: the header names the column \"Japan\" twice"
if grep -q "stack traceback" "$TMP/err"; then fail "no header: a traceback"; fi
sed '1s/CAMEO Code/CAMEO code/' "$TMP/small.tab" >"$TMP/renamed.tab"
run run --read "$ISO" "$IMP/icews.lua" "$TMP/renamed.tab"
[ "$RC" = 1 ] || fail "renamed column: exit status $RC"
err_has "no column \"CAMEO Code\""
printf 'code\tscore\n042\t1.9\n' >"$TMP/gold.tsv"
run run --read "$ISO" --read "$TMP" "$IMP/icews.lua" "$TMP/small.tab" --goldstein "$TMP/gold.tsv"
[ "$RC" = 1 ] || fail "a wrong Goldstein table: exit status $RC"
err_has "--goldstein $TMP/gold.tsv: not a Goldstein table"
run run --read "$ISO" "$IMP/icews.lua" "$TMP/small.tab" --show abc
[ "$RC" = 2 ] || fail "--show abc: exit status $RC"
err_has "--show abc: give a whole number"
if grep -q "stack traceback" "$TMP/err"; then fail "--show abc: a traceback"; fi
run run --read "$ISO" "$IMP/icews.lua" "$TMP/small.tab" --bogus
[ "$RC" = 2 ] || fail "--bogus: exit status $RC"
grep -q '^  --all ' "$TMP/err" || fail "the usage is printed line by line: $(cat "$TMP/err")"

# A broken file stops the import with file:line and adds nothing (one batch).
{ cat "$TMP/small.tab"; printf '9\t2020-01-09\tJapan\n'; } | sed 's/^1\t/5\t/' >"$TMP/broken.tab"
run run --read "$ISO" "$IMP/icews.lua" "$TMP/broken.tab"
[ "$RC" = 1 ] || fail "a broken file: exit status $RC, expected 1"
err_has "broken.tab:6: 3 fields, but the header has 20"
expect_rc 1 get icews-5

# Without --read for iso-codes the importer says what to do.
run run --read "$DATA" "$IMP/gdelt.lua" "$GDELT"
[ "$RC" = 1 ] || fail "without iso-codes: exit status $RC, expected 1"
err_has "pass --read /usr/share/iso-codes"
# A usage error names the options.
run run "$IMP/gdelt.lua"
[ "$RC" = 2 ] || fail "no file: exit status $RC (a wrong command line)"
err_has "usage: attache run"

done_ok
