"""Nested containers as flat lists of leaves (torch.utils._pytree, the part the function
transforms use): tuples (named ones too), lists and dicts are nodes, anything else a leaf.

A spec is ``None`` for a leaf, or ``(kind, context, children)``: kind the container's
type, context the dict's keys (None otherwise), children the specs of its items.
"""

__all__ = ["tree_flatten", "tree_unflatten", "tree_map", "broadcast_prefix", "spec_repr"]


def _children(tree):
    t = type(tree)
    if t is dict:
        return list(tree.values()), list(tree.keys())
    if t is list or isinstance(tree, tuple):  # named tuples and torch.return_types too
        return list(tree), None
    return None, None


def tree_flatten(tree):
    """(leaves, spec)."""
    leaves = []
    return leaves, _flatten(tree, leaves)


def _flatten(tree, leaves):
    items, context = _children(tree)
    if items is None:
        leaves.append(tree)
        return None
    return (type(tree), context, [_flatten(x, leaves) for x in items])


def tree_unflatten(leaves, spec):
    it = iter(leaves)
    return _build(spec, it)


def _build(spec, it):
    if spec is None:
        return next(it)
    kind, context, children = spec
    items = [_build(c, it) for c in children]
    if kind is dict:
        return dict(zip(context, items))
    if kind is list:
        return items
    if kind is tuple:
        return tuple(items)
    return kind(*items)  # a named tuple, a torch.return_types tuple


def tree_map(fn, tree):
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([fn(x) for x in leaves], spec)


def broadcast_prefix(prefix, spec):
    """``prefix`` (a tree whose leaves stand for whole subtrees of ``spec``) as one value
    per leaf of ``spec``; None when it does not fit."""
    out = []
    return out if _broadcast(prefix, spec, out) else None


def _broadcast(prefix, spec, out):
    items, context = _children(prefix)
    if items is None:
        out.extend([prefix] * _count(spec))
        return True
    if spec is None or type(prefix) is not spec[0] or len(items) != len(spec[2]):
        return False
    if context is not None and context != spec[1]:
        return False
    return all(_broadcast(p, c, out) for p, c in zip(items, spec[2]))


def _count(spec):
    return 1 if spec is None else sum(_count(c) for c in spec[2])


def spec_repr(spec, indent=0):
    """As torch prints a TreeSpec."""
    if spec is None:
        return "*"
    kind, context, children = spec
    inner = ",\n".join(" " * (indent + 2) + spec_repr(c, indent + 2) if k else spec_repr(c, indent + 2)
                       for k, c in enumerate(children))
    ctx = None if context is None else context
    return f"TreeSpec({kind.__name__}, {ctx}, [{inner}])"
