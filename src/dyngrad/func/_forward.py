"""torch.func's forward-mode transforms: jvp, jacfwd, linearize, and hessian (jacfwd of a
reverse-mode Jacobian), built on dual tensors (autograd/forward_ad.py).

>>> x = torch.tensor([0.5, 1.5])
>>> torch.func.jvp(torch.sin, (x,), (torch.ones(2),))
(tensor([0.4794, 0.9975]), tensor([0.8776, 0.0707]))

jacfwd pushes every basis tangent through the function at once (vmap of jvp), and hessian
differentiates a reverse-mode Jacobian that way, so that it is forward-over-reverse, as
torch's. A jvp inside another one (jvp of jvp) opens no second dual level: it takes its
JVP by two reverse passes, which carry the outer tangents (under vmap, as in jacfwd of
jacfwd, that raises NotImplementedError).
"""
import functools

from .. import autograd, creation
from .._autograd_state import DUAL, set_tangent, tangent_of, transform_frame
from ..autograd import forward_ad as fwAD
from ..autograd import grad_mode
from ..autograd.graph import next_sequence_nr
from ..creation import zeros_like
from ..ops._jvp import pairing
from ..tensor import Tensor
from ._grad import _lift, _reaches_outer, jacrev
from ._vmap import vmap

__all__ = ["jvp", "jacfwd", "linearize", "hessian"]


# -- pytrees: tuples, lists and dicts of tensors ----------------------------------------
class _Spec:
    """The structure of a nested tuple/list/dict, as torch's TreeSpec prints it."""

    def __init__(self, kind, context, children):
        self.kind, self.context, self.children = kind, context, children

    def __eq__(self, other):
        return (isinstance(other, _Spec) and self.kind == other.kind
                and self.context == other.context and self.children == other.children)

    def text(self, indent=0):
        inner = (",\n" + " " * (indent + 2)).join(
            "*" if c is None else c.text(indent + 2) for c in self.children)
        return f"TreeSpec({self.kind.__name__}, {self.context}, [{inner}])"


def _flatten(tree):
    """The leaves of ``tree`` and its spec (None for a leaf)."""
    if isinstance(tree, (tuple, list)):
        leaves, specs = [], []
        for c in tree:
            ls, s = _flatten(c)
            leaves += ls
            specs.append(s)
        return leaves, _Spec(type(tree), None, specs)
    if isinstance(tree, dict):
        leaves, specs = [], []
        for c in tree.values():
            ls, s = _flatten(c)
            leaves += ls
            specs.append(s)
        return leaves, _Spec(dict, list(tree), specs)
    return [tree], None


def _unflatten(leaves, spec):
    it = iter(leaves)

    def build(s):
        if s is None:
            return next(it)
        children = [build(c) for c in s.children]
        if s.kind is dict:
            return dict(zip(s.context, children))
        return s.kind(children)
    return build(spec)


def _spec_text(spec):
    return "*" if spec is None else spec.text()


# -- jvp ----------------------------------------------------------------------------------
def _check_outputs(outs, name):
    for o in outs:
        if not isinstance(o, Tensor):
            raise RuntimeError(f"{name}: expected f(*primals) to return only tensors, got "
                               f"unsupported type {type(o)}")


def _check_tensors(flat, what, name):
    if not flat:
        raise RuntimeError(f"{name}: Expected {what} to contain at least one Tensor.")
    for t in flat:
        if not isinstance(t, Tensor):
            raise RuntimeError(f"{name}: Expected {what} to only contain Tensors, got {type(t)}")


def _primal(t):
    return fwAD.unpack_dual(t).primal if isinstance(t, Tensor) else t


