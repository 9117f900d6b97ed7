#!/bin/sh
# attache add: friendly dates echoed as EDTF, JSON input, and failures that
# leave the store unchanged.
. "$(dirname "$0")/lib.sh"

new_store
ok add --title "CDC meeting" --when "early 2024"
out_has 'added 1 "CDC meeting" when early 2024 [2024-01~/2024-04~]'

ok add --title "Country assistance policy" --kind policy --when "2024-28"
out_has 'when 2024-2028 [2024/2028] (from "2024-28")'
ok get 2 --json
out_has '"when":"2024/2028"'

ok add --title "Ministers meet" --kind meeting --status held --when 2023-12-17 \
  --actor KHM --actor JPN --tag politics --tag defence \
  --person "Sok Chenda Sophea|Minister of Foreign Affairs|KHM" \
  --person "Kamikawa Yoko||JPN" --where "Tokyo" --notes "first notes" \
  --key fm-meeting --source-title "Report" --publisher "A paper" \
  --published 2023-12-18 --source-url https://example.org/a \
  --link related=1 --field budget=12 --field lead=JICA --print-json
json_lines
out_has '"key":"fm-meeting"'
out_has '"actors":["KHM","JPN"]'
out_has '"tags":["politics","defence"]'
out_has '"name":"Kamikawa Yoko"'
out_has '"published":"2023-12-18"'
out_has '"budget":12'
out_has '"lead":"JICA"'
out_has '"rel":"related"'

# JSON on the command line and on stdin.
ok add --json '{"title":"Press release","kind":"statement","when":"2023-12-18"}'
out_has 'added 4 "Press release" when 18 Dec 2023 [2023-12-18]'
RC=0
printf '%s\n' '{"title":"From stdin","when":"2023-11"}' |
  ${ATT_WRAP:-} "$ATT" --store "$STORE" add - >"$TMP/out" 2>"$TMP/err" || RC=$?
[ "$RC" = 0 ] || fail "add - exited $RC"
out_has 'added 5 "From stdin"'

# Failures change nothing.
ok export
cp "$TMP/out" "$TMP/before"
expect_rc 1 add --title "Bad date" --when "sometime soonish"
err_has 'sometime soonish'
err_has '2024'            # the message shows accepted forms
expect_rc 1 add --title "Dup key" --when 2024 --key fm-meeting
expect_rc 1 add --when 2024
expect_rc 1 add --json '{"title":"x","when":"2024","colour":"red"}'
err_has 'colour'
expect_rc 1 add --json '{"title":"x","when":"early 2024"}'
expect_rc 1 add --json 'not json'
ok export
cmp -s "$TMP/before" "$TMP/out" || fail "a failed add changed the store"
done_ok
