#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz corpora from the project's real inputs.

    python3 tests/fuzz/seed_corpora.py

Seeds are named by the SHA-1 of their content (as libFuzzer names what it
adds), so running this again adds nothing twice. Sources: the scenario files
(tests/scenarios, examples/demo-month.jsonl), the holiday data (data/), a few
iCalendar files and commands on the cases the command target preloads. The
policy corpus is seeded from policies/ at run time (run_fuzz.cmake).
"""
import collections
import hashlib
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")


def put(target, text):
    data = text.encode("utf-8") if isinstance(text, str) else text
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def lines_of(path):
    with open(path, encoding="utf-8") as f:
        return [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]


design = lines_of(os.path.join(ROOT, "tests", "scenarios", "design-example.jsonl"))
demo = lines_of(os.path.join(ROOT, "examples", "demo-month.jsonl"))
DIRECTORY = ("person", "property", "bonus")

# ---- sequences and scenario files ----------------------------------------
demo_dir = [l for l in demo if json.loads(l)["cmd"] in DIRECTORY]
by_case = collections.OrderedDict()
org = []
for l in demo:
    o = json.loads(l)
    if o["cmd"] in DIRECTORY:
        continue
    if "case" in o:
        by_case.setdefault(o["case"], []).append(l)
    else:
        org.append(l)

# the cases with the rarer commands first, then ordinary ones
def rarity(item):
    cmds = {json.loads(l)["cmd"] for l in item[1]}
    return -len(cmds & {"request_escalation", "request_stage_close", "report_malicious", "reject",
                        "approve", "correct_record", "repeat_complaint", "record_finding", "report_progress"})

chosen = sorted(by_case.items(), key=rarity)[:24]
scenarios = ["\n".join(design) + "\n"]
for i in range(0, len(chosen), 2):
    body = demo_dir + [l for _, ls in chosen[i:i + 2] for l in ls] + org[i:i + 3]
    # in time order, as a front end would send them
    body[len(demo_dir):] = sorted(body[len(demo_dir):], key=lambda l: json.loads(l).get("at", ""))
    scenarios.append("\n".join(body) + "\n")
scenarios.append("# comments and blank lines are skipped\n\n" + "\n".join(design[:10]) + "\n\n")
for s in scenarios:
    put("sequence", s)
    put("replay", s)

# ---- single commands (on the cases fuzz_command.c preloads) --------------
for l in design:
    put("command", l)
seen = collections.Counter()
for l in demo:
    c = json.loads(l)["cmd"]
    if seen[c] < 2:
        seen[c] += 1
        put("command", l)
for l in [
    '{"cmd":"decide_measures","case":"C2","at":"2026-11-05T11:00:00+08:00","actor":"li","measures":"更换水管","department_head":"wu"}',
    '{"cmd":"onsite_visit","case":"C2","at":"2026-11-05T12:00:00+08:00","actor":"wu"}',
    '{"cmd":"report_progress","case":"C2","at":"2026-11-05T13:00:00+08:00","actor":"li","text":"材料已到"}',
    '{"cmd":"request_stage_close","case":"C2","at":"2026-11-05T14:00:00+08:00","actor":"li","measures":"整体改造","agreed_repair_at":"2026-11-20T09:00:00+08:00","expected_completion_at":"2026-12-31T18:00:00+08:00"}',
    '{"cmd":"report_malicious","case":"C5","at":"2026-11-10T12:00:00+08:00","actor":"li2","explanation":"无理投诉"}',
    '{"cmd":"approve","case":"C3","at":"2026-11-07T12:00:00+08:00","actor":"gm","note":"同意"}',
    '{"cmd":"reject","case":"C3","at":"2026-11-07T12:00:00+08:00","actor":"gm"}',
    '{"cmd":"verify","case":"C4","at":"2026-11-09T16:00:00+08:00","actor":"zhang","outcome":"false_report"}',
    '{"cmd":"supervisor_check","case":"C4","at":"2026-11-09T16:00:00+08:00","actor":"zhao","expect_version":4}',
    '{"cmd":"dispatch","case":"C5","at":"2026-11-10T10:30:00+08:00","actor":"zhang","expect_version":1}',
    '{"cmd":"correct_record","case":"C5","at":"2026-11-10T10:30:00+08:00","actor":"zhang","fields":["owner","phone"],"values":{"owner":"周先生","phone":"13500000005"}}',
    '{"cmd":"repeat_complaint","case":"C2","at":"2026-11-06T10:00:00+08:00","actor":"zhang","matter":"还在漏"}',
    '{"cmd":"reply","case":"C1","at":"2026-11-05T10:00:00+08:00","actor":"zhang","text":"已结案"}',
    '{"cmd":"record_finding","case":"C4","at":"2026-11-09T16:00:00+08:00","actor":"qa","kind":"falsified_form","person":"li"}',
    '{"cmd":"record_finding","at":"2026-11-11T10:00:00+08:00","actor":"qa","kind":"archive_lost_original","person":"li"}',
    '{"cmd":"quarterly_meeting","at":"2026-12-26T10:00:00+08:00","actor":"qa","absent":["li"]}',
    '{"cmd":"quarterly_report","at":"2026-12-30T10:00:00+08:00","actor":"qa"}',
    '{"cmd":"monthly_summary","at":"2026-11-30T17:00:00+08:00","actor":"qa"}',
    '{"cmd":"call","at":"2026-11-10T12:00:00+08:00","actor":"qa","agent":"zhang","rings":1000,"answered":false,"connected":false}',
    '{"cmd":"person","id":"li","name":"李强","roles":[],"at":"2026-11-15T00:00:00+08:00"}',
    '{"cmd":"property","id":"P2","name":"锦绣华庭","manager":"li","department_heads":["wu"],"at":"2026-11-15T00:00:00+08:00","actor":"admin"}',
    '{"cmd":"bonus","person":"li2","month":"2026-11","amount_fen":10000000000}',
    '{"cmd":"register","case":"C9","at":"2099-12-31T23:59:59+08:00","actor":"zhang","property":"P2","room":"9-909","owner":"钱女士","phone":"13300000009","matter":"门禁","call_taker":"zhang","order_taker":"li2","kind":"repair","severity":"serious","expect_version":0}',
]:
    put("command", l)

# ids that show less than they hold (refused) and ones that show what they hold (accepted)
for bad in ["\u202eC1", "C\u200b1", "\ufeffzhang", " C1", "C1 ", "C\u00a01", "C\u30001", "C\u2066x\u2069",
            "li\u00ad", "C\ue000", "C\U000e0041", "C\u3164"]:
    put("command", json.dumps({"cmd": "dispatch", "case": bad, "at": "2026-11-10T10:30:00+08:00", "actor": "zhang"},
                              ensure_ascii=False))
    put("command", json.dumps({"cmd": "person", "id": bad, "name": "n", "roles": ["hotline_specialist"],
                               "command_id": bad}, ensure_ascii=False))
put("command", '{"cmd":"person","id":"张三 二","name":"张三","roles":["hotline_specialist"],"command_id":"req 1"}')
for month in ["0000-01", "1999-12", "2100-01", "2000-01", "2099-12"]:
    put("command", '{"cmd":"bonus","person":"li2","month":"%s","amount_fen":100}' % month)

# ---- lines that change the rules in force (fuzz_record_line) -----------------
def policy_text(name):
    with open(os.path.join(ROOT, "policies", name + ".json"), encoding="utf-8") as f:
        return f.read()


for name, at, actor in (("service-standard", "2026-12-31T00:00:00+08:00", "admin"),
                        ("sales-office", "2026-12-31T00:00:00+08:00", "admin"),
                        ("sales-office", "2026-12-31T00:00:00+08:00", "zhang"),
                        ("service-standard", "2026-11-01T00:00:00+08:00", "admin"),
                        ("service-standard", None, "admin")):
    line = {"cmd": "policy", "name": name, "text": policy_text(name), "actor": actor}
    if at:
        line["at"] = at
    put("record_line", json.dumps(line, ensure_ascii=False, separators=(",", ":")))
put("record_line", '{"cmd":"policy","name":"x","text":"{\\"format\\":1}","actor":"admin","at":"2026-12-31T00:00:00+08:00"}')

# ---- holidays -------------------------------------------------------------
for y in (2024, 2025, 2026):
    with open(os.path.join(ROOT, "data", "cn-holidays-%d.json" % y), "rb") as f:
        put("holidays_json", f.read())
put("holidays_json", json.dumps({"year": 2027, "days": [
    {"name": "元旦", "date": "2027-01-01", "isOffDay": True},
    {"name": "春节", "date": "2027-02-06", "isOffDay": False}]}, ensure_ascii=False))

ICAL = [
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hotline//holidays//CN\r\n"
    "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261001\r\nDTEND;VALUE=DATE:20261008\r\nSUMMARY:国庆节\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260927\r\nSUMMARY:国庆节 补班\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261010\r\nSUMMARY:Make-up working day\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n",
    "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:1@example\nDTSTART:20270101\nDTEND:20270104\n"
    "SUMMARY:New Year's Day\n  (observed)\nEND:VEVENT\nBEGIN:VEVENT\nDTSTART:20270207\nSUMMARY:Workday\nEND:VEVENT\n"
    "END:VCALENDAR\n",
    "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20251231\r\nDTEND;VALUE=DATE:20260102\r\nSUMMARY:元旦\r\n"
    " 假期\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
]
for s in ICAL:
    put("holidays_ical", s)
