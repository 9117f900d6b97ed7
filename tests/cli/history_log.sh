#!/bin/sh
# Reading the history (issue 15, docs/history.md): attache log newest
# first with each change's field diff and reason, log ID and KEY (a
# removed event by its id), --author, --since/--until, --limit,
# --oldest-first, a large write grouped as one batch (--all), --json as
# JSON Lines; get/show ID@REV for every revision of a live and a removed
# event; attache changes --since (the net effect per event); and the
# errors: a revision the history lacks, a revision that is not a number,
# an id never used, and usage errors.
. "$(dirname "$0")/lib.sh"
need python3 "python3"

export TZ=UTC
ATTACHE_AUTHOR=alice
export ATTACHE_AUTHOR

# heads: the numbers of the change headers of stdout, one a line.
heads() { sed -n 's/^ *change \([0-9][0-9]*\) .*/\1/p' "$TMP/out" | tr '\n' ' '; }
# next_second: wait (polling) until the clock is in a later second than
# now, and put that second, RFC 3339, in $T.
next_second() {
  t0=$(date -u +%s)
  deadline=$((t0 + WAIT_S))
  while [ "$(date -u +%s)" = "$t0" ]; do
    [ "$(date -u +%s)" -lt "$deadline" ] || fail "the clock does not move"
    sleep 0.05
  done
  T=$(date -u +%Y-%m-%dT%H:%M:%SZ)
}

new_store

# -- An empty history.
ok log
out_lines 0

# -- A sequence of changes by two authors, with reasons.
ok add --title "CDC meeting" --when "early 2024" --kind meeting --status planned --actor THA \
  --key cdc-meeting                                                        # change 1
ok update cdc-meeting when=2024-03-12 status=confirmed actors+=KHM actors-=THA \
  --reason "date confirmed by embassy cable"                              # change 2
ATTACHE_AUTHOR=bob
ok add --title "Visit" --when 2024-05 --tag "human rights" --where "Siem Reap"  # change 3
ok update 2 "title=Visite à Siem Reap" "notes=Départ: 6h"                     # change 4
ATTACHE_AUTHOR=alice
ok rm 2 --reason "cancelled by the ministry"                             # change 5
ok update 1 tags+=policy                                                 # change 6

# -- log: newest first, each with its diff.
ok log
[ "$(heads)" = "6 5 4 3 2 1 " ] || fail "log is not newest first: $(heads)"
out_has "change 2  "
out_has "  alice  update 1 \"CDC meeting\" (rev 2)"
out_has "reason: date confirmed by embassy cable"
out_has "  when: 2024-01~/2024-04~ -> 2024-03-12"
out_has "  status: planned -> confirmed"
out_has "  actors: +KHM -THA"
out_has "  bob  add 2 \"Visit\" (rev 1)"
out_has "  tags: \"human rights\""
out_has "  where: \"Siem Reap\""
out_has "  title: Visit -> \"Visite à Siem Reap\""
out_has "  notes: (none) -> \"Départ: 6h\""
out_has "  alice  remove 2 \"Visite à Siem Reap\" (rev 2)"
out_has "reason: cancelled by the ministry"
out_has "  tags: +policy"
out_lacks "rev: "
out_lacks "updated: "
# the diff lines come in the order of the fields: status before when
# before actors
awk '/^change 2 /{p=1;next} /^change /{p=0} p' "$TMP/out" >"$TMP/c2"
[ "$(sed -n 's/^  \([a-z.]*\):.*/\1/p' "$TMP/c2" | tr '\n' ' ')" = "status when actors " ] ||
  fail "change 2's fields out of order: $(cat "$TMP/c2")"

# -- one event: by id, by key, a removed one by its id.
ok log 1
[ "$(heads)" = "6 2 1 " ] || fail "log 1: $(heads)"
ok log cdc-meeting
[ "$(heads)" = "6 2 1 " ] || fail "log KEY: $(heads)"
ok log 2
[ "$(heads)" = "5 4 3 " ] || fail "log of a removed event: $(heads)"

