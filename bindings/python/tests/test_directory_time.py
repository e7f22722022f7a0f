"""From Python: the directory over time, the administrator, calls without an actor, null fields, limits, nested requests."""
import dataclasses
import datetime as dt
import json
import os
import subprocess
import tempfile
import unittest

import hotline

# owners' personal data are encrypted: the tests' key-encryption key
TEST_KEY = bytes(range(32))

from test_binding import CLI, CN, SRC, directory, register, t

UTC = dt.timezone.utc


def dispatched(db, case, day):
    register(db, case, at=t(day, 9, 5))
    db.dispatch(case, at=t(day, 9, 20), actor="zhang")


class CallsAndNullFields(unittest.TestCase):
    def setUp(self):
        self.db = hotline.open()
        directory(self.db)

    def tearDown(self):
        self.db.close()

    def test_call_needs_no_actor_and_no_role(self):
        db = self.db
        db.call(at=t(3, 9), agent="zhang", rings=2, answered=True)
        db.call(at=t(3, 10), agent="zhang", rings=3, answered=False, actor="li")   # a property manager, not qa
        db.execute_json('{"cmd":"call","at":"2026-11-03T11:00:00+08:00","agent":"zhang","rings":1,"answered":true}')
        calls = [e for e in db.history() if e.command == "call"]
        self.assertEqual([(e.actor, e.fields["rings"]) for e in calls], [(None, 2), ("li", 3), (None, 1)])
        with self.assertRaises(TypeError):
            db.call(at=t(3, 12), agent="zhang", rings=1, answered=True, actor=7)

    def test_null_optional_field_is_absent(self):
        db = self.db
        db.execute({"cmd": "property", "id": "P3", "name": "新苑", "manager": "li", "department_heads": [],
                    "quality_supervisor": None})
        self.assertIsNone(db.directory().property("P3").quality_supervisor)
        self.assertNotIn("quality_supervisor", db.directory().raw["properties"][2])
        register(db)
        db.dispatch("C1", at=t(2, 9, 20), actor="zhang")
        db.execute_json('{"cmd":"decide_measures","case":"C1","at":"2026-11-02T10:00:00+08:00","actor":"li",'
                        '"measures":"更换灯具","department_head":null}')
        db.execute({"cmd": "complete", "case": "C1", "at": t(2, 17).isoformat(), "actor": "li",
                    "agreed_followup_at": None, "expect_version": None})
        self.assertEqual(db.case("C1").state, hotline.State.HANDLED)
        self.assertNotIn("department_head", list(db.history("C1"))[2].fields)


