#!/bin/sh
# Links across export and import (issue 11, finding 2).  Import gives new
# ids, so every link of the file is carried over to the new id of the event
# it named: links by the file's own ids (backward and forward), by keys of
# the file, and by keys of events already in the store.  A store with gaps
# in its ids, keys, links both ways and recurring events goes through all
# three formats into an empty and a non-empty store, and comes back with
# every event and every link equal (compared by title, since ids change).
. "$(dirname "$0")/lib.sh"
need python3

# norm EXPORT.jsonl: one line an event, sorted, ids replaced by titles:
# the event's own id dropped, each link's id given as its target's title.
norm() {
  python3 -c '
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
title = {e["id"]: e["title"] for e in evs}
for e in evs:
    for k in ("id", "created", "updated", "rev"):
        e.pop(k, None)
    for l in e.get("links", []):
        l["id"] = title.get(l["id"], "MISSING %s" % l["id"])
print("\n".join(sorted(json.dumps(e, sort_keys=True) for e in evs)))' "$1"
}

# ---- the source store: gaps, keys, links both ways, recurrences ----------
ok init
ok add --title gone-1 --when 2020
ok add --title A --when 2024-01-15 --key cdc-a --recur 'FREQ=YEARLY;COUNT=3' --tag t
ok add --title gone-2 --when 2020
ok add --title B --when 2024-02 --key cdc-b --link related=2
ok add --title gone-3 --when 2020
ok add --title C --when 2024-Q2 --link follows=4 --link part-of=2
ok update cdc-a links=follows=4
ok add --title D --when 2024 --recur 'FREQ=MONTHLY;BYMONTHDAY=1;COUNT=4'
ok update 7 links=supersedes=6
ok update 6 links+=related=7
ok add --title E --when 2025 --link related=7
ok rm 1
ok rm 3
ok rm 5
ok export
cp "$TMP/out" "$TMP/src.jsonl"
grep -q '"id":2,' "$TMP/src.jsonl" || fail "no event 2 in the source store"
norm "$TMP/src.jsonl" >"$TMP/src.norm"
grep -q MISSING "$TMP/src.norm" && fail "the source store has dangling links"
SRCSTORE=$STORE

for fmt in jsonl json csv; do
  STORE=$SRCSTORE
  ok export --format "$fmt" -o "$TMP/dump.$fmt"

  # Into an empty store.
  STORE=$TMP/empty-$fmt
  ok init
  ok import "$TMP/dump.$fmt"
  out_has "imported 5 events"
  ok fsck
  ok export
  cp "$TMP/out" "$TMP/got.jsonl"
  norm "$TMP/got.jsonl" >"$TMP/got.norm"
  cmp -s "$TMP/src.norm" "$TMP/got.norm" ||
    { diff "$TMP/src.norm" "$TMP/got.norm" >&2; fail "$fmt into an empty store differs"; }

  # Into a store that already holds events (and a gap of its own), so
  # that no imported id equals its id in the file.
  STORE=$TMP/full-$fmt
  ok init
  ok add --title old-1 --when 2019 --key old-1
  ok add --title old-gap --when 2019
  ok add --title old-2 --when 2019 --link related=1
  ok rm 2
  ok export
  norm "$TMP/out" >"$TMP/old.norm"
  ok import "$TMP/dump.$fmt"
  out_has "(ids 4 to 8)"
  ok fsck
  ok export
  cp "$TMP/out" "$TMP/got.jsonl"
  norm "$TMP/got.jsonl" >"$TMP/got.norm"
  cat "$TMP/src.norm" "$TMP/old.norm" | sort >"$TMP/want.norm"
  sort "$TMP/got.norm" >"$TMP/got.sorted"
  cmp -s "$TMP/want.norm" "$TMP/got.sorted" ||
    { diff "$TMP/want.norm" "$TMP/got.sorted" >&2; fail "$fmt into a non-empty store differs"; }
done

# ---- links by key, forward links, and what is refused --------------------
STORE=$TMP/keys
ok init
ok add --title in-store --when 2019 --key stored
cat >"$TMP/keys.jsonl" <<'J'
{"id":10,"title":"first","when":"2024","links":[{"rel":"follows","id":30},{"rel":"related","key":"k-third"}]}
{"title":"no id","when":"2024","links":[{"rel":"related","id":10},{"rel":"related","key":"stored"}]}
{"id":30,"key":"k-third","title":"third","when":"2024","links":[{"rel":"follows","key":"stored"}]}
J
ok import "$TMP/keys.jsonl"
out_has "(ids 2 to 4)"
ok export
norm "$TMP/out" >"$TMP/keys.norm"
grep -qF '"title": "first"' "$TMP/keys.norm" || fail "first not imported"
grep -F '"title": "first"' "$TMP/keys.norm" | grep -qF '{"id": "third", "rel": "follows"}, {"id": "third", "rel": "related"}' ||
  fail "first's links are not to third"
grep -F '"title": "no id"' "$TMP/keys.norm" | grep -qF '{"id": "first", "rel": "related"}, {"id": "in-store", "rel": "related"}' ||
  fail "no id's links are wrong"
grep -F '"title": "third"' "$TMP/keys.norm" | grep -qF '{"id": "in-store", "rel": "follows"}' ||
  fail "third's link by key to the store is wrong"

# A link id that names no event of the file: FILE:LINE, nothing imported.
printf '%s\n' '{"id":1,"title":"x","when":"2024"}' \
  '{"id":2,"title":"y","when":"2024","links":[{"rel":"related","id":7}]}' >"$TMP/dangling.jsonl"
STORE=$TMP/dangling
ok init
expect_rc 1 import "$TMP/dangling.jsonl"
err_has "dangling.jsonl:2"
err_has "7"
err_has "nothing was imported"
ok export
[ ! -s "$TMP/out" ] || fail "a refused import left events"
# The same in CSV (the row's line) and in a JSON array (the element).
printf 'id,title,when,links\n1,x,2024,\n2,y,2024,related=7\n' >"$TMP/dangling.csv"
expect_rc 1 import "$TMP/dangling.csv"
err_has "dangling.csv:3"
printf '[{"id":1,"title":"x","when":"2024"},\n{"id":2,"title":"y","when":"2024","links":[{"rel":"related","id":7}]}]\n' >"$TMP/dangling.json"
expect_rc 1 import "$TMP/dangling.json"
err_has "[1]"
# Two events with the same id.
printf '%s\n' '{"id":1,"title":"x","when":"2024"}' '{"id":1,"title":"y","when":"2024"}' >"$TMP/twice.jsonl"
expect_rc 1 import "$TMP/twice.jsonl"
err_has "twice.jsonl:2"
err_has "twice.jsonl:1"
# A link to itself, through the file's ids.
printf '%s\n' '{"id":5,"title":"x","when":"2024","links":[{"rel":"related","id":5}]}' >"$TMP/self.jsonl"
expect_rc 1 import "$TMP/self.jsonl"
err_has "self.jsonl:1: links[0]: 5 is this event's own id; a link names another event"
if grep -q "would not read back" "$TMP/err"; then fail "the store's own check reached the user"; fi
printf '%s\n' '{"title":"x","when":"2024","key":"k","links":[{"rel":"related","key":"k"}]}' >"$TMP/selfk.jsonl"
expect_rc 1 import "$TMP/selfk.jsonl"
err_has "selfk.jsonl:1: "
err_has "\"k\" is this event's own key"
ok export
[ ! -s "$TMP/out" ] || fail "a refused import left events"
done_ok
