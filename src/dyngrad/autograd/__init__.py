"""torch.autograd: backward, grad, Variable, grad modes, graph objects."""
import operator
import warnings
from collections.abc import Mapping

from .. import _backend
from .._autograd_state import DUAL
from ..creation import zeros_like
from ..tensor import Tensor as _Tensor, _wrap
# the layer under the op table first (importing any autograd module runs this file: the
# op table's own imports of grad_mode and graph then find them loaded)
from . import grad_mode, graph, saved_value  # noqa: F401
from . import engine  # noqa: F401
from .graph import edge_of
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled,  # noqa: F401
                        is_inference_mode_enabled, no_grad, set_grad_enabled)
from .variable import Variable  # noqa: F401
from ..overrides import handle_torch_function, has_torch_function  # noqa: F401
from .function import Function  # noqa: F401
from .anomaly_mode import detect_anomaly, set_detect_anomaly  # noqa: F401
from . import forward_ad  # noqa: F401

__all__ = ["backward", "grad", "Variable", "no_grad", "enable_grad", "set_grad_enabled",
           "inference_mode", "Function", "detect_anomaly", "set_detect_anomaly", "gradcheck",
           "gradgradcheck"]

xp = _backend.xp


def _tensors(x, what="tensors"):
    if isinstance(x, (_Tensor, graph.GradientEdge)):
        return (x,)
    return tuple(x)


def _grads_tuple(grads, n):
    if grads is None:
        return [None] * n
    if isinstance(grads, _Tensor):
        return [grads]
    return list(grads)


def _inputs_tuple(inputs, fn):
    if isinstance(inputs, (_Tensor, graph.GradientEdge)):
        return (inputs,)
    if type(inputs) is dict:
        return tuple(inputs.values())
    if isinstance(inputs, Mapping):
        raise TypeError(f"`inputs` argument to `{fn}()` must be a dict, not "
                        f"{type(inputs).__name__}. Other Mapping types are not supported.")
    return tuple(inputs)


def _make_grads(outputs, grads, create_graph, batched=False):
    """The root gradients (zip: extra ones are ignored), checked as torch's ``_make_grads``.

    ``batched``: each gradient holds a batch of them along its first dim."""
    out = []
    # a given gradient stays a Tensor where the formulas run on Tensors: with create_graph,
    # and under a dual level, where its tangent goes on through the backward
    keep = create_graph or DUAL[0] is not None
    for i, (o, g) in enumerate(zip(outputs, grads)):
        if isinstance(o, graph.GradientEdge):
            if o.node is None:  # torch reads the node's metadata first (so no root lacks a node)
                raise AttributeError("'NoneType' object has no attribute '_input_metadata'")
            # an edge's shape is unknown here: its gradient must be given, and is not checked
            if g is None:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not isinstance(g, _Tensor):
                raise TypeError("gradients can be either Tensors or None, but got "
                                f"{type(g).__name__}")
            out.append(g if keep else g._data)
            continue
        if g is None:
            if not o._requires_grad:
                out.append(None)
                continue
            if o.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if _backend.kind(o._data.dtype) not in "fV":
                raise RuntimeError("grad can be implicitly created only for real scalar outputs "
                                   f"but got {o.dtype}")
            data = o._data
            arr = _backend.array_module(data).ones_like(data)
            out.append(_wrap(arr) if create_graph else arr)
            continue
        if not isinstance(g, _Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
        if batched and g[0]._data.shape != o._data.shape:  # g[0]: torch's IndexErrors
            # (torch reports the shape of grad[0] without its first dim)
            raise RuntimeError(
                "If `is_grads_batched=True`, we interpret the first dimension of each "
                "grad_output as the batch dimension. The sizes of the remaining dimensions are "
                "expected to match the shape of corresponding output, but a mismatch was "
                f"detected: grad_output[{i}] has a shape of {g.shape[2:]} and output[{i}] has a "
                f"shape of {o.shape}. If you only want some tensors in `grad_output` to be "
                "considered batched, consider using vmap.")
        if not batched and g._data.shape != o._data.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                               f"output[{i}] has a shape of {o.shape}.")
        if (_backend.kind(g._data.dtype) == "c") != (_backend.kind(o._data.dtype) == "c"):
            raise RuntimeError("For complex Tensors, both grad_output and output are required to "
                               f"have the same dtype. Mismatch in dtype: grad_output[{i}] has a "
                               f"dtype of {g.dtype} and output[{i}] has a dtype of {o.dtype}.")
        # the engine casts a root's gradient to the root's dtype (torch's validate_outputs)
        if g._data.dtype != o._data.dtype:
            g = g.to(o.dtype) if keep else _wrap(_backend.astype(g._data, o._data.dtype))
        out.append(g if keep else g._data)
    return out


