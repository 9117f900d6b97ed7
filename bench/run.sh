#!/bin/sh
# Benchmarks of one command on a large store, attache against SQLite (the
# sqlite3 command line on the same events, with indexes), in one run, with
# the ratio.  Not a test: it prints figures and fails nothing.
#
#   sh bench/run.sh BUILD_DIR        (BENCH_N events, default 1000000)
set -eu
build=${1:?usage: sh bench/run.sh BUILD_DIR}
att=$(cd "$build" && pwd)/attache
here=$(cd "$(dirname "$0")" && pwd)
n=${BENCH_N:-1000000}
w=$(mktemp -d "${TMPDIR:-/tmp}/attache-bench.XXXXXX")
trap 'rm -rf "$w"' EXIT INT TERM
for t in sqlite3 hyperfine; do
  command -v $t >/dev/null || { echo "bench: $t is needed (apt-get install $t)"; exit 1; }
done

echo "generating $n events"
sh "$here/gen.sh" "$n" >"$w/events.jsonl"
printf 'JSON Lines: %s bytes\n\n' "$(wc -c <"$w/events.jsonl")"

secs() { /usr/bin/time -f %e -o "$w/t" "$@" >/dev/null 2>&1; cat "$w/t"; }

"$att" --store "$w/store" init >/dev/null
t_att=$(secs "$att" --store "$w/store" import "$w/events.jsonl")
tr '\n' '\036' <"$w/events.jsonl" >"$w/events.rs"
cat >"$w/load.sql" <<SQL
PRAGMA journal_mode=WAL;
CREATE TABLE raw(j TEXT);
.mode ascii
.import $w/events.rs raw
CREATE TABLE ev(id INTEGER PRIMARY KEY, key TEXT UNIQUE, title TEXT, kind TEXT,
  status TEXT, ewhen TEXT, actors TEXT, json TEXT);
CREATE TABLE actor(id INTEGER, actor TEXT);
INSERT INTO ev(key, title, kind, status, ewhen, actors, json)
  SELECT json_extract(j,'\$.key'), json_extract(j,'\$.title'), json_extract(j,'\$.kind'),
         json_extract(j,'\$.status'), json_extract(j,'\$.when'), json_extract(j,'\$.actors'), j FROM raw;
INSERT INTO actor SELECT ev.id, je.value FROM ev, json_each(ev.actors) je;
CREATE INDEX ev_when ON ev(ewhen);
CREATE INDEX actor_a ON actor(actor, id);
DROP TABLE raw;
SQL
t_sql=$(secs sqlite3 "$w/db" ".read $w/load.sql")
echo "import of $n events:  attache ${t_att}s   sqlite3 ${t_sql}s"
echo

# One command each, process start to exit.
hyperfine -N --warmup 3 --runs ${BENCH_RUNS:-30} --export-csv "$w/h.csv" \
  -n "attache add" "$att --store $w/store add --title bench --when 2024-05-01 --actor KHM" \
  -n "sqlite3 insert" "sqlite3 $w/db \"INSERT INTO ev(title, ewhen, actors) VALUES('bench','2024-05-01','[\\\"KHM\\\"]')\"" \
  -n "attache get" "$att --store $w/store get $((n / 2))" \
  -n "sqlite3 get" "sqlite3 $w/db 'SELECT json FROM ev WHERE id = $((n / 2))'" \
  -n "attache get key" "$att --store $w/store get ev-$((n / 2))" \
  -n "sqlite3 get key" "sqlite3 $w/db \"SELECT json FROM ev WHERE key = 'ev-$((n / 2))'\"" \
  -n "attache list week+actor" "$att --store $w/store list --from 2001-03-01 --to 2001-03-07 --actor JPN" \
  -n "sqlite3 list week+actor" "sqlite3 $w/db \"SELECT ev.json FROM ev JOIN actor USING(id) WHERE actor = 'JPN' AND ewhen BETWEEN '2001-03-01' AND '2001-03-07~'\"" \
  >/dev/null 2>&1
echo "one command on a store of $n events (mean of ${BENCH_RUNS:-30} runs):"
awk -F, 'NR > 1 { name[NR] = $1; mean[NR] = $2 * 1000 }
  END { for (i = 2; i < NR; i += 2)
          printf "  %-26s %8.2f ms   %-26s %8.2f ms   ratio %.2f\n",
                 name[i], mean[i], name[i + 1], mean[i + 1], mean[i] / mean[i + 1] }' "$w/h.csv"
echo
echo "(sqlite3's week query compares EDTF text, which is not what a fuzzy date"
echo " means; attache answers the overlap of each event's bounds with the week.)"
echo
# The daemon's figures (reminders planned per second, memory per pending
# reminder, replay speed of the example rules).
sh "$here/daemon.sh" "$build"
