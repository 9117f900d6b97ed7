# Changes made while the daemon starts, after it has opened the store and
# before its scripts have loaded, reach the rules those scripts set: an
# event added from another shell right after "started on" (the daemon's
# log line, which comes before the scripts load), and one that a script's
# main chunk adds while loading.  Before, the daemon read such changes
# when a loading script wrote (the write takes the lock, which brings the
# store up to date) and dropped them, no rule being set yet: an alert
# receiver's test lost its alerts this way under load (cli/alert_group).
. "$(dirname "$0")/lib.sh"

S=$TMP/scripts
mkdir -p "$S"
# Loaded first (by name): a slow main chunk, then a write.
cat >"$S/a_slow.lua" <<'LUA'
local at = require "attache"
local t = os.clock()
while os.clock() - t < 3 do end
at.add{title = "Written while loading", when = "2024-01-01"}
LUA
# Loaded second: the rule.
cat >"$S/b_watch.lua" <<'LUA'
local at = require "attache"
at.on("add", function(ev) print("saw", ev.title) end)
LUA

ok init
${ATT_WRAP:-} "$ATT" --store "$STORE" serve --scripts "$S" --max-time 60 >"$TMP/d.out" 2>"$TMP/d.err" &
PID=$!
wait_for "$TMP/d.err" "started on" "the daemon did not start"
ok add --title "Added at start" --when 2024-05-01
wait_for "$TMP/d.err" "b_watch.lua: loaded" "the rule's script did not load"
wait_for "$TMP/d.out" "saw	Added at start" "the rule did not see the event added as the daemon started"
wait_for "$TMP/d.out" "saw	Written while loading" "the rule did not see the event a loading script added"
# each once
ok add --title "Later" --when 2024-05-02
wait_for "$TMP/d.out" "saw	Later" "the rule did not see a later event"
kill -TERM $PID
wait_exit $PID "the daemon, after SIGTERM,"
wait $PID || fail "the daemon exited $? on SIGTERM"
[ "$(grep -c "^saw	" "$TMP/d.out")" = 3 ] || fail "each event seen once: $(cat "$TMP/d.out")"
done_ok