class Limits(unittest.TestCase):
    """Beyond a limit: hotline.Invalid, naming the field; at the limit: accepted."""

    def setUp(self):
        self.db = hotline.open()
        directory(self.db)
        register(self.db)

    def tearDown(self):
        self.db.close()

    def refused(self, field, fn):
        with self.assertRaises(hotline.Invalid) as cm:
            fn()
        self.assertIn("'%s'" % field, cm.exception.message)
        return cm.exception.message

    def test_ids(self):
        db = self.db
        self.refused("case", lambda: register(db, "C" * 129))
        register(db, "C" * 128)
        self.refused("id", lambda: db.add_person("p" * 129, "x", ["hotline_specialist"]))
        self.refused("id", lambda: db.add_person("é" * 65, "x", ["hotline_specialist"]))   # 130 bytes, 65 characters
        db.add_person("é" * 64, "x", ["hotline_specialist"])
        self.assertIn("control", self.refused("case", lambda: register(db, "C\x01")))
        self.refused("id", lambda: db.add_person("a\tb", "x", ["hotline_specialist"]))
        self.refused("case", lambda: register(db, "   "))
        self.refused("case", lambda: register(db, ""))

    def test_integers(self):
        db = self.db
        self.refused("rings", lambda: db.call(at=t(3, 9), agent="zhang", rings=1001, answered=True))
        db.call(at=t(3, 9), agent="zhang", rings=1000, answered=True)
        self.refused("amount_fen", lambda: db.add_bonus("zhao", "2026-11", 10**10 + 1))
        db.add_bonus("zhao", "2026-11", 10**10)

    def test_instants(self):
        db = self.db
        self.refused("at", lambda: db.call(at=dt.datetime(2100, 1, 1, tzinfo=UTC), agent="zhang", rings=1,
                                           answered=True))
        self.refused("at", lambda: db.call(at=dt.datetime(2100, 6, 1, 9, tzinfo=CN), agent="zhang", rings=1,
                                           answered=True))
        self.refused("at", lambda: db.call(at=dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC), agent="zhang",
                                           rings=1, answered=True))
        self.refused("promised_at", lambda: db.reply("C1", at=t(2, 10), actor="zhang", text="好的",
                                                     promised_at=dt.datetime(2100, 1, 1, tzinfo=UTC)))
        db.call(at=dt.datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC), agent="zhang", rings=1, answered=True)

    def test_strings_and_commands(self):
        db = self.db
        self.refused("text", lambda: db.reply("C1", at=t(2, 10), actor="zhang", text="x" * (64 * 1024 + 1)))
        self.refused("text", lambda: db.reply("C1", at=t(2, 10), actor="zhang", text="灯" * 21846))  # 65538 bytes
        db.reply("C1", at=t(2, 10), actor="zhang", text="x" * (64 * 1024))
        # a command over 1 MiB is refused before it is even parsed
        with self.assertRaises(hotline.Invalid) as cm:
            db.quarterly_meeting(at=t(3, 9), actor="qa", absent=["p%0127d" % i for i in range(9000)])
        self.assertIn("1 MiB", cm.exception.message)


class NestedRequests(unittest.TestCase):
    def setUp(self):
        self.db = hotline.open()
        directory(self.db)
        dispatched(self.db, "C1", 2)

    def tearDown(self):
        self.db.close()

    def state(self):
        c = self.db.case("C1")
        return c.state.value, c.approval.value, c.exempt

    def test_two_rejections_leave_the_case_dispatched(self):
        db = self.db
        db.request_escalation("C1", at=t(2, 11), actor="li", report="业主要求超出物业职责")
        db.report_malicious("C1", at=t(2, 12), actor="li", explanation="业主反复无理投诉")
        self.assertEqual(self.state(), ("malicious_exempt", "pending", False))
        db.reject("C1", at=t(2, 13), actor="gm")
        self.assertEqual(self.state(), ("escalated", "pending", False))
        db.reject("C1", at=t(2, 14), actor="gm")
        self.assertEqual(self.state(), ("dispatched", "none", False))
        self.assertIsNotNone(db.case("C1").next_due)
        with self.assertRaises(hotline.InvalidTransition):
            db.reject("C1", at=t(2, 15), actor="gm")
        db.decide_measures("C1", at=t(2, 16), actor="li", measures="更换灯具")

    def test_reject_restores_an_approved_exemption(self):
        db = self.db
        db.request_escalation("C1", at=t(2, 11), actor="li", report="业主要求超出物业职责")
        db.approve("C1", at=t(2, 12), actor="gm")
        self.assertEqual(self.state(), ("escalated", "approved", True))
        db.report_malicious("C1", at=t(2, 13), actor="li", explanation="业主反复无理投诉")
        db.reject("C1", at=t(2, 14), actor="gm")
        self.assertEqual(self.state(), ("escalated", "approved", True))
        self.assertEqual(db.explain("C1").exempt_from, t(2, 11))   # the approved request's instant


