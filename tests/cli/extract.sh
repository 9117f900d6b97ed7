#!/bin/sh
# attache extract (issue 18): the seed article's events with the dates the
# examples use, the development set scored (F1 0.91 on 2026-12-07; a
# floor of 0.86 against regressions, the targets being for a held-out
# set), standard input, and the command line's errors.
. "$(dirname "$0")/lib.sh"
DATA=${ATT_SHARED_DATA:-$SRC/../shared/data}
SEED=$DATA/../seed/cambodia-japan-article.txt
[ -f "$SEED" ] || missing "the seed article ($SEED)"
[ -d "$DATA/press-releases/texts" ] || missing "the development set ($DATA/press-releases)"

# line KIND WHEN [STATUS]: a proposal of $TMP/out with that kind and date
line() {
  grep -F "\"kind\":\"$1\"" "$TMP/out" | grep -F "\"when\":\"$2\"" |
    { if [ -n "${3:-}" ]; then grep -F "\"status\":\"$3\""; else cat; fi; } >"$TMP/line" ||
    fail "no $1 dated $2${3:+ ($3)} among the proposals"
}
ok extract --json --published 2023-12-18 "$SEED"
line meeting 2023-12-17 held
grep -qF '"actors":["KHM","JPN"' "$TMP/line" || fail "the ministers' meeting: Cambodia and Japan"
line talks 2023-11 held
line meeting 2024 planned
line meeting "2024-01~/2024-04~" planned
line policy 2024/2028 draft
line anniversary 2023
line deployment 1993 held
# the same from standard input, as a readable list
RC=0
${ATT_WRAP:-} "$ATT" --store "$STORE" extract --published 2023-12-18 - <"$SEED" >"$TMP/out" 2>"$TMP/err" || RC=$?
[ "$RC" = 0 ] || fail "extract -: exit status $RC"
out_has 'meeting, held, 2023-12-17, KHM JPN'
out_has 'because "meeting", dated by "December 17"'

# Against a store that holds the examples: each proposal already known.
ok init
ok import "$SRC/examples/cambodia-japan/events.jsonl"
ok extract --published 2023-12-18 "$SEED"
out_has "already known: event 1, Cambodian and Japanese foreign ministers meet (2023-12-17)"
out_has "already known: event 6, Japan's country assistance policy for Cambodia, 2024-2028 (2024/2028)"
n=$(grep -c "already known" "$TMP/out")
[ "$n" -ge 8 ] || fail "only $n proposals of the seed article known in a store of its examples"

# The development set: every text, scored against its gold events.
mkdir -p "$TMP/prop"
for f in "$DATA"/press-releases/texts/*.txt; do
  ok extract --json "$f"
  cp "$TMP/out" "$TMP/prop/$(basename "$f" .txt).jsonl"
done
RC=0
ATTACHE=$ATT sh "$SRC/tests/extract/score.sh" --json "$DATA/press-releases/gold" "$TMP/prop" >"$TMP/out" 2>"$TMP/err" || RC=$?
[ "$RC" = 0 ] || fail "score.sh: exit status $RC"
f1=$(tail -n 1 "$TMP/out" | sed -n 's/.*"f1":\([0-9.]*\).*/\1/p')
awk -v f="$f1" 'BEGIN { exit !(f >= 0.86) }' || fail "development set: F1 $f1, below the floor of 0.86"
echo "# development set: $(tail -n 1 "$TMP/out")"

