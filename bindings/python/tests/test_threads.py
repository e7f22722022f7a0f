"""Library calls release the GIL: a thread waiting on storage does not stall the others."""
import datetime as dt
import os
import sqlite3
import tempfile
import threading
import time
import unittest

import hotline

TEST_KEY = bytes(range(32))
WAIT_MS = 2000
AT = dt.datetime(2026, 11, 2, 9, 5, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def populate(db):
    db.add_person("zhang", "张敏", ["hotline_specialist"])


class ReleasesTheGil(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.tmp.name, "t.db")
        with hotline.open("sqlite:" + self.path, key=TEST_KEY, key_id="test", mode="create") as db:
            populate(db)

    def tearDown(self):
        self.tmp.cleanup()

    def test_two_threads_waiting_on_storage_wait_together(self):
        # Another connection holds the write lock: each command waits out its busy timeout (2 s)
        # inside the library. Holding the GIL the two waits would follow each other (4 s).
        handles = [hotline.open("sqlite:" + self.path, key=TEST_KEY, key_id="test", mode="read_write",
                                busy_timeout_ms=WAIT_MS) for _ in range(2)]
        blocker = sqlite3.connect(self.path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        errors, ticks = [], []

        def command(db, n):
            try:
                db.add_person("p%d" % n, "人%d" % n, ["hotline_specialist"])
            except hotline.Error as e:
                errors.append(e)

        def ticker(stop):
            # pure Python: runs only while no thread holds the GIL inside the library
            while not stop.is_set():
                ticks.append(time.monotonic())
                time.sleep(0.01)

        stop = threading.Event()
        tick = threading.Thread(target=ticker, args=(stop,))
        threads = [threading.Thread(target=command, args=(db, n)) for n, db in enumerate(handles)]
        started = time.monotonic()
        tick.start()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        elapsed = time.monotonic() - started
        stop.set()
        tick.join()
        blocker.execute("ROLLBACK")
        blocker.close()
        for db in handles:
            db.close()
        self.assertEqual(len(errors), 2, "both commands must have waited out the lock and failed")
        self.assertGreaterEqual(elapsed, WAIT_MS / 1000 * 0.9)
        self.assertLess(elapsed, 2 * WAIT_MS / 1000 * 0.8, "the two waits did not overlap: the GIL was held")
        # the Python thread kept running during the waits (about 100 ticks a second)
        self.assertGreater(len(ticks), 50)
        # and nothing was written
        with hotline.open("sqlite:" + self.path, key=TEST_KEY, key_id="test", mode="read_only") as db:
            self.assertEqual([p.id for p in db.directory().persons], ["zhang"])

    def test_close_waits_for_a_call_in_flight(self):
        db = hotline.open("sqlite:" + self.path, key=TEST_KEY, key_id="test", mode="read_write",
                          busy_timeout_ms=WAIT_MS)
        blocker = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        blocker.execute("BEGIN IMMEDIATE")
        outcome = []

        def command():
            try:
                db.add_person("late", "迟到", ["hotline_specialist"])
                outcome.append("applied")
            except hotline.Error as e:
                outcome.append(type(e))

        th = threading.Thread(target=command)
        th.start()
        time.sleep(0.3)                 # the command is waiting inside the library
        threading.Timer(0.5, lambda: (blocker.execute("ROLLBACK"), blocker.close())).start()
        started = time.monotonic()
        db.close()                      # must wait for the command, not free the handle under it
        waited = time.monotonic() - started
        th.join()
        self.assertEqual(outcome, ["applied"])
        self.assertGreater(waited, 0.2)
        self.assertTrue(db.closed)
        with self.assertRaises(hotline.Invalid):
            db.add_person("after", "之后", ["hotline_specialist"])


class CaseCommandsReleaseTheGil(unittest.TestCase):
    """The typed case commands (register, dispatch, ...) write their text in C: the wait is still without the GIL."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.tmp.name, "t.db")
        with hotline.open("sqlite:" + self.path, key=TEST_KEY, key_id="test", mode="create") as db:
            populate(db)
            db.add_person("li", "李强", ["property_manager"])
            db.add_property("P1", "翠苑", "li", [])
            db.register("C1", at=AT, actor="zhang", property="P1", room="3-201", owner="王女士",
                        phone="13800000000", matter="楼道灯不亮", call_taker="zhang", order_taker="li")

    def tearDown(self):
        self.tmp.cleanup()

    def test_a_dispatch_waiting_on_storage_lets_python_run(self):
        db = hotline.open("sqlite:" + self.path, key=TEST_KEY, key_id="test", mode="read_write",
                          busy_timeout_ms=WAIT_MS)
        blocker = sqlite3.connect(self.path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        errors, ticks = [], []

        def command():
            try:
                db.dispatch("C1", at=AT + dt.timedelta(minutes=10), actor="zhang")
            except hotline.Error as e:
                errors.append(e)

        stop = threading.Event()

        def ticker():
            while not stop.is_set():
                ticks.append(time.monotonic())
                time.sleep(0.01)

        th, tick = threading.Thread(target=command), threading.Thread(target=ticker)
        tick.start()
        th.start()
        th.join()
        stop.set()
        tick.join()
        blocker.execute("ROLLBACK")
        blocker.close()
        self.assertEqual([type(e) for e in errors], [hotline.Busy])
        # the ticker ran while the command waited out the lock (about 100 ticks a second for 2 s)
        self.assertGreater(len(ticks), 50, "the Python thread stalled: the GIL was held during the wait")
        self.assertEqual(db.case("C1").state, hotline.State.RECEIVED)
        db.close()

    def test_close_waits_for_a_dispatch_in_flight(self):
        db = hotline.open("sqlite:" + self.path, key=TEST_KEY, key_id="test", mode="read_write",
                          busy_timeout_ms=WAIT_MS)
        blocker = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        blocker.execute("BEGIN IMMEDIATE")
        outcome = []

        def command():
            try:
                outcome.append(db.dispatch("C1", at=AT + dt.timedelta(minutes=10), actor="zhang"))
            except hotline.Error as e:
                outcome.append(type(e))

        th = threading.Thread(target=command)
        th.start()
        time.sleep(0.3)
        threading.Timer(0.5, lambda: (blocker.execute("ROLLBACK"), blocker.close())).start()
        db.close()                      # waits for the dispatch, then closes
        th.join()
        self.assertEqual(len(outcome), 1)
        self.assertIsInstance(outcome[0], hotline.Applied)
        with self.assertRaises(hotline.Invalid):
            db.dispatch("C1", at=AT, actor="zhang")
        with hotline.open("sqlite:" + self.path, key=TEST_KEY, key_id="test", mode="read_only") as ro:
            self.assertEqual(ro.case("C1").state, hotline.State.DISPATCHED)


if __name__ == "__main__":
    unittest.main()
