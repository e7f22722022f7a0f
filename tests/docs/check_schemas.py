#!/usr/bin/env python3
"""Validate every document the hotline tool prints against its JSON Schema.

    tests/docs/check_schemas.py --hotline build/hotline [--keep DIR]

The schemas are docs/schema/*.schema.json (draft 2020-12, installed under
share/hotline/schema/). This replays the demo month and the test scenarios
(tests/scenarios/*.jsonl, then tests/docs/*.jsonl after them) into temporary
SQLite files and validates, under every shipped policy:

  show            hotline show CASE                   show.schema.json
  event           hotline history CASE, history ""    event.schema.json (each line)
  replay          hotline replay [--db] FILE...       replay.schema.json
  assess          hotline assess --as-of T            assess.schema.json
  assess CSV      ... --format csv                    assess-csv.schema.json (each row; $defs/header)
  explain         hotline explain CASE                explain.schema.json
  statement       hotline statement --person P --month M --json   statement.schema.json (totals = the person's row)
  directory       hotline directory [--as-of T]       directory.schema.json
  lifecycle       hotline lifecycle                   lifecycle.schema.json
  verify report   hotline verify-log [CASE] --json    verify-report.schema.json
  checkpoint      hotline checkpoint [--key F]        checkpoint.schema.json (the line as a string)
  feed            hotline follow --once [--pages]     feed.schema.json (each page; each line: $defs/line)
  notifications   hotline follow --notifications ...  notifications.schema.json (idem)

The verify report is also taken on copies of a database edited behind the
library's back (a snapshot, an event, a directory record, the triggers), so
that findings, differences and a failed checkpoint are validated too.

It fails when a document violates its schema, when a schema is not a valid
draft 2020-12 schema, or when a schema validated nothing. Before that it
proves it can fail: for each kind, mutated copies of a real document (a key
removed, an unknown key added, a value of the wrong kind) must be rejected.
"""
import argparse
import copy
import csv
import glob
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    sys.exit("check_schemas.py needs the jsonschema module (Debian: apt-get install python3-jsonschema)")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA_DIR = os.path.join(ROOT, "docs", "schema")
POLICIES = ["gm-hotline", "service-standard", "sales-office"]
AS_OF_EXTRA = "2026-11-27T00:00:00+08:00"
DIRECTORY_AS_OF = ["2026-11-01T00:00:00+08:00", "2026-11-17T00:00:00+08:00", AS_OF_EXTRA]
# An Ed25519 seed, as hex: only for signing test checkpoints.
TEST_SEED = "a1" * 32

errors = []


class Schemas:
    def __init__(self):
        self.validators, self.counts = {}, {}
        for path in sorted(glob.glob(os.path.join(SCHEMA_DIR, "*.schema.json"))):
            name = os.path.basename(path)[: -len(".schema.json")]
            schema = json.load(open(path, encoding="utf-8"))
            if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
                errors.append("%s: $schema is not draft 2020-12" % name)
            try:
                jsonschema.Draft202012Validator.check_schema(schema)
            except jsonschema.SchemaError as e:
                errors.append("%s: not a valid schema: %s" % (name, e.message))
                continue
            fmt = jsonschema.Draft202012Validator.FORMAT_CHECKER
            self.validators[name] = jsonschema.Draft202012Validator(schema, format_checker=fmt)
            self.counts[name] = 0
        if "assess-csv" in self.validators:
            header = self.validators["assess-csv"].schema["$defs"]["header"]
            self.validators["assess-csv-header"] = jsonschema.Draft202012Validator(header)
            self.counts["assess-csv-header"] = 0
        # the lines of `hotline follow`: one item of a page with the cursor after it
        for name in ("feed", "notifications"):
            if name in self.validators:
                schema = dict(self.validators[name].schema)
                schema["$ref"] = "#/$defs/line"
                for k in ("properties", "required", "additionalProperties", "title", "description", "type"):
                    schema.pop(k, None)
                self.validators[name + "-line"] = jsonschema.Draft202012Validator(
                    schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
                self.counts[name + "-line"] = 0

    def problems(self, name, doc):
        return sorted(self.validators[name].iter_errors(doc), key=lambda e: list(e.absolute_path))

    def check(self, name, doc, origin):
        self.counts[name] += 1
        for e in self.problems(name, doc)[:3]:
            path = "/".join(str(p) for p in e.absolute_path) or "(document)"
            errors.append("%s: %s: %s (in %s)" % (name, path, e.message[:300], origin))


class Tool:
    def __init__(self, exe):
        self.exe = exe
        self.runs = 0

    def __call__(self, *args, ok=(0,)):
        self.runs += 1
        p = subprocess.run([self.exe] + list(args), capture_output=True, cwd=ROOT)
        if p.returncode not in ok:
            raise SystemExit("hotline %s failed (%d): %s" % (" ".join(args), p.returncode,
                                                             p.stderr.decode("utf-8", "replace")))
        return p.stdout.decode("utf-8")


def csv_rows(text):
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0] if rows else [], [dict(zip(rows[0], r)) if len(r) == len(rows[0]) else r for r in rows[1:]]


