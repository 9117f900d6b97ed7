#!/bin/sh
# list --where runs its expression read-only (issue 12): an expression
# that tries to add, update or remove an event, or to fire an alert, is
# refused with a message, and the store is left as it was.
#
# Needs at.add, at.update, at.remove and at.alert to check for read-only
# contexts (att_lua_check_write, bindings/lua/lua_attache.c and
# bindings/lua/lua_alert.c); until then it fails.
. "$(dirname "$0")/lib.sh"

new_store
ok add --title "one" --when 2024-03-12
ok export
cp "$TMP/out" "$TMP/before"

for expr in 'at.add{title = "sneaky", when = "2024-06-01"} or true' \
            'at.update(ev.id, {title = "changed"}) or true' \
            'at.remove(ev.id) or true' \
            'at.alert{key = "w", title = "from where"} or true'; do
  run list --where "$expr"
  [ "$RC" = 1 ] || fail "list --where '$expr': exit status $RC, expected 1"
  err_has "may not write"
  err_has "list --where"
  ok export
  cmp -s "$TMP/before" "$TMP/out" || fail "list --where '$expr' changed the store"
done
ok alerts --json
out_lacks "from where"
# reading is still fine
ok list --where 'at.get(ev.id).title == "one"'
out_has "one"

done_ok