class DirectoryOverTime(unittest.TestCase):
    def setUp(self):
        self.db = hotline.open()
        directory(self.db)

    def tearDown(self):
        self.db.close()

    def test_manager_change_moves_liability(self):
        db = self.db
        db.add_property("P1", "翠苑", "li2", ["wu"], "zhao", at=t(15, 0))
        dispatched(db, "A", 10)
        dispatched(db, "B", 20)
        r14a = {(p.case, p.person, p.amount_fen) for p in db.assess(t(21, 0)).penalties if p.rule == "R14a"}
        self.assertEqual(r14a, {("A", "li", 500), ("B", "li2", 500)})
        with self.assertRaises(hotline.Forbidden):   # li is no longer P1's manager on the 20th
            db.decide_measures("B", at=t(20, 12), actor="li", measures="m")
        db.decide_measures("B", at=t(20, 12), actor="li2", measures="m")

    def test_retirement(self):
        db = self.db
        register(db, "A", at=t(9, 9, 5))
        db.add_person("zhang", "张敏", [], at=t(10, 0))
        with self.assertRaises(hotline.Forbidden):
            register(db, "B", at=t(10, 9, 5))
        with self.assertRaises(hotline.Forbidden):   # authority now as well as then: not back-dated either
            register(db, "C", at=t(9, 10))
        self.assertTrue(db.directory().person("zhang").retired)
        self.assertEqual(db.directory(t(9, 0)).person("zhang").roles, frozenset({"hotline_specialist"}))

    def test_updates(self):
        db = self.db
        with self.assertRaises(hotline.Duplicate):
            db.add_person("li", "李强", ["property_manager"])
        db.add_person("li", "李强", ["property_manager"], at=t(15, 0))
        with self.assertRaises(hotline.Invalid):
            db.add_person("li", "李强", ["property_manager"], at=t(14, 0))

    def test_administrator_authority(self):
        db = self.db
        db.add_person("adm", "管理员", ["administrator"], at=t(5, 0))   # setting up: no actor needed
        with self.assertRaises(hotline.Forbidden):
            db.add_person("sun", "孙", ["hotline_specialist"])
        with self.assertRaises(hotline.Forbidden):
            db.add_person("sun", "孙", ["hotline_specialist"], at=t(6, 0))
        with self.assertRaises(hotline.Forbidden):
            db.add_person("sun", "孙", ["hotline_specialist"], at=t(6, 0), actor="zhang")
        with self.assertRaises(hotline.NotFound):
            db.add_person("sun", "孙", ["hotline_specialist"], at=t(6, 0), actor="nobody")
        with self.assertRaises(hotline.NotFound):   # no back-dating to before the administrator existed
            db.add_person("sun", "孙", ["hotline_specialist"], at=t(4, 0), actor="adm")
        with self.assertRaises(hotline.Forbidden):
            db.add_bonus("zhang", "2026-11", 10000, at=t(6, 0))
        db.add_person("sun", "孙", ["hotline_specialist"], at=t(6, 0), actor="adm")
        db.add_property("P3", "新苑", "li", at=t(6, 0), actor="adm")
        db.add_bonus("zhang", "2026-11", 10000, at=t(6, 0), actor="adm")
        with self.assertRaises(hotline.Invalid):   # nobody would be administrator
            db.add_person("adm", "管理员", [], at=t(7, 0), actor="adm")
        db.add_person("wang", "王", ["administrator"], at=t(7, 0), actor="adm")
        db.add_person("adm", "管理员", [], at=t(8, 0), actor="wang")
        self.assertEqual(db.directory().person("adm").roles, frozenset())

    def test_directory_as_of_two_instants(self):
        db = self.db
        db.add_property("P1", "翠苑", "li2", ["wu"], at=t(15, 0))
        db.add_bonus("li", "2026-11", 700, at=t(16, 0))
        db.add_person("sun", "孙", ["hotline_specialist"], at=t(20, 0))
        db.add_person("zhang", "张敏", [], at=t(20, 0))

        early, late, every = db.directory(t(12, 0)), db.directory(t(25, 0)), db.directory()
        self.assertIsInstance(early, hotline.Directory)
        self.assertEqual((early.as_of, late.as_of, every.as_of), (t(12, 0), t(25, 0), None))
        self.assertEqual(early.raw, json.loads(early.json))

        p_early, p_late = early.property("P1"), late.property("P1")
        self.assertIsInstance(p_early, hotline.Property)
        self.assertEqual((p_early.manager, p_early.quality_supervisor, p_early.since), ("li", "zhao", None))
        self.assertEqual((p_late.manager, p_late.quality_supervisor, p_late.since), ("li2", None, t(15, 0)))
        self.assertEqual(p_late.since.utcoffset(), db.zone.utcoffset(None))
        self.assertEqual(p_late.department_heads, ("wu",))
        self.assertEqual(p_early.history, p_late.history)     # every definition, later ones too
        self.assertEqual([h.manager for h in p_late.history], ["li", "li2"])
        self.assertEqual(p_late.history[0].history, ())
        self.assertIsNone(early.property("P9"))

        self.assertIsNone(early.person("sun"))                # not defined yet
        self.assertEqual(late.person("sun").since, t(20, 0))
        self.assertEqual(early.person("zhang").roles, frozenset({"hotline_specialist"}))
        self.assertFalse(early.person("zhang").retired)
        self.assertTrue(late.person("zhang").retired)
        self.assertEqual([p.id for p in early.persons], sorted(p.id for p in early.persons))
        self.assertEqual(len(late.persons), len(early.persons) + 1)

        self.assertEqual(early.bonus("li", "2026-11").amount_fen, 20000)
        self.assertEqual(late.bonus("li", "2026-11").amount_fen, 700)
        self.assertEqual([b.amount_fen for b in late.bonus("li", "2026-11").history], [20000, 700])
        self.assertIsNone(late.bonus("li", "2026-12"))
        self.assertEqual((every.persons, every.properties, every.bonuses),
                         (late.persons, late.properties, late.bonuses))

        self.assertIsInstance(late.persons, tuple)
        self.assertIsInstance(late.persons[0], hotline.Person)
        self.assertIsInstance(late.bonuses[0], hotline.Bonus)
        with self.assertRaises(dataclasses.FrozenInstanceError):
            late.persons[0].name = "x"
        self.assertIn("persons", repr(late))
        self.assertLess(len(repr(late)), 200)

    def test_naive_and_closed(self):
        db = hotline.open()
        with self.assertRaises(hotline.Invalid):
            db.directory(dt.datetime(2026, 11, 2))
        with self.assertRaises(TypeError):
            db.directory("2026-11-02T00:00:00+08:00")
        with self.assertRaises(hotline.Invalid):
            db.add_person("x", "x", ["hotline_specialist"], at=dt.datetime(2026, 11, 2))
        self.assertEqual(db.directory().persons, ())
        db.close()
        with self.assertRaises(hotline.Invalid):
            db.directory()

    def test_zone_of_the_policy(self):
        with open(os.path.join(SRC, "policies", "gm-hotline.json"), encoding="utf-8") as f:
            policy = json.load(f)
        policy["name"], policy["zone"] = "gm-hotline-new-york", "-05:00"
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "ny.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(policy, f, ensure_ascii=False)
            with hotline.open(policy=path) as db:
                directory(db)
                db.add_property("P1", "翠苑", "li2", ["wu"], at=t(15, 0))
                d15 = db.directory(t(15, 0))
                self.assertEqual(d15.property("P1").since, t(15, 0))
                self.assertEqual(d15.property("P1").since.utcoffset(), dt.timedelta(hours=-5))
                self.assertEqual(d15.as_of.utcoffset(), dt.timedelta(hours=-5))

    @unittest.skipUnless(CLI, "HOTLINE_CLI not set")
    def test_same_document_as_the_tool(self):
        with tempfile.TemporaryDirectory() as d:
            uri = "sqlite:" + os.path.join(d, "h.db")
            with hotline.open(uri, key=TEST_KEY, key_id="test") as db:
                directory(db)
                db.add_property("P1", "翠苑", "li2", ["wu"], at=t(15, 0))
                as_of = db.directory(t(12, 0)).json
                every = db.directory().json
            for args, text in ((["--as-of", "2026-11-12T00:00:00+08:00"], as_of), ([], every)):
                out = subprocess.run([CLI, "directory", "--json", "--db", uri] + args, check=True,
                                     capture_output=True).stdout.decode("utf-8")
                self.assertEqual(out, text + "\n")


