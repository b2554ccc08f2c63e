"""The meta device (NOTE [Meta arrays] in dyngrad/_meta_array.py) against torch's.

Each program is written once against the torch API, ``program(lib)``, and run on torch
and on dyngrad side by side. What it returns is written down as a user sees it (for a
tensor: its repr, shape, dtype, strides, storage offset, device, contiguity and graph
node; for an error: its type and message) and the two records must be equal.
"""
import copy
import io
import warnings

import pytest
import torch

import dyngrad
from dyngrad import _meta_array

M = "meta"


def record(value):
    """What a user can observe of ``value`` (tensors, numbers, containers)."""
    if isinstance(value, (torch.Tensor, dyngrad.Tensor)):
        fn = value.grad_fn
        seen = {"repr": repr(value), "shape": tuple(value.shape), "dtype": str(value.dtype),
                "device": str(value.device), "is_meta": value.is_meta,
                "requires_grad": value.requires_grad,
                "grad_fn": None if fn is None else type(fn).__name__}
        if value.is_meta or value.numel() == 0:
            # (the stride of a dim of size 1 says nothing: torch's own layout checks skip it)
            seen.update(stride=[s if n != 1 else None for s, n in zip(value.stride(),
                                                                       value.shape)],
                        offset=value.storage_offset(), contiguous=value.is_contiguous())
        else:
            seen["values"] = value.detach().tolist()
        return seen
    if isinstance(value, (tuple, list)):
        return [record(v) for v in value]
    if isinstance(value, dict):
        return {k: record(v) for k, v in value.items()}
    if isinstance(value, (torch.device, dyngrad.device)):
        return str(value)
    if isinstance(value, (torch.Size, dyngrad.Size)):
        return ("Size", tuple(value))
    return value


def run(program, lib):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return record(program(lib))
        except Exception as e:  # the error is part of the behaviour compared
            return ("raises", type(e).__name__, str(e))


def _empty(lib, *shape, **kw):
    return lib.empty(*shape, device=M, **kw)


def _leaf(lib, *shape, dtype=None):
    return lib.empty(*shape, device=M, dtype=dtype, requires_grad=True)


def _backward(lib, make):
    """The gradients a backward leaves in meta leaves (and the output it started from)."""
    x, w = _leaf(lib, 4, 3), _leaf(lib, 3, 5)
    out = make(lib, x, w)
    out.sum().backward()
    return out, x.grad, w.grad


def _grad2(lib):
    x = _leaf(lib, 3, dtype=lib.float64)
    (g,) = lib.autograd.grad((x.sin() * x).sum(), x, create_graph=True)
    (h,) = lib.autograd.grad(g.sum(), x)
    return g, h


def _default_device(lib):
    with lib.device(M):
        a = lib.zeros(2, 3)
        with lib.device("cpu"):
            b = lib.zeros(2)
        c = lib.arange(4)
        d = lib.tensor([1.0, 2.0])
        inside = lib.get_default_device()
    return a, b, c, d, inside, lib.get_default_device()


def _set_default_device(lib):
    lib.set_default_device(M)
    try:
        return lib.ones(2), lib.randn(3), lib.get_default_device()
    finally:
        lib.set_default_device(None)


def _module_to_meta(lib):
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4))
    meta = copy.deepcopy(model).to(M)
    return (list(meta.state_dict().items()), meta[0].weight, type(meta[0].weight).__name__,
            model[0].weight.is_meta)


def _module_back_to_cpu(lib):
    return lib.nn.Linear(2, 3, device=M).to("cpu")


def _to_empty(lib):
    with lib.device(M):
        model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4))
    model.to_empty(device="cpu")
    lib.manual_seed(3)
    for m in model.modules():
        if hasattr(m, "reset_parameters"):
            m.reset_parameters()
    model.eval()
    return (model[0].weight, model[1].running_var, type(model[0].weight).__name__,
            model(lib.ones(2, 3)))


def _meta_forward_backward(lib):
    with lib.device(M):
        model = lib.nn.Sequential(lib.nn.Conv2d(1, 4, 3, padding=1), lib.nn.BatchNorm2d(4),
                                  lib.nn.ReLU(), lib.nn.MaxPool2d(2), lib.nn.Flatten(),
                                  lib.nn.Dropout(0.5), lib.nn.Linear(4 * 4 * 4, 10))
    x = lib.empty(2, 1, 8, 8, device=M)
    out = model(x)
    loss = lib.nn.functional.cross_entropy(out, lib.zeros(2, dtype=lib.long, device=M))
    loss.backward()
    return out, loss, [p.grad for p in model.parameters()], model[1].running_mean


def _transformer(lib):
    with lib.device(M):
        layer = lib.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True)
        emb = lib.nn.Embedding(10, 8)
    tokens = lib.zeros(2, 5, dtype=lib.long, device=M)
    out = layer(emb(tokens))
    out.mean().backward()
    return out, emb.weight.grad, layer.linear1.weight.grad


def _load_state_dict(lib):
    lib.manual_seed(0)
    state = lib.nn.Linear(2, 3).state_dict()
    with lib.device(M):
        copied, assigned = lib.nn.Linear(2, 3), lib.nn.Linear(2, 3)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        copied.load_state_dict(state)
    assigned.load_state_dict(state, assign=True)
    return (copied.weight, [str(w.message) for w in seen], assigned.weight,
            type(assigned.weight).__name__)


def _optimizer_step(lib):
    p = lib.nn.Parameter(lib.empty(3, 2, device=M))
    opt = lib.optim.Adam([p], lr=0.1)
    (p * 2).sum().backward()
    opt.step()
    return p, opt.state[p]["exp_avg"], opt.state[p]["exp_avg_sq"]


def _save_load(lib):
    buf = io.BytesIO()
    x = _leaf(lib, 2, 3)
    lib.save({"x": x, "t": x.detach().t(), "p": lib.nn.Parameter(_empty(lib, 2))}, buf)
    buf.seek(0)
    return lib.load(buf)


