#!/usr/bin/env python3
"""The Python binding beside the script an integrator would otherwise write, on the same lifecycle.

    PYTHONPATH=build/bindings/python python3 tests/bench/python_lifecycle.py [--cases N] [--dir DIR]
        [--only binding|binding-clear|peer] [--mode batched|commit] [--quick]

Each case runs the benchmark's lifecycle (the 10 commands of hotline-bench: register, dispatch,
decide_measures, onsite_visit, submit_visit_form, complete, followup, supervisor_check, verify,
close) with the same instants, actors and fields, into SQLite in WAL with synchronous=NORMAL:

- binding: the hotline package's methods (db.register(...), db.dispatch(...), ...), the owners'
  personal data encrypted (a key given); binding-clear: the same into a database created
  unencrypted;
- peer: a hand-written script, a `transitions` state machine (Debian's python3-transitions) for
  the lifecycle and the `sqlite3` module for storage: a row per case (state, version, last
  instant, the ledger fields) and an event row per step (case, version, command, actor, instant,
  the command's fields as a JSON body), prepared statements, one model per open case.

Both are measured in two modes: batched (1,000 commands per transaction: `with db.batch():` and
BEGIN/COMMIT) and per commit (one transaction per command). Printed: commands/s of each, and
binding / peer. --quick runs a few cases (a smoke test, not a figure); --only with --mode runs
one workload alone, for a profiler (python3 -m cProfile, valgrind --tool=callgrind).
"""
import argparse
import datetime as dt
import json
import os
import sqlite3
import sys
import tempfile
import time

import hotline

CN = dt.timezone(dt.timedelta(hours=8))
KEY = bytes(range(32))
BATCH = 1000

PEOPLE = [("zhang", "张敏", ["hotline_specialist"]), ("li", "李强", ["property_manager"]),
          ("wu", "吴刚", ["department_head"]), ("zhao", "赵丽", ["quality_supervisor"]),
          ("gm", "陈总", ["group_head"])]
LEDGER = dict(property="P1", room="3-201", owner="王女士", phone="13800000000", matter="楼道灯不亮",
              call_taker="zhang", order_taker="li")
# (command, actor, minutes after 09:00 of the case's day, the command's own fields): hotline-bench's steps
STEPS = [("register", "zhang", 0, LEDGER), ("dispatch", "zhang", 10, {}),
         ("decide_measures", "li", 40, {"measures": "更换灯具"}), ("onsite_visit", "wu", 120, {}),
         ("submit_visit_form", "li", 150, {}), ("complete", "li", 240, {}),
         ("followup", "li", 300, {"satisfied": True}), ("supervisor_check", "zhao", 330, {}),
         ("verify", "zhang", 360, {"outcome": "confirmed"}), ("close", "gm", 420, {})]
CMDS = len(STEPS)
CASES_PER_BATCH = BATCH // CMDS


def instants(n):
    """The instants of case n's steps (day 1 + n % 26 of November 2026, as hotline-bench)."""
    day = dt.datetime(2026, 11, 1 + n % 26, 9, 0, tzinfo=CN)
    return [day + dt.timedelta(minutes=m) for _, _, m, _ in STEPS]


# ---------------------------------------------------------------- the binding

def run_binding(path, cases, batched, clear):
    db = hotline.open("sqlite:" + path, key=None if clear else KEY, key_id=None if clear else "bench",
                      unencrypted=clear, mode="create", synchronous="normal")
    for pid, name, roles in PEOPLE:
        db.add_person(pid, name, roles)
    db.add_property("P1", "翠苑", "li", ["wu"], "zhao")
    # the typed methods, as an integrator calls them (close is close_case: `close` closes the handle)
    calls = [getattr(db, "close_case" if c == "close" else c) for c, _, _, _ in STEPS]
    steps = [(call, actor, fields) for call, (_, actor, _, fields) in zip(calls, STEPS)]
    per_case = [instants(n) for n in range(26)]

    def lifecycles(first, end):
        for n in range(first, end):
            case = "C%d" % n
            for (call, actor, fields), at in zip(steps, per_case[n % 26]):
                call(case, at=at, actor=actor, **fields)

    t0 = time.perf_counter()
    if batched:
        for first in range(0, cases, CASES_PER_BATCH):
            with db.batch():
                lifecycles(first, min(cases, first + CASES_PER_BATCH))
    else:
        lifecycles(0, cases)          # outside a batch each command is its own transaction
    elapsed = time.perf_counter() - t0
    last = db.case("C%d" % (cases - 1))
    assert last.state == hotline.State.CLOSED and last.version == CMDS, last
    db.close()
    return cases * CMDS / elapsed


# ---------------------------------------------------------------- the peer

