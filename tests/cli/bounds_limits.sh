#!/bin/sh
# C functions of the standard libraries whose work grows with their input
# (issue 12): each case of tests/lua/sandbox_abuse.lua below makes C run
# long on few VM instructions.  Under --max-instructions and --max-time each
# must end within the deadline plus a generous slack (ASan, a loaded
# machine): with the budget, time or memory error, or with its result at
# once.  Without a deadline, the budget alone must stop them as soon.
. "$(dirname "$0")/lib.sh"

LUA=$SRC/tests/lua
SLACK_MS=${ATT_BOUNDS_SLACK_MS:-2000}
# Under valgrind (tests/valgrind.sh) the point is memory errors: every C
# function is 20-50 times slower, so the deadline runs (which valgrind
# does not slow) are kept, with more slack, once per case, and the
# budget-only runs (38 s for os_date there) are left out.
VG=0
case ${ATT_WRAP:-} in *valgrind*) VG=1 SLACK_MS=${ATT_BOUNDS_SLACK_MS:-10000} ;; esac
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# A case that is not bounded would run for minutes or hours: stop it.
if command -v timeout >/dev/null 2>&1; then KILL="timeout -s KILL 60"; else KILL=""; fi

new_store
# bounded CASE SECONDS [OPTIONS]: the case ends within SECONDS + slack,
# either with a limit's error or with its result.
bounded() {
  c=$1 secs=$2
  shift 2
  t0=$(now_ms)
  RC=0
  $KILL ${ATT_WRAP:-} "$ATT" --store "$STORE" run "$@" "$LUA/sandbox_abuse.lua" "$c" \
    >"$TMP/out" 2>"$TMP/err" || RC=$?
  NCHECKS=$((NCHECKS + 1))
  ms=$(($(now_ms) - t0))
  limit=$((secs * 1000 + SLACK_MS))
  [ "$ms" -le "$limit" ] || fail "case $c ($*): ran $ms ms, more than $limit ms"
  case $RC in
  0) grep -q "not stopped" "$TMP/out" || fail "case $c: status 0 without a result" ;;
  1) grep -Eq "instruction budget exhausted|time limit exceeded|not enough memory" "$TMP/err" ||
       fail "case $c: status 1 without a limit's error" ;;
  *) fail "case $c ($*): status $RC after $ms ms (killed?)" ;;
  esac
  echo "# $c $*: status $RC in $ms ms"
}

BOTH="--max-instructions 10M --max-time 1"
TIME="--max-instructions 0 --max-time 1"
for c in rep_empty rep_empty_1e9 rep_empty_sep rep_loop remove_len insert_len \
  move_time concat_index sort_len sort_cmp unpack_loop pack_loop pattern_class \
  pattern_frontier gsub_repl upper_loop reverse_loop sub_loop byte_loop format_loop \
  pack_str_loop unpack_str_loop tonumber_loop arith_loop rawequal_loop utf8_codes \
  utf8_len utf8_offset utf8_char os_date next_scan select_loop load_loop load_name_loop; do
  bounded $c 1 $BOTH
  # (under valgrind, where the 10M budget outlasts the second, BOTH is
  # the deadline's run already)
  [ "$VG" = 1 ] || bounded $c 1 $TIME
  # the budget alone (no deadline) stops them as well: 0.1-0.3 s on a
  # plain build, up to 10 s under ASan (compiling is slow there); before,
  # minutes to hours
  [ "$VG" = 1 ] || bounded $c 20 --max-instructions 10M
done

done_ok
