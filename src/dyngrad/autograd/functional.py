"""torch.autograd.functional: vjp, jvp, jacobian, hessian, vhp, hvp, over autograd.grad.

Each function takes ``func`` and its ``inputs`` (a Tensor or a tuple of Tensors) and
answers in the same nesting: a tuple in gives a tuple out, a Tensor in gives a Tensor out
(for the Jacobian, nested once per side: ``J[i][j]`` is output i by input j).

The inputs are handed to ``func`` as new tensors that require grad (detached, or a view
when ``create_graph`` should carry gradients back to them), so that inputs the function
captures by itself are told apart from the ones passed. Without ``create_graph`` the
results come back detached.

NOTE [The double-backward trick]
A Jacobian-vector product ``J v`` needs forward mode. It also comes from two reverse
passes: ``g(u) = J^T u`` is linear in ``u``, so the gradient of ``g(u) . v`` with respect
to ``u`` is ``J v`` whatever ``u`` is (zeros, which keep nan out). ``jvp`` and ``hvp``
use it, as torch's do; the forward-mode Jacobian runs forward-mode AD (forward_ad.py), one
basis tangent at a time where torch vmaps them.

    >>> def f(x):
    ...     return x ** 2
    >>> torch.autograd.functional.jacobian(f, torch.tensor([1., 2.]))
    tensor([[2., 0.],
            [0., 4.]])
"""
from .. import creation
from ..ops import torch_shape
from ..tensor import Tensor
from . import forward_ad, grad as _grad
from .grad_mode import enable_grad, is_grad_enabled, set_grad_enabled

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


# -- inputs and outputs ----------------------------------------------------------------
def _as_tuple(x, what, fn):
    """``(was it a tuple, the tuple)``; anything in it that is not a Tensor is refused."""
    is_tuple = isinstance(x, tuple)
    items = x if is_tuple else (x,)
    for i, el in enumerate(items):
        if not isinstance(el, Tensor):
            where = f"the value at index {i}" if is_tuple else f"the given {what}"
            raise TypeError(f"The {what} given to {fn} must be either a Tensor or a tuple of "
                            f"Tensors but {where} has type {type(el)}.")
    return is_tuple, items


def _untuple(res, is_tuple):
    """Undo ``_as_tuple``: one flag, or (outputs flag, inputs flag) for a nested result."""
    if isinstance(is_tuple, tuple):
        outer, inner = is_tuple
        if not inner:
            res = tuple(el[0] for el in res)
        return res if outer else res[0]
    return res if is_tuple else res[0]


def _prepare(inputs, create_graph, need_graph):
    """New tensors for ``func``: a view where gradients must flow back to the input (so the
    result can be differentiated again), a detached alias otherwise."""
    return tuple(t.view_as(t) if create_graph and t.requires_grad
                 else t.detach().requires_grad_(need_graph) for t in inputs)


def _finish(results, create_graph):
    """Results without history unless ``create_graph`` (nested tuples too)."""
    if isinstance(results[0], Tensor):
        return results if create_graph else tuple(r.detach() for r in results)
    return tuple(_finish(r, create_graph) for r in results)


def _check_v(v, like, like_is_tuple):
    if len(v) != len(like):
        if like_is_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(like)} but got "
                               f"{len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, like)):
        if a.size() != b.size():
            where = f"Entry {i} in " if like_is_tuple else ""
            raise RuntimeError(f"{where}v has invalid size: should be {b.size()} but got "
                               f"{a.size()}.")


def _get_v(v, fn, like, like_is_tuple, create_graph, none_message):
    """``v`` as a tuple checked against ``like``; None only for a single one-element tensor."""
    if v is None:
        if len(like) != 1 or like[0].nelement() != 1:
            raise RuntimeError(none_message)
        return None
    _, v = _as_tuple(v, "v", fn)
    v = _prepare(v, create_graph, False)
    _check_v(v, like, like_is_tuple)
    return v


_V_NONE_INPUT = ("The vector v can only be None if the input to the user-provided function is "
                 "a single Tensor with a single element.")


