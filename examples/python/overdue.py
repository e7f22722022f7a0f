#!/usr/bin/env python3
"""Who must act now: the deadlines already missed (not met yet) and the reminders of the next hour.

    PYTHONPATH=build/bindings/python python3 examples/python/overdue.py sqlite:demo.db [--now ISO] [--days N]

Each line names the person the policy would charge if the deadline stays missed (the directory as of
its due instant), not merely the case's call taker: R14e's follow-up is the property manager's,
R15a's check the quality supervisor's. Without --now, the current time; instants are shown in the
zone of the database's policy.
"""
import argparse
import datetime as dt

import hotline


def who(d):
    return ", ".join(p or "(nobody holds the role)" for p in d.liable)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("db", help="storage URI, e.g. sqlite:demo.db")
    ap.add_argument("--now", type=dt.datetime.fromisoformat, help="the instant to compare with (ISO-8601 with offset)")
    ap.add_argument("--days", type=int, default=31, help="how far back to look for missed deadlines (default 31)")
    a = ap.parse_args()
    with hotline.open(a.db) as db:
        now = a.now or dt.datetime.now(db.zone).replace(microsecond=0)
        overdue = [d for d in db.deadlines(now - dt.timedelta(days=a.days), now, as_of=now) if d.overdue]
        for d in overdue:
            print("%s  %-14s %-4s %-5s Art. %-2d overdue %-16s -> %s" % (
                d.due.strftime("%Y-%m-%d %H:%M"), d.case or "(organisation)", d.property or "", d.rule, d.article,
                str(now - d.due).split(".")[0], who(d)))
        print("%d overdue deadline(s) as of %s" % (len(overdue), now.isoformat()))
        soon = list(db.reminders(now, now + dt.timedelta(hours=1)))
        for d in soon:
            print("remind %s  %-14s %-5s due %s -> %s" % (d.remind_at.strftime("%H:%M"), d.case or "(organisation)",
                                                          d.rule, d.due.strftime("%m-%d %H:%M"), who(d)))
        print("%d reminder(s) in the next hour" % len(soon))


if __name__ == "__main__":
    main()
