#!/usr/bin/env python3
"""Check the link-level structure of libhotline/: who calls whom.

The include check (check_includes.py) sees what a file may name; this one
sees what it calls. It reads the library's object files with `nm` (the
global symbols each defines, and the ones it leaves undefined), joins each
undefined symbol to the file defining it, and so builds the file-level
call graph. A node is a source file under libhotline/ without its
extension (core/pii). Three rules:

  (a) no upward call: folders are layered, lowest first,

          util < calendar < model < storage < rules < core

      and a file may call only into its own folder or a lower one;
  (b) no cycle between files, in any folder: a file that calls another
      must not be called back by it, directly or through others.
      ALLOWED_CYCLES below lists the cycles known when the check came; it
      may only shrink: a listed cycle that is gone, or that grew, fails too
      (remove the entry, or break the new cycle);
  (c) no call back into the public command path: the public functions of
      PUBLIC_COMMAND_PATH (hotline_db_exec_json, hotline_db_begin...) are
      for applications; the library runs its own commands and batches
      through the internal ones (hotline__db_exec_obj, hotline__db_batch_*).

An object file outside libhotline/, or in a folder missing from the order,
fails, so a new folder has to be given its place in FOLDERS.

    tests/check_links.py [--nm NM] OBJECT...    check these objects
    tests/check_links.py --self-test [--cc CC]  check the checker on small programs

Objects may also be given as one ';'-separated argument (what CMake's
$<TARGET_OBJECTS:...> expands to). Exit status: 0 when clean, 1 when a rule
is broken (each problem printed on stderr, with the symbols behind each call).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

FOLDERS = ["util", "calendar", "model", "storage", "rules", "core"]
RANK = {name: i for i, name in enumerate(FOLDERS)}

# Cycles that remain, each as the sorted set of its files. Empty: the
# library has none; keep it so (a cycle is broken by moving the function to
# the file that owns its data, or down to a lower file).
ALLOWED_CYCLES = [
]

# Files whose public (hotline_, not hotline__) functions no other file of the library may call.
PUBLIC_COMMAND_PATH = {"core/command", "core/builder"}

# Global symbols a file may leave undefined because another object of the
# library defines them: anything else (libc, jansson, libsodium...) is outside.
UNDEFINED_TYPES = set("Uwv")


def module_of(path):
    """core/pii for .../libhotline/core/pii.c.o (and pii.o, pii.obj); None outside libhotline/."""
    norm = path.replace(os.sep, "/")
    at = norm.rfind("/libhotline/")
    if at < 0:
        return None
    rel = norm[at + len("/libhotline/"):]
    for ext in (".o", ".obj"):
        if rel.endswith(ext):
            rel = rel[: -len(ext)]
            break
    return os.path.splitext(rel)[0]


def folder_of(mod):
    parts = mod.split("/")
    return parts[0] if len(parts) > 1 else ""


def read_symbols(nm, path):
    """(defined, undefined) global symbol names of one object file."""
    out = subprocess.run([nm, "-P", "-g", path], check=True, stdout=subprocess.PIPE,
                         universal_newlines=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2 or line.endswith(":"):
            continue
        name, kind = parts[0], parts[1]
        (undefined if kind in UNDEFINED_TYPES else defined).add(name)
    return defined, undefined


def graph_of(objects, nm):
    """Return (edges, problems): edges[(caller, callee)] = sorted symbols."""
    problems = []
    symbols = {}
    for path in objects:
        mod = module_of(path)
        if mod is None:
            problems.append("%s: not an object of a file under libhotline/" % path)
            continue
        if folder_of(mod) not in RANK:
            problems.append("libhotline/%s: folder %r has no place in the layer order %s"
                            % (mod, folder_of(mod) or ".", " < ".join(FOLDERS)))
        d, u = read_symbols(nm, path)
        old = symbols.get(mod, (set(), set()))
        symbols[mod] = (old[0] | d, old[1] | u)
    owner = {}
    for mod in sorted(symbols):
        for name in symbols[mod][0]:
            owner.setdefault(name, mod)
    edges = {}
    for mod in sorted(symbols):
        for name in symbols[mod][1]:
            callee = owner.get(name)
            if callee is not None and callee != mod:
                edges.setdefault((mod, callee), []).append(name)
    for k in edges:
        edges[k].sort()
    return edges, problems


def components(edges):
    """Strongly connected components with more than one file (Tarjan, iterative), sorted."""
    graph = {}
    for (a, b) in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index, low, on_stack, stack, comps = {}, {}, set(), [], []
    counter = [0]
    for root in sorted(graph):
        if root in index:
            continue
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(sorted(graph[root])))]
        while work:
            node, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    advanced = True
                    break
                if w in on_stack:
                    low[node] = min(low[node], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    comps.append(sorted(comp))
    return sorted(comps), graph


def example_cycle(comp, graph):
    """A shortest cycle from the component's first file back to it (breadth-first)."""
    members, start = set(comp), comp[0]
    prev, queue, found = {start: None}, [start], None
    while queue and found is None:
        nxt = []
        for u in queue:
            for w in sorted(graph[u]):
                if w not in members:
                    continue
                if w == start:
                    found = u
                    break
                if w not in prev:
                    prev[w] = u
                    nxt.append(w)
            if found is not None:
                break
        queue = nxt
    path, u = [start], found
    while u is not None and u != start:
        path.insert(1, u)
        u = prev[u]
    path.append(start)
    return path


