#!/bin/sh
# Faults against `attache serve --listen` (issue 16, "Load and faults"):
#  - 10,000 idle connections at once (1,000 under valgrind): the daemon
#    goes on answering, and its memory grows by a bounded amount for them;
#  - kill -9 in the middle of a burst of writes from 8 clients: every
#    write answered 201 is in the store afterwards (2xx means durable),
#    and fsck finds the store intact.
# Slow, silent and malformed clients are in serve_http.sh.
. "$(dirname "$0")/lib.sh"
need python3

new_store
S=$TMP/scripts
mkdir -p "$S"
ok user add ana --role editor
ED=$(cat "$TMP/out")
IDLE=10000
case ${ATT_WRAP:-} in *valgrind*) IDLE=1000 ;; esac

start() {
  ${ATT_WRAP:-} "$ATT" --store "$STORE" serve --scripts "$S" --listen 127.0.0.1:0 \
    --max-connections 12000 --request-timeout 60s >"$TMP/d.out" 2>"$TMP/d.err" &
  DPID=$!
  wait_for "$TMP/d.err" "listening on http" "the daemon did not start"
  PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$TMP/d.err")
}

start
python3 - "$PORT" "$DPID" "$IDLE" "$WAIT_S" "${ATT_WRAP:-}" <<'EOF' >"$TMP/idle.out" 2>&1 || { cat "$TMP/idle.out" >&2; fail "idle connections"; }
import http.client, resource, socket, sys, time
port, pid, n, wait, wrap = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if hard < n + 200:
    sys.exit("the limit on open files (%d) is below %d connections" % (hard, n))
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

def rss():
    for l in open("/proc/%d/status" % pid):
        if l.startswith("VmRSS:"):
            return int(l.split()[1])

def health():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=wait)
    c.request("GET", "/v1/health")
    st = c.getresponse().status
    c.close()
    return st

assert health() == 200
before = rss()
socks = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port), timeout=wait)
    socks.append(s)
# every one of them accepted: the server answers on the last one
socks[-1].sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
got = socks[-1].recv(4096)
assert got.startswith(b"HTTP/1.1 200"), got
assert health() == 200, "not served with %d idle connections" % n
during = rss()
grow = during - before
print("# %d idle connections: RSS %d KiB -> %d KiB (%.2f KiB each)" % (n, before, during, grow / n))
if "valgrind" not in wrap:
    assert grow < 4 * n, "RSS grew by %d KiB for %d idle connections" % (grow, n)
for s in socks:
    s.close()
deadline = time.monotonic() + wait
while health() != 200:
    assert time.monotonic() < deadline
print("ok")
EOF
NCHECKS=$((NCHECKS + 1))
grep '^#' "$TMP/idle.out"

# -- kill -9 during a burst of writes: what was acknowledged is kept
python3 - "$PORT" "$DPID" "$ED" "$WAIT_S" "$TMP/acked" <<'EOF' >"$TMP/burst.out" 2>&1 || { cat "$TMP/burst.out" >&2; fail "the burst"; }
import http.client, json, os, signal, sys, threading, time
port, pid, tok, wait, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), sys.argv[5]
acked, lock, stop = [], threading.Lock(), threading.Event()

def writer(w):
    i = 0
    while not stop.is_set():
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=wait)
            while not stop.is_set():
                title = "burst %d-%d" % (w, i)
                i += 1
                c.request("POST", "/v1/events", body=json.dumps({"title": title, "when": "2024-05"}),
                          headers={"Authorization": "Bearer " + tok})
                r = c.getresponse()
                r.read()
                if r.status == 201:
                    with lock:
                        acked.append(title)
        except (OSError, http.client.HTTPException):
            time.sleep(0.01)

ts = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
for t in ts:
    t.start()
deadline = time.monotonic() + wait
while len(acked) < 200 and time.monotonic() < deadline:
    time.sleep(0.01)
os.kill(pid, signal.SIGKILL)
stop.set()
for t in ts:
    t.join()
with open(out, "w") as f:
    f.write("\n".join(acked) + "\n")
print("# %d writes acknowledged before kill -9" % len(acked))
assert len(acked) >= 200, len(acked)
EOF
grep '^#' "$TMP/burst.out"
wait "$DPID" 2>/dev/null || true
ok list --text burst --json --limit 100000
python3 - "$TMP/acked" "$TMP/out" <<'EOF' || fail "acknowledged writes lost"
import json, sys
acked = [l for l in open(sys.argv[1]).read().split("\n") if l]
have = {json.loads(l)["title"] for l in open(sys.argv[2]) if l.strip()}
lost = [t for t in acked if t not in have]
assert not lost, "%d of %d acknowledged writes lost: %s" % (len(lost), len(acked), lost[:5])
print("# all %d acknowledged writes are in the store (%d in all)" % (len(acked), len(have)))
EOF
ok fsck
start
python3 -c "
import http.client, sys
c = http.client.HTTPConnection('127.0.0.1', $PORT, timeout=$WAIT_S)
c.request('GET', '/v1/health')
sys.exit(c.getresponse().status != 200)" || fail "not serving after a restart"
kill -TERM "$DPID"
wait_exit "$DPID" "the daemon, after SIGTERM,"
wait "$DPID" || fail "the daemon exited $?"
done_ok
