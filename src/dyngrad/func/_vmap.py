"""torch.func.vmap: the user's function run once, on BatchedTensors (NOTE [Batched tensors]
in ops/_batched.py), with torch's checks of in_dims, out_dims and what comes back."""
import functools

from ..autograd import grad_mode
from ..ops import joining
from ..ops._batched import add_batch_dim, is_batched, next_level, remove_batch_dim
from ..tensor import Tensor
from ..utils._pytree import broadcast_prefix, spec_repr, tree_flatten, tree_unflatten

__all__ = ["vmap"]

_state = grad_mode.state
_RANDOMNESS = ("error", "different", "same")


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """Map ``func`` over a dim of its inputs, as one call on whole batches.

    >>> x = torch.tensor([[1., 2.], [3., 4.]])
    >>> torch.func.vmap(torch.dot)(x, x)
    tensor([ 5., 25.])
    """
    if randomness not in _RANDOMNESS:
        raise RuntimeError("Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        return _call(func, in_dims, out_dims, randomness, chunk_size, args, kwargs)
    return wrapped


def _name(func):
    return getattr(func, "__name__", repr(func))


def _call(func, in_dims, out_dims, randomness, chunk_size, args, kwargs):
    name = _name(func)
    where = f"vmap({name}, in_dims={in_dims}, ...)(<inputs>)"
    if not isinstance(in_dims, (int, tuple)) or isinstance(in_dims, bool):
        raise ValueError(f"{where}: expected `in_dims` to be int or a (potentially nested) tuple "
                         f"matching the structure of inputs, got: {type(in_dims)}.")
    if not args:
        raise ValueError(f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add "
                         "inputs, or you are trying to vmap over a function with no inputs. "
                         "The latter is unsupported.")
    flat, spec = tree_flatten(args)
    dims = broadcast_prefix(in_dims, spec)
    if dims is None:
        _, dims_spec = tree_flatten(in_dims)
        raise ValueError(f"{where}: in_dims is not compatible with the structure of `inputs`. "
                         f"in_dims has structure {spec_repr(dims_spec)} but inputs has "
                         f"structure {spec_repr(spec)}.")
    sizes = []
    for k, (x, d) in enumerate(zip(flat, dims)):
        if d is None:
            continue
        if not isinstance(d, int) or isinstance(d, bool):
            raise ValueError(f"{where}: Got in_dim={d} for an input but in_dim must be either an "
                             "integer dimension or None.")
        if not isinstance(x, Tensor):
            raise ValueError(f"{where}: Got in_dim={d} for an input but the input is of type "
                             f"{type(x)}. We cannot vmap over non-Tensor arguments, please use "
                             "None as the respective in_dim")
        n = x.dim()
        if not -n <= d < n:
            raise ValueError(f"{where}: Got in_dim={d} for some input, but that input is a Tensor "
                             f"of dimensionality {n} so expected in_dim to satisfy -{n} <= in_dim "
                             f"< {n}.")
        dims[k] = d % n
        sizes.append(x.shape[d])
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if len(set(sizes)) > 1:
        raise ValueError("vmap: Expected all tensors to have the same size in the mapped "
                         f"dimension, got sizes {sizes} for the mapped dimension")
    size = sizes[0]
    if chunk_size is None or chunk_size >= size:
        return _run(func, name, flat, dims, spec, size, out_dims, randomness, kwargs)
    # chunks: each a vmap of its own, the results joined along their out_dims
    parts = []
    for start in range(0, size, chunk_size):
        n = min(chunk_size, size - start)
        chunk = [x if d is None else x.narrow(d, start, n) for x, d in zip(flat, dims)]
        parts.append(_run(func, name, chunk, dims, spec, n, out_dims, randomness, kwargs))
    flats = [tree_flatten(p)[0] for p in parts]
    out_spec = tree_flatten(parts[0])[1]
    odims = _out_dims(out_dims, out_spec, name)
    joined = [flats[0][k] if od is None else joining.cat([f[k] for f in flats], od)
              for k, od in enumerate(odims)]
    return tree_unflatten(joined, out_spec)


def _run(func, name, flat, dims, spec, size, out_dims, randomness, kwargs):
    level = next_level()
    outer = _state.batching
    _state.batching = outer + ((level, size, randomness),)
    try:
        batched = [x if d is None else add_batch_dim(x, d, level) for x, d in zip(flat, dims)]
        out = func(*tree_unflatten(batched, spec), **kwargs)
    finally:
        _state.batching = outer
    flat_out, out_spec = tree_flatten(out)
    for o in flat_out:
        if not isinstance(o, Tensor):
            raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type "
                             f"{type(o)}. Did you mean to set out_dims= to None for output?")
    odims = _out_dims(out_dims, out_spec, name)
    for o, od in zip(flat_out, odims):
        if od is None and is_batched(o, level):
            raise ValueError(f"vmap({name}, ...): `{name}` can not return a BatchedTensor when "
                             "out_dim is None")
    return tree_unflatten([o if od is None else remove_batch_dim(o, level, size, od)
                           for o, od in zip(flat_out, odims)], out_spec)


def _out_dims(out_dims, out_spec, name):
    leaves, dims_spec = tree_flatten(out_dims)
    if any(d is not None and (not isinstance(d, int) or isinstance(d, bool)) for d in leaves):
        raise ValueError(f"vmap({name}, ..., out_dims={out_dims}): `out_dims` must be an int, "
                         "None or a python collection of ints representing where in the outputs "
                         "the vmapped dimension should appear.")
    odims = broadcast_prefix(out_dims, out_spec)
    if odims is None:
        raise ValueError(f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not "
                         "compatible with the structure of `outputs`. out_dims has structure "
                         f"{spec_repr(dims_spec)} but outputs has structure {spec_repr(out_spec)}.")
    return odims
