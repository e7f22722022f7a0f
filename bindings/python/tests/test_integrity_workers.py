"""The C API reached late from Python: checkpoints and the verification report, claims for sweep
workers, open options (mode, read_uri), holiday data, expectations, key files, event ids."""
import datetime as dt
import os
import sqlite3
import tempfile
import time
import unittest

import hotline

CN = dt.timezone(dt.timedelta(hours=8))
SEED = bytes(range(32))
OTHER_SEED = bytes(range(1, 33))


def t(day, hour, minute=0, month=11, year=2026):
    return dt.datetime(year, month, day, hour, minute, tzinfo=CN)


def directory(db):
    db.add_person("zhang", "张敏", ["hotline_specialist"])
    db.add_person("li", "李强", ["property_manager"])
    db.add_property("P1", "翠苑", "li")


def register(db, case, at=None, **extra):
    return db.register(case, at=at or t(2, 9), actor="zhang", property="P1", room="3-201", owner="王女士",
                       phone="13800000000", matter="楼道灯不亮", call_taker="zhang", order_taker="li", **extra)


def populated(uri="memory:", cases=("C1", "C2"), **kw):
    db = hotline.open(uri, unencrypted=True, **kw)
    directory(db)
    for i, case in enumerate(cases):
        register(db, case, at=t(2, 9 + i))
    return db


def log_size(db):
    return db.verify_log()


class CheckpointTest(unittest.TestCase):
    def test_unsigned_and_signed(self):
        with populated() as db:
            cp = db.checkpoint()
            self.assertIsInstance(cp, hotline.Checkpoint)
            self.assertEqual((cp.seq, cp.count, cp.signed), (5, 5, False))
            self.assertTrue(str(cp).startswith("hlc1:5:5:"))
            self.assertEqual(hotline.Checkpoint.parse(str(cp)), cp)
            db.verify_checkpoint(cp)
            db.verify_checkpoint(str(cp))             # the text kept elsewhere works as well
            early = db.checkpoint(3)
            self.assertEqual((early.seq, early.count), (3, 3))
            register(db, "C3", at=t(3, 9))            # events after a checkpoint do not break it
            db.verify_checkpoint(early)
            db.verify_checkpoint(cp)

            signed = db.checkpoint(key=SEED)
            self.assertTrue(signed.signed)
            public = hotline.checkpoint_public_key(SEED)
            self.assertEqual(len(public), 32)
            # libsodium's 64-byte secret key is the seed followed by the public key: same key pair
            self.assertEqual(hotline.checkpoint_public_key(SEED + public), public)
            self.assertEqual(db.checkpoint(key=SEED + public).text, signed.text)
            db.verify_checkpoint(signed, public_key=public)
            with self.assertRaises(hotline.Corrupt):
                db.verify_checkpoint(signed, public_key=hotline.checkpoint_public_key(OTHER_SEED))
            with self.assertRaises(hotline.Corrupt):          # unsigned, but a signature was asked for
                db.verify_checkpoint(cp, public_key=public)

    def test_another_log_does_not_match(self):
        with populated() as db, populated(cases=("C1", "X2")) as other:
            cp = db.checkpoint()
            with self.assertRaises(hotline.Corrupt):
                other.verify_checkpoint(cp)
        with populated(cases=("C1",)) as shorter, populated() as db:
            with self.assertRaises(hotline.Corrupt):         # the checkpoint is ahead of this log
                shorter.verify_checkpoint(db.checkpoint())

    def test_bad_input_changes_nothing(self):
        with populated() as db:
            n = log_size(db)
            for beyond in (99, 2 ** 70):
                with self.assertRaises(hotline.Invalid):
                    db.checkpoint(beyond)             # beyond the log
            with self.assertRaises(ValueError):
                db.checkpoint(0)
            with self.assertRaises(ValueError):
                db.checkpoint(-1)
            with self.assertRaises(TypeError):
                db.checkpoint("5")
            for key in (b"short", SEED * 3, "00" * 32):
                with self.assertRaises(hotline.Invalid):
                    db.checkpoint(key=key)
            for text in ("junk", "hlc1:x:1:abc", "hlc1:5:5:" + "A" * 300):
                with self.assertRaises(hotline.Invalid):
                    db.verify_checkpoint(text)
            with self.assertRaises(TypeError):
                db.verify_checkpoint(None)
            with self.assertRaises(hotline.Invalid):
                db.verify_checkpoint(db.checkpoint(), public_key=b"123")
            with self.assertRaises(hotline.Invalid):
                hotline.Checkpoint.parse("hlc2:1:1:x")
            with self.assertRaises(hotline.Invalid):
                hotline.checkpoint_public_key(b"x" * 31)
            with self.assertRaises(TypeError):
                hotline.checkpoint_public_key(None)
            self.assertEqual(log_size(db), n)
            db.close()
            with self.assertRaises(hotline.Invalid):
                db.checkpoint()


