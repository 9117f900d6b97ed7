# Skipping a test whose optional tool or data set is absent, sourced by
# tests/cli/lib.sh, tests/diff/run.sh and tests/valgrind.sh.  A skip exits
# with SKIP_RC, which tests/tests.cmake gives ctest as SKIP_RETURN_CODE (so
# ctest reports "Skipped", not "Failed"), after a line that says what is
# missing and how to get it.  With ATT_NO_SKIP=1, which .ci/run sets, a
# skip is a failure with the same message: CI leaves nothing out silently.
#
#   need CMD [HOW]      skip unless the command CMD exists
#   missing WHAT [HOW]  skip: WHAT is absent; HOW gets it (default: make deps)
#
# The test's name in the message is $SKIP_NAME (default: the script's).

SKIP_RC=77

missing() {
  how=${2:-"'make deps' installs it"}
  if [ "${ATT_NO_SKIP:-0}" = 1 ]; then
    echo "FAIL ${SKIP_NAME:-$(basename "$0" .sh)}: $1 is missing ($how); ATT_NO_SKIP=1 makes a skip a failure" >&2
    exit 1
  fi
  # On stdout: `make test` lists these lines, since ctest shows no output
  # of a skipped test.
  echo "SKIP ${SKIP_NAME:-$(basename "$0" .sh)}: $1 is missing ($how)"
  exit $SKIP_RC
}

need() {
  command -v "$1" >/dev/null 2>&1 || missing "$1" "${2:-}"
}
