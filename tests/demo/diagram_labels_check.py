#!/usr/bin/env python3
"""Checks that no two labels of a Graphviz diagram overlap once laid out.

    diagram_labels_check.py --jiceng PATH   the petition workflow (`jiceng workflow dot`,
                                            the demo's workflow.svg)
    diagram_labels_check.py FILE.dot ...    the given DOT files

Each file goes through `dot -Tjson`: every text Graphviz draws (node, edge and cluster
labels, line by line: the `T` operations of `_ldraw_`, with the width Graphviz measured
and the font size in force) becomes a box; a box of one object must not cross a box of
another (lines of one label are stacked by Graphviz and may touch). Exit 0 when none
does, 1 listing the overlaps, 77 (ctest SKIP_RETURN_CODE) when Graphviz is not installed.
"""

import json
import shutil
import subprocess
import sys

SKIP = 77
SLACK = 0.5  # points: boxes that only touch do not count


def text_boxes(graph):
    """(owner, text, x0, y0, x1, y1) for every text line Graphviz draws."""
    boxes = []

    def walk_ops(owner, ops):
        size = 14.0
        for op in ops or []:
            if op.get("op") == "F":
                size = float(op.get("size", size))
            elif op.get("op") == "T":
                x, y = op["pt"]
                w = float(op["width"])
                align = op.get("align", "c")
                x0 = x - w / 2 if align == "c" else (x if align == "l" else x - w)
                # Baseline at y (y grows upwards): descenders below, the ascent above.
                boxes.append((owner, op["text"], x0, y - 0.25 * size, x0 + w, y + 0.8 * size))

    for i, obj in enumerate(graph.get("objects", [])):
        name = obj.get("name", str(i))
        walk_ops("object " + name, obj.get("_ldraw_"))
    for i, e in enumerate(graph.get("edges", [])):
        owner = "edge %d (%s)" % (i, e.get("label", "").replace("\n", " ")[:40])
        for key in ("_ldraw_", "_hldraw_", "_tldraw_"):
            walk_ops(owner, e.get(key))
    walk_ops("graph", graph.get("_ldraw_"))
    return boxes


def overlaps(boxes):
    found = []
    for i in range(len(boxes)):
        a = boxes[i]
        for j in range(i + 1, len(boxes)):
            b = boxes[j]
            if a[0] == b[0]:
                continue
            if a[2] + SLACK < b[4] and b[2] + SLACK < a[4] and a[3] + SLACK < b[5] and b[3] + SLACK < a[5]:
                found.append("%s '%s' overlaps %s '%s'" % (a[0], a[1], b[0], b[1]))
    return found


def check(name, dot_text, dot):
    proc = subprocess.run([dot, "-Tjson"], input=dot_text.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=300)
    if proc.returncode != 0:
        print("diagram_labels_check: FAIL: dot on %s: %s" % (name, proc.stderr.decode()[-1000:]), file=sys.stderr)
        return False
    boxes = text_boxes(json.loads(proc.stdout))
    bad = overlaps(boxes)
    if bad:
        print("diagram_labels_check: FAIL: %s: %d overlapping labels:\n  %s" % (name, len(bad), "\n  ".join(bad[:20])),
              file=sys.stderr)
        return False
    print("diagram_labels_check: %s: %d text lines, none overlapping" % (name, len(boxes)))
    return True


def main():
    dot = shutil.which("dot")
    if dot is None:
        print("diagram_labels_check: SKIP: Graphviz (dot) is not installed", file=sys.stderr)
        return SKIP
    args = sys.argv[1:]
    inputs = []
    if len(args) == 2 and args[0] == "--jiceng":
        out = subprocess.run([args[1], "workflow", "dot"], stdout=subprocess.PIPE, check=True).stdout.decode()
        inputs.append(("petition workflow", out))
    else:
        for path in args:
            with open(path, encoding="utf-8") as f:
                inputs.append((path, f.read()))
    if not inputs:
        print("usage: diagram_labels_check.py --jiceng PATH | FILE.dot ...", file=sys.stderr)
        return 2
    ok = all([check(name, text, dot) for name, text in inputs])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
