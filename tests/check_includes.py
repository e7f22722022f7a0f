#!/usr/bin/env python3
"""Check the include structure of libhotline/.

Every `#include "..."` of libhotline/**/*.{c,h} is resolved the way the
build resolves it: next to the including file, then under libhotline/, then
under include/ (the public headers). Two rules:

  (a) no cycles: a module is a path without its extension, so foo.c and
      foo.h are one node; a cycle between modules fails;
  (b) no upward includes: folders are layered, lowest first,

          util < calendar < model < storage < rules < core

      and a file may include only from its own folder or a lower one.
      Public headers (include/) may always be included.

An include that resolves nowhere, and a folder missing from the order, fail
too, so a new folder has to be given its place in FOLDERS.

    tests/check_includes.py [--root DIR]   check DIR (default: the source tree)
    tests/check_includes.py --self-test    check the checker on small trees

Exit status: 0 when clean, 1 when a rule is broken (each problem printed on
stderr, with file:line of the include that breaks it).
"""
import argparse
import os
import re
import sys
import tempfile

from check_links import components, example_cycle, self_test_case

FOLDERS = ["util", "calendar", "model", "storage", "rules", "core"]
RANK = {name: i for i, name in enumerate(FOLDERS)}
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
SUFFIXES = (".c", ".h")


def module_of(rel):
    """The node of a file: its path under libhotline/ without the extension."""
    return os.path.splitext(rel)[0]


def folder_of(rel):
    parts = rel.split("/")
    return parts[0] if len(parts) > 1 else ""


def scan(root):
    """Return (edges, problems): edges[(src_module, dst_module)] = [where, ...]."""
    lib = os.path.join(root, "libhotline")
    pub = os.path.join(root, "include")
    edges = {}
    problems = []
    if not os.path.isdir(lib):
        return edges, ["%s: no libhotline/ folder" % root]
    files = []
    for dirpath, dirnames, filenames in os.walk(lib):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(SUFFIXES):
                files.append(os.path.relpath(os.path.join(dirpath, name), lib).replace(os.sep, "/"))
    for rel in files:
        folder = folder_of(rel)
        if folder not in RANK:
            problems.append("libhotline/%s: folder %r has no place in the layer order %s"
                            % (rel, folder or ".", " < ".join(FOLDERS)))
        path = os.path.join(lib, rel)
        with open(path, encoding="utf-8", errors="replace") as f:
            for lineno, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = m.group(1)
                where = "libhotline/%s:%d: #include \"%s\"" % (rel, lineno, target)
                local = os.path.normpath(os.path.join(os.path.dirname(path), target))
                if os.path.isfile(local) and local.startswith(lib + os.sep):
                    dst = os.path.relpath(local, lib).replace(os.sep, "/")
                elif os.path.isfile(os.path.join(lib, target)):
                    dst = os.path.normpath(target).replace(os.sep, "/")
                elif os.path.isfile(os.path.join(pub, target)) or os.path.isfile(local):
                    continue  # a public header: always allowed
                else:
                    problems.append("%s: resolves to no file under libhotline/ or include/" % where)
                    continue
                src_mod, dst_mod = module_of(rel), module_of(dst)
                if src_mod != dst_mod:
                    edges.setdefault((src_mod, dst_mod), []).append(where)
                dst_folder = folder_of(dst)
                if folder in RANK and dst_folder in RANK and RANK[dst_folder] > RANK[folder]:
                    problems.append("%s: upward include, %s/ may not include from %s/ (%s)"
                                    % (where, folder, dst_folder, " < ".join(FOLDERS)))
    return edges, problems


def cycles(edges):
    """Strongly connected components with more than one module, each with one
    example cycle through its first member, sorted (the link check's graph code)."""
    comps, graph = components(edges)
    return [(comp, example_cycle(comp, graph)) for comp in comps]


def problems_of(root):
    edges, problems = scan(root)
    for comp, path in cycles(edges):
        lines = ["include cycle between modules %s: %s" % (", ".join(comp), " -> ".join(path))]
        for a, b in zip(path, path[1:]):
            lines.append("    %s" % edges[(a, b)][0])
        problems.append("\n".join(lines))
    return problems


