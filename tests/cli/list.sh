#!/bin/sh
# attache list on the example store: period overlap, filters, sorting, and
# the three output forms.
. "$(dirname "$0")/lib.sh"

example_store

ok list --from 2024-01-01 --to 2024-03-31
out_has 'CDC-coordinated meeting'        # early 2024
out_has 'early 2024'                     # 2024-01~/2024-04~, in words
out_has '2024-2028'                      # the 2024-28 policy
out_lacks '2024-01~/2024-04~'
ok list --from 2024-01-01 --to 2024-03-31 --edtf
out_has '2024-01~/2024-04~'
out_has '2024/2028'
out_lacks 'early 2024'
out_lacks 'foreign ministers meet'       # 17 December 2023
out_lacks '2023-12-17'

ok list
out_has 'ID'
out_has 'TITLE'
out_lines 11                             # header + 10 events

ok list --json
json_lines
out_lines 10
ok list --from 2024-01-01 --to 2024-03-31 --json
json_lines
out_has '"key":"cdc-2024-policy-meeting"'
out_lacks '"key":"khm-jpn-fm-meeting-2023-12"'

ok list --actor UNTAC --json
out_lines 2
ok list --actor KHM --actor CDC --json
out_lines 2
ok list --tag peacekeeping --json
out_has '"kind":"deployment"'
ok list --kind meeting --status planned --json
out_lines 2
ok list --text tokyo --json
out_lines 1
out_has '"where":"Tokyo"'
ok list --from "Dec 2023" --to "Dec 2023" --json
out_has '2023-12-17'
out_has '2023-12-18'

ok list --sort id --limit 3 --json
out_lines 3
head -n 1 "$TMP/out" | grep -q '"id":1,' || fail "--sort id does not start at 1"
ok list --sort -id --limit 1 --json
out_has '"id":10,'
ok list --sort when --limit 1 --json
out_has '"when":"1991-10-23"'

ok list --csv
head -n 1 "$TMP/out" | grep -q '^id,key,title,kind,status,when' || fail "CSV header"
out_has 'KHM;JPN'
expect_rc 1 list --from "the twelfth of never"
err_has 'twelfth'
done_ok
