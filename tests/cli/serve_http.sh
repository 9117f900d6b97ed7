#!/bin/sh
# `attache serve --listen` (docs/http.md): the options and their errors,
# then a daemon on 127.0.0.1 (port 0: the log says which) and a unix
# socket, checked from outside by tests/cli/http_check.py: the served
# OpenAPI description and every route of it, roles, If-Match, the
# history's author, the event stream seeing a change made by another
# process, pipelining, malformed and smuggled requests, every limit,
# slow and silent clients, the lockout of an address.  A rule of the
# daemon's scripts sees an event added over HTTP.  SIGTERM ends it all
# with exit 0 and removes the socket.
. "$(dirname "$0")/lib.sh"
need python3

new_store
S=$TMP/scripts
mkdir -p "$S"
cat >"$S/saw.lua" <<'EOF'
local at = require "attache"
at.on("add", function(ev) print("rule saw: " .. ev.title) end)
EOF
mkdir -p "$S/reports"
cat >"$S/reports/upcoming.lua" <<'EOF'
local at = require "attache"
local args = {}
for _, a in ipairs({...}) do
  local k, v = a:match("^([^=]+)=(.*)$")
  if k then args[k] = v end
end
if args.write == "outside" then
  -- nothing outside the store either: no alert, no file where the
  -- daemon was started, nothing read there
  print("alert", pcall(at.alert, {key = "from-a-report", title = "a report's alert"}))
  print("report.write", at.report.write("x", "from-report.txt"))
  print("read cwd", io.open("cwd-secret.txt"))
  return
end
if args.write then
  local ok = at.add{title = "written by a report", when = "2024"}
  io.write(ok and "wrote\n" or "no write\n")
  return
end
io.write((args.title or "Upcoming") .. "\n")
io.write(at.report.text(at.query{from = args.from or "2024-01", sort = "when"}))
EOF
cat >"$S/reports/page.lua" <<'EOF'
-- content-type: text/html; charset=utf-8
local at = require "attache"
io.write(at.report.timeline(at.query{sort = "when"}, {title = "Timeline"}))
EOF
printf 'error("broken on purpose")\n' >"$S/reports/broken.lua"
printf 'local t = os.clock()\nwhile os.clock() - t < 2 do end\nprint("slept")\n' >"$S/reports/slow.lua"
printf 'print("hidden")\n' >"$S/reports/.hidden.lua"
ok user add ana --role editor
ED=$(cat "$TMP/out")
ok user add bob
RD=$(cat "$TMP/out")

# -- options: what is refused, and why
expect_rc 2 serve --scripts "$S" --listen 127.0.0.1:0 --now 2024-01-01 --until 2024-01-02
err_has "--listen serves on the real clock"
expect_rc 2 serve --scripts "$S" --listen 127.0.0.1:0 --once
err_has "--once"
expect_rc 2 serve --scripts "$S" --insecure
err_has "go with --listen"
expect_rc 2 serve --scripts "$S" --listen 127.0.0.1:0 --request-timeout 0s
err_has "--request-timeout 0s: a time from 1s to 1h"
expect_rc 2 serve --scripts "$S" --listen 127.0.0.1:0 --max-connections lots
err_has "--max-connections lots"
expect_rc 2 serve --scripts "$S" --listen 127.0.0.1:0 --rate-limit 0
err_has "--rate-limit 0: requests a second per user"
expect_rc 2 serve --scripts "$S" --rate-limit 5
err_has "go with --listen"
for bad in 8080 "127.0.0.1:http" "127.0.0.1:70000" "example.org:80" "[::1]8080" ":8080" "unix:"; do
  expect_rc 1 serve --scripts "$S" --listen "$bad"
  err_has "--listen $bad: "
done
expect_rc 1 serve --scripts "$S" --listen 0.0.0.0:0
err_has "plain HTTP is served on loopback only"
err_has "--insecure"
[ ! -e "$STORE/daemon.lock" ] || [ ! -s "$STORE/daemon.lock" ] || true

# -- the daemon, serving (from a directory of its own, with a file in it
# that no script was given)
T=2
mkdir -p "$TMP/dcwd"
echo "not for scripts" >"$TMP/dcwd/cwd-secret.txt"
cd "$TMP/dcwd" || fail "cd"
${ATT_WRAP:-} "$ATT" --store "$STORE" serve --scripts "$S" --listen 127.0.0.1:0 \
  --listen "unix:$TMP/sock" --request-timeout ${T}s --max-connections 40 >"$TMP/d.out" 2>"$TMP/d.err" &
