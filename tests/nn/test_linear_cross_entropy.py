"""F.linear_cross_entropy, nn.LinearCrossEntropyLoss and LinearCrossEntropyOptions against
torch: the reference path (options=None) and the chunked one, values, gradients, node
names, warnings, errors, and the chunked backward's refusal to run twice."""
import numpy as np
import pytest

from tests.side_by_side import assert_same

rng = np.random.default_rng(0)
X, W, B = rng.normal(size=(7, 4)), rng.normal(size=(5, 4)), rng.normal(size=5)
T = np.array([0, 4, 2, 2, -100, 1, 3])
CW = rng.uniform(0.5, 2, size=5)
P = rng.dirichlet(np.ones(5), size=7)


def _loss_and_grads(lib, x, w, target, dtype="float32", backward=True, **kw):
    dt = getattr(lib, dtype)
    xs = lib.tensor(x, dtype=dt, requires_grad=True)
    ws = lib.tensor(w, dtype=dt, requires_grad=True)
    if "linear_bias" in kw:
        kw["linear_bias"] = lib.tensor(kw["linear_bias"], dtype=dt, requires_grad=True)
    if "weight" in kw:
        kw["weight"] = lib.tensor(kw["weight"], dtype=dt)
    if isinstance(kw.get("options"), dict):
        kw["options"] = lib.nn.LinearCrossEntropyOptions(**{
            k: getattr(lib, v) if k == "acc_dtype" else v for k, v in kw["options"].items()})
    t = lib.tensor(target, dtype=dt if target.dtype.kind == "f" else lib.int64)
    loss = lib.nn.functional.linear_cross_entropy(xs, ws, t, **kw)
    if not backward:
        return loss
    (loss * lib.arange(1, loss.numel() + 1, dtype=dt).reshape(loss.shape)).sum().backward()
    out = loss, xs.grad, ws.grad, kw.get("linear_bias") is not None and kw["linear_bias"].grad
    if dtype == "bfloat16":  # (as float32, exactly, for NumPy to compare; dtypes first)
        return [str(t.dtype) for t in out if t is not False], [
            t if t is False else t.float() for t in out]
    return out


CASES = {
    "mean": dict(),
    "sum_bias": dict(reduction="sum", linear_bias=B),
    "none_weight": dict(reduction="none", weight=CW),
    "ignore_index": dict(ignore_index=2, target=np.where(T < 0, 0, T)),
    "smoothing": dict(label_smoothing=0.2, weight=CW),
    "probabilities": dict(target=P),
    "probabilities_ignore_index": dict(target=P, ignore_index=1),
    "unbatched": dict(x=X[0], target=np.array(3)),
    "k_dim": dict(w=rng.normal(size=(5, 2, 4)), target=rng.integers(0, 5, size=(7, 2)),
                  linear_bias=rng.normal(size=(5, 2))),
    "k_dim_unbatched": dict(x=X[0], w=rng.normal(size=(5, 2, 4)), target=np.array([1, 2])),
    "double": dict(dtype="float64", weight=CW),
    "chunked_mean": dict(options={}),
    "chunked_sum_bias_weight": dict(options={"batch_chunk_size": 3}, reduction="sum",
                                    linear_bias=B, weight=CW),
    "chunked_none": dict(options={"batch_chunk_size": 2}, reduction="none", linear_bias=B),
    "chunked_mean_ignore_weight": dict(options={"chunking_method": "aspect_ratio"},
                                       weight=CW, ignore_index=4, target=np.abs(T) % 5),
    "chunked_unbatched": dict(options={}, x=X[0], target=np.array(3)),
    "chunked_double": dict(options={"batch_chunk_size": 4}, dtype="float64"),
    "chunked_falls_back": dict(options={}, label_smoothing=0.1),
    "chunked_falls_back_k_dim": dict(options={}, w=rng.normal(size=(5, 2, 4)),
                                     target=rng.integers(0, 5, size=(7, 2))),
    # float16 and bfloat16: float32 accumulation under acc_policy="auto", their own dtype
    # under an explicit policy; values within an ulp or two of the dtype (torch rounds
    # some partial sums on the way)
    "chunked_half_mean_bias": dict(options={"batch_chunk_size": 3}, dtype="float16",
                                   linear_bias=B, tol=2e-3),
    "chunked_half_accurate_sum": dict(options={"batch_chunk_size": 2, "acc_policy": "accurate"},
                                      dtype="float16", reduction="sum", tol=2e-3),
    "chunked_bf16_none_weight": dict(options={"batch_chunk_size": 3}, dtype="bfloat16",
                                     reduction="none", weight=CW, tol=2e-2),
    "chunked_bf16_compact_mean": dict(options={"acc_policy": "compact"}, dtype="bfloat16",
                                      linear_bias=B, tol=2e-2),
    "chunked_acc_dtype_half_for_float": dict(options={"acc_dtype": "float16"}),
    "chunked_acc_dtype_double_for_half": dict(options={"acc_dtype": "float64"}, dtype="float16"),
    "chunked_acc_dtype_bf16_for_half": dict(options={"acc_dtype": "bfloat16"}, dtype="float16"),
    "chunked_size_conflict": dict(options={"batch_chunk_size": 3,
                                           "chunking_method": "aspect_ratio"}),
    "bad_input_dim": dict(x=X[None], target=T[None]),
    "bad_weight_dim": dict(w=W[0]),
    "bad_features": dict(w=W[:, :3]),
    "bad_bias": dict(linear_bias=B[:4]),
    "chunked_bad_target": dict(options={}),  # (-100 is no class when ignore_index=4)
}
CASES["chunked_bad_target"]["ignore_index"] = 4


