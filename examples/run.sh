#!/bin/sh
# The shipped example, end to end: a fresh temporary store, the
# Cambodia-Japan events imported into it, and the agenda listed.  Until the
# daemon exists this is what `make run` does.
#
#   sh examples/run.sh path/to/attache
set -eu

bin=${1:?usage: sh examples/run.sh path/to/attache}
here=$(cd "$(dirname "$0")" && pwd)
store=$(mktemp -d "${TMPDIR:-/tmp}/attache-example.XXXXXX")
trap 'rm -rf "$store"' EXIT INT TERM

"$bin" --store "$store/store" init >/dev/null
"$bin" --store "$store/store" import "$here/cambodia-japan/events.jsonl"
echo
"$bin" --store "$store/store" list
