"""torch.func's reverse-mode transforms: grad, grad_and_value, vjp, jacrev.

NOTE [Transform levels]
A transform differentiates with respect to its own copies of the inputs ("lifted"): a
fresh leaf for a tensor that takes no gradient outside, an alias (a view with its own
node) for one that does, so that the gradient asked for stops at the transform's input
while the tensor's own graph stays behind it. Nested transforms therefore never see
each other's inputs (``grad(grad(f))``, ``grad(lambda x: grad(lambda y: x * y)(x))``).
The backward is recorded (create_graph) only when the function's result reaches
something outside the transform: a tensor that requires grad outside, an older node,
or, under vmap, a physical value that requires grad. Then the results keep that
graph, as torch's do; otherwise they come back without one.

NOTE [Leaves made inside a transform]
A tensor made to require grad while the transform's function runs (``torch.tensor(...,
requires_grad=True)``, ``nn.Parameter``, ``t.requires_grad = True``) belongs to the
transform as its lifted inputs do: reaching it is not reaching outside, so the results
come back without a graph, as torch's do. ``requires_grad_()`` and ``backward()`` are
refused inside any transform, as torch refuses them (tensor.py).

Inside vmap, a lifted input is a BatchedTensor of the innermost level that takes a
gradient per sample (NOTE [Batched tensors] in ops/_batched.py); an input not batched
there is expanded over the batch first (stride 0, no copy), so that its gradient is per
sample too.
"""
import functools

from .. import creation
from .._autograd_state import DUAL, set_tangent, tangent_of, transform_frame
from ..autograd import grad_mode
from ..autograd import grad as autograd_grad
from ..autograd.graph import AccumulateGrad, next_sequence_nr, walk
from ..ops import views as vw
from ..ops._batched import BatchedTensor, is_batched, make_batched
from ..tensor import Tensor
from ..utils._pytree import spec_repr, tree_flatten, tree_unflatten
from ._vmap import vmap

__all__ = ["grad", "grad_and_value", "vjp", "jacrev"]

_state = grad_mode.state


# -- lifting (NOTE [Transform levels]) --------------------------------------------------

def _lift(x):
    if not isinstance(x, Tensor):
        raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
    frames = _state.batching
    if frames:
        level, size = frames[-1][0], frames[-1][1]
        if is_batched(x, level):
            if x._requires_grad:
                return vw.alias(x)
            t = make_batched(x._value, level)
        else:
            t = make_batched(x.expand((size,) + tuple(x.shape)), level)
        t._requires_grad = True
    elif x.requires_grad:
        return vw.alias(x)
    else:
        t = x.detach()
        t._requires_grad = True  # (not a leaf made inside an enclosing transform: its input)
    # a dual input stays dual (forward-over-reverse: jvp of grad, jacfwd of jacrev): the
    # lifted copy has the input's tangent
    if DUAL[0] is not None:
        tangent = tangent_of(x)
        if tangent is not None:
            set_tangent(t, tangent)
    return t


def _lift_tree(tree):
    leaves, spec = tree_flatten(tree)
    lifted = [_lift(x) for x in leaves]
    return tree_unflatten(lifted, spec), lifted, spec


def _reaches_outer(tensors, start, lifted, inner):
    """Whether any of ``tensors`` depends on something that takes a gradient outside this
    transform (made before ``start``, or a leaf it neither lifted nor made: ``inner``)."""
    ours = {id(t) for t in lifted}
    ours.update(inner)
    stack = []
    for t in tensors:
        if type(t) is BatchedTensor and t._value.requires_grad:
            return True
        fn = t.grad_fn
        if fn is not None:
            stack.append(fn)
        elif t.requires_grad and id(t) not in ours:
            return True
    for node in walk(stack):
        if type(node) is AccumulateGrad:
            if id(node.variable) not in ours:
                return True
        elif node._sequence_nr < start:
            return True
    return False


def _unlifted(t, keep):
    """A result handed back to the caller: with its graph when it reaches outside."""
    return t if keep else t.detach()


def _tensors_only(tree, where):
    leaves, _ = tree_flatten(tree)
    for x in leaves:
        if not isinstance(x, Tensor):
            raise RuntimeError(f"{where}Expected tensors, got unsupported type {type(x)}")
    return leaves