def _run_dual(func, primals, tangents, has_aux, name, strict=False):
    """Inside a dual level: ``func`` at ``primals`` with ``tangents``; the flat outputs'
    primals and tangents (zeros where none; ``strict``: an error), their spec and the
    aux."""
    flat_p, spec_p = _flatten(primals)
    flat_t, spec_t = _flatten(tangents)
    if spec_p != spec_t:
        raise RuntimeError(
            f"{name}: Expected primals and tangents to have the same python structure. For "
            "example, if primals is a tuple of 3 tensors, tangents also must be. Got primals "
            f"with structure {_spec_text(spec_p)} and tangents with structure "
            f"{_spec_text(spec_t)}")
    if DUAL[0] is not None:
        return _run_nested(func, flat_p, spec_p, flat_t, has_aux, name, strict)
    with fwAD.dual_level(), transform_frame():
        duals = [p if t is None else fwAD.make_dual(p, t) for p, t in zip(flat_p, flat_t)]
        flat_o, spec_o, aux = _outputs(func(*_unflatten(duals, spec_p)), has_aux, name)
        pairs = [fwAD.unpack_dual(o) for o in flat_o]
        if strict and any(t is None for _, t in pairs):
            raise RuntimeError(_STRICT)
        outs = [p for p, _ in pairs]
        jvps = [zeros_like(p) if t is None else t for p, t in pairs]
    return outs, jvps, spec_o, aux


_STRICT = ("jvp(f, primals, tangents, strict=True): The output of f is independent of the "
           "inputs. This is not allowed with strict=True.")


def _outputs(out, has_aux, name, unwrap=None):
    """``func``'s result, checked as torch checks it: the flat outputs, their spec, and
    the aux (its tensors' primals, or ``unwrap`` of each)."""
    aux = None
    if has_aux:
        if not (isinstance(out, tuple) and len(out) == 2):
            raise RuntimeError(f"{name}: output of function f should be a tuple: "
                               "(output, aux) if has_aux is True")
        out, aux = out
        flat_a, spec_a = _flatten(aux)
        for a in flat_a:
            if not isinstance(a, Tensor):
                raise RuntimeError(f"Expected tensors, got unsupported type {type(a)}")
        aux = _unflatten([(unwrap or _primal)(a) for a in flat_a], spec_a)
    flat_o, spec_o = _flatten(out)
    if not flat_o or flat_o == [None]:
        raise RuntimeError(f"{name}: Expected f to be a function that has non-empty "
                           f"output (got output = {flat_o})")
    _check_outputs(flat_o, name)
    return flat_o, spec_o, aux


def _run_nested(func, flat_p, spec_p, flat_t, has_aux, name, strict):
    """A jvp inside another one's dual level (jvp of jvp, jacfwd of jacfwd), where no second
    level opens (NOTE [Dual levels]): ``J t`` as the gradient in ``u`` of ``<J^T u, t>``,
    two reverse passes whose ops carry the outer level's tangents on (forward over
    reverse over reverse). Results that reach nothing outside come back without a graph,
    their outer tangents too, as a transform's results do (NOTE [Transform levels])."""
    if grad_mode.state.batching:
        raise NotImplementedError("dyngrad: a jvp (or jacfwd) nested in another one under "
                                  "vmap is not supported yet")
    with grad_mode.enable_grad(), transform_frame() as inner:
        start = next_sequence_nr()
        lifted = [_lift(p) for p in flat_p]
        # (the aux keeps the outer level's tangents, as the outputs do)
        flat_o, spec_o, aux = _outputs(func(*_unflatten(lifted, spec_p)), has_aux, name,
                                       unwrap=_as_is)
        if strict and any(not o.requires_grad for o in flat_o):
            raise RuntimeError(_STRICT)
        wanted = [o.requires_grad and (o.is_floating_point() or o.is_complex())
                  for o in flat_o]
        us = [_zero_leaf(o) if w else None for o, w in zip(flat_o, wanted)]
        pairs = [(o, u) for o, u in zip(flat_o, us) if u is not None]
        total = None
        if pairs:
            gs = autograd.grad([o for o, _ in pairs], lifted, [u for _, u in pairs],
                               create_graph=True, allow_unused=True)
            for g, t in zip(gs, flat_t):
                if g is not None and t is not None:
                    term = pairing(g, t)
                    total = term if total is None else total + term
        jvps = [zeros_like(o) for o in flat_o]
        if total is not None and total.requires_grad:
            got = autograd.grad(total, [u for _, u in pairs], create_graph=True,
                                allow_unused=True, materialize_grads=True)
            at = iter(got)
            jvps = [next(at) if u is not None else j for u, j in zip(us, jvps)]
        keep = _reaches_outer(flat_o + jvps, start, lifted, inner)
    if not keep:
        flat_o, jvps = [_detached(o) for o in flat_o], [_detached(j) for j in jvps]
        if has_aux:
            flat_a, spec_a = _flatten(aux)
            aux = _unflatten([_detached(a) for a in flat_a], spec_a)
    return flat_o, jvps, spec_o, aux


