#!/bin/sh
# The golden replay: the example events and the example rules
# (examples/cambodia-japan/rules) on the simulated clock from 2023-12-18 to
# the end of 2024.  What the daemon prints, then the alert log, must match
# tests/golden/cambodia-japan-replay.txt, and two runs must be identical to
# the byte.  Then: a restart fires nothing again; the file and command
# outputs get the same alerts in the same order; the on-add rule fires
# for a new Japan item on demining and not for others.
#   UPDATE_GOLDEN=1 sh tests/cli/replay.sh path/to/attache   rewrites the file
. "$(dirname "$0")/lib.sh"

RULES=$SRC/examples/cambodia-japan/rules
GOLDEN=$SRC/tests/golden/cambodia-japan-replay.txt
FROM=2023-12-18T00:00:00Z
UNTIL=2024-12-31T23:59:59Z
TZ=UTC
export TZ
mkdir -p "$TMP/work"
cd "$TMP/work" || fail "cd"

# replay OUT [serve options]: a fresh store, the example, the replay, then
# the log; stdout of both in OUT.
replay() {
  dest=$1
  shift
  rm -rf "$STORE"
  example_store
  ok serve --scripts "$RULES" --out "$TMP/work/out" --now "$FROM" --until "$UNTIL" "$@"
  cp "$TMP/out" "$dest"
  cp "$TMP/err" "$dest.err"
  echo "--- attache alerts --json" >>"$dest"
  ok alerts --json
  cat "$TMP/out" >>"$dest"
}

replay "$TMP/run1"
grep -q ' error ' "$TMP/run1.err" && fail "the replay logged errors: $(cat "$TMP/run1.err")"
replay "$TMP/run2"
cmp -s "$TMP/run1" "$TMP/run2" || fail "two replays differ: $(diff "$TMP/run1" "$TMP/run2" | head -20)"
if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
  cp "$TMP/run1" "$GOLDEN"
  echo "wrote $GOLDEN"
fi
cmp -s "$GOLDEN" "$TMP/run1" ||
  fail "the replay differs from $GOLDEN:
$(diff "$GOLDEN" "$TMP/run1" | head -40)"
# The log holds the same alerts as the terminal, with simulated times.
nprinted=$(sed '/^--- attache alerts/,$d' "$TMP/run1" | grep -c '^20[0-9-]*T')
nlogged=$(sed '1,/^--- attache alerts/d' "$TMP/run1" | wc -l | tr -d ' ')
[ "$nprinted" = "$nlogged" ] || fail "$nprinted alerts printed, $nlogged logged"
[ "$nprinted" -ge 10 ] || fail "only $nprinted alerts in the replay"
sed '1,/^--- attache alerts/d' "$TMP/run1" >"$TMP/log.jsonl"
json_lines "$TMP/log.jsonl"

# A restart over the same period (without the daemon's state, so that
# every job runs again) fires nothing: every key has fired.
ok serve --no-state --scripts "$RULES" --out "$TMP/work/out" --now "$FROM" --until "$UNTIL"
[ -s "$TMP/out" ] && fail "a second replay on the same store fired again"
ok alerts --since 2024-06
n=$(wc -l <"$TMP/out" | tr -d ' ')
want=$(grep -c '"at":"2024-\(0[6-9]\|1[0-2]\)' "$TMP/log.jsonl")
[ "$n" -ge "$want" ] && [ "$want" -gt 0 ] || fail "alerts --since 2024-06: $n lines for $want alerts"

# The file and the command get every alert, in the order they fired.
replay "$TMP/run3" --alert-file "$TMP/file.jsonl" --alert-command "cat >> '$TMP/cmd.jsonl'"
cmp -s "$TMP/file.jsonl" "$TMP/log.jsonl" || fail "the alert file differs from the log"
cmp -s "$TMP/cmd.jsonl" "$TMP/log.jsonl" || fail "the command did not get the alerts in order"

# The on-add rule, with an extra script that records two new items.
mkdir "$TMP/rules"
cp "$RULES"/*.lua "$TMP/rules/"
cat >"$TMP/rules/zz-news.lua" <<'EOF'
local at = require "attache"
at.at("2024-02-01T09:00:00Z", function()
  assert(at.add{title = "Japan hands over demining equipment to CMAC", when = "2024-02-01",
                kind = "agreement", status = "held", actors = {"JPN", "KHM", "CMAC"},
                tags = {"demining"}})
  assert(at.add{title = "Trade fair in Phnom Penh", when = "2024-02-20", kind = "other",
                actors = {"JPN", "KHM"}, tags = {"economy"}})
end)
EOF
rm -rf "$STORE"
example_store
ok serve --scripts "$TMP/rules" --out "$TMP/work/out" --now "$FROM" --until 2024-02-29
out_has "2024-02-01T09:00:00Z [warn] New Japan item on demining: Japan hands over demining equipment to CMAC: 2024-02-01, agreement, held (event 11)"
[ "$(grep -c 'New Japan item' "$TMP/out")" = 1 ] || fail "the trade fair (economy) should not be flagged"
out_has "2024-02-05T08:00:00Z [info] Agenda for the 30 days from 2024-02-05: 1 dated, 2 to be dated"
out_has "      2024-02-20  Trade fair in Phnom Penh (other)"

done_ok