# -- strict mode -------------------------------------------------------------------------
_OUTPUT_CONSTANT = ("Output {i} of the user-provided function does not require gradients. The "
                    "outputs must be computed in a differentiable manner from the input when "
                    "running in strict mode.")
_GRAD_CONSTANT = ("The gradient with respect to input {i} is independent of the inputs of the "
                  "user-provided function. This is not allowed in strict mode.")
_JACOBIAN_CONSTANT = (
    "While computing the hessian, found that the jacobian of the user-provided function with "
    "respect to input {i} is independent of the input. This is not allowed in strict mode. "
    "You should ensure that your function is twice differentiable and that the jacobian "
    "depends on the inputs (this would be violated by a linear function for example).")
_HESSIAN_CONSTANT = (
    "The hessian of the user-provided function with respect to input {i} is independent of "
    "the input. This is not allowed in strict mode. You should ensure that your function is "
    "thrice differentiable and that the hessian depends on the inputs.")
_INDEPENDENT = ("The output of the user-provided function is independent of input {i}. This is "
                "not allowed in strict mode.")
_TRICK_INDEPENDENT = (
    "The gradient with respect to the input is independent of entry {i} in the grad_outputs "
    "when using the double backward trick to compute forward mode gradients. This is not "
    "allowed in strict mode.")
_JACOBIAN_INDEPENDENT = ("The jacobian of the user-provided function is independent of input "
                         "{i}. This is not allowed in strict mode.")
_HESSIAN_TRICK_INDEPENDENT = (
    "The hessian of the user-provided function is independent of entry {i} in the "
    "grad_jacobian. This is not allowed in strict mode as it prevents from using the double "
    "backward trick to replace forward mode AD.")
_JACOBIAN_CONSTANT_CG = ("The jacobian of the user-provided function is independent of input "
                         "{i}. This is not allowed in strict mode when create_graph=True.")
_HESSIAN_CONSTANT_CG = ("The hessian of the user-provided function is independent of input "
                        "{i}. This is not allowed in strict mode when create_graph=True.")


def _require_grad(tensors, strict, constant):
    """strict mode: every tensor must be there (a gradient may be None) and require grad."""
    if not strict:
        return
    for i, t in enumerate(tensors):
        if t is None:  # (only a gradient can be None)
            raise RuntimeError(_INDEPENDENT.format(i=i))
        if not t.requires_grad:
            raise RuntimeError(constant.format(i=i))



def _fill_zeros(grads, like, strict, create_graph, independent, constant_cg):
    """Zeros for the gradients that are None, or, in strict mode, torch's refusals."""
    out = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(independent.format(i=i))
            g = creation.zeros_like(like[i])
        elif strict and create_graph and not g.requires_grad:
            raise RuntimeError(constant_cg.format(i=i))
        out.append(g)
    return tuple(out)


