#!/bin/sh
# A full disk, as the kernel makes it for a process whose files may not
# grow past a size (ulimit -f: writes past it come out short, then fail
# with "File too large"): an import, a large import (a new snapshot) and
# a script's batch each fail saying why, import nothing, and leave the
# store opening with every event it had (a full disk made the store
# unopenable: a batch's abort record was written over its own partly
# written records; a large import blamed a record for it).
. "$(dirname "$0")/lib.sh"
need python3

new_store
for i in 1 2 3; do ok add --title "kept $i" --when 2024; done
python3 -c 'import json
for i in range(3000): print(json.dumps({"title": "event %d " % i + "x" * 40, "when": "2024-01-%02d" % (i % 28 + 1), "notes": "n" * 60}))' >"$TMP/small.jsonl"
python3 -c 'import json
for i in range(4200): print(json.dumps({"title": "event %d " % i + "x" * 40, "when": "2024-01-%02d" % (i % 28 + 1), "notes": "n" * 60}))' >"$TMP/large.jsonl"
cat >"$TMP/batch.lua" <<'LUA'
local at = require "attache"
print(at.batch(function()
  for i = 1, 2000 do at.add{title = "batch " .. i .. (" x"):rep(40), when = "2024-02"} end
end))
LUA

# full LIMIT_BLOCKS COMMAND...: the command with files limited to 512-byte blocks
full() {
  blocks=$1
  shift
  ( trap '' XFSZ; ulimit -f "$blocks"; expect_rc 1 "$@" ) || exit 1
}
intact() {
  ok list
  out_has "kept 3"
  [ "$(grep -c . "$TMP/out")" = 4 ] || fail "after $1: not the 3 events: $(cat "$TMP/out")"
  ok fsck
  out_has "every record is intact"
}

for blocks in 1 2 100 400; do
  full "$blocks" import "$TMP/small.jsonl"
  err_has "nothing was imported"
  err_has "File too large"
  if grep -q "bad record\|damaged" "$TMP/err"; then fail "a full disk called a record bad or the store damaged: $(cat "$TMP/err")"; fi
  intact "an import of 3,000 events, limit $blocks blocks"
  full "$blocks" import "$TMP/large.jsonl"
  err_has "nothing was imported"
  err_has "File too large"
  if grep -q "bad record\|damaged" "$TMP/err"; then fail "a full disk called a record bad or the store damaged: $(cat "$TMP/err")"; fi
  intact "an import of 4,200 events, limit $blocks blocks"
done
# A script's batch: at.batch answers nil and why; the store is as it was.
( trap '' XFSZ; ulimit -f 400; ok run "$TMP/batch.lua" ) || exit 1
out_has "File too large"
intact "a batch of 2,000 adds"
done_ok
