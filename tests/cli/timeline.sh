#!/bin/sh
# The HTML timeline of the example store (at.report.timeline), opened in
# a real browser: headless Chromium (Debian's `chromium`, installed by
# `make deps`).  Checks that the page loads without console errors, that
# the DOM has one mark per event (g.event with data-event-id) with a
# tooltip, bars for periods, hatched ranges for fuzzy dates and the "now"
# line, that the file fetches nothing, and saves a screenshot
# ($ATT_TIMELINE_PNG, if set, receives a copy: docs/timeline.png is made
# that way).
. "$(dirname "$0")/lib.sh"

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || missing chromium "'make deps' installs it: apt-get install chromium"
need python3

example_store
cat >"$TMP/timeline.lua" <<'LUA'
local at = require "attache"
local out = ...
local html = at.report.timeline(at.query{}, {
  title = "Cambodia and Japan: the record and what lies ahead",
  now = at.date("2024-03-15")})
assert(at.report.write(html, out .. "/timeline.html"))
LUA
mkdir -p "$TMP/html"
ok run --out "$TMP/html" "$TMP/timeline.lua" "$TMP/html"
F=$TMP/html/timeline.html
[ -s "$F" ] || fail "no timeline written"
if grep -Eq '(src|href)="(https?:)?//' "$F"; then fail "the timeline refers to the network"; fi
grep -q "Content-Security-Policy" "$F" || fail "no Content-Security-Policy"

browse() {
  # $1: what to ask (--dump-dom or --screenshot=...), output in $TMP/dom.
  prof=$(mktemp -d "$TMP/profile.XXXXXX")
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --user-data-dir="$prof" --enable-logging=stderr --v=0 \
    --window-size=1400,800 "$@" "file://$F" >"$TMP/dom" 2>"$TMP/chromium.log" ||
    fail "chromium failed: $(tail -5 "$TMP/chromium.log")"
}
browse --dump-dom
if grep -E 'CONSOLE|Uncaught|Refused to' "$TMP/chromium.log" >"$TMP/console"; then
  cat "$TMP/console" >&2
  fail "the page wrote to the console (above)"
fi
python3 - "$TMP/dom" <<'PY' || fail "the DOM of the timeline is not as expected (above)"
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.marks, self.shapes, self.titles, self.now, self.stack = [], {}, 0, 0, []
    def handle_starttag(self, tag, a):
        a = dict(a)
        if tag == "g" and "data-event-id" in a:
            self.marks.append(a["data-event-id"])
            self.shapes[a["data-shape"]] = self.shapes.get(a["data-shape"], 0) + 1
            self.stack.append(True)
        elif tag == "title" and self.stack:
            self.titles += 1
        if tag == "line" and "now" in (a.get("class") or "").split():
            self.now += 1
    def handle_endtag(self, tag):
        if tag == "g" and self.stack:
            self.stack.pop()
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
ids = sorted(int(i) for i in p.marks)
assert ids == list(range(1, 11)), "marks for events %r, expected 1..10" % ids
assert p.titles == 10, "%d tooltips" % p.titles
assert p.shapes == {"day": 3, "period": 3, "fuzzy": 4}, p.shapes
assert p.now >= 1, "no now line"
print("timeline: %d marks %r" % (len(ids), p.shapes))
PY
browse --screenshot="$TMP/timeline.png"
[ -s "$TMP/timeline.png" ] || fail "no screenshot"
if [ -n "${ATT_TIMELINE_PNG:-}" ]; then cp "$TMP/timeline.png" "$ATT_TIMELINE_PNG"; fi

# Lanes per actor: an event is in each actor's lane.
cat >"$TMP/actors.lua" <<'LUA'
local at = require "attache"
local html = at.report.timeline(at.query{}, {lanes = "actor"})
local n = 0
for _ in html:gmatch('data%-event%-id="') do n = n + 1 end
print(n, select(2, html:gsub('data%-lane="CDC"', "")))
print(pcall(at.report.timeline, at.query{}, {lanes = "colour"}))
LUA
ok run "$TMP/actors.lua"
out_has "24	2"
out_has 'lanes is "kind" or "actor"'
done_ok