def _grads(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None,
           is_grads_batched=False):
    """autograd.grad over the outputs that require grad (None for the others is fine)."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return _grad([o for o, _ in pairs], inputs, [g for _, g in pairs], allow_unused=True,
                 create_graph=create_graph, retain_graph=retain_graph,
                 is_grads_batched=is_grads_batched)


def _last_pass(ys, xs, v, like, strict, create_graph, independent, constant_cg):
    """A product's final backward pass: ``v`` through ``ys`` to ``xs``, recording only
    under create_graph, its missing gradients filled as ``_fill_zeros`` fills them."""
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        grads = _grads(ys, xs, v, create_graph=create_graph)
        return _fill_zeros(grads, like, strict, create_graph, independent, constant_cg)


def _returned(outputs, outputs_tuple, result, result_tuple, create_graph):
    """(outputs, product) as the products return them: ``_finish``-ed and untupled."""
    return (_untuple(_finish(outputs, create_graph), outputs_tuple),
            _untuple(_finish(result, create_graph), result_tuple))


# -- products with a vector -------------------------------------------------------------
def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """The outputs of ``func(*inputs)`` and the product ``v^T J`` (shaped as the inputs).

    >>> x = torch.tensor([1., 2.])
    >>> torch.autograd.functional.vjp(lambda x: 2 * x, x, torch.tensor([1., 3.]))
    (tensor([2., 4.]), tensor([2., 6.]))
    """
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prepare(inputs, create_graph, True)
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided "
                                           "function", "vjp")
        _require_grad(outputs, strict, _OUTPUT_CONSTANT)
        v = _get_v(v, "vjp", outputs, outputs_tuple, create_graph,
                   "The vector v can only be None if the user-provided function returns a "
                   "single Tensor with a single element.")
    result = _last_pass(outputs, inputs, v, inputs, strict, create_graph, _INDEPENDENT,
                        _JACOBIAN_CONSTANT_CG)
    return _returned(outputs, outputs_tuple, result, inputs_tuple, create_graph)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """The outputs of ``func(*inputs)`` and the product ``J v`` (shaped as the outputs), by
    the double-backward trick (NOTE [The double-backward trick]).

    >>> x = torch.tensor([1., 2.])
    >>> torch.autograd.functional.jvp(lambda x: x ** 2, x, torch.tensor([1., 1.]))
    (tensor([1., 4.]), tensor([2., 4.]))
    """
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prepare(inputs, create_graph, True)
        v = _get_v(v, "jvp", inputs, inputs_tuple, create_graph, _V_NONE_INPUT)
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided "
                                           "function", "jvp")
        _require_grad(outputs, strict, _OUTPUT_CONSTANT)
        dummies = tuple(creation.zeros_like(o, requires_grad=True) for o in outputs)
        grad_inputs = _grads(outputs, inputs, dummies, create_graph=True)
        _require_grad(grad_inputs, strict, _GRAD_CONSTANT)
    result = _last_pass(grad_inputs, dummies, v, outputs, strict, create_graph,
                        _TRICK_INDEPENDENT, _JACOBIAN_CONSTANT_CG)
    return _returned(outputs, outputs_tuple, result, outputs_tuple, create_graph)


def _hessian_product(name, func, inputs, v, create_graph, strict):
    """What vhp and hvp share: the inputs, the output (one element) and its gradient."""
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", name)
    inputs = _prepare(inputs, create_graph, True)
    v = _get_v(v, name, inputs, inputs_tuple, create_graph, _V_NONE_INPUT)
    outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function",
                                       name)
    _require_grad(outputs, strict, _OUTPUT_CONSTANT)
    if outputs_tuple or not isinstance(outputs[0], Tensor):
        raise RuntimeError(f"The function given to {name} should return a single Tensor")
    if outputs[0].nelement() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {name} should contain "
                           "a single element")
    jac = _grads(outputs, inputs, create_graph=True)
    _require_grad(jac, strict, _JACOBIAN_CONSTANT)
    return inputs_tuple, inputs, v, outputs_tuple, outputs, jac


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """The output of the scalar function ``func(*inputs)`` and the product ``v^T H``.

    >>> x, v = torch.tensor([1., 2.]), torch.tensor([1., 0.])
    >>> torch.autograd.functional.vhp(lambda x: (x ** 3).sum(), x, v)
    (tensor(9.), tensor([6., 0.]))
    """
    with enable_grad():
        inputs_tuple, inputs, v, outputs_tuple, outputs, jac = _hessian_product(
            "vhp", func, inputs, v, create_graph, strict)
    result = _last_pass(jac, inputs, v, inputs, strict, create_graph, _JACOBIAN_INDEPENDENT,
                        _HESSIAN_CONSTANT_CG)
    return _returned(outputs, outputs_tuple, result, inputs_tuple, create_graph)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """The output of the scalar function ``func(*inputs)`` and the product ``H v``, by the
    double-backward trick (NOTE [The double-backward trick]).

    >>> x, v = torch.tensor([1., 2.]), torch.tensor([1., 0.])
    >>> torch.autograd.functional.hvp(lambda x: (x ** 3).sum(), x, v)
    (tensor(9.), tensor([6., 0.]))
    """
    with enable_grad():
        inputs_tuple, inputs, v, outputs_tuple, outputs, jac = _hessian_product(
            "hvp", func, inputs, v, create_graph, strict)
        dummies = tuple(creation.zeros_like(t, requires_grad=True) for t in inputs)
        double_back = _grads(jac, inputs, dummies, create_graph=True)
        # (torch checks the gradients here again, not double_back)
        _require_grad(jac, strict, _HESSIAN_CONSTANT)
    result = _last_pass(double_back, dummies, v, inputs, strict, create_graph,
                        _HESSIAN_TRICK_INDEPENDENT, _HESSIAN_CONSTANT_CG)
    return _returned(outputs, outputs_tuple, result, inputs_tuple, create_graph)


# -- full matrices -----------------------------------------------------------------------
def _basis(like, numels):
    """The identity of size sum(numels), cut into one block of columns per tensor (each in
    that tensor's dtype): block k holds the rows that pick tensor k's elements."""
    total = sum(numels)
    blocks, start = [], 0
    for t, n in zip(like, numels):
        blocks.append(creation.eye(total, dtype=t.dtype)[:, start:start + n])
        start += n
    return tuple(blocks)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: ``J[i][j]`` has the shape of output i followed
    by the shape of input j (a Tensor when there is one of each).

    ``vectorize=True`` asks ``autograd.grad(is_grads_batched=True)`` for all rows at once
    (one backward, vmapped over the rows). ``strategy="forward-mode"`` (which needs
    ``vectorize=True``, as in torch) gives the columns by forward-mode AD, in the
    outputs' dtype, as torch's forward mode does.

    >>> x, y = torch.tensor([1., 2.]), torch.tensor([3., 4.])
    >>> torch.autograd.functional.jacobian(lambda x, y: x * y, (x, y))
    (tensor([[3., 0.],
            [0., 4.]]), tensor([[1., 0.],
            [0., 2.]]))
    """
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
            'function has more outputs than inputs, "forward-mode" tends to be more performant. '
            'Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError(
                "torch.autograd.functional.jacobian: `create_graph=True` and "
                '`strategy="forward-mode"` are not supported together (yet). Please either set '
                '`create_graph=False` or `strategy="reverse-mode"`.')
        return _jacobian_columns(func, inputs, strict, vectorize)
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prepare(inputs, create_graph, True)
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided "
                                           "function", "jacobian")
        _require_grad(outputs, strict, _OUTPUT_CONSTANT)
        if vectorize:
            if strict:
                raise RuntimeError(
                    "torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` "
                    "are not supported together. Please either set `strict=False` or "
                    "`vectorize=False`.")
            jac = _jacobian_rows_batched(outputs, inputs, create_graph)
        else:
            jac = tuple(_jacobian_rows(i, out, inputs, create_graph, strict)
                        for i, out in enumerate(outputs))
        jac = _finish(jac, create_graph)
    return _untuple(jac, (outputs_tuple, inputs_tuple))


