#!/bin/sh
# The scorer of extracted events (tests/extract/score.sh, issue 18): the
# gold set against itself scores 1; hand-made proposals score as the rules
# say (kind, overlapping dates, a shared actor; one gold event per
# proposal, as many pairs as possible); bad input is named.
. "$(dirname "$0")/lib.sh"
GOLD=${ATT_SHARED_DATA:-$SRC/../shared/data}/press-releases/gold
need_file() { [ -d "$1" ] || missing "the development set ($1)"; }
need_file "$GOLD"
score() { # [--json] GOLD_DIR PROPOSED_DIR: stdout in $TMP/out, status in $RC
  RC=0
  ATTACHE=$ATT sh "$SRC/tests/extract/score.sh" "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
  NCHECKS=$((NCHECKS + 1))
}
field() { # NAME: the value of "NAME" in the last JSON line of the output
  tail -n 1 "$TMP/out" | sed -n "s/.*\"$1\":\\([^,}]*\\).*/\\1/p"
}

# 1. The gold events proposed as they are: every one matched.
score --json "$GOLD" "$GOLD"
[ "$RC" = 0 ] || fail "gold against gold: exit status $RC"
[ "$(field matched)" = 40 ] && [ "$(field gold)" = 40 ] && [ "$(field proposed)" = 40 ] ||
  fail "gold against gold: 40 of 40 expected"
[ "$(field f1)" = 1.0 ] && [ "$(field date_share)" = 1.0 ] && [ "$(field status_share)" = 1.0 ] ||
  fail "gold against gold: F1, dates and statuses all 1"

# 2. Hand-made: 4 gold events, 6 proposals, 3 matches.
mkdir -p "$TMP/g" "$TMP/p"
cat >"$TMP/g/t1.jsonl" <<'J'
{"kind": "meeting", "status": "held", "when": "2024-05-10", "actors": ["JPN", "KHM"]}
{"kind": "visit", "status": "planned", "when": "2024-06", "actors": ["JPN"]}
{"kind": "anniversary", "status": "held", "when": null, "actors": ["KHM"]}
{"kind": "agreement", "status": "signed", "when": "2024", "actors": ["GBR", "ASEAN"]}
J
cat >"$TMP/p/t1.jsonl" <<'J'
{"kind": "meeting", "status": "held", "when": "2024-05-10", "actors": ["KHM"]}
{"kind": "visit", "status": "held", "when": "2024-06-15", "actors": ["JPN"]}
{"kind": "anniversary", "status": "held", "actors": ["KHM"]}
{"kind": "agreement", "status": "signed", "when": "2024", "actors": ["THA"]}
{"kind": "meeting", "status": "held", "when": "2024-05-10", "actors": ["JPN"]}
{"kind": "talks", "status": "held", "when": "2024-05-10", "actors": ["JPN"]}
J
# 3. A maximum matching: the first proposal's preferred gold event (the
# same EDTF) is the only one the second can have.
cat >"$TMP/g/t2.jsonl" <<'J'
{"kind": "meeting", "status": "held", "when": "2024", "actors": ["JPN"]}
{"kind": "meeting", "status": "held", "when": "2024-03", "actors": ["JPN"]}
J
cat >"$TMP/p/t2.jsonl" <<'J'
{"kind": "meeting", "status": "held", "when": "2024", "actors": ["JPN"]}
{"kind": "meeting", "status": "held", "when": "2024-07", "actors": ["JPN"]}
J
# 4. A text with nothing proposed.
cat >"$TMP/g/t3.jsonl" <<'J'
{"kind": "call", "status": "held", "when": "2023-01-02", "actors": ["USA", "KHM"]}
J
score --json "$TMP/g" "$TMP/p"
[ "$RC" = 0 ] || fail "hand-made: exit status $RC"
want() { # TEXT FIELD VALUE
  v=$(grep "\"text\":\"$1\"" "$TMP/out" | sed -n "s/.*\"$2\":\\([^,}]*\\).*/\\1/p")
  [ "$v" = "$3" ] || fail "$1: $2 is '$v', expected $3"
}
want t1 matched 3
want t1 proposed 6
want t1 gold 4
want t1 precision 0.5
want t1 recall 0.75
want t1 date_exact 2
want t1 status_right 2
want t2 matched 2
want t2 date_exact 0
want t3 matched 0
want t3 proposed 0
want all matched 5
want all gold 7
want all proposed 8
# the table names each text and the total
score "$TMP/g" "$TMP/p"
[ "$RC" = 0 ] || fail "table: exit status $RC"
out_has "all          7     8     5  0.625  0.714  0.667"

# 5. Bad input is named, with its line; usage errors exit 2.
printf '{"kind": "meeting", "when": "2024-13-45", "actors": ["JPN"]}\n' >"$TMP/p/t3.jsonl"
score "$TMP/g" "$TMP/p"
[ "$RC" = 1 ] || fail "a bad date: exit status $RC, expected 1"
err_has "t3.jsonl:1: \"when\""
printf 'not json\n' >"$TMP/p/t3.jsonl"
score "$TMP/g" "$TMP/p"
[ "$RC" = 1 ] || fail "a line that is not JSON: exit status $RC, expected 1"
err_has "t3.jsonl:1: not a JSON object"
score "$TMP/g"
[ "$RC" = 2 ] || fail "one folder: exit status $RC, expected 2"
err_has "usage: sh tests/extract/score.sh"
done_ok
