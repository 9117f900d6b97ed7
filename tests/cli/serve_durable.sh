#!/bin/sh
# A 2xx to a write means the write is on disk, and the loop never waits
# for the disk (issue 16; docs/http.md, group commit).  The daemon runs
# under strace while 8 clients add events over HTTP; then, from the
# system calls themselves:
#   - every add answered 201 was written to the journal (its id in a
#     pwrite), and a sync of the journal (fdatasync) that began after
#     that write and succeeded ended before its 201 was sent;
#   - no sync of the journal ran on the thread that serves the requests
#     (the loop): they ran on libuv's thread pool;
#   - every add answered is in the store after the daemon stops.
# Nothing here is timed; the order comes from strace's timestamps.
. "$(dirname "$0")/lib.sh"
need strace
need python3

new_store
ok user add writer --role editor
TOK=$(cat "$TMP/out")
S=$TMP/scripts
mkdir -p "$S"
# LeakSanitizer cannot run under ptrace: the other serve tests check leaks.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
strace -f -ttt -T -y -s 600 -e trace=pwrite64,fdatasync,write,writev -o "$TMP/trace" \
  ${ATT_WRAP:-} "$ATT" --store "$STORE" serve --scripts "$S" --listen 127.0.0.1:0 --rate-limit 1000000 \
  >"$TMP/d.out" 2>"$TMP/d.err" &
DPID=$!
wait_for "$TMP/d.err" "listening on http" "the daemon did not start"
PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$TMP/d.err")

python3 - "$PORT" "$TOK" >"$TMP/answers" <<'EOF' || fail "the clients: $(cat "$TMP/answers")"
import http.client, json, sys, threading
port, tok = int(sys.argv[1]), sys.argv[2]
ids, errors = [], []
def client(k):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for i in range(12):
        body = json.dumps({"title": "durable %d.%d" % (k, i), "when": "2024-05-01", "actors": ["KHM"]})
        c.request("POST", "/v1/events", body, {"Authorization": "Bearer " + tok,
                                               "Content-Type": "application/json"})
        r = c.getresponse()
        data = r.read()
        if r.status == 201:
            ids.append(json.loads(data)["id"])
        elif r.status != 503:
            errors.append("%d %s" % (r.status, data[:200]))
threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
for t in threads: t.start()
for t in threads: t.join()
if errors:
    print("\n".join(errors)); sys.exit(1)
print(" ".join(str(i) for i in sorted(ids)))
EOF
NCHECKS=$((NCHECKS + 1))
# The daemon is strace's child: it gets the signal, and strace ends with it.
kill -TERM $(pgrep -P "$DPID") 2>/dev/null || fail "no daemon under strace (pid $DPID)"
wait_exit "$DPID" "the daemon, after SIGTERM,"
wait "$DPID" || fail "the daemon exited $?: $(tail -5 "$TMP/d.err")"
[ -s "$TMP/answers" ] || fail "no add was answered 201"

python3 - "$TMP/trace" "$TMP/answers" <<'EOF' || fail "the order of writes, syncs and answers (above)"
import re, sys
trace, answers = sys.argv[1], sys.argv[2]
answered = [int(x) for x in open(answers).read().split()]
line_re = re.compile(r'^(\d+) +(\d+\.\d+) (.*)$')
start_re = re.compile(r'^(\w+)\((\d+)<([^>]*)>(.*)$')
resumed_re = re.compile(r'^<\.\.\. (\w+) resumed>(.*)$')
ID = re.compile(r'\\"id\\":(\d+)')
calls, pending = [], {}
for line in open(trace, errors="replace"):
    m = line_re.match(line.rstrip("\n"))
    if not m:
        continue
    pid, ts, rest = int(m.group(1)), float(m.group(2)), m.group(3)
    r = resumed_re.match(rest)
    if r:
        c = pending.pop((pid, r.group(1)), None)
        if c is not None:
            c["end"] = ts
            c["ret"] = r.group(2)
            c["args"] += r.group(2)
        continue
    s = start_re.match(rest)
    if not s:
        continue
    c = {"pid": pid, "call": s.group(1), "fd": s.group(3), "start": ts, "args": s.group(4)}
    calls.append(c)
    if rest.endswith("<unfinished ...>"):
        pending[(pid, c["call"])] = c
    else:
        d = re.search(r'<(\d+\.\d+)>$', rest)
        c["end"] = ts + (float(d.group(1)) if d else 0.0)
        c["ret"] = rest
journal = lambda c: re.search(r'/journal( \(deleted\))?$', c["fd"]) is not None
written, answer_at, loop_pids = {}, {}, set()
for c in calls:
    if c["call"] == "pwrite64" and journal(c) and "end" in c:
        for i in ID.findall(c["args"]):
            written.setdefault(int(i), c["end"])
    if c["call"] in ("write", "writev") and ("TCP" in c["fd"] or "socket" in c["fd"]) and "HTTP/1.1 201" in c["args"]:
        loop_pids.add(c["pid"])
        for i in ID.findall(c["args"])[:1]:
            answer_at.setdefault(int(i), c["start"])
syncs = [c for c in calls if c["call"] == "fdatasync" and journal(c) and "end" in c]
good = [c for c in syncs if re.search(r'= 0\b', c["ret"])]
bad = 0
for i in answered:
    if i not in written:
        print("not ok: event %d was answered 201 but never written to the journal" % i); bad += 1; continue
    if i not in answer_at:
        print("not ok: no 201 carrying event %d was seen on a socket" % i); bad += 1; continue
    w, a = written[i], answer_at[i]
    if not any(c["start"] >= w and c["end"] <= a for c in good):
        print("not ok: event %d: written at %.6f, answered 201 at %.6f, and no successful sync "
              "of the journal between" % (i, w, a)); bad += 1
on_loop = [c for c in syncs if c["pid"] in loop_pids]
if on_loop:
    print("not ok: %d sync(s) of the journal ran on the loop's thread %s" % (len(on_loop), sorted(loop_pids)))
    bad += 1
if not loop_pids:
    print("not ok: no 201 seen in the trace"); bad += 1
print("# %d adds answered 201, %d syncs of the journal (%d on the loop)" % (len(answered), len(syncs), len(on_loop)))
sys.exit(1 if bad else 0)
EOF
NCHECKS=$((NCHECKS + 1))
ok list --text durable --json --limit 1000
HAVE=$(wc -l <"$TMP/out" | tr -d ' ')
WANT=$(wc -w <"$TMP/answers" | tr -d ' ')
[ "$HAVE" -ge "$WANT" ] || fail "$WANT adds were answered 201; the store has $HAVE"
grep -q "acknowledged $WANT writes after" "$TMP/d.err" ||
  fail "the daemon's log does not say it acknowledged $WANT writes: $(grep acknowledged "$TMP/d.err")"
NCHECKS=$((NCHECKS + 1))
ok fsck
done_ok
