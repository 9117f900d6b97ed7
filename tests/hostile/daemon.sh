#!/bin/sh
# One `attache serve` with 20 scripts, 10 of them hostile
# (tests/hostile/daemon/h*.lua: endless loops, C functions without end,
# memory hogs in Lua and in C, writes from a where function, errors in
# every kind of callback, finalizers, coroutine tricks, floods of alerts
# and output), for 10 minutes of simulated time on a store of known
# events.  The 10 good scripts (g*.lua) must fire every alert they should,
# none twice and no other: the expected set is computed here, from the
# events and the schedules, not from a run.  Each hostile script must have
# an error logged, and the daemon must end the replay and exit 0.
#   sh tests/hostile/daemon.sh path/to/attache path/to/hostile
set -u
ATT=${1:?usage: sh tests/hostile/daemon.sh path/to/attache path/to/hostile}
HOSTILE=${2:?usage: sh tests/hostile/daemon.sh path/to/attache path/to/hostile}
SRC=${ATT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
SKIP_NAME=hostile/daemon
. "$SRC/tests/need.sh"
need python3
TMP=$(mktemp -d "${TMPDIR:-/tmp}/attache-hdaemon.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
unset ATTACHE_STORE XDG_DATA_HOME XDG_CONFIG_HOME
HOME=$TMP/home
export HOME TZ=UTC
# The whole replay must end within this many seconds of real time
# (10 hostile scripts, each stopped at max-time 0.5 s per call: about 40
# calls can use it all).
HARD=${HOSTILE_DAEMON_SECONDS:-240}

fail() { echo "not ok 1 - $*"; exit 1; }

python3 - "$TMP/events.jsonl" <<'PY' || fail "cannot write the events"
import json, sys
evs = []
for k in range(15):   # meetings every 50 s from 00:00:00 (the window's start)
    s = 50 * k
    evs.append({"title": "Meeting %d" % k, "key": "m-%d" % k, "kind": "meeting",
                "when": "2024-06-01T00:%02d:%02dZ" % (s // 60, s % 60),
                "actors": ["JPN" if k % 2 == 0 else "KHM"]})
evs.append({"title": "Early", "key": "m-early", "kind": "meeting", "when": "2024-05-31T23:58:00Z"})
evs.append({"title": "Daily", "key": "m-daily", "kind": "meeting",
            "when": "2024-05-01T00:03:00Z", "recur": "FREQ=DAILY", "actors": ["JPN"]})
evs.append({"title": "June", "key": "m-june", "kind": "meeting", "when": "2024-06"})
for i, t in enumerate(["00:05:00", "00:12:00", "00:13:30", "00:02:00"], 1):
    evs.append({"title": "Deadline %d" % i, "key": "d-%d" % i, "kind": "deadline",
                "when": "2024-06-01T%sZ" % t})
evs.append({"title": "Note", "key": "n-1", "kind": "note", "when": "2024-06-01T00:07:00Z",
            "actors": ["JPN", "KHM"]})
with open(sys.argv[1], "w") as f:
    for e in evs:
        f.write(json.dumps(e) + "\n")
PY

STORE=$TMP/store
"$ATT" --store "$STORE" init >/dev/null || fail "attache init"
"$ATT" --store "$STORE" import "$TMP/events.jsonl" >/dev/null || fail "attache import"
"$ATT" --store "$STORE" export >"$TMP/before.jsonl" || fail "attache export"

echo "1..1"
res=$("$HOSTILE" exec "$HARD" "$TMP/err" "$ATT" --store "$STORE" serve \
  --scripts "${HOSTILE_DAEMON_DIR:-$SRC/tests/hostile/daemon}" --out "$TMP/out" \
  --now 2024-06-01T00:00:00Z --until 2024-06-01T00:10:00Z --no-state \
  --max-time 0.5 --max-instructions 20M --max-memory 64M)
rc=$?
echo "# attache serve: $res"
if [ $rc -ne 0 ]; then
  echo "# --- the end of the log:"
  tail -20 "$TMP/err" | cut -c1-300 | sed 's/^/# /'
  fail "the daemon did not end the replay cleanly: $res"
fi

python3 - "$TMP/before.jsonl" "$STORE/alerts" "$TMP/err" <<'PY'
import json, re, sys
from datetime import datetime, timedelta, timezone

def t(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)

def fmt(d):
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")

T, T2 = t("2024-06-01T00:00:00Z"), t("2024-06-01T00:10:00Z")
inwin = lambda d: T <= d <= T2
evs = [json.loads(l) for l in open(sys.argv[1])]
key_of = {e["id"]: e["key"] for e in evs}

def starts(e):
    """Each start of e that can matter around the window."""
    w = e["when"]
    if re.fullmatch(r"\d{4}-\d{2}", w):
        return [t(w + "-01T00:00:00Z")]
    s = t(w)
    if e.get("recur") == "FREQ=DAILY":
        out, d = [], s
        while d <= T2 + timedelta(days=1):
            out.append(d)
            d += timedelta(days=1)
        return out
    return [s]

want = {}  # script -> list of identities
def add(script, ident):
    want.setdefault(script, []).append(ident)

# Schedules: titles.
for m in range(1, 11):
    add("g01", "g01 " + fmt(T + timedelta(minutes=m)))
for h in range(1, 21):
    add("g02", "g02 " + fmt(T + timedelta(seconds=30 * h)))
for m in range(0, 11, 2):
    add("g03", "g03 " + fmt(T + timedelta(minutes=m)))
for s in ["2024-06-01T00:03:17Z", "2024-06-01T00:09:59Z", "2024-06-01T00:10:01Z",
          "2024-05-31T23:59:00Z"]:
    if inwin(t(s)):
        add("g04", "g04 " + s)
for i in range(1, 4):
    add("g07", "g07 added g08-visit-%d" % i)
add("g08", "g08 2024-06-01T00:04:00Z")
add("g09", "g09 cron " + fmt(T))
for k in range(1, 5):
    add("g09", "g09 every " + fmt(T + timedelta(seconds=150 * k)))
# Reminders: (event key, instant).
for e in evs:
    for s in starts(e):
        if e["kind"] == "meeting" and inwin(s - timedelta(minutes=1)):
            add("g05", (e["key"], fmt(s - timedelta(minutes=1))))
        if "JPN" in e.get("actors", []):
            for lead in (0, 5):
                if inwin(s - timedelta(minutes=lead)):
                    add("g06", (e["key"], fmt(s - timedelta(minutes=lead))))
        if e["kind"] == "deadline" and inwin(s - timedelta(minutes=3)):
            add("g10", (e["key"], fmt(s - timedelta(minutes=3))))
# The monthly question about a date not known to the day (docs/daemon.md,
# "Dates still unknown"): June (2024-06), a meeting, on 1 June at 00:00.
for e in evs:
    if re.fullmatch(r"\d{4}-\d{2}", e["when"]) and e["kind"] == "meeting" and inwin(T):
        add("g05", (e["key"], fmt(T)))

got, keys = {}, {}
for l in open(sys.argv[2]):
    a = json.loads(l)
    sc = a.get("script", "")[:3]
    if not re.fullmatch(r"g\d\d", sc):
        continue
    if sc in ("g05", "g06", "g10"):
        ident = (key_of.get(a.get("event"), "?%s" % a.get("event")), a["at"])
    else:
        ident = a["title"]
    got.setdefault(sc, []).append(ident)
    if "key" in a:
        keys[a["key"]] = keys.get(a["key"], 0) + 1

bad, total = [], 0
for sc in sorted(set(want) | set(got) | {"g%02d" % i for i in range(1, 11)}):
    w, g = want.get(sc, []), got.get(sc, [])
    total += len(w)
    for x in sorted(set(w) - set(g), key=str):
        bad.append("%s: missing %s" % (sc, x))
    for x in sorted(set(g) - set(w), key=str):
        bad.append("%s: unexpected %s" % (sc, x))
    for x in sorted(set(g), key=str):
        if g.count(x) > 1:
            bad.append("%s: %s fired %d times" % (sc, x, g.count(x)))
    print("# %s: %d alerts expected, %d fired" % (sc, len(w), len(g)))
bad += ["key %s fired %d times" % (k, n) for k, n in keys.items() if n > 1]
log = open(sys.argv[3], errors="replace").read()
for i in range(1, 11):
    name = [n for n in ["h01_loop", "h02_rep", "h03_sort", "h04_memory", "h05_where_write",
                        "h06_errors", "h07_gc", "h08_alerts", "h09_coroutines",
                        "h10_output"] if n.startswith("h%02d" % i)][0]
    errs = len(re.findall(r" error +%s\.lua: " % name, log))
    print("# %s: %d errors logged" % (name, errs))
    if errs == 0:
        bad.append("%s: no error logged (it should have been stopped)" % name)
summary = re.findall(r"stopped: .*", log)
print("# " + (summary[-1] if summary else "no summary line"))
if bad:
    # What in the log could move a good script's schedule: a restart in
    # place (a call taken for stuck), a reload, a warning of the clock.
    for l in [l for l in log.splitlines()
              if re.search(r"restart|stuck|abandon|reload|quarantin|late|behind", l)][:12]:
        print("# log: " + l[:300])
    print("not ok 1 - the good scripts' alerts under 10 hostile scripts: " + "; ".join(bad[:10])
          + (" (and %d more)" % (len(bad) - 10) if len(bad) > 10 else ""))
    sys.exit(1)
print("ok 1 - %d alerts of the 10 good scripts, each once; 10 hostile scripts stopped" % total)
PY
