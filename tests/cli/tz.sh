# Time zones on the command line (issue 14, "Time zones"): an event typed
# with an IANA zone keeps the exact instant in when (with its offset) and
# the zone in tz; list and get show its time as the clock shows it there,
# and in the user's zone with --tz local (the display.tz setting) or in
# any zone with --tz ZONE.  Local times in a DST gap or overlap are
# refused naming both readings; unknown zones get a did-you-mean.
. "$(dirname "$0")/lib.sh"
[ -e "${TZDIR:-/usr/share/zoneinfo}/Asia/Phnom_Penh" ] || missing "the tzdata zone files" "apt-get install tzdata, or make deps"

ok init

# A zone named in --when becomes the event's tz.
ok add --title "CDC meeting" --when "2023-12-18 10:00 Asia/Phnom_Penh"
out_has "2023-12-18T10:00:00+07:00"
ok get 1 --json
out_has '"when":"2023-12-18T10:00:00+07:00"'
out_has '"tz":"Asia/Phnom_Penh"'
# --tz: a local time typed without a zone is in that zone.
ok add --title "London talks" --when "2024-04-01 10:00" --tz Europe/London
out_has "2024-04-01T10:00:00+01:00"
ok get 2 --json
out_has '"tz":"Europe/London"'
ok add --title "New York call" --when "15 Jan 2024 10:00" --tz America/New_York
out_has "2024-01-15T10:00:00-05:00"
ok add --title "Sydney visit" --when "2024-01-10 09:30" --tz Australia/Sydney
out_has "2024-01-10T09:30:00+11:00"
ok add --title "A day" --when 2024-05-01 --tz Asia/Phnom_Penh
ok add --title "No zone" --when "2024-05-02T08:00:00Z"

# The table shows each time where it happens; --tz local and --tz ZONE
# show them all in one zone.  Days without a time stay as they are
# (--edtf: as EDTF, not in words).
ok list --edtf
out_has "2023-12-18 10:00 +07"
out_has "2024-04-01 10:00 BST"
out_has "2024-01-15 10:00 EST"
out_has "2024-01-10 09:30 AEDT"
out_has "2024-05-01 "
out_has "2024-05-02T08:00:00Z"
ok list --tz local
out_has "2023-12-18 03:00 UTC"
out_has "2024-04-01 09:00 UTC"
out_has "2024-05-02 08:00 UTC"
ok config display.tz Asia/Phnom_Penh
ok list --tz local
out_has "2024-04-01 16:00 +07"
out_has "2024-01-15 22:00 +07"
out_has "2024-05-02 15:00 +07"
ok list --tz America/New_York
out_has "2023-12-17 22:00 EST"
out_has "2024-04-01 05:00 EDT"
ok get 2
out_has "local      2024-04-01 10:00 BST (Europe/London)"
out_has "tz         Europe/London"
ok get 2 --tz local
out_has "local      2024-04-01 16:00 +07 (Asia/Phnom_Penh)"
ok get 2 --json --tz local
out_has '"when":"2024-04-01T10:00:00+01:00"'

# DST: a time that does not exist, or happens twice, is refused with both
# readings; the same time with its offset is taken.
expect_rc 1 add --title "gap" --when "2024-03-31 01:30 Europe/London"
err_has "2024-03-31 01:30 does not exist in Europe/London"
err_has "2024-03-31 00:30 GMT or 2024-03-31 02:30 BST"
expect_rc 1 add --title "gap" --when "2024-03-10 02:30" --tz America/New_York
err_has "01:30 EST or 2024-03-10 03:30 EDT"
expect_rc 1 add --title "overlap" --when "2024-10-27 01:30 Europe/London"
err_has "happens twice in Europe/London"
err_has "01:30 BST (UTC+01:00) or 2024-10-27 01:30 GMT (UTC+00:00)"
expect_rc 1 add --title "overlap" --when "2024-04-07 02:30" --tz Australia/Sydney
err_has "happens twice in Australia/Sydney"
ok add --title "overlap, chosen" --when "2024-10-27T01:30:00+00:00" --tz Europe/London
ok list --text chosen
out_has "2024-10-27 01:30 GMT"
ok list
n_before=$(wc -l <"$TMP/out")

