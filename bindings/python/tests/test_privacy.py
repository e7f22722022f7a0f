"""Owners' personal data from Python: keys, masks, the blind index, erasure, rotation (docs/privacy.md)."""
import datetime as dt
import os
import tempfile
import unittest

import hotline

CN = dt.timezone(dt.timedelta(hours=8))
KEY = bytes(range(32))
NEW_KEY = bytes(range(100, 132))


def t(day, hour, minute=0):
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=CN)


def setup(db):
    db.execute_json('{"cmd":"person","id":"zhang","name":"张敏","roles":["hotline_specialist"]}')
    db.execute_json('{"cmd":"person","id":"li","name":"李强","roles":["property_manager"]}')
    db.execute_json('{"cmd":"person","id":"adm","name":"管理员","roles":["administrator"]}')
    db.execute_json('{"cmd":"property","id":"P1","name":"翠苑","manager":"li","actor":"adm"}')
    for case, phone in (("C1", "13800000000"), ("C2", "+86 138 0000 0000"), ("C3", "13911112222")):
        db.register(case, at=t(2, 9), actor="zhang", property="P1", room="3-201", owner="王女士", phone=phone,
                    matter="楼道灯不亮", call_taker="zhang", order_taker="li")


class PrivacyTest(unittest.TestCase):
    def test_keys_masks_index_forget_rotation(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "p.db")
            uri = "sqlite:" + path
            with hotline.open(uri, key=KEY, key_id="k1") as db:
                setup(db)
                self.assertEqual(db.case("C1").phone, "13800000000")
                self.assertEqual(sorted(c.id for c in db.cases_by_phone("138-0000-0000")), ["C1", "C2"])
                self.assertEqual(db.encryption()["mode"], "encrypted")
            with open(path, "rb") as f:
                raw = f.read()
            self.assertNotIn(b"13800000000", raw)
            self.assertNotIn("王女士".encode("utf-8"), raw)
            with hotline.open(uri) as db:  # no key: masked, and personal data cannot be written
                c = db.case("C1")
                self.assertEqual((c.phone, c.owner, c.room), ("138****0000", "王**", "3-2**"))
                with self.assertRaises(hotline.WrongKey):
                    db.cases_by_phone("13800000000")
                with self.assertRaises(hotline.WrongKey):
                    db.register("C9", at=t(3, 9), actor="zhang", property="P1", room="1", owner="x", phone="1",
                                matter="m", call_taker="zhang", order_taker="li")
                # erasure needs no key
                db.forget("C1", at=t(3, 10), actor="adm", reason="the owner asked")
                self.assertEqual(db.verify_log(), db.verify_log())
            with hotline.open(uri, key=KEY, key_id="k1") as db:
                self.assertEqual(db.case("C1").phone, "[erased]")
                self.assertEqual([c.id for c in db.cases_by_phone("13800000000")], ["C2"])
                db.rotate_key(NEW_KEY, "k2")
            with self.assertRaises(hotline.WrongKey):
                hotline.open(uri, key=KEY, key_id="k1")
            with hotline.open(uri, key=NEW_KEY, key_id="k2") as db:
                self.assertEqual(db.case("C3").owner, "王女士")
                self.assertGreater(db.verify_log(), 0)

    def test_unencrypted_on_purpose(self):
        with tempfile.TemporaryDirectory() as d:
            uri = "sqlite:" + os.path.join(d, "clear.db")
            with hotline.open(uri, unencrypted=True) as db:
                setup(db)
                self.assertEqual(db.case("C1").phone, "13800000000")
                self.assertEqual(db.encryption()["mode"], "unencrypted")


if __name__ == "__main__":
    unittest.main()
