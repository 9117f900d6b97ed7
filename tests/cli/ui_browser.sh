#!/bin/sh
# The web UI of `attache serve --listen` in a real browser: a daemon on
# 127.0.0.1 (port 0: the log says which) serves a fresh store, and
# tests/browser/ui.js drives headless Chromium through puppeteer-core as
# the editor ana: the login by keyboard, the event form and its date
# echo, escaping, the agenda updated live by a change from another
# process, a phone viewport, no console error or CSP violation.  It
# writes the screenshots ui-agenda.png, ui-form.png, ui-agenda-phone.png
# and ui-event.png into $TMP/shots, or into $ATT_SCREENSHOTS when set
# (ATT_SCREENSHOTS=docs/img, from the top of the tree, refreshes the
# committed ones).  Skipped without node, Chromium or puppeteer-core,
# which `make deps` installs.
. "$(dirname "$0")/lib.sh"
need node
if [ -x /usr/bin/chromium ]; then
  CHROMIUM=/usr/bin/chromium
else
  CHROMIUM=$(command -v chromium || true)
fi
[ -n "$CHROMIUM" ] || missing "chromium (a headless browser)" "'make deps' installs it: apt-get install chromium"
[ -d "$SRC/tests/browser/node_modules/puppeteer-core" ] ||
  missing "the puppeteer-core npm package (tests/browser/node_modules/puppeteer-core)" \
    "'make deps' installs it: npm install in tests/browser"

SHOTS=${ATT_SCREENSHOTS:-$TMP/shots}
case $SHOTS in /*) ;; *) SHOTS=$(pwd)/$SHOTS ;; esac
mkdir -p "$SHOTS" "$HOME"
# Each wait of the browser test: a guard against a hang.
case ${ATT_WRAP:-} in
*valgrind*) UI_WAIT=$WAIT_S ;;
*) UI_WAIT=${ATT_UI_WAIT_S:-10} ;;
esac

new_store
ok user add ana --role editor
TOKEN=$(cat "$TMP/out")
: >"$TMP/out"; : >"$TMP/err" # the token stays out of a failure's report
mkdir -p "$TMP/scripts"

${ATT_WRAP:-} "$ATT" --store "$STORE" serve --scripts "$TMP/scripts" --listen 127.0.0.1:0 \
  >"$TMP/d.out" 2>"$TMP/d.err" &
DPID=$!
# A failure below must not leave the daemon running.
trap 'kill -TERM "$DPID" 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM
wait_for "$TMP/d.err" "started on" "the daemon did not start"
PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$TMP/d.err")
[ -n "$PORT" ] || fail "the log does not say the port: $(cat "$TMP/d.err")"

# Chromium's profile goes under $TMP (TMPDIR), removed with it.
TMPDIR=$TMP ATT_CHROMIUM=$CHROMIUM ATT_UI_WAIT_S=$UI_WAIT \
  node "$SRC/tests/browser/ui.js" "http://127.0.0.1:$PORT" "$TOKEN" "$ATT" "$STORE" "$SHOTS" \
  >"$TMP/ui.out" 2>&1 || {
  cat "$TMP/ui.out" >&2
  fail "the browser test (above); the daemon's log: $(tail -20 "$TMP/d.err")"
}
NCHECKS=$((NCHECKS + $(grep -c '^ok' "$TMP/ui.out")))
for f in ui-agenda.png ui-form.png ui-agenda-phone.png ui-event.png; do
  [ -s "$SHOTS/$f" ] || fail "no screenshot $SHOTS/$f"
done

kill -TERM "$DPID"
wait_exit "$DPID" "the daemon, after SIGTERM,"
wait "$DPID" || fail "the daemon exited $? on SIGTERM: $(tail -5 "$TMP/d.err")"
if grep -q ' error ' "$TMP/d.err"; then fail "errors in the daemon's log: $(grep ' error ' "$TMP/d.err")"; fi
done_ok