# -- argnums ------------------------------------------------------------------------------

def _check_argnums(argnums, args):
    nums = argnums if isinstance(argnums, tuple) else (argnums,)
    if not isinstance(argnums, (int, tuple)) or not all(isinstance(a, int) for a in nums):
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    if not nums:
        raise RuntimeError("argnums must be non-empty")
    for a in nums:
        if not -len(args) <= a < len(args):
            raise RuntimeError(f"Got argnum={a}, but only {len(args)} positional inputs")
    return tuple(a % len(args) for a in nums)


def _with(args, nums, values):
    new = list(args)
    for a, v in zip(nums, values):
        new[a] = v
    return tuple(new)


# -- grad ---------------------------------------------------------------------------------

def grad_and_value(func, argnums=0, has_aux=False):
    """The gradient of ``func``'s scalar result with respect to the ``argnums`` inputs, and
    the result.

    >>> torch.func.grad_and_value(lambda x: (x ** 2).sum())(torch.tensor([1., 2.]))
    (tensor([2., 4.]), tensor(5.))
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return _grad_and_value(func, argnums, has_aux, args, kwargs)
    return wrapper


def grad(func, argnums=0, has_aux=False):
    """The gradient of ``func``'s scalar result with respect to the ``argnums`` inputs.

    >>> torch.func.grad(lambda x: x.sin().sum())(torch.tensor([0.]))
    tensor([1.])
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, value = _grad_and_value(func, argnums, has_aux, args, kwargs)
        return (g, value[1]) if has_aux else g
    return wrapper


def _grad_and_value(func, argnums, has_aux, args, kwargs):
    nums = _check_argnums(argnums, args)
    outside = _state.enabled
    with grad_mode.enable_grad(), transform_frame() as inner:
        start = next_sequence_nr()
        picked = [_lift_tree(args[a]) for a in nums]
        out = func(*_with(args, nums, [p[0] for p in picked]), **kwargs)
        where = "grad_and_value(f)(*args): "
        if has_aux:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise RuntimeError(f"{where}output of function f should be a tuple: (output, aux) "
                                   "if has_aux is True")
            out, aux = out
        if not isinstance(out, Tensor):
            raise RuntimeError(f"{where}Expected f(*args) to return a Tensor, got {type(out)}")
        if out.dim() != 0:
            raise RuntimeError(f"{where}Expected f(*args) to return a scalar Tensor, got tensor "
                               f"with {out.dim()} dims. Maybe you wanted to use the vjp or jacrev "
                               "APIs instead?")
        if has_aux:
            aux_leaves = _tensors_only(aux, "")
        lifted = [t for p in picked for t in p[1]]
        keep = outside and _reaches_outer([out], start, lifted, inner)
        # (with a graph kept, a later backward may run these nodes again: retained)
        grads = _grads([out], lifted, None, keep, keep)
    trees = [tree_unflatten(grads[i:i + len(p[1])], p[2])
             for i, p in zip(_offsets(picked), picked)]
    g = trees[0] if isinstance(argnums, int) else tuple(trees)
    value = _unlifted(out, keep)
    if has_aux:
        aux = tree_unflatten([_unlifted(a, keep) for a in aux_leaves], tree_flatten(aux)[1])
        return g, (value, aux)
    return g, value


def _offsets(picked):
    at, out = 0, []
    for p in picked:
        out.append(at)
        at += len(p[1])
    return out


def _grads(outs, inputs, cotangents, create_graph, retain_graph):
    """autograd.grad over the outputs that take a gradient; zeros where none arrives."""
    pairs = [(o, c) for o, c in zip(outs, cotangents or [None] * len(outs)) if o.requires_grad]
    if pairs:
        got = autograd_grad([o for o, _ in pairs], inputs,
                            None if cotangents is None else [c for _, c in pairs],
                            retain_graph=retain_graph, create_graph=create_graph,
                            allow_unused=True)
    else:
        got = [None] * len(inputs)
    return [creation.zeros_like(x) if g is None else g for g, x in zip(got, inputs)]


# -- vjp and jacrev ------------------------------------------------------------------------