# ---------------------------------------------------------------- proving the check can fail

def mutations(name, doc):
    """Mutated copies of a real document that its schema must reject: (what, document)."""
    out = []

    def mutate(what, fn):
        d = copy.deepcopy(doc)
        fn(d)
        out.append((what, d))

    def first_object(d):
        return d[0] if isinstance(d, list) else d

    def drop_first_key(d):
        o = first_object(d)
        del o[sorted(o)[0]]

    def add_key(d):
        first_object(d)["unexpected_key"] = 1

    if name == "checkpoint":
        mutate("a checkpoint of another format", lambda d: None)
        out[-1] = ("a checkpoint of another format", "hlc2" + doc[4:])
        out.append(("a checkpoint with a cut digest", doc[:-3]))
        return out
    mutate("its first key removed", drop_first_key)
    if name != "event":     # a stored command may carry any key its cmd has; the event itself is closed
        mutate("an unknown key added", add_key)
    else:
        mutate("an unknown key added to the event", add_key)
        mutate("a key its command does not have", lambda d: d["command"].__setitem__("no_such_key", "x"))
        mutate("a hash that is not hex", lambda d: d.__setitem__("hash", "Z" * 64))
    if name == "show":
        mutate("a state that does not exist", lambda d: d.__setitem__("state", "lost"))
        mutate("an instant without its offset", lambda d: d.__setitem__("registered_at", d["registered_at"][:19]))
        mutate("a ledger kind that does not exist", lambda d: d["ledger"].__setitem__("kind", "praise"))
    if name in ("assess", "replay"):
        mutate("an assessment month of 13", lambda d: d["assessment"].__setitem__("month", "2026-13"))
        mutate("money as a float", lambda d: d["assessment"]["properties"][0]["closure"].__setitem__("num", 0.5))
    if name == "replay":
        mutate("a refusal code that does not exist",
               lambda d: d["refused"].append({"line": 1, "code": "nope", "message": "x"}))
    if name == "explain":
        mutate("a clock that does not exist", lambda d: d["deadlines"][0].__setitem__("clock", "lunar"))
        mutate("a rule id with a space", lambda d: d["deadlines"][0].__setitem__("rule", "R 14"))
    if name == "directory":
        mutate("a role that does not exist", lambda d: d["persons"][0]["roles"].append("janitor"))
    if name == "lifecycle":
        mutate("a row without its cmd", lambda d: d[0].pop("cmd"))
        mutate("a row too many", lambda d: d.append(copy.deepcopy(d[0])))
    if name == "verify-report":
        mutate("ok with a finding counted", lambda d: d.__setitem__("findings_total", 1) if d["ok"] else d.__setitem__("ok", True))
        mutate("a protection that does not exist", lambda d: d.__setitem__("protection", "maybe"))
    if name in ("feed", "feed-line"):
        mutate("a cursor of notifications", lambda d: d.__setitem__("cursor", "n1.5"))
    if name == "feed":
        mutate("an event without its seq", lambda d: d["events"][0].pop("seq"))
    if name in ("notifications", "notifications-line"):
        mutate("a cursor of the feed", lambda d: d.__setitem__("cursor", "f1.5"))
    if name == "notifications":
        mutate("a kind that does not exist", lambda d: d["notifications"][0].__setitem__("kind", "praise"))
        mutate("a penalty without its amount", lambda d: [n.pop("amount_fen") for n in d["notifications"]
                                                            if n["kind"] == "penalty"][:1])
    if name == "notifications-line":
        mutate("a breach with an amount", lambda d: (d.__setitem__("kind", "breach"), d.__setitem__("amount_fen", 5)))
    if name == "assess-csv":
        mutate("a person row with a rule", lambda d: (d.__setitem__("record", "person"), d.__setitem__("rule", "R14b")))
        mutate("an amount with a decimal point", lambda d: (d.__setitem__("record", "penalty"),
                                                             d.__setitem__("amount_fen", "5.00")))
    return out


