#!/bin/sh
# The reads that scan the store (GET /v1/agenda, /v1/events,
# /v1/calendar.ics, and the web page's agenda and timeline) are answered
# by the daemon's reader process, not on its loop (docs/http.md, "Reads
# off the loop"): they answer as the CLI does, a client reads its own
# writes at once, the reader is a child of the daemon, a page waits for
# a stopped reader while the loop answers, HEAD of every route is its
# GET without the body, and a reader killed with SIGKILL is replaced (the
# reads after it are answered); the daemon's log counts the reads and
# starts.
. "$(dirname "$0")/lib.sh"
need python3
need curl

example_store
ok user add desk --role editor
TOK=$(cat "$TMP/out")
S=$TMP/scripts
mkdir -p "$S"
# The daemon runs from a copy of the program, replaced below.
BIN=$TMP/bin/attache
mkdir -p "$TMP/bin"
cp "$ATT" "$BIN"
${ATT_WRAP:-} "$BIN" --store "$STORE" serve --scripts "$S" --listen 127.0.0.1:0 \
  >"$TMP/d.out" 2>"$TMP/d.err" &
DPID=$!
wait_for "$TMP/d.err" "listening on http" "the daemon did not start"
PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$TMP/d.err")
URL=http://127.0.0.1:$PORT

# get PATH: the body in $TMP/body, the status echoed
get() {
  curl -s -o "$TMP/body" -w '%{http_code}' -H "Authorization: Bearer $TOK" "$URL$1"
}
# the reader: the daemon's child running `attache ... __read`
reader_pid() {
  for p in $(pgrep -P "$DPID"); do
    if grep -q "__read" "/proc/$p/cmdline" 2>/dev/null; then echo "$p"; return; fi
  done
}

# The list over HTTP is the CLI's list.
[ "$(get "/v1/events?actor=KHM&limit=500")" = 200 ] || fail "GET /v1/events: $(cat "$TMP/body")"
python3 -c 'import json,sys; print("\n".join(str(e["id"]) for e in json.load(open(sys.argv[1]))["events"]))' \
  "$TMP/body" | sort -n >"$TMP/http_ids"
ok list --actor KHM --json --limit 500
python3 -c 'import json,sys; print("\n".join(str(json.loads(l)["id"]) for l in open(sys.argv[1]) if l.strip()))' \
  "$TMP/out" | sort -n >"$TMP/cli_ids"
[ -s "$TMP/cli_ids" ] && cmp -s "$TMP/http_ids" "$TMP/cli_ids" ||
  fail "the list over HTTP is not the CLI's: $(diff "$TMP/http_ids" "$TMP/cli_ids" | head -5)"
NCHECKS=$((NCHECKS + 1))
R1=$(reader_pid)
[ -n "$R1" ] || fail "no reader process under the daemon (pid $DPID): $(pgrep -a -P "$DPID")"
NCHECKS=$((NCHECKS + 1))

# A client reads its own write at once, through the reader.
ST=$(curl -s -o "$TMP/body" -w '%{http_code}' -H "Authorization: Bearer $TOK" -H "Content-Type: application/json" \
  -d '{"title": "Read back at once", "when": "2024-03-05", "actors": ["KHM"]}' "$URL/v1/events")
[ "$ST" = 201 ] || fail "POST: $ST $(cat "$TMP/body")"
ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$TMP/body")
[ "$(get "/v1/agenda?from=2024-03-01&days=10")" = 200 ] && grep -q "Read back at once" "$TMP/body" ||
  fail "the agenda right after the add does not have it: $(head -c 300 "$TMP/body")"
[ "$(get "/v1/events?text=Read+back")" = 200 ] && grep -q '"count":1' "$TMP/body" ||
  fail "the list right after the add does not have it: $(head -c 300 "$TMP/body")"
NCHECKS=$((NCHECKS + 2))
# The feed, with its ETag: 304 when unchanged.
[ "$(get "/v1/calendar.ics?actor=KHM")" = 200 ] && grep -q "BEGIN:VCALENDAR" "$TMP/body" ||
  fail "the calendar: $(head -c 300 "$TMP/body")"
