#!/bin/sh
# Concurrency (docs/reliability.md): 8 command-line writers x 5,000 adds on
# one store, each writer running `attache import` on batches of 500 events
# (each import is one acknowledged batch), while `attache serve` (the real
# clock) runs an at.on("add") rule that prints every id it sees, and two
# readers run `attache list --json` in a loop.  Then: 40,000 events stored,
# each key once; the rule saw each id exactly once; every line every reader
# got parsed as a whole event.  Polls with deadlines only, no fixed sleeps.
# Under a wrapper (valgrind, ATT_WRAP) 8 x 500.
. "$(dirname "$0")/lib.sh"
need python3

W=8
if [ -n "${ATT_WRAP:-}" ]; then PER=500 BATCH=250
else PER=5000 BATCH=500; fi
POLLS=$((WAIT_S * 20)) # 0.05 s each
# Writers queue for the store's lock behind each other and the compactor;
# on a loaded machine (ASan, CI) a turn can outlast the default 30 s, and
# what is tested here is that no write is lost, not how fast a turn comes.
export ATTACHE_LOCK_WAIT=$WAIT_S
TOTAL=$((W * PER))
S=$TMP/scripts
mkdir -p "$S"
cat >"$S/seen.lua" <<'LUA'
local at = require "attache"
at.on("add", function(ev) print("seen", ev.id, ev.key) end)
LUA
new_store

# The batches: writer w, batch b: keys w<w>-<i>.
python3 - "$TMP" "$W" "$PER" "$BATCH" <<'PY'
import json, sys
tmp, w, per, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
for k in range(w):
    for b in range(per // batch):
        with open("%s/w%d-b%d.jsonl" % (tmp, k, b), "w") as f:
            for i in range(b * batch, (b + 1) * batch):
                f.write(json.dumps({"title": "writer %d event %d" % (k, i), "when": "2024-%02d" % (1 + i % 12),
                                    "key": "w%d-%d" % (k, i), "actors": ["KHM", "W%d" % k]}) + "\n")
PY

${ATT_WRAP:-} "$ATT" --store "$STORE" serve --scripts "$S" >"$TMP/seen.out" 2>"$TMP/serve.err" &
SPID=$!
i=0
until grep -q "seen.lua: loaded" "$TMP/serve.err" 2>/dev/null; do
  kill -0 $SPID 2>/dev/null || fail "attache serve ended: $(cat "$TMP/serve.err")"
  i=$((i + 1)); [ $i -le $POLLS ] || fail "attache serve did not load the script"
  sleep 0.05
done

# Readers: `attache list --json` in a loop until told to stop; every line
# must parse.
cat >"$TMP/reader.py" <<'PY'
import json, os, subprocess, sys
att, store, stop, wrap = sys.argv[1], sys.argv[2], sys.argv[3], os.environ.get("ATT_WRAP", "").split()
runs = lines = 0
while not os.path.exists(stop):
    p = subprocess.run(wrap + [att, "--store", store, "list", "--json"], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("list failed: " + p.stderr)
    for l in p.stdout.splitlines():
        o = json.loads(l)
        if not isinstance(o, dict) or "id" not in o or "title" not in o or "key" not in o:
            sys.exit("half an event: " + l)
        lines += 1
    runs += 1
print(runs, lines)
PY
python3 "$TMP/reader.py" "$ATT" "$STORE" "$TMP/stop" >"$TMP/r1.out" 2>"$TMP/r1.err" &
R1=$!
python3 "$TMP/reader.py" "$ATT" "$STORE" "$TMP/stop" >"$TMP/r2.out" 2>"$TMP/r2.err" &
R2=$!

pids=""
for k in $(seq 0 $((W - 1))); do
  (
    for f in "$TMP"/w$k-b*.jsonl; do
      ${ATT_WRAP:-} "$ATT" --store "$STORE" import "$f" >/dev/null 2>>"$TMP/w$k.err" || { echo "import $f failed" >>"$TMP/w$k.err"; exit 1; }
    done
  ) &
  pids="$pids $!"
done
for p in $pids; do
  wait $p || fail "a writer failed: $(cat "$TMP"/w*.err)"
done
touch "$TMP/stop"
wait $R1 || fail "reader 1: $(cat "$TMP/r1.err")"
wait $R2 || fail "reader 2: $(cat "$TMP/r2.err")"

# The rule sees every add (the daemon polls the store every second).
i=0
while :; do
  n=$(grep -c '^seen' "$TMP/seen.out" 2>/dev/null) || n=${n:-0}
  [ "$n" -ge $TOTAL ] && break
  kill -0 $SPID 2>/dev/null || fail "attache serve ended: $(tail -5 "$TMP/serve.err")"
  i=$((i + 1)); [ $i -le $POLLS ] || fail "the rule saw $n of $TOTAL adds"
  sleep 0.1
done
kill -TERM $SPID
RC=0
wait $SPID || RC=$?
[ "$RC" = 0 ] || fail "serve exited $RC on SIGTERM: $(tail -5 "$TMP/serve.err")"

ok export --format jsonl
res=$(python3 - "$TMP/out" "$TMP/seen.out" "$TOTAL" "$TMP/r1.out" "$TMP/r2.out" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
total = int(sys.argv[3])
bad = []
ids = [e["id"] for e in evs]
keys = [e["key"] for e in evs]
if len(evs) != total: bad.append("%d events stored, want %d" % (len(evs), total))
if len(set(ids)) != len(ids): bad.append("duplicate ids")
if len(set(keys)) != len(keys): bad.append("duplicate keys")
seen = {}
for l in open(sys.argv[2], encoding="utf-8"):
    f = l.split("\t")
    if f[0] == "seen":
        seen[int(f[1])] = seen.get(int(f[1]), 0) + 1
twice = [i for i, n in seen.items() if n > 1]
if twice: bad.append("%d ids seen more than once by the rule" % len(twice))
missing = set(ids) - set(seen)
if missing: bad.append("%d ids never seen by the rule" % len(missing))
reads = [open(p).read().split() for p in sys.argv[4:6]]
if bad:
    print("; ".join(bad)); sys.exit(1)
print("%d events, each seen once by the rule; readers: %s list runs, %s lines, all whole"
      % (len(evs), int(reads[0][0]) + int(reads[1][0]), int(reads[0][1]) + int(reads[1][1])))
PY
) || fail "$res"
echo "concurrency: $res" >&2
done_ok
