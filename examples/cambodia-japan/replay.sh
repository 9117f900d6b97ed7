#!/bin/sh
# The main job on the shipped example, as `make run` shows it: a fresh
# store with the Cambodia-Japan events, the desk's rules (rules/*.lua)
# replayed on a simulated clock from 18 December 2023, the day of the
# press release, to the end of 2024, printing each alert as it fires;
# then the agenda of that period.
#
#   sh examples/cambodia-japan/replay.sh path/to/attache [STORE]
#
# Without STORE a temporary store is used and removed at the end.
set -eu

bin=${1:?usage: sh examples/cambodia-japan/replay.sh path/to/attache [STORE]}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
here=$(cd "$(dirname "$0")" && pwd)
from=2023-12-18T00:00:00Z
until=2024-12-31T23:59:59Z
if [ $# -ge 2 ]; then
  store=$2
else
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/attache-example.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT INT TERM
  store=$tmp/store
fi
# Scripts write reports into ./out of their working directory: $OUTBASE
# (kept: `make run` gives build/example) or a temporary one.
if [ -n "${OUTBASE:-}" ]; then
  mkdir -p "$OUTBASE"
  work=$(cd "$OUTBASE" && pwd)
  trap '${tmp:+rm -rf "$tmp"}' EXIT INT TERM
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/attache-work.XXXXXX")
  trap 'rm -rf "$work" ${tmp:+"$tmp"}' EXIT INT TERM
fi

"$bin" --store "$store" init >/dev/null
"$bin" --store "$store" import "$here/events.jsonl"

cat <<EOT

== Replay: $from to $until, simulated clock ==
The rules in $here/rules:
  meetings.lua       reminders 7 days and 1 day before planned meetings
  policy.lua         start, midpoint and end of the 2024-28 assistance policy
  watch-japan.lua    new Japan items on defence, demining or cybersecurity
  anniversaries.lua  round-number anniversaries of relations (1953)
  agenda.lua         every Monday 08:00, the next 30 days (also out/agenda.md)
Each line is an alert: when it fired, its level, what it says.

EOT
(cd "$work" && TZ=UTC "$bin" --store "$store" serve --quiet --scripts "$here/rules" \
  --out "$work/out" --now "$from" --until "$until")

cat <<EOT

== Alerts on record ==
EOT
n=$("$bin" --store "$store" alerts --json --since "$from" | wc -l | tr -d ' ')
echo "$n alerts in the store's log; 'attache alerts' lists them again, and a"
echo "second replay on the same store would fire none of them: each key fires once."

cat <<EOT

== Agenda, 18 December 2023 to 31 December 2024 ==
EOT
"$bin" --store "$store" list --from 2023-12-18 --to 2024-12-31

(cd "$work" && "$bin" --store "$store" run "$here/timeline.lua")
if [ -n "${OUTBASE:-}" ]; then
  cat <<EOT

== Written ==
  $work/out/agenda.md      the last Monday agenda, in Markdown
  $work/out/timeline.html  every event on one page: open it in a browser
EOT
fi