def _root_edges(outputs, grads):
    """The roots' edges, after torch's checks on counts and requires_grad."""
    if len(grads) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grads)} gradients")
    edges = []
    for i, o in enumerate(outputs):
        if isinstance(o, graph.GradientEdge):
            edges.append((o.node, o.output_nr))
            continue
        if not o._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a "
                               "grad_fn")
        edges.append(edge_of(o))
    return edges


def _input_edges(inputs, accumulate):
    """The inputs' edges. backward() retains the grad of non-leaf inputs (as torch does)."""
    edges = []
    for t in inputs:
        if isinstance(t, graph.GradientEdge):
            edges.append((t.node, t.output_nr))
            continue
        if accumulate:
            t.retain_grad()
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
        edges.append(edge_of(t))
    return edges


_CREATE_GRAPH_WARNING = (
    "Using backward() with create_graph=True will create a reference cycle between the parameter "
    "and its gradient which can cause a memory leak. We recommend using autograd.grad when "
    "creating the graph to avoid this. If you have to use this function, make sure to reset the "
    ".grad fields of your parameters to None after use to break the cycle and avoid the leak.")
# torch warns once per process (TORCH_WARN_ONCE in engine.cpp)
_warned_create_graph = [False]


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None):
    """Compute the sum of gradients of ``tensors`` w.r.t. graph leaves, into their ``.grad``.

    >>> w = torch.tensor([1.], requires_grad=True)
    >>> torch.autograd.backward((w * 3).sum())
    >>> w.grad
    tensor([3.])
    """
    if grad_variables is not None:
        warnings.warn("`grad_variables` is deprecated. Use `grad_tensors` instead.",
                      FutureWarning, stacklevel=2)
        if grad_tensors is not None:
            raise RuntimeError("`grad_tensors` and `grad_variables` (deprecated) arguments both "
                               "passed to `backward()`. Please only use `grad_tensors`.")
        grad_tensors = grad_variables
    inputs_t = () if inputs is None else _inputs_tuple(inputs, "backward")
    if inputs is not None and not inputs_t:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    outputs = _tensors(tensors)
    root_grads = _make_grads(outputs, _grads_tuple(grad_tensors, len(outputs)),
                             create_graph or bool(grad_mode.state.batching))
    if retain_graph is None:
        retain_graph = create_graph
    edges = _root_edges(outputs, root_grads)
    input_edges = _input_edges(inputs_t, True) if inputs_t else None
    if create_graph and not _warned_create_graph[0]:
        _warned_create_graph[0] = True
        warnings.warn(_CREATE_GRAPH_WARNING, UserWarning, stacklevel=3)
    engine.run_backward(edges, root_grads, retain_graph, create_graph, input_edges, True)