class VerifyReportTest(unittest.TestCase):
    def test_clean_report(self):
        with populated() as db:
            r = db.verify_report()
            self.assertTrue(r.ok)
            self.assertEqual((r.scope, r.case, r.events, r.cases), ("log", None, 5, 2))
            self.assertEqual((r.findings, r.findings_total, r.truncated), ((), 0, False))
            self.assertIsNone(r.checkpoint)
            self.assertEqual(r.raw["events"], 5)
            one = db.verify_report("C1")
            self.assertEqual((one.scope, one.case, one.events, one.protection), ("case", "C1", 1, "not_checked"))
            public = hotline.checkpoint_public_key(SEED)
            r = db.verify_report(checkpoint=db.checkpoint(key=SEED), public_key=public)
            self.assertTrue(r.ok)
            self.assertEqual((r.checkpoint.seq, r.checkpoint.signed, r.checkpoint.signature, r.checkpoint.ok),
                             (5, True, "valid", True))
            self.assertIn("ok", repr(r))
            self.assertTrue(db.verify_report(max_findings=2 ** 70).ok)     # more than can exist: all

    def test_problems_are_findings_not_exceptions(self):
        with populated() as db, populated(cases=("C1", "X2")) as other:
            r = other.verify_report(checkpoint=db.checkpoint())
            self.assertFalse(r.ok)
            self.assertFalse(r.checkpoint.ok)
            self.assertEqual([f.code for f in r.findings], ["checkpoint_mismatch"])
            r = db.verify_report(checkpoint=db.checkpoint(), public_key=hotline.checkpoint_public_key(SEED))
            self.assertEqual([f.code for f in r.findings], ["checkpoint_unsigned"])
            self.assertIn("NOT ok", repr(r))

    def test_tampered_sqlite_log(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "t.db")
            with populated("sqlite:" + path) as db:
                cp = db.checkpoint()
            con = sqlite3.connect(path)
            con.execute("DROP TRIGGER events_no_update")
            con.execute("UPDATE events SET body = replace(body, '3-201', '9-999') WHERE stream = 'C2'")
            con.execute("UPDATE directory SET body = replace(body, '李强', '王五') WHERE kind = 'person' AND id = 'li'")
            con.commit()
            con.close()
            with hotline.open("sqlite:" + path) as db:
                r = db.verify_report(checkpoint=cp, max_findings=1)
                codes = {f.code for f in r.findings}
                self.assertFalse(r.ok)
                self.assertEqual(len(r.findings), 1)
                self.assertTrue(r.truncated)
                self.assertGreaterEqual(r.findings_total, 3)   # altered event, missing trigger, checkpoint
                full = db.verify_report(checkpoint=cp)
                codes = {f.code for f in full.findings}
                self.assertTrue({"event_altered", "trigger_missing", "checkpoint_mismatch", "directory_record_differs"} <= codes,
                                codes)
                self.assertIn("C2", {f.case for f in full.findings})
                record = [f for f in full.findings if f.directory == ("person", "li")]
                self.assertEqual([f.code for f in record], ["directory_record_differs"], full.findings)
                with self.assertRaises(hotline.Corrupt):
                    db.verify_log()

    def test_bad_input(self):
        with populated() as db:
            with self.assertRaises(hotline.NotFound):
                db.verify_report("nope")
            with self.assertRaises(hotline.Invalid):
                db.verify_report(checkpoint="junk")
            with self.assertRaises(hotline.Invalid):
                db.verify_report(checkpoint=db.checkpoint(), public_key=b"1")
            with self.assertRaises(ValueError):
                db.verify_report(max_findings=0)
            with self.assertRaises(TypeError):
                db.verify_report(max_findings="3")
            with self.assertRaises(TypeError):
                db.verify_report(checkpoint=5)


class ClaimDueTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.uri = "sqlite:" + os.path.join(self.tmp.name, "w.db")
        with populated(self.uri, cases=("A", "B", "C", "D")) as db:
            db.add_person("zhao", "赵", ["hotline_specialist"])
            # E is closed to claims: it is not due before the bound used below
            register(db, "E", at=t(20, 9))

    def tearDown(self):
        self.tmp.cleanup()

    def test_disjoint_claims_between_handles(self):
        before = t(4, 0)
        with hotline.open(self.uri) as w1, hotline.open(self.uri) as w2:
            first = w1.claim_due(before, worker="w1", lease=dt.timedelta(minutes=5), limit=2)
            self.assertEqual([c.id for c in first], ["A", "B"])       # earliest first
            self.assertIsInstance(first[0], hotline.Case)
            self.assertEqual(first[0].next_due.utcoffset(), dt.timedelta(hours=8))
            second = w2.claim_due(before, worker="w2", lease=300)
            self.assertEqual([c.id for c in second], ["C", "D"])      # never E: not due before the bound
            self.assertEqual(w1.claim_due(before, worker="w1", lease=300), [])
            self.assertEqual([c.id for c in w2.claim_due(t(30, 0), worker="w2", lease=300)], ["E"])

    def test_claims_iterator_takes_a_page_at_a_time(self):
        with hotline.open(self.uri) as w1, hotline.open(self.uri) as w2:
            it = w1.claims(t(4, 0), worker="w1", lease=300, page=2)
            # nothing is claimed before the first case is asked for
            self.assertEqual(len(w2.claim_due(t(4, 0), worker="w2", lease=300, limit=1)), 1)   # takes A
            self.assertEqual(next(it).id, "B")
            # only B and C are leased to w1 so far: D is still free for another worker
            self.assertEqual([c.id for c in w2.claim_due(t(4, 0), worker="w2", lease=300)], ["D"])
            self.assertEqual([c.id for c in it], ["C"])     # then nothing is left unclaimed
            self.assertEqual(w1.claim_due(t(4, 0), worker="w1", lease=300), [])

    def test_claims_iterator_yields_each_case_once(self):
        with hotline.open(self.uri) as db:
            ids = []
            for case in db.claims(t(4, 0), worker="w1", lease=1, page=3):
                ids.append(case.id)
                # the page's one-second leases run out meanwhile: the next claim returns A, B, C again
                time.sleep(2.1 if case.id == "A" else 0)
            self.assertEqual(ids, ["A", "B", "C", "D"])

    def test_claims_iterator_bad_input(self):
        with hotline.open(self.uri) as db:
            for page in (0, -1):
                with self.assertRaises(ValueError):
                    db.claims(t(4, 0), worker="w", lease=60, page=page)
            with self.assertRaises(TypeError):
                db.claims(t(4, 0), worker=None, lease=60)
            with self.assertRaises(TypeError):
                db.claims(t(4, 0), worker="w", lease="60")
            with self.assertRaises(hotline.Invalid):
                db.claims(dt.datetime(2026, 11, 4), worker="w", lease=60)
            with self.assertRaises(hotline.Invalid):        # the library's checks come with the first page
                next(db.claims(t(4, 0), worker="w", lease=0))
            self.assertEqual(len(db.claim_due(t(4, 0), worker="w", lease=60)), 4)

    def test_lease_ends(self):
        with hotline.open(self.uri) as db:
            self.assertEqual(len(db.claim_due(t(4, 0), worker="w1", lease=1, limit=1)), 1)
            self.assertEqual([c.id for c in db.claim_due(t(4, 0), worker="w2", lease=60)], ["B", "C", "D"])
            time.sleep(2.2)                          # past the one-second lease
            self.assertEqual([c.id for c in db.claim_due(t(4, 0), worker="w1", lease=60)], ["A"])

    def test_rolled_back_batch_takes_no_lease(self):
        with hotline.open(self.uri) as db:
            with self.assertRaises(RuntimeError):
                with db.batch():
                    self.assertEqual(len(db.claim_due(t(4, 0), worker="w1", lease=60)), 4)
                    raise RuntimeError("the worker failed")
            self.assertEqual(len(db.claim_due(t(4, 0), worker="w1", lease=60)), 4)

    def test_bad_input_claims_nothing(self):
        with hotline.open(self.uri) as db:
            before = t(4, 0)
            for lease in (0, -5, 86401, 2 ** 40, dt.timedelta(days=-1)):
                with self.assertRaises(hotline.Invalid):
                    db.claim_due(before, worker="w", lease=lease)
            with self.assertRaises(hotline.Invalid):
                db.claim_due(before, worker="w", lease=dt.timedelta(seconds=1.5))
            for lease in ("60", 60.0, None, True):
                with self.assertRaises(TypeError):
                    db.claim_due(before, worker="w", lease=lease)
            with self.assertRaises(hotline.Invalid):
                db.claim_due(before, worker="", lease=60)
            with self.assertRaises(hotline.Invalid):
                db.claim_due(before, worker="w" * 129, lease=60)
            with self.assertRaises(TypeError):
                db.claim_due(before, worker=None, lease=60)
            with self.assertRaises(hotline.Invalid):
                db.claim_due(dt.datetime(2026, 11, 4), worker="w", lease=60)   # naive
            with self.assertRaises(ValueError):
                db.claim_due(before, worker="w", lease=60, limit=0)
            with self.assertRaises(ValueError):
                db.claim_due(before, worker="w", lease=60, limit=-1)
            # none of the refused claims took a lease
            self.assertEqual(len(db.claim_due(before, worker="w", lease=60)), 4)
            db.close()
            with self.assertRaises(hotline.Invalid):
                db.claim_due(before, worker="w", lease=60)


