#!/bin/sh
# Figures for the daemon (`attache serve`), on stores made by bench/gen.sh.
# Not a test: it prints a table and fails nothing.
#
#   sh bench/daemon.sh BUILD_DIR
#
# 1. Planning reminders: a script with one at.remind{before = {"7d", "1d"}}
#    that matches every event, on stores of DAEMON_BENCH_SIZES events
#    (default "100000 1000000").  Each run is a simulated run of zero
#    length (--now T --until T), so it only starts, plans and stops:
#      open   an empty script (the store is opened, nothing is planned);
#      plan   the reminder at T = 2012-03-10, amid the generated dates: the
#             daemon plans the reminders due in the four weeks ahead
#             (docs/daemon.md, "Reminders"), one queue entry per lead of
#             each event that has one.
#      year   the reminder from 2012-03-10 to 2013-03-09: a year of
#             reminders, the plan moved on every four weeks.
#    Reminders per second = reminders queued / (plan - open).  Memory per
#    pending reminder = (own plan - own open) / reminders queued, "own"
#    being the daemon's own memory at exit (RssAnon, its last line with
#    --verbose): RSS also counts the pages of the store it read.  The
#    store is copied to $TMPDIR, so a year's alerts are synced to a disk.
#    Times are the best of DAEMON_BENCH_RUNS (default 3).
# 2. Replay speed: the example rules (examples/cambodia-japan/rules) on a
#    store of 100k generated events, replayed over 2024 on the simulated
#    clock (--no-state, a fresh copy of the store each time): simulated
#    days per second of wall time, with and without start-up (a run of
#    zero length at 2024-01-01 is the start-up).
set -eu
build=${1:?usage: sh bench/daemon.sh BUILD_DIR}
att=$(cd "$build" && pwd)/attache
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
sizes=${DAEMON_BENCH_SIZES:-100000 1000000}
runs=${DAEMON_BENCH_RUNS:-3}
w=$(mktemp -d "${TMPDIR:-/tmp}/attache-dbench.XXXXXX")
trap 'rm -rf "$w"' EXIT INT TERM
export TZ=UTC
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is needed (apt-get install time)"; exit 1; }

mkdir -p "$w/open" "$w/remind" "$w/cwd"
echo '-- nothing: the store is opened, nothing is planned' >"$w/open/open.lua"
cat >"$w/remind/remind.lua" <<'EOF'
local at = require "attache"
at.remind{name = "bench", before = {"7d", "1d"}}
EOF

# measure STORE SCRIPTS NOW UNTIL: the best wall time of $runs runs (seconds)
# and the largest RSS (KB), as "SECS KB"; the last run's log in $w/log.
measure() {
  best= rss=0 i=0
  while [ $i -lt "$runs" ]; do
    i=$((i + 1))
    rm -rf "$w/run"
    cp -R "$1" "$w/run"
    (cd "$w/cwd" && /usr/bin/time -f '%e %M' -o "$w/t" "$att" --store "$w/run" serve \
      --scripts "$2" --now "$3" --until "$4" --no-state -v >/dev/null 2>"$w/log")
    read -r s k <"$w/t"
    best=$(awk -v a="$s" -v b="$best" 'BEGIN { print ((b == "" || a < b) ? a : b) }')
    [ "$k" -gt "$rss" ] && rss=$k
  done
  echo "$best $rss"
}

