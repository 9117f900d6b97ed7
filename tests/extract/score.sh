#!/bin/sh
# Score the events proposed for a folder of texts against their gold
# events (issue 18; the rules of the match are in score.lua):
#   sh tests/extract/score.sh [--json|--details] GOLD_DIR PROPOSED_DIR
# Each GOLD_DIR/NN.jsonl is paired with PROPOSED_DIR/NN.jsonl (none
# there: nothing proposed for that text).  ATTACHE names the program
# (default: attache on the PATH).  Exit status 0, or 2 on a usage error.
set -eu
json=
case ${1:-} in --json|--details) json=$1; shift ;; esac
if [ $# -ne 2 ] || [ ! -d "$1" ] || [ ! -d "$2" ]; then
  echo "usage: sh tests/extract/score.sh [--json|--details] GOLD_DIR PROPOSED_DIR" >&2
  exit 2
fi
gold=$(cd "$1" && pwd) prop=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/attache-score.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
set --
for g in "$gold"/*.jsonl; do
  [ -e "$g" ] || continue
  p=$prop/$(basename "$g")
  if [ ! -e "$p" ]; then
    p=$tmp/$(basename "$g")
    : >"$p"
  fi
  set -- "$@" "$g" "$p"
done
if [ $# -eq 0 ]; then
  echo "score.sh: no .jsonl files in $gold" >&2
  exit 2
fi
# No store is opened: the script reads only the files it is given.
exec ${ATT_WRAP:-} "${ATTACHE:-attache}" --store "$tmp/store" run "$here/score.lua" $json "$@"
