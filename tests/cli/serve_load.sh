#!/bin/sh
# The load run of bench/http.sh in a short version (issue 16): wrk with
# 16 connections against `attache serve --listen` on a small store, reads
# of the agenda and of a filtered list, then adds.  Every read must be
# 2xx with no socket error, every add 201 or 503 (a compaction holds the
# store), every add answered 201 must be in the store afterwards (an add
# still in flight when wrk stops may be there too: at most one per
# connection), and the daemon must have released each 201 after a sync.  The figures are bench/http.sh's
# (docs/performance.md), not this test's: nothing here is timed.
. "$(dirname "$0")/lib.sh"
need wrk
need python3

new_store
python3 - >"$TMP/events.jsonl" <<'EOF'
import json
actors = ["KHM", "JPN", "USA", "FRA", "CHN"]
for i in range(2000):
    m = 1 + i % 12
    ev = {"title": "Event %d" % i, "when": "2024-%02d-%02d" % (m, 1 + i % 28), "kind": "meeting",
          "actors": [actors[i % 5]]}
    if i % 100 == 0:
        ev["recur"] = "FREQ=MONTHLY"
    print(json.dumps(ev))
EOF
ok import "$TMP/events.jsonl"
ok user add loader --role editor
TOK=$(cat "$TMP/out")
S=$TMP/scripts
mkdir -p "$S"
${ATT_WRAP:-} "$ATT" --store "$STORE" serve --scripts "$S" --listen 127.0.0.1:0 --rate-limit 1000000 \
  >"$TMP/d.out" 2>"$TMP/d.err" &
DPID=$!
wait_for "$TMP/d.err" "listening on http" "the daemon did not start"
PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$TMP/d.err")
URL=http://127.0.0.1:$PORT

# load PATH [wrk args]: 2 s of wrk, 16 connections; all answers 2xx.
load() {
  path=$1
  shift
  wrk -t1 -c16 -d2s "$@" "$URL$path" >"$TMP/wrk.out" 2>&1 || fail "wrk $path: $(cat "$TMP/wrk.out")"
  NCHECKS=$((NCHECKS + 1))
  ! grep -q "Non-2xx" "$TMP/wrk.out" || fail "wrk $path: answers that are not 2xx: $(cat "$TMP/wrk.out")"
  ! grep -q "Socket errors" "$TMP/wrk.out" || fail "wrk $path: socket errors: $(cat "$TMP/wrk.out")"
  DONE=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$TMP/wrk.out")
  [ "${DONE:-0}" -gt 0 ] || fail "wrk $path: no request answered: $(cat "$TMP/wrk.out")"
  echo "# $path: $DONE requests in 2 s"
}
load "/v1/agenda?from=2024-03-01&days=30" -H "Authorization: Bearer $TOK"
load "/v1/events?actor=KHM&from=2024-01-01&to=2024-06-30" -H "Authorization: Bearer $TOK"
# Adds: 201, or 503 while a compaction holds the store (the write is
# refused at once rather than held on the loop; docs/http.md): nothing
# else.  wrk's script counts each status.
cat >"$TMP/post.lua" <<EOF
wrk.method = "POST"
wrk.body = '{"title": "wrk write", "when": "2024-05-01", "actors": ["KHM"]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOK"
local threads = {}
function setup(t) table.insert(threads, t) end
function init(args) created, busy, other = 0, 0, 0 end
function response(status, headers, body)
  if status == 201 then created = created + 1
  elseif status == 503 then busy = busy + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    io.write(string.format("statuses: %d %d %d\\n", t:get("created"), t:get("busy"), t:get("other")))
  end
end
EOF
wrk -t1 -c16 -d2s -s "$TMP/post.lua" "$URL/v1/events" >"$TMP/wrk.out" 2>&1 || fail "wrk adds: $(cat "$TMP/wrk.out")"
! grep -q "Socket errors" "$TMP/wrk.out" || fail "wrk adds: socket errors: $(cat "$TMP/wrk.out")"
set -- $(sed -n 's/^statuses: //p' "$TMP/wrk.out")
[ $# = 3 ] || fail "wrk adds: no count of statuses: $(cat "$TMP/wrk.out")"
DONE=$1
[ "$3" = 0 ] || fail "wrk adds: $3 answers neither 201 nor 503: $(cat "$TMP/wrk.out")"
[ "$DONE" -gt 0 ] || fail "wrk adds: none answered 201: $(cat "$TMP/wrk.out")"
NCHECKS=$((NCHECKS + 1))
echo "# /v1/events (adds): $DONE answered 201, $2 answered 503 (the store held by a compaction)"
kill -TERM "$DPID"
wait_exit "$DPID" "the daemon, after SIGTERM,"
wait "$DPID" || fail "the daemon exited $?: $(tail -5 "$TMP/d.err")"
ok list --text "wrk write" --json --limit 100000
HAVE=$(wc -l <"$TMP/out" | tr -d ' ')
[ "$HAVE" -ge "$DONE" ] && [ "$HAVE" -le $((DONE + 16)) ] ||
  fail "wrk counted $DONE adds answered; the store has $HAVE"
echo "# $DONE adds answered 201, $HAVE in the store"
# Each answered add waited for a sync of the journal (group commit): the
# daemon counts the answers it released after a sync; wrk may have
# dropped some when it stopped (at most one per connection).
set -- $(sed -n 's/.*acknowledged \([0-9]*\) writes* after \([0-9]*\) syncs* to disk.*/\1 \2/p' "$TMP/d.err")
[ $# = 2 ] || fail "the daemon's log does not say how many writes it acknowledged: $(tail -3 "$TMP/d.err")"
[ "$1" -ge "$DONE" ] && [ "$1" -le $((DONE + 16)) ] && [ "$2" -ge 1 ] && [ "$2" -le "$1" ] ||
  fail "wrk counted $DONE adds answered; the daemon acknowledged $1 after $2 syncs"
NCHECKS=$((NCHECKS + 1))
grep -o "served .*" "$TMP/d.err" | sed 's/^/# /'
grep -o "acknowledged .* to disk" "$TMP/d.err" | sed 's/^/# /'
ok fsck
done_ok
