"""The event feed and notifications from Python (docs/guide-feed.md): db.follow, db.notifications,
and the notification worker of examples/python/notify_worker.py killed with SIGKILL and restarted."""
import collections
import datetime as dt
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import hotline

CN = dt.timezone(dt.timedelta(hours=8))
SRC = os.environ.get("HOTLINE_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..", ".."))
DEMO = os.path.join(SRC, "examples", "demo-month.jsonl")
WORKER = os.path.join(SRC, "examples", "python", "notify_worker.py")
UNTIL = dt.datetime(2026, 11, 26, 20, 0, tzinfo=CN)


def t(day, hour, minute=0):
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=CN)


def demo_db(uri):
    db = hotline.open(uri, unencrypted=True, mode="create")
    with db.batch():
        with open(DEMO, encoding="utf-8") as f:
            for line in f:
                if line.startswith("{"):
                    try:
                        db.execute_json(line)
                    except hotline.Error:
                        pass    # the demo's deliberately refused lines
    return db


def small_db(uri="memory:"):
    db = hotline.open(uri, unencrypted=True)
    db.add_person("zhang", "张敏", ["hotline_specialist"])
    db.add_person("li", "李强", ["property_manager"])
    db.add_property("P1", "翠苑", "li")
    return db


def register(db, case, at):
    return db.register(case, at=at, actor="zhang", property="P1", room="3-201", owner="王女士",
                       phone="13800000000", matter="楼道灯不亮", call_taker="zhang", order_taker="li")


class FollowTest(unittest.TestCase):
    def test_follow_pages_and_resumes(self):
        with small_db() as db:
            for i in range(5):
                register(db, "C%d" % i, t(2, 9, i))
            events = list(db.follow(limit=2, wait=False))
            self.assertEqual([e.seq for e in events], sorted(e.seq for e in events))
            self.assertEqual(len(events), 3 + 5)
            self.assertIsInstance(events[-1], hotline.FeedEvent)
            self.assertEqual((events[-1].stream, events[-1].cmd, events[-1].stream_seq), ("C4", "register", 1))
            self.assertEqual(events[-1].at, t(2, 9, 4))
            self.assertIsNone(events[0].at)           # a directory line
            # from a stored cursor: only what came after it
            rest = list(db.follow(events[4].cursor, wait=False))
            self.assertEqual([e.seq for e in rest], [e.seq for e in events[5:]])
            self.assertEqual(list(db.follow(events[-1].cursor, wait=False)), [])
            with self.assertRaises(hotline.Invalid):
                list(db.follow("n1.5", wait=False))
            with self.assertRaises(ValueError):
                db.follow(limit=0)

    def test_follow_waits_for_another_process(self):
        with tempfile.TemporaryDirectory() as d:
            uri = "sqlite:" + os.path.join(d, "f.db")
            small_db(uri).close()
            got = []
            with hotline.open(uri, mode="read_only") as reader:
                it = reader.follow(poll=0.05)
                for _ in range(3):
                    got.append(next(it))

                def write():
                    time.sleep(0.3)
                    with hotline.open(uri, mode="read_write") as w:
                        register(w, "LATE", t(3, 9))
                th = threading.Thread(target=write)
                th.start()
                started = time.monotonic()
                ev = next(it)
                waited = time.monotonic() - started
                th.join()
                self.assertEqual(ev.stream, "LATE")
                self.assertGreaterEqual(waited, 0.25)
                self.assertLess(waited, 2.0)


class NotificationsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.uri = "sqlite:" + os.path.join(cls.dir.name, "demo.db")
        demo_db(cls.uri).close()

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def test_demo_month(self):
        with hotline.open(self.uri, mode="read_only") as db:
            ns = list(db.notifications(until=UNTIL))
            self.assertEqual(ns, list(db.notifications(until=UNTIL, limit=37)))
            kinds = collections.Counter(n.kind for n in ns)
            a = db.assess(UNTIL)
            self.assertEqual(kinds["breach"], len(a.breaches))
            # every penalty of the assessment is its increments added up
            owed = collections.Counter()
            for n in ns:
                if n.kind == "penalty":
                    owed[(n.rule, n.case, n.liable[0])] += n.amount_fen
            self.assertEqual(owed, collections.Counter({(p.rule, p.case, p.person): p.amount_fen for p in a.penalties}))
            self.assertEqual(len({n.id for n in ns}), len(ns))
            self.assertEqual([n.instant for n in ns], sorted(n.instant for n in ns))
            # resuming from a notification's cursor gives exactly the ones after it
            self.assertEqual(list(db.notifications(ns[99].cursor, UNTIL)), ns[100:])
            it = db.notifications(until=UNTIL)
            list(it)
            self.assertEqual(list(db.notifications(it.last_cursor, UNTIL)), [])


class WorkerKillTest(unittest.TestCase):
    """The worker of examples/python/notify_worker.py, killed with SIGKILL again and again."""

    def test_killed_worker_forwards_everything(self):
        with tempfile.TemporaryDirectory() as d:
            uri = "sqlite:" + os.path.join(d, "demo.db")
            with demo_db(uri) as db:
                expected = [n.id for n in db.notifications(until=UNTIL)]
            state, log = os.path.join(d, "cursor"), os.path.join(d, "forwarded")
            gateway = ["sh", "-c", 'printf "%s\\n" "$HOTLINE_NOTIFICATION_ID" >> "$0"', log]
            cmd = [sys.executable, WORKER, "--db", uri, "--state", state, "--until", UNTIL.isoformat(), "--once",
                   "--interval", "0.1", "--"] + gateway
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
            rng = random.Random(21)
            kills = 0
            while True:
                p = subprocess.Popen(cmd, env=env)
                try:
                    p.wait(timeout=rng.uniform(0.4, 1.2) if kills < 6 else 300)
                    break
                except subprocess.TimeoutExpired:
                    p.send_signal(signal.SIGKILL)
                    p.wait()
                    kills += 1
            self.assertEqual(p.returncode, 0)
            with open(log, encoding="utf-8") as f:
                forwarded = [line.rstrip("\n") for line in f if line.strip()]
            seen = set(forwarded)
            self.assertEqual(seen, set(expected))                     # none skipped
            repeats = len(forwarded) - len(seen)
            self.assertLessEqual(repeats, kills)                      # at most the one in flight per kill
            # in order, apart from a repeat right after a restart
            firsts = list(dict.fromkeys(forwarded))
            self.assertEqual(firsts, expected)
            print("\n# notify_worker: %d notifications, killed %d times (SIGKILL), %d forwarded in all, "
                  "%d forwarded twice, none skipped" % (len(expected), kills, len(forwarded), repeats),
                  file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