# -- filters.
ok log --author bob
[ "$(heads)" = "4 3 " ] || fail "--author bob: $(heads)"
ok log --author carol
out_lines 0
ok log --oldest-first
[ "$(heads)" = "1 2 3 4 5 6 " ] || fail "--oldest-first: $(heads)"
ok log --limit 2
[ "$(heads)" = "6 5 " ] || fail "--limit 2: $(heads)"
ok log -n 1 1
[ "$(heads)" = "6 " ] || fail "-n 1 1: $(heads)"
ok log --since 1h
[ "$(heads)" = "6 5 4 3 2 1 " ] || fail "--since 1h: $(heads)"
ok log --since 2099-01-01
out_lines 0
ok log --until 2000
out_lines 0
ok log --since yesterday --until tomorrow --author alice 1
[ "$(heads)" = "6 2 1 " ] || fail "--since --until --author ID: $(heads)"

# -- since a given second: only what came after.
next_second
ok update 1 "where=Phnom Penh"                                             # change 7
ok add --title "Summit" --when 2024-09                                     # change 8 (id 3)
ok update 3 status=planned                                                 # change 9
ok log --since "$T"
[ "$(heads)" = "9 8 7 " ] || fail "--since $T: $(heads)"

# -- --json: one object per change with its fields and diff.
ok log --json
json_lines
python3 - "$TMP/out" <<'PY' || fail "log --json"
import json, re, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert [r["seq"] for r in rows] == list(range(9, 0, -1)), [r["seq"] for r in rows]
for r in rows:
    assert set(r) >= {"seq", "batch", "tx", "op", "id", "rev", "author", "reason", "diff"}, r
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["tx"]), r["tx"]
    assert r["op"] in ("add", "update", "remove"), r["op"]
    assert r["batch"] == r["seq"], r
    for d in r["diff"]:
        assert set(d) == {"field", "old", "new"}, d
c2 = rows[-2]
assert (c2["op"], c2["id"], c2["rev"], c2["author"]) == ("update", 1, 2, "alice"), c2
assert c2["reason"] == "date confirmed by embassy cable", c2
assert {"field": "when", "old": "2024-01~/2024-04~", "new": "2024-03-12"} in c2["diff"], c2
assert {"field": "actors", "old": ["THA"], "new": ["KHM"]} in c2["diff"], c2
assert [d["field"] for d in c2["diff"]] == ["status", "when", "actors"], c2
c5 = rows[-5]
assert (c5["op"], c5["id"], c5["rev"]) == ("remove", 2, 2), c5
assert all(d["new"] is None for d in c5["diff"]) and c5["diff"], c5
c1 = rows[-1]
assert all(d["old"] is None for d in c1["diff"]), c1
assert rows[-3]["author"] == "bob" and rows[-4]["author"] == "bob"
PY
ok log --json --author bob 2
out_lines 2

# -- a large write is one batch: a summary, its first changes, --all.
i=0
while [ $i -lt 8 ]; do
  printf '{"title":"imported %d","when":"2023-0%d"}\n' $i $((i + 1))
  i=$((i + 1))
done >"$TMP/imp.jsonl"
ok import "$TMP/imp.jsonl" --reason "cables of March"                   # changes 10-17
ok log --limit 20
out_has "batch 10  "
out_has "  alice  8 changes"
[ "$(grep -c '^  change ' "$TMP/out")" = 3 ] || fail "a batch shows its first 3 changes"
out_has "  ... 5 more changes of batch 10 (attache log --all shows each)"
grep -q '^reason: cables of March' "$TMP/out" || fail "the batch's reason"
[ "$(heads)" = "17 16 15 9 8 7 6 5 4 3 2 1 " ] || fail "log with a batch: $(heads)"
ok log --oldest-first
[ "$(heads)" = "1 2 3 4 5 6 7 8 9 10 11 12 " ] || fail "--oldest-first with a batch: $(heads)"
out_has "  ... 5 more changes of batch 10"
ok log --all
[ "$(grep -c '^  change ' "$TMP/out")" = 8 ] || fail "--all shows each change of the batch"
out_lacks "more changes of batch"
ok log --json
[ "$(grep -c '"batch":10,' "$TMP/out")" = 8 ] || fail "--json: each change of the batch"