def _torch_file_loads(lib):
    buf = io.BytesIO()
    x = torch.empty(4, 3, device=M, dtype=torch.float64)
    torch.save({"t": x.t(), "n": 5}, buf)
    buf.seek(0)
    return lib.load(buf)


def _ensembling(lib):
    """torch's model-ensembling tutorial: a meta copy of the model under vmap."""
    nn, F = lib.nn, lib.nn.functional

    class SimpleMLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(12, 8)
            self.fc2 = nn.Linear(8, 3)

        def forward(self, x):
            return self.fc2(F.relu(self.fc1(x.flatten(1))))

    lib.manual_seed(0)
    minibatches = lib.randn(4, 5, 3, 4)
    models = [SimpleMLP() for _ in range(4)]
    params, buffers = lib.func.stack_module_state(models)
    base_model = copy.deepcopy(models[0]).to(M)

    def fmodel(params, buffers, x):
        return lib.func.functional_call(base_model, (params, buffers), (x,))

    one = lib.func.vmap(fmodel, in_dims=(0, 0, None))(params, buffers, minibatches[0])
    each = lib.func.vmap(fmodel)(params, buffers, minibatches)
    expected = lib.stack([m(minibatches[0]) for m in models])
    return (base_model.fc1.weight, one.shape, each.shape,
            bool(lib.allclose(one, expected, atol=1e-6)),
            [round(v, 5) for v in each[1, 2].tolist()])


def _mixed(op):
    def program(lib):
        a, b = _empty(lib, 2, 3), lib.ones(2, 3)
        return op(lib, a, b)
    return program


def _conv(lib):
    x = _empty(lib, 2, 3, 9, 9)
    w = _leaf(lib, 4, 3, 3, 3)
    out = lib.nn.functional.conv2d(x, w, stride=2, padding=1)
    out.sum().backward()
    return out, w.grad


def _unfilled(t):
    """A CPU result torch allocates and never fills (NOTE [CPU and meta operands]): all
    there is to compare is where and what it is."""
    return ("unfilled", tuple(t.shape), str(t.dtype), str(t.device), t.is_meta)


def _grad_of(lib, f, *shape, dtype=None):
    x = _leaf(lib, *shape, dtype=dtype)
    f(lib, x).abs().sum().backward()
    return x.grad


def _inplace_on_cpu(lib, op, other):
    """A CPU tensor in the graph written in place with a meta operand: what it holds after,
    its version and node."""
    x = lib.ones(3, requires_grad=True).clone()
    before = x._version
    out = op(x, other)
    return out is x, x, x._version - before


def _raised(call):
    """What ``call`` raises (type and message), or what it returns."""
    try:
        return record(call())
    except Exception as e:  # the error is part of the behaviour compared
        return (type(e).__name__, str(e))


def _mask_write(t, value, mask_shape):
    """x[mask] = value with a meta mask (torch's meta index_put_: nothing checked against the
    mask's count): x, its version."""
    x = _empty(t, 3, 4)
    x[t.ones(mask_shape, dtype=t.bool, device=M)] = value
    return x, x._version


