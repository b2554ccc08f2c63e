"""torch.special's orthogonal polynomials: Chebyshev's T, U, V, W (and their shifted
forms on [0, 1]), Hermite's H and He, Laguerre's L and Legendre's P, of x at degree n.

Either of x and n may be a number. The result has torch's promoted dtype of the two
(integers become the default float type); its values come from the recurrences of
_polynomial_math.py, run in that dtype. torch gives them no derivative: no node.
"""
from .. import _backend
from .. import _polynomial_math as pm
from .. import _dtype as _dt
from ..tensor import Tensor
from ._promote import result_dtype
from ._table import ELEMENTWISE, Op

xp = _backend.xp


def _forward(kernel):
    def forward(x, n):
        dt = result_dtype(x, n)
        if dt.kind not in "f":
            dt = _dt.get_default_dtype().np
        x, n = xp.broadcast_arrays(xp.asarray(x, dt), xp.asarray(n, dt))
        return xp.asarray(kernel(x.ravel(), n.ravel())).reshape(x.shape).astype(dt, copy=False)
    return forward


def _chebyshev(kind, shifted=False):
    return lambda x, n: pm.chebyshev(x, n, kind, shifted)


_KERNELS = {
    "chebyshev_polynomial_t": _chebyshev("t"), "chebyshev_polynomial_u": _chebyshev("u"),
    "chebyshev_polynomial_v": _chebyshev("v"), "chebyshev_polynomial_w": _chebyshev("w"),
    "shifted_chebyshev_polynomial_t": _chebyshev("t", True),
    "shifted_chebyshev_polynomial_u": _chebyshev("u", True),
    "shifted_chebyshev_polynomial_v": _chebyshev("v", True),
    "shifted_chebyshev_polynomial_w": _chebyshev("w", True),
    "hermite_polynomial_h": lambda x, n: pm.hermite(x, n, True),
    "hermite_polynomial_he": lambda x, n: pm.hermite(x, n, False),
    "laguerre_polynomial_l": pm.laguerre, "legendre_polynomial_p": pm.legendre,
}
OPS = {name: Op(None, _forward(k), jvp=ELEMENTWISE, nondiff=("x", "n"))
       for name, k in _KERNELS.items()}
# (module attributes, so the batching rules find them as the other table ops)
globals().update({name + "_op": op for name, op in OPS.items()})


def _data(v):
    return v._data if isinstance(v, Tensor) else v


def _function(name, op):
    def fn(input, n, *, out=None):
        # (two numbers: torch.special's argument parser has refused them)
        dt = _dt.of_array_dtype(result_dtype(_data(input), _data(n)))
        if dt.is_complex or dt.is_floating_point and dt.itemsize == 2:
            raise NotImplementedError(f'"{name}_cpu" not implemented for \'{dt._cname}\'')
        return op(input, n)
    fn.__name__ = name
    return fn


SPECIAL = {name: _function(name, op) for name, op in OPS.items()}
