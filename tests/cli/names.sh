#!/bin/sh
# Names that catch typos (docs/names.md): the store's vocabulary of kinds
# and statuses, actors as ISO 3166 codes or registered organisations, a
# did-you-mean for what is unknown, in add, update and the list filters;
# the actor registry (attache actor add/list/rm).
. "$(dirname "$0")/lib.sh"

ISO=/usr/share/iso-codes/json/iso_3166-1.json
[ -r "$ISO" ] || missing "$ISO" "apt-get install iso-codes"

count() { # the number of events in the store
  ok list --json
  n=$(wc -l <"$TMP/out" | tr -d ' ')
}

new_store

# ---- statuses and kinds ----------------------------------------------------

expect_rc 1 add --title "Talks" --when 2024-03 --status planed
err_has 'did you mean "planned"?'
err_has '--new-value'
count
[ "$n" = 0 ] || fail "a refused status stored an event"

expect_rc 1 add --title "Talks" --when 2024-03 --kind meetng
err_has 'did you mean "meeting"?'
expect_rc 1 add --title "Talks" --when 2024-03 --kind metting --status confimred
err_has '"meeting"'
# transpositions count as one edit
expect_rc 1 add --title "Talks" --when 2024-03 --status hled
err_has '"held"'
# nothing near: no guess, but the known values
expect_rc 1 add --title "Talks" --when 2024-03 --kind zzzzzzzz
err_has 'kind "zzzzzzzz"'
err_has 'meeting, visit'
count
[ "$n" = 0 ] || fail "refused kinds stored events"

# --new-value takes it, and from then on it is known
ok add --title "Signing" --when 2024-03 --kind signing --new-value
ok add --title "Signing 2" --when 2024-04 --kind signing
count
[ "$n" = 2 ] || fail "expected 2 events, got $n"

# the store's settings add words (attache config, docs/settings.md)
expect_rc 1 add --title "Summit" --when 2024-06 --kind summit
ok config --add vocab.kinds summit
ok config --add vocab.statuses tentative
ok add --title "Summit" --when 2024-06 --kind summit --status tentative
expect_rc 1 add --title "Summit" --when 2024-06 --kind sumit
err_has '"summit"'
expect_rc 1 list --status tentatve
err_has '"tentative"'
ok list --kind summit --json
out_lines 1
ok rm 3
count
[ "$n" = 2 ] || fail "expected 2 events, got $n"

# update: the same rule
expect_rc 1 update 1 status=endorsd
err_has 'did you mean "endorsed"?'
ok get 1 --json
out_lacks '"status"'
ok update 1 status=endorsed
ok update 1 status=ratified --new-value
ok update 2 status=ratified
expect_rc 1 update 2 --json '{"kind":"meetin"}'
err_has '"meeting"'

# filters: an unknown value is an error with a suggestion; a known one
# that matches nothing is an empty list
expect_rc 1 list --status planed
err_has 'did you mean "planned"?'
[ -s "$TMP/out" ] && fail "a refused filter printed events"
expect_rc 1 list --kind signng
err_has '"signing"'
ok list --kind election --json
out_lines 0
ok list --kind signing --json
out_lines 2

# ---- actors -----------------------------------------------------------------

for a in Japan jpn JP JPN japan "Japan"; do
  ok add --title "Visit $a" --when 2024-05 --actor "$a" --print-json
  out_has '"actors":["JPN"]'
done
for a in Cambodia KH khm "Kingdom of Cambodia"; do
  ok add --title "Visit $a" --when 2024-05 --actor "$a" --print-json
  out_has '"actors":["KHM"]'
done
for a in "Viet Nam" Vietnam VN "Socialist Republic of Viet Nam"; do
  ok add --title "Visit $a" --when 2024-05 --actor "$a" --print-json
  out_has '"actors":["VNM"]'
done
for a in "South Korea" "Korea, Republic of" "Republic of Korea" KOR kr; do
  ok add --title "Visit $a" --when 2024-05 --actor "$a" --print-json
  out_has '"actors":["KOR"]'
