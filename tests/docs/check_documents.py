#!/usr/bin/env python3
"""Check docs/documents.md against what the hotline tool really prints.

Replays the demo month and the test scenarios (tests/scenarios/*.jsonl, then
tests/docs/*.jsonl after them) into temporary SQLite files, runs show,
history, explain, assess (JSON and CSV), statement, calendar, directory (with and without
--as-of) and lifecycle on them under every shipped policy, and collects every
key path of every document. Fails when

  - a key appears in output but not in the page,
  - the page lists a key that never appears (unless marked "optional"),
  - a key not marked "optional" is missing from an object that has its parent,
  - a value's JSON type is not one the page gives,
  - a CSV column or record kind differs from the page's CSV table,
  - an event's command carries a key that commands.md does not give its cmd,
  - commands.md's rule for a key given as `null` is not what the library does,
  - a directory document disagrees with itself (order, `as_of`, a record
    that is not the latest of its history's definitions at `as_of`),
  - a public header refers to a page that is not installed (docs/*.md is
    installed as share/doc/hotline/) or to the sources or design notes.

    tests/docs/check_documents.py --hotline build/hotline [--keep DIR]

Page format (per document): a heading, a marker line
`<!-- document: NAME -->` (optionally `; includes: OTHER`), then a table
`| key | type | meaning |`. Key paths use `.` for objects and `[]` for the
elements of an array; `X.*` covers any key below X. Types: string, instant,
month, integer, boolean, null, object, any, "array of T" (T: objects,
strings, integers, instants); alternatives joined by " or "; ", optional"
at the end marks a key that may be absent.
"""
import argparse
import csv
import glob
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAGE = os.path.join(ROOT, "docs", "documents.md")
POLICIES = ["gm-hotline", "service-standard", "sales-office"]
AS_OF_EXTRA = "2026-11-27T00:00:00+08:00"
# Directory instants: before, between and after the dated lines of tests/docs/staff-changes.jsonl.
DIRECTORY_AS_OF = ["2026-11-01T00:00:00+08:00", "2026-11-17T00:00:00+08:00", AS_OF_EXTRA]
INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
ELEMENT = {"objects": "object", "strings": "string", "integers": "integer", "instants": "instant"}
BASE = {"string", "instant", "month", "integer", "boolean", "null", "object", "any", "array"}

errors = []


def error(msg):
    errors.append(msg)


# ---------------------------------------------------------------- the page

class Spec:
    def __init__(self, name):
        self.name = name
        self.includes = []
        self.keys = {}          # path -> (set of types, element type or None, optional)
        self.wild = []          # prefixes covered by `X.*`


def parse_type(cell, where):
    cell = cell.strip()
    optional = False
    if cell.endswith(", optional"):
        optional = True
        cell = cell[: -len(", optional")]
    types, elem = set(), None
    for alt in cell.split(" or "):
        alt = alt.strip()
        m = re.match(r"^array of (\w+)$", alt)
        if m:
            if m.group(1) not in ELEMENT:
                error("%s: unknown element type %r" % (where, m.group(1)))
            types.add("array")
            elem = ELEMENT.get(m.group(1))
        elif alt in BASE:
            types.add(alt)
        else:
            error("%s: unknown type %r" % (where, alt))
    return types, elem, optional


def cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def parse_page(path):
    specs, csvs = {}, {}
    lines = open(path, encoding="utf-8").read().splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^<!-- (document|csv): (\w+)(?:; includes: ([\w, ]+))? -->$", lines[i].strip())
        i += 1
        if not m:
            continue
        kind, name = m.group(1), m.group(2)
        # the first table after the marker, before the next heading
        while i < len(lines) and not lines[i].startswith("|") and not lines[i].startswith("#"):
            i += 1
        if i >= len(lines) or not lines[i].startswith("|"):
            error("%s: no table after the marker of %s" % (path, name))
            continue
        header = cells(lines[i])
        i += 2
        rows = []
        while i < len(lines) and lines[i].startswith("|"):
            rows.append((i + 1, cells(lines[i])))
            i += 1
        if kind == "document":
            if header != ["key", "type", "meaning"]:
                error("%s: table of %s must be | key | type | meaning |" % (path, name))
                continue
            s = specs[name] = Spec(name)
            if m.group(3):
                s.includes = [x.strip() for x in m.group(3).split(",")]
            for lineno, row in rows:
                where = "%s:%d" % (os.path.basename(path), lineno)
                if len(row) != 3:
                    error("%s: a row needs 3 cells, not %d" % (where, len(row)))
                    continue
                key, typ, meaning = row
                km = re.match(r"^`([^`]+)`$", key)
                if not km:
                    error("%s: key must be one `path`" % where)
                    continue
                k = km.group(1)
                if k.endswith(".*"):
                    s.wild.append(k[:-2])
                    continue
                if k in s.keys:
                    error("%s: %s listed twice" % (where, k))
                s.keys[k] = parse_type(typ, where)
        else:
            if header != ["column", "records", "meaning"]:
                error("%s: CSV table of %s must be | column | records | meaning |" % (path, name))
                continue
            cols = []
            for lineno, row in rows:
                if len(row) != 3:
                    error("%s:%d: a row needs 3 cells, not %d" % (os.path.basename(path), lineno, len(row)))
                    continue
                col, recs, meaning = row
                cols.append((col.strip("`"), {r.strip() for r in recs.split(",")}))
            csvs[name] = cols
    for s in specs.values():
        for inc in s.includes:
            if inc not in specs:
                error("%s: includes unknown document %s" % (s.name, inc))
                continue
            for k, v in specs[inc].keys.items():
                s.keys.setdefault(k, v)
            s.wild += specs[inc].wild
    return specs, csvs


# ---------------------------------------------------------------- the output