class OpenOptionsTest(unittest.TestCase):
    def test_modes(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.db")
            with self.assertRaises(hotline.StorageError):
                hotline.open("sqlite:" + path, mode="read_only")
            with self.assertRaises(hotline.StorageError):
                hotline.open("sqlite:" + path, mode="read_write")
            self.assertFalse(os.path.exists(path))            # neither created the file
            with populated("sqlite:" + path, mode="create") as db:
                self.assertEqual(db.case("C1").version, 1)
            with hotline.open("sqlite:" + path, mode="read_only") as db:
                self.assertEqual([c.id for c in db.cases()], ["C1", "C2"])
                with self.assertRaises(hotline.Invalid):
                    db.dispatch("C1", at=t(2, 10), actor="zhang")
            with hotline.open("sqlite:" + path, mode="read_write", busy_timeout_ms=100, synchronous="full") as db:
                db.dispatch("C1", at=t(2, 10), actor="zhang")
                self.assertEqual(db.case("C1").version, 2)

    def test_busy(self):
        """Another writer holding the database past busy_timeout_ms: hotline.Busy, and nothing changed."""
        self.assertTrue(issubclass(hotline.Busy, hotline.Error))
        self.assertIn("Busy", hotline.__all__)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "b.db")
            populated("sqlite:" + path, mode="create", cases=("C1",)).close()
            other = sqlite3.connect(path, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                # the database is current: opening it does not need the writer's lock
                with hotline.open("sqlite:" + path, mode="read_write", busy_timeout_ms=100, unencrypted=True) as db:
                    with self.assertRaises(hotline.Busy) as cm:
                        register(db, "C2", at=t(2, 11))
                    self.assertEqual(cm.exception.code, "busy")
                    self.assertIn("busy", cm.exception.message)
                    other.execute("ROLLBACK")
                    self.assertEqual([c.id for c in db.cases()], ["C1"])
                    register(db, "C2", at=t(2, 11))
                    self.assertEqual([c.id for c in db.cases()], ["C1", "C2"])
            finally:
                other.close()

    def test_read_uri_serves_the_scans(self):
        with tempfile.TemporaryDirectory() as d:
            main, other = os.path.join(d, "main.db"), os.path.join(d, "other.db")
            populated("sqlite:" + main, cases=("C1",)).close()
            populated("sqlite:" + other, cases=("R1", "R2")).close()
            with hotline.open("sqlite:" + main, read_uri="sqlite:" + other) as db:
                # scans read through read_uri; single cases and commands use the handle's own storage
                self.assertEqual([c.id for c in db.cases()], ["R1", "R2"])
                self.assertEqual([c.id for c in db.sweep(t(30, 0))], ["R1", "R2"])
                self.assertEqual(db.case("C1").id, "C1")
                with self.assertRaises(hotline.NotFound):
                    db.case("R1")
            with self.assertRaises(hotline.StorageError):     # read-only: a missing replica is not created
                hotline.open("sqlite:" + main, read_uri="sqlite:" + os.path.join(d, "missing.db"))
            self.assertFalse(os.path.exists(os.path.join(d, "missing.db")))

    def test_bad_options(self):
        with self.assertRaises(hotline.Invalid):
            hotline.open(mode="readonly")
        with self.assertRaises(hotline.Invalid):
            hotline.open(synchronous="off")
        with self.assertRaises(ValueError):
            hotline.open(busy_timeout_ms=-1)
        with self.assertRaises(TypeError):
            hotline.open(busy_timeout_ms="5")
        with self.assertRaises(TypeError):
            hotline.open(read_uri=b"memory:")
        with self.assertRaises(hotline.Invalid):
            hotline.open(read_uri="ftp://x")


class HolidaysTest(unittest.TestCase):
    HOLIDAY = {"year": 2027, "source": "测试数据", "days": [{"name": "测试", "date": "2027-03-02", "isOffDay": True}]}

    def deadline(self, db):
        db.register("S1", at=dt.datetime(2027, 3, 1, 10, tzinfo=CN), actor="zhang", property="P1", room="1",
                    owner="王", phone="13800000000", matter="漏水", call_taker="zhang", order_taker="li",
                    severity="serious")
        return next(d for d in db.explain("S1").deadlines if d.rule == "S3b")

    def due(self, db):
        return self.deadline(db).due

    def db(self):
        return hotline.open(policy="service-standard", unencrypted=True)

    def test_an_off_day_moves_working_day_deadlines(self):
        with self.db() as db:
            directory(db)
            # 2027 is beyond the built-in data: Monday-Friday count, and the deadline says so
            guessed = self.deadline(db)
            self.assertTrue(guessed.provisional)
        with self.db() as db:
            directory(db)
            db.adopt_calendar(2027, {"year": 2027, "days": []})
            d = self.deadline(db)
            plain = d.due
            self.assertFalse(d.provisional)
            self.assertEqual(plain, guessed.due)
        with self.db() as db:
            directory(db)
            db.adopt_calendar(2027, self.HOLIDAY)
            self.assertEqual(self.due(db) - plain, dt.timedelta(days=1))
            year = db.calendar()["years"][-1]
            self.assertEqual((year["year"], year["source"], year["recorded"]), (2027, "测试数据", True))
        ical = ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270302\r\nSUMMARY:测试\r\n"
                "END:VEVENT\r\nEND:VCALENDAR\r\n")
        with self.db() as db:
            directory(db)
            db.adopt_calendar(2027, ical.encode("utf-8"), format="ical", source="feed")
            self.assertEqual(self.due(db) - plain, dt.timedelta(days=1))

    def test_adopting_recomputes_open_cases_and_belongs_to_the_database(self):
        with tempfile.TemporaryDirectory() as tmp:
            uri = "sqlite:" + os.path.join(tmp, "h.db")
            with hotline.open(uri, policy="service-standard", unencrypted=True, mode="create") as db:
                directory(db)
                self.assertTrue(self.deadline(db).provisional)
                self.assertFalse(db.case("S1").provisional)     # its next due is the 1-hour visit
            with hotline.open(uri, policy="service-standard") as db:
                db.adopt_calendar(2027, self.HOLIDAY)
            # another handle computes with what the database recorded
            with hotline.open(uri, policy="service-standard") as db:
                d = next(x for x in db.explain("S1").deadlines if x.rule == "S3b")
                self.assertFalse(d.provisional)
                self.assertEqual(d.due, dt.datetime(2027, 3, 10, tzinfo=CN))   # 03-02 is off
                self.assertTrue(db.verify_report().ok)
                years = [y["year"] for y in db.calendar()["years"]]
                self.assertEqual(years, [2024, 2025, 2026, 2027])

    def test_malformed_data_records_nothing(self):
        bad = {"year": 2027, "days": [dict(self.HOLIDAY["days"][0]), {"name": "x", "date": "2027-13-01",
                                                                       "isOffDay": True}]}
        with self.db() as db:
            directory(db)
            with self.assertRaises(hotline.Invalid):
                db.adopt_calendar(2027, bad)                 # the good day of it is not recorded either
            with self.assertRaises(hotline.Invalid):
                db.adopt_calendar(2027, "{not json")
            with self.assertRaises(hotline.NotFound):
                db.adopt_calendar(2028, self.HOLIDAY)        # the data has nothing for 2028
            with self.assertRaises(ValueError):
                db.adopt_calendar(2027, self.HOLIDAY, format="xml")
            with self.assertRaises(TypeError):
                db.adopt_calendar(2027, self.HOLIDAY, format="ical")
            with self.assertRaises(TypeError):
                db.adopt_calendar(2027)
            with self.assertRaises(TypeError):
                db.adopt_calendar(2027, self.HOLIDAY, builtin=True)
            self.assertEqual(db.calendar()["last"], 2026)
            self.assertTrue(self.deadline(db).provisional)     # still no 2027 data at all
            db.adopt_calendar(2026, builtin=True)            # the library's own data, recorded
            self.assertEqual(db.calendar()["years"][2]["source"], "built-in")