def _jacobian_rows(i, out, inputs, create_graph, strict):
    """Output ``i``'s Jacobian by each input, one backward per element of the output."""
    rows = [[] for _ in inputs]
    flat = out.reshape(-1)
    for k in range(out.nelement()):
        grads = _grads((flat[k],), inputs, retain_graph=True, create_graph=create_graph)
        for j, (g, inp) in enumerate(zip(grads, inputs)):
            if g is None:
                if strict:
                    raise RuntimeError(f"Output {i} of the user-provided function is "
                                       f"independent of input {j}. This is not allowed in "
                                       "strict mode.")
                g = creation.zeros_like(inp)
            elif strict and create_graph and not g.requires_grad:
                # (torch names the output's number here, where it means the input's)
                raise RuntimeError(_JACOBIAN_CONSTANT_CG.format(i=i))
            rows[j].append(g)
    return tuple(torch_shape.stack(r, dim=0).view(out.size() + inp.size())
                 for r, inp in zip(rows, inputs))


def _jacobian_rows_batched(outputs, inputs, create_graph):
    """Every row at once: the flattened outputs' gradients for the rows of the identity."""
    numels = tuple(o.numel() for o in outputs)
    basis = _basis(outputs, numels)
    flat = tuple(o.reshape(-1) for o in outputs)
    grads = _grads(flat, inputs, basis, create_graph=create_graph, is_grads_batched=True)
    per_input = []
    for g, inp in zip(grads, inputs):
        if g is None:
            g = creation.zeros_like(inp).expand((sum(numels),) + tuple(inp.shape))
        per_input.append([part.view(o.shape + inp.shape)
                          for part, o in zip(g.split(numels, dim=0), outputs)])
    return tuple(zip(*per_input))