def _as_is(t):
    return t


def _zero_leaf(like):
    u = zeros_like(like)
    u.requires_grad = True
    return u


def _detached(t):
    """``t`` without its graph, keeping its tangent (also without a graph)."""
    tangent = tangent_of(t)
    d = t.detach()
    if tangent is not None:
        set_tangent(d, tangent.detach())
    return d


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """The output of ``func(*primals)`` and its Jacobian-vector product with ``tangents``:
    ``(output, jvp_out)``, with ``aux`` as a third element when ``has_aux``.

    >>> torch.func.jvp(lambda x: x * x, (torch.tensor([1.0, 2.0]),),
    ...                (torch.tensor([1.0, 0.0]),))
    (tensor([1., 4.]), tensor([2., 0.]))
    """
    name = "jvp(f, primals, tangents)"
    if not isinstance(primals, tuple):
        raise RuntimeError(f"{name}: Expected primals to be a tuple. E.g. it should be valid "
                           "to call f(*primals).")
    flat_p, spec_p = _flatten(primals)
    flat_t, spec_t = _flatten(tangents)
    if spec_p == spec_t:  # (a different structure is _run_dual's error)
        _check_tensors(flat_p, "primals", name)
        _check_tensors(flat_t, "tangents", name)
    outs, jvps, spec, aux = _run_dual(func, primals, tangents, has_aux, name, strict)
    result = (_unflatten(outs, spec), _unflatten(jvps, spec))
    return result + (aux,) if has_aux else result


def linearize(func, *primals):
    """``func(*primals)`` and a function computing its JVP at ``primals`` for given tangents
    (each call pushes its tangents through ``func`` again).

    >>> out, jvp_fn = torch.func.linearize(torch.sin, torch.tensor([0.0]))
    >>> jvp_fn(torch.tensor([2.0]))
    tensor([2.])
    """
    output = func(*primals)
    flat_p, spec_p = _flatten(primals)

    def jvp_fn(*tangents):
        flat_t, _ = _flatten(tangents)
        for i, (p, t) in enumerate(zip(flat_p, flat_t)):
            if tuple(t.shape) != tuple(p.shape):
                raise RuntimeError(f"tangent:{i} with shape {t.shape} in flattened pytree "
                                   f"doesn't match the shape {p.shape} of the corresponding "
                                   "primal.")
        _, jvps, spec, _ = _run_dual(func, primals, tangents, False, "linearize")
        return _unflatten(jvps, spec)
    return output, jvp_fn


