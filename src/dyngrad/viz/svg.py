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

from .layout import layout

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


def draw_svg(nodes, edges, node_attr=None):
    """The SVG text of a drawing.

    ``nodes``: ``[(name, label, attrs)]``, each name once; ``edges``: ``[(tail, head,
    attrs)]`` between those names; ``node_attr``: attributes every node has unless its
    own say otherwise (as DOT's ``node [...]``). ``id`` attributes become element ids.
    """
    node_attr = dict(node_attr or {})
    index = {name: i for i, (name, _, _) in enumerate(nodes)}
    sizes = [box_size(label) for _, label, _ in nodes]
    lay = layout(sizes, [(index[t], index[h]) for t, h, _ in edges])
    out = [f'<svg width="{lay.width:.0f}pt" height="{lay.height:.0f}pt" '
           f'viewBox="0.00 0.00 {lay.width:.2f} {lay.height:.2f}" '
           'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
           '<g id="graph0" class="graph">\n'
           f'<polygon fill="white" stroke="transparent" points="0,0 {lay.width:.2f},0 '
           f'{lay.width:.2f},{lay.height:.2f} 0,{lay.height:.2f}"/>\n']
    for k, ((tail, head, attrs), route) in enumerate(zip(edges, lay.routes)):
        out.append(_edge(k, tail, head, attrs, route))
    for i, ((name, label, attrs), box) in enumerate(zip(nodes, lay.boxes)):
        out.append(_node(i, name, label, {**node_attr, **attrs}, box))
    out.append("</g>\n</svg>\n")
    return "".join(out)


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
    points = " ".join(f"{px:.2f},{py:.2f}" for px, py in pts + pts[:1])
    lines = label_lines(label)
    first = y - (len(lines) - 1) * LINE_HEIGHT / 2 + FONT_SIZE * 0.35
    text = "".join(
        f'<text text-anchor="middle" x="{x:.2f}" y="{first + j * LINE_HEIGHT:.2f}" '
        f'font-family="{html.escape(attrs.get("fontname", "monospace"))}" '
        f'font-size="{FONT_SIZE:.2f}">{html.escape(s)}</text>'
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
    d = [f"M{pts[0][0]:.2f},{pts[0][1]:.2f}"]
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        dy = (y1 - y0) / 2
        d.append(f"C{x0:.2f},{y0 + dy:.2f} {x1:.2f},{y1 - dy:.2f} {x1:.2f},{y1:.2f}")
    gid = html.escape(attrs.get("id") or f"edge{k + 1}")
    out = (f'<g id="{gid}" class="edge"><title>{html.escape(tail)}&#45;&gt;'
           f'{html.escape(head)}</title><path fill="none" stroke="black"{dash} '
           f'd="{" ".join(d)}"/>')
    if arrow:
        bx, by = pts[-1]
        tx, ty = head_tip
        out += (f'<polygon fill="black" stroke="black" points="{bx - 3.5:.2f},{by:.2f} '
                f'{tx:.2f},{ty:.2f} {bx + 3.5:.2f},{by:.2f} {bx - 3.5:.2f},{by:.2f}"/>')
    return out + "</g>\n"
