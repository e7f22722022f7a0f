#!/usr/bin/env python3
"""Generate the demo month: a realistic month of hotline traffic as a scenario file.

    python3 tools/gen_demo.py [--seed 20261102] [--out examples/demo-month.jsonl]

The output is reproducible byte for byte for a given seed. Every line follows
DESIGN §5; a handful of lines are wrong on purpose (each preceded by a comment
saying how) so that the replay shows refusals too.

The directory changes during the month (DESIGN §6.1): an administrator sets it
up (every later directory line names them as actor), a new manager takes over
P1 on the 15th, a hotline specialist leaves on the 16th and a bonus is
corrected on the 25th. Each dated line sits at its place in time, and from then
on the generator uses only the people the directory allows (the property's
manager at that instant, the specialists still on staff).
"""
import argparse
import datetime as dt
import json
import random

TZ = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 10, 27, 8, 0, tzinfo=TZ)
END = dt.datetime(2026, 11, 26, 20, 0, tzinfo=TZ)

SPECIALISTS = [("zhangmin", "张敏"), ("liuyang", "刘洋"), ("chenjing", "陈静")]
PROPERTIES = [
    ("P1", "翠苑", ("liqiang", "李强"), [("wugang", "吴刚")], ("zhaoli", "赵丽")),
    ("P2", "锦绣华庭", ("wangwei", "王伟"), [("sunhao", "孙浩"), ("zhoujie", "周杰")], ("huangmei", "黄梅")),
    ("P3", "碧水湾", ("zhengkai", "郑凯"), [("hejun", "何军")], ("linna", "林娜")),
    ("P4", "枫林苑", ("guofeng", "郭峰"), [("maliang", "马亮")], ("xuyan", "徐燕")),
]
GROUP_HEAD = ("chenzong", "陈总")
QA = ("qianzhuren", "钱主任")
ADMIN = ("gaoyuan", "高远")   # keeps the directory; the first directory line defines them
# The directory over the month: dated updates (DESIGN §6.1).
NEW_MANAGER = ("fangyu", "方宇", dt.datetime(2026, 11, 14, 17, 0, tzinfo=TZ))  # hired ...
HANDOVER = ("P1", dt.datetime(2026, 11, 15, 0, 0, tzinfo=TZ))                  # ... takes over P1
RETIRED = ("liuyang", dt.datetime(2026, 11, 16, 18, 0, tzinfo=TZ))             # leaves: no roles from then on
BONUS_CORRECTION = ("wangwei", 15000, dt.datetime(2026, 11, 25, 10, 0, tzinfo=TZ))
MATTERS = ["楼道灯不亮", "电梯故障", "卫生间漏水", "楼上噪音扰民", "停车位被占", "垃圾清运不及时", "门禁卡失灵",
           "绿化带无人修剪", "外墙渗水", "水压不足", "地下车库积水", "消防通道堆物", "宠物扰民", "快递柜故障"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def iso(t):
    return t.isoformat()


def with_command_ids(lines):
    """Every command gets an id, as a front end gives each command it sends (DESIGN §6.2): replaying
    the month again into its database then repeats every line instead of applying it twice."""
    out, n = [], 0
    for line in lines:
        if line and not line.startswith("#"):
            n += 1
            obj = json.loads(line)
            obj["command_id"] = "demo-2026-11-%04d" % n
            line = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
        out.append(line)
    return out


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.handover = random.Random(seed + 1)   # who takes over a leaver's work (kept apart from r)
        self.timed = []   # (at, order, comment_lines, obj)
        self.order = 0

    def emit(self, at, obj, comment=None):
        self.order += 1
        self.timed.append((at, self.order, comment, obj))

    def cmd(self, name, case, at, actor, **fields):
        o = {"cmd": name}
        if case is not None:
            o["case"] = case
        o["at"] = iso(at)
        o["actor"] = actor
        o.update(fields)
        return o

    def directory(self, cmd, at=None, **fields):
        """A directory line: after the administrator's own line every one names them as actor."""
        o = {"cmd": cmd}
        if at is not None:
            o["at"] = iso(at)
        o["actor"] = ADMIN[0]
        o.update(fields)
        return o

    @staticmethod
    def manager(prop, t):
        """The property's manager in the directory as of t."""
        if prop[0] == HANDOVER[0] and t >= HANDOVER[1]:
            return NEW_MANAGER[0]
        return prop[2][0]

    def specialist(self, sid, t, heirs=None):
        """sid if still on staff at t, else the colleague who takes their work over
        (one per case: heirs remembers the choice)."""
        if sid != RETIRED[0] or t < RETIRED[1]:
            return sid
        if heirs is None or sid not in heirs:
            heir = self.handover.choice([s for s, _ in SPECIALISTS if s != RETIRED[0]])
            if heirs is None:
                return heir
            heirs[sid] = heir
        return heirs[sid]

    def duty_time(self, day):
        return day.replace(hour=8, minute=30) + dt.timedelta(minutes=self.r.randrange(0, 9 * 60))

    def case(self, n, reg_at, prop, path):
        r = self.r
        pid, _, _, heads, (qs, _) = prop
        cid = "2026-11-%04d" % n
        spec = self.specialist(r.choice(SPECIALISTS)[0], reg_at)
        gm = GROUP_HEAD[0]
        t = reg_at

        def step(minutes_lo, minutes_hi):
            nonlocal t
            t = t + dt.timedelta(minutes=r.randint(minutes_lo, minutes_hi))
            return t

        def c(name, actor, **f):
            if t <= END:
                self.emit(t, self.cmd(name, cid, t, actor, **f))

        # who acts now: the property's manager as of t, the call taker unless they have left
        def pm():
            return self.manager(prop, t)

        heirs = {}

        def sp():
            return self.specialist(spec, t, heirs)

        reg = {"property": pid, "room": "%d-%d%02d" % (r.randint(1, 12), r.randint(1, 28), r.randint(1, 4)),
               "owner": r.choice(SURNAMES) + r.choice(["女士", "先生"]), "phone": "138%08d" % r.randrange(10 ** 8),
               "matter": r.choice(MATTERS), "call_taker": spec, "order_taker": pm()}
        if r.random() < 0.1:
            reg["kind"] = "repair"
        c("register", spec, **reg)
        late = path.startswith("late")
        step(5, 50) if path != "late_dispatch" else step(90, 300)
        dispatch_at = t
        c("dispatch", sp())
        if path == "malicious":
            step(60, 600)
            c("report_malicious", pm(), explanation="业主多次无理投诉，已核实并书面说明")
            step(60, 1440)
            c("approve" if r.random() < 0.8 else "reject", gm)
            return
        step(20, 110) if path != "late_measures" else step(150, 400)
        c("decide_measures", pm(), measures="安排维修人员处理")
        if path in ("escalate", "escalate_reject"):
            step(600, 4000)
            c("request_escalation", pm(), report="七日内无法解决，书面上报")
            step(60, 1440)
            if path == "escalate":
                c("approve", gm)
                step(600, 2000)
                c("decide_measures", pm(), measures="集团协调专项维修")
                return
            c("reject", gm, note="请继续处理")
        if path == "stage":
            step(600, 2000)
            c("request_stage_close", pm(), measures="分阶段维修外墙", agreed_repair_at=iso(t + dt.timedelta(days=3)),
              expected_completion_at=iso(dispatch_at + dt.timedelta(days=45)))
            step(60, 1440)
            c("approve", gm)
            step(1440, 4000)
            c("report_progress", pm(), text="第一阶段完成")
            return
        head = r.choice(heads)[0]
        step(60, 600) if path != "late_visit" else step(2000, 5000)
        c("onsite_visit", head)
        step(10, 120)
        c("submit_visit_form", pm())
        if path == "long":
            for _ in range(r.randint(1, 3)):
                step(3000, 4300)
                c("report_progress", pm(), text="持续跟进中")
        if path == "open":
            return
        if path == "repeat":
            step(30, 300)
            c("repeat_complaint", sp(), matter="业主再次来电催办")
        if r.random() < 0.06:
            step(5, 60)
            c("correct_record", sp(), fields=["phone"], values={"phone": "139%08d" % r.randrange(10 ** 8)})
        if r.random() < 0.15:
            step(5, 60)
            f = {"text": "已安排师傅上门"}
            if r.random() < 0.5:
                f["promised_at"] = iso(t + dt.timedelta(hours=r.randint(4, 48)))
            c("reply", r.choice([sp(), pm()]), **f)
        step(60, 1200)
        agreed = None
        if r.random() < 0.1:
            agreed = t + dt.timedelta(hours=r.randint(30, 60))
            c("complete", pm(), agreed_followup_at=iso(agreed))
        else:
            c("complete", pm())
        if path == "handled":
            return
        if path == "unsatisfied":
            step(120, 1000)
            c("followup", pm(), satisfied=False)
            step(300, 1400)
            c("complete", pm())
        step(120, 1300) if path != "late_followup" else step(1600, 4000)
        c("followup", pm(), satisfied=True)
        if path != "no_check":
            step(30, 1300)
            c("supervisor_check", qs)
        step(30, 1300) if path != "late_verify" else step(1500, 3000)
        if path == "not_done":
            c("verify", sp(), outcome=r.choice(["not_done", "false_report"]))
            return
        c("verify", sp(), outcome="confirmed")
        if r.random() < 0.05:
            step(5, 60)
            c("record_finding", qs, kind=r.choice(["falsified_form", "supervisor_false_report", "archive_lost_copy"]))
        step(60, 1400)
        c("close", gm)

    def build(self):
        r = self.r
        lines = ["# libhotline demo: one month of hotline traffic of a property-management group",
                 "# (4 properties, ~200 complaints, calls, findings and a few deliberately refused commands;",
                 "# the directory changes during the month: a new manager for P1, a leaver, a corrected bonus).",
                 "# Generated by: python3 tools/gen_demo.py --seed %d  (do not edit by hand)" % self.seed, "",
                 "# The administrator comes first: until someone holds that role, directory lines need no actor;",
                 "# from then on every directory line names the administrator as its actor.",
                 json.dumps({"cmd": "person", "id": ADMIN[0], "name": ADMIN[1], "roles": ["administrator"]},
                            ensure_ascii=False, separators=(",", ":"))]
        d = self.directory
        direct = []
        for sid, name in SPECIALISTS:
            direct.append(d("person", id=sid, name=name, roles=["hotline_specialist"]))
        for pid, pname, (pm, pmn), heads, (qs, qsn) in PROPERTIES:
            direct.append(d("person", id=pm, name=pmn, roles=["property_manager"]))
            for h, hn in heads:
                direct.append(d("person", id=h, name=hn, roles=["department_head"]))
            direct.append(d("person", id=qs, name=qsn, roles=["quality_supervisor"]))
        direct.append(d("person", id=GROUP_HEAD[0], name=GROUP_HEAD[1], roles=["group_head"]))
        direct.append(d("person", id=QA[0], name=QA[1], roles=["qa_director"]))
        for prop in PROPERTIES:
            direct.append(self.property_line(prop, prop[2][0]))
        people = [p["id"] for p in direct if p["cmd"] == "person"]
        for pid in people:
            if pid == "chenjing":
                continue  # deliberately no bonus: her penalties are not capped
            amount = r.randrange(20000, 80001, 500)
            if pid == "guofeng":
                amount = 20000  # a small bonus, so that Art. 22's cap shows in the summary
            direct.append(d("bonus", person=pid, month="2026-11", amount_fen=amount))
        lines += [json.dumps(o, ensure_ascii=False, separators=(",", ":")) for o in direct]
        self.directory_changes([o for o in direct if o["cmd"] == "bonus"])

        paths = (["ontime"] * 120 + ["late_dispatch"] * 8 + ["late_measures"] * 8 + ["late_visit"] * 8 +
                 ["late_followup"] * 6 + ["late_verify"] * 6 + ["no_check"] * 5 + ["long"] * 6 +
                 ["unsatisfied"] * 6 + ["not_done"] * 4 + ["escalate"] * 3 + ["escalate_reject"] * 2 +
                 ["stage"] * 3 + ["malicious"] * 3 + ["repeat"] * 4 + ["open"] * 4 + ["handled"] * 4)
        r.shuffle(paths)
        days = (END - START).days
        for n, path in enumerate(paths, 1):
            day = START + dt.timedelta(days=r.randrange(0, days - 1))
            reg_at = self.duty_time(day) if r.random() < 0.9 else day.replace(hour=r.choice([7, 19, 20, 21]),
                                                                              minute=r.randrange(60))
            self.case(n, reg_at, r.choice(PROPERTIES), path)
        # calls (Art. 8): mostly answered within three rings
        for _ in range(300):
            day = START + dt.timedelta(days=r.randrange(0, days))
            at = self.duty_time(day) if r.random() < 0.9 else day.replace(hour=r.choice([6, 19, 22]),
                                                                          minute=r.randrange(60))
            rings = r.choice([1, 1, 2, 2, 2, 3, 3]) if r.random() < 0.92 else r.randint(4, 7)
            connected = r.random() > 0.02
            self.emit(at, {"cmd": "call", "at": iso(at), "actor": QA[0],
                           "agent": self.specialist(r.choice(SPECIALISTS)[0], at),
                           "rings": rings, "answered": connected, "connected": connected})
        s = dt.datetime(2026, 10, 27, 16, 0, tzinfo=TZ)
        self.emit(s, {"cmd": "monthly_summary", "at": iso(s), "actor": QA[0]})
        for kind, person, when in (("archive_lost_original", "liuyang", dt.datetime(2026, 11, 12, 10, 0, tzinfo=TZ)),
                                   ("line_private_use", "zhangmin", dt.datetime(2026, 11, 18, 15, 0, tzinfo=TZ))):
            self.emit(when, {"cmd": "record_finding", "at": iso(when), "actor": QA[0], "kind": kind, "person": person})
        self.refusals()
        self.emit(END, {"cmd": "call", "at": iso(END), "actor": QA[0], "agent": "zhangmin", "rings": 2,
                        "answered": True, "connected": True})
        self.timed.sort(key=lambda x: (x[0], x[1]))
        for at, _, comment, obj in self.timed:
            if comment:
                lines.append("# " + comment)
            lines.append(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))
        return "\n".join(with_command_ids(lines)) + "\n"

    def property_line(self, prop, manager, at=None):
        pid, pname, _, heads, (qs, _) = prop
        return self.directory("property", at, id=pid, name=pname, manager=manager,
                              department_heads=[h for h, _ in heads], quality_supervisor=qs)

    def directory_changes(self, bonuses):
        """The dated directory lines, each at its place in time (DESIGN §6.1)."""
        nid, nname, hired = NEW_MANAGER
        self.emit(hired, self.directory("person", hired, id=nid, name=nname, roles=["property_manager"]),
                  "directory: %s joins as a property manager (a new person, defined from this instant)" % nid)
        self.emit(hired, self.directory("bonus", hired, person=nid, month="2026-11", amount_fen=30000))
        pid, handover = HANDOVER
        prop = next(p for p in PROPERTIES if p[0] == pid)
        self.emit(handover, self.property_line(prop, nid, handover),
                  "directory: %s takes %s over from %s; penalties incurred from now on are %s's" %
                  (nid, pid, prop[2][0], nid))
        rid, left = RETIRED
        self.emit(left, self.directory("person", left, id=rid, name=dict(SPECIALISTS)[rid], roles=[]),
                  "directory: %s leaves (no roles): colleagues take over the open cases" % rid)
        who, amount, when = BONUS_CORRECTION
        old = next(b["amount_fen"] for b in bonuses if b["person"] == who)
        self.emit(when, self.directory("bonus", when, person=who, month="2026-11", amount_fen=amount),
                  "directory: %s's November bonus corrected from %d to %d fen" % (who, old, amount))

    def refusals(self):
        """Thirteen lines that are wrong in exactly one way each, on a case of their own
        (and one directory line)."""
        t0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
        m = lambda k: t0 + dt.timedelta(minutes=k)
        p1 = next(p for p in PROPERTIES if p[0] == "P1")
        pm, former = self.manager(p1, t0), p1[2][0]   # P1's manager on the 20th, and the one before
        base = {"property": "P1", "room": "9-901", "owner": "韩女士", "phone": "13812345678",
                "matter": "电梯异响", "call_taker": "zhangmin", "order_taker": pm}
        self.emit(m(0), self.cmd("register", "2026-11-R001", m(0), "zhangmin", **base))
        self.emit(m(5), self.cmd("dispatch", "2026-11-R001", m(5), "zhangmin"))
        self.emit(m(10), self.cmd("close", "2026-11-R001", m(10), "zhangmin"),
                  "refused (forbidden): a hotline specialist may not close a case")
        self.emit(m(11), self.cmd("decide_measures", "2026-11-R001", m(11), "wangwei", measures="越权处理"),
                  "refused (forbidden): the manager of P2 acting on a P1 case")
        self.emit(m(12), self.cmd("close", "2026-11-R001", m(12), "chenzong"),
                  "refused (invalid_transition): a dispatched case cannot be closed")
        bad = dict(base)
        del bad["phone"]
        self.emit(m(13), self.cmd("register", "2026-11-R002", m(13), "zhangmin", **bad),
                  "refused (invalid): the ledger's phone (Art. 12) is missing")
        self.emit(m(14), self.cmd("dispatch", "2026-11-R999", m(14), "zhangmin"),
                  "refused (not_found): no such case")
        self.emit(m(15), self.cmd("register", "2026-11-R001", m(15), "zhangmin", **base),
                  "refused (duplicate): the case id is taken")
        self.emit(m(16), self.cmd("request_stage_close", "2026-11-R001", m(16), pm, measures="分期",
                                  agreed_repair_at=iso(m(60 * 24)), expected_completion_at=iso(m(60 * 24 * 10))),
                  "refused (invalid): stage closure needs more than 30 days of work (Art. 18)")
        self.emit(m(17), self.cmd("reply", "2026-11-R001", m(1), "zhangmin", text="补录"),
                  "refused (invalid): 'at' earlier than the case's last event")
        self.emit(m(18), self.cmd("decide_measures", "2026-11-R001", m(18), pm, measures="更换钢丝绳"))
        self.emit(m(19), self.cmd("reply", "2026-11-R001", m(19), "zhangmin", text="已安排", expect_version=2),
                  "refused (conflict): the case is at version 3, not 2")
        self.emit(m(20), self.cmd("complete", "2026-11-R001", m(20), pm))
        self.emit(m(21), self.cmd("followup", "2026-11-R001", m(21), pm),
                  "refused (invalid): followup needs 'satisfied'")
        self.emit(m(22), self.cmd("followup", "2026-11-R001", m(22), former, satisfied=True),
                  "refused (forbidden): %s no longer manages P1 (%s took over on the 15th)" % (former, pm))
        self.emit(m(23), self.cmd("reply", "2026-11-R001", m(23), RETIRED[0], text="已安排"),
                  "refused (forbidden): %s left on the 16th and holds no role any more" % RETIRED[0])
        self.emit(m(24), {"cmd": "bonus", "at": iso(m(24)), "person": former, "month": "2026-11", "amount_fen": 80000},
                  "refused (forbidden): a directory line without actor; since the administrator exists, "
                  "only they may change the directory")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=20261102)
    ap.add_argument("--out", default="examples/demo-month.jsonl")
    a = ap.parse_args()
    g = Gen(a.seed)
    g.seed = a.seed
    text = g.build()
    with open(a.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


if __name__ == "__main__":
    main()
