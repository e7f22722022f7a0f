"""The Python binding: lifecycle, exceptions, datetimes, text, misuse, replay parity with the C tool."""
import datetime as dt
import json
import os
import pathlib
import subprocess
import tempfile
import unittest

import hotline

# owners' personal data are encrypted: the tests' key-encryption key
TEST_KEY = bytes(range(32))

CN = dt.timezone(dt.timedelta(hours=8))
SRC = os.environ.get("HOTLINE_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..", ".."))
CLI = os.environ.get("HOTLINE_CLI")


def t(day, hour, minute=0, tz=CN):
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=tz)


def directory(db):
    db.add_person("zhang", "张敏", ["hotline_specialist"])
    db.add_person("li", "李强", ["property_manager"])
    db.add_person("li2", "李二", ["property_manager"])
    db.add_person("wu", "吴刚", ["department_head"])
    db.add_person("zhao", "赵丽", ["quality_supervisor"])
    db.add_person("gm", "陈总", ["group_head"])
    db.add_person("qa", "钱主任", ["qa_director"])
    db.add_property("P1", "翠苑", "li", ["wu"], "zhao")
    db.add_property("P2", "锦绣华庭", "li2", [])
    db.add_bonus("li", "2026-11", 20000)


def register(db, case="C1", at=None):
    return db.register(case, at=at or t(2, 9, 5), actor="zhang", property="P1", room="3-201", owner="王女士",
                       phone="13800000000", matter="楼道灯不亮", call_taker="zhang", order_taker="li")


class Lifecycle(unittest.TestCase):
    def test_full_lifecycle(self):
        with hotline.open() as db:
            directory(db)
            register(db)
            db.dispatch("C1", at=t(2, 9, 20), actor="zhang")
            db.decide_measures("C1", at=t(2, 10), actor="li", measures="更换灯具", department_head="wu")
            db.onsite_visit("C1", at=t(2, 15), actor="wu")
            db.submit_visit_form("C1", at=t(2, 16), actor="li")
            db.complete("C1", at=t(2, 17), actor="li")
            db.followup("C1", at=t(3, 9), actor="li", satisfied=True)
            db.supervisor_check("C1", at=t(3, 11), actor="zhao")
            db.verify("C1", at=t(3, 14), actor="zhang", outcome="confirmed")
            seq = db.close_case("C1", at=t(4, 10), actor="gm")
            self.assertIsInstance(seq, int)
            c = db.case("C1")
            self.assertEqual(c.state, hotline.State.CLOSED)
            self.assertEqual(c.state, "closed")
            self.assertEqual(c.version, 10)
            self.assertFalse(c.exempt)
            self.assertIsNone(c.next_due)
            self.assertEqual(c.owner, "王女士")
            self.assertEqual(c.matter, "楼道灯不亮")
            events = list(db.history("C1"))
            self.assertEqual([e.command for e in events][:3], ["register", "dispatch", "decide_measures"])
            self.assertEqual(events[2].fields["measures"], "更换灯具")
            self.assertEqual(events[1].prev_hash, events[0].hash)
            self.assertEqual(db.verify_log(), 10 + 10)  # the case and the 10 directory events
            doc = db.assess(t(27, 0))
            self.assertEqual(doc.month, "2026-11")
            self.assertEqual(doc.raw["assessment"]["month"], "2026-11")
            self.assertIn("property,,,,,P1,,,,,,1,1,1,1,2026-11", db.assess_csv(t(27, 0)))  # on time: rates only
            self.assertIsInstance(db.explain("C1"), hotline.Explanation)

    def test_assess_to_file(self):
        with hotline.open() as db, tempfile.TemporaryDirectory() as d:
            directory(db)
            for i in range(50):
                register(db, "A%02d" % i, at=t(2, 9, i))
            path = os.path.join(d, "month.json")
            db.assess_to(path, t(27, 0))
            with open(path, encoding="utf-8") as f:
                self.assertEqual(json.load(f), db.assess(t(27, 0)).raw)
            db.assess_to(pathlib.Path(d) / "month.csv", t(27, 0), format="csv")
            with open(os.path.join(d, "month.csv"), encoding="utf-8", newline="") as f:
                self.assertEqual(f.read(), db.assess_csv(t(27, 0)))
            with self.assertRaises(ValueError):
                db.assess_to(path, t(27, 0), format="xml")
            with self.assertRaises(hotline.FileError):
                db.assess_to(os.path.join(d, "no", "such", "dir.json"), t(27, 0))
            with self.assertRaises(TypeError):
                db.assess_to(path, "2026-11-27")

    def test_iterators_and_sweep(self):
        with hotline.open() as db:
            directory(db)
            for i in range(3):
                register(db, "Q%d" % i, at=t(2, 9, i))
            db.dispatch("Q0", at=t(2, 9, 30), actor="zhang")
            self.assertEqual([c.id for c in db.cases()], ["Q0", "Q1", "Q2"])
            self.assertEqual([c.id for c in db.cases(state="dispatched")], ["Q0"])
            self.assertEqual(len(list(db.cases(property="P1", limit=2))), 2)
            due = list(db.sweep(t(30, 0)))
            self.assertEqual(len(due), 3)
            self.assertTrue(all(c.next_due.tzinfo is not None for c in due))
            self.assertEqual(due, sorted(due, key=lambda c: c.next_due))
            self.assertEqual(list(db.sweep(t(1, 0))), [])
            pens = list(db.penalties(t(20, 0)))
            self.assertTrue(any(p.rule == "R13" for p in pens))

    def test_batch(self):
        with hotline.open() as db:
            directory(db)
            with db.batch():
                register(db, "B1")
                register(db, "B2")
            self.assertEqual(len(list(db.cases())), 2)
            with self.assertRaises(ZeroDivisionError):
                with db.batch():
                    register(db, "B3")
                    1 / 0
            self.assertEqual(len(list(db.cases())), 2)


