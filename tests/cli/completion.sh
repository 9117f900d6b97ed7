#!/bin/sh
# Completion (issue 14): `attache __complete WORD...` offers the commands,
# each command's options (from its help), kinds, statuses, actors, tags
# and keys of the store, sort fields, columns, formats and --color values;
# the bash script (completion/attache.bash), sourced in bash with
# COMP_WORDS set as bash sets them (split at '='), turns them into
# COMPREPLY; the zsh script, run by zsh with compadd standing in, offers
# the same.
. "$(dirname "$0")/lib.sh"

example_store
# summit: a kind of this store only (--new-value, where new words need it)
run add --title "Typo test" --when 2024-06-01 --kind summit --new-value --status planned \
  --actor JPN --tag "trade" --key my-key
[ "$RC" = 0 ] || ok add --title "Typo test" --when 2024-06-01 --kind summit --status planned \
  --actor JPN --tag trade --key my-key
comp() { run __complete "$@"; }
# -- __complete itself
comp ""
for c in init add get show update rm log changes list import export extract run check alerts serve compact fsck help; do
  grep -qx "$c" "$TMP/out" || fail "commands: no $c"
done
comp li
out_is "list"
comp lo
out_is "log"
comp list --
for o in --from --to --actor --kind --status --tag --text --where --sort --limit --json \
  --csv --columns --store --help --color; do
  grep -qx -- "$o" "$TMP/out" || fail "list options: no $o"
done
comp export --f
out_has "--format"
out_has "--from"
comp list --status ""
for s in planned confirmed held postponed cancelled; do grep -qx "$s" "$TMP/out" || fail "statuses: $s"; done
comp list --status pl
out_is "planned"
comp list --kind ""
grep -qx meeting "$TMP/out" || fail "kinds: meeting"
grep -qx summit "$TMP/out" || fail "kinds: summit, a kind of the store"
comp list --actor ""
for a in KHM JPN UNTAC; do grep -qx "$a" "$TMP/out" || fail "actors of the store: $a"; done
comp list --actor UN
grep -qx UNTAC "$TMP/out" && grep -qx UN "$TMP/out" || fail "actors starting UN"
comp list --tag tr
grep -qx trade "$TMP/out" || fail "tags: trade"
comp get ""
grep -qx my-key "$TMP/out" || fail "keys: my-key"
grep -qx paris-peace-agreements-1991 "$TMP/out" || fail "keys of the example"
comp update my-key status=co
out_is "status=confirmed"
comp update my-key ki
out_is "kind="
comp list --sort ti
out_is "title"
comp list --columns when,ac
grep -qx "when,actors" "$TMP/out" || fail "--columns after a comma"
comp list --color=n
out_is "--color=never"
comp export --format ""
grep -qx ics "$TMP/out" || fail "export formats"
comp help exp
out_is "export"
comp help ex
out_is "export
extract"
comp run ""
[ ! -s "$TMP/out" ] || fail "run SCRIPT: file names are the shell's"
# the store of --store on the completed line
"$ATT" __complete --store "$STORE" list --actor JP >"$TMP/out" 2>"$TMP/err" || fail "__complete --store"
out_is "JPN"
# no store: commands still, store values none, no message
"$ATT" --store "$TMP/none" __complete list --actor "" >"$TMP/out" 2>"$TMP/err" ||
  fail "__complete without a store"
[ ! -s "$TMP/err" ] || fail "__complete printed an error"

# -- the bash script
need bash "bash"
mkdir -p "$TMP/bin"
ln -s "$ATT" "$TMP/bin/attache"
cat >"$TMP/t.bash" <<'B'
. "$1"
shift
# complete WORDS...: COMP_WORDS as bash splits them, the cursor on the last
complete_() {
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMPREPLY=()
  _attache
  printf '%s\n' "${COMPREPLY[@]}"
}
complete -p attache >/dev/null || { echo "no completion registered"; exit 1; }
echo "== commands"; complete_ attache ""
echo "== options"; complete_ attache list --st
echo "== kinds"; complete_ attache --store "$STORE" list --kind ""
echo "== statuses"; complete_ attache list --status ""
echo "== actors"; complete_ attache --store "$STORE" list --actor ""
echo "== keys"; complete_ attache --store "$STORE" get my
echo "== color"; complete_ attache list --color = al
echo "== update"; complete_ attache --store "$STORE" update my-key status = pl
B
PATH=$TMP/bin:$PATH STORE=$STORE bash "$TMP/t.bash" "$SRC/completion/attache.bash" >"$TMP/out" 2>"$TMP/err" ||
  fail "bash completion: $(cat "$TMP/out" "$TMP/err")"
section() { sed -n "/^== $1\$/,/^==/p" "$TMP/out" | grep -v '^=='; }
section commands | grep -qx list || fail "bash: commands"
section commands | grep -qx serve || fail "bash: commands (serve)"
[ "$(section options | sort | tr '\n' ' ')" = "--status --store " ] || fail "bash: options: $(section options)"
section kinds | grep -qx summit || fail "bash: kinds of the store"
section statuses | grep -qx postponed || fail "bash: statuses"
section actors | grep -qx KHM || fail "bash: actors"
[ "$(section keys)" = "my-key" ] || fail "bash: keys: $(section keys)"
[ "$(section color)" = "always" ] || fail "bash: --color=al: $(section color)"
[ "$(section update)" = "planned" ] || fail "bash: status=pl: $(section update)"
[ ! -s "$TMP/err" ] || fail "bash: errors: $(cat "$TMP/err")"

# -- the zsh script, with compadd and _files standing in for zsh's own
need zsh "zsh"
zsh -n "$SRC/completion/_attache" || fail "zsh: syntax"
zc() { # WORDS...: what _attache offers for the last word
  PATH=$TMP/bin:$PATH zsh -f -c '
    compadd() { while [[ $1 != -- ]]; do shift; done; shift; print -l -- "$@"; }
    _files() { print -- "(files)"; }
    words=("$@"); CURRENT=$#
    source "$0"' "$SRC/completion/_attache" "$@"
}
[ "$(zc attache list --status pl)" = planned ] || fail "zsh: statuses: $(zc attache list --status pl)"
zc attache "" | grep -qx export || fail "zsh: commands"
[ "$(zc attache --store "$STORE" list --actor UNT)" = UNTAC ] || fail "zsh: actors"
[ "$(zc attache --store "$STORE" get my)" = my-key ] || fail "zsh: keys"
[ "$(zc attache run x)" = "(files)" ] || fail "zsh: file names when nothing is offered"
done_ok