@pytest.mark.parametrize("name", CASES)
def test_as_torch(name):
    kw = dict(CASES[name])
    x, w, target = kw.pop("x", X), kw.pop("w", W), kw.pop("target", T)
    tol = kw.pop("tol", 1e-5)
    if kw.get("dtype") == "bfloat16":
        pytest.importorskip("ml_dtypes")
    # (low precision: an absolute tolerance too, the gradients holding values near 0)
    assert_same(lambda lib: _loss_and_grads(lib, x, w, target, **kw), rtol=tol,
                atol=tol / 10 if tol < 1e-3 else tol)


@pytest.mark.parametrize("retain", [False, True])
def test_chunked_backward_runs_once_unless_retained(retain):
    def case(lib):
        loss = _loss_and_grads(lib, X, W, T, backward=False,
                               options={"allow_retain_graph": retain})
        loss.backward(retain_graph=True)
        loss.backward()
        return loss
    assert_same(case, rtol=1e-6)


OPTION_ERRORS = [dict(acc_policy="x"), dict(chunking_method="foo"),
                 dict(chunking_method="aspect_ratio:0"), dict(batch_chunk_size=0),
                 dict(acc_dtype="int32")]


@pytest.mark.parametrize("kw", OPTION_ERRORS)
def test_options_checks_and_repr(kw):
    def case(lib):
        options = {k: getattr(lib, v) if k == "acc_dtype" else v for k, v in kw.items()}
        return repr(lib.nn.LinearCrossEntropyOptions(**options))
    assert_same(case)
    assert_same(lambda lib: repr(lib.nn.LinearCrossEntropyOptions(batch_chunk_size=2)))


def test_module():
    target = rng.integers(0, 5, size=(7, 2))

    def case(lib):
        lib.manual_seed(0)
        m = lib.nn.LinearCrossEntropyLoss(4, 5, out_features=(2,), bias=True,
                                          label_smoothing=0.1)
        loss = m(lib.tensor(X, dtype=lib.float32), lib.tensor(target))
        loss.backward()
        return repr(m), loss, m.linear.weight.grad, m.linear.bias.grad, list(m.state_dict())
    assert_same(case, rtol=1e-5, atol=1e-6)
    assert_same(lambda lib: lib.nn.LinearCrossEntropyLoss(4, 5, weight=lib.ones(4)))
    assert_same(lambda lib: lib.nn.LinearCrossEntropyLoss(4, 5, label_smoothing=1.5))