class Exceptions(unittest.TestCase):
    def setUp(self):
        self.db = hotline.open()
        directory(self.db)
        register(self.db)

    def tearDown(self):
        self.db.close()

    def test_each_class(self):
        db = self.db
        with self.assertRaises(hotline.InvalidTransition) as cm:
            db.close_case("C1", at=t(3, 9), actor="gm")
        self.assertEqual(cm.exception.code, "invalid_transition")
        self.assertIn("received", cm.exception.message)
        with self.assertRaises(hotline.Forbidden):
            db.dispatch("C1", at=t(3, 9), actor="li")
        with self.assertRaises(hotline.Invalid):
            db.verify("C1", at=t(3, 9), actor="zhang", outcome="maybe")
        with self.assertRaises(hotline.NotFound):
            db.case("nope")
        with self.assertRaises(hotline.Duplicate):
            register(db)
        with self.assertRaises(hotline.Conflict):
            db.dispatch("C1", at=t(3, 9), actor="zhang", expect_version=5)
        with self.assertRaises(hotline.StorageError):
            hotline.open("sqlite:/nonexistent-dir/x/y.db")
        with self.assertRaises(hotline.PolicyError):
            hotline.open(policy="no-such-policy")
        with self.assertRaises(hotline.FileError):
            hotline.replay("/nonexistent/file.jsonl")
        for cls in (hotline.InvalidTransition, hotline.Forbidden, hotline.Invalid, hotline.NotFound,
                    hotline.Conflict, hotline.Duplicate, hotline.StorageError, hotline.Corrupt):
            self.assertTrue(issubclass(cls, hotline.Error))
        # a refused command changed nothing
        self.assertEqual(db.case("C1").version, 1)

    def test_manager_of_another_property(self):
        self.db.dispatch("C1", at=t(2, 9, 20), actor="zhang")
        with self.assertRaises(hotline.Forbidden) as cm:
            self.db.complete("C1", at=t(2, 10), actor="li2")
        self.assertIn("P1", str(cm.exception))


