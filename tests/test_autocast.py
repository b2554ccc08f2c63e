"""CPU autocast against torch: a table of functions run under torch.autocast("cpu") in
bfloat16 and float16 (values, dtypes, the grad_fn and its inputs' nodes, and after a
backward the gradients and their dtypes), the state functions and their deprecated
spellings, nesting, enabled=False, the weight cache, the three spellings of autocast as
context manager and decorator, and a small training loop."""
import numpy as np
import pytest
import torch

import dyngrad

from side_by_side import assert_same


def _inputs(lib):
    rng = np.random.default_rng(0)

    def t(*shape):
        return lib.tensor(rng.standard_normal(shape), dtype=lib.float32).requires_grad_()
    return t


def _graph(y):
    fn = y.grad_fn
    return (fn.name(), [None if f is None else f.name() for f, _ in fn.next_functions])


# name -> f(lib, t): t(*shape) is a float32 leaf that requires grad
CASES = {
    "mm": lambda lib, t: lib.mm(t(3, 5), t(5, 4)),
    "matmul_operator": lambda lib, t: t(2, 3, 5) @ t(5, 4),
    "matmul_vector": lambda lib, t: lib.matmul(t(3, 5), t(5)),
    "Tensor.mm": lambda lib, t: t(3, 5).mm(t(5, 2)),
    "bmm": lambda lib, t: lib.bmm(t(2, 3, 5), t(2, 5, 4)),
    "addmm": lambda lib, t: lib.addmm(t(4), t(3, 5), t(5, 4), beta=0.5, alpha=2.0),
    "baddbmm": lambda lib, t: lib.baddbmm(t(2, 3, 4), t(2, 3, 5), t(2, 5, 4)),
    "addbmm": lambda lib, t: lib.addbmm(t(3, 4), t(2, 3, 5), t(2, 5, 4)),
    "linear": lambda lib, t: lib.nn.functional.linear(t(3, 5), t(4, 5), t(4)),
    "linear_3d": lambda lib, t: lib.nn.functional.linear(t(2, 3, 5), t(4, 5), t(4)),
    "linear_no_bias": lambda lib, t: lib.nn.functional.linear(t(3, 5), t(4, 5)),
    "Linear": lambda lib, t: lib.nn.Linear(5, 3)(t(2, 5)),
    "conv1d": lambda lib, t: lib.nn.functional.conv1d(t(1, 2, 7), t(3, 2, 3), t(3)),
    "conv2d": lambda lib, t: lib.nn.functional.conv2d(t(1, 2, 5, 5), t(3, 2, 3, 3),
                                                      padding=1),
    "conv3d": lambda lib, t: lib.nn.functional.conv3d(t(1, 1, 3, 4, 4), t(2, 1, 2, 2, 2)),
    "conv_transpose2d": lambda lib, t: lib.nn.functional.conv_transpose2d(t(1, 2, 3, 3),
                                                                          t(2, 3, 2, 2)),
    "prelu": lambda lib, t: lib.nn.functional.prelu(t(2, 3), t(1)),
    "sdpa": lambda lib, t: lib.nn.functional.scaled_dot_product_attention(t(2, 3, 4),
                                                                          t(2, 5, 4), t(2, 5, 4)),
    "linalg.vecdot": lambda lib, t: lib.linalg.vecdot(t(3, 4), t(3, 4)),
    "linalg.matmul": lambda lib, t: lib.linalg.matmul(t(3, 4), t(4, 2)),
    "einsum": lambda lib, t: lib.einsum("ij,jk->ik", t(3, 4), t(4, 2)),
    "multi_dot": lambda lib, t: lib.linalg.multi_dot([t(2, 3), t(3, 3), t(3, 2)]),
    # composites whose products go through autocast
    "einsum_presum": lambda lib, t: lib.einsum("ij,jk->k", t(3, 4), t(4, 2)),
    "tensordot": lambda lib, t: lib.tensordot(t(2, 3, 4), t(3, 4, 2), dims=2),
    "inner": lambda lib, t: lib.inner(t(3, 4), t(2, 4)),
    "matrix_power": lambda lib, t: lib.linalg.matrix_power(t(3, 3), 3),
    # the float32 list
    "prod": lambda lib, t: lib.prod(t(2, 3).bfloat16()),
    "cdist": lambda lib, t: lib.cdist(t(3, 2).half(), t(4, 2).half()),
    "mse_loss": lambda lib, t: lib.nn.functional.mse_loss(t(3, 4) @ t(4, 2), t(3, 2)),
    "cross_entropy": lambda lib, t: lib.nn.functional.cross_entropy(
        t(3, 4) @ t(4, 5), lib.tensor([0, 4, 2])),
    "nll_loss": lambda lib, t: lib.nn.functional.nll_loss(t(3, 4).bfloat16(),
                                                          lib.tensor([0, 3, 2])),
    "bce_with_logits": lambda lib, t: lib.nn.functional.binary_cross_entropy_with_logits(
        t(3, 4).bfloat16(), lib.full((3, 4), 0.25)),
    "linalg.inv": lambda lib, t: lib.linalg.inv(t(3, 3) @ t(3, 3)),
    "fft.rfft": lambda lib, t: lib.fft.rfft(t(4, 3) @ t(3, 6)).abs(),
    "trace": lambda lib, t: lib.trace(t(3, 3).bfloat16()),
    # promote: to the widest input type
    "cat": lambda lib, t: lib.cat([t(2, 3), t(1, 3).bfloat16()]),
    "cat_low": lambda lib, t: lib.cat([t(2, 3).bfloat16(), t(1, 3).bfloat16()]),
    "stack": lambda lib, t: lib.stack([t(3).bfloat16(), t(3)]),
    # not listed: they run in the dtypes they are given
    "add_mixed": lambda lib, t: (t(3, 4) @ t(4, 2)) + t(3, 2),
    "relu_low": lambda lib, t: lib.relu(t(3, 4) @ t(4, 2)),
    "layer_norm": lambda lib, t: lib.nn.functional.layer_norm(t(2, 4), (4,)),
    # a low-precision input with float32 parameters: torch's mixed-type kernels keep the
    # input's dtype
    "layer_norm_mixed": lambda lib, t: lib.nn.functional.layer_norm(t(3, 4) @ t(4, 4), (4,),
                                                                    t(4), t(4)),
    "group_norm_mixed": lambda lib, t: lib.nn.functional.group_norm(
        lib.nn.functional.conv1d(t(2, 2, 5), t(4, 2, 3)), 2, t(4), t(4)),
    "batch_norm_mixed": lambda lib, t: lib.nn.functional.batch_norm(
        t(3, 4) @ t(4, 4), lib.zeros(4), lib.ones(4), t(4), t(4), training=True),
    "softmax_low": lambda lib, t: (t(3, 4) @ t(4, 2)).softmax(-1),
    "mv": lambda lib, t: lib.mv(t(3, 4), t(4)),
    "float64_stays": lambda lib, t: lib.mm(t(2, 3).double(), t(3, 2).double()),
    "RNN": lambda lib, t: lib.nn.RNN(4, 3)(t(5, 2, 4))[0],
    "LSTM": lambda lib, t: lib.nn.LSTM(4, 3, batch_first=True)(t(2, 5, 4))[1][1],
    "GRU": lambda lib, t: lib.nn.GRU(4, 3)(t(5, 2, 4))[1],
    "pad_reflect": lambda lib, t: lib.nn.functional.pad(t(1, 2, 4).bfloat16(), (1, 2),
                                                        mode="reflect"),
    "pad_replicate_3d": lambda lib, t: lib.nn.functional.pad(
        t(1, 1, 2, 3, 3).bfloat16(), (1, 1, 1, 1, 1, 1), mode="replicate"),
    "pad_constant": lambda lib, t: lib.nn.functional.pad(t(1, 2, 4).bfloat16(), (1, 2)),
}
# computed in the same order as torch's kernels: equal to the bit
EXACT = {"mm", "matmul_operator", "matmul_vector", "Tensor.mm", "bmm", "linear",
         "linear_3d", "linear_no_bias", "Linear", "einsum", "multi_dot", "linalg.matmul",
         "einsum_presum", "tensordot", "inner", "matrix_power",
         "cat", "cat_low", "stack", "float64_stays", "add_mixed", "relu_low", "prod",
         "trace", "nll_loss"}


