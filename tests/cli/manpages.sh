#!/bin/sh
# The man pages (man/, issue 14) in step with the program: a page
# attache-CMD.1 for every command of `attache --help`, listed in
# attache(1); every long option of `attache help CMD` in its page and
# every option the page names in the help (so a new option, or one
# dropped, fails here until the page follows: man/generate.py writes a
# first version); the global options likewise in attache(1); and man
# renders every page without a warning (groff -ww, man --warnings).
. "$(dirname "$0")/lib.sh"

MAN=$SRC/man
# long options of a text: --name, roff dashes and font escapes undone
opts() {
  sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$1" | grep -o -- '--[a-z][a-z0-9-]*' |
    sed 's/=$//' | sort -u
}

ok --help
cmds=$(sed -n '/^commands:/,/^$/p' "$TMP/out" | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p')
[ -n "$cmds" ] || fail "no commands in attache --help"
# the global options of --help, in attache.1
sed -n '/^global options:/,/^$/p' "$TMP/out" >"$TMP/global"
opts "$TMP/global" >"$TMP/h"
opts "$MAN/attache.1" >"$TMP/m"
missing_m=$(comm -23 "$TMP/h" "$TMP/m")
[ -z "$missing_m" ] || fail "attache.1 lacks the global options: $missing_m"

n=0
for c in $cmds; do
  page=$MAN/attache-$c.1
  [ -f "$page" ] || fail "no man page for '$c' (man/attache-$c.1; python3 man/generate.py ATTACHE $c writes one)"
  grep -q "BR attache\\\\-$c (1)" "$MAN/attache.1" || fail "attache.1 does not list attache-$c(1)"
  "$ATT" help "$c" >"$TMP/help" || fail "attache help $c"
  opts "$TMP/help" >"$TMP/h"
  opts "$page" >"$TMP/m"
  a=$(comm -23 "$TMP/h" "$TMP/m" | tr '\n' ' ')
  [ -z "$a" ] || fail "attache-$c.1 lacks options of 'attache help $c': $a"
  b=$(comm -13 "$TMP/h" "$TMP/m" | tr '\n' ' ')
  [ -z "$b" ] || fail "attache-$c.1 names options that 'attache help $c' does not: $b"
  n=$((n + 1))
done
# a page for a command that is gone
for page in "$MAN"/attache-*.1; do
  c=${page##*/attache-}
  c=${c%.1}
  echo "$cmds" | grep -qx "$c" || fail "man/attache-$c.1: no command '$c' any more"
done

# rendering: no warning from groff, nor from man, at 80 columns
need groff "groff-base"
for page in "$MAN"/*.1 "$MAN"/*.7; do
  w=$(groff -man -ww -z "$page" 2>&1)
  [ -z "$w" ] || fail "groff warns on ${page##*/}: $w"
done
need man "man-db"
for page in "$MAN"/*.1 "$MAN"/*.7; do
  w=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
  [ -z "$w" ] || fail "man warns on ${page##*/}: $w"
  MANWIDTH=80 man -l "$page" 2>/dev/null | grep -q "^NAME" || fail "man does not render ${page##*/}"
done
echo "ok $TESTNAME ($n commands, $(ls "$MAN"/*.[17] | wc -l) pages)"
