#!/bin/sh
# The benchmarks of issue 7: each workload against attache and a peer, on
# the same generated events, in one run, with the ratio.  Not a test: it
# prints figures and fails nothing.  docs/performance.md has the results
# and what each peer's setup is.
#
#   sh bench/run.sh BUILD_DIR
#
#   BENCH_SIZES  events per store (default "10000 100000 1000000");
#                SIZE=100k or SIZE=1M (what `make bench SIZE=...` passes)
#                sets one size
#   BENCH_QUICK=1  for development: one run of each, fewer queries
#   BENCH_RUNS   runs per figure (default 5, quick 1): the median is shown
#   BENCH_DIR    where the stores go (default /var/tmp: a real disk, so that
#                fdatasync costs what it costs)
#   BENCH_OUT    also write the table to this file
#   BENCH_REPLAY_ON_DISK=1  replay reminders on a store on disk rather than
#                in /dev/shm (each alert is then one fdatasync)
#   BENCH_HISTORY_FULL=1  the history at 1M as issue 15 measured it (two
#                updates an event, compacted every 65,536: 8 more minutes)
set -eu
build=${1:?usage: sh bench/run.sh BUILD_DIR}
build=$(cd "$build" && pwd)
att=$build/attache
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
shared=${ATT_SHARED_DATA:-$src/../shared/data}
export TZ=UTC LC_ALL=C

quick=${BENCH_QUICK:-0}
if [ -n "${SIZE:-}" ]; then
  sizes=$(echo "$SIZE" | sed 's/[kK]$/000/; s/[mM]$/000000/')
else
  sizes=${BENCH_SIZES:-$([ "$quick" = 1 ] && echo 10000 || echo "10000 100000 1000000")}
fi
runs=${BENCH_RUNS:-$([ "$quick" = 1 ] && echo 1 || echo 5)}
nq=$([ "$quick" = 1 ] && echo 1000 || echo 10000)
# SQLite answers a window+actor query from the actor index (see
# docs/performance.md): slow on the common actors, so its loop stops after
# this many seconds and its rate is reported over the queries it did.
sqlite_cap=${BENCH_SQLITE_SECONDS:-$([ "$quick" = 1 ] && echo 3 || echo 20)}
# Taskwarrior reads and rewrites its whole file on each command: tasks are
# capped at this many (its own limit of practicality).
task_max=${BENCH_TASK_MAX:-10000}
# Remind: daily runs sampled (the year's replay is their median x 366); the
# 12-month calendar (-s12) only up to this many events.
remind_days=$([ "$quick" = 1 ] && echo 2 || echo 5)
remind_cal_max=${BENCH_REMIND_CAL_MAX:-100000}

for t in sqlite3 hyperfine lua5.4 cc; do
  command -v $t >/dev/null || { echo "bench: $t is needed (make bench-deps)"; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is needed (apt-get install time)"; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

w=$(mktemp -d "${BENCH_DIR:-/var/tmp}/attache-bench.XXXXXX")
shm=$w
[ -d /dev/shm ] && [ "${BENCH_REPLAY_ON_DISK:-0}" != 1 ] && shm=$(mktemp -d /dev/shm/attache-bench.XXXXXX)
trap 'rm -rf "$w" "$shm"' EXIT INT TERM
bin=$w/bin
mkdir -p "$bin"
cflags="-O2 -std=c11 -I$src/core"
cc $cflags -o "$bin/gen" "$here/gen.c"
cc $cflags -o "$bin/peer_attache" "$here/peer_attache.c" "$build/libattcore.a" \
  $(pkg-config --libs libcjson) -lm
cc $cflags -o "$bin/history" "$here/history.c" "$build/libattcore.a" \
  $(pkg-config --libs libcjson) -lm
cc $cflags -o "$bin/peer_sqlite" "$here/peer_sqlite.c" "$build/libattcore.a" \
  $(pkg-config --libs libcjson sqlite3) -lm
run_lua="$att run --max-instructions 0 --max-memory 0"
res=$w/results
: >"$res"
log=$w/log
: >"$log"

# row SIZE WORKLOAD ATTACHE PEER PEERNAME: seconds (or other units, same
# for both); ratio = peer / attache (above 1: attache is faster / smaller)
row() {
  awk -v n="$1" -v wl="$2" -v a="$3" -v p="$4" -v pn="$5" -v u="${6:-s}" 'BEGIN {
    r = (a + 0 > 0 && p + 0 > 0) ? sprintf("%.2f", p / a) : "-";
    printf "%s\t%s\t%s %s\t%s\t%s\t%s\n", n, wl, a, u, (p == "-" ? p : p " " u), pn, r }' >>"$res"
}
note() { printf '%s\t%s\t%s\t\t\t\n' "$1" "$2" "$3" >>"$res"; }