# torch's LSTM is oneDNN's kernel (one MkldnnRnnLayerBackward0 node per layer), dyngrad's
# the recurrence op by op: the result's node only; oneDNN has no float16 LSTM on this CPU
ONE_NODE = {"LSTM"}
NOT_IN_FLOAT16 = {"LSTM"}


def _case(name, dtype):
    def case(lib):
        lib.manual_seed(0)  # the modules' initial weights
        t = _inputs(lib)
        with lib.autocast("cpu", dtype=getattr(lib, dtype)):
            y = CASES[name](lib, t)
        leaves = []
        fn = y.grad_fn
        graph = _graph(y) if name not in ONE_NODE else y.grad_fn.name()
        y.float().sum().backward()
        # every float32 leaf reached: its gradient, in its dtype
        stack, seen = [fn], set()
        while stack:
            node = stack.pop()
            if node is None or id(node) in seen:
                continue
            seen.add(id(node))
            if hasattr(node, "variable"):
                leaves.append(node.variable.grad)
            stack.extend(f for f, _ in node.next_functions)
        leaves.sort(key=lambda g: (tuple(g.shape), float(g.double().sum())))
        # (values as float32: torch's .numpy() takes no bfloat16)
        return y.dtype, y.detach().float(), graph, [(g.dtype, g.float()) for g in leaves]
    return case