# -- Jacobians and Hessians -----------------------------------------------------------------
def _argnums_tuple(argnums, n):
    nums = argnums if isinstance(argnums, tuple) else (argnums,)
    for a in nums:
        if not isinstance(a, int):
            raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
        if not -n <= a < n:
            raise RuntimeError(f"Got argnum={a}, but only {n} positional inputs")
    return tuple(a % n for a in nums)


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """A function computing the Jacobian of ``func`` by its ``argnums`` argument(s) with
    forward mode: the JVPs of all the basis tangents in one pass, as ``vmap`` of ``jvp``
    (an op without a batching rule runs once per basis tangent, and says so once).

    >>> torch.func.jacfwd(torch.sin)(torch.tensor([0.0, 1.0]))
    tensor([[1.0000, 0.0000],
            [0.0000, 0.5403]])
    """
    @functools.wraps(func)
    def wrapper(*args):
        _refuse_complex(args, "inputs")
        nums = _argnums_tuple(argnums, len(args))
        flat, spec = _flatten([args[j] for j in nums])
        numels = [x.numel() for x in flat]
        total = sum(numels)
        if not total:  # no basis tangent to map over: one evaluation gives the shapes
            outs, _, spec_o, aux = _run_dual(func, args, (None,) * len(args), has_aux, _JVP)
            _refuse_complex(outs, "outputs")
            return _jacobians([o.new_zeros((0,) + tuple(o.shape)) for o in outs], flat,
                              numels, spec, spec_o, argnums, aux, has_aux)
        specs = []

        def push(*basis):
            tangents = [None] * len(args)
            for j, t in zip(nums, _unflatten(list(basis), spec)):
                tangents[j] = t
            outs, jvps, spec_o, aux = _run_dual(func, args, tuple(tangents), has_aux, _JVP)
            _refuse_complex(outs, "outputs")
            specs.append(spec_o)
            return (tuple(jvps), aux) if has_aux else tuple(jvps)
        out = vmap(push, randomness=randomness)(*_basis(flat, numels, total))
        columns, aux = out if has_aux else (out, None)
        if has_aux:  # the same for every basis tangent: the first one's
            leaves, aux_spec = _flatten(aux)
            aux = _unflatten([a[0] for a in leaves], aux_spec)
        return _jacobians(columns, flat, numels, spec, specs[0], argnums, aux, has_aux)
    return wrapper


_JVP = "jvp(f, primals, tangents)"  # (what torch's jacfwd says: it calls jvp)


def _refuse_complex(tree, what):
    for k, t in enumerate(_flatten(tree)[0]):
        if isinstance(t, Tensor) and t.is_complex():
            # (torch says "input idx" for outputs too)
            raise RuntimeError(f"jacfwd: Expected all {what} to be real but received complex "
                               f"tensor at flattened input idx: {k}")


def _basis(flat, numels, total):
    """The standard basis of the flattened arguments: row k of the identity, cut into one
    tangent per argument (each in its argument's dtype)."""
    basis, at = [], 0
    for x, n in zip(flat, numels):
        block = creation.eye(total, dtype=x.dtype).narrow(1, at, n)
        basis.append(block.reshape((total,) + tuple(x.shape)))
        at += n
    return basis


def _jacobians(columns, flat, numels, spec, spec_o, argnums, aux, has_aux):
    """The batched JVPs (the basis dim first) as torch lays Jacobians out: per output, the
    output's shape then each argument's (a tuple over ``argnums`` when it is one)."""
    per_out = []
    for col in columns:
        shape = tuple(col.shape[1:])
        parts = [c.movedim(0, -1).reshape(shape + tuple(x.shape))
                 for c, x in zip(col.split(numels, 0), flat)]
        per_arg = _unflatten(parts, spec)
        per_out.append(per_arg[0] if isinstance(argnums, int) else tuple(per_arg))
    jac = _unflatten(per_out, spec_o)
    return (jac, aux) if has_aux else jac


def hessian(func, argnums=0):
    """A function computing the Hessian of ``func`` by its ``argnums`` argument(s):
    ``jacfwd(jacrev(func))``, forward-over-reverse.

    >>> torch.func.hessian(lambda x: (x ** 3).sum())(torch.tensor([1.0, 2.0]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    return jacfwd(jacrev(func, argnums), argnums)
