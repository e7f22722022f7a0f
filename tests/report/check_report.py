#!/usr/bin/env python3
"""The monthly report page (`hotline report`, docs/report.md) renders.

Replays the demo month into a fresh SQLite database, writes the page in both
languages and checks that it is self-contained (nothing fetched: no URL, no
src/href, no script), that its tables agree with the assessment the tool
prints, and that every text is escaped. Then headless Chromium renders it:
the screenshot must show the charts (coloured bars, not a blank page), the
DOM must hold every section, and the browser must log no console error or
failed load. Exit 77 (a skip) after the checks that need no browser when
Chromium is not installed.
"""
import argparse
from html.parser import HTMLParser
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib

AS_OF = "2026-11-27T00:00:00+08:00"
SECTIONS = ("rates", "people", "statements", "articles", "deadlines", "penalties", "refused")
SKIP = 77


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def run(cmd, env=None, expect=0):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    if expect is not None and p.returncode != expect:
        fail("%s exited %d (expected %d): %s" % (" ".join(cmd), p.returncode, expect, p.stderr.strip()))
    return p


def self_contained(html, what):
    # (escaped text may say "src=" or "url(": only markup and the style sheet count)
    styles = " ".join(re.findall(r"<style>(.*?)</style>", html, re.S))
    for pat, text, why in ((r"https?://", html, "a URL"), (r"<script", html, "a script"),
                           (r"<[^>]*\b(?:src|href|xlink:href)\s*=", html, "a src/href attribute"),
                           (r"url\s*\(|@import", styles, "a CSS url() or @import"),
                           (r"<[^>]*\bstyle\s*=", html, "an inline style attribute"),
                           (r"<(?:link|img|iframe|object|embed|image|use)\b", html, "an embedded resource")):
        m = re.search(pat, text, re.I)
        if m:
            fail("%s is not self-contained: %s at %r" % (what, why, text[max(0, m.start() - 60):m.end() + 60]))