if __name__ == "__main__":
    unittest.main()


class Retries(unittest.TestCase):
    """A front end retries after a timeout: nothing is applied or charged twice (command ids)."""

    def test_retry_is_safe(self):
        with hotline.open() as db:
            directory(db)
            register(db)
            db.dispatch("C1", at=t(2, 9, 20), actor="zhang")
            first = db.repeat_complaint("C1", at=t(3, 9), actor="zhang", command_id="rc-1")
            self.assertFalse(first.repeated)
            again = db.repeat_complaint("C1", at=t(3, 9), actor="zhang", command_id="rc-1")
            self.assertTrue(again.repeated)
            self.assertEqual(int(again), int(first))
            charged = [p for p in db.assess(dt.datetime(2026, 11, 10, tzinfo=CN)).penalties if p.rule == "R14c"]
            self.assertEqual(sum(p.amount_fen for p in charged), 1500)
            with self.assertRaises(hotline.Duplicate):
                db.repeat_complaint("C1", at=t(3, 9), actor="zhang", matter="其他", command_id="rc-1")
            events = list(db.history("C1"))
            self.assertEqual(len(events), 3)
            self.assertEqual(events[-1].id, "rc-1")
            self.assertEqual(len(events[0].id), 36)  # made by the library: a UUID


class DueDeadlines(unittest.TestCase):
    """Who must act on an open deadline: the person the policy would charge (DESIGN §6.6)."""

    def test_deadlines_and_reminders(self):
        with hotline.open() as db:
            directory(db)
            register(db)
            db.dispatch("C1", at=t(2, 9, 20), actor="zhang")
            rows = list(db.deadlines(t(2, 9, 30), t(3, 10), as_of=t(2, 9, 30)))
            r14a = next(d for d in rows if d.rule == "R14a")
            self.assertEqual(r14a.liable, ("li",))
            self.assertEqual(r14a.due, t(2, 11, 20))
            self.assertEqual(r14a.article, 14)
            self.assertFalse(r14a.overdue)
            self.assertEqual([d.due for d in rows], sorted(d.due for d in rows))
            self.assertEqual(list(db.deadlines(t(2, 9, 30), t(3, 10), person="nobody")), [])
            reminders = list(db.reminders(t(2, 9), t(4, 0)))
            r14a = next(d for d in reminders if d.rule == "R14a")
            self.assertEqual(r14a.remind_at, t(2, 10, 20))
            with self.assertRaises(hotline.Invalid):
                list(db.deadlines(t(3, 0), t(2, 0)))

    def test_overdue_against_now(self):
        """Overdue means due before now (``as_of``, or the clock), whatever the window."""
        with hotline.open() as db:
            directory(db)
            register(db)
            db.dispatch("C1", at=t(2, 9, 20), actor="zhang")
            rows = {d.rule: d for d in db.deadlines(t(2, 9, 30), t(3, 10), as_of=t(2, 12))}
            self.assertTrue(rows["R14a"].overdue)
            self.assertFalse(rows["R14b"].overdue)
            # without as_of, the clock: 2026-11-02 11:20 is long past (or not yet) as the clock says
            late = dt.datetime.now(dt.timezone.utc) > t(2, 11, 20)
            rows = {d.rule: d for d in db.deadlines(t(2, 9, 30), t(3, 10))}
            self.assertEqual(rows["R14a"].overdue, late)
            with self.assertRaises(hotline.Invalid):
                list(db.deadlines(t(2, 9, 30), t(3, 10), as_of=dt.datetime(2026, 11, 2)))