def _is_checkpoint_valid():
    """Whether the backward running now runs the whole graph (no ``inputs``), as the
    reentrant checkpoint needs."""
    task = engine.current_task()
    return task is None or task.wanted is None


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of ``outputs`` w.r.t. ``inputs``, returned (``.grad`` is not touched).

    >>> x = torch.tensor([3.], requires_grad=True)
    >>> torch.autograd.grad(x ** 2, x)
    (tensor([6.]),)
    """
    if allow_unused is not None:
        operator.index(allow_unused)  # torch's bool conversion: a str or float is a TypeError
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when "
                         "materialize_grads=True, "
                         "but got: allow_unused=False.")
    if allow_unused is None:
        allow_unused = materialize_grads
    outputs = _tensors(outputs)
    inputs_t = _inputs_tuple(inputs, "grad")
    if not inputs_t:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if not only_inputs:
        warnings.warn("only_inputs argument is deprecated and is ignored now (defaults to True). "
                      "To accumulate gradient for other parts of the graph, please use "
                      "torch.autograd.backward.", FutureWarning, stacklevel=2)
    root_grads = _make_grads(outputs, _grads_tuple(grad_outputs, len(outputs)),
                             create_graph or bool(grad_mode.state.batching), is_grads_batched)
    if retain_graph is None:
        retain_graph = create_graph
    edges = _root_edges(outputs, root_grads)
    input_edges = _input_edges(inputs_t, False)
    if is_grads_batched:
        captured = _batched(edges, root_grads, retain_graph, create_graph, input_edges)
    else:
        captured = engine.run_backward(edges, root_grads, retain_graph, create_graph, input_edges,
                                 False)
    result = []
    for i, g in enumerate(captured):
        if g is None and not allow_unused:
            raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have "
                               "been used in the graph. Set allow_unused=True if this is the "
                               "desired behavior.")
        result.append(None if g is None else _tensor_of(g))
    if materialize_grads:
        if any(g is None and isinstance(t, graph.GradientEdge) for g, t in zip(result, inputs_t)):
            raise RuntimeError("materialize_grads cannot be used when the given input is a "
                               "GradientEdge")
        result = [zeros_like(t, requires_grad=create_graph) if g is None else g
                  for g, t in zip(result, inputs_t)]
    if type(inputs) is dict:
        return dict(zip(inputs.keys(), result))
    return tuple(result)


def _tensor_of(g):
    return g if isinstance(g, _Tensor) else _wrap(g)


def _batched(edges, root_grads, retain_graph, create_graph, input_edges):
    """autograd.grad with is_grads_batched: one backward over batched gradients, vmapped
    over their first dim as torch does (func.vmap; the formulas run on the batch)."""
    from ..func import vmap  # (func sits above autograd)
    if any(g is None or not g.shape for g in root_grads):
        raise ValueError("vmap(vjp, in_dims=0, ...)(<inputs>): Got in_dim=0 for some input, but "
                         "that input is a Tensor of dimensionality 0 so expected in_dim to "
                         "satisfy 0 <= in_dim < 0.")
    sizes = [g.shape[0] for g in root_grads]
    if len(set(sizes)) > 1:
        raise ValueError("vmap: Expected all tensors to have the same size in the mapped "
                         f"dimension, got sizes {sizes} for the mapped dimension")
    unused = []

    def vjp(*grads):
        got = engine.run_backward(edges, list(grads), retain_graph, create_graph, input_edges,
                                  False)
        unused[:] = [g is None for g in got]
        return tuple(_tensor_of(g) for g in got if g is not None)
    found = iter(vmap(vjp)(*[_tensor_of(g) for g in root_grads]))
    return [None if none else next(found) for none in unused]


# the parts of torch.autograd written over grad (above) and the ops; gradcheck and
# gradgradcheck are bound as the functions, shadowing their module's name, as in torch
from . import functional  # noqa: E402,F401
from .gradcheck import gradcheck, gradgradcheck  # noqa: E402,F401
from .._on_first_use import on_first_use as _on_first_use  # noqa: E402

# the profiler (and the json, gzip and socket of its trace export) loads when first read
__getattr__, __dir__ = _on_first_use(globals(), {"profiler": ("profiler", None)})
