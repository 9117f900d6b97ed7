#!/bin/sh
# libcurl is opened only where it is used (bindings/alerts/curl_dl.h): the
# program does not link it, so commands start without loading it and its
# two dozen libraries; every command runs where it cannot be loaded, except
# those that need it (alert receivers, `serve --listen`), which refuse with
# the library and the package named, and change nothing.
. "$(dirname "$0")/lib.sh"
need readelf "binutils"

# -- not among the libraries loaded at start
readelf -d "$ATT" >"$TMP/dyn" 2>&1 || fail "readelf -d $ATT: $(cat "$TMP/dyn")"
grep -q "NEEDED.*libuv" "$TMP/dyn" || fail "readelf shows no libuv among the NEEDED: $(cat "$TMP/dyn")"
if grep -q "NEEDED.*curl" "$TMP/dyn"; then fail "attache links libcurl: $(grep curl "$TMP/dyn")"; fi

cat >"$TMP/fire.lua" <<'EOF2'
local at = require "attache"
print(at.alert{key = "k1", title = "CDC meeting", body = "in 7 days", level = "urgent"})
print("script ran")
EOF2
printf '%s\n' 'alert-receiver.ops.type = webhook' \
  'alert-receiver.ops.url = http://127.0.0.1:9/hook' >"$TMP/config"

# -- where it cannot be loaded: everything else works
ATTACHE_LIBCURL=$TMP/none/libcurl.so.4
export ATTACHE_LIBCURL
new_store
ok import "$EXAMPLE"
ok list
[ -s "$TMP/out" ] || fail "list printed nothing"
ok add --kind meeting --title "CDC meeting" --when 2024-06-01
ok run "$TMP/fire.lua"
out_has "script ran"
ok export
cp "$TMP/out" "$TMP/before"

# ... and what needs it says so
expect_rc 1 check --config "$TMP/config"
err_has "cannot load libcurl ($ATTACHE_LIBCURL), needed to send alerts and to serve HTTP"
err_has "install the libcurl4 package"
expect_rc 1 run --config "$TMP/config" "$TMP/fire.lua"
err_has "cannot load libcurl ($ATTACHE_LIBCURL)"
out_lacks "script ran"
mkdir "$TMP/scripts"
W=${ATT_WRAP:-}
ATT_WRAP="timeout -s KILL $WAIT_S $W" # were it to start, it would serve until killed
expect_rc 1 serve --scripts "$TMP/scripts" --listen 127.0.0.1:0
ATT_WRAP=$W
err_has "cannot load libcurl ($ATTACHE_LIBCURL)"
ok export
cmp -s "$TMP/before" "$TMP/out" || fail "the store changed after the refused commands"

# -- a library that is not libcurl
ATTACHE_LIBCURL=libc.so.6
expect_rc 1 check --config "$TMP/config"
err_has "cannot use libcurl (libc.so.6): it has no curl_"

# -- the default: the system's libcurl.so.4 is found
unset ATTACHE_LIBCURL
ok check --config "$TMP/config"
done_ok