def show(edges, a, b):
    syms = edges[(a, b)]
    more = " (and %d more)" % (len(syms) - 3) if len(syms) > 3 else ""
    return "    %s -> %s: %s%s" % (a, b, ", ".join(syms[:3]), more)


def problems_of(objects, nm="nm", allowed=None):
    allowed = ALLOWED_CYCLES if allowed is None else allowed
    edges, problems = graph_of(objects, nm)
    for (a, b) in sorted(edges):
        fa, fb = folder_of(a), folder_of(b)
        if fa in RANK and fb in RANK and RANK[fb] > RANK[fa]:
            problems.append("upward call, %s/ may not call into %s/ (%s):\n%s"
                            % (fa, fb, " < ".join(FOLDERS), show(edges, a, b)))
    for (a, b) in sorted(edges):
        public = [n for n in edges[(a, b)] if n.startswith("hotline_") and not n.startswith("hotline__")]
        if b in PUBLIC_COMMAND_PATH and public:
            problems.append("%s calls the public command path of %s (%s): use the internal one"
                            % (a, b, ", ".join(public)))
    comps, graph = components(edges)
    allowed_sets = [sorted(c) for c in allowed]
    for comp in comps:
        if comp in allowed_sets:
            continue
        path = example_cycle(comp, graph)
        lines = ["call cycle between files %s: %s" % (", ".join(comp), " -> ".join(path))]
        lines += [show(edges, a, b) for a, b in zip(path, path[1:])]
        problems.append("\n".join(lines))
    for c in allowed_sets:
        if c not in comps:
            problems.append("allowed cycle %s no longer exists as listed: remove it from ALLOWED_CYCLES "
                            "(the list may only shrink)" % ", ".join(c))
    return problems


def expand(args):
    objects = []
    for a in args:
        objects += [p for p in a.split(";") if p]
    return objects


def check(objects, nm, out=sys.stderr):
    problems = problems_of(objects, nm)
    for p in problems:
        print(p, file=out)
    if problems:
        print("check_links: %d problem(s) in %d object files" % (len(problems), len(objects)), file=out)
    return 1 if problems else 0


