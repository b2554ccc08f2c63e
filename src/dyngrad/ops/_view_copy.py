"""The view op, but a copy: torch's ``*_copy`` functions (and ``unsafe_split``'s family),
each declared by naming its view op rather than written again.

NOTE [The view op, but a copy]
torch generates a ``*_copy`` twin for every view op (``diagonal_copy``,
``transpose_copy``, ...): the same arguments and checks, the same derivative, a node
named ``<the view's node>_copy``, and a fresh contiguous result that is no view. Here a
twin is one call, ``copy_variant(view_op)``: an Op with the view op's formulas and
forward rule whose forward copies the view's array. Its public function is the view's
public function run by ``variant_of``, which asks ``apply`` (_table.py) to run the twin
in place of the first view op the function reaches; the argument checks and messages
are the view function's own. ``unsafe_split`` is the same idea with a forward that does
not copy (torch's unsafe forms share memory but are no views: separate version counters).
"""
from .. import _backend
from ._table import VARIANTS, Op

xp = _backend.xp
_ndarray = _backend.ndarray


def _contiguous(a):
    """A fresh C-contiguous copy, as every ``*_copy`` result is in torch."""
    if isinstance(a, _ndarray):
        return xp.array(a, copy=True, order="C")
    return _backend.array_module(a).asarray(a, copy=True)


def _copying(forward):
    def copied(*args):
        out = forward(*args)
        return tuple(map(_contiguous, out)) if isinstance(out, tuple) else _contiguous(out)
    return copied


def copy_variant(view_op, name=None, forward=None, real_grad_only=None, copies=True,
                 jvp=None):
    """The view op as a copy (``name`` and ``forward`` default to torch's ``*_copy`` node
    name and the view's forward, copied), made once per name and kept on the view op
    (``real_grad_only``: the name a complex result that would record a node is refused
    under, as Op takes it; ``copies``: False for a variant whose result shares memory;
    ``jvp``: a forward rule of its own).
    Under vmap it runs its view op's batching rule (batching/shape.py)."""
    name = name or view_op.name + "_copy"
    made = view_op.__dict__.setdefault("variants", {})
    if name not in made:
        op = made[name] = Op(name, forward or _copying(view_op.forward), params=view_op.params,
                             outputs=view_op.outputs, jvp=jvp or view_op.jvp,
                             jvp_name=view_op.jvp_name,
                             real_grad_only=real_grad_only or view_op.real_grad_only,
                             **view_op.formulas)
        op.variant_of, op.copies = view_op, copies
    return made[name]


def variant_of(view_fn, swap, name):
    """``view_fn`` with the view ops of ``swap`` (view op -> Op) run as their variants."""
    def variant(*args, **kwargs):
        VARIANTS.swap = swap
        try:
            return view_fn(*args, **kwargs)
        finally:
            VARIANTS.swap = None
    variant.__name__ = variant.__qualname__ = name
    return variant