# --review: answers on standard input; the accepted proposals added in
# one batch with their source and sentence, an offered update made.
review() { # ANSWERS ARGS...: the review, its output in $TMP/out
  a=$1
  shift
  RC=0
  printf "$a" | ${ATT_WRAP:-} "$ATT" --store "$STORE" extract --review "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
  NCHECKS=$((NCHECKS + 1))
  [ "$RC" = 0 ] || fail "extract --review $*: exit status $RC"
}
T01=$DATA/press-releases/texts/01.txt
rm -rf "$STORE"
ok init
# 1st accepted, 2nd skipped, 3rd edited then accepted, then stop
review 'a\ns\ne when=2018-10-15\ne actors=Japan, Cambodia\ne title=Hun Sen visits Japan\na\nq\n' "$T01"
out_has "added 2 events (1, 2)"
ok get 2 --json
out_has '"title":"Hun Sen visits Japan"'
out_has '"when":"2018-10-15"'
out_has '"actors":["JPN","KHM"]'
out_has '"publisher":"Ministry of Foreign Affairs of Japan"'
out_has '"url":"https://www.mofa.go.jp/s_sa/sea1/kh/page4e_000903.html"'
out_has '"notes":"From the text: '
ok list --json
[ "$(grep -c . "$TMP/out")" = 2 ] || fail "the review added other events than the two accepted"
# a wrong edit is named and asked again; the end of the answers stops
review 'e when=someday soonish\ne colour=blue\n' "$T01"
out_has 'cannot read the date "someday soonish"'
out_has "colour: not a field to edit"
out_has "nothing added"
# the same text again: its first proposal is known; A accepts the rest
review 's\nA\n' "$T01"
out_has "already known: event 1"
n=$(sed -n 's/^added \([0-9]*\) events.*/\1/p' "$TMP/out")
[ -n "$n" ] && [ "$n" -ge 5 ] || fail "A: the rest accepted (added '$n')"
# an update offered by a more precise text is made with u
rm -rf "$STORE"
ok init
ok add --title "CDC meeting" --kind meeting --status planned --when "early 2024" --actor KHM --actor JPN
printf 'Published: 2023-12-18\n\nCambodia and Japan will hold a meeting in Phnom Penh on 15 February 2024.\n' >"$TMP/precise.txt"
review 'u\n' "$TMP/precise.txt"
out_has "the text is more precise: when 2024-02-15"
out_has "added 0 events, updated 1"
ok get 1 --json
out_has '"when":"2024-02-15"'
# an undated proposal asks for a date before it is accepted
printf 'Published: 2023-12-18\n\nJapan and Cambodia signed an agreement.\n' >"$TMP/undated.txt"
review 'a\nu\ne when=1 December 2023\na\n' "$TMP/undated.txt"
out_has "the text gives it no date: e when=... first"
out_has "nothing to update: not a known event"
out_has "added 1 event (2)"
ok get 2 --json
out_has '"when":"2023-12-01"'
# an edit the store would refuse is refused when typed, the proposal left
# as it was and the answers going on (before: the whole review lost, with
# a traceback, at the final batch)
review 'e kind=meting\ne kind=!\ne kind=Big Summit!\ne title=\ne status=Held!\na\n' "$TMP/precise.txt"
out_has 'kind "meting" is not one this store knows; did you mean "meeting"?'
out_has 'event field "kind": "Big Summit" is not accepted'
out_has "title cannot be empty"
out_has "kind cannot be empty"
out_has 'event field "status"'
out_has "added 1 event (3)"
ok get 3 --json
out_has '"kind":"meeting"'
# without a store, the review stops before the first question
RC=0
${ATT_WRAP:-} "$ATT" --store "$TMP/nostore" extract --review "$T01" </dev/null >"$TMP/out" 2>"$TMP/err" || RC=$?
[ "$RC" = 1 ] || fail "extract --review without a store: exit status $RC, expected 1"
err_has "--review adds the accepted events to a store: no store at $TMP/nostore"
out_lacks "[a]ccept"
expect_rc 2 extract --review - <"$SEED"
err_has "--review reads its answers from standard input"
expect_rc 2 extract --review --json "$SEED"
err_has "choose one"

# Organisations of the store's registry, by name or by an acronym that
# names itself; a country's two-letter code is not read into "The PM".
ok actor add CDC "Council for the Development of Cambodia"
printf 'Published: 2023-12-18\n\nCambodia and Japan will hold a meeting at the Council for the Development of Cambodia in early 2024. The CDC and Japan held talks on 6 February 2023. The PM Dialogue was held on 7 February 2023.\n' >"$TMP/cdc.txt"
ok extract "$TMP/cdc.txt"
out_has "meeting, planned, 2024-01~/2024-04~, CDC KHM JPN"
out_has "talks, held, 2023-02-06, CDC JPN"
out_lacks "SPM"

