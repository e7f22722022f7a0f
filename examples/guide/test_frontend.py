"""A front end's scenario as a test: replay it and compare the document with the one
kept next to it (docs/guide-frontend-testing.md). Run with the hotline package on PYTHONPATH."""
import os

import hotline

# [guide:test]
HERE = os.path.dirname(os.path.abspath(__file__))


def test_frontend_scenario():
    got = hotline.replay_json(os.path.join(HERE, "frontend.jsonl"))
    with open(os.path.join(HERE, "frontend.expected.json"), encoding="utf-8") as f:
        want = f.read().rstrip("\n")
    assert got == want, "the replay document changed"
    doc = hotline.replay(os.path.join(HERE, "frontend.jsonl"))
    assert [r["line"] for r in doc["repeated"]] == [6]      # the retried dispatch, applied once
    assert [r["code"] for r in doc["refused"]] == ["forbidden"]
# [/guide:test]


if __name__ == "__main__":
    test_frontend_scenario()
    print("ok")
