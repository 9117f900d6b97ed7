#!/bin/sh
# attache user (issue 16, "Users and tokens"): a token is printed once,
# alone on stdout, of the documented form, and never again: not by list,
# not in the store's files (which keep its SHA-256), not in errors.  Bad
# names, roles and operands are refused, naming what is accepted, and
# change nothing; a damaged users.json is named by every command and by
# fsck; fsck --salvage takes the users along.
. "$(dirname "$0")/lib.sh"
need sha256sum "coreutils"

export TZ=UTC ATTACHE_AUTHOR=admin
new_store

# -- Usage errors change nothing.
expect_rc 2 user
err_has "which? user add, list"
expect_rc 2 user frob
err_has "unknown 'user frob'"
expect_rc 2 user add
err_has "user add needs a user's NAME"
expect_rc 2 user add ana --role root
err_has "give reader (reads only), editor"
expect_rc 2 user add " ana"
err_has "begins or ends with a space"
# Names the history gives the daemon's scripts are not taken (a user so
# named could not be told from a script's writes).
expect_rc 2 user add "rule:agenda.lua"
err_has "looks like a script's in the history"
expect_rc 2 user add "alice via x.lua"
err_has "looks like a script's in the history"
expect_rc 2 user add ana extra
err_has "unexpected operand 'extra'"
expect_rc 2 user list --role editor
expect_rc 2 user token ana --role editor
err_has "--role goes with user add"
expect_rc 2 user add ana --feed
err_has "--feed goes with user token"
expect_rc 2 user role ana
err_has "user role needs a NAME and a ROLE"
[ ! -e "$STORE/users.json" ] || fail "a refused command wrote users.json"
ok user list
[ -s "$TMP/out" ] && fail "stdout should be empty"

# -- Add: the token alone on stdout, once.
ok user add ana --role editor
out_lines 1
ANA=$(cat "$TMP/out")
echo "$ANA" | grep -Eq '^att_[0-9a-f]{64}$' || fail "not a token: $ANA"
err_has "added user ana (editor)"
err_has "shown once"
ok user add bob
BOB=$(cat "$TMP/out")
[ "$ANA" != "$BOB" ] || fail "two users got one token"
err_has "added user bob (reader)"
expect_rc 1 user add ana --role admin
err_has "there is already a user \"ana\""
[ -s "$TMP/out" ] && fail "stdout should be empty"

# -- The store keeps hashes, never tokens; the file is private.
grep -q "${ANA#att_}" "$STORE/users.json" && fail "users.json holds ana's token"
h=$(printf '%s' "$ANA" | sha256sum | cut -d' ' -f1)
grep -q "\"token_sha256\":[[:space:]]*\"$h\"" "$STORE/users.json" || fail "users.json lacks the token's SHA-256"
[ "$(stat -c %a "$STORE/users.json")" = 600 ] || fail "users.json is not 0600"

# -- List shows no token or hash.
ok user list
out_has "ana"
out_has "editor"
out_has "bob"
out_has "reader"
out_lacks "${ANA#att_}"
out_lacks "$h"
ok user list --json
json_lines
out_has '"name":"ana","role":"editor"'
out_has '"feed":false'
grep -q "sha256\|${ANA#att_}" "$TMP/out" && fail "list --json shows a token or hash"

# -- New tokens, roles, locks, removal.
ok user token bob --feed
FEED=$(cat "$TMP/out")
echo "$FEED" | grep -Eq '^attf_[0-9a-f]{64}$' || fail "not a feed token: $FEED"
err_has "calendar feed only"
ok user list --json
out_has '"name":"bob","role":"reader","created":'
out_has '"feed":true'
ok user token ana
NEW=$(cat "$TMP/out")
[ "$NEW" != "$ANA" ] || fail "the new token is the old one"
grep -q "$h" "$STORE/users.json" && fail "the old token's hash is still kept"
ok user role bob admin
out_has "bob is now an admin"
ok user role bob editor
out_has "bob is now an editor"
expect_rc 2 user role bob boss
ok user lock ana
out_has "locked ana"
ok user list
out_has "LOCKED"
ok user unlock ana
expect_rc 1 user rm anna
err_has "no user \"anna\""
err_has "ana"
ok user rm bob
out_has "removed user bob"
ok user list --json
out_lacks '"bob"'
ok fsck

# -- Salvage takes the users along.
ok fsck --salvage "$TMP/saved"
cmp -s "$STORE/users.json" "$TMP/saved/users.json" || fail "salvage did not copy the users"

# -- A damaged file: named by every command and by fsck, nothing changed.
cp "$STORE/users.json" "$TMP/users.good"
printf '{"users": [{"name": "ana"}]}\n' >"$STORE/users.json"
expect_rc 1 user list
err_has "users.json"
err_has "damaged"
expect_rc 1 user add carl
err_has "damaged"
[ -s "$TMP/out" ] && fail "stdout should be empty"
expect_rc 1 fsck
grep -q "users.json" "$TMP/out" "$TMP/err" || fail "fsck does not name users.json"
cp "$TMP/users.good" "$STORE/users.json"
ok fsck

# -- Completion knows the command and its options.
ok __complete user ""
out_has token
out_has unlock
ok __complete user --
out_has --role
out_has --feed
done_ok
