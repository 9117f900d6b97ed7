# Helpers shared by the command-line tests (tests/cli/*.sh).  A test does
#   . "$(dirname "$0")/lib.sh"
# and gets $ATT (the program under test, from $1), $STORE (a fresh, not yet
# created store directory), $TMP (a scratch directory removed on exit), and
# the checks below, each of which stops the test with a clear message.  A
# test that needs an optional tool says so first, with `need` or `missing`
# (tests/need.sh): without it the test is skipped, or fails in CI.

set -u

ATT=${1:?usage: sh TEST.sh path/to/attache}
case $ATT in /*) ;; *) ATT=$(pwd)/$ATT ;; esac
SRC=${ATT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
EXAMPLE=$SRC/examples/cambodia-japan/events.jsonl
TMP=$(mktemp -d "${TMPDIR:-/tmp}/attache-cli.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
STORE=$TMP/store
unset ATTACHE_STORE XDG_DATA_HOME
HOME=$TMP/home
export HOME
TESTNAME=$(basename "$0" .sh)
SKIP_NAME=$TESTNAME
. "$(dirname "$0")/../need.sh"
NCHECKS=0
# How long a wait for another process may take before the test fails: a
# guard against a hang, never a measure of speed.  Under valgrind
# everything is 20-50 times slower, and slower still on a loaded machine.
case ${ATT_WRAP:-} in
*valgrind*) WAIT_S=${ATT_WAIT_S:-600} ;;
*) WAIT_S=${ATT_WAIT_S:-60} ;;
esac

fail() {
  echo "FAIL $TESTNAME: $*" >&2
  if [ -s "$TMP/out" ]; then echo "--- stdout:" >&2; cat "$TMP/out" >&2; fi
  if [ -s "$TMP/err" ]; then echo "--- stderr:" >&2; cat "$TMP/err" >&2; fi
  exit 1
}

# run CMD...: run attache on $STORE, keep stdout/stderr in $TMP/out, $TMP/err
# and the exit status in $RC.
run() {
  RC=0
  ${ATT_WRAP:-} "$ATT" --store "$STORE" "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
  NCHECKS=$((NCHECKS + 1))
}

# expect_rc N CMD...: run, and demand exit status N.
expect_rc() {
  want=$1
  shift
  run "$@"
  [ "$RC" = "$want" ] || fail "attache $*: exit status $RC, expected $want"
}

ok() { expect_rc 0 "$@"; }

out_has() {
  grep -qF -- "$1" "$TMP/out" || fail "stdout lacks '$1'"
}
out_lacks() {
  if grep -qF -- "$1" "$TMP/out"; then fail "stdout should not have '$1'"; fi
}
err_has() {
  grep -qF -- "$1" "$TMP/err" || fail "stderr lacks '$1'"
}
out_is() {
  printf '%s\n' "$1" >"$TMP/want"
  cmp -s "$TMP/want" "$TMP/out" || fail "stdout is not exactly '$1'"
}
out_lines() {
  n=$(wc -l <"$TMP/out" | tr -d ' ')
  [ "$n" = "$1" ] || fail "stdout has $n lines, expected $1"
}

# Every line of FILE (default: stdout) is one JSON object.
json_lines() {
  f=${1:-$TMP/out}
  if command -v python3 >/dev/null 2>&1; then
    python3 -c '
import json, sys
for i, l in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    if not isinstance(json.loads(l), dict):
        sys.exit("line %d is not an object" % i)' "$f" ||
      fail "not valid JSON Lines: $f"
  elif command -v node >/dev/null 2>&1; then
    node -e '
const ls = require("fs").readFileSync(process.argv[1], "utf8").split("\n");
ls.pop();
ls.forEach((l, i) => { const v = JSON.parse(l);
  if (typeof v !== "object" || Array.isArray(v)) throw new Error("line " + (i + 1)); });
' "$f" || fail "not valid JSON Lines: $f"
  else
    missing "python3 or node (to check JSON)"
  fi
}

# Export with ids and timestamps removed, for comparing stores.
strip_export() {
  python3 -c '
import json, sys
for l in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(l)
    for k in ("id", "created", "updated", "rev"):
        o.pop(k, None)
    print(json.dumps(o, sort_keys=True))' "$1"
}

# wait_for FILE PATTERN WHAT: poll until FILE has a line matching
# PATTERN (a background process wrote it), or fail with WHAT after WAIT_S,
# showing the end of FILE (what the process did write).
wait_for() {
  deadline=$(($(date +%s) + WAIT_S))
  until grep -q -- "$2" "$1" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || {
      echo "--- the last lines of $1:" >&2
      tail -n 30 "$1" >&2 2>/dev/null || true
      fail "$3"
    }
    sleep 0.05
  done
}

# wait_exit PID WHAT: poll until process PID has ended, at most WAIT_S;
# else kill it and fail.
wait_exit() {
  i=0
  while kill -0 "$1" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt $((WAIT_S * 10)) ]; then
      kill -KILL "$1" 2>/dev/null
      fail "$2 still running after $WAIT_S s"
    fi
    sleep 0.1
  done
}

new_store() { ok init; }
example_store() {
  ok init
  ok import "$EXAMPLE"
}

done_ok() { echo "ok $TESTNAME ($NCHECKS commands)"; exit 0; }

# term_clean FILE WHAT [notab]: no byte in FILE that a terminal acts on
# (line feeds and tabs aside; with notab, line feeds only), and all of it
# valid UTF-8: C0 and DEL, C1, the direction controls (U+061C, U+200E/F,
# U+202A-202E, U+2066-2069) and the line separators U+2028/2029.
term_clean() {
  python3 - "$1" "${3:-}" <<'PY' || fail "$2: a terminal control reached the output"
import sys
b = open(sys.argv[1], "rb").read()
keep = "\n" if sys.argv[2] == "notab" else "\n\t"
try:
    t = b.decode("utf-8")
except UnicodeDecodeError as e:
    print("invalid UTF-8: %s" % e); sys.exit(1)
def bad(c):
    o = ord(c)
    return (o < 0x20 and c not in keep) or 0x7f <= o <= 0x9f or o in (0x61c, 0x200e, 0x200f, 0x2028, 0x2029) \
        or 0x202a <= o <= 0x202e or 0x2066 <= o <= 0x2069
found = sorted(set("U+%04X" % ord(c) for c in t if bad(c)))
if found:
    print("found: " + " ".join(found)); sys.exit(1)
PY
}
