"""SVG of a drawing laid out by ``layout.py``: what ``dot -Tsvg`` would write, without ``dot``.

The elements are the ones Graphviz writes, so the page's script and its styles treat both
alike::

    <g id="n140…" class="node"><title>140…</title><polygon …/><text …>MulBackward0</text></g>
    <g id="e3" class="edge"><title>140…&#45;&gt;139…</title><path d="M…C…"/><polygon …/></g>

Boxes are sized from their labels as Graphviz sizes them (the font is monospace, so a
character is 0.6 em wide); edges are cubic curves through the route's points, leaving
and entering boxes vertically, with Graphviz's arrowhead.
"""
import html

from .layout import CLUSTER_SEP, layout

FONT_SIZE = 10.0
CHAR_WIDTH = 0.6 * FONT_SIZE   # monospace
LINE_HEIGHT = 1.2 * FONT_SIZE
PAD_X, PAD_Y = 8.0, 4.0        # Graphviz's default margin (0.11 in by 0.055 in)
MIN_WIDTH, MIN_HEIGHT = 54.0, 14.4
ARROW = 10.0                   # arrowhead length, as Graphviz's "normal"

# X11 colour names that torchviz uses and SVG does not know, as Graphviz writes them.
COLOURS = {"darkolivegreen1": "#caff70", "darkolivegreen3": "#a2cd5a",
           "lightgrey": "#d3d3d3", "lightyellow": "#ffffe0"}
DASHES = {"dashed": "5,2", "dotted": "1,5"}


def label_lines(label):
    return str(label).replace("\\n", "\n").rstrip("\n").split("\n")


def box_size(label):
    """Width and height in points of a box holding ``label``."""
    lines = label_lines(label)
    w = max(len(s) for s in lines) * CHAR_WIDTH + 2 * PAD_X
    h = len(lines) * LINE_HEIGHT + 2 * PAD_Y
    return max(w, MIN_WIDTH), max(h, MIN_HEIGHT)


def draw_svg(nodes, edges, node_attr=None, clusters=()):
    """The SVG text of a drawing.

    ``nodes``: ``[(name, label, attrs)]``, each name once; ``edges``: ``[(tail, head,
    attrs)]`` between those names; ``node_attr``: attributes every node has unless its
    own say otherwise (as DOT's ``node [...]``). ``id`` attributes become element ids.
    ``clusters``: ``[(module path, label, member names)]``, parents first (a parent's
    members include none of its children's): each is drawn as a dashed box around its
    members and its children's, behind the graph.
    """
    node_attr = dict(node_attr or {})
    index = {name: i for i, (name, _, _) in enumerate(nodes)}
    sizes = [box_size(label) for _, label, _ in nodes]
    groups = None
    if clusters:
        groups = [()] * len(nodes)
        for path, _, keys in clusters:  # parents first: a child's path extends its parent's
            chain = tuple(path.split(".")) if path else ()
            names = tuple(".".join(chain[:k]) for k in range(1, len(chain) + 1))
            for key in keys:
                if key in index:
                    groups[index[key]] = names
    lay = layout(sizes, [(index[t], index[h]) for t, h, _ in edges], groups=groups)
    boxes, (left, top, right, bottom) = _clusters(clusters, index, lay.boxes)
    left, top = min(left, 0.0), min(top, 0.0)  # cluster boxes may reach past the margin
    width, height = max(right + 4, lay.width) - left, max(bottom + 4, lay.height) - top
    font = html.escape(node_attr.get("fontname", "monospace"))
    out = [f'<svg width="{width:.0f}pt" height="{height:.0f}pt" '
           f'viewBox="0.00 0.00 {width:.2f} {height:.2f}" '
           'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
           f'<g id="graph0" class="graph" font-family="{font}" font-size="{FONT_SIZE:.2f}"'
           f'{f" transform={chr(34)}translate({-left:.1f} {-top:.1f}){chr(34)}" if left or top else ""}>\n'
           f'<polygon fill="white" stroke="transparent" points="{left:.2f},{top:.2f} '
           f'{left + width:.2f},{top:.2f} {left + width:.2f},{top + height:.2f} '
           f'{left:.2f},{top + height:.2f}"/>\n']
    out.extend(boxes)
    for k, ((tail, head, attrs), route) in enumerate(zip(edges, lay.routes)):
        out.append(_edge(k, tail, head, attrs, route))
    for i, ((name, label, attrs), box) in enumerate(zip(nodes, lay.boxes)):
        out.append(_node(i, name, label, {**node_attr, **attrs}, box))
    out.append("</g>\n</svg>\n")
    return "".join(out)


