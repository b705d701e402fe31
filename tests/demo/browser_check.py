#!/usr/bin/env python3
"""Opens the demo's report.html in headless Chromium and checks that it loads without
errors, draws its four charts and stays readable at a phone's width.

    browser_check.py --jiceng PATH/TO/jiceng     run `jiceng demo` (a short year) first
    browser_check.py --html PATH/TO/report.html  check an existing page

1. `chromium --dump-dom` after load: the page's own self-check (<pre id="selfcheck">, filled
   by an inline script on `load`) lists each chart SVG with its laid-out size and the number
   of drawn marks (bars, slices, lines) whose bounding box is not empty, and any script
   error. Every chart must be there, sized, with its marks; no error; no external resource.
2. `chromium --screenshot` of the whole page: each chart's region (from the self-check) must
   hold coloured pixels — the chart really was painted, not blank.
3. The same page at a phone's width (a 390 px wide window): the page does not widen past
   the window (tables scroll inside their own box), every chart is drawn, and no chart's
   text renders smaller than 9 CSS px once the chart is scaled to the page (also checked
   at 1,280 px).
Console errors printed by Chromium (`:CONSOLE` lines with Uncaught/Error) fail the check.

Exit 0 when all holds, 1 with a message when not, 77 (ctest SKIP_RETURN_CODE) only when no
Chromium is installed (Debian package `chromium`).
"""

import argparse
import html
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

SKIP = 77
PHONE_PX = 390     # a phone's width in CSS px
MIN_FONT_PX = 9    # smallest readable chart text, after scaling
CHARTS = {  # id -> minimum number of drawn marks
    "chart-streets": 30,     # two bars per street and town (15)
    "chart-categories": 5,   # a slice per category
    "chart-trend": 3,        # a bar per month, and the lines
    "chart-resolve": 10,     # a bar per working-day bucket
}


