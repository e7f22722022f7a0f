"""The Python binding: lifecycle, exceptions, datetimes, text, misuse, replay parity with the C tool."""
import datetime as dt
import json
import os
import pathlib
import subprocess
import tempfile
import unittest

import hotline

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
            self.assertEqual(doc["assessment"]["month"], "2026-11")
            self.assertIn("property,,,,,P1,,,,,,1,1,1,1,2026-11", db.assess(t(27, 0), format="csv"))  # on time: rates only
            self.assertIsInstance(db.explain("C1"), dict)

    def test_assess_to_file(self):
        with hotline.open() as db, tempfile.TemporaryDirectory() as d:
            directory(db)
            for i in range(50):
                register(db, "A%02d" % i, at=t(2, 9, i))
            path = os.path.join(d, "month.json")
            db.assess_to(path, t(27, 0))
            with open(path, encoding="utf-8") as f:
                self.assertEqual(json.load(f), db.assess(t(27, 0)))
            db.assess_to(pathlib.Path(d) / "month.csv", t(27, 0), format="csv")
            with open(os.path.join(d, "month.csv"), encoding="utf-8", newline="") as f:
                self.assertEqual(f.read(), db.assess(t(27, 0), format="csv"))
            with self.assertRaises(ValueError):
                db.assess_to(path, t(27, 0), format="xml")
            with self.assertRaises(hotline.IOError):
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
            self.assertTrue(any(p["rule"] == "R13" for p in pens))

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
        with self.assertRaises(hotline.IOError):
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
            with self.assertRaises(ValueError):
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
            with hotline.open(uri) as db:
                directory(db)
                register(db)
                db.dispatch("C1", at=t(2, 9, 20), actor="zhang")
                db.reply("C1", at=t(2, 9, 30), actor="zhang", text="已安排师傅上门，预计两小时内到达。")
            with hotline.open(uri) as db:  # persisted
                c = db.case("C1")
                self.assertEqual(c.owner, "王女士")
                self.assertEqual(c.state, hotline.State.DISPATCHED)
                self.assertEqual(list(db.history("C1"))[-1].fields["text"], "已安排师傅上门，预计两小时内到达。")
                self.assertEqual(db.verify_log("C1"), 3)


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
