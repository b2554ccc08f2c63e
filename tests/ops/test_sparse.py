"""Sparse COO tensors against torch: what the op-table oracle cannot see (it reads dense
results). Each case is written once against the torch API and run on both libraries; what
comes out is described (layout, repr, indices, values, flags, gradients of sparse leaves,
grad_fn names) and compared, and so are errors (type and message) and optimizer steps.
"""
import warnings

import numpy as np
import pytest
import torch

import dyngrad

IDX = [[0, 1, 1, 0], [2, 0, 2, 2]]                       # (0, 2) twice: uncoalesced
VALS = [0.75, -1.5, 2.25, 0.5]
DENSE = [[0.0, 1.5, 0.0], [-2.0, 0.0, 0.25]]             # zeros where to_sparse skips


def _coo(t, values=VALS, indices=IDX, size=(2, 3), **kw):
    return t.sparse_coo_tensor(t.tensor(indices), t.tensor(values), size,
                               check_invariants=False, **kw)


SMALL = [0.25, -0.5, 0.125, 0.375]    # coalesced: 0.625, -0.5, 0.125 (inside asin's domain)
POSITIVE = [0.25, 1.5, 0.125, 2.0]
B_IDX = [[0, 2, 2, 1], [1, 0, 0, 1]]  # a 3 x 2 right-hand side, (2, 0) twice

# the elementwise functions torch runs on COO tensors (on the coalesced values)
UNARY = ["abs", "neg", "sin", "tanh", "relu", "sign", "sgn", "square", "asin", "asinh", "atan",
         "atanh", "ceil", "floor", "round", "trunc", "expm1", "sinh", "tan", "nan_to_num",
         "deg2rad", "isnan", "isinf", "signbit", "isposinf", "isneginf", "erf", "erfinv", "frac"]


def _hybrid(t):
    return t.tensor([[[1., 2., 3.], [0., 0., 0.]], [[0., 0., 0.], [0., 0., 0.]],
                     [[4., 0., 5.], [6., 0., 0.]]]).to_sparse(1)


def _rounded(values):
    # float32 values to 7 significant digits: exp and log differ in the last bit by library
    # (complex values as they are, with the signs of their zeros)
    if np.iscomplexobj(values):
        return [(v.real, v.imag, np.signbit(v.real), np.signbit(v.imag))
                for v in np.asarray(values).reshape(-1)]
    return np.vectorize(lambda v: float(f"{v:.7g}"))(np.asarray(values, float)).tolist() \
        if np.size(values) else values


def describe(x):
    """Everything observable about a result, as plain values."""
    if isinstance(x, (tuple, list)):
        return [describe(v) for v in x]
    if not hasattr(x, "layout"):
        return x
    fn = x.grad_fn
    out = {"layout": str(x.layout), "dtype": str(x.dtype), "shape": tuple(x.shape),
           "is_sparse": x.is_sparse, "repr": repr(x), "requires_grad": x.requires_grad,
           "grad_fn": None if fn is None else fn.name()}
    if x.is_sparse:
        out.update(indices=x._indices().tolist(), values=_rounded(x._values().detach().tolist()),
                   coalesced=x.is_coalesced(), nnz=x._nnz(), sparse_dim=x.sparse_dim(),
                   dense_dim=x.dense_dim(), numel=x.numel(), stride=x.stride(),
                   contiguous=x.is_contiguous())
    else:
        out["values"] = _rounded(x.detach().tolist())
    return out