# A desk's rules: a file that extends the shipped tables.
cat >"$TMP/desk.lua" <<'LUA'
local base = require "attache.extract.rules"
local triggers = {{kind = "visit", pat = "%f[%a]state visit%f[%A]", status = "planned"}}
for _, t in ipairs(base.triggers) do triggers[#triggers + 1] = t end
return {triggers = triggers, places = setmetatable({["Siem Reap"] = "KHM"}, {__index = base.places})}
LUA
printf 'Published: 2024-01-10\n\nJapan and Cambodia held talks in Siem Reap on January 9. The King will pay a state visit to Japan in May.\n' >"$TMP/desk.txt"
ok extract --rules "$TMP/desk.lua" "$TMP/desk.txt"
out_has "talks, held, 2024-01-09, JPN KHM, in Siem Reap"
out_has "visit, planned, 2024-05"
ok extract "$TMP/desk.txt"
out_lacks "JPN KHM, in Siem Reap"
printf 'return 42\n' >"$TMP/bad.lua"
expect_rc 1 extract --rules "$TMP/bad.lua" "$TMP/desk.txt"
err_has "returned a number; a rules file returns a table"
printf 'return {\n' >"$TMP/broken.lua"
expect_rc 1 extract --rules "$TMP/broken.lua" "$TMP/desk.txt"
err_has "broken.lua:"
expect_rc 1 extract --rules "$TMP/none.lua" "$TMP/desk.txt"
err_has "none.lua"
printf 'return {triggers = {{kind = "meeting", pat = "%%f[%%a"}}}\n' >"$TMP/badpat.lua"
expect_rc 1 extract --rules "$TMP/badpat.lua" "$TMP/desk.txt"
err_has "attache: extract: --rules $TMP/badpat.lua: rules.triggers[1].pat: malformed pattern (missing ']')"
out_lacks "1."
# docs/extract.md's worked example: the Joint Committee taught as a
# meeting with its name (examples/extract/).
EX=$SRC/examples/extract
ok extract "$EX/joint-committee.txt"
out_has "meeting, held, 2024-03-04"
out_lacks "2025"
ok extract --json --rules "$EX/joint-committee.lua" "$EX/joint-committee.txt"
line meeting 2024-03-04 held
grep -qF '"title":"Japan-Cambodia Joint Committee"' "$TMP/line" || fail "the co-chaired meeting keeps the rule's title"
line meeting "2025-01~/2025-04~" planned
grep -qF '"where":"Tokyo"' "$TMP/line" || fail "the next Joint Committee: in Tokyo"
[ "$(grep -c '"kind":"meeting"' "$TMP/out")" = 2 ] || fail "the worked example: two meetings"

# examples/extract/import.lua: a folder of releases imported by a script
# (dated proposals with two actors; a text's in one batch); run again, it
# adds nothing: each is known.
rm -rf "$STORE"
ok init
ok run "$EX/import.lua" "$DATA"/press-releases/texts/*.txt
n=$(sed -n 's/^7 texts: \([0-9]*\) events added.*/\1/p' "$TMP/out")
[ -n "$n" ] && [ "$n" -ge 20 ] || fail "import.lua: the development set's events added ('$n')"
ok list --json
[ "$(grep -c . "$TMP/out")" = "$n" ] || fail "import.lua: the store holds other than the $n events added"
ok run "$EX/import.lua" "$DATA"/press-releases/texts/*.txt
out_has "7 texts: 0 events added, "
expect_rc 2 run "$EX/import.lua"
err_has "usage: attache run import.lua FILE..."

# The user's own rules: ~/.config/attache/extract/rules.lua (or under
# $XDG_CONFIG_HOME), used when --rules names none; --rules replaces it.
mkdir -p "$HOME/.config/attache/extract" "$TMP/xdg/attache/extract"
cp "$TMP/desk.lua" "$HOME/.config/attache/extract/rules.lua"
ok extract "$TMP/desk.txt"
out_has "talks, held, 2024-01-09, JPN KHM, in Siem Reap"
printf 'return {places = {}}\n' >"$TMP/noplaces.lua"
ok extract --rules "$TMP/noplaces.lua" "$TMP/desk.txt"
out_lacks "JPN KHM, in Siem Reap"
cp "$TMP/noplaces.lua" "$TMP/xdg/attache/extract/rules.lua"
RC=0
XDG_CONFIG_HOME=$TMP/xdg ${ATT_WRAP:-} "$ATT" --store "$STORE" extract "$TMP/desk.txt" >"$TMP/out" 2>"$TMP/err" || RC=$?
[ "$RC" = 0 ] || fail "extract with XDG_CONFIG_HOME: exit status $RC"
out_lacks "JPN KHM, in Siem Reap"
cp "$TMP/bad.lua" "$HOME/.config/attache/extract/rules.lua"
expect_rc 1 extract "$TMP/desk.txt"
err_has "the user's rules $HOME/.config/attache/extract/rules.lua: returned a number"
rm "$HOME/.config/attache/extract/rules.lua"

# Errors: named, nothing else printed.
expect_rc 2 extract
err_has "which text?"
expect_rc 2 extract --frobnicate "$SEED"
err_has "--frobnicate: unknown option"
expect_rc 2 extract "$SEED" "$SEED"
err_has "one text at a time"
expect_rc 1 extract "$TMP/none.txt"
err_has "none.txt"
expect_rc 1 extract --published "someday soon" "$SEED"
err_has "--published someday soon: cannot read the date"
printf 'a\377b\n' >"$TMP/bad.txt"
expect_rc 1 extract "$TMP/bad.txt"
err_has "not UTF-8"
ok help extract
out_has "usage: attache [--store DIR] extract FILE|- [--published DATE] [--rules FILE] [--json | --review]"
# A Published: line that is no date: the file and the line named, no
# traceback, nothing proposed.
printf 'Published: 2023-02-30\n\nThe two foreign ministers met in Tokyo on December 17.\n' >"$TMP/badpub.txt"
expect_rc 1 extract "$TMP/badpub.txt"
err_has "badpub.txt: the text's Published: line: "
err_has "2023-02-30"
if grep -q "stack traceback\|extract: extract:" "$TMP/err"; then fail "extract: $(cat "$TMP/err")"; fi
# A control character after the last full stop: still a sentence, not a
# headline (it proposed nothing, exit 0).
printf 'The foreign ministers of Japan and Cambodia met in Tokyo on 17 December 2023.\001\n' >"$TMP/ctl.txt"
ok extract "$TMP/ctl.txt" --json
out_has '"when":"2023-12-17"'
# --store after the command, as every command takes it (it was refused
# as an unknown option of the script).
RC=0
"$ATT" extract "$TMP/ctl.txt" --store "$STORE" --json >"$TMP/out" 2>"$TMP/err" || RC=$?
[ "$RC" = 0 ] || fail "extract FILE --store DIR: exit $RC: $(cat "$TMP/err")"
out_has '"when":"2023-12-17"'
RC=0
"$ATT" --store "$STORE" extract "$TMP/ctl.txt" --store "$STORE" >"$TMP/out" 2>"$TMP/err" || RC=$?
[ "$RC" = 2 ] || fail "extract with --store twice: exit $RC"
err_has "--store given twice"

# A proposal with no actor found is titled by its kind alone ("Meeting",
# not "Meeting: ", which was stored so)
printf 'Published: 2024-01-05\n\nThe ministers met in Tokyo on 3 January 2024.\n' >"$TMP/noact.txt"
ok extract --json "$TMP/noact.txt"
out_has '"title":"Meeting"'

# Text from the release reaches the terminal escaped (an ESC sequence in
# a sentence was printed raw), and a NUL byte in a sentence is no
# traceback: the proposal is added, its notes holding U+FFFD there.
printf 'Published: 2024-01-05\n\nJapan and Cambodia met in Tokyo on 3 January 2024 \033[31mred\033[0m and \000 here.\n' >"$TMP/esc.txt"
ok extract "$TMP/esc.txt"
out_has 'red\x1b[0m and \x00 here.'
term_clean "$TMP/out" "extract's proposals"
printf 'a\n' >"$TMP/answers"
rm -rf "$STORE"
new_store
ok extract --review "$TMP/esc.txt" <"$TMP/answers"
out_has "added 1 event"
if grep -q "traceback" "$TMP/err"; then fail "extract --review: $(cat "$TMP/err")"; fi
ok list --json --text "Tokyo"
python3 -c 'import json,sys; n=json.loads(open(sys.argv[1]).read())["notes"]; sys.exit(not n.endswith("\ufffd[31mred\ufffd[0m and \ufffd here."))' "$TMP/out" ||
  fail "the ESC and NUL of the sentence are not U+FFFD in the notes: $(cat "$TMP/out")"
done_ok
