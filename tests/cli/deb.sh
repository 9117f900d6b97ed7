#!/bin/sh
# The Debian package (issue 14): built from the tree with cpack (DEB),
# unpacked with dpkg -x into a temporary root (no root rights), then the
# program runs from there: attache --version, man attache (MANPATH into
# the root), bash completion offering commands, options and the store's
# actors, and the ICEWS importer by its bare name on the shared data.
. "$(dirname "$0")/lib.sh"

need cpack "cmake"
need dpkg-deb "dpkg"
need dpkg-shlibdeps "dpkg-dev"
B=$(dirname "$ATT")
[ -f "$B/CPackConfig.cmake" ] || missing "the build folder of $ATT" "build with cmake"

# cpack installs into its own staging folder under -B, not into $B.
cpack --config "$B/CPackConfig.cmake" -G DEB -B "$TMP/pkg" >"$TMP/out" 2>"$TMP/err" ||
  fail "cpack: $(cat "$TMP/err")"
deb=$(ls "$TMP"/pkg/attache_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "cpack made no attache_*.deb: $(ls "$TMP/pkg")"
dpkg-deb --info "$deb" >"$TMP/info" || fail "dpkg-deb --info"
grep -q "Package: attache" "$TMP/info" || fail "control: no Package"
grep -q "Depends:.*liblua5.4" "$TMP/info" || fail "control: no dependency on liblua5.4: $(cat "$TMP/info")"
grep -q "Depends:.*libcurl4" "$TMP/info" || fail "control: no dependency on libcurl4 (opened with dlopen): $(cat "$TMP/info")"
grep -q "Version: $("$ATT" --version | sed 's/^attache //')" "$TMP/info" ||
  fail "control: the version is not the program's"
R=$TMP/root
dpkg -x "$deb" "$R" || fail "dpkg -x"
for f in usr/bin/attache usr/share/attache/importers/icews.lua usr/share/man/man1/attache.1 \
  usr/share/man/man7/attache-lua.7 usr/share/bash-completion/completions/attache \
  usr/share/zsh/vendor-completions/_attache; do
  [ -f "$R/$f" ] || fail "the package lacks /$f"
done

# -- the program
I=$R/usr/bin/attache
"$I" --version >"$TMP/out" || fail "attache --version"
out_has "attache "

# -- man attache, from the package's root
need man "man-db"
MANPATH=$R/usr/share/man MANWIDTH=80 man attache >"$TMP/out" 2>"$TMP/err" || fail "man attache"
out_has "track diplomatic events"
MANPATH=$R/usr/share/man MANWIDTH=80 man attache-list >"$TMP/out" 2>"$TMP/err" || fail "man attache-list"
out_has "--columns"
MANPATH=$R/usr/share/man MANWIDTH=80 man 7 attache-lua >"$TMP/out" 2>"$TMP/err" || fail "man 7 attache-lua"
out_has "at.outdir"

# -- a store, then completion from the package's script and program
ATT=$I
example_store
need bash "bash"
cat >"$TMP/t.bash" <<'B'
. "$1"
complete_() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _attache; printf '%s\n' "${COMPREPLY[@]}"; }
echo "== commands"; complete_ attache ""
echo "== options"; complete_ attache export --fo
echo "== actors"; complete_ attache --store "$STORE" list --actor ""
echo "== statuses"; complete_ attache list --status c
echo "== keys"; complete_ attache --store "$STORE" get untac
B
PATH=$R/usr/bin:$PATH STORE=$STORE bash "$TMP/t.bash" "$R/usr/share/bash-completion/completions/attache" \
  >"$TMP/out" 2>"$TMP/err" || fail "bash completion"
section() { sed -n "/^== $1\$/,/^==/p" "$TMP/out" | grep -v '^=='; }
section commands | grep -qx import || fail "completion: commands"
[ "$(section options)" = "--format" ] || fail "completion: options: $(section options)"
section actors | grep -qx UNTAC || fail "completion: actors of the store"
[ "$(section statuses | sort | tr '\n' ' ')" = "cancelled confirmed " ] || fail "completion: statuses"
[ "$(section keys)" = "untac-election-1993" ] || fail "completion: keys: $(section keys)"

# -- an importer from the package, by name, from another directory
DATA=${ATT_SHARED_DATA:-$SRC/../shared/data}
ICEWS=$DATA/icews-2018-sample.tab
[ -r "$ICEWS" ] || missing "the ICEWS sample ($ICEWS)" "set ATT_SHARED_DATA to the folder that has it"
[ -r /usr/share/iso-codes/json/iso_3166-1.json ] || missing "iso-codes" "apt-get install iso-codes"
mkdir -p "$TMP/elsewhere" && cd "$TMP/elsewhere" || fail "cd"
rm -rf "$STORE"
new_store
ok run --read "$DATA" --read /usr/share/iso-codes icews "$ICEWS"
out_has "icews-2018-sample.tab: 3705 rows read, 1303 added"
ok list --actor JPN --kind visit --columns when,actors,title
out_has "JPN"
done_ok