# -- forward: values, reprs, flags ----------------------------------------------------------
FORWARD = {
    "coo": lambda t: _coo(t),
    "coo_requires_grad": lambda t: _coo(t, requires_grad=True),
    "coo_double": lambda t: _coo(t, dtype=t.float64),
    "coo_int32": lambda t: _coo(t, [1, 2, 3, 4], dtype=t.int32),
    "coo_int64_values": lambda t: _coo(t, [1, 2, 3, 4]),
    "coo_size_inferred": lambda t: t.sparse_coo_tensor(t.tensor(IDX), t.tensor(VALS),
                                                       check_invariants=False),
    "coo_from_lists": lambda t: t.sparse_coo_tensor(IDX, VALS, (2, 3), check_invariants=False),
    "coo_is_coalesced": lambda t: _coo(t, VALS[:3], [[0, 1, 1], [2, 0, 2]], is_coalesced=True),
    "coo_empty": lambda t: t.sparse_coo_tensor(t.zeros(2, 0, dtype=t.long), t.zeros(0), (2, 3),
                                               check_invariants=False),
    "coo_hybrid": lambda t: t.sparse_coo_tensor(t.tensor([[0, 1, 1]]),
                                                t.tensor([[1., 2.], [3., 4.], [5., 6.]]),
                                                (3, 2), check_invariants=False),
    "coalesce": lambda t: _coo(t).coalesce(),
    "coalesce_hybrid": lambda t: t.sparse_coo_tensor(
        t.tensor([[1, 0, 1]]), t.tensor([[1., 2.], [3., 4.], [5., 6.]]), (3, 2),
        check_invariants=False).coalesce(),
    "coalesce_keeps_zeros": lambda t: _coo(t, [1.0, 2.0, 3.0, -1.0]).coalesce(),
    "indices_values": lambda t: [_coo(t).coalesce().indices(), _coo(t).coalesce().values()],
    "to_dense": lambda t: _coo(t).to_dense(),
    "to_sparse": lambda t: t.tensor(DENSE).to_sparse(),
    "to_sparse_1": lambda t: t.tensor(DENSE).to_sparse(1),
    "to_sparse_2": lambda t: t.tensor(DENSE).to_sparse(2),
    "to_sparse_0d": lambda t: [t.tensor(5.0).to_sparse(), t.tensor(0.0).to_sparse()],
    "to_sparse_all_zero": lambda t: t.zeros(2, 3, dtype=t.int32).to_sparse(),
    "sparse_to_sparse_is_itself": lambda t: (lambda s: s.to_sparse() is s)(_coo(t)),
    "dense_to_dense_is_itself": lambda t: (lambda d: d.to_dense() is d)(t.ones(2)),
    "coalesce_of_coalesced_is_itself": lambda t: (lambda s: s.coalesce() is s)(
        _coo(t).coalesce()),
    "mul_scalar": lambda t: [_coo(t) * 2, 2 * _coo(t), _coo(t) * 0.5],
    "div_scalar": lambda t: [_coo(t) / 4, _coo(t, [1, 2, 3, 4]) / 2],
    "int_times_float": lambda t: _coo(t, [1, 2, 3, 4]) * 2.5,
    "neg": lambda t: -_coo(t),
    "add_same_indices": lambda t: _coo(t) + _coo(t, [1.0, 1.0, 1.0, 1.0]),
    "add_other_indices": lambda t: _coo(t) + _coo(t, [7.0, 8.0], [[1, 0], [1, 2]]),
    "add_coalesced": lambda t: _coo(t).coalesce() + _coo(t, [7.0, 8.0], [[1, 0], [1, 2]]).coalesce(),
    "add_cancelling": lambda t: _coo(t).coalesce() + _coo(t, [-3.0], [[0], [2]]).coalesce(),
    "add_alpha": lambda t: _coo(t).add(_coo(t, [7.0, 8.0], [[1, 0], [1, 2]]), alpha=2),
    "sub": lambda t: _coo(t).coalesce() - _coo(t, [7.0, 8.0], [[1, 0], [1, 2]]).coalesce(),
    "add_int_float": lambda t: _coo(t, [1, 2, 3, 4]) + _coo(t),
    "dense_plus_sparse": lambda t: t.ones(2, 3) + _coo(t),
    "sparse_times_dense": lambda t: _coo(t) * t.tensor(DENSE),
    "t": lambda t: _coo(t).t(),
    "transpose": lambda t: _coo(t).coalesce().transpose(0, 1),
    "T": lambda t: _coo(t).T,
    "mm": lambda t: t.mm(_coo(t), t.tensor([[1.0, -1.0], [0.5, 2.0], [0.25, 4.0]])),
    "matmul": lambda t: _coo(t) @ t.tensor([[1.0, -1.0], [0.5, 2.0], [0.25, 4.0]]),
    "dense_mm_sparse": lambda t: t.tensor([[1.0, 2.0], [3.0, 4.0]]) @ _coo(t),
    "mv": lambda t: t.mv(_coo(t), t.tensor([1.0, -1.0, 0.5])),
    "spmm": lambda t: t.spmm(_coo(t), t.ones(3, 2)),
    "sparse_mm": lambda t: t.sparse.mm(_coo(t), t.tensor([[1.0, -1.0], [0.5, 2.0], [0.25, 4.0]])),
    "addmm": lambda t: t.addmm(t.ones(2, 2), _coo(t), t.ones(3, 2)),
    "sparse_addmm": lambda t: t.sparse.addmm(t.ones(2, 2), _coo(t), t.ones(3, 2),
                                             beta=0.5, alpha=2.0),
    "sparse_sum": lambda t: [t.sparse.sum(_coo(t)), t.sparse.sum(_coo(t), 0),
                             t.sparse.sum(_coo(t), dim=1), t.sparse.sum(_coo(t), (0, 1)),
                             t.sparse.sum(_coo(t), -1)],
    "tensor_sum": lambda t: _coo(t).sum(),
    "sparse_softmax": lambda t: [t.sparse.softmax(_coo(t), 1), t.sparse.softmax(_coo(t), 0)],
    "sparse_log_softmax_layout": lambda t: [
        (str(r.layout), r.is_coalesced(), r._indices().tolist()) for r in [
            t.sparse.log_softmax(_coo(t), -1)]],
    "sparse_mask": lambda t: [t.tensor(DENSE).sparse_mask(_coo(t)),
                              t.tensor(DENSE).sparse_mask(_coo(t).coalesce())],
    "clone_detach_to": lambda t: [_coo(t).clone(), _coo(t).detach(), _coo(t).double(),
                                  _coo(t).to(t.float64)],
    "len_size_dim": lambda t: [len(_coo(t)), tuple(_coo(t).size()), _coo(t).dim(),
                               _coo(t).storage_offset(), _coo(t).size(1)],
    "zero_": lambda t: _coo(t).zero_(),
    "mul_": lambda t: _coo(t).mul_(3),
    "add_": lambda t: _coo(t).coalesce().add_(_coo(t, [7.0, 8.0], [[1, 0], [1, 2]]).coalesce()),
    "values_write_through": lambda t: (lambda s: (s.values().mul_(2), s)[1])(_coo(t).coalesce()),
    "dense_add_sparse_alpha": lambda t: t.zeros(2, 3).add_(_coo(t), alpha=-0.1),
    # elementwise functions, on the coalesced values
    "unary": lambda t: [getattr(_coo(t, SMALL, requires_grad=True), f)() for f in UNARY],
    "unary_functions": lambda t: [t.abs(_coo(t)), t.sin(_coo(t, SMALL)), t.nn.functional.relu(
        _coo(t)), t.tanh(_coo(t, SMALL, dtype=t.float64))],
    "unary_positive": lambda t: [_coo(t, POSITIVE).sqrt(), _coo(t, POSITIVE).log1p()],
    "unary_int": lambda t: [_coo(t, [1, -2, 3, 4]).abs(), _coo(t, [1, -2, 3, 4]).sign(),
                            _coo(t, [1, -2, 3, 4]).sin()],
    "unary_hybrid": lambda t: [_hybrid(t).abs(), _hybrid(t).sin()],
    "pow_scalar": lambda t: [_coo(t).pow(2), _coo(t, requires_grad=True) ** 3,
                             _coo(t, POSITIVE).pow(0.5), _coo(t, POSITIVE).pow(-1)],
    # sparse @ sparse: coalesced, an entry wherever a product met (a cancelled one kept)
    "sparse_sparse_mm": lambda t: [
        t.sparse.mm(_coo(t, requires_grad=True), _coo(t, indices=B_IDX, size=(3, 2))),
        t.mm(_coo(t), _coo(t, indices=B_IDX, size=(3, 2), requires_grad=True)),
        _coo(t) @ _coo(t).t(), t.matmul(_coo(t).coalesce(), _coo(t).t().coalesce()),
        t.mm(_coo(t, [1.0, -1.0], [[0, 0], [0, 1]], (1, 2)),
             _coo(t, [1.0, 1.0], [[0, 1], [0, 0]], (2, 1))),
        t.mm(t.zeros(2, 3).to_sparse(), _coo(t, size=(3, 3)))],
    # cat and stack: entries side by side, not coalesced
    "cat": lambda t: [t.cat([_coo(t), _coo(t, [1.0, 2.0], [[1, 0], [1, 1]])]),
                      t.cat([_coo(t), _coo(t, requires_grad=True)], 1),
                      t.cat([_coo(t).coalesce(), _coo(t).coalesce()], -1),
                      t.cat([_coo(t), _coo(t, dtype=t.float64)]), t.cat([_hybrid(t)] * 2, 2),
                      t.cat([_hybrid(t), _hybrid(t)], 0)],
    "stack": lambda t: [t.stack([_coo(t), _coo(t)]), t.stack([_coo(t), _coo(t)], 1),
                        t.stack([_coo(t).coalesce(), _coo(t, requires_grad=True)], 2),
                        t.stack([_hybrid(t)] * 2, 3)],
    # select, an integer index and index_select
    "select": lambda t: [_coo(t).select(0, 1), _coo(t).select(1, -1),
                         _coo(t).coalesce().select(1, 2), _coo(t)[1], _coo(t)[-2],
                         _coo(t)[1, 2], _coo(t)[:, 1], t.select(_coo(t, requires_grad=True), 1, 0),
                         _hybrid(t).select(2, 1), _hybrid(t).select(0, 2)],
    "index_select": lambda t: [
        _coo(t).index_select(0, t.tensor([1, 0, 1])), _coo(t).index_select(1, t.tensor([2, 2])),
        _coo(t).coalesce().index_select(1, t.tensor([0, 2])),
        _coo(t).index_select(1, t.tensor([], dtype=t.long)),
        t.index_select(_coo(t, requires_grad=True), 0, t.tensor([0])),
        _hybrid(t).index_select(2, t.tensor([2, 0]))],
    # embedding's sparse gradient as autograd.grad returns it (uncoalesced, lookup order)
    "embedding_grad": lambda t: [_embedding_grad(t), _embedding_grad(t, padding_idx=1)],
    # bmm of a sparse batch (coalesced first) by a dense one; empty, integer, complex
    "bmm": lambda t: [t.bmm(_batch(t), _dense_batch(t)), _batch(t).bmm(_dense_batch(t)),
                      t.bmm(_batch(t).coalesce(), _dense_batch(t)),
                      t.bmm(_batch(t, [1, -2, 3, 4]), _dense_batch(t, t.long)),
                      t.bmm(_batch(t, dtype=t.complex64), _dense_batch(t, t.complex64)),
                      t.bmm(t.zeros(2, 3, 2).to_sparse(), _dense_batch(t)),
                      t.bmm(t.zeros(0, 3, 2).to_sparse(), t.ones(0, 2, 4))],
    "square": lambda t: [_coo(t).square(), t.square(_coo(t)), _coo(t, [1, -2, 3, 4]).square()],
    "unsqueeze": lambda t: [_coo(t).unsqueeze(0), _coo(t).unsqueeze(-1),
                            _coo(t).coalesce().unsqueeze(1), _hybrid(t).unsqueeze(1),
                            _hybrid(t).unsqueeze(3), t.unsqueeze(_coo(t, VALS[:1], [[1], [2]]), 0)],
    "unbind": lambda t: [_coo(t).unbind(0), _coo(t).unbind(1), t.unbind(_hybrid(t), 2)],
    # integers (and bool) through the functions that leave them be: coalesced copies
    "unchanged_values": lambda t: [
        getattr(_coo(t, [1, -2, 3, 4]), f)() for f in
        ("ceil", "floor", "round", "trunc", "fix", "nan_to_num", "isposinf", "isneginf")] + [
        _coo(t, [True, False, True, True]).sign(), _coo(t, [True, False, True, True]).sgn()],
    # bool values are coalesced (True + True is True) before they become floats
    "bool_to_float": lambda t: [getattr(_coo(t, [True, False, True, True]), f)() for f in
                                ("asin", "sqrt", "expm1", "log1p", "deg2rad", "sin")],
    "coalesce_sums": lambda t: [_coo(t, [-0.0, -0.0, 0.0, -0.0]).coalesce(),
                                _coo(t, [-0.0, 1.0, 2.0, 0.0]).coalesce(),
                                _coo(t, [1 - 2j, 0.5j, -0.0 - 1j, 2 + 0j]).coalesce(),
                                _coo(t, [-0.0], [[0], [0]]) + _coo(t, [-0.0], [[1], [1]])],
    "copy_": lambda t: [t.zeros(2, 3).to_sparse().copy_(_coo(t)),
                        t.zeros(2, 3, dtype=t.float64).to_sparse().copy_(_coo(t)),
                        t.zeros(2, 3, dtype=t.int64).to_sparse().copy_(_coo(t).coalesce()),
                        t.zeros(2, 3).to_sparse().copy_(t.ones(2, 3).to_sparse(1))],
    "cpu_type": lambda t: [_coo(t).cpu() is not None, _coo(t).cpu(), _coo(t).type(),
                           _coo(t, [1, 2, 3, 4]).type(), _coo(t, dtype=t.float64).type()],
    "div_zero_dim_tensor": lambda t: [_coo(t) / t.tensor(2.0), _coo(t, [1, 2, 3, 4]) / t.tensor(4)],
    # any of the stored values (a position whose entries cancel still counts), and new()
    "any_new": lambda t: [_coo(t, [1.0, -1.0], [[0, 0], [1, 1]]).any(), t.any(_coo(t)),
                          _coo(t, [1.0, -1.0], [[0, 0], [1, 1]]).coalesce().any(),
                          _coo(t, [1, 2, 3, 4]).new(), _coo(t).new(2, 3)],
}


