#!/bin/sh
# The HTTP API under load (issue 16): wrk against `attache serve --listen`
# on a store of N generated events, and, as the peer, nginx serving the
# very same answers as static files (one worker, as the daemon is one
# loop): what this machine's HTTP costs with no work behind it.  Both in
# one run, with the ratio.  Then writes (POST /v1/events) from 16
# connections, each one durable before its 201, and the longest any
# read and any write held the daemon's loop (its log, at exit), and how
# many syncs the writes shared.  The peer of those stalls: how long the
# machine itself stopped a real-time sleeper on each CPU meanwhile
# (late.py), and whether it did while the longest read or write ran,
# and while each request the daemon logged as slow (over 10 ms).
#
#   sh bench/http.sh BUILD_DIR [N]      (N: default 100000)
#
#   BENCH_HTTP_SECONDS  each wrk run (default 10)
#   BENCH_DIR           where the store goes (default /var/tmp: a real disk)
set -eu
build=$(cd "${1:?usage: sh bench/http.sh BUILD_DIR [N]}" && pwd)
n=${2:-100000}
att=$build/attache
here=$(cd "$(dirname "$0")" && pwd)
secs=${BENCH_HTTP_SECONDS:-10}
for t in wrk nginx; do
  command -v $t >/dev/null || [ -x /usr/sbin/$t ] || { echo "bench: $t is needed (make bench-deps)"; exit 1; }
done
nginx=$(command -v nginx || echo /usr/sbin/nginx)
work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/attache-http.XXXXXX")
dpid= npid=
cleanup() {
  [ -n "$dpid" ] && kill -TERM "$dpid" 2>/dev/null || true
  [ -n "$npid" ] && kill -TERM "$npid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "# the store: $n events"
sh "$here/gen.sh" "$n" >"$work/events.jsonl"
"$att" --store "$work/store" init >/dev/null
"$att" --store "$work/store" import "$work/events.jsonl" >/dev/null
tok=$("$att" --store "$work/store" user add bench --role editor 2>/dev/null)
mkdir -p "$work/scripts"
"$att" --store "$work/store" serve --scripts "$work/scripts" --listen 127.0.0.1:0 \
  --rate-limit 1000000 2>"$work/d.err" &
dpid=$!
i=0
until grep -q "listening on http" "$work/d.err" 2>/dev/null; do
  i=$((i + 1))
  [ $i -lt 600 ] || { echo "bench: the daemon did not start"; cat "$work/d.err"; exit 1; }
  sleep 0.1
done
port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/d.err")

agenda="/v1/agenda?from=2015-03-01&days=30"
events="/v1/events?actor=India&from=2015-01-01&to=2015-03-31"

# The peer: nginx with the same answers as files.
mkdir -p "$work/www/v1" "$work/nginx"
curl -sf -H "Authorization: Bearer $tok" "http://127.0.0.1:$port$agenda" >"$work/www/v1/agenda.json"
curl -sf -H "Authorization: Bearer $tok" "http://127.0.0.1:$port$events" >"$work/www/v1/events.json"
# (nginx's worker may run as another user: the files are readable.)
chmod 755 "$work"
chmod -R a+rX "$work/www"
# A port that may be taken by another program: the next one is tried.
for try in 1 2 3 4 5 6 7 8; do
nport=$((port + try))
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$nport;
    default_type application/json;
    location /v1/ { root $work/www; try_files /v1/agenda.json =404; }
    location = /v1/events { root $work/www; try_files /v1/events.json =404; }
  }
}
EOF
"$nginx" -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>"$work/nginx/stderr" &
npid=$!
i=0
until curl -sf "http://127.0.0.1:$nport/v1/agenda" >/dev/null 2>&1; do
  i=$((i + 1))
  if ! kill -0 "$npid" 2>/dev/null; then npid=; break; fi  # it stopped: the port was taken
  [ $i -lt 100 ] || { echo "bench: nginx did not start"; cat "$work/nginx/stderr" "$work/nginx/error.log"; exit 1; }
  sleep 0.1
done
[ -z "$npid" ] || break
done
[ -n "$npid" ] || { echo "bench: nginx did not start"; cat "$work/nginx/stderr"; exit 1; }
echo "# $(wc -c <"$work/www/v1/agenda.json") bytes of agenda, $(wc -c <"$work/www/v1/events.json") of events"

# wrk, read: requests/s, p50 and p99 (ms), non-2xx answers
measure() { # URL [wrk args]
  url=$1
  shift
  wrk -t2 -c16 -d"${secs}s" --latency "$@" "$url" >"$work/wrk.out" 2>&1 || true
  awk '
    /Requests\/sec:/ { rps = $2 }
    /^ *50%/ { p50 = $2 } /^ *99%/ { p99 = $2 }
    /Non-2xx/ { bad = $NF }
    /Socket errors/ { err = $0 }
    function ms(x) { if (x ~ /us$/) return x / 1000; if (x ~ /ms$/) return x + 0; if (x ~ /s$/) return x * 1000; return x }
    END { printf "%.0f %.2f %.2f %d\n", rps, ms(p50), ms(p99), bad + 0 }' "$work/wrk.out"
}

# The peer of the loop's stalls: how long this machine itself stopped a
# real-time sleeper on each CPU meanwhile (bench/late.py).
lpids=
for cpu in 0 1; do
  python3 "$here/late.py" $((secs * 5 + 5)) $cpu >"$work/late.$cpu" 2>&1 &
  lpids="$lpids $!"
done
printf '%-34s %22s %22s %8s\n' "workload (wrk -t2 -c16 -d${secs}s)" "attache req/s p50 p99" \
  "nginx req/s p50 p99" "ratio"