def run_peer(path, cases, batched):
    from transitions import Machine, MachineError

    conn = sqlite3.connect(path, isolation_level=None)   # transactions by hand
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript("""
        CREATE TABLE cases(id TEXT PRIMARY KEY, property TEXT NOT NULL, state TEXT NOT NULL,
            version INTEGER NOT NULL, registered_at TEXT NOT NULL, last_at TEXT NOT NULL, room TEXT, owner TEXT,
            phone TEXT, matter TEXT, call_taker TEXT, order_taker TEXT);
        CREATE TABLE events(seq INTEGER PRIMARY KEY, case_id TEXT NOT NULL, version INTEGER NOT NULL,
            cmd TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL, body TEXT NOT NULL, UNIQUE(case_id, version));
    """)
    states = ["received", "dispatched", "measures_decided", "visited", "form_submitted", "handled",
              "followed_up", "checked", "verified", "closed"]
    machine = Machine(model=None, states=["new"] + states, initial="new", auto_transitions=False)
    for (cmd, _, _, _), src, dst in zip(STEPS, ["new"] + states[:-1], states):
        machine.add_transition(cmd, src, dst)

    class Case:
        def __init__(self, case_id):
            self.id, self.version = case_id, 0

    open_cases = {}
    ins_case = ("INSERT INTO cases(id, property, state, version, registered_at, last_at, room, owner, phone, matter,"
                " call_taker, order_taker) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")
    upd_case = "UPDATE cases SET state = ?, version = ?, last_at = ? WHERE id = ?"
    ins_event = "INSERT INTO events(case_id, version, cmd, actor, at, body) VALUES (?,?,?,?,?,?)"
    execute = conn.execute

    def command(cmd, case_id, at, actor, fields):
        """One command: the machine checks the transition, then the case row and an event row."""
        if cmd == "register":
            if case_id in open_cases:
                raise ValueError("case %s exists" % case_id)
            c = Case(case_id)
            machine.add_model(c)
        else:
            c = open_cases.get(case_id)
            if c is None:
                raise LookupError("no case %s" % case_id)
        try:
            getattr(c, cmd)()
        except MachineError:
            raise ValueError("%s not allowed in state %s" % (cmd, c.state))
        c.version += 1
        when = at.isoformat()
        body = json.dumps(dict(fields, cmd=cmd, case=case_id, actor=actor, at=when), ensure_ascii=False)
        if cmd == "register":
            execute(ins_case, (case_id, fields["property"], c.state, c.version, when, when, fields["room"],
                               fields["owner"], fields["phone"], fields["matter"], fields["call_taker"],
                               fields["order_taker"]))
            open_cases[case_id] = c
        else:
            execute(upd_case, (c.state, c.version, when, case_id))
        execute(ins_event, (case_id, c.version, cmd, actor, when, body))
        if c.state == "closed":
            machine.remove_model(c)
            del open_cases[case_id]

    per_case = [instants(n) for n in range(26)]

    def lifecycles(first, end, each):
        for n in range(first, end):
            case = "C%d" % n
            for (cmd, actor, _, fields), at in zip(STEPS, per_case[n % 26]):
                if each:
                    execute("BEGIN")
                command(cmd, case, at, actor, fields)
                if each:
                    execute("COMMIT")

    t0 = time.perf_counter()
    if batched:
        for first in range(0, cases, CASES_PER_BATCH):
            execute("BEGIN")
            lifecycles(first, min(cases, first + CASES_PER_BATCH), False)
            execute("COMMIT")
    else:
        lifecycles(0, cases, True)
    elapsed = time.perf_counter() - t0
    row = conn.execute("SELECT state, version FROM cases WHERE id = ?", ("C%d" % (cases - 1),)).fetchone()
    assert row == ("closed", CMDS), row
    conn.close()
    return cases * CMDS / elapsed


# ---------------------------------------------------------------- the run

def run(kind, mode, cases, tmp):
    path = os.path.join(tmp, "%s-%s.db" % (kind, mode))
    batched = mode == "batched"
    if kind == "peer":
        rate = run_peer(path, cases, batched)
    else:
        rate = run_binding(path, cases, batched, kind == "binding-clear")
    for suffix in ("", "-wal", "-shm", ".key"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return rate


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, help="cases per workload (default 2000 batched, 500 per commit)")
    ap.add_argument("--dir", default=None, help="where the temporary databases go")
    ap.add_argument("--only", choices=["binding", "binding-clear", "peer"])
    ap.add_argument("--mode", choices=["batched", "commit"], default="batched")
    ap.add_argument("--quick", action="store_true", help="a few cases of each: checks that it runs")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=a.dir) as tmp:
        if a.only:
            n = a.cases or (2000 if a.mode == "batched" else 500)
            print("%s %s: %.0f commands/s (%d cases x %d commands)" % (a.only, a.mode, run(a.only, a.mode, n, tmp),
                                                                    n, CMDS))
            return
        print("hotline %s, Python %s, lifecycle of %d commands per case" % (
            hotline.__version__, sys.version.split()[0], CMDS))
        for mode in ("batched", "commit"):
            n = a.cases or (2000 if mode == "batched" else 500)
            if a.quick:
                n = 3
            rates = {k: run(k, mode, n, tmp) for k in ("peer", "binding", "binding-clear")}
            label = "batched %d/tx" % BATCH if mode == "batched" else "1 tx/command"
            print("%-14s %6d cases  peer %8.0f  binding %8.0f (%.2fx)  binding unencrypted %8.0f (%.2fx)  commands/s"
                  % (label, n, rates["peer"], rates["binding"], rates["binding"] / rates["peer"],
                     rates["binding-clear"], rates["binding-clear"] / rates["peer"]))
            print("python_%s_per_second peer=%.0f binding=%.0f binding_clear=%.0f" % (
                mode, rates["peer"], rates["binding"], rates["binding-clear"]))


if __name__ == "__main__":
    main()
