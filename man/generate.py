#!/usr/bin/env python3
"""Write the man pages of the commands (man/attache-CMD.1) from the
program's own help, so that they start in step with it:

    python3 man/generate.py build/attache [CMD...]

Each page is plain roff (the man macros): NAME, SYNOPSIS, DESCRIPTION,
OPTIONS (one .TP per option of `attache help CMD`), EXIT STATUS and SEE
ALSO.  The pages are then kept in the tree and edited by hand where the
help is terse; tests/cli/manpages.sh checks that every option of the
help is in the page and the reverse, and that man renders each page
without a warning.  attache.1 and attache-lua.7 are written by hand.
"""
import re
import subprocess
import sys

DATE = "2026-12-03"


def esc(s):
    """Text for roff: backslashes, dashes and a leading dot or quote."""
    s = s.replace("\\", "\\e").replace("-", "\\-")
    return s


def line(s):
    s = esc(s)
    if s.startswith(".") or s.startswith("'"):
        s = "\\&" + s
    return s


def help_of(att, cmd):
    return subprocess.run([att, "help", cmd], capture_output=True, text=True, check=True).stdout


def commands(att):
    out = subprocess.run([att, "--help"], capture_output=True, text=True, check=True).stdout
    cmds, inside = [], False
    for l in out.splitlines():
        if l == "commands:":
            inside = True
        elif inside and not l.strip():
            break
        elif inside and l.startswith("  ") and not l.startswith("   "):
            cmds.append(l.split()[0])
    return cmds


def page(att, cmd):
    text = help_of(att, cmd)
    lines = text.splitlines()
    usage = [lines[0][len("usage: "):]]
    i = 1
    while i < len(lines) and lines[i].startswith(" "):
        usage.append(lines[i].strip())
        i += 1
    body = lines[i:]
    paras, opts, cur = [], [], None
    for l in body:
        m = re.match(r"^  (-[^ ].*?)(?:  +(.*))?$", l)
        if m and not l.startswith("   "):
            name, desc = m.group(1).strip(), m.group(2)
            if desc and desc.startswith("-"):  # "--kind K  --status S": two names
                name, desc = name + ", " + desc, None
            cur = [name, [desc] if desc else []]
            opts.append(cur)
            continue
        if cur is not None and l.startswith("    ") and l.strip():
            cur[1].append(l.strip())
            continue
        cur = None
        if not l.strip():
            paras.append([])
        elif l.startswith("  "):
            paras.append(["\x00" + l])  # an indented line: kept as it is
            paras.append([])
        else:
            if not paras:
                paras.append([])
            paras[-1].append(l)
    out = []
    out.append('.TH ATTACHE\\-%s 1 "%s" "attache" "User Commands"' % (cmd.upper(), DATE))
    out.append(".SH NAME")
    summary = next((" ".join(p) for p in paras if p and not p[0].startswith("\x00")), cmd)
    summary = re.split(r"\.(?: |$)", summary)[0]
    summary = re.sub(r"\s*\([^)]*\)", "", summary)
    if len(summary) > 60:
        summary = re.split(r"[:;,] ", summary)[0]
    out.append("attache\\-%s \\- %s" % (esc(cmd), esc(summary[0].lower() + summary[1:])))
    out.append(".SH SYNOPSIS")
    out.append(".nf")
    for u in usage:
        out.append(line(u))
    out.append(".fi")
    out.append(".SH DESCRIPTION")
    first = True
    for p in paras:
        if not p:
            continue
        if p[0].startswith("\x00"):
            out.append(".nf")
            out.append(line(p[0][1:].strip()))
            out.append(".fi")
            continue
        if not first:
            out.append(".PP")
        first = False
        for l in p:
            out.append(line(l.strip()))
    if opts:
        out.append(".SH OPTIONS")
        for name, desc in opts:
            out.append(".TP")
            out.append(".B " + esc(name) if " " not in name else line(name))
            out.append(line(" ".join(desc)) if desc else "")
    out.append(".SH EXIT STATUS")
    out.append("0 on success, 1 on a failure (nothing was changed), 2 on a usage error.")
    out.append(".SH SEE ALSO")
    out.append(".BR attache (1),")
    out.append(".BR attache\\-lua (7);")
    out.append("docs/cli.md in the source, installed as /usr/share/doc/attache.")
    return "\n".join(l for l in out if l is not None) + "\n"


def main():
    att = sys.argv[1]
    cmds = sys.argv[2:] or commands(att)
    for c in cmds:
        with open("man/attache-%s.1" % c, "w") as f:
            f.write(page(att, c))
        print("man/attache-%s.1" % c)


main()
