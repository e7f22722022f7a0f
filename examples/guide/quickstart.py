"""The Python quick start of docs/guide-python.md, whole: every snippet of the
guide is a region of this file, and the test suite runs it.

    PYTHONPATH=build/bindings/python python3 examples/guide/quickstart.py [URI]
"""
import sys
from datetime import datetime, timedelta, timezone

# [guide:open]
import hotline

CST = timezone(timedelta(hours=8))          # the shipped policies' zone, +08:00
uri = sys.argv[1] if len(sys.argv) > 1 else "memory:"
with hotline.open(uri, policy="gm-hotline") as db:
    # [/guide:open]
    # [guide:directory]
    with db.batch():                        # one transaction; rolled back if the block raises
        db.add_person("zhang", "张敏", ["hotline_specialist"])
        db.add_person("li", "李强", ["property_manager"])
        db.add_person("wu", "吴刚", ["department_head"])
        db.add_property("P1", "翠苑", manager="li", department_heads=["wu"])
    print(db.directory().person("li"))
    # [/guide:directory]

    # [guide:commands]
    t0 = datetime(2026, 11, 2, 9, 5, tzinfo=CST)
    seq = db.register("C1", at=t0, actor="zhang", property="P1", room="3-201", owner="王女士",
                      phone="13800000000", matter="楼道灯不亮", call_taker="zhang", order_taker="li",
                      command_id="front-desk-0001")
    again = db.register("C1", at=t0, actor="zhang", property="P1", room="3-201", owner="王女士",
                        phone="13800000000", matter="楼道灯不亮", call_taker="zhang", order_taker="li",
                        command_id="front-desk-0001")          # a retry: not applied twice
    print(int(seq), seq.repeated, int(again), again.repeated)
    db.dispatch("C1", at=t0 + timedelta(minutes=15), actor="zhang", expect_version=1)
    # [/guide:commands]

    # [guide:errors]
    try:                                    # the case is at version 2 now
        db.decide_measures("C1", at=t0 + timedelta(minutes=30), actor="li", measures="更换灯具",
                           expect_version=1)
    except hotline.Conflict as e:           # every error is a subclass of hotline.Error
        print("refused:", type(e).__name__, e)
    try:
        db.dispatch("C1", at=t0 + timedelta(minutes=40), actor="zhang")
    except hotline.Error as e:
        print("refused:", type(e).__name__, e)
    # [/guide:errors]

    # [guide:read]
    case = db.case("C1")
    print(case.state.value, case.version, case.next_due.isoformat())
    for event in db.history("C1"):          # an iterator, read page by page
        print(event.version, event.command)
    for due in db.sweep(before=t0 + timedelta(days=2)):
        print("due:", due.id, due.next_due.isoformat())
    # [/guide:read]

    # [guide:assess]
    as_of = datetime(2026, 11, 5, 12, 0, tzinfo=CST)
    assessment = db.assess(as_of)
    for p in assessment.penalties:
        print(p.rule, p.case, p.person, p.amount_fen)
    for total in assessment.people:
        print(total.person, total.raw_fen, total.capped_fen)
    why = db.explain("C1", as_of)
    for d in why.deadlines:
        if d.rule == "R14b":
            print(d.rule, d.state, d.title["en"], d.late)
    print("total:", why.total_fen)
    # [/guide:assess]

    # [guide:integrity]
    seed = bytes(range(32))                 # the host's Ed25519 signing key: keep it secret
    cp = db.checkpoint(key=seed)            # keep its text away from the database
    print(cp.seq, cp.count, cp.signed)
    public = hotline.checkpoint_public_key(seed)
    db.verify_checkpoint(cp, public_key=public)    # raises hotline.Corrupt if anything it covers changed
    report = db.verify_report(checkpoint=cp, public_key=public)
    print(report.ok, report.events, report.checkpoint.signature, len(report.findings))
    # [/guide:integrity]

    # [guide:workers]
    before = t0 + timedelta(days=2)
    mine = db.claim_due(before, worker="sweeper-1", lease=timedelta(minutes=5), limit=10)
    theirs = db.claim_due(before, worker="sweeper-2", lease=timedelta(minutes=5))
    print([c.id for c in mine], [c.id for c in theirs])    # disjoint while the lease lasts
    # [/guide:workers]