# -- show ID@REV: every revision, as get shows an event.
ok get 1 --json
CUR=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["rev"])' <"$TMP/out")
[ "$CUR" = 4 ] || fail "event 1 should be at rev 4, is at $CUR"
r=1
while [ $r -le 4 ]; do
  ok show "1@$r" --json
  python3 -c 'import json,sys; e=json.load(sys.stdin); assert e["id"]==1 and e["rev"]=='$r', e' \
    <"$TMP/out" || fail "show 1@$r --json"
  ok show "1@$r"
  out_has "revision $r of 4"
  out_has "updated    "
  out_has "(rev $r)"
  if [ $r -lt 4 ]; then out_has "replaced by change"; else out_has "revision 4 of 4 (current)"; fi
  cp "$TMP/out" "$TMP/show"
  ok get "1@$r"
  cmp -s "$TMP/show" "$TMP/out" || fail "get 1@$r differs from show 1@$r"
  r=$((r + 1))
done
ok show 1@1
out_has "revision 1 of 4, replaced by change 2 on "
out_has "(alice)"
out_has "status     planned"
out_has "actors     THA"
out_has "[2024-01~/2024-04~]"
ok show 1@2
out_has "status     confirmed"
out_has "[2024-03-12]"
ok show cdc-meeting@1
out_has "revision 1 of 4"
ok show 1
out_has "title      CDC meeting"
out_lacks "revision"
# a removed event: by its id
ok show 2@1
out_has "revision 1 of 2, replaced by change 4 on "
out_has "(bob)"
out_has "title      Visit"
ok show 2@2
out_has "revision 2 of 2, removed by change 5 on "
out_has "title      Visite à Siem Reap"
ok show 2@2 --json
python3 -c 'import json,sys; e=json.load(sys.stdin); assert e["notes"]=="Départ: 6h", e' \
  <"$TMP/out" || fail "show 2@2 --json"

# -- changes: the net effect of a window, one line per event.
next_second
ok update 4 "title=imported zero"                                          # event 4 changed
ok add --title "New talks" --when 2024-10 --actor KHM                      # event 12 added
ok update 12 status=planned                                                # ... then changed
ok add --title "Brief" --when 2024-11                                      # event 13 added
ok rm 13                                                                   # ... and removed
ok rm 5                                                                    # removed
ok update 6 "title=tmp"                                                    # changed ...
ok update 6 "title=imported 2"                                             # ... and back
ok changes --since "$T"
out_lines 3
sed -n 1p "$TMP/out" | grep -q '^added  *12  "New talks"  when: 2024-10$' || fail "added first"
sed -n 2p "$TMP/out" | grep -q '^changed  *4  "imported zero"  title: "imported 0" -> "imported zero"$' ||
  fail "changed second"
sed -n 3p "$TMP/out" | grep -q '^removed  *5  "imported 1"$' || fail "removed last"
ok changes --since "$T" --json
json_lines
python3 - "$TMP/out" <<'PY' || fail "changes --json"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert [(r["id"], r["effect"]) for r in rows] == [(12, "added"), (4, "changed"), (5, "removed")], rows
assert len(rows[0]["changes"]) == 2, rows[0]
assert {"field": "status", "old": None, "new": "planned"} in rows[0]["diff"], rows[0]
assert rows[1]["diff"] == [{"field": "title", "old": "imported 0", "new": "imported zero"}], rows[1]
assert rows[2]["title"] == "imported 1" and all(d["new"] is None for d in rows[2]["diff"]), rows[2]
PY
ok changes
[ "$(wc -l <"$TMP/out")" -ge 8 ] || fail "changes of the last week"
grep -q '^added  *1  "CDC meeting"' "$TMP/out" || fail "changes: event 1 added this week"
out_lacks "Visit"
ok changes --since 2099-01-01
out_lines 0

