#!/bin/sh
# `attache serve` killed with SIGKILL mid-run, then restarted: no alert key
# fires twice, and the reminders that fell due while it was down fire once,
# at start-up, marked late (within --grace).  Simulated clock throughout;
# the only waits are polls with a deadline.
#
# The store holds 240 meetings, 36 hours apart over 2024, each reminded a
# week and a day before (480 reminders, tests/daemon/kill_remind.lua); a
# busy script keeps the replay slow enough to be killed half-way, writes
# to the store every day and raises a keyed alert every noon
# (tests/daemon/kill_busy.lua).  A first replay, never killed and without
# the state file, gives the reference: every reminder key and its time.
# Then, in each round, on a fresh copy of the store:
#   1. the replay runs in the background until the alert log holds a given
#      number of reminders, and is killed with SIGKILL;
#   2. the store still checks (attache fsck) and the alert log still reads;
#   3. the daemon restarts GAP after the last alert of the killed run
#      (the kill point K; in two rounds at noon that day, when the daily
#      job is due at the instant of the restart) with --grace GRACE and
#      runs to the end;
#   4. the alert log across both runs holds every key at most once; every
#      reminder due before K fired in the first run and not again; every
#      one due between K and the restart fired once, late (or not at all
#      when it fell due before the grace period); every later one on time;
#      the daily alert fires every day from the restart on, the day of the
#      restart included.
. "$(dirname "$0")/lib.sh"
need python3

FIX=$SRC/tests/daemon
S=$TMP/scripts
mkdir -p "$S"
cp "$FIX/kill_remind.lua" "$S/"
# Under a wrapper (valgrind, ATT_WRAP) the program is slow enough by itself:
# a callback every simulated hour, no busy loop, and longer deadlines.
if [ -n "${ATT_WRAP:-}" ]; then
  sed -e 's/"1m"/"1h"/' -e 's/1, 400 do/1, 1 do/' "$FIX/kill_busy.lua" >"$S/kill_busy.lua"
  POLLS=15000
else
  cp "$FIX/kill_busy.lua" "$S/"
  POLLS=1500
fi
export TZ=UTC
FROM=2024-01-01
UNTIL=2025-01-31
NREM=480

# serve_on STORE ARGS...: attache serve on another store, as `ok` does.
serve_on() {
  st=$1
  shift
  RC=0
  ${ATT_WRAP:-} "$ATT" --store "$st" serve --scripts "$S" "$@" \
    >"$TMP/out" 2>"$TMP/err" || RC=$?
  NCHECKS=$((NCHECKS + 1))
  [ "$RC" = 0 ] || fail "attache serve $*: exit status $RC"
}

new_store
ok import "$FIX/kill_events.jsonl"
mv "$STORE" "$TMP/template"

# -- the reference: the whole replay, never killed
cp -R "$TMP/template" "$TMP/ref"
serve_on "$TMP/ref" --now "$FROM" --until "$UNTIL" --no-state -q
nref=$(grep -c '"remind:kill:' "$TMP/ref/alerts" || true)
[ "$nref" = "$NREM" ] || fail "the reference replay raised $nref reminders, expected $NREM"

# check.py REF RUN1 LOG RESTART GRACE_SECONDS PROCESSED: the checks of step 4.
cat >"$TMP/check.py" <<'EOF'
import json, sys
from datetime import datetime, timedelta

def t(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")

def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f]

ref, run1, log = read(sys.argv[1]), read(sys.argv[2]), read(sys.argv[3])
restart, grace, processed = t(sys.argv[4]), timedelta(seconds=int(sys.argv[5])), t(sys.argv[6])
bad = []
rem = lambda a: a["key"].startswith("remind:")
due = {a["key"]: t(a["at"]) for a in ref if rem(a)}
if log[:len(run1)] != run1:
    bad.append("the log's first lines are not those of the killed run")
run2 = log[len(run1):]
seen = {}
for a in log:
    seen[a["key"]] = seen.get(a["key"], 0) + 1
bad += ["key %s fired %d times" % (k, n) for k, n in sorted(seen.items()) if n > 1]
k1 = {a["key"] for a in run1}
kill = max(t(a["at"]) for a in run1)
base = max(processed, restart - grace)
late = lost = 0
for a in run1:
    if a.get("late"):
        bad.append("%s is late in the first run" % a["key"])
for a in run2:
    k = a["key"]
    if k in k1:
        bad.append("%s fired again after the restart" % k)
    if not rem(a):
        continue
    if k not in due:
        bad.append("%s is not in the reference replay" % k)
        continue
    if t(a["at"]) != due[k]:
        bad.append("%s has time %s, expected %s" % (k, a["at"], due[k]))
    if bool(a.get("late")) != (due[k] < restart):
        bad.append("%s (due %s) has late=%s" % (k, a["at"], a.get("late", False)))
    late += bool(a.get("late"))