def self_check(schemas, samples):
    """Every kind: a real document passes, and every mutation of it is rejected."""
    ok = True
    for name in sorted(schemas.counts):
        if name == "assess-csv-header":
            bad = [["record", "rule"], samples.get(name, [])[::-1]]
            for b in bad:
                if not schemas.problems(name, b):
                    errors.append("self-check: the CSV header schema accepts %r" % (b,))
                    ok = False
            continue
        if name not in samples:
            errors.append("self-check: no document of %s to mutate" % name)
            ok = False
            continue
        doc = samples[name]
        if schemas.problems(name, doc):
            continue                # reported by the main check
        for what, bad in mutations(name, doc):
            if not schemas.problems(name, bad):
                errors.append("self-check: %s accepts a document with %s" % (name, what))
                ok = False
    return ok


# ---------------------------------------------------------------- tampering (for verify reports with findings)

def tampered_copies(db, work, name):
    """Copies of a database, each edited behind the library's back in one way: (label, path)."""
    edits = [
        ("snapshot edited", ["UPDATE cases SET state = (state + 1) % 9 WHERE id = (SELECT min(id) FROM cases)",
                             "UPDATE cases SET body = json_set(body, '$.ledger.owner', 'someone else') "
                             "WHERE id = (SELECT max(id) FROM cases)"]),
        ("event rewritten, trigger dropped", ["DROP TRIGGER events_no_update",
                                              "UPDATE events SET body = replace(body, '\"', '\"') || ' ' "
                                              "WHERE seq = (SELECT max(seq) FROM events WHERE stream <> '')"]),
        ("directory record deleted", ["DELETE FROM directory WHERE rowid = (SELECT min(rowid) FROM directory)",
                                      "INSERT INTO directory(kind, id, body) VALUES ('person', 'nobody', "
                                      "'{\"id\":\"nobody\",\"name\":\"x\",\"roles\":[]}')"]),
        ("events deleted", ["DROP TRIGGER events_no_delete",
                            "DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE stream <> '' "
                            "ORDER BY seq DESC LIMIT 2)"]),
    ]
    out = []
    for n, (label, sql) in enumerate(edits):
        path = os.path.join(work, "%s-tampered-%d.db" % (name, n))
        if os.path.exists(path):
            os.remove(path)
        src = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        con = sqlite3.connect(path)
        try:
            src.backup(con)
            src.close()
            for s in sql:
                con.execute(s)
            con.commit()
        except sqlite3.Error as e:
            errors.append("tampering %r failed: %s" % (label, e))
        finally:
            con.close()
        out.append((label, path))
    return out


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotline", required=True, help="path to the built hotline tool")
    ap.add_argument("--keep", help="keep the databases in this directory")
    a = ap.parse_args()
    schemas = Schemas()
    needed = ["show", "event", "replay", "assess", "assess-csv", "explain", "directory", "lifecycle",
              "verify-report", "checkpoint", "feed", "notifications"]
    for n in needed:
        if n not in schemas.validators:
            errors.append("docs/schema/%s.schema.json is missing" % n)
    if errors:
        for e in errors:
            print("error:", e)
        return 1
    samples = {}

    def seen(name, doc, origin):
        schemas.check(name, doc, origin)
        samples.setdefault(name, doc)

    run = Tool(os.path.abspath(a.hotline))
    work = a.keep or tempfile.mkdtemp(prefix="hotline-schemas-")
    os.makedirs(work, exist_ok=True)
    key = os.path.join(work, "seed.hex")
    with open(key, "w") as f:
        f.write(TEST_SEED + "\n")
    try:
        seen("lifecycle", json.loads(run("lifecycle")), "hotline lifecycle")
        pub = os.path.join(work, "public.hex")
        with open(pub, "w") as f:
            f.write(run("checkpoint", "--key", key, "--print-public-key"))

        scenarios = sorted(glob.glob(os.path.join(ROOT, "tests", "scenarios", "*.jsonl")))
        extra = sorted(glob.glob(os.path.join(ROOT, "tests", "docs", "*.jsonl")))
        corpora = [("demo", [os.path.join(ROOT, "examples", "demo-month.jsonl")])]
        corpora += [(os.path.basename(f)[:-6], [f]) for f in scenarios]
        corpora.append(("scenarios+docs", scenarios + extra))
        for name, files in corpora:
            rel = [os.path.relpath(f, ROOT) for f in files]
            db = os.path.join(work, name + ".db")
            if os.path.exists(db):
                os.remove(db)
            uri = "sqlite:" + db
            doc = json.loads(run("replay", "--db", uri, *rel))
            seen("replay", doc, "replay " + " ".join(rel))
            for pol in POLICIES[1:]:
                seen("replay", json.loads(run("replay", "--policy", pol, *rel)),
                     "replay --policy %s %s" % (pol, " ".join(rel)))
            cases = [c["id"] for c in doc["cases"]]
            for cid in cases:
                seen("show", json.loads(run("show", cid, "--db", uri, "--json")), "show %s (%s)" % (cid, name))
            for cid in cases + [""]:
                for line in run("history", cid, "--db", uri, "--json").splitlines():
                    if line.strip():
                        seen("event", json.loads(line), "history %r (%s)" % (cid, name))
            for as_of in [None] + DIRECTORY_AS_OF:
                args = ["directory", "--db", uri] + ([] if as_of is None else ["--as-of", as_of])
                seen("directory", json.loads(run(*args, "--json")), "%s (%s)" % (" ".join(args[:1] + args[3:]), name))
            for pol in POLICIES:
                for cid in cases:
                    seen("explain", json.loads(run("explain", cid, "--db", uri, "--policy", pol, "--json")),
                         "explain %s --policy %s (%s)" % (cid, pol, name))
                for as_of in sorted({doc["assessment"]["as_of"], AS_OF_EXTRA}):
                    origin = "assess --as-of %s --policy %s (%s)" % (as_of, pol, name)
                    seen("assess", json.loads(run("assess", "--db", uri, "--as-of", as_of, "--policy", pol)), origin)
                    header, rows = csv_rows(run("assess", "--db", uri, "--as-of", as_of, "--policy", pol,
                                                "--format", "csv"))
                    seen("assess-csv-header", header, origin + " --format csv (header)")
                    for n, row in enumerate(rows, 2):
                        seen("assess-csv", row, "%s --format csv (row %d)" % (origin, n))
                # each person of the month: the statement, whose totals are the person's row
                month = json.loads(run("assess", "--db", uri, "--as-of", AS_OF_EXTRA, "--policy", pol))["assessment"]
                for row in month["people"]:
                    st = json.loads(run("statement", "--db", uri, "--policy", pol, "--person", row["person"],
                                        "--month", month["month"], "--json"))
                    origin = "statement --person %s --month %s --policy %s (%s)" % (row["person"], month["month"], pol, name)
                    seen("statement", st, origin)
                    if ([st[k] for k in ("raw_fen", "capped_fen", "bonus_fen")] !=
                            [row[k] for k in ("raw_fen", "capped_fen", "bonus_fen")] or
                            sum(x["amount_fen"] for x in st["lines"]) != st["raw_fen"]):
                        errors.append("%s: totals differ from the assessment's row %r" % (origin, row))
            # the feed and the notifications, as pages and as lines
            for line in run("follow", "--once", "--pages", "--limit", "500", "--db", uri).splitlines():
                seen("feed", json.loads(line), "follow --once --pages (%s)" % name)
            for line in run("follow", "--once", "--db", uri).splitlines():
                seen("feed-line", json.loads(line), "follow --once (%s)" % name)
            until = doc["assessment"]["as_of"]
            for line in run("follow", "--notifications", "--until", until, "--once", "--pages", "--limit", "300",
                            "--db", uri).splitlines():
                seen("notifications", json.loads(line), "follow --notifications --pages (%s)" % name)
            for line in run("follow", "--notifications", "--until", until, "--once", "--db", uri).splitlines():
                seen("notifications-line", json.loads(line), "follow --notifications (%s)" % name)
            # integrity: the report on the whole log and on single cases, checkpoints signed and not
            seen("verify-report", json.loads(run("verify-log", "--db", uri, "--json")), "verify-log --json (%s)" % name)
            for cid in cases[:3]:
                seen("verify-report", json.loads(run("verify-log", cid, "--db", uri, "--json")),
                     "verify-log %s --json (%s)" % (cid, name))
            ckpts = []
            for args in (["checkpoint", "--db", uri], ["checkpoint", "--db", uri, "--key", key],
                         ["checkpoint", "--db", uri, "--up-to", "3"]):
                text = run(*args).strip()
                seen("checkpoint", text, "%s (%s)" % (" ".join(args[:1] + args[3:]), name))
                path = os.path.join(work, "%s-%d.ckpt" % (name, len(ckpts)))
                with open(path, "w") as f:
                    f.write(text + "\n")
                ckpts.append(path)
            for args in (["--checkpoint", ckpts[0]], ["--checkpoint", ckpts[1], "--public-key", pub],
                         ["--checkpoint", ckpts[0], "--public-key", pub]):
                seen("verify-report", json.loads(run("verify-log", "--db", uri, "--json", *args, ok=(0, 1))),
                     "verify-log --json %s (%s)" % (" ".join(args), name))
            for label, path in tampered_copies(db, work, name):
                turi = "sqlite:" + path
                seen("verify-report", json.loads(run("verify-log", "--db", turi, "--json", "--checkpoint", ckpts[1],
                                                     "--public-key", pub, ok=(0, 1))),
                     "verify-log --json --checkpoint, %s (%s)" % (label, name))
                seen("verify-report", json.loads(run("verify-log", cases[0], "--db", turi, "--json", ok=(0, 1))),
                     "verify-log %s --json, %s (%s)" % (cases[0], label, name))
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    for n, c in sorted(schemas.counts.items()):
        if c == 0:
            errors.append("%s: no output was validated against it" % n)
    self_check(schemas, samples)
    for e in errors:
        print("error:", e)
    print("%s" % ", ".join("%s %d" % (n, c) for n, c in sorted(schemas.counts.items())))
    print("docs/schema: %d runs of the tool, %d documents validated, %d problems"
          % (run.runs, sum(schemas.counts.values()), len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