ETAG=$(curl -s -D - -o /dev/null -H "Authorization: Bearer $TOK" "$URL/v1/calendar.ics?actor=KHM" |
  sed -n 's/^[Ee][Tt][Aa][Gg]: *\([^\r]*\).*/\1/p')
[ -n "$ETAG" ] || fail "the calendar has no ETag"
ST=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK" -H "If-None-Match: $ETAG" \
  "$URL/v1/calendar.ics?actor=KHM")
[ "$ST" = 304 ] || fail "the calendar with its ETag: $ST, not 304"
# If-None-Match as RFC 9110 has it: a list, compared weakly, "*" for any
for INM in "W/$ETAG" "\"nope\", $ETAG" "\"a\",W/$ETAG" "*"; do
  ST=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK" -H "If-None-Match: $INM" \
    "$URL/v1/calendar.ics?actor=KHM")
  [ "$ST" = 304 ] || fail "the calendar with If-None-Match: $INM: $ST, not 304"
done
for INM in '"nope"' "$ETAG-x" "W/\"nope\", \"x\""; do
  ST=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK" -H "If-None-Match: $INM" \
    "$URL/v1/calendar.ics?actor=KHM")
  [ "$ST" = 200 ] || fail "the calendar with If-None-Match: $INM: $ST, not 200"
done
NCHECKS=$((NCHECKS + 7))
NCHECKS=$((NCHECKS + 2))
# A bad filter is the API's 400, from the reader.
[ "$(get "/v1/agenda?days=0")" = 400 ] && grep -q "days=0" "$TMP/body" ||
  fail "a bad agenda: $(cat "$TMP/body")"
NCHECKS=$((NCHECKS + 1))

# The web page's agenda and timeline are made by the reader too: with the
# reader stopped (SIGSTOP), they wait while the loop answers at once; when
# it goes on, they come, with the new event.
SID=$(curl -s -D - -o /dev/null --data-urlencode "token=$TOK" "$URL/ui/login" |
  sed -n 's/^[Ss]et-[Cc]ookie: attache_session=\([0-9a-f]*\);.*/\1/p')
[ -n "$SID" ] || fail "no session from /ui/login"
page() {
  curl -s -o "$2" -w '%{http_code}' -b "attache_session=$SID" "$URL$1"
}
kill -STOP "$R1"
page "/ui/agenda?from=2024-03-05" "$TMP/agenda.html" >"$TMP/agenda.st" &
A=$!
page "/ui/events?text=Read+back" "$TMP/timeline.html" >"$TMP/timeline.st" &
T=$!
# The loop answers while the reader is stopped ...
[ "$(get /v1/health)" = 200 ] && [ "$(page /ui/new "$TMP/new.html")" = 200 ] ||
  fail "the loop did not answer while the reader was stopped"
# ... and the pages wait for the reader (a second is far more than they take).
curl -s -m 1 -o /dev/null -b "attache_session=$SID" "$URL/ui/agenda?from=2024-03-05" &&
  fail "the agenda page was answered while the reader was stopped: it was made on the loop"
[ -s "$TMP/agenda.st" ] && fail "the agenda page came while the reader was stopped"
kill -CONT "$R1"
wait "$A" "$T"
[ "$(cat "$TMP/agenda.st")" = 200 ] && grep -q "Read back at once" "$TMP/agenda.html" ||
  fail "the agenda page from the reader: $(cat "$TMP/agenda.st") $(head -c 300 "$TMP/agenda.html")"
[ "$(cat "$TMP/timeline.st")" = 200 ] && grep -q "Read back at once" "$TMP/timeline.html" ||
  fail "the timeline page from the reader: $(cat "$TMP/timeline.st") $(head -c 300 "$TMP/timeline.html")"
grep -q "name=\"csrf\" value=\"[0-9a-f]\{64\}\"" "$TMP/agenda.html" ||
  fail "the reader's page lacks the session's CSRF token (logout form)"
NCHECKS=$((NCHECKS + 6))

# HEAD of every GET route, however it is answered: the GET's status and
# headers, no body (a report's HEAD sent its body, before).
python3 "$SRC/tests/cli/head_check.py" "$PORT" "$TOK" "$ID" "$WAIT_S" >"$TMP/head.out" 2>&1 ||
  fail "HEAD: $(grep -v '^ok' "$TMP/head.out" | head -20)"