def check(root, out=sys.stderr):
    problems = problems_of(root)
    for p in problems:
        print(p, file=out)
    if problems:
        print("check_includes: %d problem(s) in %s" % (len(problems), os.path.join(root, "libhotline")), file=out)
    return 1 if problems else 0


def write_tree(root, files):
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def self_test():
    """The checker on small trees: each case names what it must report."""
    base = {
        "include/hotline/errors.h": "",
        "libhotline/util/err.h": '#include "hotline/errors.h"\n',
        "libhotline/util/err.c": '#include "util/err.h"\n#include "err.h"\n',
        "libhotline/util/mem.h": '#include "util/err.h"\n',
        "libhotline/storage/memory.c": '#include "util/mem.h"\n#include "hotline/errors.h"\n',
        "libhotline/core/db.h": '#include "storage/memory.h"\n',
        "libhotline/storage/memory.h": "",
        "libhotline/core/db.c": '#include "core/db.h"\n#include "rules/eval.h"\n',
        "libhotline/rules/eval.h": '#include "calendar/calendar.h"\n',
        "libhotline/calendar/calendar.h": '#include "../util/time.h"\n',
        "libhotline/util/time.h": "",
    }
    # (name, files added to the clean tree, number of problems, what they must say)
    cases = [
        ("clean", {}, 0, []),
        # a .c and its .h are one module: util/a.h -> util/b, util/b.c -> util/a
        ("cycle through a .c and its .h", {
            "libhotline/util/a.h": '#include "util/b.h"\n',
            "libhotline/util/b.h": "",
            "libhotline/util/b.c": '#include "util/b.h"\n#include "util/a.h"\n'},
         1, [r"include cycle between modules util/a, util/b: util/a -> util/b -> util/a",
             r"libhotline/util/b\.c:2: #include \"util/a\.h\""]),
        ("longer cycle", {
            "libhotline/core/x.h": '#include "core/y.h"\n',
            "libhotline/core/y.h": "",
            "libhotline/core/y.c": '#include "core/y.h"\n#include "core/z.h"\n',
            "libhotline/core/z.h": '#include "core/x.h"\n'},
         1, [r"include cycle between modules core/x, core/y, core/z: core/x -> core/y -> core/z -> core/x"]),
        ("upward", {"libhotline/core/model.h": "",
                    "libhotline/rules/eval.c": '#include "rules/eval.h"\n#include "core/model.h"\n'},
         1, [r"libhotline/rules/eval\.c:2: #include \"core/model\.h\": upward include, rules/ may not include from core/"]),
        ("upward by a relative path", {"libhotline/util/x.c": '#include "../storage/memory.h"\n'},
         1, [r"libhotline/util/x\.c:1: .*upward include, util/ may not include from storage/"]),
        ("upward and a cycle at once", {
            "libhotline/storage/memory.h": '#include "core/db.h"\n'},
         2, [r"storage/memory\.h:1: #include \"core/db\.h\": upward include, storage/ may not include from core/",
             r"include cycle between modules core/db, storage/memory"]),
        ("unresolved", {"libhotline/util/y.c": '#include "util/missing.h"\n'},
         1, [r"libhotline/util/y\.c:1: #include \"util/missing\.h\": resolves to no file"]),
        ("unknown folder", {"libhotline/extra/q.c": '#include "util/err.h"\n'},
         1, [r"libhotline/extra/q\.c: folder 'extra' has no place in the layer order"]),
    ]
    failed = 0
    for name, extra, count, expected in cases:
        with tempfile.TemporaryDirectory(prefix="hotline-includes-") as tmp:
            files = dict(base)
            files.update(extra)
            write_tree(tmp, files)
            failed += not self_test_case(name, problems_of(tmp), count, expected)
    print("self-test: %d of %d cases failed" % (failed, len(cases)) if failed else "self-test: all %d cases pass" % len(cases))
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                    help="source tree holding libhotline/ and include/")
    ap.add_argument("--self-test", action="store_true", help="check the checker on synthetic trees")
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    rc = check(args.root)
    if rc == 0:
        print("check_includes: no cycle, no upward include (%s)" % " < ".join(FOLDERS))
    return rc


if __name__ == "__main__":
    sys.exit(main())
