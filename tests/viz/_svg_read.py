"""Read an SVG drawing back (Graphviz's or dyngrad's) and measure it: boxes, edge curves,
overlapping boxes and crossing edges. The same reader and counts serve both drawings,
so the two are compared on equal terms."""
import re
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"
_NUM = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def read_svg(text):
    """``nodes``: {element id: (title, (left, top, right, bottom))};
    ``edges``: [(element id, title, [points along the curve])]."""
    root = ET.fromstring(text[text.index("<svg"):])
    nodes, edges = {}, []
    for g in root.iter(NS + "g"):
        kind = g.get("class")
        title = g.findtext(NS + "title")
        if kind == "node":
            xs, ys = [], []
            for poly in g.iter(NS + "polygon"):
                nums = [float(v) for v in _NUM.findall(poly.get("points"))]
                xs += nums[0::2]
                ys += nums[1::2]
            nodes[g.get("id")] = (title, (min(xs), min(ys), max(xs), max(ys)))
        elif kind == "edge":
            edges.append((g.get("id"), title, _curve(g.find(NS + "path").get("d"))))
    return nodes, edges


def _curve(d, samples=8):
    """Points along an ``M x,y C x,y x,y x,y ...`` path (Graphviz writes only these)."""
    nums = [float(v) for v in _NUM.findall(d)]
    pts = list(zip(nums[0::2], nums[1::2]))
    out = [pts[0]]
    for i in range(1, len(pts) - 2, 3):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        for k in range(1, samples + 1):
            t = k / samples
            a, b, c, e = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t ** 3
            out.append((a * p0[0] + b * p1[0] + c * p2[0] + e * p3[0],
                        a * p0[1] + b * p1[1] + c * p2[1] + e * p3[1]))
    return out


def overlapping(boxes):
    """Pairs of boxes whose insides meet."""
    boxes = sorted(boxes)
    out = []
    for i, (l, t, r, b) in enumerate(boxes):
        for l2, t2, r2, b2 in boxes[i + 1:]:
            if l2 >= r:
                break
            if t2 < b and t < b2:
                out.append(((l, t, r, b), (l2, t2, r2, b2)))
    return out


def _cross(p, q, r, s):
    def side(a, b, c):
        v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        return (v > 1e-9) - (v < -1e-9)
    return (side(p, q, r) * side(p, q, s) < 0) and (side(r, s, p) * side(r, s, q) < 0)


def crossings(edges):
    """Pairs of edges that cross, among edges that share no end (``edges``: ``[(tail, head,
    points)]``). Edges meeting at a node may touch there; that is not a crossing."""
    count = 0
    boxes = []
    for t, h, pts in edges:
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    for i, (t, h, a) in enumerate(edges):
        for j in range(i + 1, len(edges)):
            t2, h2, b = edges[j]
            if {t, h} & {t2, h2}:
                continue
            (l, tp, r, bt), (l2, tp2, r2, bt2) = boxes[i], boxes[j]
            if l2 > r or l > r2 or tp2 > bt or tp > bt2:
                continue
            if any(_cross(a[m], a[m + 1], b[n], b[n + 1])
                   for m in range(len(a) - 1) for n in range(len(b) - 1)):
                count += 1
    return count