@pytest.mark.parametrize("name, dtype", [(n, d) for d in ("bfloat16", "float16") for n in CASES
                                          if not (d == "float16" and n in NOT_IN_FLOAT16)])
def test_function_under_autocast(name, dtype):
    tol = 0 if name in EXACT and dtype == "bfloat16" else 2e-2
    assert_same(_case(name, dtype), rtol=tol, atol=tol)


STATE_CASES = [
    "lib.get_autocast_dtype('cpu'), lib.get_autocast_dtype('cuda'), lib.get_autocast_dtype('xla')",
    "lib.is_autocast_enabled(), lib.is_autocast_enabled('cpu'), lib.is_autocast_cache_enabled()",
    "lib.get_autocast_cpu_dtype(), lib.get_autocast_gpu_dtype(), lib.get_autocast_ipu_dtype(), "
    "lib.get_autocast_xla_dtype()",
    "lib.is_autocast_cpu_enabled(), lib.is_autocast_ipu_enabled(), lib.is_autocast_xla_enabled()",
    "lib.get_autocast_dtype('meta')", "lib.get_autocast_dtype('nowhere')",
    "lib.is_autocast_enabled(3)", "lib.set_autocast_enabled('cpu', 1)",
    "lib.set_autocast_enabled(1)", "lib.set_autocast_cache_enabled(1)",
    "lib.set_autocast_dtype('cpu', 'x')", "lib.autocast(3)", "lib.autocast('nowhere')",
    "lib.amp.is_autocast_available('cpu'), lib.amp.is_autocast_available('cuda')",
    "lib.autocast_increment_nesting(), lib.autocast_decrement_nesting()",
    "(lambda a: (a.fast_dtype, a.device, a._enabled, a._cache_enabled))(lib.autocast('cpu'))",
    "(lambda a: (a.fast_dtype, a._enabled))(lib.autocast('cpu', dtype=lib.float64))",
    "(lambda a: (a.fast_dtype, a._enabled, a._cache_enabled))"
    "(lib.cpu.amp.autocast(cache_enabled=False))",
    "lib.cpu.amp.GradScaler().get_scale()",
]


@pytest.mark.parametrize("statement", STATE_CASES)
def test_state_functions(statement):
    assert_same(lambda lib: eval(statement, {"lib": lib}))


def _set_and_read(lib):
    out = []
    lib.set_autocast_enabled("cpu", True)
    lib.set_autocast_dtype("cpu", lib.float16)
    out.append((lib.is_autocast_enabled("cpu"), (lib.ones(2, 2) @ lib.ones(2, 2)).dtype))
    lib.set_autocast_cpu_dtype(lib.bfloat16)
    lib.set_autocast_cpu_enabled(False)
    out.append((lib.is_autocast_enabled("cpu"), lib.get_autocast_dtype("cpu"),
                (lib.ones(2, 2) @ lib.ones(2, 2)).dtype))
    lib.set_autocast_enabled(True)      # the old spelling: CUDA's flag
    out.append((lib.is_autocast_enabled(), lib.is_autocast_enabled("cpu")))
    lib.set_autocast_enabled(False)
    lib.set_autocast_gpu_dtype(lib.float16)
    lib.set_autocast_ipu_enabled(False)
    lib.set_autocast_xla_enabled(False)
    lib.set_autocast_ipu_dtype(lib.float16)
    lib.set_autocast_xla_dtype(lib.bfloat16)
    return out


def test_setters_and_their_deprecated_spellings():
    assert_same(_set_and_read)