def fail(msg):
    print("browser_check: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def find_chromium():
    env = os.environ.get("CHROMIUM")
    if env and shutil.which(env):
        return shutil.which(env)
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium(binary, profile, extra, timeout=120):
    cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", "--force-device-scale-factor=1", "--hide-scrollbars",
           "--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile] + extra
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def console_errors(stderr):
    bad = []
    for line in stderr.splitlines():
        if ":CONSOLE" in line and ("Uncaught" in line or "Error" in line):
            bad.append(line.strip())
    return bad


def read_png(path):
    """Decodes an 8-bit, non-interlaced RGB or RGBA PNG: (width, height, rows of bytes, channels)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("%s is not a PNG" % path)
    pos, idat, width = 8, b"", None
    while pos < len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if ctype == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or color not in (2, 6) or interlace != 0:
                fail("unsupported PNG (depth %d, colour type %d, interlace %d)" % (depth, color, interlace))
            channels = 3 if color == 2 else 4
        elif ctype == b"IDAT":
            idat += body
        elif ctype == b"IEND":
            break
    if width is None:
        fail("PNG without IHDR")
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    i = 0
    for _ in range(height):
        ftype = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if ftype == 1:
                line[x] = (line[x] + a) & 0xFF
            elif ftype == 2:
                line[x] = (line[x] + b) & 0xFF
            elif ftype == 3:
                line[x] = (line[x] + ((a + b) >> 1)) & 0xFF
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, rows, channels


def coloured_fraction(png, box):
    """Share of pixels in box (x, y, w, h) that are clearly coloured (not white/grey)."""
    width, height, rows, ch = png
    x0, y0 = max(0, box[0]), max(0, box[1])
    x1, y1 = min(width, box[0] + box[2]), min(height, box[1] + box[3])
    if x1 <= x0 or y1 <= y0:
        return 0.0, 0
    coloured, total, colours = 0, 0, set()
    for y in range(y0, y1, 2):
        row = rows[y]
        for x in range(x0, x1, 2):
            r, g, b = row[x * ch], row[x * ch + 1], row[x * ch + 2]
            total += 1
            if max(r, g, b) - min(r, g, b) > 40:
                coloured += 1
                colours.add((r >> 4, g >> 4, b >> 4))
    return (coloured / total if total else 0.0), len(colours)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jiceng", help="the jiceng command: run `jiceng demo` into a temporary folder first")
    ap.add_argument("--html", help="an existing report.html")
    ap.add_argument("--days", default="60")
    args = ap.parse_args()
    binary = find_chromium()
    if binary is None:
        print("browser_check: SKIP: Chromium is not installed (Debian package `chromium`; scripts/dev deps "
              "installs it)", file=sys.stderr)
        return SKIP
    work = tempfile.mkdtemp(prefix="jiceng-browser-")
    try:
        if args.jiceng:
            out = os.path.join(work, "demo")
            proc = subprocess.run([args.jiceng, "demo", "--days", args.days, "--out", out], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, timeout=600)
            if proc.returncode != 0:
                fail("jiceng demo exited with %d: %s" % (proc.returncode, proc.stderr.decode()[-2000:]))
            page = os.path.join(out, "report.html")
        elif args.html:
            page = os.path.abspath(args.html)
        else:
            fail("give --jiceng or --html")
        if not os.path.exists(page):
            fail("%s does not exist" % page)
        url = "file://" + os.path.abspath(page)

        # 1. The DOM after load, with the page's self-check, at a desktop's and at a
        # phone's width.
        # Headless Chromium keeps a window at least 500 px wide: the phone's width is an
        # iframe of 390 px, whose page posts its self-check up to the frame around it.
        frame = os.path.join(work, "phone.html")
        with open(frame, "w", encoding="utf-8") as f:
            f.write('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">'
                    '<iframe src="%s" style="width:%dpx;height:2000px;border:0"></iframe><pre id="selfcheck"></pre>'
                    '<script>window.addEventListener("message",function(e){'
                    'document.getElementById("selfcheck").textContent=JSON.stringify(e.data);});</script>'
                    '</body></html>' % (html.escape(url), PHONE_PX))

        def self_check(width, profile):
            target = url if width >= 500 else "file://" + frame
            rc, dom, err = chromium(binary, os.path.join(work, profile),
                                    ["--virtual-time-budget=5000", "--window-size=%d,2000" % max(width, 1280),
                                     "--dump-dom", target])
            if rc != 0:
                fail("chromium --dump-dom (%d px) exited with %d: %s" % (width, rc, err[-2000:]))
            m = re.search(r'<pre id="selfcheck">(.*?)</pre>', dom, re.S)
            if not m or not m.group(1).strip():
                fail("the page's self-check did not run at %d px (no load event, or a script error)" % width)
            check = json.loads(html.unescape(m.group(1)))
            if check.get("errors"):
                fail("script errors on the page at %d px: %s" % (width, check["errors"]))
            bad = console_errors(err)
            if bad:
                fail("console errors at %d px: %s" % (width, bad[:5]))
            if re.search(r'<(link|script|img|iframe)[^>]+(href|src)="(https?:)?//', dom):
                fail("the page loads an external resource")
            charts = {c["id"]: c for c in check.get("charts", [])}
            for cid, need in CHARTS.items():
                c = charts.get(cid)
                if c is None:
                    fail("chart %s missing at %d px (found %s)" % (cid, width, sorted(charts)))
                if c["width"] <= 0 or c["height"] <= 0:
                    fail("chart %s has no size at %d px: %s" % (cid, width, c))
                if c["marks"] < need:
                    fail("chart %s drew %d marks at %d px, expected at least %d" % (cid, c["marks"], width, need))
                if c.get("min_font", 0) < MIN_FONT_PX:
                    fail("chart %s: text renders at %.1f px at a %d px window, below %d px"
                         % (cid, c.get("min_font", 0), width, MIN_FONT_PX))
            view = check.get("viewport", {}).get("width", 0)
            page_w = check.get("page", {}).get("width", 10 ** 6)
            if view != width:
                fail("the window is %s px wide, expected %d (Chromium did not honour --window-size)" % (view, width))
            if page_w > view:
                fail("at %d px the page is %d px wide: it overflows the window sideways" % (width, page_w))
            return check, charts

        check, charts = self_check(1280, "profile1")
        phone, phone_charts = self_check(PHONE_PX, "profile3")
        print("browser_check: at %d px the page is %d px wide; smallest chart text %.1f px"
              % (PHONE_PX, phone["page"]["width"], min(c["min_font"] for c in phone_charts.values())))
        page_h = int(check.get("page", {}).get("height", 4000))

        # 2. A screenshot of the whole page: every chart region holds coloured pixels.
        shot = os.path.join(work, "page.png")
        rc, _, err = chromium(binary, os.path.join(work, "profile2"),
                              ["--virtual-time-budget=5000", "--window-size=1280,%d" % min(page_h, 16000),
                               "--screenshot=" + shot, url])
        if rc != 0 or not os.path.exists(shot):
            fail("chromium --screenshot failed (%d): %s" % (rc, err[-2000:]))
        png = read_png(shot)
        for cid in CHARTS:
            c = charts[cid]
            frac, colours = coloured_fraction(png, (c["x"], c["y"], c["width"], c["height"]))
            if frac < 0.01 or colours < 2:
                fail("chart %s looks blank in the screenshot (%.2f%% coloured pixels, %d colours)"
                     % (cid, 100 * frac, colours))
            print("browser_check: %-17s %4dx%-4d %3d marks, %5.1f%% coloured pixels, %d colours"
                  % (cid, c["width"], c["height"], c["marks"], 100 * frac, colours))
        print("browser_check: OK — %s loads without errors and draws its %d charts" % (page, len(CHARTS)))
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