class Datetimes(unittest.TestCase):
    def test_round_trip_across_zones(self):
        instant = dt.datetime(2026, 11, 2, 1, 5, tzinfo=dt.timezone.utc)
        for tz in (dt.timezone.utc, CN, dt.timezone(dt.timedelta(hours=-5))):
            with hotline.open() as db:
                directory(db)
                register(db, at=instant.astimezone(tz))
                c = db.case("C1")
                self.assertEqual(c.registered_at, instant)
                self.assertEqual(c.registered_at.utcoffset(), dt.timedelta(hours=8))
                self.assertEqual(next(db.history("C1")).at, instant)

    def test_naive_refused(self):
        with hotline.open() as db:
            directory(db)
            with self.assertRaises(hotline.Invalid):
                register(db, at=dt.datetime(2026, 11, 2, 9, 5))
            with self.assertRaises(TypeError):
                register(db, at="2026-11-02T09:05:00+08:00")


class Misuse(unittest.TestCase):
    def test_close_twice_and_use_after_close(self):
        db = hotline.open()
        directory(db)
        db.close()
        db.close()
        self.assertTrue(db.closed)
        with self.assertRaises(hotline.Error):
            db.case("C1")
        with self.assertRaises(hotline.Error):
            register(db)
        self.assertIn("closed", repr(db))

    def test_wrong_types(self):
        with hotline.open() as db:
            directory(db)
            with self.assertRaises(TypeError):
                db.case(None)
            with self.assertRaises(TypeError):
                db.case(42)
            with self.assertRaises(ValueError):
                db.case("a\0b")
            with self.assertRaises(TypeError):
                db.followup("C1", at=t(2, 9), actor="li", satisfied="yes")
            with self.assertRaises(TypeError):
                db.add_person("x", "X", "hotline_specialist")
            with self.assertRaises(TypeError):
                hotline.open(None)
            with self.assertRaises(TypeError):
                db.execute("not a dict")
            with self.assertRaises(hotline.Invalid):
                db.execute_json("{not json")

    def test_chinese_text_round_trips(self):
        with tempfile.TemporaryDirectory() as d:
            uri = "sqlite:" + os.path.join(d, "h.db")
            with hotline.open(uri, key=TEST_KEY, key_id="test") as db:
                directory(db)
                register(db)
                db.dispatch("C1", at=t(2, 9, 20), actor="zhang")
                db.reply("C1", at=t(2, 9, 30), actor="zhang", text="已安排师傅上门，预计两小时内到达。")
            with hotline.open(uri, key=TEST_KEY, key_id="test") as db:  # persisted
                c = db.case("C1")
                self.assertEqual(c.owner, "王女士")
                self.assertEqual(c.state, hotline.State.DISPATCHED)
                self.assertEqual(list(db.history("C1"))[-1].fields["text"], "已安排师傅上门，预计两小时内到达。")
                self.assertEqual(db.verify_log("C1"), 3)


class ExceptionHierarchy(unittest.TestCase):
    def test_builtin_bases(self):
        self.assertTrue(issubclass(hotline.NotFound, LookupError))
        self.assertTrue(issubclass(hotline.Invalid, ValueError))
        self.assertTrue(issubclass(hotline.FileError, OSError))
        self.assertNotEqual(hotline.FileError.__name__, "IOError")
        self.assertFalse(hasattr(hotline, "IOError"))
        with hotline.open() as db:
            try:
                db.case("nope")
            except LookupError as e:
                self.assertIsInstance(e, hotline.NotFound)
                self.assertIsInstance(e, hotline.Error)
                self.assertEqual(e.code, "not_found")
                self.assertIn("nope", e.message)
                self.assertEqual(str(e), e.message)
            else:
                self.fail("no exception")
            with self.assertRaises(ValueError) as cm:
                db.execute_json("{not json")
            self.assertIsInstance(cm.exception, hotline.Invalid)
        with self.assertRaises(OSError) as cm:
            hotline.replay("/nonexistent/file.jsonl")
        self.assertIsInstance(cm.exception, hotline.FileError)
        self.assertEqual(cm.exception.code, "io")

    def test_one_class_per_library_code(self):
        from hotline import lowlevel
        codes = [c.code for c in lowlevel.ERRORS]
        self.assertEqual(len(codes), len(set(codes)))
        self.assertIn("invalid_transition", codes)
        for cls in lowlevel.ERRORS:
            self.assertIs(getattr(hotline, cls.__name__), cls)
            self.assertIn(cls.__name__, hotline.__all__)
            self.assertTrue(issubclass(cls, hotline.Error))
            self.assertEqual(cls.__module__, "hotline")
            self.assertTrue(cls.__doc__)
            self.assertLess(cls.value, 0)
        self.assertEqual(hotline.Error.code, "error")
        self.assertEqual(hotline.Invalid("x").message, "x")


