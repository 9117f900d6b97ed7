# Recurrences typed in words: add --recur and update recur= read "yearly",
# "every other week", "every Monday and Thursday", "quarterly, 4 times"
# into the RRULE the event keeps, echo it, and refuse what they cannot
# read with the accepted words, changing nothing.  An RRULE passes as it
# is (canonical form).
. "$(dirname "$0")/lib.sh"

ok init
ok add --title "Relations established" --kind anniversary --when 1953-01-09 --recur yearly
out_has 'recurring FREQ=YEARLY (from "yearly")'
ok get 1 --json
out_has '"recur":"FREQ=YEARLY"'
ok add --title "Desk meeting" --when 2024-01-01 --recur "every Monday and Thursday, 10 times"
out_has 'recurring FREQ=WEEKLY;COUNT=10;BYDAY=MO,TH'
ok add --title "Review" --when 2024-01 --recur "quarterly"
out_has 'FREQ=MONTHLY;INTERVAL=3'
# An RRULE is kept in its canonical form, and the echo stays as it was.
ok add --title "Policy review" --when 2024-03-01 --recur "freq=yearly;bymonth=3"
out_lacks "recurring"
ok get 4 --json
out_has '"recur":"FREQ=YEARLY;BYMONTH=3"'
# update reads words too.
ok update 3 recur="every other week"
ok get 3 --json
out_has '"recur":"FREQ=WEEKLY;INTERVAL=2"'
# Words it cannot read: exit 1, the accepted words listed, nothing stored.
expect_rc 1 add --title "Never" --when 2024 --recur "sometimes"
err_has 'cannot read the recurrence "sometimes"'
err_has "accepted: daily, weekly"
expect_rc 1 update 1 recur="every Funday"
err_has 'recur= "every Funday"'
ok get 1 --json
out_has '"recur":"FREQ=YEARLY"'
ok list --json --no-expand
out_lines 4
# The anniversary recurs in the list: the week of 9 January 2025.
ok list --from 2025-01-06 --to 2025-01-12 --edtf
out_has "1*  2025-01-09"
echo "ok $TESTNAME ($NCHECKS commands)"