def _clusters(clusters, index, boxes):
    """Boxes around each cluster's members and its children's, outermost first (an outer
    box has more padding, so nested boxes do not touch), and the extent they cover."""
    out = []
    extent = [0.0, 0.0, 0.0, 0.0]
    for i, (path, label, _) in enumerate(clusters):
        below = [(p, keys) for p, _, keys in clusters if p == path or p.startswith(path + ".")]
        vs = [index[k] for _, keys in below for k in keys if k in index]
        if not vs:
            continue
        levels = 1 + max(p.count(".") for p, _ in below) - path.count(".")
        pad = CLUSTER_SEP * levels - 4.0
        l = min(boxes[v][0] - boxes[v][2] / 2 for v in vs) - pad
        r = max(boxes[v][0] + boxes[v][2] / 2 for v in vs) + pad
        t = min(boxes[v][1] - boxes[v][3] / 2 for v in vs) - pad
        b = max(boxes[v][1] + boxes[v][3] / 2 for v in vs) + pad
        extent = [min(extent[0], l), min(extent[1], t), max(extent[2], r), max(extent[3], b)]
        out.append(f'<g id="clust{i + 1}" class="cluster"><title>{html.escape(label)}</title>'
                   f'<rect x="{l:.1f}" y="{t:.1f}" width="{r - l:.1f}" height="{b - t:.1f}" '
                   f'rx="6" fill="#f4f8ff" fill-opacity="0.5" stroke="#6a7fa8" '
                   f'stroke-dasharray="5,2"/><text x="{l + 4:.1f}" y="{t + 9:.1f}" '
                   f'font-size="8" fill="#34476e">{html.escape(label)}</text></g>\n')
    return out, extent


def _colour(name):
    return COLOURS.get(name, name)


def _node(i, name, label, attrs, box):
    x, y, w, h = box
    style = attrs.get("style", "")
    fill = _colour(attrs.get("fillcolor") or "lightgrey") if "filled" in style else "none"
    dash = "".join(f' stroke-dasharray="{d}"' for s, d in DASHES.items() if s in style)
    l, t, r, b = x - w / 2, y - h / 2, x + w / 2, y + h / 2
    if attrs.get("shape") == "note":  # a folded corner, as Graphviz draws a note
        pts = [(l, t), (r - 8, t), (r, t + 8), (r, b), (l, b)]
    else:
        pts = [(l, t), (r, t), (r, b), (l, b)]
    points = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts + pts[:1])
    lines = label_lines(label)
    first = y - (len(lines) - 1) * LINE_HEIGHT / 2 + FONT_SIZE * 0.35
    text = "".join(  # font family and size are the graph's (its <g>), as every node's
        f'<text text-anchor="middle" x="{x:.1f}" y="{first + j * LINE_HEIGHT:.1f}">'
        f'{html.escape(s)}</text>'
        for j, s in enumerate(lines) if s)
    gid = html.escape(attrs.get("id") or f"node{i + 1}")
    return (f'<g id="{gid}" class="node"><title>{html.escape(name)}</title>'
            f'<polygon fill="{fill}" stroke="black"{dash} points="{points}"/>{text}</g>\n')


def _edge(k, tail, head, attrs, route):
    style = attrs.get("style", "")
    dash = "".join(f' stroke-dasharray="{d}"' for s, d in DASHES.items() if s in style)
    arrow = attrs.get("dir", "forward") != "none"
    pts = list(route)
    head_tip = pts[-1]
    if arrow:  # the path stops where the arrowhead starts
        (x0, y0), (x1, y1) = pts[-2], pts[-1]
        sign = 1.0 if y1 >= y0 else -1.0
        pts[-1] = (x1, y1 - sign * ARROW)
    d = [f"M{pts[0][0]:.1f},{pts[0][1]:.1f}"]
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        dy = (y1 - y0) / 2
        d.append(f"C{x0:.1f},{y0 + dy:.1f} {x1:.1f},{y1 - dy:.1f} {x1:.1f},{y1:.1f}")
    gid = html.escape(attrs.get("id") or f"edge{k + 1}")
    out = (f'<g id="{gid}" class="edge"><title>{html.escape(tail)}&#45;&gt;'
           f'{html.escape(head)}</title><path fill="none" stroke="black"{dash} '
           f'd="{" ".join(d)}"/>')
    if arrow:
        bx, by = pts[-1]
        tx, ty = head_tip
        out += (f'<polygon fill="black" stroke="black" points="{bx - 3.5:.1f},{by:.1f} '
                f'{tx:.1f},{ty:.1f} {bx + 3.5:.1f},{by:.1f} {bx - 3.5:.1f},{by:.1f}"/>')
    return out + "</g>\n"