done
ok add --title "Visit" --when 2024-05 --actor "Cote d'Ivoire" --actor Türkiye --actor Russia --print-json
out_has '"actors":["CIV","TUR","RUS"]'
# the same party twice, by two of its names, is one actor
ok add --title "Visit" --when 2024-05 --actor Japan --actor JP --print-json
out_has '"actors":["JPN"]'

# JSON from --json and standard input is checked and resolved the same way
ok add --json '{"title":"Visit","when":"2024-05","actors":["Viet Nam","jp"]}' --print-json
out_has '"actors":["VNM","JPN"]'
expect_rc 1 add --json '{"title":"Visit","when":"2024-05","kind":"vist"}'
err_has '"visit"'
printf '{"title":"Visit","when":"2024-05","status":"heldd"}' >"$TMP/ev.json"
RC=0
"$ATT" --store "$STORE" add - <"$TMP/ev.json" >"$TMP/out" 2>"$TMP/err" || RC=$?
[ "$RC" = 1 ] || fail "add - with status heldd: exit $RC"
err_has '"held"'

expect_rc 1 add --title "Visit" --when 2024-05 --actor Japn
err_has 'JPN (Japan)'
expect_rc 1 add --title "Visit" --when 2024-05 --actor Cambodai
err_has 'KHM (Cambodia)'
expect_rc 1 add --title "Visit" --when 2024-05 --actor CDC
err_has 'attache actor add CDC'

# organisations: the store's registry
ok actor add CDC "Council for the Development of Cambodia" --alias "Council for the Development"
ok actor add ASEAN "Association of Southeast Asian Nations"
ok actor list
out_has CDC
out_has "Council for the Development of Cambodia"
out_has ASEAN
ok actor list --json
json_lines
out_has '"code":"CDC"'
out_has '"aliases":["Council for the Development"]'
# a second process sees what the first wrote
for a in CDC cdc "Council for the Development of Cambodia" "council for the development"; do
  ok add --title "CDC meeting" --when "early 2024" --actor "$a" --print-json
  out_has '"actors":["CDC"]'
done
expect_rc 1 add --title "Meeting" --when 2024 --actor ASEANN
err_has 'ASEAN'
# people's actors resolve too
ok add --title "Call" --when 2024-06 --person "Hun Manet|Prime Minister|Cambodia" --print-json
out_has '"actor":"KHM"'

# bad registrations change nothing
expect_rc 2 actor add
expect_rc 1 actor add "" "Nobody"
err_has 'empty'
expect_rc 1 actor add jica "Japan International Cooperation Agency"
err_has '"JICA"'
expect_rc 1 actor add JPN "Japan again"
err_has 'Japan'
expect_rc 1 actor add AU "African Union"
err_has 'Australia'
expect_rc 1 actor add CDC "Again"
err_has 'already'
expect_rc 1 actor add UNDP ""
err_has 'name'
expect_rc 1 actor add UNDP "United Nations Development Programme" --alias Japan
err_has 'Japan'
expect_rc 1 actor add UNDP "United Nations Development Programme" --alias cdc
err_has 'CDC'
ok actor list --json
out_lines 2
expect_rc 1 actor rm JICA
err_has 'JICA'

# update resolves names in actors+=, actors-= and actors=
ok add --title "Policy meeting" --when 2024 --key pm --actor KHM
ok update pm actors+=Japan,cdc --print-json
out_has '"actors":["KHM","JPN","CDC"]'
ok update pm actors-=Japan --print-json
out_has '"actors":["KHM","CDC"]'
expect_rc 1 update pm actors+=Japn
err_has 'JPN (Japan)'
ok update pm "actors=Cambodia,ASEAN" --print-json
out_has '"actors":["KHM","ASEAN"]'