def _batch(t, values=VALS, dtype=None):
    """A 2 x 3 x 2 sparse batch with (1, 0, 1) stored twice."""
    return t.sparse_coo_tensor(t.tensor([[0, 1, 1, 1], [1, 0, 2, 0], [0, 1, 0, 1]]),
                               t.tensor(values, dtype=dtype), (2, 3, 2), check_invariants=False)


def _dense_batch(t, dtype=None):
    return (t.arange(12.0).reshape(2, 2, 3) - 4).to(dtype or t.float32)


def _embedding_grad(t, **kw):
    w = t.arange(8.0).reshape(4, 2).requires_grad_()
    out = t.nn.functional.embedding(t.tensor([[1, 2], [1, 0]]), w, sparse=True, **kw)
    return t.autograd.grad((out * t.arange(8.0).reshape(2, 2, 2)).sum(), w)[0]


@pytest.mark.parametrize("case", FORWARD, ids=list(FORWARD))
def test_forward_matches_torch(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = describe(FORWARD[case](torch))
        got = describe(FORWARD[case](dyngrad))
    assert got == want


def _random_coo(t, shape, dtype, seed=0, nnz=40):
    """``nnz`` entries on few positions (many stored three times or more), normal values."""
    r = np.random.default_rng(seed)
    idx = np.stack([r.integers(0, n, nnz) for n in shape])
    return t.sparse_coo_tensor(t.tensor(idx), t.tensor(r.standard_normal(nnz).astype(dtype)),
                               shape, check_invariants=False)


def _random_dense(t, shape, dtype, seed=1):
    return t.tensor(np.random.default_rng(seed).standard_normal(shape).astype(dtype))


# torch's sparse products add each entry's scaled row by axpy (one rounding a step: mm in
# entry order, bmm after coalescing), and coalesce sums in std::sort's order
ROUNDING = {
    "mm": lambda t, dt: t.mm(_random_coo(t, (4, 5), dt), _random_dense(t, (5, 7), dt)),
    "mv": lambda t, dt: t.mv(_random_coo(t, (4, 5), dt), _random_dense(t, (5,), dt)),
    "addmm": lambda t, dt: t.addmm(_random_dense(t, (4, 7), dt, 2), _random_coo(t, (4, 5), dt),
                                   _random_dense(t, (5, 7), dt), beta=0.5, alpha=1.5),
    "sparse_addmm": lambda t, dt: t.sparse.addmm(
        _random_dense(t, (4, 7), dt, 2), _random_coo(t, (4, 5), dt), _random_dense(t, (5, 7), dt),
        beta=-1.25, alpha=0.75),
    "dense_mm_sparse": lambda t, dt: _random_dense(t, (3, 4), dt) @ _random_coo(t, (4, 5), dt),
    "bmm": lambda t, dt: t.bmm(_random_coo(t, (2, 4, 5), dt), _random_dense(t, (2, 5, 7), dt)),
    "coalesce": lambda t, dt: _random_coo(t, (3, 3), dt).coalesce()._values(),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", ROUNDING)
def test_rounding_is_torch(case, dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got, want = (ROUNDING[case](lib, dtype).numpy() for lib in (dyngrad, torch))
    np.testing.assert_array_equal(got, want)


def test_log_softmax_values():
    # (float32 log of a sum near 1: the libraries' last bits differ)
    got, want = (lib.sparse.log_softmax(_coo(lib), -1)._values().tolist()
                 for lib in (dyngrad, torch))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_str_is_repr_and_printed_grad_fn():
    for lib in (torch, dyngrad):
        v = lib.tensor(VALS, requires_grad=True)
        s = lib.sparse_coo_tensor(lib.tensor(IDX), v, (2, 3), check_invariants=False)
        assert str(s) == repr(s)
    assert repr(s).endswith("layout=torch.sparse_coo,\n"
                            "       grad_fn=<SparseCooTensorWithDimsAndTensorsBackward0>)")


# -- gradients of sparse leaves and of values -----------------------------------------------
W = [[1.0, -1.0], [0.5, 2.0], [0.25, 4.0]]
GRADS = {
    "to_dense": lambda t, s: s.to_dense() * t.arange(6.0).reshape(2, 3),
    "mm": lambda t, s: t.mm(s, t.tensor(W)),
    "sparse_mm": lambda t, s: t.sparse.mm(s, t.tensor(W)),
    "mul_scalar": lambda t, s: (s * 2).to_dense(),
    "dense_plus_sparse": lambda t, s: t.ones(2, 3) + s,
    "t": lambda t, s: s.t().to_dense() * t.arange(6.0).reshape(3, 2),
    "sparse_sum": lambda t, s: t.sparse.sum(s),
    "sparse_sum_dim": lambda t, s: t.sparse.sum(s, 1),
    "coalesce_values": lambda t, s: s.coalesce().values() * t.arange(3.0),
    "neg_plus_self": lambda t, s: (-s + s * 3).to_dense(),
    "softmax": lambda t, s: t.sparse.softmax(s, 1).to_dense() * t.arange(6.0).reshape(2, 3),
    "abs": lambda t, s: s.abs().to_dense() * t.arange(6.0).reshape(2, 3),
    "pow": lambda t, s: (s ** 3).to_dense(),
    "sign": lambda t, s: s.sign().to_dense(),
    "floor": lambda t, s: t.sparse.sum(s.floor()),
    "sparse_mm_sparse": lambda t, s: t.sparse.mm(s, _coo(t, indices=B_IDX, size=(3, 2))),
    "sparse_mm_sparse_right": lambda t, s: t.sparse.mm(_coo(t, indices=B_IDX, size=(3, 2)),
                                                       s).to_dense() * t.arange(9.0).reshape(3, 3),
    # dense @ sparse: (sparse^T @ dense^T)^T in torch.sparse.mm (a sparse gradient), a
    # dense one through mm
    "sparse_mm_dense_left": lambda t, s: t.sparse.mm(t.tensor(W[:2]), s) * t.arange(6.0).reshape(2, 3),
    "dense_matmul_sparse": lambda t, s: t.tensor(W[:2]) @ s,
    # the backwards torch runs on sparse tensors: relu's threshold_backward, and log1p's
    # (which densifies self, with a warning)
    "relu": lambda t, s: s.relu().to_dense() * t.arange(6.0).reshape(2, 3),
    "log1p": lambda t, s: s.coalesce().log1p().to_dense() * t.arange(6.0).reshape(2, 3),
    # bmm: a dense gradient for the sparse batch (torch's BmmBackward0)
    "bmm": lambda t, s: t.bmm(s.unsqueeze(0).coalesce(), t.arange(6.0).reshape(1, 3, 2)),
    "unbind": lambda t, s: t.stack([u * (k + 1) for k, u in enumerate(s.unbind(0))]),
}


def _sum(t, out):
    return t.sparse.sum(out) if out.is_sparse else out.sum()


@pytest.mark.parametrize("case", GRADS, ids=list(GRADS))
def test_grad_of_sparse_leaf_matches_torch(case):
    seen = []
    for lib in (torch, dyngrad):
        s = _coo(lib).requires_grad_()
        v = lib.tensor(VALS, requires_grad=True)
        out = GRADS[case](lib, s)
        _sum(lib, out).backward()
        out2 = GRADS[case](lib, lib.sparse_coo_tensor(lib.tensor(IDX), v, (2, 3),
                                                      check_invariants=False))
        _sum(lib, out2).backward()
        seen.append((describe(out)["grad_fn"], describe(s.grad), _rounded(v.grad.tolist())))
    assert seen[1] == seen[0]


def test_grad_accumulates_sparse_and_dense():
    # a sparse .grad takes a sparse gradient (entries joined) and then a dense one (dense)
    seen = []
    for lib in (torch, dyngrad):
        s = _coo(lib).requires_grad_()
        (s * 2).to_dense().sum().backward()
        first = describe(s.grad)
        (s * 3).to_dense().sum().backward()
        second = describe(s.grad)
        lib.mm(s, lib.ones(3, 1)).sum().backward()
        seen.append((first, second, describe(s.grad)))
    assert seen[1] == seen[0]


# -- nn.Embedding(sparse=True) and the optimizers --------------------------------------------
def _embedding_run(lib, opt, steps=3, padding_idx=None, **kw):
    emb = lib.nn.Embedding(6, 3, sparse=True, padding_idx=padding_idx)
    with lib.no_grad():
        # exact values (no transcendental functions, whose last bits differ by library)
        emb.weight.copy_(lib.tensor([[(k * 5 % 7 - 3) / 4 for k in range(r, r + 3)]
                                     for r in range(0, 18, 3)]))
    optimizer = getattr(lib.optim, opt)(emb.parameters(), **kw)
    grads = []
    for step in range(steps):
        optimizer.zero_grad()
        idx = lib.tensor([[1, 2, 1], [4, 1, 0]] if step != 1 else [[5, 5]])
        out = emb(idx)
        (out * (lib.arange(out.numel(), dtype=lib.float32).reshape(out.shape) % 5 - 2)).sum(
            ).backward()
        grads.append(describe(emb.weight.grad))
        optimizer.step()
    return grads, emb.weight.detach().tolist()


@pytest.mark.parametrize("opt, kw", [
    ("SGD", dict(lr=0.1)), ("SparseAdam", dict(lr=0.1)),
    ("SparseAdam", dict(lr=0.05, betas=(0.8, 0.9), maximize=True)),
    ("SGD", dict(lr=0.5, padding_idx=1)),
], ids=["sgd", "sparse_adam", "sparse_adam_maximize", "sgd_padding"])
def test_sparse_embedding_training_matches_torch(opt, kw):
    want = _embedding_run(torch, opt, **kw)
    got = _embedding_run(dyngrad, opt, **kw)
    assert got[0] == want[0]
    # (SparseAdam's sqrt: torch's float32 kernel is not always correctly rounded, NumPy's is)
    np.testing.assert_allclose(got[1], want[1], rtol=0, atol=0 if opt == "SGD" else 1e-7)


# -- errors -----------------------------------------------------------------------------------
ERRORS = {
    "indices_of_uncoalesced": lambda t: _coo(t).indices(),
    "values_of_uncoalesced": lambda t: _coo(t).values(),
    "nnz_mismatch": lambda t: _coo(t, VALS[:2]),
    "size_mismatch": lambda t: _coo(t, size=(2,)),
    "index_out_of_size": lambda t: t.sparse_coo_tensor(t.tensor(IDX), t.tensor(VALS), (2, 2),
                                                       check_invariants=True),
    "view": lambda t: _coo(t).view(6),
    "reshape": lambda t: _coo(t).reshape(6),
    "flatten": lambda t: _coo(t).flatten(),
    "contiguous": lambda t: _coo(t).contiguous(),
    "exp": lambda t: _coo(t).exp(),
    "mean": lambda t: _coo(t).mean(),
    "eq": lambda t: _coo(t) == _coo(t),
    "numpy": lambda t: _coo(t).numpy(),
    "tolist": lambda t: _coo(t).tolist(),
    "data_ptr": lambda t: _coo(t).data_ptr(),
    "item": lambda t: _coo(t).item(),
    "bool": lambda t: bool(_coo(t)),
    "sparse_plus_dense": lambda t: _coo(t) + t.ones(2, 3),
    "add_sizes": lambda t: _coo(t) + _coo(t, size=(3, 3)),
    "to_dense_dtype": lambda t: _coo(t).to_dense(t.float64),
    "to_sparse_dim_range": lambda t: t.ones(2, 3).to_sparse(3),
    "to_sparse_negative_dim": lambda t: t.ones(2, 3).to_sparse(-1),
    "to_sparse_zero_dim": lambda t: t.ones(2, 3).to_sparse(0),
    "sparse_mm_shapes": lambda t: t.sparse.mm(_coo(t), t.ones(4, 2)),
    "sparse_mm_dtypes": lambda t: t.sparse.mm(_coo(t), t.ones(3, 2, dtype=t.float64)),
    "sparse_mm_dense_3d": lambda t: t.sparse.mm(_coo(t), t.ones(3, 2, 2)),
    **{f"{name}_uncoalesced": (lambda name: lambda t: getattr(_coo(t), name)())(name)
       for name in ("sin_", "erf_", "erfinv_", "frac_", "relu_", "abs_", "sqrt_", "nan_to_num_")},
    "sparse_mask_dense_mask": lambda t: t.ones(2, 3).sparse_mask(t.ones(2, 3)),
    "sparse_mask_sizes": lambda t: t.ones(2, 3).sparse_mask(t.ones(3, 3).to_sparse()),
    **{f"dense_{name}": (lambda name: lambda t: getattr(t.ones(2), name)())(name)
       for name in ("values", "indices", "_values", "_indices", "coalesce", "is_coalesced",
                    "_nnz")},
    "transpose_dense_dims": lambda t: t.ones(2, 2, 3).to_sparse(1).transpose(1, 2),
    "int_requires_grad": lambda t: _coo(t, [1, 2, 3, 4], requires_grad=True),
    "sparse_adam_dense_grad": lambda t: _sparse_adam_dense(t),
    "sparse_adam_lr": lambda t: t.optim.SparseAdam([t.nn.Parameter(t.ones(2))], lr=0.0),
    "sparse_adam_complex": lambda t: t.optim.SparseAdam(
        [t.nn.Parameter(t.ones(2, dtype=t.complex64))]),
    "pow_zero": lambda t: _coo(t).pow(0),
    "round_decimals": lambda t: _coo(t).round(decimals=1),
    "pow_tensor": lambda t: _coo(t).pow(_coo(t)),
    "exp2": lambda t: _coo(t).exp2(),
    "cat_dense_among_sparse": lambda t: t.cat([_coo(t), t.ones(2, 3)]),
    "stack_dense_among_sparse": lambda t: t.stack([_coo(t), t.ones(2, 3)]),
    "cat_sparse_dims": lambda t: t.cat([_coo(t), t.ones(2, 3).to_sparse(1)]),
    "slice_index": lambda t: _coo(t)[0:1],
    "sparse_mm_sparse_shapes": lambda t: t.mm(_coo(t), _coo(t)),
    "select_backward": lambda t: _coo(t, requires_grad=True).select(0, 1).to_dense().sum(
        ).backward(),
    "index_select_backward": lambda t: _coo(t, requires_grad=True).index_select(
        0, t.tensor([1])).to_dense().sum().backward(),
    "sin_backward": lambda t: _coo(t, requires_grad=True).sin().to_dense().sum().backward(),
    # i0, and square_ / pow_ (torch has pow of sparse values, not pow_)
    **{f"i0_{k}": f for k, f in {
        "method": lambda t: _coo(t).i0(), "function": lambda t: t.i0(_coo(t)),
        "special": lambda t: t.special.i0(_coo(t)), "inplace": lambda t: _coo(t).i0_(),
        "backward": lambda t: _coo(t, requires_grad=True).coalesce().i0()}.items()},
    "square_": lambda t: _coo(t).square_(),
    "square_coalesced": lambda t: _coo(t).coalesce().square_(),
    "square_leaf": lambda t: _coo(t, requires_grad=True).square_(),
    "square_bool": lambda t: _coo(t, [True, False, True, True]).square(),
    "pow_": lambda t: _coo(t).pow_(2),
    "pow_tensor_": lambda t: _coo(t).pow_(t.tensor(2.0)),
    # bmm's checks, in torch's order
    **{f"bmm_{k}": f for k, f in {
        "sparse_mat2": lambda t: t.bmm(_batch(t), _batch(t)),
        "dense_self": lambda t: t.bmm(t.ones(2, 3), _batch(t)),
        "dense_dims": lambda t: t.bmm(t.zeros(2, 3, 2).to_sparse(2), t.ones(2, 3)),
        "sparse_dims": lambda t: t.bmm(_coo(t), _dense_batch(t)),
        "mat2_dims": lambda t: t.bmm(_batch(t), t.ones(2, 3, dtype=t.float64)),
        "batch_sizes": lambda t: t.bmm(_batch(t), t.ones(3, 2, 3, dtype=t.float64)),
        "inner_sizes": lambda t: t.bmm(_batch(t), t.ones(2, 3, 3, dtype=t.float64)),
        "dtypes": lambda t: t.bmm(_batch(t), _dense_batch(t, t.float64)),
        "bool": lambda t: t.bmm(_batch(t, [True] * 4), _dense_batch(t, t.bool)),
        "half": lambda t: t.bmm(_batch(t, dtype=t.float16), _dense_batch(t, t.float16)),
        "matmul": lambda t: t.matmul(_batch(t), _dense_batch(t))}.items()},
    # sparse with dense and numbers
    "sparse_plus_number": lambda t: _coo(t) + 1,
    "number_plus_sparse": lambda t: 1 + _coo(t),
    "sparse_minus_number": lambda t: _coo(t).sub(1),
    "number_minus_sparse": lambda t: 1 - _coo(t),
    "dense_plus_sparse_broadcast": lambda t: t.ones(3) + _coo(t),
    "sparse_over_dense": lambda t: _coo(t) / t.ones(2, 3),
    "sparse_over_sparse": lambda t: _coo(t) / _coo(t),
    "sparse_over_1d": lambda t: _coo(t) / t.tensor([2.0]),
    "dense_over_sparse": lambda t: t.ones(2, 3) / _coo(t),
    "expand": lambda t: _coo(t).expand(2, 2, 3),
    "copy_dense_from_sparse": lambda t: t.zeros(2, 3).copy_(_coo(t)),
    "copy_sparse_from_dense": lambda t: _coo(t).copy_(t.ones(2, 3)),
    "conj_physical_": lambda t: _coo(t, dtype=t.complex64).conj_physical_(),
    "t_hybrid": lambda t: _hybrid(t).t(),
    "t__hybrid": lambda t: _hybrid(t).t_(),
    "is_shared": lambda t: _coo(t).is_shared(),
    "any_dim": lambda t: _coo(t).any(0),
    "all": lambda t: _coo(t).all(),
    # in-place forms with no sparse kernel, named as torch names them
    **{f"{name}_no_kernel": (lambda name: lambda t: getattr(_coo(t).coalesce(), name)())(name)
       for name in ("acos_", "exp_", "log_", "sigmoid_", "cos_", "reciprocal_", "digamma_")},
    # the aliases of the functions run on values refuse an uncoalesced tensor by torch's name,
    # and a leaf that requires grad before that
    **{f"{name}_uncoalesced": (lambda name: lambda t: getattr(_coo(t), name)())(name)
       for name in ("absolute_", "arcsin_", "arctanh_", "fix_")},
    "sin_uncoalesced_leaf": lambda t: _coo(t, requires_grad=True).sin_(),
    # backwards that torch runs into a missing sparse kernel or a dense-only step
    **{f"{name}_backward": (lambda name: lambda t: t.sparse.sum(
        getattr(_coo(t, SMALL, requires_grad=True), name)()).backward())(name)
       for name in ("tanh", "sgn", "atanh", "sqrt", "asin", "asinh", "atan", "expm1", "tan",
                    "nan_to_num")},
    "sum_dim_backward": lambda t: _coo(t, requires_grad=True).sum(1).to_dense().sum().backward(),
    "unsqueeze_backward": lambda t: t.sparse.sum(_coo(t, requires_grad=True).unsqueeze(0)
                                                 ).backward(),
    "unbind_one_backward": lambda t: t.sparse.sum(_coo(t, requires_grad=True).unbind(0)[0]
                                                  ).backward(),
    # an in-place change of a tensor built from values that require grad
    **{f"{name}_after_construction": (lambda name: lambda t: t.sparse.sum(
        getattr(t.sparse_coo_tensor(t.tensor(IDX), t.tensor(VALS, requires_grad=True), (2, 3),
                                    check_invariants=False), name)()).backward())(name)
       for name in ("neg_", "zero_")},
    "embedding_sparse_scale_grad_by_freq": lambda t: t.nn.functional.embedding(
        t.tensor([1, 1]), t.ones(3, 2, requires_grad=True), scale_grad_by_freq=True,
        sparse=True).sum().backward(),
}


def _sparse_adam_dense(t):
    w = t.nn.Parameter(t.ones(2))
    w.grad = t.ones(2)
    t.optim.SparseAdam([w]).step()


def _first_paragraph(message):
    # torch's dispatcher errors go on to list the backends of its build: the first sentence
    # (the operator and the backend) is compared
    return message.split(" This could be")[0] if message.startswith("Could not run") else message


# where dyngrad's refusal names another operator than torch's (the type and the backend
# agree): a sparse exponent
_OTHER_OPERATOR = {name: pytest.mark.xfail(strict=True, reason=f"names aten::{op}, torch {want}")
                   for name, op, want in (
                       ("pow_tensor", "ndim", "aten::pow.Tensor_Tensor"),)}


@pytest.mark.parametrize("case", [pytest.param(c, marks=_OTHER_OPERATOR.get(c, ())) for c in ERRORS],
                         ids=list(ERRORS))
def test_errors_match_torch(case):
    errs = []
    for lib in (torch, dyngrad):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                ERRORS[case](lib)
            except Exception as e:  # noqa: BLE001 - the exception is what is compared
                errs.append((type(e).__name__, _first_paragraph(str(e))))
            else:
                errs.append(None)
    assert errs[0] is not None and errs[1] == errs[0]


def test_second_derivative_through_to_dense():
    """The gradient of to_dense is a sparse_mask of the dense gradient (SparseMaskBackward0);
    differentiating it again goes back through the projection onto the input's coalesced
    entries (torch's NotImplemented node, whose own backward is refused)."""
    seen = []
    for lib in (torch, dyngrad):
        s = _coo(lib).requires_grad_()
        d = s.to_dense()
        (g,) = lib.autograd.grad((d * d * lib.arange(6.0).reshape(2, 3)).sum(), s,
                                 create_graph=True)
        (h,) = lib.autograd.grad(lib.sparse.sum(g * 2), s)
        # (autograd.grad hands torch's sparse_mask result as it is, marked coalesced, where
        # dyngrad's carries the flag a leaf's .grad gets: a known difference)
        seen.append([{k: v for k, v in describe(x).items() if k not in ("coalesced", "repr")}
                     for x in (g, h)] + [g.grad_fn.name(), h.is_sparse])
    assert seen[1] == seen[0]


def test_invariants_warning_once():
    # torch warns once per process when invariant checks are left unspecified
    from dyngrad import _runtime_flags
    _runtime_flags._warned.discard("sparse_coo_tensor invariants")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        dyngrad.sparse_coo_tensor(dyngrad.tensor(IDX), dyngrad.tensor(VALS), (2, 3))
        dyngrad.sparse_coo_tensor(dyngrad.tensor(IDX), dyngrad.tensor(VALS), (2, 3))
    assert [str(w.message)[:50] for w in seen] == [
        "Sparse invariant checks are implicitly disabled. M"]
    assert seen[0].filename == __file__
