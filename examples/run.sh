#!/bin/sh
# The shipped example, end to end, as `make run` shows it: the
# Cambodia-Japan events in a fresh temporary store, the example rules
# replayed on the simulated clock through 2024 (alerts printed as they
# fire), then the agenda (examples/cambodia-japan/replay.sh).  A program
# built without the daemon only imports the events and lists them.
#
#   sh examples/run.sh path/to/attache
set -eu

bin=${1:?usage: sh examples/run.sh path/to/attache}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
here=$(cd "$(dirname "$0")" && pwd)

if "$bin" help serve >/dev/null 2>&1; then
  exec sh "$here/cambodia-japan/replay.sh" "$bin"
fi

store=$(mktemp -d "${TMPDIR:-/tmp}/attache-example.XXXXXX")
trap 'rm -rf "$store"' EXIT INT TERM

"$bin" --store "$store/store" init >/dev/null
"$bin" --store "$store/store" import "$here/cambodia-japan/events.jsonl"
echo
"$bin" --store "$store/store" list
