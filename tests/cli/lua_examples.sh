#!/bin/sh
# Every example script of examples/lua/ runs with `attache run` on a fresh
# store loaded with the Cambodia-Japan events, exits 0 and prints exactly
# what is written below.  A new example without an expectation fails the
# test, and so does an expectation without its example.  At the end, `list
# --where` (the Lua expression filter of the command line) on the same
# events.
. "$(dirname "$0")/lib.sh"

DIR=$SRC/examples/lua
SEEN=" "

# expect NAME <<'EOF' ... EOF: run examples/lua/NAME.lua and compare.
expect() {
  name=$1
  [ -f "$DIR/$name.lua" ] || fail "no example $DIR/$name.lua for the expectation '$name'"
  cat >"$TMP/want"
  rm -rf "$STORE"
  ok init
  ok import "$EXAMPLE"
  run run "$DIR/$name.lua"
  [ "$RC" = 0 ] || fail "examples/lua/$name.lua: exit status $RC"
  if ! cmp -s "$TMP/want" "$TMP/out"; then
    diff "$TMP/want" "$TMP/out" >&2 || true
    fail "examples/lua/$name.lua: output differs from the expectation (diff above: < expected, > got)"
  fi
  [ ! -s "$TMP/err" ] || fail "examples/lua/$name.lua: wrote to stderr"
  SEEN="$SEEN$name "
}

expect add <<'EOF'
added	#11 2024 Follow-up meeting of the two foreign ministries
nil	event field "when": cannot read the date "sometime soonish"
EOF

expect batch <<'EOF'
after the batch:	11	in-force
false	changed our mind	events:	11
EOF

expect count <<'EOF'
events:	10
with the CDC:	2
held before 2000:	2
with more than two parties:	5
EOF

expect date <<'EOF'
early 2024       2024-01~/2024-04~  2024-01-01T00:00:00Z .. 2024-04-30T23:59:59Z
2024-28          2024/2028          2024-01-01T00:00:00Z .. 2028-12-31T23:59:59Z
Q1 2024          2024-33            2024-01-01T00:00:00Z .. 2024-03-31T23:59:59Z
in November      2023-11            2023-11-01T00:00:00Z .. 2023-11-30T23:59:59Z
the coming year  2024               2024-01-01T00:00:00Z .. 2024-12-31T23:59:59Z
1993-05-23
cannot read the date "soon"
true	true	true
1704067200	1714521599
2024-01~/2024-04~	true
EOF

expect duration <<'EOF'
7d	2h30m	1y6mo	1h30m
8d	14d	-7d	true
2024-02-29T00:00:00Z	2023-02-28T00:00:00Z
2024-10-16T00:00:00Z
29d
cannot read the duration "a fortnight"
1	2	3	14400
EOF

expect each <<'EOF'
1992-09/1993-09	Japanese peacekeepers deployed to Cambodia
2023-12-17	Cambodian and Japanese foreign ministers meet
first:	#8 1991-10-23 Paris Peace Agreements on Cambodia signed
EOF

expect edtf <<'EOF'
2024-28	2024-12-01T00:00:00Z	2025-02-28T23:59:59Z
2024/2028
..
invalid EDTF date "early 2024"
EOF