DPID=$!
wait_for "$TMP/d.err" "started on" "the daemon did not start"
grep -q "listening on unix:$TMP/sock" "$TMP/d.err" || fail "no unix socket in the log: $(cat "$TMP/d.err")"
PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$TMP/d.err")
[ -n "$PORT" ] || fail "the log does not say the port: $(cat "$TMP/d.err")"
[ -S "$TMP/sock" ] || fail "no socket at $TMP/sock"

# A second daemon cannot take the port (another store, so that the lock
# does not stop it first).
STORE2=$TMP/store2
"$ATT" --store "$STORE2" init >/dev/null 2>&1
RC=0
"$ATT" --store "$STORE2" serve --scripts "$S" --listen "127.0.0.1:$PORT" >"$TMP/out" 2>"$TMP/err" || RC=$?
[ "$RC" = 1 ] || fail "a second daemon on port $PORT: exit $RC"
err_has "--listen 127.0.0.1:$PORT: address already in use"
# Nor the socket, while the first one listens on it.
RC=0
"$ATT" --store "$STORE2" serve --scripts "$S" --listen "unix:$TMP/sock" >"$TMP/out" 2>"$TMP/err" || RC=$?
[ "$RC" = 1 ] || fail "a second daemon on the socket: exit $RC"
err_has "is in use or is not a socket"

python3 "$SRC/tests/cli/http_check.py" "$PORT" "$TMP/sock" "$SRC/docs/api/openapi.json" "$ED" "$RD" \
  "$ATT" "$STORE" "$T" "$WAIT_S" >"$TMP/check.out" 2>&1 || {
  cat "$TMP/check.out" >&2
  fail "the HTTP checks (above); the daemon's log: $(tail -20 "$TMP/d.err")"
}
NCHECKS=$((NCHECKS + $(grep -c '^ok' "$TMP/check.out")))
wait_for "$TMP/d.out" "rule saw: CDC meeting" "no rule saw the event added over HTTP"
wait_for "$TMP/d.out" "rule saw: From another shell" "no rule saw the event added by attache add"

# -- more connections than allowed are closed at once; then all is well
python3 - "$PORT" "$WAIT_S" <<'EOF' || fail "max-connections"
import socket, sys, http.client
port, wait = int(sys.argv[1]), float(sys.argv[2])
held = [socket.create_connection(("127.0.0.1", port), timeout=wait) for _ in range(60)]
closed = 0
for s in held[40:]:
    try:
        if s.recv(1) == b"":
            closed += 1
    except ConnectionResetError:
        closed += 1
assert closed >= 19, "past 40 connections, %d of 20 closed" % closed
for s in held:
    s.close()
# the closed ones are forgotten: the server serves again
import time
deadline = time.monotonic() + wait
while True:
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=wait)
        c.request("GET", "/v1/health")
        assert c.getresponse().status == 200
        break
    except (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError):
        assert time.monotonic() < deadline, "not served again"
EOF

kill -TERM "$DPID"
wait_exit "$DPID" "the daemon, after SIGTERM,"
wait "$DPID" || fail "the daemon exited $? on SIGTERM: $(tail -5 "$TMP/d.err")"
[ ! -e "$TMP/sock" ] || fail "the socket $TMP/sock is still there"
grep -q "served [0-9]* HTTP requests" "$TMP/d.err" || fail "no count of requests in the log"

# -- --insecure serves on every address
${ATT_WRAP:-} "$ATT" --store "$STORE" serve --scripts "$S" --listen 0.0.0.0:0 --insecure \
  >"$TMP/d.out" 2>"$TMP/d.err" &
DPID=$!
wait_for "$TMP/d.err" "started on" "the daemon did not start with --insecure"
grep -q "listening on http://0.0.0.0:" "$TMP/d.err" || fail "not on 0.0.0.0: $(cat "$TMP/d.err")"
kill -TERM "$DPID"
wait_exit "$DPID" "the daemon, after SIGTERM,"
wait "$DPID" || fail "the daemon (--insecure) exited $?"
done_ok
