#!/bin/sh
# Every command example of the manuals runs (issue 14): in docs/*.md and
# README.md, each line of a fenced block that starts with `$ ` is an
# example (`$ attache ...`, or a shell command that prepares one, as
# `$ mkdir -m 777 shared`); lines without `$ ` are illustrations.  The
# examples of a page run in order, in a fresh store of their own (made
# with `attache init` first unless the page's first example is one), from
# a scratch directory that holds the example events,
# examples/cambodia-japan/events.jsonl, as events.jsonl, and a copy of
# examples/ (examples/extract/joint-committee.txt and the like),
# with TZ=UTC.  An example must exit 0, unless what the
# page shows after it says otherwise: a line starting with `attache:` or
# `attache CMD:` (an error message) means it must fail (exit 1 or 2), and
# `$ echo $?` followed by a number means exactly that status.
#
#   DOCS_ONLY=cli.md sh tests/cli/docs_examples.sh ATTACHE   one page
. "$(dirname "$0")/lib.sh"

need python3 "python3"
export TZ=UTC
mkdir -p "$TMP/bin"
cat >"$TMP/bin/attache" <<SH
#!/bin/sh
exec "$ATT" "\$@"
SH
chmod +x "$TMP/bin/attache"

python3 - "$SRC" "$TMP" "${DOCS_ONLY:-}" <<'PY' || fail "some examples disagree with the program (above)"
import glob, os, re, shutil, subprocess, sys

src, tmp, only = sys.argv[1], sys.argv[2], sys.argv[3]
pages = sorted(glob.glob(os.path.join(src, "docs", "*.md"))) + [os.path.join(src, "README.md")]
env = dict(os.environ, PATH=os.path.join(tmp, "bin") + ":" + os.environ["PATH"])
bad = total = 0


def examples(path):
    """(line number, command, expected status or None for 'non-zero')"""
    out, fence, lines = [], False, open(path, encoding="utf-8").read().split("\n")
    for i, l in enumerate(lines):
        if l.startswith("```"):
            fence = not fence
            continue
        if not fence or not l.startswith("$ ") or l == "$ echo $?":
            continue
        cmd, j = l[2:], i + 1
        while cmd.endswith("\\") and j < len(lines):  # a continued line
            cmd = cmd[:-1] + " " + lines[j].strip()
            j += 1
        want = 0
        while j < len(lines) and not lines[j].startswith("$ ") and not lines[j].startswith("```"):
            if re.match(r"^attache( [a-z]+)?: ", lines[j]):
                want = None
            j += 1
        if j + 1 < len(lines) and lines[j] == "$ echo $?" and lines[j + 1].strip().isdigit():
            want = int(lines[j + 1])
        out.append((i + 1, cmd, want))
    return out


for page in pages:
    name = os.path.relpath(page, src)
    if only and os.path.basename(page) != only:
        continue
    exs = examples(page)
    if not exs:
        continue
    work = os.path.join(tmp, "pages", name.replace("/", "_"))
    os.makedirs(work)
    shutil.copytree(os.path.join(src, "examples"), os.path.join(work, "examples"))
    shutil.copy(os.path.join(src, "examples", "cambodia-japan", "events.jsonl"), work)
    e = dict(env, ATTACHE_STORE=os.path.join(work, "store"), HOME=os.path.join(work, "home"))
    if not exs[0][1].startswith("attache init"):
        subprocess.run(["attache", "init"], env=e, cwd=work, capture_output=True, check=True)
    for line, cmd, want in exs:
        total += 1
        r = subprocess.run(["sh", "-c", cmd], env=e, cwd=work, capture_output=True, text=True,
                           timeout=120)
        ok = r.returncode == want if want is not None else r.returncode in (1, 2)
        if not ok:
            bad += 1
            print("%s:%d: %s\n  exit %d, expected %s\n  %s" % (
                name, line, cmd, r.returncode, "1 or 2" if want is None else want,
                (r.stderr.strip() or r.stdout.strip()).replace("\n", "\n  ")[:600]))
print("%d examples, %d disagree" % (total, bad))
sys.exit(1 if bad else 0)
PY
done_ok
