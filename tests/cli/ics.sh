#!/bin/sh
# `attache export --format ics` of the example store, plus events chosen
# for the hard cases (long titles, commas, semicolons, backslashes, line
# breaks, Khmer and Japanese text with a multi-byte character at the
# fold, a recurring event, a date-time, an open interval), read back by an
# independent parser: Debian's python3-icalendar, run with the system
# Python.  Checks the number of VEVENTs, the mapping of each kind of date,
# the alarms, the UIDs, CRLF line ends, folding at 75 octets without
# splitting a UTF-8 character, and that at.report.ics writes the same text.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
"$PY" -c 'import icalendar' 2>/dev/null ||
  missing "python3-icalendar (for $PY)" "'make deps' installs it: apt-get install python3-icalendar"

example_store
# 66 ASCII letters after "SUMMARY:" put the first byte of 東 at octet 75.
LONG="$(printf 'A%.0s' $(seq 66))東京 talks; round 2, with ភ្នំពេញ officials \\ backslash — $(printf 'long title %.0s' $(seq 12))"
ok add --title "$LONG" --when 2024-03-05 --kind talks --status planned --where "Tokyo; Phnom Penh, via Bangkok" \
  --notes "First line, with a comma; and a semicolon.
Second line: 上川陽子 and សុខ ចិន្តា សោភា."
ok add --title "Annual consultations" --when 2024-06-10 --recur "FREQ=YEARLY;UNTIL=20280610" --kind talks
ok add --title "Video call of the ministers" --when 2024-02-01T09:30:00+09:00 --kind call --status confirmed
ok add --title "Mine-clearance programme" --when "2024/.." --kind deployment --tag demining
ok export --format jsonl -o "$TMP/events.jsonl"
ok export --format ics --alarm 7d --alarm 1d -o "$TMP/cal.ics"
ok export --format ics --alarm 7d --alarm 1d
cmp -s "$TMP/out" "$TMP/cal.ics" || fail "export to stdout and to -o differ"

"$PY" - "$TMP/cal.ics" "$TMP/events.jsonl" <<'EOF' || fail "the calendar does not pass python3-icalendar's checks (above)"
import datetime as dt, json, sys
import icalendar

raw = open(sys.argv[1], "rb").read()
events = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
errors = []
def check(cond, msg):
    if not cond:
        errors.append(msg)

# Physical lines: CRLF only, at most 75 octets, each valid UTF-8 alone.
check(raw.endswith(b"\r\n"), "does not end with CRLF")
lines = raw.split(b"\r\n")[:-1]
check(b"\n" not in raw.replace(b"\r\n", b""), "a bare LF")
for i, l in enumerate(lines, 1):
    check(len(l) <= 75, "line %d has %d octets" % (i, len(l)))
    try:
        l.decode("utf-8")
    except UnicodeDecodeError:
        errors.append("line %d splits a UTF-8 character" % i)
folded_mb = any(l.startswith(b" ") and (l[1] & 0xC0) == 0x80 for l in lines)
check(not folded_mb, "a continuation line starts inside a character")

cal = icalendar.Calendar.from_ical(raw)
vevents = [c for c in cal.walk() if c.name == "VEVENT"]
check(len(vevents) == len(events), "%d VEVENTs for %d events" % (len(vevents), len(events)))
by_uid = {str(v["UID"]): v for v in vevents}
check(len(by_uid) == len(vevents), "UIDs are not unique")

for ev in events:
    v = by_uid.get("event-%d@attache" % ev["id"])
    if v is None:
        errors.append("no VEVENT for event %d" % ev["id"])
        continue
    when = ev["when"]
    summary = str(v["SUMMARY"])
    check(str(v["X-ATTACHE-EDTF"]) == when, "event %d: X-ATTACHE-EDTF" % ev["id"])
    start = v.decoded("DTSTART")
    fuzzy = any(c in when for c in "~?%X") or ".." in when or (len(when) < 10 and "/" not in when)
    if fuzzy:
        check(summary == ev["title"] + " [" + when + "]", "event %d: summary %r" % (ev["id"], summary))
    else:
        check(summary == ev["title"], "event %d: summary %r" % (ev["id"], summary))
    if "T" in when:
        check(isinstance(start, dt.datetime) and start.utcoffset() == dt.timedelta(0),
              "event %d: DTSTART not in UTC" % ev["id"])
    else:
        check(type(start) is dt.date, "event %d: DTSTART is not a DATE" % ev["id"])
        end = v.decoded("DTEND")
        check(type(end) is dt.date and end > start, "event %d: DTEND" % ev["id"])
        if len(when) == 10:
            check(end - start == dt.timedelta(days=1), "event %d: a day lasts one day" % ev["id"])
    alarms = [c for c in v.subcomponents if c.name == "VALARM"]
    check(sorted(a.decoded("TRIGGER") for a in alarms) ==
          [dt.timedelta(days=-7), dt.timedelta(days=-1)], "event %d: alarms" % ev["id"])
    if ev.get("where"):
        check(str(v["LOCATION"]) == ev["where"], "event %d: LOCATION" % ev["id"])

