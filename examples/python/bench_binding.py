#!/usr/bin/env python3
"""Commands per second through the Python binding, beside the C figure for the same work.

    PYTHONPATH=build/bindings/python python3 examples/python/bench_binding.py [--cases N] [--bench build/tests/bench/hotline-bench]

The work: the full lifecycle of each case (10 commands, register ... close) into SQLite, in
batches of 1,000 commands per transaction; the C figure comes from hotline-bench --quick, which
runs the same commands through the C API in the same way.
"""
import argparse
import os
import re
import subprocess
import tempfile
import time

import hotline

DIRECTORY = [
    {"cmd": "person", "id": "zhang", "name": "张敏", "roles": ["hotline_specialist"]},
    {"cmd": "person", "id": "li", "name": "李强", "roles": ["property_manager"]},
    {"cmd": "person", "id": "wu", "name": "吴刚", "roles": ["department_head"]},
    {"cmd": "person", "id": "zhao", "name": "赵丽", "roles": ["quality_supervisor"]},
    {"cmd": "person", "id": "gm", "name": "陈总", "roles": ["group_head"]},
    {"cmd": "property", "id": "P1", "name": "翠苑", "manager": "li", "department_heads": ["wu"],
     "quality_supervisor": "zhao"},
]
STEPS = [("register", "zhang", 0), ("dispatch", "zhang", 10), ("decide_measures", "li", 40),
         ("onsite_visit", "wu", 120), ("submit_visit_form", "li", 150), ("complete", "li", 240),
         ("followup", "li", 300), ("supervisor_check", "zhao", 330), ("verify", "zhang", 360), ("close", "gm", 420)]
EXTRA = {"register": {"property": "P1", "room": "3-201", "owner": "王女士", "phone": "13800000000",
                      "matter": "楼道灯不亮", "call_taker": "zhang", "order_taker": "li"},
         "decide_measures": {"measures": "更换灯具"}, "followup": {"satisfied": True},
         "verify": {"outcome": "confirmed"}}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--bench", default=os.path.join(here, "..", "..", "build", "tests", "bench", "hotline-bench"))
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        with hotline.open("sqlite:" + os.path.join(d, "py.db")) as db:
            for c in DIRECTORY:
                db.execute(c)
            done = 0
            t0 = time.perf_counter()
            batch = db.batch()
            batch.__enter__()
            for n in range(a.cases):
                day = 1 + n % 26
                for cmd, actor, minute in STEPS:
                    m = 9 * 60 + minute
                    obj = {"cmd": cmd, "case": "C%d" % n, "actor": actor,
                           "at": "2026-11-%02dT%02d:%02d:00+08:00" % (day, m // 60, m % 60)}
                    obj.update(EXTRA.get(cmd, {}))
                    db.execute(obj)
                    done += 1
                    if done % 1000 == 0:
                        batch.__exit__(None, None, None)
                        batch = db.batch()
                        batch.__enter__()
            batch.__exit__(None, None, None)
            py = done / (time.perf_counter() - t0)
    c = None
    if os.path.exists(a.bench):
        out = subprocess.run([a.bench, "--quick"], capture_output=True, text=True).stdout
        m = re.search(r"c_commands_per_second_batched=(\d+)", out)
        c = int(m.group(1)) if m else None
    print("Python binding, batched 1000/tx: %8.0f commands/s (%d cases x %d commands)" % (py, a.cases, len(STEPS)))
    if c:
        print("C API (hotline-bench --quick): %8d commands/s   Python/C = %.0f%%" % (c, 100.0 * py / c))
    else:
        print("C figure unavailable: build hotline-bench (cmake --build --preset dev)")


if __name__ == "__main__":
    main()