# wall SECONDS of one run of a command (stdout to $w/out), peak RSS in $w/rss.
# A run that fails gives no figure: "failed" in its row, the command in
# $w/failed, listed at the end, and the whole run exits 1.  (time(1)
# writes "Command exited with non-zero status N" before its figures.)
wall() {
  if /usr/bin/time -f '%e %M' -o "$w/t" "$@" >"$w/out" 2>>"$log"; then
    read -r s k <"$w/t"
  else
    echo "bench: failed: $*" >&2
    echo "$*" >>"$w/failed"
    s=failed k=0
  fi
  echo "$k" >"$w/rss"
  echo "$s"
}
# peak RSS in KB of one run of a command (its output to $w/out)
rss_of() {
  wall "$@" >/dev/null
  cat "$w/rss"
}
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
# rss_row SIZE WORKLOAD ATTACHE_KB PEER_KB PEERNAME: a row of peak RSS, in MB
rss_row() { row "$1" "peak RSS, $2" "$(mb "$3")" "$(mb "$4")" "$5" MB; }
# the peak RSS a peer program printed ("peak RSS N KB")
printed_rss() { sed -n 's/.*peak RSS \([0-9]*\) KB.*/\1/p' "$1" | tail -n 1; }
# instructions of one run of a command (callgrind's count; its output
# dropped), or "failed"
instr_of() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    sed -n 's/.*Collected : *\([0-9][0-9]*\).*/\1/p' | grep . || echo failed
}
# per_pass I1 I3 N: the instructions of one pass an event, from runs of
# one pass and of three
per_pass() {
  case $1$2 in *failed*) echo failed ;; *) awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.0f", (b - a) / 2 / n }' ;; esac
}
# median of a list of numbers
# (a failed run among them: "failed")
median() { tr ' ' '\n' | grep . | sort -g | awk '$1 !~ /^[0-9.eE+-]+$/ { bad = 1 } { v[NR] = $1 } END { if (bad) print "failed"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# hyperfine median of each command, one per line
hmed() {
  hw=$1 hr=$2
  shift 2
  rm -f "$w/h.json"
  hyperfine -N -i --style none --warmup "$hw" --runs "$hr" --export-json "$w/h.json" "$@" >/dev/null 2>>"$log" || true
}
hmed_csv() { sed -n 's/.*"median": *\([0-9.e-]*\).*/\1/p' "$w/h.json" | awk '{ printf "%.6f\n", $1 }'; }

echo "attache benchmarks: sizes $sizes, $runs run(s) each, $(nproc) cores, $(uname -r)"
echo "work directory $w ($(df -T "$w" | awk 'NR == 2 { print $2 }'))"
for n in $sizes; do
  echo "== $n events"
  d=$w/n$n
  mkdir -p "$d"
  "$bin/gen" "$n" --icews "$shared/icews-2018-sample.tab" >"$d/ev.jsonl"
  "$bin/gen" --queries "$nq" --seed 7 --icews "$shared/icews-2018-sample.tab" >"$d/q.tsv"
  jsize=$(wc -c <"$d/ev.jsonl")

  # -- import
  ta= ts=
  i=0
  while [ $i -lt "$runs" ]; do
    i=$((i + 1))
    rm -rf "$d/store"
    "$att" --store "$d/store" init >/dev/null
    ta="$ta $(wall "$att" --store "$d/store" import "$d/ev.jsonl")"
    ra=$(cat "$w/rss")
    ts="$ts $(wall "$bin/peer_sqlite" import "$d/db" "$d/ev.jsonl")"
    rs=$(cat "$w/rss")
  done
  row "$n" "import (median of $runs)" "$(echo "$ta" | median)" "$(echo "$ts" | median)" "SQLite C, cJSON, 1 txn"
  row "$n" "import peak RSS" "$((ra / 1024))" "$((rs / 1024))" "SQLite C" MB
  ssize=$(cat "$d/store/snapshot" "$d/store/journal" | wc -c)
  dbsize=$(wc -c <"$d/db")
  row "$n" "size on disk (JSONL $((jsize / 1048576)) MB)" "$((ssize / 1048576))" "$((dbsize / 1048576))" "SQLite file" MB

  # -- open + one query (the first window+actor query, --limit 1)
  IFS="$(printf '\t')" read -r qa qf qt qfs qts <"$d/q.tsv"
  hmed 2 "$runs" \
    "$att --store $d/store list --from $qfs --to $qts --actor $qa --limit 1" \
    "sqlite3 -readonly $d/db \"SELECT ev.json FROM actor JOIN ev ON ev.id = actor.ev WHERE actor.actor = '$qa' AND ev.start <= $qt AND ev.end >= $qf LIMIT 1\""
  set -- $(hmed_csv)
  row "$n" "open + 1 query (CLI, median of $runs)" "${1:-0}" "${2:-0}" "sqlite3 CLI"
  t_openq=${1:-0}
  rss_row "$n" "open + 1 query (CLI)" \
    "$(rss_of "$att" --store "$d/store" list --from "$qfs" --to "$qts" --actor "$qa" --limit 1)" \
    "$(rss_of sqlite3 -readonly "$d/db" "SELECT ev.json FROM actor JOIN ev ON ev.id = actor.ev WHERE actor.actor = '$qa' AND ev.start <= $qt AND ev.end >= $qf LIMIT 1")" \
    "sqlite3 CLI"
  if have tarantool; then
    sqlite3 -separator "$(printf '\t')" "$d/db" "SELECT id, start, end, json FROM ev" >"$d/ev.tsv"
    rm -rf "$d/tt"; mkdir -p "$d/tt"
    tl=$(wall tarantool "$here/tarantool.lua" load "$d/tt" "$d/ev.tsv")
    rm -f "$d/ev.tsv"
    tr=
    i=0
    while [ $i -lt "$runs" ]; do
      i=$((i + 1))
      tr="$tr $(wall tarantool "$here/tarantool.lua" recover "$d/tt" "$qf" "$qt" "$qa")"
      rt=$(cat "$w/rss")
    done
    row "$n" "open + 1 query vs recovery" "$t_openq" "$(echo "$tr" | median)" "Tarantool memtx recovery"
    note "$n" "Tarantool: load with WAL, batches of 1000: ${tl}s; RSS after recovery $((rt / 1024)) MB" ""
    rm -rf "$d/tt"
  else
    note "$n" "Tarantool: not installed (apt-get install tarantool)" ""
  fi

  # -- window+actor queries
  "$bin/peer_attache" query "$d/store" "$d/q.tsv" >"$d/qa" 2>>"$log"
  timeout "$((sqlite_cap + 30))" "$bin/peer_sqlite" query "$d/db" "$d/q.tsv" "$sqlite_cap" >"$d/qs" 2>>"$log" || true
  $run_lua --store "$d/store" --read "$d/q.tsv" "$here/queries.lua" "$d/q.tsv" >"$d/ql" 2>>"$log"
  # The strongest SQLite peer (issue 17): an R*Tree over (actor code,
  # seconds), one row per event and actor (bench/peer_sqlite.c).
  "$bin/peer_sqlite" rtree "$d/db" >"$d/rb" 2>>"$log"
  timeout "$((sqlite_cap + 30))" "$bin/peer_sqlite" rquery "$d/db" "$d/q.tsv" "$sqlite_cap" >"$d/qr" 2>>"$log" || true
  ua=$(sed -n 's/.*(\([0-9.]*\) us\/query.*/\1/p' "$d/qa")
  us=$(sed -n 's/.*(\([0-9.]*\) us\/query.*/\1/p' "$d/qs")
  ur=$(sed -n 's/.*(\([0-9.]*\) us\/query.*/\1/p' "$d/qr")
  ul=$(sed -n 's/.*(\([0-9.]*\) us\/query.*/\1/p' "$d/ql")
  row "$n" "window+actor query, C API" "$ua" "$ur" "SQLite C, R*Tree" us
  row "$n" "window+actor query, attache run" "$ul" "$ur" "SQLite C, R*Tree" us
  row "$n" "window+actor query, C API" "$ua" "$us" "SQLite C, B-tree indexes" us
  rss_row "$n" "window+actor queries, C API" "$(printed_rss "$d/qa")" "$(printed_rss "$d/qr")" "SQLite C, R*Tree"
  note "$n" "queries: attache $(cut -d' ' -f1-4 "$d/qa"); SQLite R*Tree $(cut -d' ' -f1-4 "$d/qr") ($(cat "$d/rb")); SQLite B-tree $(cut -d' ' -f1-4 "$d/qs")" ""
  # Both answer the same: the hits of the queries both did agree.
  hq=$(awk '{ print $1 }' "$d/qr")
  if [ -n "$hq" ] && [ "$hq" = "$(awk '{ print $1 }' "$d/qa")" ] &&
    [ "$(awk '{ print $3 }' "$d/qr")" != "$(awk '{ print $3 }' "$d/qa")" ]; then
    note "$n" "WARNING: SQLite's R*Tree and attache disagree on the hits (see above)" ""
  fi

  # -- Lua filter over every event
  wall $run_lua --store "$d/store" "$here/each.lua" when >/dev/null
  cp "$w/out" "$d/le"
  rle=$(cat "$w/rss")
  $run_lua --store "$d/store" "$here/each.lua" id >"$d/li" 2>>"$log"
  wall lua5.4 "$here/plain.lua" "$d/ev.jsonl" >/dev/null
  cp "$w/out" "$d/lp"
  rlp=$(cat "$w/rss")
  le=$(sed -n 's/.* in \([0-9.]*\) s .*/\1/p' "$d/le")
  li=$(sed -n 's/.* in \([0-9.]*\) s .*/\1/p' "$d/li")
  lp=$(sed -n 's/.* in \([0-9.]*\) s .*/\1/p' "$d/lp")
  row "$n" "Lua filter, at.each date order (median of 5 passes)" "$le" "$lp" "plain Lua 5.4 loop (median of 5 passes)"
  row "$n" "Lua filter, at.each sort=id (median of 5 passes)" "$li" "$lp" "plain Lua 5.4 loop (median of 5 passes)"
  rss_row "$n" "Lua filter (at.each, date order)" "$rle" "$rlp" "plain Lua 5.4 loop over N tables"
  # The same in instructions (callgrind), which the machine's noise does
  # not move: the peer's pass over 10,000 prebuilt tables took 0.4 ms on
  # a quiet machine and 2.6 ms while another process used the other core
  # (its tables no longer in the shared cache), ours 2.7 ms either way,
  # so the ratio in seconds read 0.15x or 1x.  A pass is half the
  # difference between three passes and one.
  if [ "$n" -le 10000 ] && have valgrind; then
    for o in id when; do
      a1=$(instr_of $run_lua --store "$d/store" "$here/each.lua" "$o" 1)
      a3=$(instr_of $run_lua --store "$d/store" "$here/each.lua" "$o" 3)
      [ "$o" = id ] && p1=$(instr_of lua5.4 "$here/plain.lua" "$d/ev.jsonl" 1) &&
        p3=$(instr_of lua5.4 "$here/plain.lua" "$d/ev.jsonl" 3)
      row "$n" "Lua filter, at.each $o order, instructions an event (callgrind)" \
        "$(per_pass "$a1" "$a3" "$n")" "$(per_pass "$p1" "$p3" "$n")" "plain Lua 5.4 loop" instr
    done
  fi
  note "$n" "Lua filter, first pass to last: date order $(sed -n 's/.*first-to-last \(.*\))/\1/p' "$d/le") s, id order $(sed -n 's/.*first-to-last \(.*\))/\1/p' "$d/li") s, plain $(sed -n 's/.*first-to-last \(.*\))/\1/p' "$d/lp") s" ""

  # -- counts and group counts against DuckDB (issue 17): the same five
  # workloads (bench/counts.lua, bench/duckdb/duckdb.mjs), their answers
  # compared
  /usr/bin/time -f '%e %M' -o "$w/tc" $run_lua --store "$d/store" "$here/counts.lua" "$runs" >"$d/ca" 2>>"$log"
  if have node && [ -d "$here/duckdb/node_modules/@duckdb/node-api" ]; then
    sqlite3 -csv "$d/db" "SELECT id, start, end, kind, status, json_extract(json, '\$.actors') FROM ev" >"$d/ev.csv"
    /usr/bin/time -f '%e %M' -o "$w/t" node "$here/duckdb/duckdb.mjs" "$d/ev.csv" "$runs" >"$d/cd" 2>>"$log" ||
      echo "bench: DuckDB failed (see $log)" >&2
    rm -f "$d/ev.csv"
    for wl in "kind:kind:count of kind = visit (at.count)" "kind_actor:kind_actor:count of kind and actor (at.count)" \
      "window_status:window_status:count of a year's window and status (at.count)" \
      "per_actor_tally:per_actor:events per actor (at.tally)" \
      "per_actor:per_actor:events per actor (a Lua loop)" \
      "kind_year_window_tally:kind_year_window:events per kind and year, 2010-19 (at.tally)" \
      "kind_year_window:kind_year_window:events per kind and year, 2010-19 (a Lua loop)"; do
      k=${wl%%:*}
      dk=${wl#*:}
      dk=${dk%%:*}
      set -- $(awk -v k="$k" '$1 == k { print $2, $3 }' "$d/ca") $(awk -v k="$dk" '$1 == k { print $2, $3 }' "$d/cd")
      row "$n" "${wl##*:}" "${1:-0}" "${3:-0}" "DuckDB SQL, in memory" ms
      [ "${2:-a}" = "${4:-b}" ] || note "$n" "WARNING: $k: attache answers ${2:-nothing}, DuckDB ${4:-nothing}" ""
    done
    note "$n" "DuckDB: loading the CSV $(awk '$1 == "load" { print $2 }' "$d/cd") ms; peak RSS of its run $(($(cut -d' ' -f2 "$w/t") / 1024)) MB" ""
    # Both runs hold every workload, the Lua loops over every event too.
    rss_row "$n" "counts and group counts, the whole run" "$(cut -d' ' -f2 "$w/tc")" "$(cut -d' ' -f2 "$w/t")" \
      "DuckDB (node), loading the CSV too"
  else
    note "$n" "DuckDB: not installed (make bench-deps: npm install in bench/duckdb)" ""
  fi

  # -- reminders: planning, and a year's replay against Remind
  mkdir -p "$d/empty"
  echo '-- nothing' >"$d/empty/empty.lua"
  # The reminders planned are those of the four weeks ahead of the clock
  # (docs/daemon.md, "Reminders"): planned at a date amid the data.
  z=2012-03-10T00:00:00Z
  # SCRIPTS NOW UNTIL: on a fresh copy of the store, in memory (see
  # docs/performance.md: each alert is synced to the store's alert log, and
  # a year's replay on disk measures the disk)
  serve() {
    rm -rf "$shm/run"; cp -R "$d/store" "$shm/run"
    wall "$att" --store "$shm/run" serve --scripts "$1" --now "$2" --until "$3" --no-state -q
  }
  po= pp=
  i=0
  while [ $i -lt "$runs" ]; do
    i=$((i + 1))
    po="$po $(serve "$d/empty" $z $z)"
    ro=$(cat "$w/rss")
    pp="$pp $(serve "$here/remind" $z $z)"
    rp=$(cat "$w/rss")
  done
  plan=$(awk -v a="$(echo "$pp" | median)" -v b="$(echo "$po" | median)" 'BEGIN { printf "%.3f", a - b }')
  rm -rf "$shm/run"; cp -R "$d/store" "$shm/run"
  pend=$("$att" --store "$shm/run" serve --scripts "$here/remind" --now $z --until $z --no-state -v 2>&1 |
    sed -n 's/.*: \([0-9]*\) events\{0,1\} with reminders.*/\1/p' | tail -n 1)
  note "$n" "reminders: planning the 4 weeks after $z, ${pend:-?} events with 2 leads (serve with the script - without) ${plan}s; RSS $((rp / 1024)) MB" ""
  rss_row "$n" "planning reminders 4 weeks ahead (${pend:-?} events pending)" "$rp" "$ro" "the same serve with no script"
  y0=$(serve "$here/remind" 2024-01-01 2024-01-01)
  y1=$(serve "$here/remind" 2024-01-01 2024-12-31)
  ry=$(cat "$w/rss")
  alerts=$(grep -c . "$w/out" || true)
  "$bin/gen" "$n" --format remind --icews "$shared/icews-2018-sample.tab" >"$d/rem"
  if have remind; then
    rr=
    for day in "15 Jan 2024" "3 Apr 2024" "20 Jun 2024" "9 Sep 2024" "28 Nov 2024"; do
      [ "$(echo "$rr" | wc -w)" -ge "$remind_days" ] && break
      rr="$rr $(wall remind -q "$d/rem" $day)"
    done
    rday=$(echo "$rr" | median)
    rss_row "$n" "year replay, 2 reminders/event" "$ry" "$(cat "$w/rss")" "Remind: one daily run"
    ryear=$(awk -v a="$rday" 'BEGIN { printf "%.2f", a * 366 }')
    row "$n" "year replay, 2 reminders/event ($alerts alerts)" "$y1" "$ryear" "Remind: 366 daily runs (median of $remind_days x 366)"
    note "$n" "attache: start-up and planning at 2024-01-01 ${y0}s of the ${y1}s; Remind: one daily run ${rday}s" ""
    if [ "$n" -le "$remind_cal_max" ]; then
      rc=$(wall remind -s12 -q "$d/rem" 1 Jan 2024)
      row "$n" "year replay vs a 12-month calendar" "$y1" "$rc" "Remind -s12"
    fi
  else
    row "$n" "year replay, 2 reminders/event ($alerts alerts)" "$y1" "0" "Remind: not installed"
  fi
  # -- the daemon's loop while the store compacts: bulk.lua adds 4,200
  # events in one batch, which makes the journal long; the daemon (also
  # planning every event's reminders, for a realistic size) starts
  # `attache compact` in a child.  The loop's stall is what starting the
  # child cost it; the peer is the same compaction done on the loop, as
  # every writer but the daemon does it.
  mkdir -p "$d/bulk"
  cp "$src/tests/daemon/bulk.lua" "$here/remind/remind.lua" "$d/bulk/"
  rm -rf "$shm/run"; cp -R "$d/store" "$shm/run"
  "$att" --store "$shm/run" serve --scripts "$d/bulk" --now 2024-01-01 --until 2024-01-01T00:00:01Z \
    --no-state --max-instructions 0 >/dev/null 2>"$d/bulk.log" || true
  stall=$(sed -n 's/.*compacting in a child process (pid [0-9]*, started in \([0-9.]*\) ms).*/\1/p' "$d/bulk.log")
  child=$(sed -n 's/.*compaction finished in \([0-9]*\) ms.*/\1/p' "$d/bulk.log")
  if [ -n "$stall" ] && [ -n "$child" ]; then
    row "$n" "daemon loop stall while the store compacts" "$stall" "$child" "the compaction on the loop (what the child took)" ms
  else
    note "$n" "daemon compaction: no figures (log: $(tail -n 3 "$d/bulk.log" | tr '\n' ' '))" ""
  fi
  rm -rf "$shm/run"

  # -- one command on the store (process start to exit)
  cp -R "$d/store" "$d/cmd"
  mid=$((n / 2))
  hmed 3 "$((runs * 4))" \
    "$att --store $d/cmd add --title bench --when 2024-05-01 --actor Japan" \
    "sqlite3 $d/db \"INSERT INTO ev(title, edtf, start, end, json) VALUES('bench', '2024-05-01', 1714521600, 1714607999, '{}')\"" \
    "$att --store $d/cmd get $mid" \
    "sqlite3 -readonly $d/db 'SELECT json FROM ev WHERE id = $mid'" \
    "$att --store $d/cmd list --from 2019-03-01 --to 2019-03-07 --actor Japan" \
    "sqlite3 -readonly $d/db \"SELECT ev.json FROM actor JOIN ev ON ev.id = actor.ev WHERE actor.actor = 'Japan' AND ev.start <= 1552003199 AND ev.end >= 1551398400\""
  set -- $(hmed_csv)
  row "$n" "CLI add (durable)" "${1:-0}" "${2:-0}" "sqlite3 CLI insert"
  row "$n" "CLI get by id" "${3:-0}" "${4:-0}" "sqlite3 CLI"
  row "$n" "CLI list week+actor" "${5:-0}" "${6:-0}" "sqlite3 CLI"
  rss_row "$n" "CLI add (durable)" "$(rss_of "$att" --store "$d/cmd" add --title bench --when 2024-05-01 --actor Japan)" \
    "$(rss_of sqlite3 "$d/db" "INSERT INTO ev(title, edtf, start, end, json) VALUES('bench', '2024-05-01', 1714521600, 1714607999, '{}')")" \
    "sqlite3 CLI insert"
  rss_row "$n" "CLI get by id" "$(rss_of "$att" --store "$d/cmd" get "$mid")" \
    "$(rss_of sqlite3 -readonly "$d/db" "SELECT json FROM ev WHERE id = $mid")" "sqlite3 CLI"
  rss_row "$n" "CLI list week+actor" "$(rss_of "$att" --store "$d/cmd" list --from 2019-03-01 --to 2019-03-07 --actor Japan)" \
    "$(rss_of sqlite3 -readonly "$d/db" "SELECT ev.json FROM actor JOIN ev ON ev.id = actor.ev WHERE actor.actor = 'Japan' AND ev.start <= 1552003199 AND ev.end >= 1551398400")" \
    "sqlite3 CLI"
  c_add=${1:-0} c_list=${5:-0}
  if have task; then
    tn=$n; [ "$tn" -gt "$task_max" ] && tn=$task_max
    tw=$d/task; rm -rf "$tw"; mkdir -p "$tw"
    printf 'data.location=%s\nconfirmation=off\nverbose=nothing\nhooks=off\nrecurrence=off\nnews.version=2.6.0\n' "$tw" >"$tw/rc"
    sqlite3 "$d/db" "SELECT json_object('description', ev.title, 'status', 'pending',
        'project', replace((SELECT actor FROM actor WHERE actor.ev = ev.id LIMIT 1), ' ', '_'),
        'due', strftime('%Y%m%dT%H%M%SZ', ev.start, 'unixepoch'))
      FROM ev WHERE id <= $tn" >"$tw/import.json"
    export TASKRC=$tw/rc
    task import "$tw/import.json" >/dev/null 2>>"$log"
    hmed 2 "$((runs * 2))" \
      "task add bench due:2024-05-01 project:Japan" \
      "task project:Japan due.after:2019-03-01 due.before:2019-03-08 list"
    set -- $(hmed_csv)
    row "$n" "CLI add vs Taskwarrior ($tn tasks)" "$c_add" "${1:-0}" "task add"
    row "$n" "CLI list vs Taskwarrior ($tn tasks)" "$c_list" "${2:-0}" "task list"
    unset TASKRC
    rm -rf "$tw"
  else
    note "$n" "Taskwarrior: not installed (apt-get install taskwarrior)" ""
  fi

  # -- durable adds through the C API, batches, compaction
  "$bin/peer_attache" adds "$d/cmd" 500 >"$d/ad" 2>>"$log" || true
  sed 's/^/  /' "$d/ad" >>"$w/notes.$n"
  rc=$(sed -n 's/.*compaction of [0-9]* events: [0-9.]* s; peak RSS \([0-9]*\) KB.*/\1/p' "$d/ad")
  [ -n "$rc" ] && row "$n" "peak RSS, compaction (att_store_compact)" "$(mb "$rc")" "-" "(no peer)" MB
  rm -rf "$d/cmd"

  # -- history (issue 15): the same events changed twice over, compacted
  # every 65,536 changes; as-of queries against the present, the
  # history's size, and compaction with history against compaction
  # without.  From 1M events once over, compacted every 131,072 changes
  # (issue 15's workload took 8 minutes there: BENCH_HISTORY_FULL=1)
  per=2 every=65536
  if [ "$n" -ge 1000000 ] && [ -z "${BENCH_HISTORY_FULL:-}" ]; then per=1 every=131072; fi
  rm -rf "$d/hist" "$d/hist.bare"
  "$bin/history" "$d/hist" "$d/ev.jsonl" "$d/q.tsv" "$per" "$every" >"$d/hi" 2>>"$log" ||
    echo "bench: history failed" >&2
  hp=$(sed -n 's/.*present \([0-9.]*\) us\/query.*/\1/p' "$d/hi")
  ha=$(sed -n 's/.*times \([0-9.]*\) us\/query.*/\1/p' "$d/hi")
  row "$n" "as-of query, $((per * n)) updates kept, compacted every $every (mean of 5 times)" "$ha" "$hp" "the same query on the present" us
  hc=$(sed -n 's/.*with history \([0-9.]*\) s.*/\1/p' "$d/hi")
  hb=$(sed -n 's/.*without \([0-9.]*\) s.*/\1/p' "$d/hi")
  row "$n" "compaction with history (median of 3)" "$hc" "$hb" "compaction without history"
  note "$n" "$(sed -n 's/^history: //p' "$d/hi")" ""
  rm -rf "$d/hist" "$d/hist.bare"

  # -- memory
  "$bin/peer_attache" rss "$d/store" "$d/q.tsv" >"$d/ma" 2>>"$log"
  "$bin/peer_sqlite" rss "$d/db" "$d/q.tsv" >"$d/ms" 2>>"$log"
  ro=$(sed -n 's/.*open [0-9.]* s, RSS \([0-9]*\) KB.*/\1/p' "$d/ma")
  rq=$(sed -n 's/.*first query [0-9]* hits, [0-9.]* s, RSS \([0-9]*\) KB.*/\1/p' "$d/ma")
  ra=$(sed -n 's/.*read: RSS \([0-9]*\) KB.*/\1/p' "$d/ma")
  pe=$(sed -n 's/.* \([0-9]*\) bytes\/event beyond.*/\1/p' "$d/ma")
  rsq=$(sed -n 's/.*; RSS \([0-9]*\) KB.*/\1/p' "$d/ms")
  row "$n" "RSS after open + 1 query" "$(awk -v k="$rq" 'BEGIN { printf "%.1f", k / 1024 }')" "$(awk -v k="$rsq" 'BEGIN { printf "%.1f", k / 1024 }')" "SQLite C" MB
  note "$n" "attache RSS: open $((ro / 1024)) MB; every event read $((ra / 1024)) MB = $pe bytes/event beyond its JSON text (JSONL $((jsize / 1048576)) MB)" ""
  while read -r l; do note "$n" "$l" ""; done <"$w/notes.$n"

  rm -rf "$d"
done

echo
{
  echo "| events | workload | attache | peer | peer is | ratio (peer / attache) |"
  echo "|---:|---|---:|---:|---|---:|"
  awk -F'\t' '$3 != "" { printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }' "$res"
  echo
  awk -F'\t' '$3 == "" && $4 == "" { printf "- %s: %s\n", $1, $2 }' "$res"
} | tee "${BENCH_OUT:-/dev/null}"
echo
echo "(ratio above 1: attache is faster or smaller by that factor; figures of"
echo " one machine, one run; the log of the peers is kept in BENCH_LOG if set)"
[ -n "${BENCH_LOG:-}" ] && cp "$log" "$BENCH_LOG"
if [ -s "$w/failed" ]; then
  echo "bench: $(wc -l <"$w/failed" | tr -d ' ') command(s) failed, their rows say \"failed\":" >&2
  sed 's/^/  /' "$w/failed" >&2
  exit 1
fi
exit 0