def json_type(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return "number"


def type_ok(v, types):
    t = json_type(v)
    if "any" in types or t in types:
        return True
    if t == "string" and "instant" in types and INSTANT.match(v):
        return True
    if t == "string" and "month" in types and MONTH.match(v):
        return True
    return False


class Seen:
    def __init__(self, spec):
        self.spec = spec
        self.paths = set()
        self.reported = set()

    def once(self, msg):
        """Reports a problem once, with the first output that shows it."""
        key = re.sub(r" \(in .*\)$", "", msg)
        if key not in self.reported:
            self.reported.add(key)
            error(msg)

    def covered(self, path):
        return any(path == w or path.startswith(w + ".") or path.startswith(w + "[]") for w in self.spec.wild)

    def walk_object(self, obj, prefix, origin):
        # required keys of this object
        for k, (types, elem, optional) in self.spec.keys.items():
            parent, _, leaf = k.rpartition(".")
            if parent == prefix and not optional and leaf not in obj:
                self.once("%s: %s missing (in %s)" % (self.spec.name, k, origin))
        for k, v in obj.items():
            self.walk(v, prefix + "." + k if prefix else k, origin)

    def walk(self, v, path, origin):
        if self.covered(path):
            self.paths.add(path)
            return
        if path not in self.spec.keys:
            self.once("%s: key %s is printed but not in docs/documents.md (in %s)" % (self.spec.name, path, origin))
            return
        self.paths.add(path)
        types, elem, _ = self.spec.keys[path]
        if not type_ok(v, types):
            self.once("%s: %s is %s, the page says %s (in %s)" % (self.spec.name, path, json_type(v),
                                                                  " or ".join(sorted(types)), origin))
            return
        if isinstance(v, dict):
            self.walk_object(v, path, origin)
        elif isinstance(v, list):
            for x in v:
                if elem and not type_ok(x, {elem}):
                    self.once("%s: an element of %s is %s, the page says %s (in %s)"
                              % (self.spec.name, path, json_type(x), elem, origin))
                elif isinstance(x, dict):
                    self.walk_object(x, path + "[]", origin)

    def document(self, doc, origin):
        if isinstance(doc, dict):
            self.walk_object(doc, "", origin)
        elif isinstance(doc, list):         # the lifecycle table: the page describes one row
            for x in doc:
                self.walk_object(x, "", origin)
        else:
            error("%s: not a JSON object or array (%s)" % (self.spec.name, origin))

    def finish(self):
        for k, (types, elem, optional) in sorted(self.spec.keys.items()):
            if k not in self.paths:
                if optional:
                    print("note: %s: optional key %s never printed by the checked runs" % (self.spec.name, k))
                else:
                    error("%s: docs/documents.md lists %s, which no output printed" % (self.spec.name, k))
        for w in self.spec.wild:
            if not any(p == w or p.startswith(w + ".") for p in self.paths):
                error("%s: docs/documents.md lists %s.*, which no output printed" % (self.spec.name, w))


# ---------------------------------------------------------------- running the tool

class Tool:
    def __init__(self, exe):
        self.exe = exe
        self.runs = 0
        # owners' personal data are encrypted: every run gets the same key file (documents show clear values)
        fd, self.key_file = tempfile.mkstemp(suffix=".key")
        os.write(fd, b"docs:" + b"ab" * 32 + b"\n")
        os.close(fd)
        self.env = dict(os.environ, HOTLINE_KEY_FILE=self.key_file)

    def __call__(self, *args, text=True):
        self.runs += 1
        p = subprocess.run([self.exe] + list(args), capture_output=True, cwd=ROOT, env=self.env)
        if p.returncode != 0:
            raise SystemExit("hotline %s failed (%d): %s" % (" ".join(args), p.returncode,
                                                             p.stderr.decode("utf-8", "replace")))
        return p.stdout.decode("utf-8")


def check_csv(text, cols, origin, seen_pairs):
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        error("assess csv: empty output (%s)" % origin)
        return
    names = [c for c, _ in cols]
    if rows[0] != names:
        error("assess csv: header %s, the page says %s (%s)" % (",".join(rows[0]), ",".join(names), origin))
        return
    kinds = set().union(*(r for _, r in cols))
    for n, row in enumerate(rows[1:], 2):
        if len(row) != len(names):
            error("assess csv: row %d has %d fields, not %d (%s)" % (n, len(row), len(names), origin))
            continue
        rec = row[0]
        if rec not in kinds:
            error("assess csv: row %d: record %r not in the page (%s)" % (n, rec, origin))
            continue
        for (name, recs), val in zip(cols, row):
            if val == "":
                continue
            if rec not in recs:
                error("assess csv: column %s is filled for a %s row, the page says only %s (%s)"
                      % (name, rec, ", ".join(sorted(recs)), origin))
            seen_pairs.add((name, rec))


def check_commands(events, rows, origin):
    """Every key of a stored command is one commands.md gives its cmd."""
    by_cmd = {r["cmd"]: r for r in rows}
    for ev in events:
        c = ev.get("command")
        if not isinstance(c, dict) or c.get("cmd") not in by_cmd:
            error("history: event %s has no known cmd (%s)" % (ev.get("seq"), origin))
            continue
        r = by_cmd[c["cmd"]]
        allowed = {"cmd", "actor", "at", "command_id"} | {f["name"] for f in r["fields"]}
        if r["on"] != "directory":
            allowed.add("expect_version")
        if r["on"] in ("new_case", "case", "case_or_organisation"):
            allowed.add("case")
        for k in c:
            if k not in allowed:
                error("history: %s carries %r, which commands.md does not give it (%s)" % (c["cmd"], k, origin))


def _instant_key(text):
    """An instant as a sortable value (None, a line without `at`, is the earliest)."""
    import datetime
    return datetime.datetime.min.replace(tzinfo=datetime.timezone.utc) if text is None \
        else datetime.datetime.fromisoformat(text)


def check_directory(doc, as_of, origin):
    """The directory's own consistency: order, `as_of`, each record the latest definition in force then."""
    if not isinstance(doc, dict):
        return
    if doc.get("as_of") != as_of:
        error("directory: as_of is %r, asked for %r (%s)" % (doc.get("as_of"), as_of, origin))
    limit = None if as_of is None else _instant_key(as_of)
    for part, key in (("persons", lambda r: r["id"]), ("properties", lambda r: r["id"]),
                      ("bonuses", lambda r: (r["person"], r["month"]))):
        records = doc.get(part) or []
        keys = [key(r) for r in records]
        if keys != sorted(set(keys)):
            error("directory: %s are not sorted, or one is listed twice (%s)" % (part, origin))
        for r in records:
            hist = r.get("history") or []
            if any(key(h) != key(r) for h in hist):
                error("directory: a history entry of %s %r is another record (%s)" % (part, key(r), origin))
            froms = [_instant_key(h.get("from")) for h in hist]
            if froms != sorted(froms):
                error("directory: the history of %s %r is not oldest first (%s)" % (part, key(r), origin))
            in_force = [h for h in hist if limit is None or _instant_key(h.get("from")) <= limit]
            own = {k: v for k, v in r.items() if k != "history"}
            if not in_force or in_force[-1] != own:
                error("directory: %s %r is not the latest definition of its history at as_of (%s)"
                      % (part, key(r), origin))


def check_header_refs():
    """Installed headers may point only to pages that are installed with them (docs/*.md)."""
    hdrs = sorted(glob.glob(os.path.join(ROOT, "include", "**", "*.h"), recursive=True))
    for h in hdrs:
        rel = os.path.relpath(h, ROOT)
        for n, line in enumerate(open(h, encoding="utf-8"), 1):
            for page in re.findall(r"share/doc/hotline/([\w./-]+\.md)", line):
                if not os.path.exists(os.path.join(ROOT, "docs", page)):
                    error("%s:%d: points to share/doc/hotline/%s, but docs/%s does not exist" % (rel, n, page, page))
            m = re.search(r"DESIGN|§|\blibhotline/|\bdocs/|\btools/|\btests/|\bexamples/|\w+\.c\b", line)
            if m:
                error("%s:%d: refers to %r, which is not installed" % (rel, n, m.group(0)))


def check_null_rule(run, work):
    """commands.md says what the library does with a key given as null: an optional one is absent."""
    rules = open(os.path.join(ROOT, "docs", "commands.md"), encoding="utf-8").read().split("## Types")[0]
    said = " ".join(re.findall(r"[^.]*`null`[^.]*\.", rules.replace("\n", " ")))
    path = os.path.join(work, "nulls.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"cmd":"person","id":"zhang","name":"z","roles":["hotline_specialist"]}\n')
        f.write('{"cmd":"call","at":"2026-11-02T09:00:00+08:00","agent":"zhang","rings":1,"answered":true,'
                '"connected":null,"actor":null,"command_id":null}\n')
        f.write('{"cmd":"call","at":"2026-11-02T09:01:00+08:00","agent":"zhang","rings":1,"answered":null}\n')
    refused = {r["line"]: r for r in json.loads(run("replay", path))["refused"]}
    optional_absent = 2 not in refused
    required_missing = 3 in refused and refused[3]["code"] == "invalid" and "'answered'" in refused[3]["message"]
    if not (optional_absent and required_missing):
        error("replay of a key given as null: optional taken as absent %s, required refused as missing %s"
              % (optional_absent, required_missing))
    if "absent" not in said or "not accepted" in said:
        error("commands.md must say that a key given as null is taken as absent; it says: %r" % said)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotline", required=True, help="path to the built hotline tool")
    ap.add_argument("--keep", help="write the outputs into this directory and keep them")
    ap.add_argument("--page", default=PAGE, help="the page to check (default docs/documents.md)")
    a = ap.parse_args()
    check_header_refs()
    specs, csvs = parse_page(a.page)
    for need in ("show", "history", "replay", "assess", "explain", "directory", "lifecycle", "calendar"):
        if need not in specs:
            error("docs/documents.md has no table for %s" % need)
    if "assess" not in csvs:
        error("docs/documents.md has no CSV table for assess")
    if errors:
        for e in errors:
            print("error:", e)
        return 1
    seen = {name: Seen(s) for name, s in specs.items()}
    csv_pairs = set()
    run = Tool(os.path.abspath(a.hotline))
    work = a.keep or tempfile.mkdtemp(prefix="hotline-docs-")
    os.makedirs(work, exist_ok=True)
    try:
        check_null_rule(run, work)
        lifecycle = json.loads(run("lifecycle"))
        seen["lifecycle"].document(lifecycle, "hotline lifecycle")

        scenarios = sorted(glob.glob(os.path.join(ROOT, "tests", "scenarios", "*.jsonl")))
        extra = sorted(glob.glob(os.path.join(ROOT, "tests", "docs", "*.jsonl")))
        corpora = [("demo", [os.path.join(ROOT, "examples", "demo-month.jsonl")])]
        corpora += [(os.path.basename(f)[:-6], [f]) for f in scenarios]
        corpora.append(("scenarios+docs", scenarios + extra))   # several files: refusals carry `file`
        for name, files in corpora:
            rel = [os.path.relpath(f, ROOT) for f in files]
            db = os.path.join(work, name + ".db")
            if os.path.exists(db):
                os.remove(db)
            uri = "sqlite:" + db
            doc = json.loads(run("replay", "--db", uri, *rel))
            seen["replay"].document(doc, "replay " + " ".join(rel))
            for pol in POLICIES[1:]:
                seen["replay"].document(json.loads(run("replay", "--policy", pol, *rel)),
                                        "replay --policy %s %s" % (pol, " ".join(rel)))
            cases = [c["id"] for c in doc["cases"]]
            for cid in cases:
                seen["show"].document(json.loads(run("show", cid, "--db", uri, "--json")), "show %s (%s)" % (cid, name))
            for cid in cases + [""]:
                events = [json.loads(l) for l in run("history", cid, "--db", uri, "--json").splitlines() if l.strip()]
                origin = "history %r (%s)" % (cid, name)
                for ev in events:
                    seen["history"].document(ev, origin)
                check_commands(events, lifecycle, origin)
            for as_of in [None] + DIRECTORY_AS_OF:
                args = ["directory", "--db", uri] + ([] if as_of is None else ["--as-of", as_of])
                origin = "%s (%s)" % (" ".join(args[:1] + args[3:]), name)
                d = json.loads(run(*args, "--json"))
                seen["directory"].document(d, origin)
                check_directory(d, as_of, origin)
            seen["calendar"].document(json.loads(run("calendar", "--db", uri, "--json")), "calendar (%s)" % name)
            for pol in POLICIES:
                for cid in cases:
                    seen["explain"].document(json.loads(run("explain", cid, "--db", uri, "--policy", pol, "--json")),
                                             "explain %s --policy %s (%s)" % (cid, pol, name))
                for as_of in sorted({doc["assessment"]["as_of"], AS_OF_EXTRA}):
                    origin = "assess --as-of %s --policy %s (%s)" % (as_of, pol, name)
                    seen["assess"].document(json.loads(run("assess", "--db", uri, "--as-of", as_of,
                                                           "--policy", pol)), origin)
                    check_csv(run("assess", "--db", uri, "--as-of", as_of, "--policy", pol, "--format", "csv"),
                              csvs["assess"], origin + " --format csv", csv_pairs)
                # each person of the month: the statement, whose totals are the person's row
                month = json.loads(run("assess", "--db", uri, "--as-of", AS_OF_EXTRA, "--policy", pol))["assessment"]
                for row in month["people"]:
                    st = json.loads(run("statement", "--db", uri, "--policy", pol, "--person", row["person"],
                                        "--month", month["month"], "--json"))
                    origin = "statement --person %s --month %s --policy %s (%s)" % (row["person"], month["month"], pol, name)
                    seen["statement"].document(st, origin)
                    if ([st[k] for k in ("raw_fen", "capped_fen", "bonus_fen")] !=
                            [row[k] for k in ("raw_fen", "capped_fen", "bonus_fen")] or
                            sum(x["amount_fen"] for x in st["lines"]) != st["raw_fen"]):
                        errors.append("%s: totals differ from the assessment's row %r" % (origin, row))
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    for s in seen.values():
        s.finish()
    for name, recs in csvs["assess"]:
        for rec in sorted(recs):
            if (name, rec) not in csv_pairs:
                error("assess csv: the page says column %s is filled for %s rows; no output did" % (name, rec))
    for e in errors:
        print("error:", e)
    print("%s: %d runs of the tool, %d problems" % (os.path.relpath(a.page, ROOT), run.runs, len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