expect event <<'EOF'
#1 2023-12-17 Cambodian and Japanese foreign ministers meet
1	khm-jpn-fm-meeting-2023-12	meeting	held	1
2023-12-17	2023-12-17T00:00:00Z	2023-12-17T23:59:59Z
KHM,JPN	11	Kamikawa Yoko	2023-12-18
true	true	false
false	true
2023-12-17	{"id":1,"key":"khm-jpn-fm-meeting-2023-1
	#8 1991-10-23 Paris Peace Agreements on Cambodia signed
	#9 1993-05-23/1993-05-28 First general election, administered by UNTAC
events are read-only; use at.update(ev, {status = ...})
event has no field 'titel' (fields: id, key, title, kind, status, when, recur, tz, where, actors, people, tags, source, notes, links, fields, created, updated, rev; methods: has_actor, has_tag, stale, totable, json, event)
EOF

expect get <<'EOF'
#5 2024-01~/2024-04~ CDC-coordinated meeting to endorse the draft country assistance policy
kind:	meeting	status:	planned
same event by id:	true
nil	no event with key "no-such-key"
EOF

expect now <<'EOF'
an instant:	true
after the article:	true
events not over yet:	true
EOF

expect null <<'EOF'
where:	nil
2	true	null
EOF

expect query <<'EOF'
2 planned meetings with Japan:
	#5 2024-01~/2024-04~ CDC-coordinated meeting to endorse the draft country assistance policy
	#4 2024 Inter-ministerial meeting at the Council for the Development of Cambodia
#9 1993-05-23/1993-05-28 First general election, administered by UNTAC
#10 1992-09/1993-09 Japanese peacekeepers deployed to Cambodia
EOF

expect remove <<'EOF'
true
nil	no event with key "mfaic-press-release-2023-12-18"
nil	event 2 was removed
events left:	9
EOF

expect units <<'EOF'
1y	3mo	14d	7d	36h	1h30m	45s
a year on:	2024-12-17T00:00:00Z
a week before:	2023-12-10T00:00:00Z
the morning after:	2023-12-18T09:00:00Z
true	true
EOF

expect update <<'EOF'
now:	#5 2024-03 CDC-coordinated meeting to endorse the draft country assistance policy	rev	2
held object:	#5 2024-01~/2024-04~ CDC-coordinated meeting to endorse the draft country assistance policy	rev	1	stale:	true
nil	event 5 was changed by someone else meanwhile (it is at revision 2, this change was made to revision 1); read it again and redo the change
aid
EOF

# at.report (docs/reports.md): report_ics and report_timeline write into ./out.
expect report_text <<'EOF'
Cambodia-Japan: recent and planned
==================================

ID  WHEN           STATUS   TITLE
2023-01 (1 event)
 7  2023           held     70th anniversary of Cambodia-Japan dipl…

2023-11 (1 event)
 3  November 2023  held     First senior officials' talks between t…

2023-12 (2 events)
 1  17 Dec 2023    held     Cambodian and Japanese foreign minister…
 2  18 Dec 2023    -        Cambodian foreign ministry issues a pre…

2024-01 (3 events)
 5  early 2024     planned  CDC-coordinated meeting to endorse the …
 4  2024           planned  Inter-ministerial meeting at the Counci…
 6  2024-2028      draft    Japan's country assistance policy for C…
5	4	上川陽…
EOF

expect report_formats <<'EOF'
| WHEN        | STATUS  | TITLE                                                                    | WHERE      |
| ----------- | ------- | ------------------------------------------------------------------------ | ---------- |
| 17 Dec 2023 | held    | Cambodian and Japanese foreign ministers meet                            | -          |
| early 2024  | planned | CDC-coordinated meeting to endorse the draft country assistance policy   | Phnom Penh |
| 2024        | planned | Inter-ministerial meeting at the Council for the Development of Cambodia | -          |
id,title,actors
1,Cambodian and Japanese foreign ministers meet,KHM;JPN
5,CDC-coordinated meeting to endorse the draft country assistance policy,KHM;JPN;CDC
4,Inter-ministerial meeting at the Council for the Development of Cambodia,KHM;JPN;CDC
[
{"id":1,"start":"2023-12-17","end":"2023-12-17","actors":["KHM","JPN"]},
{"id":5,"start":"2024-01-01","end":"2024-04-30","actors":["KHM","JPN","CDC"]},
{"id":4,"start":"2024-01-01","end":"2024-12-31","actors":["KHM","JPN","CDC"]}
]
EOF

expect report_group <<'EOF'
CDC	2
JPN	8
KHM	10
UN	2
UNTAC	2
draft	6
held	1 3 7 9 10
in-force	8
planned	5 4
(none)	2
70th anniversary of Cambodia-Japan diplomatic relations
EOF

expect report_ics <<'EOF'
2	events,	4	alarms
DTSTART;VALUE=DATE:20240101	X-ATTACHE-EDTF:2024-01~/2024-04~
EOF

expect report_timeline <<'EOF'
wrote out/timeline.html:	10	events
EOF

for f in "$DIR"/*.lua; do
  name=$(basename "$f" .lua)
  case $SEEN in *" $name "*) ;; *) fail "examples/lua/$name.lua has no expectation in $0" ;; esac
done
# list --where: the expression sees ev and at, works with the other
# filters and --limit, and an error is reported once, with exit status 1.
rm -rf "$STORE"
ok init
ok import "$EXAMPLE"
ok list --where 'ev:has_actor("JPN") and ev.kind == "meeting"' --json
out_lines 3
out_has '"key":"khm-jpn-fm-meeting-2023-12"'
out_has '"key":"cdc-2024-policy-meeting"'
out_has '"key":"cdc-inter-ministerial-meeting-2024"'
ok list --where 'ev.when < at.date("2000")' --kind agreement --json
out_lines 1
out_has '"key":"paris-peace-agreements-1991"'
ok list --where 'ev:has_tag("politics")' --sort id --limit 2 --json
out_lines 2
out_has '"id":1,'
out_has '"id":2,'
ok list --where '#ev.actors > 2' --actor UN --json
out_lines 2
ok list --where 'false'
out_lines 0
expect_rc 1 list --where 'ev.titel == "x"'
err_has "attache: --where 'ev.titel == \"x\"': event has no field 'titel'"
[ "$(grep -c . "$TMP/err")" = 1 ] || fail "the error is reported once"
expect_rc 1 list --where 'ev.kind =='
err_has "attache: --where 'ev.kind ==': "
expect_rc 1 list --where 'os.execute("true")'
err_has "attache: --where 'os.execute(\"true\")': "
expect_rc 2 list --where ''
err_has "--where needs a Lua expression"

echo "ok $TESTNAME: $NCHECKS checks"
