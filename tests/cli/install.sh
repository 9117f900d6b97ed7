#!/bin/sh
# make install and make uninstall (issue 14), with PREFIX and DESTDIR, from
# the build folder of the program under test: the program, the importers
# under share/attache/importers, the Lua modules, the man pages and the
# bash and zsh completion land where they should; the installed program
# runs an importer by its bare name from any directory (and by path); an
# unknown bare name says where it looked; uninstall removes every file.
. "$(dirname "$0")/lib.sh"

need make "make"
need cmake "cmake"
B=$(dirname "$ATT")
[ -f "$B/cmake_install.cmake" ] || missing "the build folder of $ATT" "build with cmake"
R=$TMP/root
P=/opt/att

# -o build: the program is built already; install must not rebuild it.
make -s -C "$SRC" -o build install BUILD="$B" PREFIX="$P" DESTDIR="$R" >"$TMP/out" 2>"$TMP/err" ||
  fail "make install: $(cat "$TMP/err")"
for f in bin/attache share/attache/importers/icews.lua share/attache/importers/gdelt.lua \
  share/attache/importers/importer.lua share/attache/lua/report.lua \
  share/man/man1/attache.1 share/man/man1/attache-list.1 share/man/man7/attache-lua.7 \
  share/bash-completion/completions/attache share/zsh/vendor-completions/_attache \
  share/doc/attache/README.md; do
  [ -f "$R$P/$f" ] || fail "make install: no $P/$f"
done
[ -x "$R$P/bin/attache" ] || fail "the installed program is not executable"
# nothing outside PREFIX
extra=$(cd "$R" && find . -type f | grep -v "^\./opt/att/" || true)
[ -z "$extra" ] || fail "installed outside PREFIX: $extra"

# -- the installed program, from another directory
I=$R$P/bin/attache
mkdir -p "$TMP/cwd"
cd "$TMP/cwd"
"$I" --version | grep -q "^attache [0-9]" || fail "--version"
ATT=$I
new_store
cat >"$TMP/mini.lua" <<'LUA'
print("mini ran", ...)
LUA
ok run "$TMP/mini.lua" a b
out_has "mini ran	a	b"
# a bare name that is not a file: a shipped script, .lua or not
DATA=${ATT_SHARED_DATA:-$SRC/../shared/data}
ICEWS=$DATA/icews-2018-sample.tab
if [ -r "$ICEWS" ] && [ -r /usr/share/iso-codes/json/iso_3166-1.json ]; then
  ok run --read "$DATA" --read /usr/share/iso-codes icews "$ICEWS"
  out_has "icews-2018-sample.tab: 3705 rows read, 1303 added"
  ok run --read "$DATA" --read /usr/share/iso-codes icews.lua "$ICEWS"
  out_has "1303 unchanged"
  ok run --read "$DATA" --read /usr/share/iso-codes "$R$P/share/attache/importers/icews.lua" "$ICEWS"
  out_has "1303 unchanged"
else
  echo "note: no ICEWS sample or iso-codes; the importer run by name is checked by its usage"
  expect_rc 1 run icews
  err_has "usage: attache run"
fi
# a file in the working directory wins over a shipped script of that name
printf 'print("local icews")\n' >icews
ok run icews
out_has "local icews"
rm icews
expect_rc 1 run no-such-importer
err_has "cannot open no-such-importer: no such file"
err_has "share/attache/importers"

# -- uninstall removes every file it installed
make -s -C "$SRC" uninstall BUILD="$B" PREFIX="$P" DESTDIR="$R" >"$TMP/out" 2>"$TMP/err" ||
  fail "make uninstall: $(cat "$TMP/err")"
left=$(find "$R" -type f)
[ -z "$left" ] || fail "make uninstall left: $left"
[ ! -d "$R$P/share/attache" ] || fail "make uninstall left share/attache"
done_ok