class PolicyZone(unittest.TestCase):
    def test_instants_follow_the_policy_zone(self):
        with open(os.path.join(SRC, "policies", "gm-hotline.json"), encoding="utf-8") as f:
            policy = json.load(f)
        policy["name"] = "gm-hotline-new-york"
        policy["zone"] = "-05:00"
        minus5 = dt.timedelta(hours=-5)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "ny.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(policy, f, ensure_ascii=False)
            with hotline.open(policy=path) as db:
                self.assertEqual(db.policy, "gm-hotline-new-york")
                self.assertEqual(db.zone.utcoffset(None), minus5)
                directory(db)
                instant = dt.datetime(2026, 11, 2, 9, 5, tzinfo=CN)
                register(db, at=instant)
                db.dispatch("C1", at=t(2, 9, 20), actor="zhang")
                c = db.case("C1")
                self.assertEqual(c.registered_at, instant)
                self.assertEqual(c.registered_at.utcoffset(), minus5)
                self.assertEqual(c.next_due.utcoffset(), minus5)
                self.assertEqual(next(db.history("C1")).at.utcoffset(), minus5)
                self.assertEqual(next(db.sweep(t(30, 0))).next_due.utcoffset(), minus5)
                a = db.assess(t(27, 0))
                self.assertEqual(a.as_of.utcoffset(), minus5)
                self.assertEqual(a.period_to.hour, 0)  # periods are read in the policy's zone
                self.assertEqual(db.explain("C1", t(27, 0)).deadlines[0].due.utcoffset(), minus5)
        with hotline.open() as db:
            self.assertEqual(db.zone.utcoffset(None), dt.timedelta(hours=8))


class GuidePromises(unittest.TestCase):
    """What guide-python.md and commands.md promise of the methods."""

    def test_naive_message_starts_with_the_command(self):
        naive = dt.datetime(2026, 11, 2, 9, 5)
        with hotline.open() as db:
            directory(db)
            for name, call in (("register", lambda: register(db, at=naive)),
                               ("record_finding", lambda: db.record_finding(at=naive, actor="qa",
                                                                            kind="assessment_misreport")),
                               ("call", lambda: db.call(at=naive, agent="zhang", rings=1, answered=True))):
                with self.assertRaises(hotline.Invalid) as cm:
                    call()
                self.assertTrue(str(cm.exception).startswith(name + ":"), str(cm.exception))
            register(db)
            with self.assertRaises(hotline.Invalid) as cm:
                db.complete("C1", at=t(2, 10), actor="li", agreed_followup_at=naive)
            self.assertTrue(str(cm.exception).startswith("complete:"), str(cm.exception))

    def test_record_finding_takes_a_note(self):
        with hotline.open() as db:
            directory(db)
            register(db)
            db.record_finding("C1", at=t(2, 10), actor="zhang", kind="falsified_form", note="回访表签名不符")
            last = list(db.history("C1"))[-1]
            self.assertEqual(last.command, "record_finding")
            self.assertEqual(last.fields.get("note"), "回访表签名不符")

    def test_every_case_command_has_its_method(self):
        # the guide: every command is a method named like its cmd, but close is close_case
        commands = ("register correct_record dispatch decide_measures onsite_visit submit_visit_form report_progress "
                    "complete followup supervisor_check verify request_escalation request_stage_close "
                    "report_malicious approve reject repeat_complaint reply record_finding call monthly_summary "
                    "quarterly_meeting quarterly_report forget").split()
        for name in commands:
            self.assertTrue(callable(getattr(hotline.Database, name, None)), name)
        self.assertTrue(callable(hotline.Database.close_case))
        here = os.path.dirname(os.path.abspath(__file__))
        guide = os.path.join(here, "..", "..", "..", "docs", "guide-python.md")
        if os.path.exists(guide):
            with open(guide, encoding="utf-8") as f:
                self.assertIn("`close_case()`", f.read())


