#!/usr/bin/env python3
"""Keep the guides (docs/guide-*.md) true: every snippet is real code that runs.

    tests/docs/check_guides.py --hotline build/hotline --c-quickstart build/tests/hotline-guide-quickstart
                               [--python-path build/bindings/python]

Markers in a guide, each on the line before a fenced block:

  <!-- snippet: PATH#NAME -->   the block is the region NAME of PATH (the lines
                                between `[guide:NAME]` and `[/guide:NAME]`,
                                dedented); `PATH` alone: the whole file
  <!-- output: c -->            the block is what the C quick start prints
  <!-- output: python -->       the block is what the Python quick start prints
  <!-- shell -->                `$ ` lines are commands, run by sh in a scratch
                                directory where examples/, policies/ and tests/
                                of the source tree are visible and `hotline` is
                                on PATH; the lines after a command are its
                                output (stdout and stderr); `...` stands for any
                                number of lines

Also: every relative link of docs/README.md and of the guides leads to a file,
and docs/README.md links to each guide and to storage-backend.md. Without
--python-path the Python blocks are only compared with their file, not run.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCS = os.path.join(ROOT, "docs")
MARKER = re.compile(r"^<!-- (snippet|output|shell)(?:: ([^ ]+))? -->$")
errors = []


def blocks(path):
    """(line number, kind, argument, block text) for each marked fenced block."""
    lines = open(path, encoding="utf-8").read().split("\n")
    out = []
    for i, line in enumerate(lines):
        m = MARKER.match(line.strip())
        if not m:
            continue
        j = i + 1
        if j >= len(lines) or not lines[j].startswith("```"):
            errors.append("%s:%d: a marker must be followed by a fenced block" % (os.path.basename(path), i + 1))
            continue
        k = j + 1
        while k < len(lines) and not lines[k].startswith("```"):
            k += 1
        out.append((i + 1, m.group(1), m.group(2), "\n".join(lines[j + 1:k])))
    return out


def region(path, name):
    text = open(os.path.join(ROOT, path), encoding="utf-8").read()
    if name is None:
        return text.rstrip("\n")
    lines = text.split("\n")
    begin = [i for i, l in enumerate(lines) if "[guide:%s]" % name in l]
    end = [i for i, l in enumerate(lines) if "[/guide:%s]" % name in l]
    if len(begin) != 1 or len(end) != 1 or end[0] < begin[0]:
        return None
    body = [l for l in lines[begin[0] + 1:end[0]] if "[guide:" not in l and "[/guide:" not in l]
    return textwrap.dedent("\n".join(body)).strip("\n")


def normalise(text):
    return "\n".join(l.rstrip() for l in textwrap.dedent(text.expandtabs(8)).strip("\n").split("\n"))


def matches(expected, actual):
    """Lines equal, `...` matching any number of lines."""
    exp, act = expected.split("\n"), actual.split("\n")

    def go(i, j):
        if i == len(exp):
            return j == len(act)
        if exp[i].strip() == "...":
            return any(go(i + 1, k) for k in range(j, len(act) + 1))
        return j < len(act) and exp[i].rstrip() == act[j].rstrip() and go(i + 1, j + 1)
    return go(0, 0)


def run_shell(block, where, env, work):
    """Runs the `$ ` commands of a block one after the other, comparing their output."""
    cmds, cur = [], None
    for line in block.split("\n"):
        if line.startswith("$ "):
            cur = [line[2:], []]
            cmds.append(cur)
        elif cur is not None:
            cur[1].append(line)
        elif line.strip():
            errors.append("%s: a shell block starts with a `$ ` command" % where)
            return
    for cmd, expected in cmds:
        if cmd.startswith("python3") and "PYTHONPATH" not in env:
            print("note: %s: `%s` not run (no --python-path)" % (where, cmd))
            continue
        p = subprocess.run(["sh", "-c", cmd], cwd=work, env=env, capture_output=True)
        got = (p.stdout + p.stderr).decode("utf-8", "replace").rstrip("\n")
        want = "\n".join(expected).rstrip("\n")
        if not matches(want, got):
            errors.append("%s: `%s` printed:\n%s\n-- the guide says:\n%s" % (where, cmd, got, want))


def check_links(path):
    text = open(path, encoding="utf-8").read()
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if re.match(r"^[a-z]+:", target):
            continue
        if not os.path.exists(os.path.normpath(os.path.join(os.path.dirname(path), target))):
            errors.append("%s: the link to %s leads nowhere" % (os.path.relpath(path, ROOT), target))
    return text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotline", required=True)
    ap.add_argument("--c-quickstart", required=True)
    ap.add_argument("--python-path", help="where the built `hotline` Python package is")
    a = ap.parse_args()
    guides = sorted(glob.glob(os.path.join(DOCS, "guide-*.md")))
    index = check_links(os.path.join(DOCS, "README.md"))
    for page in [os.path.basename(g) for g in guides] + ["storage-backend.md"]:
        if "(%s)" % page not in index:
            errors.append("docs/README.md does not link to %s" % page)
    for need in ("guide-c.md", "guide-python.md", "guide-policy.md", "guide-frontend-testing.md"):
        if not os.path.exists(os.path.join(DOCS, need)):
            errors.append("docs/%s is missing" % need)

    work = tempfile.mkdtemp(prefix="hotline-guides-")
    try:
        for d in ("examples", "policies", "tests"):
            os.symlink(os.path.join(ROOT, d), os.path.join(work, d))
        env = dict(os.environ)
        env["PATH"] = os.path.dirname(os.path.abspath(a.hotline)) + os.pathsep + env.get("PATH", "")
        env.pop("PYTHONPATH", None)
        if a.python_path:
            env["PYTHONPATH"] = os.path.abspath(a.python_path)
        outputs = {}

        def output(kind):
            if kind not in outputs:
                if kind == "c":
                    cmd = [os.path.abspath(a.c_quickstart)]
                elif kind == "python" and a.python_path:
                    cmd = [sys.executable, os.path.join(ROOT, "examples", "guide", "quickstart.py")]
                else:
                    return None
                p = subprocess.run(cmd, cwd=work, env=env, capture_output=True)
                if p.returncode != 0:
                    errors.append("the %s quick start failed (%d): %s" % (kind, p.returncode,
                                                                          p.stderr.decode("utf-8", "replace")))
                outputs[kind] = (p.stdout + p.stderr).decode("utf-8", "replace").rstrip("\n")
            return outputs[kind]

        checked = 0
        for g in guides:
            check_links(g)
            for lineno, kind, arg, block in blocks(g):
                where = "%s:%d" % (os.path.relpath(g, ROOT), lineno)
                checked += 1
                if kind == "snippet":
                    path, _, name = arg.partition("#")
                    want = region(path, name or None) if os.path.exists(os.path.join(ROOT, path)) else None
                    if want is None:
                        errors.append("%s: %s has no region %r" % (where, path, name))
                    elif normalise(want) != normalise(block):
                        errors.append("%s: the snippet differs from %s:\n%s\n-- the file has:\n%s"
                                      % (where, arg, block, want))
                elif kind == "output":
                    got = output(arg)
                    if got is None:
                        checked -= 1
                        print("note: %s: the %s output is not checked (no --python-path)" % (where, arg))
                    elif not matches(block.rstrip("\n"), got):
                        errors.append("%s: the %s quick start printed:\n%s\n-- the guide says:\n%s"
                                      % (where, arg, got, block))
                else:
                    run_shell(block, where, env, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for e in errors:
        print("error:", e)
    print("docs/guide-*.md: %d guides, %d checked blocks, %d problems" % (len(guides), checked, len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
