"""A layered drawing of a directed graph, for when Graphviz's ``dot`` is not installed.

Backward graphs are DAGs drawn top to bottom (leaves above, outputs below), so the
classic layered method fits them (Sugiyama, Tagawa and Toda, 1981), in five passes::

    1. cycles      reverse the back edges of a depth-first walk (a saved tensor that is
                   also a leaf closes a cycle); they are drawn the right way round again
    2. layers      longest path from the sources; then a node with more edges out than
                   in moves down next to its successors (a leaf and its AccumulateGrad
                   sit just above the node they feed)
    3. order       an edge spanning k layers becomes a chain of k-1 virtual nodes; each
                   layer is sorted by the barycentre of its neighbours' positions, in
                   sweeps down and up, keeping the order with the fewest crossings
    4. x           each node is pulled to the mean x of its neighbours, layer by layer,
                   without changing the order or letting boxes come closer than the
                   node separation (an isotonic regression, solved by pooling blocks)
    5. routes      an edge leaves its tail's bottom side and enters its head's top side
                   at ports spread in the order of the other ends (so edges meeting at a
                   node never cross there), and passes through its virtual nodes

Every pass is linear in nodes plus edges (the crossing count adds a log factor), and
the sweeps are bounded, so a graph of 10,000 nodes lays out in about a second.
Coordinates are in points with y growing downwards, as in SVG.
"""
import contextlib
import gc

NODE_SEP = 18.0    # Graphviz's nodesep (0.25 in) and ranksep (0.5 in), in points
RANK_SEP = 36.0
VIRTUAL_SEP = 8.0  # between virtual nodes: long edges may run closer than boxes
MARGIN = 4.0
SWEEPS = 8


class Layout:
    """Where everything goes: ``boxes[i] = (x, y, width, height)`` (centre, size) for
    node ``i``; ``routes[k]``, the points edge ``k`` passes through from its tail to its
    head; ``width`` and ``height`` of the whole drawing; ``crossings`` between layers."""

    def __init__(self, boxes, routes, width, height, crossings, ranks):
        self.boxes = boxes
        self.routes = routes
        self.width = width
        self.height = height
        self.crossings = crossings
        self.ranks = ranks