def find(title_start):
    return [v for v in vevents if str(v["SUMMARY"]).startswith(title_start)][0]

pol = by_uid["event-6@attache"]
check(pol.decoded("DTSTART") == dt.date(2024, 1, 1) and pol.decoded("DTEND") == dt.date(2029, 1, 1),
      "the 2024/2028 policy is not 2024-01-01 to 2029-01-01")
cdc = by_uid["event-5@attache"]
check(cdc.decoded("DTSTART") == dt.date(2024, 1, 1), "the fuzzy meeting is not on its earliest day")
long_ = find("AAAA")
check("東京 talks; round 2, with ភ្នំពេញ officials \\ backslash" in str(long_["SUMMARY"]),
      "the long title did not survive")
check(str(long_["DESCRIPTION"]).startswith("First line, with a comma; and a semicolon.\nSecond line: 上川陽子"),
      "notes with a line break did not survive: %r" % str(long_["DESCRIPTION"])[:80])
rec = find("Annual consultations")
rr = rec["RRULE"]
check(rr["FREQ"] == ["YEARLY"] and rr["UNTIL"] == [dt.date(2028, 6, 10)], "RRULE: %r" % rr)
call = find("Video call")
check(call.decoded("DTSTART") == dt.datetime(2024, 2, 1, 0, 30, tzinfo=dt.timezone.utc),
      "the call is not at 00:30 UTC")
check(b"DTSTAMP:" in raw and raw.count(b"DTSTAMP:") == len(events), "DTSTAMP on every event")
if errors:
    print("\n".join(errors))
    sys.exit(1)
print("ics: %d events, %d lines checked" % (len(vevents), len(lines)))
EOF

# The raw text has the escapes and the fold where they belong.
grep -q 'LOCATION:Tokyo\\; Phnom Penh\\, via Bangkok' "$TMP/cal.ics" || fail "LOCATION is not escaped"
grep -q '^CATEGORIES:talks' "$TMP/cal.ics" || fail "CATEGORIES"
grep -qxF "$(printf 'SUMMARY:%s\r' "$(printf 'A%.0s' $(seq 66))")" "$TMP/cal.ics" ||
  fail "the long SUMMARY is not folded before the character that would cross octet 75"

# The same calendar from Lua.
cat >"$TMP/ics.lua" <<'EOF'
local at = require "attache"
io.write(at.report.ics(at.query{sort = "id"}, {alarms = {"7d", "1d"}}))
EOF
ok run "$TMP/ics.lua"
cmp -s "$TMP/out" "$TMP/cal.ics" || fail "at.report.ics and export --format ics differ"
# Misuse raises; a domain changes the UIDs; the same store gives the same UIDs.
cat >"$TMP/bad.lua" <<'EOF'
local at = require "attache"
local r = at.report
print(pcall(r.ics, at.query{}, {alarms = {"soon"}}))
print(pcall(r.ics, at.query{}, {colour = 1}))
print(pcall(r.ics, {42}))
local t = r.ics({{title = "Plain table, with a comma", when = "2024-05"}}, {domain = "mission.example"})
print(t:match("UID:([^\r]+)"), t:match("SUMMARY:([^\r]+)"))
EOF
ok run "$TMP/bad.lua"
out_has 'alarms[1]: lead "soon"'
out_has "unknown option 'colour'"
out_has "item 1 is a number, not an event"
out_has 'event-item-1@mission.example	Plain table\, with a comma [2024-05]'
ok export --format ics --uid-domain embassy.example
out_has "UID:event-1@embassy.example"
done_ok
