"""torch's ``*_copy`` functions and the unsafe splits: the view functions run with their
view op swapped for a variant (NOTE [The view op, but a copy] in _view_copy.py), plus
``split_with_sizes``, ``narrow_copy`` and ``detach_copy``.

>>> import dyngrad as torch
>>> x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
>>> torch.transpose_copy(x, 0, 1)
tensor([[1., 3.],
        [2., 4.]], grad_fn=<TransposeBackward0_copy>)
"""
from .. import _backend
from .. import _dtype as _dt
from ..tensor import _wrap_dim
from . import complex_views as cv, diagonal as dg, rearrange as ra, torch_shape as ts
from . import view_inplace as vi, views as vw
from ._view_copy import _contiguous, copy_variant, variant_of
from ._table import LINEAR, Op
from .inplace import clone_op
from .pointwise import _not_implemented

xp = _backend.xp


def slice_view(input, dim=0, start=None, end=None, step=1):
    """aten's slice: Python's slicing of one dim (bounds clamped), a view."""
    if input.dim() == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    d = _wrap_dim(dim, input.dim())
    start, end, _ = slice(start, end).indices(input.shape[d])
    return vw.slice_(input, d, start, max(start, end), step)


def _view_copy(self, size):
    # view_copy is reshape's copy: it takes what a view could not (a transpose's view)
    return _contiguous(xp.reshape(self, vw.infer_size(size, self.size)))


def _split_with_sizes(input, split_sizes, dim=0):
    return ts.split(input, list(split_sizes), dim)


def _expand(input, size, *, implicit=False):
    return ts.expand(input, size)


def _permute(input, dims):
    return ts.permute(input, dims)


def _view(input, size):
    if isinstance(size, _dt.dtype):  # (the bytes read as another dtype, then copied)
        return clone_op(ts.view(input, size), True)
    return ts.view(input, size)


# the public view function of each view op torch gives a *_copy twin (torch's name less
# "_copy"), and the Op (or Ops) it reaches
_VIEWS = {
    "alias": (vw.alias, [vw.alias]),
    "as_strided": (vi.as_strided, [vi.as_strided_op]),
    "diagonal": (dg.diagonal, [dg.diagonal_op]),
    "expand": (_expand, [vw.expand]),
    "permute": (_permute, [vw.permute]),
    "select": (ts.select, [vw.select]),
    "slice": (slice_view, [vw.slice_]),
    "split": (ts.split, [vw.split]),
    "split_with_sizes": (_split_with_sizes, [vw.split_with_sizes]),
    "squeeze": (ts.squeeze, [vw.squeeze_all, vw.squeeze_dim, vw.squeeze_dims]),
    "t": (ts.t, [vw.t]),
    "transpose": (ts.transpose, [vw.transpose]),
    "unbind": (ts.unbind, [vw.unbind]),
    "unfold": (ra.unfold, [ra.unfold_op]),
    "unsqueeze": (ts.unsqueeze, [vw.unsqueeze]),
    "view": (_view, [vw.view]),
    "view_as_real": (cv.view_as_real, [cv.view_as_real_op]),
    "view_as_complex": (cv.view_as_complex, [cv.view_as_complex_op]),
}
_FORWARDS = {vw.view: _view_copy}
# (torch records no node for a complex result of these: it refuses it)
_REFUSED = {cv.view_as_complex_op: "view_as_complex_copy", vw.select: "select_copy",
            vw.slice_: "slice_copy"}
# (torch's forward rule of view_copy views the tangent: a tangent that cannot be viewed
# so raises view's error, as torch's does)
_JVPS = {vw.view: lambda self_t, size: vw.view(self_t, size)}
COPIES = {op: copy_variant(op, forward=_FORWARDS.get(op), real_grad_only=_REFUSED.get(op),
                           jvp=_JVPS.get(op))
          for _, ops in _VIEWS.values() for op in ops}
FUNCTIONS = {name + "_copy": variant_of(fn, {op: COPIES[op] for op in ops}, name + "_copy")
             for name, (fn, ops) in _VIEWS.items()}

# torch's unsafe splits: split's pieces, no views (they share the input's memory, not its
# version counter), under their own node names
unsafe_split_op = copy_variant(vw.split, "UnsafeSplitBackward0", vw.split.forward,
                               copies=False)
unsafe_split_with_sizes_op = copy_variant(vw.split_with_sizes,
                                          "UnsafeSplitWithSizesBackward0",
                                          vw.split_with_sizes.forward, copies=False)
_UNSAFE = {vw.split: unsafe_split_op, vw.split_with_sizes: unsafe_split_with_sizes_op}


def _narrow_copy(self, dim, start, length):
    start = start + self.shape[dim] if start < 0 else start
    return _contiguous(vw.slice_.forward(self, dim, start, start + length, 1))


# (torch's formula takes the start as given: a negative one slices nothing back, so its
# gradient is zero, as torch's is)
def _narrow_copy_backward(grad, self_sym_sizes, dim, start, length):
    return vw.slice_backward(grad, tuple(self_sym_sizes), dim, start, start + length, 1)


narrow_copy_op = Op("NarrowCopyBackward0", _narrow_copy, jvp=LINEAR, self=_narrow_copy_backward)


def narrow_copy(input, dim, start, length):
    d, _ = ts.narrow_args(input, dim, start, length)
    return narrow_copy_op(input, d, start, length)


# torch defines no derivative for detach_copy: its node raises in backward
detach_copy_op = Op("torch::autograd::NotImplemented", lambda self: _contiguous(self),
                    self=_not_implemented("detach_copy"))

METHODS = {
    "split_with_sizes": _split_with_sizes,
    "unsafe_split": variant_of(ts.split, _UNSAFE, "unsafe_split"),
    "unsafe_split_with_sizes": variant_of(_split_with_sizes, _UNSAFE,
                                          "unsafe_split_with_sizes"),
    "unsafe_chunk": variant_of(ts.chunk, _UNSAFE, "unsafe_chunk"),
    "narrow_copy": narrow_copy,
}
FUNCTIONS.update(METHODS)
FUNCTIONS["detach_copy"] = lambda input: detach_copy_op(input)