plans=$w/plans
: >"$plans"
for n in $sizes; do
  echo "generating and importing $n events" >&2
  sh "$here/gen.sh" "$n" >"$w/ev.jsonl"
  rm -rf "$w/s$n"
  "$att" --store "$w/s$n" init >/dev/null
  "$att" --store "$w/s$n" import "$w/ev.jsonl" >/dev/null
  rm -f "$w/ev.jsonl"
  z=2012-03-10T00:00:00Z
  set -- $(measure "$w/s$n" "$w/open" $z $z)
  t_open=$1 m_open=$2
  set -- $(measure "$w/s$n" "$w/remind" $z $z)
  t_plan=$1 m_plan=$2
  ev=$(sed -n 's/.*remind bench: \([0-9]*\) events\{0,1\} with reminders.*/\1/p' "$w/log" | tail -n 1)
  own=$(sed -n 's/.*at exit \([0-9]*\) kB of its own.*/\1/p' "$w/log")
  set -- $(measure "$w/s$n" "$w/open" $z $z)
  own0=$(sed -n 's/.*at exit \([0-9]*\) kB of its own.*/\1/p' "$w/log")
  set -- $(measure "$w/s$n" "$w/remind" $z 2013-03-09T23:59:59Z)
  t_year=$1 m_year=$2
  fired=$(grep -c 'remind bench: remind:.* fired' "$w/log" || true)
  echo "$n $ev $t_open $t_plan $t_year $m_open $m_plan $m_year $fired ${own:-0} ${own0:-0}" >>"$plans"
  [ "$n" = 100000 ] || rm -rf "$w/s$n"
done

echo
echo "Planning reminders: at.remind{before = {\"7d\", \"1d\"}} matching every event,"
echo "four weeks ahead of 2012-03-10 (best of $runs; RSS is the peak resident size of 'attache serve')"
awk '{
  q = 2 * $2; plan = $4 - $3;
  printf "  %8d events  %6d with reminders, %6d reminders queued   open %.2fs  plan %.2fs\n", $1, $2, q, $3, $4;
  printf "  %8s         planning (plan - open) %.2fs = %.0f reminders/s\n", "", plan, (plan > 0 ? q / plan : 0);
  printf "  %8s         RSS open %.1f MB, plan %.1f MB (with the store'"'"'s pages it read); its own memory at exit %.1f MB, %.1f MB with no script:\n", "",
    $6 / 1024, $7 / 1024, $10 / 1024, $11 / 1024;
  printf "  %8s         %.0f bytes per pending reminder\n", "", (q > 0 ? ($10 - $11) * 1024 / q : 0);
  printf "  %8s         a year of reminders (%d fired) in %.2fs, peak RSS %.1f MB\n", "", $9, $5, $8 / 1024;
}' "$plans"

# -- replay speed on the example rules
rules=$src/examples/cambodia-japan/rules
if [ ! -d "$rules" ]; then
  rules=$w/fixtures
  mkdir -p "$rules"
  cp "$src/tests/daemon/remind.lua" "$src/tests/daemon/steady.lua" "$rules/"
fi
if [ -d "$w/s100000" ]; then
  s=$w/s100000
else
  echo "generating and importing 100000 events" >&2
  sh "$here/gen.sh" 100000 >"$w/ev.jsonl"
  s=$w/s100000
  "$att" --store "$s" init >/dev/null
  "$att" --store "$s" import "$w/ev.jsonl" >/dev/null
fi
set -- $(measure "$s" "$rules" 2024-01-01T00:00:00Z 2024-01-01T00:00:00Z)
t0=$1
set -- $(measure "$s" "$rules" 2024-01-01T00:00:00Z 2024-12-31T23:59:59Z)
t1=$1 m1=$2
summ=$(sed -n 's/.*attache: stopped: //p' "$w/log")
echo
echo "Replay: $(ls "$rules" | tr '\n' ' ')"
echo "  on 100000 events, 2024-01-01 to 2024-12-31 (366 simulated days), best of $runs"
awk -v t0="$t0" -v t1="$t1" -v m="$m1" -v s="$summ" 'BEGIN {
  r = t1 - t0;
  printf "  whole run %.2fs (start-up %.2fs, RSS %.1f MB): %.0f simulated days/s; without start-up %.2fs: %.0f simulated days/s\n",
    t1, t0, m / 1024, 366 / t1, r, (r > 0 ? 366 / r : 0);
  printf "  (%s)\n", s;
}'