def _nested(lib):
    a, b = lib.ones(2, 2), lib.ones(2, 2)
    seen = []
    with lib.autocast("cpu"):
        seen.append((a @ b).dtype)
        with lib.autocast("cpu", dtype=lib.float16):
            seen.append(((a @ b).dtype, lib.get_autocast_dtype("cpu")))
            with lib.autocast("cpu", enabled=False):
                seen.append(((a @ b).dtype, lib.is_autocast_enabled("cpu")))
                seen.append((a @ (a @ b).float()).dtype)
            seen.append((a @ b).dtype)
        seen.append(((a @ b).dtype, lib.get_autocast_dtype("cpu")))
    seen.append(((a @ b).dtype, lib.is_autocast_enabled("cpu")))

    @lib.autocast("cpu")
    def decorated(x):
        return x @ x, lib.is_autocast_enabled("cpu")
    y, inside = decorated(a)
    seen.append((y.dtype, inside, lib.is_autocast_enabled("cpu")))

    @lib.amp.autocast("cpu", dtype=lib.float16)
    def decorated16(x):
        return (x @ x).dtype
    seen.append(decorated16(a))
    with lib.cpu.amp.autocast():
        seen.append((a @ b).dtype)
    with lib.autocast("cpu", dtype=lib.float32):
        seen.append((a @ b).dtype)
    try:
        with lib.autocast("cpu"):
            raise ValueError("inside")
    except ValueError:
        seen.append((lib.is_autocast_enabled("cpu"), (a @ b).dtype))
    return seen


def test_nesting_disabling_decorators():
    assert_same(_nested)


def _cache(lib, cache_enabled, grad=True):
    w = lib.ones(3, 3, requires_grad=True)
    x = lib.ones(3, 3)
    with lib.autocast("cpu", cache_enabled=cache_enabled):
        with lib.set_grad_enabled(grad):
            y1 = x @ w
        y2 = x @ w
        y3 = x @ w.t()      # a view: never cached
    casts = [y.grad_fn.next_functions[1][0] if y.grad_fn is not None else None
             for y in (y1, y2)]
    shared = casts[0] is not None and casts[0] is casts[1]
    with lib.autocast("cpu"):
        y4 = x @ w          # a new region: a new cast
    (y2.sum() + y3.float().sum()).backward()
    return (shared, y4.grad_fn.next_functions[1][0] is casts[1], y2.grad_fn is not None,
            w.grad, w.grad.dtype, lib.is_autocast_cache_enabled())


@pytest.mark.parametrize("cache_enabled, grad", [(None, True), (False, True), (True, False)])
def test_weight_cache(cache_enabled, grad):
    assert_same(lambda lib: _cache(lib, cache_enabled, grad))


def _training(lib, dtype):
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Conv2d(1, 3, 3), lib.nn.ReLU(), lib.nn.Flatten(),
                              lib.nn.Linear(27, 8), lib.nn.Tanh(), lib.nn.Linear(8, 4))
    opt = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = lib.randn(6, 1, 5, 5)
    target = lib.tensor([0, 1, 2, 3, 1, 0])
    log = []
    for _ in range(5):
        opt.zero_grad()
        with lib.autocast("cpu", dtype=getattr(lib, dtype)):
            out = model(x)
            loss = lib.nn.functional.cross_entropy(out, target)
        loss.backward()
        opt.step()
        log.append((out.dtype, out.detach().float(), loss, [p.grad for p in model.parameters()]))
    return log, [p.detach() for p in model.parameters()]


def _transformer(lib):
    lib.manual_seed(0)
    layer = lib.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0,
                                           batch_first=True)
    x = lib.randn(2, 5, 8)
    with lib.autocast("cpu"):
        y = layer(x)
    y.float().pow(2).mean().backward()
    return y.dtype, y.detach().float(), [(n, p.grad) for n, p in layer.named_parameters()]


def _norm_dtype_rules(lib):
    out = []
    F = lib.nn.functional
    for x, w, b in [("bfloat16", "float64", "float64"), ("float32", "bfloat16", "bfloat16"),
                    ("float64", "float32", "float32"), ("bfloat16", "float32", "bfloat16"),
                    ("bfloat16", "bfloat16", "float32"), ("float16", "float32", "float32"),
                    ("float32", "float32", "float64")]:
        x, w, b = (getattr(lib, d) for d in (x, w, b))
        for fn in (lambda: F.layer_norm(lib.ones(2, 4, dtype=x), (4,), lib.ones(4, dtype=w),
                                        lib.ones(4, dtype=b)),
                   lambda: F.group_norm(lib.ones(2, 4, 3, dtype=x), 2, lib.ones(4, dtype=w),
                                        lib.ones(4, dtype=b)),
                   lambda: lib.native_layer_norm(lib.ones(2, 4, dtype=x), [4],
                                                 lib.ones(4, dtype=w), None, 1e-5)[1],
                   lambda: lib.native_group_norm(lib.ones(2, 4, 3, dtype=x),
                                                 lib.ones(4, dtype=w), lib.ones(4, dtype=b),
                                                 2, 4, 3, 2, 1e-5)[2]):
            try:
                out.append(fn().dtype)
            except RuntimeError as e:
                out.append(str(e))
    return out


