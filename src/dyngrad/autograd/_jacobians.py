"""Jacobians three ways, for gradcheck: numerically, one column per input element by
central differences; analytically, one row per output element by a backward pass; and
by forward mode, one JVP per input element.

Inputs are perturbed in place through ``.data``, which does not bump their version.
"""
import itertools
from collections.abc import Iterable

from .. import creation
from ..tensor import Tensor
from . import forward_ad, grad as _grad


def as_tuple(x):
    if isinstance(x, tuple):
        return x
    if isinstance(x, list):
        return tuple(x)
    return (x,)


def iter_tensors(x, only_requiring_grad=False):
    """The tensors in ``x``, nested lists and tuples included."""
    if isinstance(x, Tensor):
        if x.requires_grad or not only_requiring_grad:
            yield x
    elif isinstance(x, Iterable) and not isinstance(x, str):
        for el in x:
            yield from iter_tensors(el, only_requiring_grad)


def is_float(t):
    return isinstance(t, Tensor) and (t.is_floating_point() or t.is_complex())


def _central_difference(fn, entry, delta, eps, check):
    """(fn at entry + delta - fn at entry - delta) / 2 eps for each output, flattened;
    ``entry`` (part of an input's ``.data``) is written in place and put back."""
    orig = entry.clone()
    entry.copy_(orig - delta)
    before = fn()
    entry.copy_(orig + delta)
    after = fn()
    entry.copy_(orig)
    result = []
    for a, b in zip(before, after):
        check(a, b)
        result.append(((b - a) / (2 * eps)).detach().reshape(-1))
    return result


def _same_dtype_and_shape(eps, idx=None):
    where = f"on index {idx} " if idx is not None else ""

    def check(a, b):
        if a.shape != b.shape:
            raise AssertionError("Expected `func` to return outputs with the same shape when "
                                 f"inputs are perturbed {where}by {eps}, but got: shapes "
                                 f"{a.shape} and {b.shape}.")
        if a.dtype != b.dtype:
            raise AssertionError("Expected `func` to return outputs with the same dtype when "
                                 f"inputs are perturbed {where}by {eps}, but got: dtypes "
                                 f"{a.dtype} and {b.dtype}.")
    return check


def _outputs_of(func, inputs):
    return lambda: tuple(o.clone() for o in as_tuple(func(*inputs)))


def numerical_jacobians(func, inputs, func_out, eps):
    """For each input that requires grad, one Jacobian per float output, shaped
    (input numel, output numel): column k from perturbing the input's element k.

    A complex input's column is the conjugate Wirtinger derivative of the (real) outputs,
    ds/dx + i ds/dy from a real and an imaginary step, in the input's dtype."""
    fn = _outputs_of(func, inputs)
    result = []
    for x in inputs:
        if not (isinstance(x, Tensor) and x.requires_grad):
            continue
        dtype = x.dtype if x.is_complex() else None
        jacs = [o.new_zeros((x.numel(), o.numel()), dtype=dtype) for o in func_out
                if is_float(o)]
        data = x.data
        for k, idx in enumerate(itertools.product(*[range(m) for m in x.shape])):
            check = _same_dtype_and_shape(eps, idx)
            cols = _central_difference(fn, data[idx], eps, eps, check)
            if dtype is not None:
                cols = [dx + dy * 1j for dx, dy in
                        zip(cols, _central_difference(fn, data[idx], eps * 1j, eps, check))]
            # (as torch: the i-th float output's Jacobian takes the i-th output's column)
            for i, jac in enumerate(jacs):
                jac[k] = cols[i]
        result.append(tuple(jacs))
    return result


def numerical_jvps(func, inputs, i, u, eps):
    """The finite difference of every output along ``eps * u`` for input ``i``."""
    data = inputs[i].data
    return _central_difference(_outputs_of(func, inputs), data, u.reshape(data.shape) * eps,
                               eps, _same_dtype_and_shape(eps))


def analytical_jacobians(inputs, output, v=None):
    """For each input that requires grad, ``output``'s Jacobian by it, shaped
    (input numel, output numel), one backward per row; with ``v`` (fast mode) the single
    row ``v^T J``. Returns the Jacobians, whether every gradient had its input's size, and
    whether every one had its dtype."""
    wrt = list(iter_tensors(inputs, True))

    def vjp(grad_output):
        return _grad(output, wrt, grad_output, retain_graph=True, allow_unused=True)

    def row(grad_output):  # (copies: a gradient may be a view of grad_output)
        return [None if g is None else g.clone() for g in vjp(grad_output)]

    def rows():
        if v is not None:
            return [[g] for g in row(v.reshape(output.shape))]
        basis = creation.zeros_like(output)
        flat = basis.view(-1)
        per_input = [[] for _ in wrt]
        for j in range(flat.numel()):
            flat.zero_()
            flat[j] = 1.0
            for i, g in enumerate(row(basis)):
                per_input[i].append(g)
        return per_input

    return stack(rows(), inputs, wrt, 1 if v is not None else output.numel())


def stack(rows, inputs, wrt, n):
    """The rows of each input's Jacobian as columns of a (input numel, n) matrix in the
    input's dtype (a missing gradient is a column of zeros)."""
    jacs = [t.new_zeros((t.numel(), n)) for t in inputs if is_float(t) and t.requires_grad]
    sizes_ok = types_ok = True
    for i, per_row in enumerate(rows):
        x, jac = wrt[i], jacs[i]
        for j, g in enumerate(per_row):
            if g is not None and g.size() != x.size():
                sizes_ok = False
            elif g is not None and g.dtype != x.dtype:
                types_ok = False
            if g is not None:
                if jac[:, j].numel() != g.numel():
                    raise AssertionError(f"Expected out_jacobian column to have {g.numel()} "
                                         f"elements, but got {jac[:, j].numel()}")
                jac[:, j] = g.reshape(-1)
    return jacs, sizes_ok, types_ok


def forward_jacobians(func, inputs):
    """For each input that requires grad, the Jacobian of each float output by forward mode,
    shaped (input numel, output numel): row k is the outputs' tangent when the input's
    element k has tangent 1 (the other inputs none)."""
    wrt = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    result = []
    for i in wrt:
        x = inputs[i]
        rows = []
        basis = creation.zeros_like(x, requires_grad=False)
        flat = basis.view(-1)
        for k in range(x.numel()):
            flat.zero_()
            flat[k] = 1.0
            with forward_ad.dual_level():
                args = [forward_ad.make_dual(a.detach(), basis) if j == i
                        else a.detach() if isinstance(a, Tensor) else a
                        for j, a in enumerate(inputs)]
                outs = [o for o in as_tuple(func(*args)) if is_float(o)]
                rows.append([_tangent(o, forward_ad.unpack_dual(o).tangent) for o in outs])
        jacs = [t.new_zeros((x.numel(), t.numel())) for t in (rows[0] if rows else [])]
        for k, row in enumerate(rows):
            for jac, t in zip(jacs, row):
                jac[k] = t.reshape(-1)
        result.append(jacs)
    return result


def _tangent(out, tangent):
    return creation.zeros_like(out).detach() if tangent is None else tangent.detach().clone()
