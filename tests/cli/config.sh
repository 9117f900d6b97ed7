# attache config: the store's settings (docs/settings.md).  Every key read
# and set, bad keys and values refused with what is accepted and nothing
# changed, --unset, lists with --add/--remove, --list, the file written
# private and checked by fsck, and the settings used when dates are read.
. "$(dirname "$0")/lib.sh"

expect_rc 1 config
err_has "no store at"
ok init

ok config
out_has "date.fiscal-start = 4  (default)"
out_has "display.tz = UTC  (default)"
out_has "date.hemisphere = (unset)"
out_has "the month a fiscal year starts"
ok config date.fiscal-start
out_is 4
ok config --list
out_lines 0
[ ! -e "$STORE/settings.json" ] || fail "reading the settings wrote a file"

# Set each key; the echo is the canonical value.
ok config date.fiscal-start October
out_is "date.fiscal-start = 10"
ok config date.fiscal-name end
ok config date.hemisphere south
ok config date.day-first yes
ok config display.tz Asia/Phnom_Penh
ok config vocab.kinds "summit, retreat"
out_is "vocab.kinds = summit,retreat"
ok config --add vocab.statuses tentative
ok config --add vocab.statuses rescheduled
out_is "vocab.statuses = tentative,rescheduled"
ok config --list
out_is "date.fiscal-start=10
date.fiscal-name=end
date.hemisphere=south
date.day-first=yes
display.tz=Asia/Phnom_Penh
vocab.kinds=summit,retreat
vocab.statuses=tentative,rescheduled"
[ "$(stat -c %a "$STORE/settings.json")" = 600 ] || fail "settings.json is not 0600"
ok fsck
out_lacks "settings"

# Bad keys and values: exit 1, what is accepted, nothing changed.
cp "$STORE/settings.json" "$TMP/before"
expect_rc 1 config date.fiscal-start 13
err_has "date.fiscal-start: \"13\" is not a month; give 1 to 12 or a month's name"
err_has "nothing was changed"
expect_rc 1 config date.hemisphere east
err_has "give north or south"
expect_rc 1 config date.day-first perhaps
err_has "give yes or no"
expect_rc 1 config display.tz Asia/Phnom_Pen
err_has "did you mean \"Asia/Phnom_Penh\"?"
expect_rc 1 config display.tz ../../etc/passwd
err_has "IANA name"
expect_rc 1 config vocab.kinds "Summit"
err_has "is not a word of the vocabulary"
expect_rc 1 config colour blue
err_has "\"colour\" is not a setting; the settings are date.fiscal-start"
expect_rc 1 config colour
err_has "\"colour\" is not a setting"
expect_rc 1 config --unset colour
expect_rc 1 config --remove vocab.kinds workshop
err_has "\"workshop\" is not in the list (summit,retreat)"
expect_rc 1 config --add display.tz UTC
err_has "holds one value, not a list"
cmp -s "$TMP/before" "$STORE/settings.json" || fail "a refused change altered settings.json"

# Usage errors: exit 2.
expect_rc 2 config --unset
expect_rc 2 config --add vocab.kinds
expect_rc 2 config a b c
expect_rc 2 config --list date.hemisphere
expect_rc 2 config --frobnicate

ok config --unset date.hemisphere
out_is "date.hemisphere = (unset)"
expect_rc 1 config date.hemisphere
err_has "date.hemisphere is not set"
ok config --remove vocab.kinds summit
out_is "vocab.kinds = retreat"
ok config --unset display.tz
out_is "display.tz = UTC  (default)"

# fsck checks the file; a bad value is named, and the fix works.
printf '{"date.hemisphere": "up", "colour": "blue"}\n' >"$STORE/settings.json"
expect_rc 1 fsck
out_has "date.hemisphere: \"up\" is not accepted"
out_has "\"colour\", which is not a setting"
# attache config itself still shows the file (settings.md), the bad
# value as the file holds it, so that it can be fixed; a command that
# reads dates fails, saying how to fix it.
ok config date.fiscal-start
out_is "4"
expect_rc 1 config date.hemisphere
out_is '"up"'
err_has 'date.hemisphere: '
expect_rc 1 config
out_has 'date.hemisphere = "up"  (not valid: set it again or --unset it)'
out_has "date.fiscal-start = 4  (default)"
expect_rc 1 config --list
out_has 'date.hemisphere="up"'
expect_rc 1 list
err_has "settings.json"
err_has "attache config --unset date.hemisphere"
ok config --unset date.hemisphere
expect_rc 1 fsck
out_lacks "date.hemisphere"
out_has "colour"
printf '{"date.hemisphere": ' >"$STORE/settings.json"
expect_rc 1 fsck
out_has "is not a JSON object"
chmod 644 "$STORE/settings.json"
printf '{}' >"$STORE/settings.json"
expect_rc 1 fsck
out_has "settings.json\" has mode 0644"
chmod 600 "$STORE/settings.json"
cp "$TMP/before" "$TMP/victim"
ln -s "$TMP/victim" "$STORE/settings.json.tmp"
ok config date.hemisphere north
cmp -s "$TMP/before" "$TMP/victim" || fail "the settings were written through a planted link"
[ ! -L "$STORE/settings.json.tmp" ] || fail "the planted link is still there"
rm "$STORE/settings.json"
ln -s "$TMP/before" "$STORE/settings.json"
expect_rc 1 config date.hemisphere north
err_has "is a symbolic link"
expect_rc 1 fsck
out_has "links:"
rm "$STORE/settings.json"

# fsck --salvage takes the settings along to the new store.
ok config date.hemisphere south
ok fsck --salvage "$TMP/saved"
[ "$(cat "$TMP/saved/settings.json")" = "$(cat "$STORE/settings.json")" ] || fail "salvage lost the settings"

# The settings govern how dates are read: add, update and list follow them.
rm -rf "$STORE"
ok init
expect_rc 1 add --title "ambiguous" --when "05/04/2024"
ok config date.day-first yes
ok add --title "day first" --when "05/04/2024"
out_has "2024-04-05"
ok config date.day-first no
ok add --title "month first" --when "05/04/2024"
out_has "2024-05-04"
ok add --title "fiscal" --when "FY2024"
out_has "2024-04~/2025-03~"
ok config date.fiscal-name end
ok config date.fiscal-start 10
ok add --title "US fiscal" --when "FY2024"
out_has "2023-10~/2024-09~"
ok update 4 when=FY2025
out_has "2024-10~/2025-09~"
ok config date.hemisphere north
ok add --title "northern autumn" --when "autumn 2024"
out_has "2024-27"
ok config date.hemisphere south
ok add --title "southern autumn" --when "autumn 2024"
out_has "2024-31"
ok list --from "FY2025" --to "FY2025"
out_has "US fiscal"
out_lacks "southern autumn"
ok config display.tz Asia/Phnom_Penh
ok add --title "local by default" --when "18 Dec 2023 10:00"
out_has "2023-12-18T10:00:00+07:00"
# A damaged settings file stops the commands that read dates, naming it.
printf '{"date.day-first": "sometimes"}' >"$STORE/settings.json"
expect_rc 1 add --title "x" --when "2024"
err_has "settings.json"
err_has "date.day-first"
expect_rc 1 list
err_has "attache config --unset date.day-first"

echo "config: $NCHECKS checks passed"