class NaiveAndClosed(unittest.TestCase):
    def test_naive_datetime_is_invalid(self):
        naive = dt.datetime(2026, 11, 2, 9, 5)
        with hotline.open() as db:
            directory(db)
            with self.assertRaises(hotline.Invalid):
                register(db, at=naive)
            register(db)
            with self.assertRaises(hotline.Invalid):
                db.complete("C1", at=t(2, 10), actor="li", agreed_followup_at=naive)
            with self.assertRaises(hotline.Invalid):
                db.sweep(naive)
            with self.assertRaises(hotline.Invalid):
                db.assess(naive)
            with self.assertRaises(hotline.Invalid):
                db.explain("C1", naive)
            with self.assertRaises(hotline.Invalid):
                hotline.replay_json("x.jsonl", as_of=naive)

    def test_closed_database_raises(self):
        db = hotline.open()
        directory(db)
        register(db)
        pending = db.cases()
        db.close()
        for call in (lambda: db.case("C1"), lambda: register(db, "C2"), lambda: db.verify_log(),
                     lambda: db.assess(t(27, 0)), lambda: db.explain("C1"), lambda: next(db.cases()),
                     lambda: next(db.sweep(t(30, 0))), lambda: next(db.history("C1")), lambda: next(pending),
                     lambda: db.batch().__enter__(), lambda: db.assess_to("never-written.json", t(27, 0))):
            with self.assertRaises(hotline.Invalid) as cm:
                call()
            self.assertIn("closed", str(cm.exception))
        self.assertFalse(os.path.exists("never-written.json"))


class _CountingHandle:
    """Stands in for the low-level handle and records the size of each page asked for."""

    def __init__(self, h):
        self.h, self.pages = h, []

    def __getattr__(self, name):
        fn = getattr(self.h, name)
        if name not in ("cases", "sweep", "history"):
            return fn

        def page(*args):
            self.pages.append(args[-1])
            return fn(*args)
        return page


class Iterators(unittest.TestCase):
    N = 1500

    @classmethod
    def setUpClass(cls):
        cls.db = hotline.open()
        directory(cls.db)
        with cls.db.batch():
            for i in range(cls.N):
                register(cls.db, "K%04d" % i, at=t(1 + i % 20, 9, i % 60))
                cls.db.call(at=t(1 + i % 20, 8, i % 60), actor="qa", agent="zhang", rings=2, answered=True)

    @classmethod
    def tearDownClass(cls):
        cls.db.close()

    def test_real_and_lazy(self):
        db = self.db
        for it in (db.cases(), db.sweep(t(30, 0)), db.history("K0001"), db.history()):
            self.assertIs(iter(it), it)
            self.assertTrue(hasattr(it, "__next__"))
            self.assertNotIsInstance(it, (list, tuple))
        counting = _CountingHandle(db._h)
        db._h, real = counting, db._h
        try:
            it = db.cases()
            self.assertEqual(counting.pages, [])  # nothing read before the first next()
            first = next(it)
            self.assertEqual(first.id, "K0000")
            self.assertEqual(len(counting.pages), 1)
            ids = [first.id] + [c.id for c in it]
        finally:
            db._h = real
        self.assertEqual(ids, sorted("K%04d" % i for i in range(self.N)))
        self.assertLessEqual(max(counting.pages), 1024)  # one page at a time, never everything
        self.assertGreater(len(counting.pages), 3)

    def test_pages_join_without_gaps(self):
        db = self.db
        self.assertEqual(len(list(db.cases(limit=70))), 70)
        self.assertEqual(len(list(db.cases(limit=0))), 0)
        self.assertEqual(len(list(db.cases(property="P1", state="received"))), self.N)
        self.assertEqual(list(db.cases(state=hotline.State.CLOSED)), [])
        org = list(db.history())
        self.assertEqual(len(org), self.N + 10)
        self.assertEqual([e.version for e in org], list(range(1, self.N + 11)))
        self.assertEqual(org[-1].command, "call")
        with self.assertRaises(ValueError):
            db.cases(limit=-1)
        with self.assertRaises(ValueError):
            db.cases(state="nonsense")

    def test_sweep_has_no_hidden_limit(self):
        due = list(self.db.sweep(t(30, 0)))
        self.assertEqual(len(due), self.N)  # more than any page, more than the old default of 100
        self.assertEqual(len({c.id for c in due}), self.N)
        keys = [(c.next_due, c.id) for c in due]
        self.assertEqual(keys, sorted(keys))
        self.assertEqual(len(list(self.db.sweep(t(30, 0), limit=150))), 150)

    def test_pages_on_sqlite(self):
        with tempfile.TemporaryDirectory() as d, hotline.open("sqlite:" + os.path.join(d, "h.db"), key=TEST_KEY, key_id="test") as db:
            directory(db)
            with db.batch():
                for i in range(300):
                    register(db, "S%03d" % (299 - i), at=t(2, 9, i % 60))
            self.assertEqual([c.id for c in db.cases()], ["S%03d" % i for i in range(300)])
            due = list(db.sweep(t(30, 0)))
            self.assertEqual(len({c.id for c in due}), 300)
            self.assertEqual(due, sorted(due, key=lambda c: (c.next_due, c.id)))
            self.assertEqual(len(list(db.history())), 10)

    def test_unknown_case_history(self):
        it = self.db.history("nope")
        with self.assertRaises(hotline.NotFound):
            next(it)

    def test_borrowed_item_keeps_its_page(self):
        page = self.db._h.cases(None, None, None, 2)
        raw = page.get(1)
        del page
        self.assertEqual(raw.id(), "K0001")
        self.assertIsNone(self.db._h.cases(None, None, None, 2).get(5))


