#!/usr/bin/env python3
"""Forward every notification (reminder, breach, penalty) to a command, e.g. an SMS or WeChat gateway.

    notify_worker.py --db URI --state FILE [--key-file FILE] [--until INSTANT] [--once] [--interval S] -- COMMAND...

For each notification, in instant order, COMMAND runs with the notification as JSON on its standard
input and its id in $HOTLINE_NOTIFICATION_ID; once it exits 0 the worker stores the cursor after
that notification in FILE (written whole, then renamed over the old one). A worker killed at any
moment (kill -9 included) goes on from FILE when started again: every notification is forwarded at
least once and none is skipped. One killed between the command and storing the cursor forwards that
notification again: the gateway drops repeats by the id (stable: case, rule, kind, instant).

A command that fails is retried after --interval seconds, the cursor unmoved. Without --once the
worker keeps going, looking every --interval seconds for what the clock (or new events) brought;
--until stops it once everything up to INSTANT was forwarded.

More: docs/guide-feed.md.
"""
import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time

import hotline


# [guide:worker]
def load_cursor(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip() or None
    except FileNotFoundError:
        return None


def store_cursor(path, cursor):
    """The new cursor replaces the old one whole, or not at all (a crash leaves one of the two)."""
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(cursor + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def forward(command, n):
    env = dict(os.environ, HOTLINE_NOTIFICATION_ID=n.id)
    text = json.dumps(n.raw, ensure_ascii=False, sort_keys=True)
    return subprocess.run(command, input=text.encode("utf-8"), env=env).returncode == 0


def run(db, state, command, until=None):
    """Forwards what there is up to `until` (None: now); False when the command failed."""
    for n in db.notifications(load_cursor(state), until):
        if not forward(command, n):
            return False
        store_cursor(state, n.cursor)     # after forwarding: at least once, never skipped
    return True
# [/guide:worker]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default=os.environ.get("HOTLINE_DB"), help="the database URI")
    ap.add_argument("--key-file", default=os.environ.get("HOTLINE_KEY_FILE"), help="the key of owners' data")
    ap.add_argument("--state", required=True, help="the file that keeps the cursor")
    ap.add_argument("--until", help="stop once everything up to this instant was forwarded")
    ap.add_argument("--once", action="store_true", help="forward what there is now (or up to --until) and stop")
    ap.add_argument("--interval", type=float, default=10.0, help="seconds between looks (default 10)")
    ap.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND...")
    a = ap.parse_args()
    command = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not a.db or not command:
        ap.error("--db and a command are required")
    key, key_id = (hotline.read_key_file(a.key_file) if a.key_file else (None, None))
    until = dt.datetime.fromisoformat(a.until) if a.until else None
    with hotline.open(a.db, key=key, key_id=key_id, mode="read_only") as db:
        while True:
            now = dt.datetime.now(dt.timezone.utc)
            ok = run(db, a.state, command, until if until is not None and until < now else None)
            if ok and (a.once or (until is not None and until <= now)):
                return 0
            time.sleep(a.interval)


if __name__ == "__main__":
    sys.exit(main())
