# The store directory is private and never redirected (issue 11, finding
# 7): init refuses a directory others can write or one that holds other
# files (unless --force, which makes it private); a symbolic link where a
# store file belongs is refused, naming it, and never written through;
# temporary files left by an interrupted writer are reported by fsck and
# removed by the next write.
. "$(dirname "$0")/lib.sh"

mode_of() { stat -c %a "$1"; }

# init into an existing directory others can write.
mkdir "$STORE"
chmod 777 "$STORE"
expect_rc 1 init
err_has "can be written by other users (mode 0777)"
err_has "--force"
[ ! -e "$STORE/snapshot" ] || fail "a refused init wrote a snapshot"
ok init --force
[ "$(mode_of "$STORE")" = 700 ] || fail "init --force left mode $(mode_of "$STORE")"
ok fsck
out_lacks "permissions"

# init into a directory that holds something else.
STORE=$TMP/full
mkdir -m 700 "$STORE"
echo mine >"$STORE/notes.txt"
expect_rc 1 init
err_has "is not empty (it holds \"notes.txt\")"
ok init --force
ok fsck
out_has "\"$STORE/notes.txt\" is not a file of the store"
# An empty directory readable by others is simply made private.
STORE=$TMP/open
mkdir -m 755 "$STORE"
ok init
[ "$(mode_of "$STORE")" = 700 ] || fail "init left mode $(mode_of "$STORE")"

STORE=$TMP/store
ok add --title a --when 2024
echo precious >"$TMP/victim"
# A planted journal.tmp link: the next write removes the link, never
# truncating what it points to.
ln -s "$TMP/victim" "$STORE/journal.tmp"
expect_rc 1 fsck
out_has "links: \"$STORE/journal.tmp\" is a symbolic link"
ok add --title b --when 2024
[ "$(cat "$TMP/victim")" = precious ] || fail "the journal.tmp link was written through"
[ ! -e "$STORE/journal.tmp" ] && [ ! -L "$STORE/journal.tmp" ] || fail "journal.tmp is still there"
# The same for snapshot.tmp, during a compaction.
ln -s "$TMP/victim" "$STORE/snapshot.tmp"
ok compact
[ "$(cat "$TMP/victim")" = precious ] || fail "the snapshot.tmp link was written through"
[ -f "$STORE/snapshot" ] && [ ! -L "$STORE/snapshot" ] || fail "snapshot is not a regular file"
ok list --json
out_lines 2

# Links where the store's own files belong: refused, naming them.
for f in lock journal snapshot alerts; do
  [ -e "$STORE/$f" ] && mv "$STORE/$f" "$TMP/$f.real"
  ln -s "$TMP/$f.target" "$STORE/$f"
  if [ "$f" = alerts ]; then
    run alerts
  else
    run add --title c --when 2024
  fi
  [ "$RC" = 1 ] || fail "with $f a link: exit status $RC, expected 1"
  err_has "\"$STORE/$f\" is a symbolic link"
  [ ! -e "$TMP/$f.target" ] || fail "the $f link created its target"
  expect_rc 1 fsck
  out_has "links: \"$STORE/$f\" is a symbolic link"
  rm "$STORE/$f"
  [ -e "$TMP/$f.real" ] && mv "$TMP/$f.real" "$STORE/$f"
done
ok list --json
out_lines 2

# The daemon's files too: its lock, and its state written through a
# temporary file (a link there is replaced, never written through).
mkdir "$TMP/scripts"
ln -s "$TMP/victim" "$STORE/daemon.state.tmp"
ok serve --scripts "$TMP/scripts" --now 2024-01-01T00:00:00Z --until 2024-01-02T00:00:00Z -q
[ "$(cat "$TMP/victim")" = precious ] || fail "daemon.state.tmp was written through"
[ -f "$STORE/daemon.state" ] && [ ! -L "$STORE/daemon.state" ] || fail "daemon.state is not a regular file"
mv "$STORE/daemon.lock" "$TMP/daemon.lock.real"
ln -s "$TMP/daemon.lock.target" "$STORE/daemon.lock"
expect_rc 1 serve --scripts "$TMP/scripts" --now 2024-01-01T00:00:00Z --until 2024-01-02T00:00:00Z -q
err_has "daemon.lock\" is a symbolic link"
[ ! -e "$TMP/daemon.lock.target" ] || fail "the daemon.lock link created its target"
rm "$STORE/daemon.lock"
mv "$TMP/daemon.lock.real" "$STORE/daemon.lock"

# A temporary file left by a killed import: reported, then removed.
head -c 100000 /dev/zero >"$STORE/snapshot.tmp"
ok fsck
out_has "stale file: \"$STORE/snapshot.tmp\" (100000 bytes)"
ok add --title d --when 2024
err_has "removed \"$STORE/snapshot.tmp\" (100000 bytes)"
[ ! -e "$STORE/snapshot.tmp" ] || fail "the stale snapshot.tmp is still there"

# Permissions that drifted are reported (and warned about when opening).
chmod 644 "$STORE/journal"
expect_rc 1 fsck
out_has "permissions: \"$STORE/journal\" has mode 0644"
chmod 600 "$STORE/journal"
chmod 777 "$STORE"
ok list
err_has "can be written by other users"
expect_rc 1 fsck
out_has "permissions: the store directory"
chmod 700 "$STORE"
ok fsck
echo "ok - storedir ($NCHECKS checks)"