@contextlib.contextmanager
def gc_paused():
    """Drawing allocates many small lists and tuples, which trigger the cyclic garbage
    collector; beside a big graph of tensors each collection scans all of it (at 10,000
    nodes the layout ran 4x slower, the page 3x). Nothing made here forms a cycle."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def layout(sizes, edges, sweeps=SWEEPS, groups=None):
    """Lay out nodes ``0..n-1`` of sizes ``[(width, height)]`` joined by ``[(tail, head)]``.

    ``groups[v]``: the clusters node v is in, outermost first (a tuple of names, empty
    for none). A cluster's nodes stay side by side in every layer, and clusters keep
    room between them for their boxes."""
    with gc_paused():
        return _layout(sizes, edges, sweeps, groups)


CLUSTER_SEP = 12.0  # room for a cluster box's border on each side, per level


def _layout(sizes, edges, sweeps, groups):
    n = len(sizes)
    up, flipped = _acyclic(n, edges)
    rank = _ranks(n, up)
    layers, chains, width_of = _virtual(n, rank, up, sizes)
    gs = _groups(groups, chains, len(width_of), n) if groups else None
    order, crossed = _order(layers, chains, len(width_of), sweeps, gs)
    x = _xs(order, chains, width_of, n, gs)
    depth = max((len(g) for g in gs), default=0) if gs else 0
    ys, heights = _ys(order, sizes, n, RANK_SEP + CLUSTER_SEP * min(depth, 2))
    boxes = [(x[v], ys[rank[v]], w, h) for v, (w, h) in enumerate(sizes)]
    routes = _routes(chains, flipped, x, ys, rank, boxes, n)
    right = max((x[v] + width_of[v] / 2 for v in range(len(x))), default=0.0)
    bottom = ys[-1] + heights[-1] / 2 if ys else 0.0
    return Layout(boxes, routes, right + MARGIN, bottom + MARGIN, crossed, rank)


def _acyclic(n, edges):
    """Edges as (upper, lower) pairs with no cycle, and which ones were turned round.
    Back edges of an iterative depth-first walk (in node order) are the ones turned."""
    out = [[] for _ in range(n)]
    for k, (t, h) in enumerate(edges):
        if t != h:
            out[t].append((h, k))
    state = [0] * n  # 0 new, 1 on the stack, 2 done
    back = set()
    for s in range(n):
        if state[s]:
            continue
        state[s] = 1
        stack = [(s, iter(out[s]))]
        while stack:
            v, it = stack[-1]
            for h, k in it:
                if state[h] == 1:
                    back.add(k)
                elif state[h] == 0:
                    state[h] = 1
                    stack.append((h, iter(out[h])))
                    break
            else:
                state[v] = 2
                stack.pop()
    up = [(h, t) if k in back else (t, h) for k, (t, h) in enumerate(edges)]
    return up, back


def _ranks(n, up):
    """Longest path from the sources; then, from the bottom up, a node whose edges mostly
    go down moves down to just above its nearest successor. That shortens the edges
    (a leaf and its AccumulateGrad sit beside the matmul they feed, not at the top with
    an edge through the whole drawing), as dot's network simplex would, in linear time."""
    succ = [[] for _ in range(n)]
    indeg = [0] * n
    for t, h in up:
        if t != h:
            succ[t].append(h)
            indeg[h] += 1
    rank = [0] * n
    ready = [v for v in range(n) if indeg[v] == 0]
    left = indeg[:]
    topo = []
    while ready:
        v = ready.pop()
        topo.append(v)
        r = rank[v] + 1
        for h in succ[v]:
            if rank[h] < r:
                rank[h] = r
            left[h] -= 1
            if left[h] == 0:
                ready.append(h)
    for v in reversed(topo):
        if succ[v] and len(succ[v]) >= indeg[v]:
            rank[v] = min(rank[h] for h in succ[v]) - 1
    low = min(rank, default=0)
    return [r - low for r in rank]


def _virtual(n, rank, up, sizes):
    """Layers of node ids, with virtual nodes (ids n, n+1, ...) on long edges.
    ``chains[k]``: the node ids edge k passes through, upper end first."""
    width_of = [w for w, _ in sizes]
    layers = [[] for _ in range(max(rank, default=-1) + 1)]
    for v in range(n):
        layers[rank[v]].append(v)
    chains = []
    for t, h in up:
        chain = [t]
        for r in range(rank[t] + 1, rank[h]):
            v = len(width_of)
            width_of.append(0.0)
            layers[r].append(v)
            chain.append(v)
        chain.append(h)
        chains.append(chain)
    return layers, chains, width_of


def _neighbours(chains, count):
    above = [[] for _ in range(count)]
    below = [[] for _ in range(count)]
    for chain in chains:
        for a, b in zip(chain, chain[1:]):
            if a != b:
                below[a].append(b)
                above[b].append(a)
    return above, below


def _segments(layers, chains, count):
    """The edge pieces between each layer and the next: ``segs[r] = [(upper, lower)]``."""
    layer_of = [0] * count
    for r, layer in enumerate(layers):
        for v in layer:
            layer_of[v] = r
    segs = [[] for _ in layers]
    for chain in chains:
        for a, b in zip(chain, chain[1:]):
            if a != b:
                segs[layer_of[a]].append((a, b))
    return segs


def _groups(groups, chains, count, n):
    """Clusters of every node; a virtual node is in the clusters both ends of its edge are."""
    gs = [()] * count
    gs[:n] = [tuple(g) for g in groups]
    for chain in chains:
        a, b = gs[chain[0]], gs[chain[-1]]
        common = 0
        while common < min(len(a), len(b)) and a[common] == b[common]:
            common += 1
        for v in chain[1:-1]:
            gs[v] = a[:common]
    return gs