# filters accept the same names
ok list --actor Japan --json
jpn=$(wc -l <"$TMP/out" | tr -d ' ')
ok list --actor JP --json
[ "$(wc -l <"$TMP/out" | tr -d ' ')" = "$jpn" ] || fail "--actor JP and --actor Japan differ"
ok list --actor jpn --json
[ "$(wc -l <"$TMP/out" | tr -d ' ')" = "$jpn" ] || fail "--actor jpn and --actor Japan differ"
[ "$jpn" -ge 7 ] || fail "--actor Japan found $jpn events"
ok list --actor "council for the development" --json
out_has '"CDC meeting"'
expect_rc 1 list --actor Japn
err_has 'JPN (Japan)'
ok list --actor Laos --json
out_lines 0
# export takes the same filters, and the same names
ok export --actor Japan
[ "$(wc -l <"$TMP/out" | tr -d ' ')" = "$jpn" ] || fail "export --actor Japan and list differ"
expect_rc 1 export --status planed
err_has 'did you mean "planned"?'
expect_rc 1 export --actor Japn
err_has 'JPN (Japan)'

# an unknown actor with --new-value is kept as typed, and known after
ok add --title "UNTAC" --when 1993 --actor UNTAC --new-value --print-json
out_has '"actors":["UNTAC"]'
ok add --title "UNTAC 2" --when 1993 --actor UNTAC
ok list --actor UNTAC --json
out_lines 2

# rm: events keep the code, which stays known as a value of the store
ok actor rm ASEAN
ok actor list --json
out_lines 1
out_lacks ASEAN
ok list --actor ASEAN --json
out_lines 1

# the registry is a file of the store that fsck knows
[ -f "$STORE/actors.json" ] || fail "no actors.json in the store"
perm=$(stat -c %a "$STORE/actors.json")
[ "$perm" = 600 ] || fail "actors.json has mode $perm"
ok fsck
SAVED=$STORE
STORE=$TMP/none
expect_rc 1 actor add UNDP "x"
err_has 'attache init'
STORE=$SAVED

# a writer killed before its rename leaves the old registry and a
# temporary file: readers ignore it, the next writer removes it
printf '{"actors": [{"code": "HALF' >"$STORE/actors.json.tmp"
chmod 600 "$STORE/actors.json.tmp"
ok actor list --json
out_lines 1
ok actor add UNDP "United Nations Development Programme"
[ -e "$STORE/actors.json.tmp" ] && fail "the stale temporary file is still there"
ok actor rm UNDP

# writers in parallel lose nothing: the store's lock orders them
pids=
for i in 1 2 3 4 5 6; do
  "$ATT" --store "$STORE" actor add "ORG$i" "Organisation $i" >/dev/null 2>"$TMP/err$i" &
  pids="$pids $!"
done
for p in $pids; do wait "$p" || fail "a parallel actor add failed: $(cat "$TMP"/err*)"; done
ok actor list --json
out_lines 7
for i in 1 2 3 4 5 6; do out_has "\"code\":\"ORG$i\""; done

# a damaged registry is an error that names the file, not an empty one
cp "$STORE/actors.json" "$TMP/actors.good"
printf '{"actors": [' >"$STORE/actors.json"
expect_rc 1 add --title "Meeting" --when 2024 --actor CDC
err_has 'actors.json'
# fsck says so too, and a salvage leaves the damaged registry behind
expect_rc 1 fsck
out_has 'actors.json" is damaged'
cp "$TMP/actors.good" "$STORE/actors.json"
chmod 600 "$STORE/actors.json"
ok fsck
# a salvage takes the registry along into the new store
ok fsck --salvage "$TMP/salvaged"
ATT_SAVED_STORE=$STORE
STORE=$TMP/salvaged
ok actor list --json
grep -q '"code":"ORG1"' "$TMP/out" || fail "the salvaged store lost the registry"
STORE=$ATT_SAVED_STORE

# without iso-codes: a clear error naming the package
ATTACHE_ISO3166=$TMP/missing.json
export ATTACHE_ISO3166
expect_rc 1 add --title "Visit" --when 2024 --actor Japan
err_has 'iso-codes'
unset ATTACHE_ISO3166

# A word offered under two names (the country and the actor events hold)
# is offered once, with its fullest label.
ok add --title "dup check" --when 2024 --actor JPN
expect_rc 1 list --actor Japn
err_has "JPN (Japan)"
if grep -q "or JPN?\|JPN, JPN\|JPN or JPN" "$TMP/err"; then fail "JPN offered twice: $(cat "$TMP/err")"; fi
done_ok
