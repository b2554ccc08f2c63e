"""Read DOT text back into nodes and edges, and compare two drawings structurally.

Node names are ``id()`` values, different in every run, so drawings are compared by
what they show: each node's label and colour, each edge's ends (by their labels) and
style, and the shape around each node (a few rounds of neighbourhood refinement), so two
MulBackward0 nodes with different inputs are told apart.
"""
import re
from collections import Counter

_TOKEN = re.compile(r'\s*(?:("(?:[^"\\]|\\.)*")|(->|--)|([\[\]{};,=])|([^\s\[\]{};,="]+))', re.S)
KEEP = ("label", "fillcolor", "style", "dir")


def _tokens(text):
    pos = 0
    out = []
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise ValueError(f"cannot read DOT at {text[pos:pos + 30]!r}")
        pos = m.end()
        q, arrow, punct, word = m.groups()
        if q is not None:
            out.append(("id", re.sub(r'\\"', '"', q[1:-1])))
        elif arrow:
            out.append(("arrow", arrow))
        elif punct:
            out.append((punct, punct))
        elif word:
            out.append(("id", word))
    return out


def parse(text):
    """{name: attrs} (a node written twice keeps the later attributes) and [(tail, head, attrs)]."""
    toks = _tokens(text)
    i = 0
    nodes, edges = {}, []
    assert toks[0] == ("id", "digraph") and toks[1][0] == "{", toks[:3]
    i = 2

    def attrs_at(i):
        a = {}
        if i < len(toks) and toks[i][0] == "[":
            i += 1
            while toks[i][0] != "]":
                k = toks[i][1]
                assert toks[i + 1][0] == "="
                a[k] = toks[i + 2][1]
                i += 3
                if toks[i][0] in (",", ";"):
                    i += 1
            i += 1
        return a, i

    while toks[i][0] != "}":
        kind, val = toks[i]
        if val in ("graph", "node", "edge") and i + 1 < len(toks) and toks[i + 1][0] == "[":
            _, i = attrs_at(i + 1)
            continue
        if i + 1 < len(toks) and toks[i + 1][0] == "arrow":
            tail, head = val, toks[i + 2][1]
            a, i = attrs_at(i + 3)
            edges.append((tail, head, a))
            nodes.setdefault(tail, {})
            nodes.setdefault(head, {})
            continue
        a, i = attrs_at(i + 1)
        nodes[val] = {**nodes.get(val, {}), **a}
    return nodes, edges


def _look(attrs):
    return tuple((k, attrs.get(k, "")) for k in KEEP)


def structure(text, rounds=3):
    """A drawing as a multiset of node signatures and of edge signatures."""
    nodes, edges = parse(text)
    colour = {n: repr(_look(a)) for n, a in nodes.items()}
    for _ in range(rounds):
        ins, outs = {n: [] for n in nodes}, {n: [] for n in nodes}
        for t, h, a in edges:
            outs[t].append(colour[h] + repr(_look(a)))
            ins[h].append(colour[t] + repr(_look(a)))
        colour = {n: str(hash((colour[n], tuple(sorted(ins[n])), tuple(sorted(outs[n])))))
                  for n in nodes}
    looks = Counter(_look(a) for a in nodes.values())
    edge_looks = Counter((_look(nodes[t]), _look(nodes[h]), _look(a)) for t, h, a in edges)
    refined = Counter(colour.values())
    return looks, edge_looks, refined


def same_drawing(a, b):
    """Assert two DOT texts draw the same graph; the message says how they differ."""
    la, ea, ra = structure(a)
    lb, eb, rb = structure(b)
    assert la == lb, f"nodes differ:\n only in first {la - lb}\n only in second {lb - la}"
    assert ea == eb, f"edges differ:\n only in first {ea - eb}\n only in second {eb - ea}"
    assert ra == rb, "same nodes and edges, but connected differently"