class Typed(unittest.TestCase):
    def test_statement(self):
        with hotline.open() as db:
            directory(db)
            register(db)
            db.dispatch("C1", at=t(2, 9, 20), actor="zhang")
            db.add_bonus("zhao", "2026-11", 5000)
            s = db.statement("li", "2026-11")
            self.assertIsInstance(s, hotline.Statement)
            self.assertEqual((s.person, s.name, s.month, s.as_of), ("li", "李强", "2026-11", t(27, 0)))
            self.assertIsInstance(s.lines[0], hotline.StatementLine)
            self.assertIsInstance(s.lines[0].incurred_at, dt.datetime)
            self.assertEqual(s.lines[0].case, "C1")
            self.assertEqual(sum(x.amount_fen for x in s.lines), s.raw_fen)
            row = {p.person: p for p in db.assess(t(27, 0)).people}
            self.assertEqual((s.raw_fen, s.capped_fen, s.bonus_fen), (row["li"].raw_fen, row["li"].capped_fen, 20000))
            self.assertEqual(s.cap_applied_fen, s.raw_fen - s.capped_fen)
            # a bonus holder with nothing charged: a zero row of the assessment, an empty statement
            self.assertEqual((row["zhao"].raw_fen, row["zhao"].bonus_fen), (0, 5000))
            z = db.statement("zhao", "2026-11")
            self.assertEqual((z.lines, z.raw_fen, z.bonus_fen), ([], 0, 5000))
            self.assertEqual(db.statement("li", "2026-11", as_of=t(3, 0)).as_of, t(3, 0))
            with self.assertRaises(hotline.Invalid):
                db.statement("li", "2026-13")
            with self.assertRaises(hotline.NotFound):
                db.statement("nobody", "2026-11")
            self.assertLess(len(repr(s)), 200)

    def test_assess_and_explain(self):
        with hotline.open() as db:
            directory(db)
            register(db)
            db.dispatch("C1", at=t(2, 9, 20), actor="zhang")
            a = db.assess(t(27, 0))
            self.assertIsInstance(a, hotline.Assessment)
            self.assertEqual(a.raw, json.loads(a.json))
            self.assertEqual(a.as_of, t(27, 0))
            self.assertEqual((a.period_from, a.period_to), (dt.datetime(2026, 10, 27, tzinfo=CN), t(27, 0)))
            self.assertEqual(a.policy, "gm-hotline")
            p = a.penalties[0]
            self.assertIsInstance(p, hotline.Penalty)
            self.assertIsInstance(p.incurred_at, dt.datetime)
            self.assertEqual(p.incurred_at, dt.datetime.fromisoformat(a.raw["penalties"][0]["incurred_at"]))
            self.assertEqual(sum(x.amount_fen for x in a.penalties), sum(x["amount_fen"] for x in a.raw["penalties"]))
            b = a.breaches[0]
            self.assertIsInstance(b, hotline.Deadline)
            self.assertIsInstance(b.late, dt.timedelta)
            self.assertEqual(b.late, dt.timedelta(seconds=a.raw["assessment"]["breaches"][0]["late_seconds"]))
            self.assertEqual(b.case, "C1")
            self.assertIsInstance(a.properties[0].closure, hotline.Rate)
            self.assertEqual(a.properties[0].id, "P1")
            self.assertIsInstance(a.people[0], hotline.PersonTotal)
            self.assertIsInstance(a.evidence[0].events, tuple)
            self.assertNotIn("raw=", repr(a))
            self.assertLess(len(repr(a)), 200)

            e = db.explain("C1", t(27, 0))
            self.assertIsInstance(e, hotline.Explanation)
            self.assertEqual(e.raw, json.loads(e.json))
            self.assertEqual((e.case, e.as_of, e.exempt), ("C1", t(27, 0), False))
            self.assertIsInstance(e.next_due, dt.datetime)
            d = e.deadlines[0]
            self.assertIsInstance(d.due, dt.datetime)
            self.assertIsInstance(d.late, dt.timedelta)
            self.assertEqual(d.case, "C1")
            self.assertEqual(e.total_fen, sum(p.amount_fen for p in e.penalties))
            self.assertTrue(all(isinstance(i[0], dt.datetime) for p in e.penalties for i in p.increments))