# (name, program): each runs on torch and on dyngrad
PROGRAMS = [
    ("mask_write_number", lambda t: _mask_write(t, 1.0, (3, 4))),
    ("mask_write_rows", lambda t: _mask_write(t, 2, (3,))),
    ("mask_write_tensor", lambda t: _mask_write(t, _empty(t, 2), (3, 4))),
    ("mask_write_cpu_value", lambda t: _mask_write(t, t.ones(()), (3, 4))),
    ("mask_write_other_shape", lambda t: _mask_write(t, 1.0, (2, 4))),
    ("ldl_factor", lambda t: tuple(t.linalg.ldl_factor(_empty(t, 3, 3)))),
    ("ldl_factor_ex_batch", lambda t: tuple(t.linalg.ldl_factor_ex(_empty(t, 2, 4, 4),
                                                                   hermitian=True))),
    ("ldl_factor_complex", lambda t: tuple(t.linalg.ldl_factor(_empty(t, 3, 3, dtype=t.complex64)))),
    ("ldl_factor_not_square", lambda t: t.linalg.ldl_factor(_empty(t, 2, 3))),
    ("ldl_solve", lambda t: t.linalg.ldl_solve(_empty(t, 3, 3), _empty(t, 3, dtype=t.int32),
                                               _empty(t, 2, 3, 2))),
    # factories and printing
    ("empty", lambda t: _empty(t, 2, 3)),
    ("empty_size_kw", lambda t: t.empty(size=(2, 0, 4), device=M)),
    ("zeros_0d", lambda t: t.zeros((), device=M)),
    ("ones_int", lambda t: t.ones(3, dtype=t.int64, device=M)),
    ("full_bool", lambda t: t.full((2, 2), True, device=M)),
    ("full_int", lambda t: t.full((2,), 3, device=M)),
    ("rand_f64_grad", lambda t: t.rand(2, dtype=t.float64, device=M, requires_grad=True)),
    ("randn_complex", lambda t: t.randn(2, dtype=t.complex64, device=M)),
    ("randint", lambda t: t.randint(0, 5, (3, 1), device=M)),
    ("randperm", lambda t: t.randperm(6, device=M)),
    ("arange", lambda t: (t.arange(5, device=M), t.arange(0, 1, 0.25, device=M))),
    ("linspace_eye", lambda t: (t.linspace(0, 1, 7, device=M), t.eye(2, 3, device=M))),
    ("tensor", lambda t: (t.tensor([[1, 2], [3, 4]], device=M),
                          t.tensor(2.5, device=t.device(M)), t.as_tensor([1.0], device=M))),
    ("float16", lambda t: t.empty(2, dtype=t.float16, device=M)),
    ("empty_grad_f64", lambda t: t.empty(0, dtype=t.float64, device=M, requires_grad=True)),
    ("like", lambda t: (t.zeros_like(_empty(t, 2)), t.ones_like(_empty(t, 2), dtype=t.int32),
                        t.rand_like(_empty(t, 3)), t.full_like(_empty(t, 1), 7),
                        t.empty_like(t.ones(2), device=M))),
    ("like_to_cpu", lambda t: t.empty_like(_empty(t, 2, 3), device="cpu").shape),
    ("new", lambda t: (_empty(t, 2).new_zeros(3), _empty(t, 2).new_ones((1, 2)),
                       _empty(t, 2).new_empty(4), _empty(t, 2).new_full((2,), 1.5))),
    ("device", lambda t: (t.device(M), _empty(t, 1).device, _empty(t, 1).is_meta,
                          t.ones(1).is_meta, _empty(t, 1).is_cpu, _empty(t, 1).get_device())),
    ("default_device", _default_device),
    ("set_default_device", _set_default_device),
    ("repr_long", lambda t: repr(t.empty(2000, 3000, 4000, 5000, dtype=t.float64, device=M,
                                         requires_grad=True).exp())),
    ("str_param", lambda t: str(t.nn.Parameter(_empty(t, 3)))),
    ("format_0d", lambda t: f"{t.empty((), device=M)}"),
    ("list_repr", lambda t: repr([_empty(t, 1), t.empty(0, dtype=t.bool, device=M)])),
    # moving
    ("to_meta", lambda t: (t.ones(2, 3, requires_grad=True).to(M),
                           t.ones(2).to(M, t.float64), t.ones(2).to(device=M, dtype=t.half),
                           t.ones(2).to(t.device(M)), t.ones(2).to(_empty(t, 1)))),
    ("to_same", lambda t: (_empty(t, 2).to(M), _empty(t, 2).to(t.float64),
                           _empty(t, 2).to(M, copy=True), _empty(t, 2).double())),
    ("to_cpu", lambda t: _empty(t, 2).to("cpu")),
    ("cpu", lambda t: _empty(t, 2).cpu()),
    ("to_meta_backward", lambda t: t.ones(2, requires_grad=True).to(M).sum().backward()),
    ("module_to_meta", _module_to_meta),
    ("module_back_to_cpu", _module_back_to_cpu),
    ("to_empty", _to_empty),
    # views and strides
    ("transpose", lambda t: (_empty(t, 2, 3).T, _empty(t, 2, 3, 4).transpose(0, 2),
                             _empty(t, 2, 3, 4).permute(2, 0, 1), _empty(t, 2, 3).mT)),
    ("slicing", lambda t: (_empty(t, 4, 6)[1:, ::2], _empty(t, 4, 6)[2], _empty(t, 4, 6)[..., 3],
                           _empty(t, 4, 6)[None, :, 1:3], _empty(t, 5, 4).narrow(0, 1, 2))),
    ("expand", lambda t: (_empty(t, 3, 1).expand(3, 4), _empty(t, 3).unsqueeze(1),
                          _empty(t, 1, 3, 1).squeeze(), _empty(t, 2).expand_as(_empty(t, 4, 2)))),
    ("reshape", lambda t: (_empty(t, 2, 3).reshape(3, 2), _empty(t, 2, 3).T.reshape(6),
                           _empty(t, 2, 3, 4).view(6, 4), _empty(t, 2, 3).flatten(),
                           _empty(t, 2, 3).T.contiguous(),
                           _empty(t, 2, 3, 4).unflatten(1, (3, 1)))),
    ("split", lambda t: (_empty(t, 5, 2).chunk(2), _empty(t, 5, 2).split([1, 4]),
                         _empty(t, 3, 2).unbind(1))),
    ("diagonal_strided", lambda t: (_empty(t, 3, 4).diagonal(), _empty(t, 3, 3).as_strided(
        (2, 2), (1, 3), 1), _empty(t, 6).view(2, 3).t().is_contiguous())),
    ("index_tensor", lambda t: (_empty(t, 4, 5)[t.tensor([0, 2], device=M)],
                                _empty(t, 4, 5)[:, t.tensor([[1], [3]], device=M)],
                                _empty(t, 4, 5)[t.tensor([0, 1]), t.tensor([2, 3])])),
    # pointwise, reductions, products
    ("pointwise", lambda t: (_empty(t, 2, 3) + _empty(t, 3), _empty(t, 2, 3).T * 2,
                             _empty(t, 2, dtype=t.int64) / 2, _empty(t, 2, dtype=t.int32) + 1.5,
                             _empty(t, 2, dtype=t.uint8) + _empty(t, 2, dtype=t.int8),
                             _empty(t, 2).exp(), _empty(t, 2, dtype=t.complex64).abs(),
                             _empty(t, 3) > 0, t.where(_empty(t, 3) > 0, _empty(t, 3), 0.0),
                             _empty(t, 2, 3).clamp(0, 1), _empty(t, 2) ** 2, -_empty(t, 2))),
    ("reductions", lambda t: (_empty(t, 2, 3).sum(), _empty(t, 2, 3).mean(1, keepdim=True),
                              _empty(t, 2, 3, dtype=t.int32).sum(0),
                              _empty(t, 2, 3).max(1), _empty(t, 2, 3).argmax(),
                              _empty(t, 2, 3).std(0), _empty(t, 2, 3).norm(),
                              _empty(t, 2, 3).logsumexp(1), _empty(t, 2, 3).all(),
                              _empty(t, 4, 3).cumsum(0), _empty(t, 4, 3).sort(1),
                              _empty(t, 4, 3).topk(2))),
    ("products", lambda t: (_empty(t, 2, 3) @ _empty(t, 3, 4), _empty(t, 5, 2, 3) @ _empty(t, 3),
                            _empty(t, 3) @ _empty(t, 3),
                            t.bmm(_empty(t, 2, 2, 3), _empty(t, 2, 3, 1)),
                            t.einsum("bij,bjk->bik", _empty(t, 2, 2, 3), _empty(t, 2, 3, 4)),
                            t.outer(_empty(t, 2), _empty(t, 3)),
                            t.nn.functional.linear(_empty(t, 4, 3), _empty(t, 5, 3),
                                                   _empty(t, 5)))),
    ("joining", lambda t: (t.cat([_empty(t, 2, 3), _empty(t, 1, 3)]),
                           t.stack([_empty(t, 2), _empty(t, 2)], 1),
                           t.cat([_empty(t, 2, dtype=t.int64), _empty(t, 3)]),
                           _empty(t, 2, 3).repeat(2, 1), _empty(t, 3).flip(0),
                           t.nn.functional.pad(_empty(t, 2, 3), (1, 2)),
                           _empty(t, 3, 4).gather(1, t.zeros(3, 2, dtype=t.long, device=M)),
                           _empty(t, 3, 4).index_select(0, t.zeros(5, dtype=t.long, device=M)))),
    ("nn_functional", lambda t: (t.softmax(_empty(t, 2, 5), 1), t.log_softmax(_empty(t, 2, 5), 0),
                                 t.nn.functional.gelu(_empty(t, 3)),
                                 t.nn.functional.layer_norm(_empty(t, 2, 4), (4,)),
                                 t.nn.functional.embedding(t.zeros(2, 3, dtype=t.long, device=M),
                                                           _empty(t, 5, 4)),
                                 t.nn.functional.mse_loss(_empty(t, 3), _empty(t, 3)),
                                 t.nn.functional.max_pool2d(_empty(t, 1, 2, 6, 6), 2),
                                 t.nn.functional.scaled_dot_product_attention(
                                     _empty(t, 2, 4, 8), _empty(t, 2, 4, 8), _empty(t, 2, 4, 8)))),
    ("inplace", lambda t: (_empty(t, 3).add_(1), _empty(t, 3).zero_(), _empty(t, 3).fill_(2),
                           _empty(t, 2, 3).uniform_(), _empty(t, 4).normal_(),
                           _empty(t, 3).copy_(_empty(t, 3)), _empty(t, 2, 3).T.mul_(2))),
    ("setitem", lambda t: [x for x in [_empty(t, 3, 4)] if x.__setitem__((0, slice(1, 3)), 1.0)
                           or True]),
    # autograd
    ("backward_linear", lambda t: _backward(t, lambda lib, x, w: (x @ w).relu())),
    ("backward_broadcast", lambda t: _backward(t, lambda lib, x, w: x.sum(1, keepdim=True) * w[0])),
    ("backward_embedding", lambda t: _backward(t, lambda lib, x, w: lib.nn.functional.embedding(
        lib.zeros(2, 3, dtype=lib.long, device=M), w))),
    ("grad_create_graph", _grad2),
    ("grad_fn_names", lambda t: (_leaf(t, 2, 3).T, _leaf(t, 3)[1:], _leaf(t, 3).exp().sum(),
                                 _leaf(t, 2, 3).view(6), _leaf(t, 2).to(t.float64),
                                 _leaf(t, 2, 3).T.reshape(6), _leaf(t, 2, 3).T.flatten())),
    ("conv_backward", _conv),
    ("meta_forward_backward", _meta_forward_backward),
    ("transformer", _transformer),
    ("optimizer_step", _optimizer_step),
    ("load_state_dict", _load_state_dict),
    ("copy_between", lambda t: (_empty(t, 2, 3).copy_(t.ones(3)), t.ones(2).copy_(_empty(t, 2)))),
    ("copy_out", lambda t: t.ones(2).copy_(_empty(t, 2))),
    ("normal", lambda t: (t.normal(0.0, 1.0, (2, 3), device=M),
                          t.normal(_empty(t, 3), 1.0), t.normal(_empty(t, 2, 1), _empty(t, 3)))),
    ("multinomial", lambda t: (t.multinomial(_empty(t, 4), 2),
                               t.multinomial(_empty(t, 3, 5), 7, replacement=True))),
    ("bernoulli_dropout", lambda t: (t.bernoulli(_empty(t, 3)), t.nn.functional.dropout(
        _empty(t, 2, 2), 0.5), t.nn.Dropout(0.2)(_empty(t, 4)))),
    ("rnn", lambda t: (t.nn.LSTM(3, 4, device=M)(_empty(t, 5, 2, 3))[0],
                       t.nn.GRUCell(3, 4, device=M)(_empty(t, 2, 3)))),
    ("conv_transpose", lambda t: t.nn.ConvTranspose2d(2, 3, 3, device=M)(_empty(t, 1, 2, 4, 4))),
    ("more_nn", lambda t: (t.nn.functional.interpolate(_empty(t, 1, 2, 4, 4), scale_factor=2),
                           t.nn.functional.adaptive_avg_pool2d(_empty(t, 1, 2, 5, 5), 1),
                           t.nn.GroupNorm(2, 4, device=M)(_empty(t, 2, 4, 3)))),
    ("index_put", lambda t: _empty(t, 3, 4).index_put_((t.tensor([0, 1], device=M),),
                                                       _empty(t, 4))),
    # torch's meta index_put_ checks no dtype, shape or index type, and writes nothing (into
    # a CPU tensor either, when a mask or the values are meta)
    ("index_put_unchecked", lambda t: (
        _empty(t, 3, 4).index_put_((_empty(t, 3, 4, dtype=t.bool),), _empty(t, 7)),
        _empty(t, 3, 4).index_put_((_empty(t, 2, 5, dtype=t.bool),), _empty(t, 7), True),
        _empty(t, 3, 4).index_put_((_empty(t, 2),) * 3, _empty(t, 2, dtype=t.float64)),
        t.index_put(_empty(t, 3, 4), (_empty(t, 3, dtype=t.bool),), _empty(t, 4, dtype=t.long)),
        _empty(t, 3, 4).index_put((_empty(t, 3, 4, dtype=t.bool),), _empty(t, 7)))),
    ("index_put_graph", lambda t: t.index_put(_empty(t, 3, 4), (_empty(t, 3, 4, dtype=t.bool),),
                                              t.empty(5, device=M, requires_grad=True))),
    ("mask_write_other_dtype", lambda t: (_mask_write(t, _empty(t, 5, dtype=t.float64), (3, 4)),
                                          _mask_write(t, _empty(t, 5, dtype=t.long), (3,)))),
    ("long_index_write_unchecked", lambda t: (lambda x: (x.__setitem__(
        _empty(t, 2, dtype=t.long), _empty(t, 3, 4)), x, x._version))(_empty(t, 3, 4))),
    ("mask_write_into_cpu", lambda t: (lambda x: (x.__setitem__(
        _empty(t, 3, 4, dtype=t.bool), _empty(t, 5)), x.index_put_(
            (t.ones(3, 4, dtype=t.bool),), _empty(t, 2)), x, x._version))(t.ones(3, 4))),
    ("index_put_method_none", lambda t: _empty(t, 3, 4).index_put_((None,), _empty(t, 1))),
    # embedding_bag's meta kernel: the bookkeeping results in the indices' dtype
    ("embedding_bag", lambda t: [t.embedding_bag(
        _empty(t, 10, 3, dtype=dt), _empty(t, 6, dtype=it), _empty(t, 2 + last, dtype=it), False,
        mode, False, None, bool(last)) for mode in (0, 1, 2) for last in (0, 1)
        for dt, it in ((t.float32, t.long), (t.float16, t.int32))]),
    ("embedding_bag_functional", lambda t: (
        t.nn.functional.embedding_bag(_empty(t, 2, 3, dtype=t.long), _empty(t, 10, 3)),
        t.nn.functional.embedding_bag(_empty(t, 2, 3, dtype=t.int32), _empty(t, 10, 3),
                                      mode="max", padding_idx=0),
        t.nn.functional.embedding_bag(_empty(t, 6, dtype=t.long), _empty(t, 10, 3),
                                      _empty(t, 2, dtype=t.long), mode="sum",
                                      per_sample_weights=_empty(t, 6)),
        t.nn.EmbeddingBag(10, 3, device=M)(_empty(t, 2, 4, dtype=t.long)))),
    ("embedding_bag_backward", lambda t: (lambda w, p: (t.nn.functional.embedding_bag(
        _empty(t, 6, dtype=t.long), w, _empty(t, 2, dtype=t.long), mode="sum",
        per_sample_weights=p).sum().backward(), w.grad, p.grad))(
            t.empty(10, 3, device=M, requires_grad=True),
            t.empty(6, device=M, requires_grad=True))),
    ("embedding_bag_refusals", lambda t: [_raised(lambda: t.embedding_bag(*args)) for args in (
        (_empty(t, 10, 3), _empty(t, 6), _empty(t, 2, dtype=t.long)),
        (_empty(t, 10, 3), _empty(t, 6, dtype=t.long), _empty(t, 2)),
        (_empty(t, 10, 3, dtype=t.long), _empty(t, 6, dtype=t.long), _empty(t, 2, dtype=t.long)),
        (_empty(t, 10, 3), _empty(t, 6, dtype=t.long), _empty(t, 0, dtype=t.long), False, 0,
         False, None, True),
        (_empty(t, 10, 3), _empty(t, 6, dtype=t.long), _empty(t, 2, dtype=t.long), False, 0,
         False, _empty(t, 5)),
        (_empty(t, 10, 3), _empty(t, 6, dtype=t.long), _empty(t, 2, dtype=t.long), False, 1,
         False, _empty(t, 6)))]),
    ("factory_without_size", lambda t: [_raised(lambda: f(device=M)) for f in (
        t.empty, t.zeros, t.ones)]),
    ("empty_strided", lambda t: (t.empty_strided((2, 3), (1, 2), device=M),
                                 _empty(t, 1).new_empty_strided((2, 2), (1, 2)))),
    ("clip_grad_norm", lambda t: (lambda p: ((p * p).sum().backward(),
                                             t.nn.utils.clip_grad_norm_([p], 1.0), p.grad))(
        t.nn.Parameter(_empty(t, 3)))),
    ("ensembling_tutorial", _ensembling),
    ("save_load", _save_load),
    ("torch_file_loads", _torch_file_loads),
    # linear algebra: LAPACK's factors column-major, the rest row-major
    ("linalg_inverses", lambda t: (t.linalg.inv(_empty(t, 2, 3, 3)), t.linalg.inv_ex(_empty(
        t, 3, 3, dtype=t.complex128)), t.linalg.det(_empty(t, 2, 3, 3)), t.linalg.slogdet(
        _empty(t, 3, 3, dtype=t.complex64)), t.logdet(_empty(t, 2, 3, 3)),
        t.linalg.pinv(_empty(t, 2, 4, 3)), t.linalg.pinv(_empty(t, 3, 3), hermitian=True),
        t.inverse(_empty(t, 3, 3)), _empty(t, 3, 3).det())),
    ("linalg_solves", lambda t: (t.linalg.solve(_empty(t, 2, 3, 3), _empty(t, 2, 3)),
                                 t.linalg.solve(_empty(t, 3, 3), _empty(t, 3)),
                                 t.linalg.solve(_empty(t, 2, 3, 3), _empty(t, 3, 4)),
                                 t.linalg.solve(_empty(t, 2, 3, 3), _empty(t, 2, 4, 3), left=False),
                                 t.linalg.solve_ex(_empty(t, 2, 3, 3), _empty(t, 2, 3, 4)),
                                 t.linalg.solve_triangular(_empty(t, 2, 3, 3), _empty(t, 2, 3, 4),
                                                           upper=True),
                                 t.linalg.lu_solve(_empty(t, 2, 3, 3), t.zeros(
                                     2, 3, dtype=t.int32, device=M), _empty(t, 2, 3, 4)),
                                 t.cholesky_solve(_empty(t, 3, 2), _empty(t, 3, 3)),
                                 t.cholesky_inverse(_empty(t, 3, 3)))),
    ("linalg_decompositions", lambda t: (
        t.linalg.svd(_empty(t, 2, 4, 3)), t.linalg.svd(_empty(t, 2, 3, 5), full_matrices=False),
        t.linalg.svd(_empty(t, 3, 3, dtype=t.complex64)), t.linalg.svdvals(_empty(t, 2, 4, 3)),
        t.linalg.qr(_empty(t, 2, 4, 3)), t.linalg.qr(_empty(t, 4, 3), mode="complete"),
        t.linalg.qr(_empty(t, 2, 3, 5), mode="r"), t.linalg.eigh(_empty(t, 2, 3, 3)),
        t.linalg.eigh(_empty(t, 3, 3, dtype=t.complex64)), t.linalg.eigvalsh(_empty(t, 3, 3)),
        t.linalg.eig(_empty(t, 2, 3, 3)), t.linalg.eigvals(_empty(t, 3, 3, dtype=t.float64)),
        t.linalg.cholesky(_empty(t, 2, 3, 3)), t.linalg.cholesky(_empty(t, 3, 3), upper=True),
        t.linalg.cholesky_ex(_empty(t, 2, 3, 3)), t.linalg.lu(_empty(t, 2, 4, 3)),
        t.linalg.lu_factor(_empty(t, 2, 3, 3)), t.linalg.lu_factor_ex(_empty(t, 3, 3)),
        t.lu_unpack(_empty(t, 3, 3), t.zeros(3, dtype=t.int32, device=M)),
        t.linalg.householder_product(_empty(t, 2, 4, 3), _empty(t, 2, 2)),
        t.linalg.cholesky(_empty(t, 0, 0)))),
    ("linalg_more", lambda t: (t.linalg.matrix_rank(_empty(t, 2, 4, 3)),
                               t.linalg.matrix_rank(_empty(t, 3, 3), hermitian=True),
                               t.linalg.cond(_empty(t, 2, 3, 3)), t.linalg.cond(_empty(t, 3, 3), "fro"),
                               t.linalg.cross(_empty(t, 2, 3), _empty(t, 3)),
                               t.linalg.matrix_exp(_empty(t, 2, 3, 3)),
                               t.linalg.matrix_norm(_empty(t, 4, 3)), t.linalg.norm(_empty(t, 4, 3)),
                               t.linalg.tensorinv(_empty(t, 4, 6, 8, 3), ind=2),
                               t.linalg.tensorsolve(_empty(t, 2, 3, 6), _empty(t, 2, 3)),
                               t.linalg.matrix_power(_empty(t, 3, 3), 3),
                               t.linalg.multi_dot([_empty(t, 3, 4), _empty(t, 4, 5), _empty(t, 5)]))),
    ("linalg_backward", lambda t: (
        _grad_of(t, lambda lib, x: lib.linalg.inv(x), 2, 3, 3),
        _grad_of(t, lambda lib, x: lib.linalg.det(x), 2, 3, 3),
        _grad_of(t, lambda lib, x: lib.linalg.svd(x, full_matrices=False)[1], 4, 3),
        _grad_of(t, lambda lib, x: lib.linalg.eigh(x)[0], 3, 3),
        _grad_of(t, lambda lib, x: lib.linalg.solve(x, _empty(lib, 3, 2)), 3, 3),
        _grad_of(t, lambda lib, x: lib.linalg.cholesky(x), 3, 3),
        _grad_of(t, lambda lib, x: lib.linalg.qr(x)[1], 4, 3))),
    ("linalg_no_meta_kernel", lambda t: t.linalg.lstsq(_empty(t, 4, 3), _empty(t, 4, 2))),
    ("geqrf_no_meta_kernel", lambda t: t.geqrf(_empty(t, 4, 3))),
    # FFT: torch's meta kernels lay results out as cuFFT's plans would
    ("fft_c2c", lambda t: (t.fft.fft(_empty(t, 4, 5)), t.fft.fft(_empty(t, 4, 5), dim=0),
                           t.fft.fft(_empty(t, 4, 5), n=3), t.fft.ifft(_empty(t, 4, 5)),
                           t.fft.fft(_empty(t, 4, 5, dtype=t.complex64), dim=0),
                           t.fft.fft2(_empty(t, 3, 4, 5)), t.fft.fftn(_empty(t, 3, 4, 5), dim=(0, 1)),
                           t.fft.fftn(_empty(t, 3, 4, 5, dtype=t.complex64), dim=(0, 2)),
                           t.fft.ifftn(_empty(t, 2, 3, 4, 5, dtype=t.complex128)),
                           t.fft.fft(_empty(t, 4, 5).t()), t.fft.fft(_empty(t, 4, 5).t(), dim=0),
                           t.fft.fft(_empty(t, 4, dtype=t.int64)))),
    ("fft_r2c_c2r", lambda t: (t.fft.rfft(_empty(t, 4, 5)), t.fft.rfft(_empty(t, 4, 5), dim=0),
                               t.fft.rfft2(_empty(t, 3, 4, 5)), t.fft.rfftn(_empty(t, 3, 4, 5)),
                               t.fft.rfftn(_empty(t, 3, 4, 5), dim=(0, 1)),
                               t.fft.rfftn(_empty(t, 2, 3, 4, 5, dtype=t.float64)),
                               t.fft.irfft(_empty(t, 4, 5, dtype=t.complex64)),
                               t.fft.irfft(_empty(t, 4, 5, dtype=t.complex64), dim=0),
                               t.fft.irfftn(_empty(t, 3, 4, 5, dtype=t.complex64)),
                               t.fft.irfftn(_empty(t, 3, 4, 5, dtype=t.complex64), s=(4, 7)),
                               t.fft.hfft(_empty(t, 4, 5, dtype=t.complex64)),
                               t.fft.ihfft2(_empty(t, 3, 4, 5)), t.fft.hfftn(_empty(
                                   t, 3, 4, 5, dtype=t.complex64)), t.fft.ihfftn(_empty(t, 3, 4, 5)))),
    ("fft_nodes_and_grads", lambda t: (
        t.fft.fft(_leaf(t, 4, 5)), t.fft.rfft(_leaf(t, 4, 5)),
        t.fft.irfft(_leaf(t, 4, 5, dtype=t.complex64)),
        _grad_of(t, lambda lib, x: lib.fft.fft(x), 4, 5),
        _grad_of(t, lambda lib, x: lib.fft.rfft(x), 4, 5),
        _grad_of(t, lambda lib, x: lib.fft.irfft(x), 4, 5, dtype=t.complex64))),
    ("fft_helpers", lambda t: (t.fft.fftfreq(5, device=M), t.fft.rfftfreq(5, device=M,
                                                                        dtype=t.float64),
                               t.fft.fftshift(_empty(t, 4, 5)))),
    ("fft_no_points", lambda t: t.fft.fft(_empty(t, 0))),
    # results whose shape depends on values: torch's own refusals
    ("nonzero", lambda t: _empty(t, 4).nonzero()),
    ("nonzero_tuple", lambda t: t.nonzero(_empty(t, 4), as_tuple=True)),
    ("argwhere", lambda t: t.argwhere(_empty(t, 2, 2))),
    ("where_one_argument", lambda t: t.where(_empty(t, 4))),
    ("mask_index", lambda t: _empty(t, 3, 4)[_empty(t, 3) > 0]),
    ("masked_select", lambda t: t.masked_select(_empty(t, 4), _empty(t, 4) > 0)),
    ("unique", lambda t: t.unique(_empty(t, 4), return_inverse=True)),
    ("unique_dim", lambda t: t.unique(_empty(t, 4, 3), dim=0)),
    ("unique_consecutive", lambda t: _empty(t, 4).unique_consecutive()),
    ("bincount", lambda t: t.bincount(_empty(t, 4, dtype=t.int64))),
    ("equal", lambda t: t.equal(_empty(t, 2), _empty(t, 2))),
    ("allclose", lambda t: t.allclose(_empty(t, 2), _empty(t, 2))),
    ("repeat_interleave_counts", lambda t: t.repeat_interleave(
        _empty(t, 3), t.ones(3, dtype=t.int64, device=M))),
    ("shapes_known_first", lambda t: (t.histc(_empty(t, 4), bins=7), t.isin(_empty(t, 4), _empty(t, 3)),
                                      t.nonzero_static(_empty(t, 2, 2), size=3),
                                      _empty(t, 4).masked_scatter(_empty(t, 4) > 0, _empty(t, 4)),
                                      t.count_nonzero(_empty(t, 3, 4), 0))),
    # CPU beside meta: products put their result where one operand is, in-place
    # arithmetic where self is (NOTE [CPU and meta operands])
    ("mm_meta_cpu", lambda t: (t.mm(_empty(t, 3, 2), t.ones(2, 4)), _empty(t, 3, 3) @ t.ones(3, 3),
                               _empty(t, 2, 3, 3) @ t.ones(3, 3), t.ones(2, 3, 3) @ _empty(t, 2, 3, 3),
                               t.bmm(t.ones(2, 3, 3), _empty(t, 2, 3, 2)))),
    ("mm_cpu_meta", lambda t: [_unfilled(x) for x in (
        t.mm(t.ones(3, 2), _empty(t, 2, 4)), t.ones(3) @ _empty(t, 3, 3),
        t.ones(2, 3, 3) @ _empty(t, 3, 3), _empty(t, 2, 3, 3) @ t.ones(2, 3, 2),
        _empty(t, 3, 3) @ t.ones(2, 3, 3), t.bmm(_empty(t, 2, 3, 3), t.ones(2, 3, 3)))]),
    ("mv_across", lambda t: t.mv(_empty(t, 3, 3), t.ones(3))),
    ("dot_across", lambda t: t.dot(t.ones(3), _empty(t, 3))),
    ("matmul_vectors_across", lambda t: _empty(t, 3) @ t.ones(3)),
    ("addmm_across", lambda t: t.addmm(t.ones(3), _empty(t, 3, 3), _empty(t, 3, 3))),
    ("linear_meta_input", lambda t: (
        t.nn.functional.linear(_empty(t, 2, 3), t.ones(4, 3)),
        t.nn.functional.linear(_empty(t, 5, 2, 3), t.ones(4, 3)),
        t.nn.functional.linear(_empty(t, 3), t.ones(4, 3)),
        t.nn.functional.linear(_empty(t, 2, 3), t.ones(4, 3), _empty(t, 4)),
        t.nn.functional.linear(_empty(t, 2, 3), _empty(t, 4, 3), t.ones(())))),
    ("linear_cpu_input", lambda t: [_unfilled(x) for x in (
        t.nn.functional.linear(t.ones(2, 3), _empty(t, 4, 3)),
        t.nn.functional.linear(t.ones(5, 2, 3), _empty(t, 4, 3)))]),
    ("linear_cpu_bias", lambda t: t.nn.functional.linear(_empty(t, 2, 3), _empty(t, 4, 3),
                                                         t.ones(4))),
    ("linear_meta_bias", lambda t: t.nn.functional.linear(t.ones(2, 3), t.ones(4, 3), _empty(t, 4))),
    ("linear_batched_cpu_bias", lambda t: t.nn.functional.linear(_empty(t, 5, 2, 3),
                                                                 _empty(t, 4, 3), t.ones(4))),
    ("inplace_meta_self", lambda t: (_empty(t, 3).add_(t.ones(3)), _empty(t, 2, 3).mul_(t.ones(3)),
                                     _empty(t, 3).sub_(t.ones(3), alpha=2), _empty(t, 3).div_(t.ones(3)),
                                     _empty(t, 3).masked_fill_(t.ones(3) > 0, 1.0),
                                     _empty(t, 3).pow_(t.ones(())))),
    ("inplace_cpu_self", lambda t: (_inplace_on_cpu(t, lambda x, y: x.add_(y), _empty(t, 3)),
                                    _inplace_on_cpu(t, lambda x, y: x.mul_(y), _empty(t, ())),
                                    _inplace_on_cpu(t, lambda x, y: x.div_(y), _empty(t, 1)))),
    ("inplace_cpu_self_0d", lambda t: t.ones(()).sub_(t.empty((), device=M))),
    ("inplace_cpu_self_bad_shape", lambda t: t.ones(3).add_(_empty(t, 4))),
    ("inplace_cpu_self_grows", lambda t: t.ones(3).add_(_empty(t, 2, 3))),
    ("inplace_meta_self_grows", lambda t: t.empty((), device=M).mul_(t.ones(3))),
    ("inplace_checked_meta_self", lambda t: _empty(t, 3).pow_(t.ones(3))),
    ("inplace_checked_cpu_self", lambda t: t.ones(3).atan2_(_empty(t, 3))),
    ("inplace_cross_device_copy", lambda t: t.ones(()).pow_(t.empty((), device=M))),
    ("device_equals_string", lambda t: (_empty(t, 1).device == "meta", t.ones(1).device == "cpu",
                                        _empty(t, 1).device != "meta", "meta" == _empty(t, 1).device,
                                        _empty(t, 1).device == t.device("meta"),
                                        _empty(t, 1).device in ("meta",),
                                        t.ones(1).device == t.device("cpu"))),
    # refused
    ("item", lambda t: _empty(t, 1).item()),
    ("item_many", lambda t: _empty(t, 2).item()),
    ("numpy", lambda t: _empty(t, 2).numpy()),
    ("tolist", lambda t: _empty(t, 2).tolist()),
    ("bool", lambda t: bool(t.empty((), device=M))),
    ("float", lambda t: float(_empty(t, 1))),
    ("int", lambda t: int(_empty(t, 1, dtype=t.int64))),
    ("meta_plus_cpu", _mixed(lambda lib, a, b: a + b)),
    ("cpu_plus_meta", _mixed(lambda lib, a, b: b + a)),
    ("cpu_mul_meta", _mixed(lambda lib, a, b: lib.mul(b, a))),
    ("meta_plus_cpu_scalar", _mixed(lambda lib, a, b: a + b[0, 0])),
    ("meta_where_cpu", _mixed(lambda lib, a, b: lib.where(a > 0, a, b))),
    ("shape_mismatch_view", lambda t: _empty(t, 2, 3).T.view(6)),
    ("shape_mismatch_reshape", lambda t: _empty(t, 2, 3).reshape(4)),
    ("dim_out_of_range", lambda t: _empty(t, 2, 3).sum(5)),
    ("index_out_of_range", lambda t: _empty(t, 2, 3)[5]),
    ("expand_bad", lambda t: _empty(t, 2, 3).expand(4, 3)),
    ("bmm_mismatch", lambda t: _empty(t, 2, 2, 3) @ _empty(t, 2, 4, 5)),
    ("broadcast_mismatch", lambda t: _empty(t, 2, 3) + _empty(t, 4)),
    ("broadcast_mismatch_rev", lambda t: _empty(t, 4) * _empty(t, 2, 3)),
    ("broadcast_mismatch_where", lambda t: t.where(_empty(t, 2, 3) > 0, _empty(t, 2, 3),
                                                   _empty(t, 3, 2))),
    ("broadcast_mismatch_inplace", lambda t: _empty(t, 2, 3).sub_(_empty(t, 2))),
    ("mm_mismatch", lambda t: t.mm(_empty(t, 2, 3), _empty(t, 4, 5))),
    ("matmul_mismatch", lambda t: _empty(t, 2, 3) @ _empty(t, 4, 5)),
    ("linear_mismatch", lambda t: t.nn.functional.linear(_empty(t, 2, 3), _empty(t, 4, 5))),
    ("cat_mismatch", lambda t: t.cat([_empty(t, 2, 3), _empty(t, 5, 4)], 1)),
    ("cat_ndim", lambda t: t.cat([_empty(t, 2, 3), _empty(t, 3)])),
    ("stack_mismatch", lambda t: t.stack([_empty(t, 2, 3), _empty(t, 2, 4)])),
    ("cat_meta_cpu", lambda t: t.cat([_empty(t, 2, 3), t.ones(2, 3)])),
    ("ce_batch", lambda t: t.nn.functional.cross_entropy(
        _empty(t, 2, 3), t.zeros(3, dtype=t.long, device=M))),
    ("requires_grad_int", lambda t: t.empty(2, dtype=t.int64, device=M, requires_grad=True)),
    ("bad_device", lambda t: t.empty(2, device="meta:x")),
]


@pytest.mark.parametrize("program", [p for _, p in PROGRAMS], ids=[n for n, _ in PROGRAMS])
def test_meta_matches_torch(program):
    want = run(program, torch)
    got = run(program, dyngrad)
    assert got == want


def test_meta_ops_neither_compute_nor_allocate():
    """A meta forward and backward of a model far too large for memory is instant."""
    with dyngrad.device(M):
        model = dyngrad.nn.Sequential(dyngrad.nn.Linear(100_000, 100_000),
                                      dyngrad.nn.ReLU(), dyngrad.nn.Linear(100_000, 10))
    x = dyngrad.empty(100_000, 100_000, device=M)
    out = model(x)
    out.sum().backward()
    assert type(model[0].weight.grad._data) is _meta_array.MetaArray
    assert tuple(out.shape) == (100_000, 10)
