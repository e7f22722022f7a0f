#!/usr/bin/env python3
"""List overdue cases for a reminder job: every case whose next deadline is before NOW.

    PYTHONPATH=build/bindings/python python3 examples/python/overdue.py sqlite:demo.db [--now ISO] [--limit N]

Without --now, the current time; instants are shown in the zone of the database's policy.
"""
import argparse
import datetime as dt

import hotline


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("db", help="storage URI, e.g. sqlite:demo.db")
    ap.add_argument("--now", type=dt.datetime.fromisoformat, help="the instant to compare with (ISO-8601 with offset)")
    ap.add_argument("--limit", type=int, help="list at most N cases (default: all)")
    a = ap.parse_args()
    with hotline.open(a.db) as db:
        now = a.now or dt.datetime.now(db.zone).replace(microsecond=0)
        rows = 0
        for c in db.sweep(now, limit=a.limit):
            rows += 1
            late = now - c.next_due
            print("%s  %-14s %-4s %-12s overdue %s  call taker %s" % (
                c.next_due.strftime("%Y-%m-%d %H:%M"), c.id, c.property, c.state.value,
                str(late).split(".")[0], c.call_taker))
        print("%d overdue case(s) as of %s" % (rows, now.isoformat()))


if __name__ == "__main__":
    main()