NCHECKS=$((NCHECKS + $(grep -c '^ok' "$TMP/head.out")))

# The reader killed: it is replaced, and reads go on.  Its program's
# file has been replaced meanwhile (an upgrade): the new reader runs the
# daemon's own program all the same, not what the file now holds (it
# was started by the file's name, which then ended in " (deleted)": 500).
printf '#!/bin/sh\necho "not the daemon'"'"'s program" >&2\nexit 3\n' >"$BIN.new"
chmod +x "$BIN.new"
mv -f "$BIN.new" "$BIN"
kill -KILL "$R1"
i=0
until [ "$(get "/v1/agenda?from=2024-03-01&days=10")" = 200 ]; do
  i=$((i + 1))
  [ $i -lt $((WAIT_S * 20)) ] || fail "no agenda after the reader was killed: $(cat "$TMP/body")"
  sleep 0.05
done
grep -q "Read back at once" "$TMP/body" || fail "the new reader's agenda lacks the event"
R2=$(reader_pid)
[ -n "$R2" ] && [ "$R2" != "$R1" ] || fail "no new reader (was $R1, now '$R2')"
NCHECKS=$((NCHECKS + 2))

# Past 10,000 events: the calendar feed is still whole (it answered 400:
# a subscribed calendar stops updating), and an agenda window of more
# occurrences than an answer holds says so (it was cut at 10,001, with
# no word).
python3 -c 'import json
for i in range(10050): print(json.dumps({"title": "bulk %05d" % i, "when": "2030-01-%02d" % (i % 28 + 1)}))' >"$TMP/bulk.jsonl"
ok import "$TMP/bulk.jsonl"
[ "$(get "/v1/calendar.ics")" = 200 ] || fail "the feed of a store past 10,000 events: $(head -c 300 "$TMP/body")"
[ "$(grep -c '^BEGIN:VEVENT' "$TMP/body")" -gt 10050 ] || fail "the feed lacks events: $(grep -c '^BEGIN:VEVENT' "$TMP/body")"
[ "$(get "/v1/agenda?from=2030-01-01&days=31")" = 400 ] && grep -q "more than 10000 occurrences" "$TMP/body" ||
  fail "an agenda of 10,050 occurrences: $(head -c 300 "$TMP/body")"
[ "$(get "/v1/agenda?from=2030-01-01&days=31&limit=50")" = 200 ] || fail "the agenda with a limit: $(head -c 300 "$TMP/body")"
NCHECKS=$((NCHECKS + 4))
# The alerts past 10,000: the newest are the ones given (it read the
# oldest and stopped: the newest were missing), from the reader.
python3 -c 'import json
for i in range(10100): print(json.dumps({"at": "2030-01-01T00:00:%02dZ" % (i % 60), "key": "bulk-%05d" % i, "level": "info", "title": "alert %05d" % i, "script": "r.lua"}))' >>"$STORE/alerts"
[ "$(get "/v1/alerts")" = 200 ] || fail "the alerts: $(head -c 300 "$TMP/body")"
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); a=o["alerts"]; sys.exit(not (o["count"] == 10000 and o.get("older", 0) >= 100 and a[-1]["key"] == "bulk-10099"))' "$TMP/body" ||
  fail "the alerts past 10,000 lack the newest: $(tail -c 300 "$TMP/body")"
NCHECKS=$((NCHECKS + 2))

kill -TERM "$DPID"
wait_exit "$DPID" "the daemon, after SIGTERM,"
wait "$DPID" || fail "the daemon exited $?: $(tail -5 "$TMP/d.err")"
grep -q "reads* in the reader process (started 2 times)" "$TMP/d.err" ||
  fail "the log does not count the reader's reads and starts: $(tail -5 "$TMP/d.err")"
i=0
while [ -d "/proc/$R2" ] && [ "$(awk '{print $3}' "/proc/$R2/stat" 2>/dev/null)" != Z ]; do
  i=$((i + 1))
  [ $i -lt $((WAIT_S * 20)) ] || fail "the reader $R2 outlived the daemon"
  sleep 0.05
done
NCHECKS=$((NCHECKS + 2))
done_ok