def _grouped(keyed, gs):
    """Re-sort one layer's ``(barycentre, i, v)`` so that each cluster's nodes are side by
    side: nodes compare by their outermost cluster's mean barycentre first, then inward."""
    mean = {}
    for b, _, v in keyed:
        g = gs[v]
        for k in range(1, len(g) + 1):
            m = mean.setdefault(g[:k], [0.0, 0])
            m[0] += b
            m[1] += 1
    depth = max(len(gs[v]) for _, _, v in keyed)
    out = []
    for b, i, v in keyed:
        g = gs[v]
        key = []
        for k in range(1, depth + 1):
            if k <= len(g):
                s, c = mean[g[:k]]
                key.append((s / c, g[k - 1]))
            else:
                key.append((b, ""))
        out.append((key, b, i, v))
    out.sort()
    return [(b, i, v) for _, b, i, v in out]


def _order(layers, chains, count, sweeps, gs=None):
    """Barycentre sweeps, down then up; the best order seen (fewest crossings) wins."""
    above, below = _neighbours(chains, count)
    segs = _segments(layers, chains, count)
    pos = [0] * count
    order = [list(layer) for layer in layers]
    if gs:
        order = [[v for _, _, v in _grouped([(i, i, v) for i, v in enumerate(layer)], gs)]
                 for layer in order]
    for layer in order:
        for i, v in enumerate(layer):
            pos[v] = i
    best, best_order = _count(pos, segs), [list(l) for l in order]
    stale = 0
    for sweep in range(sweeps):
        if best == 0:
            break
        down = sweep % 2 == 0
        rows = range(1, len(order)) if down else range(len(order) - 2, -1, -1)
        ref = above if down else below
        for r in rows:
            layer = order[r]
            if len(layer) < 2:
                continue
            keyed = []
            for i, v in enumerate(layer):
                ns = ref[v]
                b = sum(pos[u] for u in ns) / len(ns) if ns else i
                keyed.append((b, i, v))
            keyed.sort()
            if gs:
                keyed = _grouped(keyed, gs)
            order[r] = layer = [v for _, _, v in keyed]
            for i, v in enumerate(layer):
                pos[v] = i
        c = _count(pos, segs)
        if c < best:
            best, best_order, stale = c, [list(l) for l in order], 0
        else:
            stale += 1
            if stale >= 2:
                break
    return best_order, best


def crossings(order, chains):
    """Edge crossings between adjacent layers of an order (edges that share an end do not
    cross: their ports are ordered)."""
    pos = [0] * (1 + max((v for layer in order for v in layer), default=0))
    for layer in order:
        for i, v in enumerate(layer):
            pos[v] = i
    return _count(pos, _segments(order, chains, len(pos)))


def _count(pos, segs):
    """Pairs of pieces with upper ends in one order and lower ends strictly in the other,
    counted for each pair of layers as inversions with a Fenwick tree (Barth, Juenger and
    Mutzel, 2002)."""
    total = 0
    for pieces in segs:
        if len(pieces) < 2:
            continue
        pairs = sorted((pos[a], pos[b]) for a, b in pieces)
        size = max(b for _, b in pairs) + 1
        tree = [0] * (size + 1)
        placed = i = 0
        while i < len(pairs):
            j = i
            while j < len(pairs) and pairs[j][0] == pairs[i][0]:
                k = pairs[j][1] + 1
                at_most = 0
                while k > 0:
                    at_most += tree[k]
                    k -= k & -k
                total += placed - at_most
                j += 1
            for _, b in pairs[i:j]:
                k = b + 1
                while k <= size:
                    tree[k] += 1
                    k += k & -k
                placed += 1
            i = j
    return total