# -- a restore: in log, in show's revisions, and in changes.
next_second
ok restore 2 --yes
ok log 2 -n 1
out_has "  alice  restore 2 \"Visite à Siem Reap\" (rev 3)"
out_has "reason: restore of event 2"
out_lacks "  title:"
ok show 2@3
out_has "revision 3 of 3 (current)"
ok show 2@2
out_has "revision 2 of 3, removed by change 5 on "
ok changes --since "$T"
out_lines 1
grep -q '^restored  *2  "Visite à Siem Reap"$' "$TMP/out" || fail "changes: restored"
ok update 2 "where=Kampot"
ok changes --since "$T"
grep -q '^restored  *2  "Visite à Siem Reap"  where: "Siem Reap" -> Kampot$' "$TMP/out" ||
  fail "changes: restored, then changed"

# -- text from users reaches a terminal escaped, in the diff too: the
# direction controls that may be stored (a control character may not).
RLO=$(printf '\342\200\256')
ok add --title "bad${RLO} title" --when 2024 --notes "$(printf 'one\ntwo\tthree')${RLO}" \
  --reason "why${RLO}x"
ID=$(sed -n 's/^added \([0-9]*\) .*/\1/p' "$TMP/out")
ok update "$ID" "where=a${RLO}b" "notes=$(printf 'one\ntwo')"
ok log "$ID"
term_clean "$TMP/out" "log" notab
out_has 'notes: "one\ntwo\tthree\u202e" -> "one\ntwo"'
out_has 'reason: why\u202ex'
ok log "$ID" --json
term_clean "$TMP/out" "log --json" notab
json_lines
ok changes --since 1h
term_clean "$TMP/out" "changes" notab
ok show "$ID@1"
term_clean "$TMP/out" "show ID@1"

# -- compaction keeps what log, show and changes read.
ok log --all
cp "$TMP/out" "$TMP/log_before"
ok log --json
cp "$TMP/out" "$TMP/json_before"
ok show 2@1
cp "$TMP/out" "$TMP/show_before"
ok compact
ok log --all
cmp -s "$TMP/log_before" "$TMP/out" || fail "log differs after compact: $(diff "$TMP/log_before" "$TMP/out")"
ok log --json
cmp -s "$TMP/json_before" "$TMP/out" || fail "log --json differs after compact"
ok show 2@1
cmp -s "$TMP/show_before" "$TMP/out" || fail "show 2@1 differs after compact"

# -- errors: exit 1 with a message that says what is wrong.
expect_rc 1 show 1@99
err_has "event 1 has no revision 99; its revisions are 1 to 4"
expect_rc 1 show 2@9
err_has "event 2 has no revision 9; its revisions are 1 to 4"
expect_rc 1 show 1@x
err_has '"1@x": "x" is not a revision; give a whole number from 1'
expect_rc 1 show 1@0
err_has "is not a revision"
expect_rc 1 show 1@
err_has "is not a revision"
expect_rc 1 show @2
err_has "give ID@REV"
expect_rc 1 show 999@1
err_has "no event with id 999: none was ever added"
expect_rc 1 log 999
err_has "no event with id 999: none was ever added"
expect_rc 1 log 0
err_has "no event with id 0: none was ever added"
expect_rc 1 show 0@1
err_has "no event with id 0"
out_lines 0
expect_rc 1 log no-such-key
err_has "no event with key \"no-such-key\" now"
expect_rc 1 show no-such-key@1
err_has "no event with key \"no-such-key\" now"

# -- usage errors: exit 2.
expect_rc 2 log 1 2
err_has "one event at a time"
expect_rc 2 log --bogus
expect_rc 2 log --limit many
err_has "--limit many"
expect_rc 2 log --since "not a date at all"
err_has "--since"
expect_rc 2 log --since 2030 --until 2020
err_has "the range ends before it starts"
expect_rc 2 log --author ""
expect_rc 2 changes 1
err_has "unexpected operand"
expect_rc 2 changes --since "never ever"
expect_rc 2 show
expect_rc 2 show 1@1 2@1

# -- help.
ok help log
out_has "usage: attache [--store DIR] log [ID|KEY]"
ok help show
out_has "ID@REV"
ok help changes
out_has "--since WHEN"
ok log --help
out_has "usage: attache [--store DIR] log"
ok show --help
out_has "usage: attache [--store DIR] show"

done_ok
