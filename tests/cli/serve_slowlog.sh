#!/bin/sh
# The slow log (docs/daemon.md, --slow-log): each request that held the
# daemon's loop longer than the threshold is a line in the log, with its
# method, path, time on the loop and on the CPU, and when it ended; at
# most one such line a second, the next one counting those left out.
# --slow-log 0 makes every request slow, so the test does not depend on
# how fast this machine is.  Bad values and --slow-log without --listen
# are usage errors.
. "$(dirname "$0")/lib.sh"
need curl

new_store
for bad in -1 abc 60001 1.5 ""; do
  expect_rc 2 serve --listen 127.0.0.1:0 --slow-log "$bad"
  grep -q -- "--slow-log $bad: milliseconds from 0 (every request) to 60000" "$TMP/err" ||
    fail "--slow-log '$bad': the error does not say what is accepted: $(cat "$TMP/err")"
done
expect_rc 2 serve --slow-log 5
grep -q -- "--slow-log go with --listen" "$TMP/err" || fail "--slow-log without --listen: $(cat "$TMP/err")"

S=$TMP/scripts
mkdir -p "$S"
${ATT_WRAP:-} "$ATT" --store "$STORE" serve --scripts "$S" --listen 127.0.0.1:0 --slow-log 0 \
  >"$TMP/d.out" 2>"$TMP/d.err" &
DPID=$!
wait_for "$TMP/d.err" "listening on http" "the daemon did not start"
PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$TMP/d.err")

# The first request is logged at once.
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/v1/health")" = 200 ] || fail "GET /v1/health"
wait_for "$TMP/d.err" "slow request: GET /v1/health held the loop [0-9.]* ms ([0-9.]* ms on the CPU), ended at [0-9:.]*Z$" \
  "the first request is not in the slow log: $(tail -3 "$TMP/d.err")"
NCHECKS=$((NCHECKS + 1))
# Requests go on until a second line counts those left out of the log
# (it comes a second after the first, at the earliest).
deadline=$(($(date +%s) + WAIT_S))
until grep -q "slow request: .*(and [0-9]* more since the last such line)" "$TMP/d.err"; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "no slow-log line counts the requests left out: $(tail -3 "$TMP/d.err")"
  curl -s -o /dev/null "http://127.0.0.1:$PORT/v1/health" "http://127.0.0.1:$PORT/v1/nowhere"
done
NCHECKS=$((NCHECKS + 1))
kill -TERM "$DPID"
wait_exit "$DPID" "the daemon, after SIGTERM,"
wait "$DPID" || fail "the daemon exited $?: $(tail -5 "$TMP/d.err")"

# Lines a second apart at least, and the count adds up: every request
# served is in a line or counted in the next one (the last may be left).
python3 - "$TMP/d.err" <<'PY' || fail "the slow log's lines"
import re, sys
lines = [l for l in open(sys.argv[1]) if "slow request:" in l]
ends, counted = [], 0
for l in lines:
    m = re.search(r"ended at (\d\d):(\d\d):(\d\d\.\d\d\d)Z", l)
    ends.append(int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3)))
    m = re.search(r"\(and (\d+) more since", l)
    counted += int(m.group(1)) if m else 0
    if "/v1/nowhere" not in l and "/v1/health" not in l:
        print("a line names another request: " + l.strip()); sys.exit(1)
for a, b in zip(ends, ends[1:]):
    if (b - a) % 86400 < 0.999:
        print("two lines %.3f s apart" % ((b - a) % 86400)); sys.exit(1)
served = int(re.search(r"served (\d+) HTTP request", open(sys.argv[1]).read()).group(1))
if len(lines) + counted > served:
    print("%d lines and %d counted of %d served" % (len(lines), counted, served)); sys.exit(1)
if len(lines) < 2 or counted < 1:
    print("%d lines, %d counted" % (len(lines), counted)); sys.exit(1)
PY
NCHECKS=$((NCHECKS + 1))
done_ok