def _xs(order, chains, width_of, n, gs=None, passes=4):
    """x of every node: packed, then pulled towards the mean x of its neighbours above and
    below, layer by layer (sweeping down, then up, ...), keeping the order and the
    separations. Pulling towards one side only (above, then below) lets offsets pile up
    down a deep graph: a 100-block residual model came out 3x wider, slanting."""
    above, below = _neighbours(chains, len(width_of))
    x = [0.0] * len(width_of)
    seps = []
    for layer in order:
        sep = [0.0]
        for u, v in zip(layer, layer[1:]):
            gap = NODE_SEP if u < n or v < n else VIRTUAL_SEP
            if gs and gs[u] != gs[v]:  # cluster borders pass between them
                a, b = gs[u], gs[v]
                common = 0
                while common < min(len(a), len(b)) and a[common] == b[common]:
                    common += 1
                gap += CLUSTER_SEP * (len(a) + len(b) - 2 * common)
            sep.append(sep[-1] + (width_of[u] + width_of[v]) / 2 + gap)
        seps.append(sep)
        for v, o in zip(layer, sep):
            x[v] = o
    for p in range(passes):
        rows = range(len(order)) if p % 2 == 0 else range(len(order) - 1, -1, -1)
        for r in rows:
            layer = order[r]
            want, weight = [], []
            for v in layer:
                ns = above[v] + below[v]
                want.append(sum(x[u] for u in ns) / len(ns) if ns else x[v])
                # virtual nodes pull harder: long edges stay straight (dot does the same)
                weight.append((4.0 if v >= n else 1.0) if ns else 0.25)
            for v, xv in zip(layer, _isotonic(want, weight, seps[r])):
                x[v] = xv
    left = min((x[v] - width_of[v] / 2 for v in range(len(x))), default=0.0)
    return [xv - left + MARGIN for xv in x]


def _isotonic(want, weight, offsets):
    """The x closest to ``want`` (weighted least squares) with ``x[i+1] - x[i]`` at least
    ``offsets[i+1] - offsets[i]``: with ``y = x - offsets`` this is isotonic regression,
    solved by pooling adjacent violators in one pass."""
    blocks = []  # [weighted sum, weight, count]
    for d, w, o in zip(want, weight, offsets):
        blocks.append([w * (d - o), w, 1])
        while len(blocks) > 1 and blocks[-2][0] * blocks[-1][1] > blocks[-1][0] * blocks[-2][1]:
            s, w2, c = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += w2
            blocks[-1][2] += c
    out = []
    for s, w, c in blocks:
        out.extend([s / w] * c)
    return [y + o for y, o in zip(out, offsets)]


def _ys(order, sizes, n, rank_sep=RANK_SEP):
    """The centre y of each layer: as tall as its tallest box, ``rank_sep`` apart."""
    ys, heights = [], []
    top = MARGIN
    for layer in order:
        h = max((sizes[v][1] for v in layer if v < n), default=0.0)
        ys.append(top + h / 2)
        heights.append(h)
        top += h + rank_sep
    return ys, heights


def _port(box, i, m, side):
    """The i-th of m ports on a box's top (side -1) or bottom (side 1) side."""
    x, y, w, h = box
    if m > 1:
        step = min(12.0, 0.8 * w / (m - 1))
        x += (i - (m - 1) / 2) * step
    return (x, y + side * h / 2)


def _routes(chains, flipped, x, ys, rank, boxes, n):
    """The points each edge passes through, tail first: a port on the upper box, the
    virtual nodes, a port on the lower box. Ports are handed out at each box in the order
    of the x the edges come from, so edges meeting at a box do not cross there."""
    leaving = {}
    entering = {}
    for k, chain in enumerate(chains):
        if chain[0] == chain[-1]:
            continue
        leaving.setdefault(chain[0], []).append((x[chain[1]], k))
        entering.setdefault(chain[-1], []).append((x[chain[-2]], k))
    start, end = {}, {}
    for ports, side, to in ((leaving, 1, start), (entering, -1, end)):
        for v, ks in ports.items():
            ks.sort()
            for i, (_, k) in enumerate(ks):
                to[k] = _port(boxes[v], i, len(ks), side)
    routes = []
    for k, chain in enumerate(chains):
        if chain[0] == chain[-1]:  # a loop: out of the right side and back in
            cx, cy, w, h = boxes[chain[0]]
            r = cx + w / 2
            pts = [(r, cy - h / 4), (r + 18, cy), (r, cy + h / 4)]
        else:
            top = rank[chain[0]]
            pts = ([start[k]] + [(x[v], ys[top + i]) for i, v in enumerate(chain[1:-1], 1)]
                   + [end[k]])
        routes.append(pts[::-1] if k in flipped else pts)
    return routes

