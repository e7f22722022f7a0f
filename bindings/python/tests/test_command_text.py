"""The typed commands record what the same command given as a dict records, whatever the values look like."""
import datetime as dt
import unittest
import zoneinfo

import hotline

CN = dt.timezone(dt.timedelta(hours=8))
NEWFOUNDLAND = dt.timezone(dt.timedelta(hours=-3, minutes=-30))


class Str(str):
    pass


class Moment(dt.datetime):
    pass


def directory(db):
    for pid, roles in [("zhang", ["hotline_specialist"]), ("li", ["property_manager"]), ("wu", ["department_head"]),
                       ("zhao", ["quality_supervisor"]), ("gm", ["group_head"])]:
        db.add_person(pid, pid.upper(), roles)
    db.add_property("P1", "翠苑", "li", ["wu"], "zhao")


ODD = 'a "quoted" \\ back\\slash, tab\t, newline\n, bell\x07, \x1f, del\x7f, 楼道灯不亮, 🙂'


def lifecycle(at):
    """(method, command as a dict) pairs: the values the C writer handles and those it leaves to Python."""
    return [
        ("register", dict(case="C1", at=at(0), actor="zhang", property="P1", room=ODD, owner="王女士",
                          phone="13800000000", matter=Str("楼道灯不亮"), call_taker="zhang", order_taker="li")),
        ("dispatch", dict(case="C1", at=at(10), actor="zhang")),
        ("decide_measures", dict(case="C1", at=at(40), actor="li", measures=ODD, department_head="wu")),
        ("onsite_visit", dict(case="C1", at=at(120), actor="wu", command_id="visit-1")),
        ("submit_visit_form", dict(case="C1", at=at(150), actor="li", expect_version=4)),
        ("report_progress", dict(case="C1", at=at(160), actor="li", text=None)),
        ("complete", dict(case="C1", at=at(240), actor="li", agreed_followup_at=at(4000))),
        ("followup", dict(case="C1", at=at(300), actor="li", satisfied=True)),
        ("supervisor_check", dict(case="C1", at=at(330), actor="zhao")),
        ("verify", dict(case="C1", at=at(360), actor="zhang", outcome="confirmed")),
        ("close_case", dict(case="C1", at=at(420), actor="gm")),
    ]


def as_dict(method, kw):
    cmd = {"cmd": "close" if method == "close_case" else method}
    for k, v in kw.items():
        if v is not None:
            cmd[k] = v.replace(microsecond=0).isoformat() if isinstance(v, dt.datetime) else v
    return cmd


class SameEventsAsDicts(unittest.TestCase):
    def check(self, at):
        with hotline.open(unencrypted=True) as typed, hotline.open(unencrypted=True) as dicts:
            directory(typed)
            directory(dicts)
            for method, kw in lifecycle(at):
                kw = dict(kw)
                case = kw.pop("case")
                a = getattr(typed, method)(case, **kw)
                b = dicts.execute(as_dict(method, dict(kw, case=case)))
                self.assertEqual((int(a), a.repeated), (int(b), b.repeated), method)
            mine, theirs = list(typed.history("C1")), list(dicts.history("C1"))
            self.assertEqual(len(mine), 11)
            for x, y in zip(mine, theirs):
                self.assertEqual((x.command, x.actor, x.at, x.fields, x.id if x.command == "onsite_visit" else None),
                                 (y.command, y.actor, y.at, y.fields, y.id if y.command == "onsite_visit" else None))
            self.assertEqual(mine[0].fields["room"], ODD)
            self.assertEqual(typed.case("C1"), dicts.case("C1"))
            self.assertEqual(typed.case("C1").state, hotline.State.CLOSED)

    def test_fixed_offset_with_microseconds(self):
        self.check(lambda m: dt.datetime(2026, 11, 2, 9, 0, 7, 999999, tzinfo=CN) + dt.timedelta(minutes=m))

    def test_negative_half_hour_offset(self):
        self.check(lambda m: dt.datetime(2026, 11, 1, 20, 30, tzinfo=NEWFOUNDLAND) + dt.timedelta(minutes=m))

    def test_utc(self):
        self.check(lambda m: dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=m))

    def test_zoneinfo_and_datetime_subclass(self):
        zone = zoneinfo.ZoneInfo("Asia/Shanghai")
        self.check(lambda m: Moment(2026, 11, 2, 9, 0, tzinfo=zone) + dt.timedelta(minutes=m))

    def test_a_repeated_command_id_is_reported(self):
        with hotline.open(unencrypted=True) as db:
            directory(db)
            at = dt.datetime(2026, 11, 2, 9, tzinfo=CN)
            kw = dict(lifecycle(lambda m: at + dt.timedelta(minutes=m))[0][1])
            del kw["case"]
            first = db.register("C1", command_id="r-1", **kw)
            again = db.register("C1", command_id="r-1", **kw)
            self.assertEqual((int(again), again.repeated, first.repeated), (int(first), True, False))


class SameRefusals(unittest.TestCase):
    def setUp(self):
        self.db = hotline.open(unencrypted=True)
        directory(self.db)
        self.at = dt.datetime(2026, 11, 2, 9, tzinfo=CN)

    def tearDown(self):
        self.db.close()

    def test_argument_errors(self):
        db, at = self.db, self.at
        with self.assertRaisesRegex(ValueError, "case must not contain NUL"):
            db.dispatch("C\0", at=at, actor="zhang")
        with self.assertRaisesRegex(ValueError, "actor must not contain NUL"):
            db.dispatch("C1", at=at, actor="zh\0ang")
        with self.assertRaisesRegex(TypeError, "case must be a str, not int"):
            db.dispatch(1, at=at, actor="zhang")
        with self.assertRaisesRegex(TypeError, "dispatch: at must be a datetime, not str"):
            db.dispatch("C1", at="2026-11-02T09:00:00+08:00", actor="zhang")
        with self.assertRaisesRegex(hotline.Invalid, "dispatch: at must be timezone-aware"):
            db.dispatch("C1", at=at.replace(tzinfo=None), actor="zhang")
        with self.assertRaisesRegex(TypeError, "expect_version must be an int"):
            db.dispatch("C1", at=at, actor="zhang", expect_version=True)
        with self.assertRaisesRegex(TypeError, "not JSON serializable"):
            db.decide_measures("C1", at=at, actor="li", measures=object())
        with self.assertRaises(UnicodeEncodeError):
            db.decide_measures("C1", at=at, actor="li", measures="\udc80")
        self.assertEqual(db.verify_log(), 6)           # the directory only: nothing was applied

    def test_library_refusals(self):
        db, at = self.db, self.at
        with self.assertRaises(hotline.NotFound):
            db.dispatch("C9", at=at, actor="zhang")
        with self.assertRaises(hotline.Invalid):               # an int where the ledger wants text
            db.register("C2", at=at, actor="zhang", property="P1", room=5, owner="王女士", phone="13800000000",
                        matter="楼道灯不亮", call_taker="zhang", order_taker="li")
        self.assertEqual(db.verify_log(), 6)


if __name__ == "__main__":
    unittest.main()
