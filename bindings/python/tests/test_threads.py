"""Library calls release the GIL: a thread waiting on storage does not stall the others."""
import os
import sqlite3
import tempfile
import threading
import time
import unittest

import hotline

TEST_KEY = bytes(range(32))
WAIT_MS = 2000


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


if __name__ == "__main__":
    unittest.main()
