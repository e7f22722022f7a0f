#!/usr/bin/env python3
"""Replay a scenario (the demo month by default) and print the monthly assessment as a table.

    PYTHONPATH=build/bindings/python python3 examples/python/monthly_report.py [SCENARIO.jsonl] [--as-of ISO]
"""
import argparse
import datetime as dt
import os

import hotline

HERE = os.path.dirname(os.path.abspath(__file__))


def yuan(fen):
    return "—" if fen is None else "¥%d.%02d" % divmod(fen, 100)


def rate(r):
    return "n/a" if r["den"] == 0 else "%5.1f%% (%d/%d)" % (100 * r["num"] / r["den"], r["num"], r["den"])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenario", nargs="?", default=os.path.join(HERE, "..", "demo-month.jsonl"))
    ap.add_argument("--as-of", type=dt.datetime.fromisoformat, default=None)
    a = ap.parse_args()
    doc = hotline.replay(a.scenario, as_of=a.as_of)
    asm = doc["assessment"]
    print("Assessment %s  (period %s … %s, as of %s)" % (asm["month"], asm["period"]["from"], asm["period"]["to"],
                                                      asm["as_of"]))
    print()
    print("%-12s %10s %10s %10s" % ("person", "raw", "capped", "bonus"))
    for p in asm["people"]:
        print("%-12s %10s %10s %10s" % (p["person"], yuan(p["raw_fen"]), yuan(p["capped_fen"]), yuan(p["bonus_fen"])))
    print()
    print("%-8s %-20s %-20s" % ("property", "closure", "satisfaction"))
    for p in asm["properties"]:
        print("%-8s %-20s %-20s" % (p["id"], rate(p["closure"]), rate(p["satisfaction"])))
    print()
    print("%d penalties, %d refused lines" % (len(doc["penalties"]), len(doc["refused"])))


if __name__ == "__main__":
    main()
