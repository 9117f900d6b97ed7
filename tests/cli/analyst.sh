# An analyst at a terminal: the seed article's events typed into a shell in
# tmux, with the article's own phrasings ("December 17", "in November", "in
# the coming year", "early 2024", "2024-28", the 70th anniversary), then
# listed with columns and colour.  The checks read the screen tmux shows
# (its text, and its escape sequences for colour), as a person would see
# it, and then the store, as a machine would.
. "$(dirname "$0")/lib.sh"
need tmux tmux

. "$(dirname "$0")/tmux.lib"
tmux_start

# since_last WORDS: the screen (with its escapes) from the last line that
# typed WORDS on.
since_last() {
  screen -e | awk -v w="$1" 'index($0, w) { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }'
}

P="--published 2023-12-18"
type_line "attache init"
seen "created an empty store"
type_line "attache actor add CDC 'Council for the Development of Cambodia'"
type_line "attache add --title 'Foreign ministers meet' --kind meeting --status held --when 'December 17' $P --actor Cambodia --actor Japan"
seen 'when 17 Dec 2023 [2023-12-17] (from "December 17", counted from published 2023-12-18)'
type_line "attache add --title 'Senior officials talks' --kind talks --status held --when 'in November' --where Tokyo $P --actor KH --actor JP"
seen 'when November 2023 [2023-11] (from "in November", counted from published 2023-12-18)'
type_line "attache add --title 'Inter-ministerial meeting at the CDC' --kind meeting --status planned --when 'in the coming year' $P --actor KHM --actor JPN --actor CDC"
seen 'when 2024 [2024] (from "in the coming year", counted from published 2023-12-18)'
type_line "attache add --title 'Meeting to endorse the assistance policy' --kind meeting --status planned --when 'early 2024' --where 'Phnom Penh' $P --actor KHM --actor JPN --actor CDC"
seen 'when early 2024 [2024-01~/2024-04~]'
type_line "attache add --title 'Country assistance policy for Cambodia' --kind policy --status draft --when 2024-28 $P --actor Japan --actor Cambodia"
seen 'when 2024-2028 [2024/2028] (from "2024-28")'
type_line "attache add --title '70th anniversary of diplomatic relations' --kind anniversary --when '70th anniversary of 9 January 1953' --actor KHM --actor JPN"
seen 'when 9 Jan 2023 [2023-01-09] (from "70th anniversary of 9 January 1953")'
type_line "attache add --title 'Diplomatic relations established' --kind anniversary --when '9 January 1953' --recur yearly --actor KHM --actor JPN"
seen 'added 7 "Diplomatic relations established"'

# A typo is caught, and nothing is added.
type_line "attache add --title 'Typo' --kind meeting --status planed --when 2024"
seen 'did you mean "planned"'

# The list, with the columns an analyst asks for: in colour on the
# terminal, not in a pipe, not with NO_COLOR.
type_line "attache list --columns when,kind,status,actors,where,title"
seen "WHEN"
seen "ACTORS"
seen "early 2024"
seen "2024-2028"
seen "KHM, JPN, CDC"
seen "Phnom Penh"
esc=$(printf '\033[')
since_last "attache list --columns" >"$TMP/screen-e"
grep -qF "$esc" "$TMP/screen-e" || fail "no colour on the terminal"
# Piped, it has none.
type_line "attache list --columns when,status,title | cat"
since_last "attache list --columns when,status,title | cat" >"$TMP/screen-e"
grep -qF "planned" "$TMP/screen-e" || fail "the piped list is not on the screen"
if grep -qF "$esc" "$TMP/screen-e"; then fail "colour in a pipe"; fi
# NO_COLOR turns it off.
type_line "NO_COLOR=1 attache list --columns when,status,title"
seen "Foreign ministers meet"
since_last "NO_COLOR=1 attache list" >"$TMP/screen-e"
grep -qF "planned" "$TMP/screen-e" || fail "the list after NO_COLOR is not on the screen"
if grep -qF "$esc" "$TMP/screen-e"; then
  fail "colour on the screen with NO_COLOR set"
fi

# The anniversary appears in the week of 9 January, marked as an
# occurrence of its event.
type_line "attache list --from 2026-01-05 --to 2026-01-11"
seen "Diplomatic relations established"
seen "7*  9 Jan 2026"

# What the analyst typed is what the store holds.
ok list --json --no-expand
json_lines
for v in '"2023-12-17"' '"2023-11"' '"2024"' '"2024-01~/2024-04~"' '"2024/2028"' '"2023-01-09"' '"1953-01-09"'; do
  out_has "\"when\":$v"
done
out_lacks '"title":"Typo"'
echo "ok $TESTNAME: $typed commands typed, $NCHECKS checks"
