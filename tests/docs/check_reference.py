#!/usr/bin/env python3
"""Build the Doxygen reference of the public headers and fail on any gap.

    tests/docs/check_reference.py --doxygen doxygen --doxyfile build/Doxyfile
    tests/docs/check_reference.py --doxygen doxygen --doxyfile build/Doxyfile --self-test

The configured Doxyfile (cmake/Doxyfile.in) sets WARN_IF_UNDOCUMENTED and
WARN_AS_ERROR = FAIL_ON_WARNINGS, so Doxygen itself fails on an undocumented
function, struct, member, typedef or macro. It says nothing about an enum
value without a comment, so this script also reads the XML output and fails
when a member or an enum value has no description.

--self-test first runs the same configuration on a small header with one
undocumented function and one undocumented enum value, and fails unless both
are caught (a check that cannot fail proves nothing).
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET


def config(doxyfile, **override):
    """The Doxyfile's text with some settings replaced (later lines win in Doxygen)."""
    text = open(doxyfile, encoding="utf-8").read()
    for k, v in override.items():
        text += "\n%s = %s\n" % (k, v)
    return text


def out_dir(cfg):
    m = re.findall(r"^OUTPUT_DIRECTORY\s*=\s*(.*)$", cfg, re.M)
    return m[-1].strip()


def text_of(el):
    return "".join(el.itertext()).strip() if el is not None else ""


def undocumented_in_xml(xml_dir):
    """(symbols seen, list of "file: name") for members and enum values without any description."""
    seen, bad = 0, []
    for f in sorted(glob.glob(os.path.join(xml_dir, "*.xml"))):
        if os.path.basename(f) in ("index.xml", "Doxyfile.xml"):
            continue
        root = ET.parse(f).getroot()
        for comp in root.iter("compounddef"):
            where = comp.findtext("compoundname")
            for m in comp.iter("memberdef"):
                items = [m] + list(m.iter("enumvalue"))
                for it in items:
                    seen += 1
                    desc = text_of(it.find("briefdescription")) + text_of(it.find("detaileddescription"))
                    if not desc and it.findtext("name"):
                        bad.append("%s: %s" % (where, it.findtext("name")))
    return seen, sorted(set(bad))


def run(doxygen, cfg):
    """Runs Doxygen on a configuration; returns (ok, problems, symbols seen)."""
    out = out_dir(cfg)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out, exist_ok=True)
    p = subprocess.run([doxygen, "-"], input=cfg.encode("utf-8"), capture_output=True)
    problems = []
    log = os.path.join(out, "warnings.log")
    if os.path.exists(log):
        problems += [l for l in open(log, encoding="utf-8", errors="replace").read().splitlines() if l.strip()]
    problems += [l for l in p.stderr.decode("utf-8", "replace").splitlines() if l.strip()]
    if p.returncode != 0 and not problems:
        problems.append("doxygen exited with %d" % p.returncode)
    seen, bad = undocumented_in_xml(os.path.join(out, "xml"))
    problems += ["%s is not documented" % b for b in bad]
    return p.returncode == 0 and not problems, problems, seen


SELF_TEST_HEADER = """/**
 * @file
 * A header with gaps.
 */
/** Documented. */
typedef enum probe_kind {
\tPROBE_DOCUMENTED = 0, /**< documented */
\tPROBE_BARE = 1
} probe_kind;
/** Documented. */
HOTLINE_EXTERN(int) probe_documented(void);
HOTLINE_EXTERN(int) probe_bare(void);
"""


def self_test(doxygen, doxyfile):
    work = tempfile.mkdtemp(prefix="hotline-ref-")
    try:
        inc = os.path.join(work, "include")
        os.makedirs(inc)
        with open(os.path.join(inc, "probe.h"), "w", encoding="utf-8") as f:
            f.write(SELF_TEST_HEADER)
        cfg = config(doxyfile, INPUT=inc, OUTPUT_DIRECTORY=os.path.join(work, "out"),
                     WARN_LOGFILE=os.path.join(work, "out", "warnings.log"))
        ok, problems, _ = run(doxygen, cfg)
        text = "\n".join(problems)
        if ok:
            print("self-test: a header with undocumented symbols passed")
            return False
        for name in ("probe_bare", "PROBE_BARE"):
            if name not in text:
                print("self-test: %s was not reported:\n%s" % (name, text))
                return False
        if "probe_documented" in text or "PROBE_DOCUMENTED" in text:
            print("self-test: a documented symbol was reported:\n%s" % text)
            return False
        print("self-test: an undocumented function and enum value are caught")
        return True
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--doxygen", default="doxygen")
    ap.add_argument("--doxyfile", required=True, help="the configured Doxyfile")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    if not shutil.which(a.doxygen):
        print("error: doxygen not found (%s); Debian: apt-get install doxygen" % a.doxygen)
        return 1
    if a.self_test and not self_test(a.doxygen, a.doxyfile):
        return 1
    ok, problems, seen = run(a.doxygen, config(a.doxyfile))
    for p in problems:
        print("error:", p)
    print("reference: %d documented symbols, %d problems (%s)" % (seen, len(problems), out_dir(config(a.doxyfile))))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