for k, d in sorted(due.items(), key=lambda kv: kv[1]):
    if k in k1:
        continue
    if d < kill:
        bad.append("%s (due %s) was not fired before the kill at %s" % (k, d, kill))
    if d <= processed:  # the state file claimed work that was not done
        bad.append("%s (due %s) did not fire, yet daemon.state says %s was processed"
                   % (k, d, processed))
    elif d <= base:
        lost += 1  # missed beyond the grace period: never made up
        if k in seen:
            bad.append("%s (due %s) fired though it fell due before the grace (%s)" % (k, d, base))
    elif k not in seen:
        bad.append("%s (due %s) never fired" % (k, d))
if kill < restart - timedelta(days=1) and late == 0:
    bad.append("no reminder fell due between the kill and the restart: the round tests nothing")
# The daily keyed alert: every noon from the restart on, once.
noon = {a["key"] for a in log if a["key"].startswith("noon:")}
d = restart.replace(hour=12, minute=0, second=0)
if d < restart:
    d += timedelta(days=1)
end = t(sys.argv[7])
while d <= end:
    if "noon:" + d.strftime("%Y-%m-%dT%H:%M:%SZ") not in noon:
        bad.append("the noon alert of %s is missing" % d)
    d += timedelta(days=1)
if bad:
    print("; ".join(bad[:8]) + (" (and %d more)" % (len(bad) - 8) if len(bad) > 8 else ""))
    sys.exit(1)
print("%d before the kill at %s (state %s), %d late, %d beyond the grace, %d on time"
      % (sum(1 for a in run1 if rem(a)), kill.strftime("%m-%dT%H:%M"),
         processed.strftime("%m-%dT%H:%M"), late, lost, sum(1 for a in run2 if rem(a)) - late))
EOF

# -- the rounds: reminders in the log before the kill, gap, grace
round=0
for spec in 40:4d:30d:any 170:4d:30d:noon 300:6d:30d:any 430:10d:2d:noon; do
  round=$((round + 1))
  IFS=: read -r target gap grace align <<EOS
$spec
EOS
  STORE=$TMP/store$round
  cp -R "$TMP/template" "$STORE"
  ${ATT_WRAP:-} "$ATT" --store "$STORE" serve --scripts "$S" \
    --now "$FROM" --until "$UNTIL" >"$TMP/bg.out" 2>"$TMP/bg.err" &
  PID=$!
  i=0
  while :; do
    n=$(grep -c '"remind:kill:' "$STORE/alerts" 2>/dev/null) || n=${n:-0}
    [ "$n" -ge "$target" ] && break
    kill -0 "$PID" 2>/dev/null || fail "round $round: the replay ended before $target reminders: $(tail -3 "$TMP/bg.err")"
    i=$((i + 1))
    [ $i -le $POLLS ] || fail "round $round: waited $((POLLS / 50)) s for $target reminders in the alert log (have $n)"
    sleep 0.02
  done
  kill -KILL "$PID"
  RC=0
  { wait "$PID"; } 2>/dev/null || RC=$?  # (the shell's "Killed" notice)
  [ "$RC" = 137 ] || fail "round $round: the daemon exited $RC before SIGKILL: $(tail -3 "$TMP/bg.err")"
  n1=$(grep -c '"remind:kill:' "$STORE/alerts" || true)
  [ "$n1" -lt "$NREM" ] || fail "round $round: killed after every reminder had fired"
  cp "$STORE/alerts" "$TMP/run1.jsonl"
  # The store and the alert log open fine after the kill.
  ok fsck
  out_has "every record is intact"
  ok alerts --json
  json_lines
  [ -f "$STORE/daemon.state" ] || fail "round $round: no daemon.state after the kill"
  processed=$(sed -n 's/^processed //p' "$STORE/daemon.state")
  [ -n "$processed" ] || fail "round $round: daemon.state: $(cat "$STORE/daemon.state")"
  # Restart GAP after the kill point (or at noon that day, when the daily
  # job is due at the very instant of the restart), and run to the end.
  restart=$(python3 -c '
import json, sys
from datetime import datetime, timedelta
k = max(json.loads(l)["at"] for l in open(sys.argv[1]))
r = datetime.strptime(k, "%Y-%m-%dT%H:%M:%SZ") + timedelta(days=int(sys.argv[2]))
if sys.argv[3] == "noon":
    r = r.replace(hour=12, minute=0, second=0)
print(r.strftime("%Y-%m-%dT%H:%M:%SZ"))' "$TMP/run1.jsonl" "${gap%d}" "$align") ||
    fail "round $round: cannot read the killed run's alerts"
  serve_on "$STORE" --now "$restart" --until "$UNTIL" --grace "$grace"
  err_has "making up what fell due"
  ok fsck
  out_has "every record is intact"
  res=$(python3 "$TMP/check.py" "$TMP/ref/alerts" "$TMP/run1.jsonl" "$STORE/alerts" \
    "$restart" $(( ${grace%d} * 86400 )) "$processed" "${UNTIL}T23:59:59Z") ||
    fail "round $round (killed after $n1 reminders, restart at $restart, grace $grace): $res"
  echo "round $round: $res" >&2
  rm -rf "$STORE"
done

done_ok
