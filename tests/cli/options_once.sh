#!/bin/sh
# An option that takes one value, given twice, is a usage error (exit 2,
# "--kind given twice"), in every command: `list --kind meeting --kind
# visit` listed the visits alone, `export --format csv --format jsonl`
# wrote JSON Lines, `--store A ... --store B` used B, all with exit 0.
# The options come from each command's --help (so a new one is covered
# the day it is documented); those that take a value each time they are
# given (--actor A --actor B) are listed below and must still work.
# update's FIELD=VALUE operands likewise: title=A title=B is refused.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || missing "python3" "'make deps' installs it"

new_store
ok add --title one --when 2024-03 --kind meeting --key k1
printf 'title,when\nx,2024\n' >"$TMP/in.csv"
printf 'return {}\n' >"$TMP/s.lua"
mkdir -p "$TMP/scripts"

"$PY" - "$ATT" "$STORE" "$TMP" <<'EOF' || fail "options given twice (above)"
import re, subprocess, sys
att, store, tmp = sys.argv[1:4]
# Options that take a value each time (all others take one).
many = {"actor", "tag", "person", "link", "field", "read", "write", "alias", "match", "alarm", "listen"}
# A valid value for each option, so that only the repeat can fail.
value = {"title": "x", "when": "2024", "kind": "meeting", "status": "held", "where": "true",
         "notes": "x", "recur": "yearly", "tz": "UTC", "key": "k9", "source-title": "x",
         "source-url": "https://example.org/", "publisher": "x", "published": "2024",
         "reason": "x", "as-of": "2025", "since": "2024", "until": "2030", "author": "bob",
         "limit": "5", "from": "2024", "to": "2025", "text": "x", "sort": "when",
         "columns": "when", "before": "2000", "role": "reader", "out": tmp + "/o",
         "max-instructions": "1M", "max-memory": "64M", "max-string": "1M", "max-time": "5",
         "config": tmp + "/none.conf", "alert-file": tmp + "/a.jsonl", "alert-command": "true",
         "alert-timeout": "5", "rules": tmp + "/s.lua", "scripts": tmp + "/scripts",
         "now": "2024-01-01T00:00:00Z", "grace": "1d", "rule-depth": "3",
         "listen": "127.0.0.1:0", "reports": tmp + "/scripts", "request-timeout": "10s",
         "max-connections": "10", "rate-limit": "5", "slow-log": "10", "salvage": tmp + "/salv",
         "format": "csv", "output": tmp + "/x.out", "o": tmp + "/x.out", "uid-domain": "example.org",
         "json": None}
# The command lines to run: the command, its operands.
cmds = [("add", []), ("get", ["1"]), ("show", ["1"]), ("log", []), ("changes", []),
        ("update", ["1", "notes=x"]), ("rm", ["1"]), ("undo", []), ("revert", ["1"]),
        ("restore", ["1"]), ("history prune", []), ("list", []), ("import", [tmp + "/in.csv"]),
        ("export", []), ("actor add", ["XXA", "X land"]), ("silence add", []),
        ("user add", ["bob"]), ("run", [tmp + "/s.lua"]), ("extract", [tmp + "/in.csv"]),
        ("check", [tmp + "/s.lua"]), ("alerts", []), ("serve", []), ("fsck", [])]
opt_re = re.compile(r"(?:^|\s)(?:-([a-zA-Z]), )?--([a-z][a-z-]*)(?:[ =])(?:'[^']*'|[A-Z][A-Z0-9_|=,\[\]]*)")
bad = checked = 0
for cmd, operands in cmds:
    words = cmd.split()
    h = subprocess.run([att] + words + ["--help"], capture_output=True, text=True).stdout
    names = []
    for line in h.splitlines():
        if not line.startswith("  "):
            continue  # the usage lines and the prose
        for short, name in opt_re.findall(line):
            if name not in names and name not in ("store",):
                names.append(name)
    for name in names:
        if name in many:
            continue
        if name not in value:
            print("# %s --%s: no value known for it (add one to the table)" % (cmd, name))
            bad += 1
            continue
        v = value[name]
        if name == "json":
            v = '{"title":"a","when":"2024"}' if cmd == "add" else "{}"
        twice = ["--" + name, v, "--" + name, v]
        # run and check take the script's own arguments after it
        argv = [att, "--store", store] + words + (twice + operands if cmd in ("run", "check") else operands + twice)
        r = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        checked += 1
        if r.returncode != 2 or ("--%s given twice" % name) not in r.stderr:
            print("# %s: exit %d, %s" % (" ".join(argv[3:]), r.returncode, r.stderr.strip()[:200]))
            bad += 1
print("# %d options checked" % checked)
sys.exit(1 if bad or checked < 60 else 0)
EOF

# The repeatable ones still take every value.
ok add --title two --when 2024-05 --actor JPN --actor KHM --tag a --tag b --field x=1 --field y=2
out_has "added 2"
ok list --actor JPN --actor KHM
out_has "two"
out_lacks "one"
# --store twice, before or after the command.
expect_rc 2 --store "$TMP/a" list --store "$TMP/b"
err_has "--store given twice"
expect_rc 2 list --store "$TMP/b"
err_has "--store given twice"
# update's operands: a field set twice, or set and added to, is refused,
# and nothing is changed.
expect_rc 2 update 2 title=A title=B
err_has "title given twice"
expect_rc 2 update 2 actors=JPN actors+=VNM
err_has "actors given twice"
expect_rc 2 update 2 published=2024 source.published=2025
err_has "source.published given twice"
ok get 2
out_has "two"
ok update 2 tags+=c tags+=d tags-=a
ok get 2 --json
out_has '"tags":["b","c","d"]'
done_ok