def test_layer_and_group_norm_parameter_dtypes():
    assert_same(_norm_dtype_rules)


def test_transformer_layer():
    assert_same(_transformer, rtol=5e-2, atol=5e-2)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_training_loop(dtype):
    assert_same(lambda lib: _training(lib, dtype), rtol=2e-2, atol=2e-2)


def test_state_is_per_thread():
    import threading
    seen = []
    with dyngrad.autocast("cpu"):
        worker = threading.Thread(target=lambda: seen.append(
            (dyngrad.is_autocast_enabled("cpu"), (dyngrad.ones(2, 2) @ dyngrad.ones(2, 2)).dtype)))
        worker.start()
        worker.join()
    assert seen == [(False, dyngrad.float32)]
    assert torch.is_autocast_enabled("cpu") is False


def _custom_function(lib, cast_inputs, inside):
    class MatMulTwice(lib.autograd.Function):
        @staticmethod
        @lib.amp.custom_fwd(device_type="cpu", cast_inputs=cast_inputs)
        def forward(ctx, a, b, extra):
            ctx.save_for_backward(a, b)
            return a @ b * 2, [x.dtype for x in extra["list"]], lib.is_autocast_enabled("cpu")

        @staticmethod
        @lib.amp.custom_bwd(device_type="cpu")
        def backward(ctx, grad, *_):
            a, b = ctx.saved_tensors
            seen.append((lib.is_autocast_enabled("cpu"), grad.dtype))
            return grad @ b.t() * 2, a.t() @ grad * 2, None

    seen = []
    a = lib.ones(2, 3, requires_grad=True)
    b = lib.full((3, 2), 0.5, requires_grad=True)
    extra = {"list": [lib.ones(1), lib.ones(1, dtype=lib.float64), lib.ones(1).bfloat16()]}
    if inside:
        with lib.autocast("cpu"):
            y, dtypes, enabled = MatMulTwice.apply(a, b, extra)
            y.float().sum().backward()
    else:
        y, dtypes, enabled = MatMulTwice.apply(a, b, extra)
        y.float().sum().backward()
    return y.dtype, y.detach().float(), dtypes, enabled, seen, a.grad, b.grad


@pytest.mark.parametrize("cast_inputs", [None, "float32", "bfloat16"])
@pytest.mark.parametrize("inside", [True, False])
def test_custom_fwd_and_bwd(cast_inputs, inside):
    assert_same(lambda lib: _custom_function(
        lib, cast_inputs and getattr(lib, cast_inputs), inside))


def _cuda_spelling(lib):
    class Double(lib.autograd.Function):
        @staticmethod
        @lib.cuda.amp.custom_fwd
        def forward(ctx, x):
            return x * 2

        @staticmethod
        @lib.cuda.amp.custom_bwd
        def backward(ctx, grad):
            return grad * 2

    x = lib.ones(2, requires_grad=True)
    Double.apply(x).sum().backward()
    return x.grad


def test_custom_fwd_and_bwd_cuda_spellings():
    assert_same(_cuda_spelling)


def test_custom_fwd_errors():
    assert_same(lambda lib: [lib.amp.custom_fwd(device_type=1)])
    assert_same(lambda lib: [lib.amp.custom_bwd(device_type=None)])


def test_compiled_function_follows_autocast():
    # a plan recorded outside autocast is not replayed inside it, nor the other way
    lin = dyngrad.nn.Linear(3, 2)
    step = dyngrad.compile(lambda x: lin(x).sum())
    x = dyngrad.ones(4, 3)
    seen = []
    for inside in (False, False, True, True, False):
        with dyngrad.autocast("cpu", enabled=inside):
            seen.append(step(x).dtype)
    assert seen == [dyngrad.float32] * 2 + [dyngrad.bfloat16] * 2 + [dyngrad.float32]