class PolicyRecordTest(unittest.TestCase):
    """The policy belongs to the record (DESIGN §6.7): every handle's default, another one only reads."""

    def test_the_recorded_policy_is_the_default(self):
        with tempfile.TemporaryDirectory() as tmp:
            uri = "sqlite:" + os.path.join(tmp, "h.db")
            with hotline.open(uri, policy="service-standard", unencrypted=True, mode="create") as db:
                directory(db)
            with hotline.open(uri) as db:
                self.assertEqual(db.policy, "service-standard")
                rec = db.policy_record()
                self.assertEqual(rec["recorded"], rec["in_use"])
                self.assertEqual(rec["recorded"]["name"], "service-standard")
                self.assertEqual(len(rec["recorded"]["digest"]), 64)
                self.assertFalse(rec["what_if"])
            with hotline.open(uri, policy="gm-hotline") as db:
                self.assertEqual(db.policy, "gm-hotline")
                self.assertTrue(db.policy_record()["what_if"])
                with self.assertRaises(hotline.PolicyError) as e:
                    db.add_person("x", "x", ["hotline_specialist"])
                self.assertIn("service-standard", str(e.exception))
            with hotline.open(uri) as db:
                self.assertNotIn("x", [p.id for p in db.directory().persons])


class PolicyChangeTest(unittest.TestCase):
    """A policy line changes the policy from its ``at`` on: each clock keeps the policy it started under."""

    def test_set_policy_mid_month(self):
        with tempfile.TemporaryDirectory() as tmp:
            uri = "sqlite:" + os.path.join(tmp, "h.db")
            with hotline.open(uri, policy="service-standard", unencrypted=True, mode="create") as db:
                directory(db)
                db.add_person("admin", "管理员", ["administrator"])
                register(db, "A", at=t(10, 10))
                with self.assertRaises(hotline.Forbidden):
                    db.set_policy("gm-hotline", at=t(15, 0), actor="zhang")
                with self.assertRaises(hotline.PolicyError):
                    db.set_policy("no-such-policy", at=t(15, 0), actor="admin")
                with self.assertRaises(TypeError):
                    db.set_policy("gm-hotline", at=None, actor="admin")
                self.assertNotIn("history", db.policy_record())
                db.set_policy("gm-hotline", at=t(15, 0), actor="admin")
                self.assertEqual(db.policy, "gm-hotline")
                register(db, "B", at=t(16, 10))
                rules = {(d.case, d.rule) for d in db.deadlines(t(1, 0), t(30, 0))}
                self.assertIn(("A", "S4"), rules)             # started on the 10th: service-standard
                self.assertIn(("B", "R13"), rules)            # started on the 16th: gm-hotline
                self.assertNotIn(("A", "R13"), rules)
                self.assertNotIn(("B", "S4"), rules)
                with self.assertRaises(hotline.Invalid):      # not before the latest change
                    db.set_policy("service-standard", at=t(14, 0), actor="admin")
            with hotline.open(uri) as db:
                rec = db.policy_record()
                self.assertEqual(rec["recorded"]["name"], "gm-hotline")
                self.assertEqual([h["name"] for h in rec["history"]], ["service-standard", "gm-hotline"])
            with hotline.open(uri, policy="service-standard") as db:    # the policy before the change only reads
                with self.assertRaises(hotline.PolicyError):
                    register(db, "C", at=t(17, 10))


