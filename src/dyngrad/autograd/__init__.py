"""torch.autograd: backward, grad, Variable, grad modes, graph objects."""
from .. import _backend
from . import grad_mode, graph  # noqa: F401  (loaded first: tensor.py needs them)
from .. import tensor as _tensor  # partly loaded here: used at call time only
from . import engine  # noqa: F401
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled,  # noqa: F401
                        is_inference_mode_enabled, no_grad, set_grad_enabled)
from .variable import Variable  # noqa: F401

__all__ = ["backward", "grad", "Variable", "no_grad", "enable_grad", "set_grad_enabled",
           "inference_mode"]

xp = _backend.xp


def _tensors(x, what="tensors"):
    if isinstance(x, _tensor.Tensor):
        return (x,)
    return tuple(x)


def _make_grads(outputs, grads, create_graph):
    """The root gradients: given ones checked against their outputs, implicit ones made."""
    out = []
    for i, (o, g) in enumerate(zip(outputs, grads)):
        if g is None:
            if o._requires_grad and o.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if o._requires_grad and o._data.dtype.kind == "c":
                raise RuntimeError("grad can be implicitly created only for real scalar outputs "
                                   f"but got {o.dtype}")
            arr = xp.ones(o._data.shape, dtype=o._data.dtype)
            out.append(_tensor._wrap(arr) if create_graph else arr)
            continue
        if not isinstance(g, _tensor.Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
        if tuple(g.shape) != tuple(o.shape):
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                               f"output[{i}] has a shape of {o.shape}.")
        if g._data.dtype.kind == "c" and o._data.dtype.kind != "c" or (
                o._data.dtype.kind == "c" and g.dtype is not o.dtype):
            raise RuntimeError("For complex Tensors, both grad_output and output are required to "
                               f"have the same dtype. Mismatch in dtype: grad_output[{i}] has a "
                               f"dtype of {g.dtype} and output[{i}] has a dtype of {o.dtype}.")
        if g._data.dtype != o._data.dtype:
            g = g.to(o.dtype) if create_graph else _tensor._wrap(g._data.astype(o._data.dtype))
        out.append(g if create_graph else g._data)
    return out


def _root_edges(outputs):
    from ..ops._table import edge_of
    edges = []
    for i, o in enumerate(outputs):
        if not o._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a "
                               "grad_fn")
        edges.append(edge_of(o))
    return edges


def _check_counts(outputs, grads):
    if len(grads) < len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grads)} gradients")


_CREATE_GRAPH_WARNING = (
    "Using backward() with create_graph=True will create a reference cycle between the parameter "
    "and its gradient which can cause a memory leak. We recommend using autograd.grad when "
    "creating the graph to avoid this. If you have to use this function, make sure to reset the "
    ".grad fields of your parameters to None after use to break the cycle and avoid the leak.")


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None):
    """Compute the sum of gradients of ``tensors`` w.r.t. graph leaves, into their ``.grad``.

    >>> w = torch.tensor([1.], requires_grad=True)
    >>> torch.autograd.backward((w * 3).sum())
    >>> w.grad
    tensor([3.])
    """
    if grad_variables is not None:
        grad_tensors = grad_variables
    outputs = _tensors(tensors)
    if grad_tensors is None:
        grads = [None] * len(outputs)
    elif isinstance(grad_tensors, _tensor.Tensor):
        grads = [grad_tensors]
    else:
        grads = list(grad_tensors)
    _check_counts(outputs, grads)
    if inputs is not None:
        inputs = _tensors(inputs)
        if not inputs:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    if retain_graph is None:
        retain_graph = create_graph
    if create_graph:
        import warnings
        warnings.warn(_CREATE_GRAPH_WARNING, UserWarning, stacklevel=3)
    edges = _root_edges(outputs)
    root_grads = _make_grads(outputs, grads, create_graph)
    input_edges = None
    if inputs is not None:
        input_edges = [_input_edge(t) for t in inputs]
    engine.run_backward(edges, root_grads, retain_graph, create_graph, input_edges, True)


def _input_edge(t):
    from ..ops._table import edge_of
    import weakref
    if not t._requires_grad:
        raise RuntimeError("One of the differentiated Tensors does not require grad")
    edge = edge_of(t)
    node = edge[0]
    if t.grad_fn is not None:
        refs = node.__dict__.setdefault("_input_tensors", {})
        refs[t._output_nr] = weakref.ref(t)
    return edge


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of ``outputs`` w.r.t. ``inputs``, returned (``.grad`` is not touched).

    >>> x = torch.tensor([3.], requires_grad=True)
    >>> torch.autograd.grad(x ** 2, x)
    (tensor([6.]),)
    """
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, "
                         "but got: allow_unused=False.")
    if allow_unused is None:
        allow_unused = materialize_grads
    as_dict = isinstance(inputs, dict)
    keys = list(inputs.keys()) if as_dict else None
    outputs = _tensors(outputs)
    inputs_t = tuple(inputs.values()) if as_dict else _tensors(inputs)
    if not inputs_t:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if grad_outputs is None:
        grads = [None] * len(outputs)
    elif isinstance(grad_outputs, _tensor.Tensor):
        grads = [grad_outputs]
    else:
        grads = list(grad_outputs)
    _check_counts(outputs, grads)
    if retain_graph is None:
        retain_graph = create_graph
    edges = _root_edges(outputs)
    root_grads = _make_grads(outputs, grads[:len(outputs)], create_graph)
    from ..ops._table import edge_of
    input_edges = []
    for t in inputs_t:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
        input_edges.append(edge_of(t))
    captured = engine.run_backward(edges, root_grads, retain_graph, create_graph, input_edges,
                                   False)
    result = []
    for i, (t, g) in enumerate(zip(inputs_t, captured)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have "
                                   "been used in the graph. Set allow_unused=True if this is the "
                                   "desired behavior.")
            if materialize_grads:
                g = xp.zeros(t._data.shape, dtype=t._data.dtype)
        result.append(None if g is None else (g if isinstance(g, _tensor.Tensor) else _tensor._wrap(g)))
    if as_dict:
        return dict(zip(keys, result))
    return tuple(result)