def vjp(func, *primals, has_aux=False):
    """``func(*primals)`` and the function that maps cotangents of its outputs to
    gradients of the primals.

    >>> out, vjp_fn = torch.func.vjp(torch.sin, torch.tensor([0.]))
    >>> vjp_fn(torch.tensor([2.]))
    (tensor([2.]),)
    """
    outside = _state.enabled
    with grad_mode.enable_grad(), transform_frame() as inner:
        start = next_sequence_nr()
        lifted_trees = [_lift_tree(p) for p in primals]
        out = func(*[p[0] for p in lifted_trees])
        where = "vjp(f, *primals): "
        if has_aux:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise RuntimeError(f"{where}output of function f should be a tuple: (output, aux) "
                                   "if has_aux is True")
            out, aux = out
        flat_out, out_spec = tree_flatten(out)
        for o in flat_out:
            if not isinstance(o, Tensor):
                raise RuntimeError(f"{where}expected f(*primals) to return only tensors, got "
                                   f"unsupported type {type(o)}")
        if has_aux:
            aux_leaves = _tensors_only(aux, "")
        lifted = [t for p in lifted_trees for t in p[1]]
        keep = outside and _reaches_outer(flat_out, start, lifted, inner)

    def vjp_fn(cotangents, *, retain_graph=True, create_graph=None):
        flat_cot, cot_spec = tree_flatten(cotangents)
        if cot_spec != out_spec:
            raise RuntimeError("Expected pytree structure of cotangents to be the same as pytree "
                               f"structure of outputs to the function. cotangents: "
                               f"{spec_repr(cot_spec)}, primal output: {spec_repr(out_spec)}")
        create = keep if create_graph is None else create_graph
        with grad_mode.enable_grad():
            grads = _grads(flat_out, lifted, flat_cot, create, retain_graph)
        trees, at = [], 0
        for p in lifted_trees:
            trees.append(tree_unflatten(grads[at:at + len(p[1])], p[2]))
            at += len(p[1])
        return tuple(trees)

    value = tree_unflatten([_unlifted(o, keep) for o in flat_out], out_spec)
    if has_aux:
        return value, vjp_fn, tree_unflatten([_unlifted(a, keep) for a in aux_leaves],
                                              tree_flatten(aux)[1])
    return value, vjp_fn


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """The Jacobian of ``func`` with respect to the ``argnums`` inputs, by reverse mode: one
    vjp vmapped over the rows of the identity.

    >>> torch.func.jacrev(torch.sin)(torch.tensor([0., 0.]))
    tensor([[1., 0.],
            [0., 1.]])
    """
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        nums = _check_argnums(argnums, args)

        def partial(*picked):
            return func(*_with(args, nums, picked), **kwargs)
        res = vjp(partial, *[args[a] for a in nums], has_aux=has_aux)
        out, vjp_fn = res[0], res[1]
        flat_out, out_spec = tree_flatten(out)
        sizes = [o.numel() for o in flat_out]
        total = sum(sizes)
        basis, at = [], 0
        for o, n in zip(flat_out, sizes):
            eye = creation.eye(total, dtype=o.dtype)
            basis.append(eye.narrow(1, at, n).reshape((total,) + tuple(o.shape)))
            at += n
        if total:
            cols = vmap(vjp_fn, chunk_size=chunk_size)(tree_unflatten(basis, out_spec))
        else:
            cols = vjp_fn(tree_unflatten([o.new_zeros(o.shape) for o in flat_out], out_spec))
            cols = tuple(tree_unflatten([g.unsqueeze(0)[:0] for g in tree_flatten(c)[0]],
                                        tree_flatten(c)[1]) for c in cols)
        flat_in = [tree_flatten(c) for c in cols]
        per_out, at = [], 0
        for o, n in zip(flat_out, sizes):
            trees = [tree_unflatten([g.narrow(0, at, n).reshape(tuple(o.shape) + tuple(g.shape[1:]))
                                     for g in leaves], spec) for leaves, spec in flat_in]
            per_out.append(trees[0] if isinstance(argnums, int) else tuple(trees))
            at += n
        jac = tree_unflatten(per_out, out_spec)
        return (jac, res[2]) if has_aux else jac
    return wrapper