for w in agenda events; do
  eval "path=\$$w"
  set -- $(measure "http://127.0.0.1:$port$path" -H "Authorization: Bearer $tok")
  a_rps=$1 a50=$2 a99=$3 a_bad=$4
  set -- $(measure "http://127.0.0.1:$nport/v1/$w")
  n_rps=$1 n50=$2 n99=$3
  ratio=$(awk -v a="$a_rps" -v b="$n_rps" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
  printf '%-34s %8s %6s %6s ms %8s %6s %6s ms %7sx\n' "GET $w" "$a_rps" "$a50" "$a99" "$n_rps" "$n50" "$n99" "$ratio"
  [ "$a_bad" = 0 ] || echo "#   $a_bad answers were not 2xx"
done

# Writes: each a durable add (the store's commit) before its 201.
before=$("$att" --store "$work/store" list --json --limit 1000000 --text "wrk write" 2>/dev/null | wc -l)
# A write that finds the store held by a compaction (a child process) is
# answered 503 at once (docs/http.md): counted apart.
cat >"$work/post.lua" <<EOF
wrk.method = "POST"
wrk.body = '{"title": "wrk write", "when": "2024-05-01", "actors": ["India"]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $tok"
local threads = {}
function setup(t) table.insert(threads, t) end
function init(args) created, busy, other = 0, 0, 0 end
function response(status, headers, body)
  if status == 201 then created = created + 1
  elseif status == 503 then busy = busy + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local c, b, o = 0, 0, 0
  for _, t in ipairs(threads) do c, b, o = c + t:get("created"), b + t:get("busy"), o + t:get("other") end
  io.write(string.format("statuses: %d %d %d\\n", c, b, o))
end
EOF
set -- $(measure "http://127.0.0.1:$port/v1/events" -s "$work/post.lua")
printf '%-34s %8s %6s %6s ms %22s\n' "POST /v1/events (adds)" "$1" "$2" "$3" "(nginx: no writes)"
set -- $(sed -n 's/^statuses: //p' "$work/wrk.out")
echo "#   $1 answered 201 ($(($1 / secs)) acknowledged adds a second), $2 answered 503 while a compaction" \
  "held the store, $3 other"
kill -TERM "$dpid"
wait "$dpid" || true
dpid=
after=$("$att" --store "$work/store" list --json --limit 1000000 --text "wrk write" 2>/dev/null | wc -l)
echo "# $((after - before)) events added by the write run, all in the store after it"
grep -o "served .*" "$work/d.err" | sed 's/^/# /'
grep -o "acknowledged .* syncs* to disk" "$work/d.err" | sed 's/^/# /'
wait $lpids # the sleepers
grep -h "^cpu " "$work/late.0" "$work/late.1" | awk '{ printf "#   a sleeper on cpu %s (%s priority) was late by up to %s ms, %s times over 5 ms\n", $2, $3, $5, $7 }'
# Beside each of the daemon's longest, what the sleepers saw then: a stop
# of the machine that overlaps it is not the loop's own.
day=$(date -u +%Y-%m-%d)
for kind in read write; do
  line=$(grep -o "the longest $kind[^;]*" "$work/d.err" | head -1)
  ms=$(echo "$line" | sed -n 's/.* \([0-9.]*\) ms (.*/\1/p')
  at=$(echo "$line" | sed -n 's/.*, at \([0-9:.]*\)Z.*/\1/p')
  [ -n "$ms" ] && [ -n "$at" ] || continue
  end=$(date -u -d "$day $at" +%s.%N)
  # (a run across midnight: the time was of the day before)
  end=$(awk -v e="$end" -v now="$(date -u +%s)" 'BEGIN { printf "%.3f", (e > now + 1) ? e - 86400 : e }')
  cat "$work/late.0" "$work/late.1" | awk -v end="$end" -v ms="$ms" -v kind="$kind" '
    /^late / { s = $3; e = $3 + (5 + $2) / 1000
               if (s < end && e > end - ms / 1000 && $2 > stop) stop = $2 }
    END { printf "# the longest %s (%s ms): the machine stopped a sleeper %s\n", kind, ms,
                 stop ? "for " stop " ms meanwhile" : "for under 5 ms meanwhile" }'
done
# Every request the daemon logged as slow (over 10 ms on the loop; at
# most a line a second, the rest counted): how many of them the machine
# stopped a sleeper during, which is then a stop of the machine.
grep "slow request: " "$work/d.err" | sed -n 's/.* held the loop \([0-9.]*\) ms (\([0-9.]*\) ms on the CPU), ended at \([0-9:.]*\)Z\(.*\)/\1 \2 \3 \4/p' |
  while read -r ms cpu at rest; do
    end=$(date -u -d "$day $at" +%s.%N)
    end=$(awk -v e="$end" -v now="$(date -u +%s)" 'BEGIN { printf "%.3f", (e > now + 1) ? e - 86400 : e }')
    more=$(echo "$rest" | sed -n 's/.*(and \([0-9]*\) more.*/\1/p')
    cat "$work/late.0" "$work/late.1" | awk -v end="$end" -v ms="$ms" -v more="${more:-0}" '
      /^late / { s = $3; e = $3 + (5 + $2) / 1000
                 if (s < end && e > end - ms / 1000 && $2 > stop) stop = $2 }
      END { print (stop ? 1 : 0), more }'
  done | awk '{ n++; m += $1; more += $2 }
    END { if (n) printf "# %d requests logged as slow (over 10 ms; %d more counted, not timed): the machine stopped a sleeper during %d of the %d\n", n, more, m, n
          else print "# no request held the loop over 10 ms" }'