def _jacobian_columns(func, inputs, strict, vectorize):
    """strategy="forward-mode": the columns ``J e_k``, by forward-mode AD."""
    if strict:
        raise RuntimeError(
            "torch.autograd.functional.jacobian: `strict=True` and `strategy=\"forward-mode\"` "
            "are not supported together (yet). Please either set `strict=False` or "
            "`strategy=\"reverse-mode\"`.")
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    if not vectorize:
        # (torch's text, a space missing)
        raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse "
                                  "Hessian isonly implemented for `vectorize=True`.")
    # All the columns in one forward-mode pass, as torch does: the dual tensors' tangents
    # are the basis (one per input element), vmapped over. (A column keeps the graph its
    # tangent has, as torch's do: the hessian's inner Jacobian records one.)
    from ..func import vmap  # (func sits above autograd)
    numels = tuple(t.numel() for t in inputs)
    total = sum(numels)
    info = []

    def push(*tangents):
        with forward_ad.dual_level():
            args = tuple(forward_ad.make_dual(t, v) for t, v in zip(inputs, tangents))
            # (torch names neither the argument nor the function here: "given to None")
            outputs_tuple, outputs = _as_tuple(func(*args), "outputs", None)
            pairs = [forward_ad.unpack_dual(o) for o in outputs]
        info.append((outputs_tuple, [p for p, _ in pairs]))
        return tuple(creation.zeros_like(p) if t is None else t for p, t in pairs)
    if total:
        columns = vmap(push)(*(b.reshape((total,) + tuple(t.shape))
                               for b, t in zip(_basis(inputs, numels), inputs)))
        outputs_tuple, outputs = info[0]
    else:  # no input element: the outputs' shapes from one plain call
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs", None)
        columns = [creation.zeros((0,) + tuple(o.shape), dtype=o.dtype) for o in outputs]
    jac = []
    for col, out in zip(columns, outputs):
        # the batch runs over the inputs' elements: move it last, then split it per input
        jac.append([part.permute(*range(1, part.dim()), 0).reshape(out.shape + t.shape)
                    for part, t in zip(col.split(numels, dim=0), inputs)])
    # (lists, where the other strategy gives tuples: torch's forward mode does the same)
    return _untuple(jac, (outputs_tuple, inputs_tuple))


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of the scalar function ``func``: ``H[i][j]`` has the shape of input i
    followed by the shape of input j (a Tensor for a single input).

    >>> torch.autograd.functional.hessian(lambda x: (x ** 3).sum(), torch.tensor([1., 2.]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def single_output(*inp):
        out = func(*inp)
        out_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _require_grad(outs, strict, _OUTPUT_CONSTANT)
        if out_tuple or not isinstance(out, Tensor):
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.nelement() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should "
                               "contain a single element")
        return out.squeeze()

    def gradient(*inp):
        if outer_jacobian_strategy == "forward-mode":
            # (the attribute: requires_grad_() is refused inside the vmap that pushes the
            # tangents, where torch's legacy vmap allows it)
            for t in inp:
                if not t.requires_grad:
                    t.requires_grad = True
        jac = jacobian(single_output, inp, create_graph=True)
        _require_grad(jac, strict, _JACOBIAN_CONSTANT)
        return jac

    res = jacobian(gradient, inputs, create_graph=create_graph, strict=strict,
                   vectorize=vectorize, strategy=outer_jacobian_strategy)
    return _untuple(res, (inputs_tuple, inputs_tuple))
