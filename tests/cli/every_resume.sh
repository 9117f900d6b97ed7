#!/bin/sh
# at.every keeps its phase across a stop: its runs are the interval's
# multiples from when it was first planned, and the run that fell due
# while the daemon was down (or was cut short by a stop) is made up once
# at start-up, as at.cron's are (docs/daemon.md: "a schedule runs at
# least once for each time it was due").  It used to count its first
# interval from the restart, so the run due one second after the last
# instant processed never ran and every later one moved.  The state file
# keeps each at.every's origin.
. "$(dirname "$0")/lib.sh"

new_store
mkdir -p "$TMP/s"
cat >"$TMP/s/a.lua" <<'EOF'
local at = require "attache"
at.every("1h", function(info) print("every", tostring(info.due), info.late and "late" or "") end)
at.every("1d", function(info) print("daily", tostring(info.due)) end)
EOF

# A first run stops just before 01:00: the 01:00 run has not happened.
ok serve --scripts "$TMP/s" --now 2024-01-01T00:00:00Z --until 2024-01-01T00:59:59Z
out_lacks "every"
grep -q "^every	" "$STORE/daemon.state" || fail "the state file keeps no origin: $(cat "$STORE/daemon.state")"
# The next run goes on from there: 01:00 runs, then 02:00 and 03:00.
ok serve --scripts "$TMP/s" --now 2024-01-01T00:59:59Z --until 2024-01-01T03:00:00Z
grep '^every' "$TMP/out" | cut -f2 >"$TMP/got"
printf '%s\n' 2024-01-01T01:00:00Z 2024-01-01T02:00:00Z 2024-01-01T03:00:00Z >"$TMP/want"
cmp -s "$TMP/got" "$TMP/want" || fail "at.every across a restart: $(tr '\n' ' ' <"$TMP/got")"

# Down from 03:00 to 05:30: the runs missed (04:00, 05:00) are made up
# once, late (the first of them, as at.cron's), and the phase holds
# (06:00, not 06:30).
ok serve --scripts "$TMP/s" --now 2024-01-01T05:30:00Z --until 2024-01-01T07:00:00Z
grep '^every' "$TMP/out" >"$TMP/got"
[ "$(sed -n 1p "$TMP/got")" = "$(printf 'every\t2024-01-01T04:00:00Z\tlate')" ] ||
  fail "the missed run, made up once: $(tr '\n' '|' <"$TMP/got")"
[ "$(cut -f2 "$TMP/got" | sed -n '2,$p' | tr '\n' ' ')" = "2024-01-01T06:00:00Z 2024-01-01T07:00:00Z " ] ||
  fail "the phase after the restart: $(tr '\n' '|' <"$TMP/got")"

# The daily one too: due at midnight from its origin, made up after a
# restart on 3 January at noon.
ok serve --scripts "$TMP/s" --now 2024-01-03T12:00:00Z --until 2024-01-04T00:00:00Z
grep '^daily' "$TMP/out" | cut -f2 >"$TMP/got"
printf '%s\n' 2024-01-03T00:00:00Z 2024-01-04T00:00:00Z >"$TMP/want"
cmp -s "$TMP/got" "$TMP/want" || fail "at.every 1d across restarts: $(tr '\n' ' ' <"$TMP/got")"

# A schedule the previous run did not have (the script edited) counts
# from the base, where the previous run stopped (00:00), as before.
cat >"$TMP/s/a.lua" <<'EOF'
local at = require "attache"
at.every("2h", function(info) print("every2", tostring(info.due)) end)
EOF
ok serve --scripts "$TMP/s" --now 2024-01-04T00:30:00Z --until 2024-01-04T03:00:00Z
grep '^every2' "$TMP/out" | cut -f2 >"$TMP/got"
[ "$(cat "$TMP/got")" = "2024-01-04T02:00:00Z" ] || fail "a new schedule: $(tr '\n' ' ' <"$TMP/got")"
done_ok