class ModuleSurface(unittest.TestCase):
    def test_all(self):
        import builtins
        self.assertNotIn("open", hotline.__all__)
        self.assertEqual(set(hotline.__all__) & set(dir(builtins)), set())
        for name in hotline.__all__:
            self.assertTrue(hasattr(hotline, name), name)
        for name in ("Database", "Case", "Event", "Assessment", "Explanation", "Error", "NotFound", "FileError"):
            self.assertIn(name, hotline.__all__)
        self.assertTrue(callable(hotline.open))

    def test_docs(self):
        self.assertLessEqual(len(hotline.__doc__.strip().splitlines()), 10)
        for name in hotline.__all__:
            self.assertTrue(getattr(hotline, name).__doc__, name)
        for name, member in vars(hotline.Database).items():
            if not name.startswith("_") and (callable(member) or isinstance(member, property)):
                self.assertTrue(member.__doc__, "Database.%s has no docstring" % name)
        self.assertTrue(hotline.open.__doc__)

    def test_stubs_match(self):
        import ast
        with open(os.path.join(os.path.dirname(hotline.__file__), "__init__.pyi"), encoding="utf-8") as f:
            tree = ast.parse(f.read())
        top = {n.name: n for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef))}
        for name in hotline.__all__ + ["open"]:
            self.assertIn(name, top, name)
        stubbed = {n.name for n in top["Database"].body if isinstance(n, ast.FunctionDef)}
        public = {n for n in vars(hotline.Database) if not n.startswith("_")} - {"uri", "policy", "zone"}
        self.assertEqual(public - stubbed, set())


@unittest.skipUnless(CLI, "HOTLINE_CLI not set")
class ReplayParity(unittest.TestCase):
    def check(self, path):
        cli = subprocess.run([CLI, "replay", path], check=True, capture_output=True).stdout.decode("utf-8")
        self.assertEqual(cli, hotline.replay_json(path) + "\n")
        self.assertEqual(json.loads(cli), hotline.replay(path))

    def test_design_example(self):
        self.check(os.path.join(SRC, "tests", "scenarios", "design-example.jsonl"))

    def test_demo_month(self):
        self.check(os.path.join(SRC, "examples", "demo-month.jsonl"))

    def test_options(self):
        path = os.path.join(SRC, "tests", "scenarios", "design-example.jsonl")
        cli = subprocess.run([CLI, "replay", "--as-of", "2026-11-27T00:00:00+08:00", "--policy", "service-standard",
                              path], check=True, capture_output=True).stdout.decode("utf-8")
        self.assertEqual(cli, hotline.replay_json(path, policy="service-standard", as_of=t(27, 0)) + "\n")


if __name__ == "__main__":
    unittest.main()
