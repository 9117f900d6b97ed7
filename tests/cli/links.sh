# Links keep the store whole: a link must name an existing, other event (by
# id or by key), whatever path writes it; removing an event that others
# link to is refused unless --force, which drops those links in the same
# change.  Every refusal changes nothing, and the store always opens again.
. "$(dirname "$0")/lib.sh"

still_opens() {
  ok list --json
  ok fsck
  out_has "every record is intact"
}

ok init
# Issue 11, finding 1: a link to the event's own (future) id.
expect_rc 1 add --title a --when 2024 --link related=1
err_has "links[0]"
err_has "own id"
still_opens
expect_rc 1 add --json '{"title":"a","when":"2024","links":[{"rel":"follows","id":2}]}'
still_opens

ok add --title a --when 2024 --key cdc-a
out_has "added 1"
ok add --title b --when 2024 --link follows=1
# Finding 3: links to missing events.
expect_rc 1 add --title c --when 2024 --link related=999
err_has "999"
err_has "no event"
expect_rc 1 add --title c --when 2024 --link related=nosuch-key
err_has "nosuch-key"
# By key: kept as the id it names.
ok add --title c --when 2024 --key cdc-c --link follows=cdc-a
ok get cdc-c --json
out_has '"links":[{"rel":"follows","id":1}]'
# An update cannot point a link at the event itself, by id or by key.
expect_rc 1 update cdc-c links+=related=3
err_has "own"
expect_rc 1 update cdc-c links+=related=cdc-c
err_has "own"
expect_rc 1 update 2 links+=related=77
err_has "77"
still_opens
ok list --json
out_lines 3

# Removing a linked event: refused, with the linkers named.
expect_rc 1 rm cdc-a
err_has "linked from 2 (follows), 3 (follows)"
err_has "--force"
ok get 1
# --force removes the event and the links to it, in one change.
ok rm --force cdc-a
out_has "dropped the link of 2"
ok get 2 --json
out_lacks '"links"'
ok get 3 --json
out_lacks '"links"'
expect_rc 1 get 1
still_opens
# Ids are never reused.
ok add --title d --when 2024 --link related=3
out_has "added 4"
ok compact
still_opens
ok get 4 --json
out_has '"links":[{"rel":"related","id":3}]'
expect_rc 1 rm 3
err_has "removed"
ok rm 4
ok rm 3
expect_rc 1 add --title e --when 2024 --link related=3
err_has "no event 3 (it was removed)"
still_opens
echo "ok - links ($NCHECKS checks)"