# Unknown zones, with a did-you-mean; nothing is added.
expect_rc 1 add --title "x" --when "2024-01-01 10:00" --tz Asia/Phnom_Pen
err_has "did you mean \"Asia/Phnom_Penh\"?"
expect_rc 1 add --title "x" --when "2024-01-01 10:00 Europe/Londn"
err_has "Europe/Londn"
expect_rc 1 add --title "x" --when "2024-01-01" --tz ../../etc/passwd
err_has "IANA name"
expect_rc 1 add --title "x" --when "2024-01-01 10:00 Asia/Tokyo" --tz Europe/London
err_has "names the zone Asia/Tokyo, but --tz says Europe/London"
expect_rc 1 add --json '{"title":"x","when":"2024","tz":"Nowhere/Town"}'
err_has "event field \"tz\""
expect_rc 1 update 2 tz=Europe/Londn
err_has "did you mean \"Europe/London\"?"
expect_rc 2 list --tz Mars/Base
err_has "--tz Mars/Base"
ok list
[ "$(wc -l <"$TMP/out")" = "$n_before" ] || fail "a refused add changed the store"

# update tz= changes where the time is shown; the instant stays.
ok update 1 tz=Asia/Bangkok
ok get 1
out_has "local      2023-12-18 10:00 +07 (Asia/Bangkok)"
ok update 1 tz=
ok get 1 --json
out_lacks '"tz"'

# Asia/Phnom_Penh has no daylight saving: the same offset all year.
ok add --title "June" --when "2024-06-18 10:00 Asia/Phnom_Penh"
out_has "2024-06-18T10:00:00+07:00"

# The zone survives export and import.
ok export --format csv --output "$TMP/out.csv"
grep -q "Europe/London" "$TMP/out.csv" || fail "the CSV export lacks the zone"

# A weekly meeting at 10:00 in London stays at 10:00 local across the
# change to summer time (31 March 2024): 10:00Z, then 09:00Z.
ok add --title "Weekly" --kind meeting --when "2024-03-18 10:00 Europe/London" --recur FREQ=WEEKLY
ok list --from 2024-03-20 --to 2024-04-10 --text Weekly
out_has "2024-03-25 10:00 GMT"
out_has "2024-04-01 10:00 BST"
out_has "2024-04-08 10:00 BST"
ok list --from 2024-03-20 --to 2024-04-10 --text Weekly --json
out_has '"occurrence":"2024-03-25T10:00:00Z"'
out_has '"occurrence":"2024-04-01T09:00:00Z"'
ok list --from 2024-10-20 --to 2024-11-01 --text Weekly --tz UTC
out_has "2024-10-21 09:00 UTC"
out_has "2024-10-28 10:00 UTC"

# A reminder of it counts from the local time: an hour before 10:00 BST
# on 1 April is 08:00Z (the daemon on a simulated clock).
mkdir -p "$TMP/scripts"
printf '%s\n' 'local at = require "attache"' \
  'at.remind{name = "w", match = {kind = "meeting"}, before = {"1h"}}' >"$TMP/scripts/r.lua"
ok serve --scripts "$TMP/scripts" --now 2024-03-28 --until 2024-04-02 --no-state
grep -q "2024-04-01T08:00:00Z.*Weekly" "$TMP/out" "$TMP/err" || fail "the reminder of 1 April is not at 08:00Z"

# update when= reads a local time where the event happens (its tz), not
# in the display zone; with tz= removed in the same command, in the
# display zone (display.tz, set above).
ok add --title "Moved talks" --when "2024-04-01 10:00 Europe/London"
id=$(sed -n 's/^added \([0-9]*\) .*/\1/p' "$TMP/out")
ok update "$id" when="2024-04-08 11:00"
out_has "[2024-04-08T11:00:00+01:00]"
ok get "$id" --json
out_has '"tz":"Europe/London"'
ok update "$id" tz= when="2024-04-08 11:00"
out_lacks "+01:00"
out_has "[2024-04-08T11:00:00"

echo "tz: $NCHECKS checks passed"