def money(fen):
    return "{}¥{:,}.{:02d}".format("-" if fen < 0 else "", abs(fen) // 100, abs(fen) % 100)


class Tables(HTMLParser):
    """The tables of one section of a page: [(class, [row cells of tbody]), …], plus the h3s before them."""

    def __init__(self, section):
        super().__init__(convert_charrefs=True)
        self.section, self.inside, self.depth = section, False, 0
        self.tables, self.headings, self.cell, self.where = [], [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            if a.get("id") == self.section:
                self.inside, self.depth = True, 0
            elif self.inside:
                self.depth += 1
        if not self.inside:
            return
        if tag == "table":
            self.tables.append((a.get("class", ""), []))
        elif tag in ("tbody", "thead", "tfoot"):
            self.where = tag
        elif tag == "tr" and self.where == "tbody":
            self.tables[-1][1].append([])
        elif tag in ("td", "th") and self.where == "tbody":
            self.cell = ""
        elif tag == "h3":
            self.headings.append("")
            self.cell = None
            self.where = "h3"

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "section":
            if self.depth == 0:
                self.inside = False
            else:
                self.depth -= 1
        elif tag in ("td", "th") and self.cell is not None:
            self.tables[-1][1][-1].append(self.cell.strip())
            self.cell = None
        elif tag in ("tbody", "thead", "tfoot", "h3"):
            self.where = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data
        elif self.inside and self.where == "h3":
            self.headings[-1] += data


def check_statements(html, doc, statements, lang, what):
    """The per-person section: every person of the assessment with role and amounts, and the lines of each statement."""
    t = Tables("statements")
    t.feed(html)
    people = doc["assessment"]["people"]
    if not t.tables:
        fail("%s: the per-person section has no table" % what)
    cls, rows = t.tables[0]
    if "people" not in cls or len(rows) != len(people):
        fail("%s: the per-person table has %d rows, the assessment %d people" % (what, len(rows), len(people)))
    for row, p in zip(rows, people):
        if len(row) != 6 or "(%s)" % p["person"] not in row[0] and row[0] != p["person"]:
            fail("%s: per-person row %r is not %s" % (what, row, p["person"]))
        want = [money(p["raw_fen"]), money(p["raw_fen"] - p["capped_fen"]), money(p["capped_fen"])]
        if row[3:] != want or (p["bonus_fen"] is not None and row[2] != money(p["bonus_fen"])):
            fail("%s: %s: amounts %r, the assessment says bonus %r and %r" % (what, p["person"], row[2:], p["bonus_fen"], want))
        if not row[1]:
            fail("%s: %s has no role" % (what, p["person"]))
        if lang == "zh" and re.search(r"[a-z]_[a-z]", row[1]):
            fail("%s: %s: the role is not in Chinese: %r" % (what, p["person"], row[1]))
    # then one table of lines per person charged, in the same order, the statement's lines
    charged = [p for p in people if statements[p["person"]]["lines"]]
    details = t.tables[1:]
    if len(details) != len(charged) or len(t.headings) != len(charged):
        fail("%s: %d statements shown, %d people were charged" % (what, len(details), len(charged)))
    for (cls, rows), head, p in zip(details, t.headings, charged):
        st = statements[p["person"]]
        if "(%s)" % p["person"] not in head:
            fail("%s: statement heading %r is not %s's" % (what, head, p["person"]))
        if len(rows) != len(st["lines"]):
            fail("%s: %s: %d lines shown, the statement has %d" % (what, p["person"], len(rows), len(st["lines"])))
        for row, line in zip(rows, st["lines"]):
            case = line["case"] or ("组织层面" if lang == "zh" else "organisation")
            title = line["title"][lang]
            if row[0] != line["rule"] or str(line["article"]) not in row[1] or row[2] != case or row[3] != title \
                    or row[5] != money(line["amount_fen"]):
                fail("%s: %s: line %r is not the statement's %r" % (what, p["person"], row, line))
        if st["raw_fen"] != p["raw_fen"] or st["capped_fen"] != p["capped_fen"]:
            fail("%s: %s: statement totals differ from the assessment's row" % (what, p["person"]))



def check_page(html, doc, lang, what, statements=None):
    self_contained(html, what)
    want_lang = "zh-CN" if lang == "zh" else "en"
    if '<html lang="%s">' % want_lang not in html:
        fail("%s: not in language %s" % (what, want_lang))
    for s in SECTIONS:
        if '<section id="%s">' % s not in html:
            fail("%s: section %s missing" % (what, s))
    if html.count("<svg") != 4:
        fail("%s: %d charts, expected 4" % (what, html.count("<svg")))
    # the penalty table has one row per penalty of the assessment, and its total
    pens = doc["penalties"]
    table = html.split('<section id="penalties">', 1)[1].split("</section>", 1)[0]
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    if body.count("<tr>") != len(pens):
        fail("%s: %d penalty rows, the assessment has %d" % (what, body.count("<tr>"), len(pens)))
    total = sum(p["amount_fen"] for p in pens)
    if "¥{:,}.{:02d}".format(total // 100, total % 100) not in table.split("<tfoot>", 1)[1]:
        fail("%s: the penalty total %d fen is not in the table's foot" % (what, total))
    # every property's rate, as num/den
    for p in doc["assessment"]["properties"]:
        for m in ("closure", "satisfaction"):
            r = p[m]
            if r["den"] and "%d/%d = " % (r["num"], r["den"]) not in html:
                fail("%s: %s rate of %s (%d/%d) not shown" % (what, m, p["id"], r["num"], r["den"]))
    # rates near 100 % look different: 96 % and 100 % bars differ by far more than 4 % of the track
    rates = html.split('<section id="rates">', 1)[1].split("</section>", 1)[0]
    bars = [int(w) for w in re.findall(r'<rect class="(?:good|bad|neutral)" x="\d+" y="\d+" width="(\d+)"', rates)]
    track = int(re.search(r'<rect class="track" x="\d+" y="\d+" width="(\d+)"', rates).group(1))
    sats = [(p["satisfaction"]["num"], p["satisfaction"]["den"]) for p in doc["assessment"]["properties"]
            if p["satisfaction"]["den"]]
    lo_hi = [w for w, (n, d) in zip(bars[1::2], sats)]
    if sats and max(n / d for n, d in sats) - min(n / d for n, d in sats) > 0.02:
        spread = max(lo_hi) - min(lo_hi)
        if spread < 0.2 * track:
            fail("%s: satisfaction rates %s drawn %s px wide on a %d px track: they look the same"
                 % (what, sats, lo_hi, track))
    # the overdue table says where and whom
    deadlines = html.split('<section id="deadlines">', 1)[1].split("</section>", 1)[0]
    over = [d for d in doc["assessment"]["open_deadlines"] if d["late_seconds"] > 0 and d["case"]]
    if over:
        head = deadlines.split("<thead>", 1)[1].split("</thead>", 1)[0]
        want = ("楼盘", "被扣罚人") if lang == "zh" else ("Property", "Charged")
        if not all(w in head for w in want):
            fail("%s: the overdue table has no property or charged person column: %s" % (what, head))
        body = deadlines.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        charged = {(p["case"], p["rule"]): p["person"] for p in doc["penalties"] if p["person"]}
        for d in over:
            who = charged.get((d["case"], d["rule"]))
            if who and "(%s)" % who not in body:
                fail("%s: overdue %s %s: its charged person %s is not in the table" % (what, d["case"], d["rule"], who))
    if statements is not None:
        check_statements(html, doc, statements, lang, what)
    # the refused commands are not stored: the page says where to find them
    if "hotline replay" not in html:
        fail("%s: the note on refused commands is missing" % what)


# ---- PNG: decode with the standard library only ----

def png_pixels(path):
    """(width, height, channels, rows) of an 8-bit RGB/RGBA PNG, rows unfiltered."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("%s is not a PNG" % path)
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat.append(chunk)
        elif kind == b"IEND":
            break
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        fail("%s: unexpected PNG format (depth %d, colour type %d, interlace %d)" % (path, depth, ctype, interlace))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        off = y * (stride + 1)
        ftype, line = raw[off], bytearray(raw[off + 1:off + 1 + stride])
        if ftype == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif ftype == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif ftype == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif ftype == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        elif ftype != 0:
            fail("%s: bad PNG filter %d" % (path, ftype))
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def check_screenshot(path, what):
    w, h, bpp, rows = png_pixels(path)
    nonwhite = green = red = 0
    for line in rows:
        for i in range(0, w * bpp, bpp):
            r, g, b = line[i], line[i + 1], line[i + 2]
            if r < 245 or g < 245 or b < 245:
                nonwhite += 1
            # the bars of a rate that meets its threshold (#2e7d32) and of one below it (#c62828)
            if abs(r - 0x2e) < 12 and abs(g - 0x7d) < 12 and abs(b - 0x32) < 12:
                green += 1
            elif abs(r - 0xc6) < 12 and abs(g - 0x28) < 12 and abs(b - 0x28) < 12:
                red += 1
    share = nonwhite / float(w * h)
    print("%s: %dx%d, %.1f %% non-white, %d green and %d red bar pixels" % (what, w, h, 100 * share, green, red))
    if share < 0.03:
        fail("%s: the screenshot is (nearly) blank: %.2f %% non-white" % (what, 100 * share))
    if green < 2000 or red < 2000:
        fail("%s: the rate bars were not drawn (%d green, %d red pixels)" % (what, green, red))


BROWSER_ERRORS = re.compile(r"Uncaught|CONSOLE[:(]|console\.error|net::ERR_|Failed to load resource", re.I)


def chromium_cmd(chromium, work, *args):
    # --no-sandbox: Chromium refuses to run as root with its sandbox (CI runs as root);
    # the page is our own file, nothing else is loaded.
    return [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--no-first-run", "--user-data-dir=" + os.path.join(work, "chromium-profile"),
            "--enable-logging=stderr", "--v=0", *args]


def browser_errors(stderr):
    return [l for l in stderr.splitlines() if BROWSER_ERRORS.search(l)]


def render(chromium, work, page, png, size="1280,2000"):
    if os.path.exists(png):
        os.remove(png)
    p = run(chromium_cmd(chromium, work, "--screenshot=" + png, "--window-size=" + size,
                         "file://" + page), expect=None)
    if p.returncode != 0 or not os.path.exists(png):
        fail("chromium could not render %s (exit %d): %s" % (page, p.returncode, p.stderr[-2000:]))
    return browser_errors(p.stderr)


def dump_dom(chromium, work, page):
    p = run(chromium_cmd(chromium, work, "--dump-dom", "file://" + page), expect=None)
    if p.returncode != 0:
        fail("chromium --dump-dom %s exited %d: %s" % (page, p.returncode, p.stderr[-2000:]))
    return p.stdout, browser_errors(p.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotline", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--save-screenshot", help="write the English page's screenshot here (docs/report-demo.png)")
    a = ap.parse_args()
    work = os.path.abspath(a.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    db = os.path.join(work, "demo.db")
    hl = a.hotline

    run([hl, "replay", "--db", "sqlite:" + db, os.path.join(a.source, "examples", "demo-month.jsonl")])
    import json
    doc = json.loads(run([hl, "assess", "--db", "sqlite:" + db, "--as-of", AS_OF]).stdout)

    # each person's statement of the month, as `hotline statement` gives it
    statements = {p["person"]: json.loads(run([hl, "statement", "--db", "sqlite:" + db, "--person", p["person"],
                                                "--month", doc["assessment"]["month"], "--as-of", AS_OF,
                                                "--json"]).stdout)
                  for p in doc["assessment"]["people"]}
    if not any(p["raw_fen"] == 0 for p in doc["assessment"]["people"]):
        fail("the demo month has no bonus holder without a penalty: the per-person check needs one")

    pages = {}
    for lang in ("en", "zh"):
        page = os.path.join(work, "report-%s.html" % lang)
        run([hl, "report", "--db", "sqlite:" + db, "--as-of", AS_OF, "--lang", lang, "-o", page])
        with open(page, encoding="utf-8") as f:
            html = f.read()
        check_page(html, doc, lang, page, statements)
        pages[lang] = page
    # the same document twice: the page is deterministic
    again = os.path.join(work, "again.html")
    run([hl, "report", "--db", "sqlite:" + db, "--as-of", AS_OF, "--lang", "zh", "-o", again])
    if open(again, "rb").read() != open(pages["zh"], "rb").read():
        fail("two reports of the same month differ")

    # the language follows the locale without --lang
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    for loc, want in (("zh_CN.UTF-8", "zh-CN"), ("C.UTF-8", "en"), ("en_US.UTF-8", "en")):
        out = run([hl, "report", "--db", "sqlite:" + db, "--as-of", AS_OF, "-o", "-"], env=dict(env, LANG=loc)).stdout
        if '<html lang="%s">' % want not in out:
            fail("LANG=%s: the page is not in %s" % (loc, want))

    # usage errors
    run([hl, "report", "--db", "sqlite:" + db, "--as-of", AS_OF], expect=2)
    run([hl, "report", "--db", "sqlite:" + db, "--as-of", AS_OF, "--lang", "fr", "-o", "-"], expect=2)
    run([hl, "report", "--db", "sqlite:" + db, "--as-of", "yesterday", "-o", "-"], expect=2)
    run([hl, "report", "--db", "sqlite:" + os.path.join(work, "absent.db"), "--as-of", AS_OF, "-o", "-"], expect=1)
    if os.path.exists(os.path.join(work, "absent.db")):
        fail("report created a database: it must open read-only")

    # names are text, never markup
    evil = os.path.join(work, "escape.jsonl")
    with open(evil, "w", encoding="utf-8") as f:
        for line in (
            {"cmd": "person", "id": "zhang", "name": "<script>alert(1)</script> & \"Sons\" 'q'",
             "roles": ["hotline_specialist"]},
            {"cmd": "person", "id": "li", "name": "Li", "roles": ["property_manager"]},
            {"cmd": "person", "id": "gm", "name": "'gm'", "roles": ["group_head"]},
            {"cmd": "property", "id": "P<1>", "name": "<img src=x onerror=alert(1)>", "manager": "li",
             "department_heads": []},
            {"cmd": "bonus", "person": "li", "month": "2026-11", "amount_fen": 100},
            {"cmd": "register", "case": "C<&>", "at": "2026-11-02T09:05:00+08:00", "actor": "zhang",
             "property": "P<1>", "room": "1", "owner": "x", "phone": "13800000000", "matter": "m",
             "call_taker": "zhang", "order_taker": "li"},
        ):
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    edb = os.path.join(work, "escape.db")
    run([hl, "replay", "--db", "sqlite:" + edb, evil])
    ehtml = run([hl, "report", "--db", "sqlite:" + edb, "--as-of", "2026-11-20T00:00:00+08:00", "--lang", "en",
                 "-o", "-"]).stdout
    self_contained(ehtml, "the escaping page")
    for raw in ("<script>alert", "<img", "P<1>", "C<&>", "& \"Sons\"", "'q'"):
        if raw in ehtml:
            fail("unescaped text in the page: %r" % raw)
    for esc in ("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Sons&quot; &#39;q&#39; (zhang)",
                "&lt;img src=x onerror=alert(1)&gt;", "P&lt;1&gt;", "C&lt;&amp;&gt;"):
        if esc not in ehtml:
            fail("escaped text missing from the page: %r" % esc)

    chromium = next((c for c in (shutil.which("chromium"), shutil.which("chromium-browser")) if c), None)
    if not chromium:
        print("SKIP: chromium is not installed (Debian: apt-get install chromium fonts-noto-cjk)")
        return SKIP

    # the error detector detects: a page that throws and loads something from outside
    bad = os.path.join(work, "bad.html")
    with open(bad, "w") as f:
        f.write("<!DOCTYPE html><html><body><p>x</p><img src=\"missing.png\">"
                "<script>console.error('broken'); undefined_function();</script></body></html>")
    if not render(chromium, work, bad, os.path.join(work, "bad.png")):
        fail("the browser-error check did not notice a page that throws")

    for lang, page in pages.items():
        png = os.path.join(work, "report-%s.png" % lang)
        errs = render(chromium, work, page, png)
        if errs:
            fail("%s: the browser logged errors:\n%s" % (page, "\n".join(errs)))
        check_screenshot(png, png)
        dom, errs = dump_dom(chromium, work, page)
        if errs:
            fail("%s: the browser logged errors:\n%s" % (page, "\n".join(errs)))
        for s in SECTIONS:
            if '<section id="%s">' % s not in dom:
                fail("%s: the rendered DOM has no section %s" % (page, s))
        if len(re.findall(r"<svg\b", dom)) != 4 or len(re.findall(r"<rect\b", dom)) < 20:
            fail("%s: the rendered DOM lacks the charts" % page)
        # the per-person section as the browser built it: its rows and text, read back from the DOM
        check_statements(dom, doc, statements, lang, page + " (rendered)")
    if a.save_screenshot:
        # taller than the checked one: down to the first person's statement
        if render(chromium, work, pages["en"], os.path.abspath(a.save_screenshot), "1280,2900"):
            fail("the browser logged errors while saving the screenshot")
    print("report_renders: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