def self_test(cc, nm):
    """The checker on small compiled trees: each case names what it must report."""
    base = {
        "util/err.c": "int hotline__seterr(void) { return 0; }\n",
        "util/mem.c": "int hotline__seterr(void);\nint hotline__strdup(void) { return hotline__seterr(); }\n",
        "storage/memory.c": "int hotline__strdup(void);\nint mem_open(void) { return hotline__strdup(); }\n",
        "core/db.c": "int mem_open(void);\nint hotline__db_fail(void) { return mem_open(); }\n",
        "core/command.c": "int hotline__db_fail(void);\nint hotline__pii_seal(void);\n"
                          "int hotline__exec(void) { return hotline__db_fail() + hotline__pii_seal(); }\n"
                          "int hotline_db_exec_json(void) { return hotline__exec(); }\n",
        "core/migrate.c": "int hotline__exec(void);\nint hotline_db_encrypt(void) { return hotline__exec(); }\n",
        "core/pii.c": "int hotline__db_fail(void);\nint hotline__pii_seal(void) { return hotline__db_fail(); }\n",
    }
    planted = "int hotline__exec(void);\nint hotline__db_fail(void);\n" \
              "int hotline__pii_seal(void) { return hotline__db_fail() + hotline__exec(); }\n"
    # (name, files replaced or added, allow-list, number of problems, what they must say)
    cases = [
        ("clean", {}, [], 0, []),
        ("planted cycle: pii calls back into command", {"core/pii.c": planted}, [], 1,
         [r"call cycle between files core/command, core/pii: core/command -> core/pii -> core/command",
          r"core/pii -> core/command: hotline__exec"]),
        ("longer cycle through db", {
            "core/db.c": "int mem_open(void);\nint hotline__exec(void);\n"
                         "int hotline__db_fail(void) { return mem_open() + hotline__exec(); }\n"}, [], 1,
         [r"call cycle between files core/command, core/db, core/pii: core/command -> core/db -> core/command"]),
        ("cycle outside core", {
            "util/err.c": "int hotline__strdup(void);\nint hotline__seterr(void) { return hotline__strdup(); }\n"},
         [], 1, [r"call cycle between files util/err, util/mem"]),
        ("upward call", {
            "storage/memory.c": "int hotline__strdup(void);\nint hotline__db_fail(void);\n"
                                "int mem_open(void) { return hotline__strdup() + hotline__db_fail(); }\n"},
         [], 2, [r"upward call, storage/ may not call into core/",
                 r"storage/memory -> core/db: hotline__db_fail",
                 r"call cycle between files core/db, storage/memory"]),
        ("allowed cycle", {"core/pii.c": planted}, [["core/pii", "core/command"]], 0, []),
        ("allowed cycle that grew", {
            "core/pii.c": planted,
            "core/db.c": "int mem_open(void);\nint hotline__exec(void);\n"
                         "int hotline__db_fail(void) { return mem_open() + hotline__exec(); }\n"},
         [["core/command", "core/pii"]], 2,
         [r"call cycle between files core/command, core/db, core/pii",
          r"allowed cycle core/command, core/pii no longer exists as listed"]),
        ("allowed cycle that is gone", {}, [["core/command", "core/pii"]], 1,
         [r"allowed cycle core/command, core/pii no longer exists as listed: remove it"]),
        ("public command path called from inside", {
            "core/migrate.c": "int hotline_db_exec_json(void);\n"
                              "int hotline_db_encrypt(void) { return hotline_db_exec_json(); }\n"}, [], 1,
         [r"core/migrate calls the public command path of core/command \(hotline_db_exec_json\): use the internal one"]),
        ("unknown folder", {"extra/q.c": "int hotline__seterr(void);\nint q(void) { return hotline__seterr(); }\n"},
         [], 1, [r"libhotline/extra/q: folder 'extra' has no place in the layer order"]),
    ]
    failed = 0
    built = {}
    with tempfile.TemporaryDirectory(prefix="hotline-links-") as tmp:
        for name, extra, allowed, count, expected in cases:
            files = dict(base)
            files.update(extra)
            objects = []
            for rel, text in sorted(files.items()):
                if (rel, text) not in built:
                    # each version of a file compiled once, under its own .../libhotline/
                    top = os.path.join(tmp, str(len(built)), "libhotline")
                    src, obj = os.path.join(top, rel), os.path.join(top, rel + ".o")
                    os.makedirs(os.path.dirname(src), exist_ok=True)
                    with open(src, "w", encoding="utf-8") as f:
                        f.write(text)
                    subprocess.run([cc, "-c", "-o", obj, src], check=True)
                    built[(rel, text)] = obj
                objects.append(built[(rel, text)])
            problems = problems_of(expand([";".join(objects)]), nm, allowed)  # as CMake passes them
            failed += not self_test_case(name, problems, count, expected)
    print("self-test: %d of %d cases failed" % (failed, len(cases)) if failed else "self-test: all %d cases pass" % len(cases))
    return 1 if failed else 0


def self_test_case(name, problems, count, expected):
    """One self-test case's verdict, printed: `count` problems, matching every pattern of `expected`."""
    text = "\n".join(problems)
    ok = len(problems) == count and all(re.search(e, text) for e in expected)
    print("%-5s %s" % ("ok" if ok else "FAIL", name))
    if not ok:
        print("  expected %d problem(s) matching %s, got %d:\n%s" % (count, expected, len(problems), text))
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nm", default="nm", help="the nm program (POSIX output, -P)")
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"), help="C compiler for the self-test")
    ap.add_argument("--self-test", action="store_true", help="check the checker on small compiled trees")
    ap.add_argument("objects", nargs="*", help="object files of the library (or ';'-separated lists)")
    args = ap.parse_args()
    if args.self_test:
        return self_test(args.cc, args.nm)
    objects = expand(args.objects)
    if not objects:
        ap.error("no object files given")
    rc = check(objects, args.nm)
    if rc == 0:
        print("check_links: %d files, no cycle, no upward call (%s), no call into the public command path"
              % (len(objects), " < ".join(FOLDERS)))
    return rc


if __name__ == "__main__":
    sys.exit(main())