class ExpectTest(unittest.TestCase):
    def test_differences(self):
        doc = {"cases": [{"id": "C1", "state": "closed"}, {"id": "C2", "state": "handled"}], "total": 5}
        self.assertEqual(hotline.expect(doc, {"cases": [{"id": "C2"}]}), [])
        self.assertEqual(hotline.expect('{"a": 1}', '{"a": 1}'), [])
        diffs = hotline.expect(doc, {"total": 6, "cases": [{"id": "C3"}]})
        self.assertEqual(len(diffs), 2)
        self.assertTrue(any(d.startswith("total: differs") for d in diffs), diffs)
        self.assertTrue(any(d.startswith("cases[id=C3]: no element matches") for d in diffs), diffs)

    def test_bad_input(self):
        with self.assertRaises(hotline.Invalid):
            hotline.expect("{not json", "{}")
        with self.assertRaises(hotline.Invalid):
            hotline.expect("{}", "[")
        with self.assertRaises(TypeError):
            hotline.expect(None, "{}")
        with self.assertRaises(TypeError):
            hotline.expect("{}", 5)


class KeyFileTest(unittest.TestCase):
    def test_read(self):
        key = bytes(range(32))
        with tempfile.TemporaryDirectory() as d:
            with_id, bare = os.path.join(d, "a.key"), os.path.join(d, "b.key")
            with open(with_id, "w") as f:
                f.write("k2026:" + key.hex() + "\n")
            with open(bare, "w") as f:
                f.write("  " + key.hex().upper() + "  \n")
            self.assertEqual(hotline.read_key_file(with_id), (key, "k2026"))
            self.assertEqual(hotline.read_key_file(bare), (key, "default"))
            k, key_id = hotline.read_key_file(with_id)
            with hotline.open(key=k, key_id=key_id) as db:
                self.assertEqual(db.encryption()["key_id"], "k2026")

    def test_bad_input(self):
        with tempfile.TemporaryDirectory() as d:
            short = os.path.join(d, "short.key")
            with open(short, "w") as f:
                f.write("abcd\n")
            with self.assertRaises(hotline.Error):
                hotline.read_key_file(short)
            with self.assertRaises(hotline.FileError):
                hotline.read_key_file(os.path.join(d, "missing.key"))
            with self.assertRaises(TypeError):
                hotline.read_key_file(None)


class EventIdTest(unittest.TestCase):
    def test_ids(self):
        with populated(cases=()) as db:
            register(db, "C1", command_id="desk-1")
            register(db, "C2")
            self.assertEqual(next(db.history("C1")).id, "desk-1")
            made = next(db.history("C2")).id          # the library's UUID when the command had none
            self.assertRegex(made, r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


if __name__ == "__main__":
    unittest.main()
