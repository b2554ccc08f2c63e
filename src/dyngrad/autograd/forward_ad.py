"""torch.autograd.forward_ad: dual tensors, whose tangents every op carries forward.

>>> fwAD = torch.autograd.forward_ad
>>> with fwAD.dual_level():
...     x = fwAD.make_dual(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 0.0]))
...     y = x * x
...     print(fwAD.unpack_dual(y).tangent)
tensor([2., 0.])

One level is open at a time, as in torch (NOTE [Dual levels] in _autograd_state.py);
each op computes its output's tangent by its rule in the op table (ops/_jvp.py).
"""
from typing import NamedTuple

from .._autograd_state import DUAL, set_tangent, tangent_of
from ..tensor import Tensor
from ..ops import views

__all__ = ["UnpackedDualTensor", "enter_dual_level", "exit_dual_level", "make_dual",
           "unpack_dual", "dual_level"]

_NESTED = "Nested forward mode AD is not supported at the moment"
_NOT_LAST = ("Trying to exit a forward AD level that was not the last one that was created. "
             "This is not supported.")


class _Level:
    """An open dual level: its tangents are stored with this object (NOTE [Dual levels])."""

    __slots__ = ("idx",)

    def __init__(self, idx):
        self.idx = idx


def enter_dual_level():
    """Enter a new forward grad level and return its index (0: only one level at a time)."""
    if DUAL[0] is not None:
        raise RuntimeError(_NESTED)
    DUAL[0] = _Level(0)
    return 0


def exit_dual_level(*, level=None):
    """Exit the forward grad level ``level`` (the current one by default): every tangent
    of that level is dropped."""
    if level is None:
        level = 0 if DUAL[0] is not None else -1
    if level < 0:
        raise RuntimeError("Dual level must be a positive number.")
    if DUAL[0] is None or level != DUAL[0].idx:
        raise RuntimeError(_NOT_LAST)
    DUAL[0] = None


def _current(level, where):
    if level is None:
        level = 0 if DUAL[0] is not None else -1
    if level < 0:
        return None
    if DUAL[0] is None or level != DUAL[0].idx:
        raise RuntimeError(f"Invalid level given to {where}")
    return level


def make_dual(tensor, tangent, *, level=None):
    """A view of ``tensor`` whose tangent at ``level`` is ``tangent``.

    ``tangent`` must have ``tensor``'s size; both must be floating point or complex.
    """
    if level is None and DUAL[0] is None:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, "
                           "make sure to enter_dual_level() first.")
    if level is not None and level < 0:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, "
                           "make sure to enter_dual_level() first.")
    if not (tensor.is_floating_point() or tensor.is_complex()):
        raise ValueError(f"Expected primal to be floating point or complex, but got: "
                         f"{tensor.dtype}")
    if not (tangent.is_floating_point() or tangent.is_complex()):
        raise ValueError(f"Expected tangent to be floating point or complex, but got: "
                         f"{tangent.dtype}")
    _current(level, "_make_dual")
    if tuple(tangent.shape) != tuple(tensor.shape):
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the "
            f"original Tensor, this is not supported. Tensor is of size {list(tensor.shape)} "
            f"while the given forward gradient is of size {list(tangent.shape)}.")
    if tangent_of(tensor) is not None:
        raise RuntimeError("Making a dual Tensor based on a Tensor that already has a forward "
                           "gradient at the same level 0 is not supported.")
    dual = views.view(tensor, tuple(tensor.shape))
    set_tangent(dual, tangent)
    return dual


class UnpackedDualTensor(NamedTuple):
    r"""Namedtuple returned by :func:`unpack_dual` containing the primal and tangent
    components of the dual tensor."""

    primal: Tensor
    tangent: Tensor | None


def unpack_dual(tensor, *, level=None):
    """The primal (a view of ``tensor`` without its tangent) and the tangent (None if it
    has none) of ``tensor`` at ``level``, as a named tuple."""
    level = _current(level, "_fw_primal")
    if level is None:
        return UnpackedDualTensor(tensor, None)
    tangent = tangent_of(tensor)
    if tangent is None:
        return UnpackedDualTensor(tensor, None)
    level_obj = DUAL[0]
    DUAL[0] = None  # the primal view carries no tangent
    try:
        primal = views.alias(tensor)
    finally:
        DUAL[0] = level_obj
    primal._fw = (None, None)  # and reads none through its base (tangent_of)
    return UnpackedDualTensor(primal, tangent)


class dual_level:
    """Context-manager for forward AD, where all forward AD computation must occur within
    the ``dual_level`` context: on exit, every tangent made in it is dropped.

    >>> fwAD = torch.autograd.forward_ad
    >>> x = torch.tensor([1.0, 2.0])
    >>> with fwAD.dual_level():
    ...     inp = fwAD.make_dual(x, torch.ones(2))
    ...     out = inp.sin()
    ...     grad = fwAD.unpack_dual(out).tangent
    >>> fwAD.unpack_dual(out).tangent is None
    True
    """

    def __enter__(self):
        return enter_dual_level()

    def __exit__(self, *exc):
        exit_dual_level()
