"""Mutation testing of the op formulas and the engine: does the suite notice a one-token change?

    PYTHONPATH=src python scripts/mutation.py                      # the default files and tests
    PYTHONPATH=src python scripts/mutation.py src/dyngrad/ops/pointwise.py --tests tests/ops/test_op_table.py

Mutants are mutmut's (``pip install mutmut``: its operators and its skip rules, so
``# pragma: no mutate`` works), but run here rather than by ``mutmut run``: mutmut's runner
mutates only ``def`` bodies through trampolines, and most of our formulas are lambdas in an
``Op(...)`` declaration at module level. Here every mutant whose code object is reachable
from a live function (a def, a method, a lambda held by an Op) is run:

1. pytest collects the tests once, in this process (torch, dyngrad and the sample tables
   imported once);
2. a forked child runs every test with a profile hook, recording which functions of the
   mutated files each test calls and how long it takes;
3. for each mutant, a forked child swaps the mutated code object into the live functions
   (``function.__code__``) and runs only the tests that called that function, quickest
   first, stopping at the first failure (killed) or at ``--budget`` seconds of tests.

A mutant that survives either shows a behaviour no test pins (add a sample where the
behaviour changes) or is equivalent (listed in EQUIVALENT below, with why). Mutants of
code run only at import time (module level) are counted apart, as "not run".
"""
import argparse
import collections
import difflib
import gc
import itertools
import json
import os
import pickle
import random
import signal
import sys
import tempfile
import threading
import time
import types

os.environ.setdefault("HYPOTHESIS_PROFILE", "ci")
# one thread in torch and the BLAS: a thread pool started before a fork is not in the
# forked children, and their first parallel op waits for it forever
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import libcst as cst  # noqa: E402  (mutmut's dependency)
from libcst.metadata import MetadataWrapper, WhitespaceInclusivePositionProvider  # noqa: E402
import pytest  # noqa: E402
from _pytest.runner import runtestprotocol  # noqa: E402
from mutmut.file_mutation import MutationVisitor, pragma_no_mutate_lines  # noqa: E402
from mutmut.node_mutation import mutation_operators  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPS = "src/dyngrad/ops/"
# in priority order: the formulas users hit most first
FILES = [OPS + f for f in ("pointwise.py", "reduction.py", "sorting.py")] + [
    "src/dyngrad/autograd/engine.py"] + [OPS + f for f in (
    "views.py", "joining.py", "indexing.py", "linalg.py", "activation.py", "loss.py",
    "normalization.py", "activation_pointwise.py", "pointwise_more.py", "scans.py",
    "statistics.py", "products.py", "scatter.py", "stacking.py", "rearrange.py",
    "summary.py", "special.py", "conv.py", "pooling.py", "einsum.py", "embedding.py",
    "padding.py", "diagonal.py", "upsample.py", "inplace.py", "view_inplace.py", "fft.py")]
TESTS = ["tests/ops/test_op_table.py", "tests/ops/test_sorting.py", "tests/ops/test_linalg.py",
         "tests/ops/test_special.py", "tests/ops/test_composed_ops.py",
         "tests/ops/test_complex_grads.py",
         "tests/ops/test_inplace_forms.py", "tests/autograd/test_engine.py",
         "tests/autograd/test_hooks.py", "tests/autograd/test_stateful.py"]

# survivors that cannot change behaviour: (file name, original line, mutated line) -> why
_TANH_FAST = 'if type(output) is not _ndarray or output.ndim == 0 or output.dtype.kind == "c":'
_TANH_MUL = "return xp.multiply(out, grad_output, out=out) if out.shape == xp.shape(grad_output) \\"
_SIGMOID_FAST = "if (type(output) is not _ndarray or output.ndim == 0"
_SIGMOID_SHAPE = 'or output.shape != xp.shape(grad_output) or output.dtype.kind == "c"):'
_NUMPY_TEST = "if type(x) is _ndarray or _backend.is_numpy(x):"
_RELU_TEST = "if type(grad_output) is not _ndarray and not _backend.is_numpy(grad_output):"
_RELU_ZEROS = "xp.copyto(out, xp.zeros((), out.dtype), where=drop)"
_GELU_FAST = "elif x.dtype == xp.float32 and grad_output.dtype == xp.float32:"
_NORM_SMALL_P = ("self_scaled = sgn(self) * masked_fill_op(pow_scalar_exp(abs_(self), ord - 1), "
                 "eq(self, 0), 0)")
_NORM_SCALE = "scale_v = masked_fill_op(grad / pow_scalar_exp(norm, ord - 1), eq(norm, 0), 0)"
_MEAN_FAST = "if (0 < k <= 4096 and axes == tuple(range(x.ndim - len(axes), x.ndim))"
_SAME_KIND = 'return "biufc".index(_backend.kind(source)) <= "biufc".index(_backend.kind(target))'
_SAME_KIND_NP = "if isinstance(source, xp.dtype) and isinstance(target, xp.dtype):"
_ENGINE_COPY = ("return _wrap(_backend.array_module(data).empty(data.shape, dtype=data.dtype))"
                ".copy_(grad)")
_ACC_OWN = "_accumulate(node, grads[0], create_graph, own, versions)"
_ENGINE_NEXT = "and nxt._n_outputs == 1 and type(nxt) is not AccumulateGrad):"
_OWNED_ADD = "elif id(old) in owned and old.dtype == g.dtype and old.shape == g.shape:"
_TELL_OB = 'ob("hook", kind=kind, fn=fn, args=args, result=result)'
_TELL_WATCH = "ob(kind, fn, args, result)"
_BF16_PARAMS = "out, mean, rstd = _norm_forward(input.astype(params.dtype), weight, bias, layout, eps)"
_BN_DOUBLE = ("return vjp_of_composite(backward, [grad_out, input, weight], list(grads), mask) "
              "+ [None] * 2")
_MEAN_ARRAY = "and x.dtype in (xp.float32, xp.float64) and isinstance(x, xp.ndarray)):"
_GX = "dx -= xp.multiply(xhat, _mean(gx, axes), out=gx)"
_ZERO_GRAD = "g = _wrap(xp.zeros(ins[i].shape, ins[i]._data.dtype))"
_HALF_BACKWARD = "dx, dw, db = _norm_backward(_wide(grad_out), input.astype(_FLOAT), _wide(mean),"
_HALF_RETURN = "return dx.astype(_HALF), dw.astype(param), db.astype(param)"
_LAYER_XHAT = "xhat = (input.astype(_FLOAT).reshape(-1, n) * _wide(rstd).reshape(-1, 1)"
_GROUP_W = "w = _wide(weight).reshape(1, group, -1, 1) if weight is not None else xp.float32(1)"
_BN_TRAIN_DOUBLE = ("return _norm_double_backward(layout, eps, grads, grad_out, input, weight, mask) "
                    "+ [None] * 2")
_HXW = "hxw = input.numel() // (n * c) if n * c else 0"
_PARAM_BATCHED = "if not any_batched(input, weight, bias):"
_DIST = "return _norm_backward(grad, self - other, float(p), result, None, False)"
_BLOCK = "g = slice_(slice_(grad, 0, r, r + rows, 1), 1, c, c + cols, 1)"
_FFT_DOUBLE = "if double > 0:  # the entries whose mirror images fell outside the one-sided half"
_FFT_FACTOR = 'factor = xp.ones(gI.shape[last], dtype=_REAL_OF[xp.dtype(getattr(gI, "_data", gI).dtype)])'
_RESHAPE_NP = "if type(self) is _ndarray:  # NumPy's path stays one call (NOTE [The array-module seam])"
_ZEROS_NP = "if type(like) is _ndarray or _backend.is_numpy(like):"
_ZEROS_OTHER = "return _wrap(array_module(like).zeros(shape, dtype=like.dtype, device=like.device))"
_POS_FULL = "pos = xp.full(tuple(size), offset, dtype=xp.int64)"
_POS_STEP = "pos = pos + (xp.arange(n, dtype=xp.int64) * s).reshape(shape)"
_ZEROS_AS = ("return zeros(tuple(src.shape), dtype=src.dtype) if isinstance(src, Tensor) else \\")
_SCALED = "return g if alpha == 1 else mul_scalar(g, alpha)"
_MASKED_SELF = "masked_self = pw.masked_fill_op(self, pw.eq(self, 0), 1)"
_MASKED_ZEROS = "shape = broadcast_shapes(tuple(self.shape), tuple(mask.shape))"
_PSW = "return per_sample_weights_backward(grad, weight, indices, offsets, result1, mode, padding_idx)"
_ARANGE = "where = xp.arange(0, rows * cols, cols + 1, dtype=xp.int64)"
_CAUSAL = "xp.copyto(s, xp.asarray(-xp.inf, s.dtype), where=_above_diagonal(*s.shape[-2:]))"
_LSE = "xp.isfinite(logsumexp), logsumexp, xp.zeros((), logsumexp.dtype))"
_GRADS = ("return dq.astype(dt, copy=False), dk.astype(dt, copy=False), "
          "dv.astype(dt, copy=False)")
_FLASH_GRADS = ("return list(flash_attention_backward(grad, query, key, value, result0, result1, "
                "dropout_p, is_causal, attn_mask, scale))")
_WINDOWS = ("x.strides[:2] + tuple(t * dl for t, dl in zip(st, dilation)) "
            "+ tuple(t * step for t, step in zip(st, stride)), writeable=False)")
_WINDOWS_END = "+ tuple(t * step for t, step in zip(st, stride)), writeable=False)"
_CONV_GI = ("g_in = convolution_backward(grad_output, _constant(input), ggw, (), *args, "
            "(True, False, False))[0]")
_CONV_GW = ("g_w = convolution_backward(grad_output, ggi, _constant(weight), (), *args, "
            "(False, True, False))[1]")
_BINCOUNT = ("out = xp.bincount(flat, weights=grad.reshape(-1).astype(xp.float64), "
             "minlength=rows * plane)")
_OVERLAP = "overlapping = any(s < d * (k - 1) + 1 for k, s, d in zip(kernel_size, stride, dilation))"
_MAX_SCATTER = ("return _scatter_to_planes(grad_output, indices, self.shape, len(kernel_size), "
                "overlapping)")
_MAX_BACK = "return back(grad, self, kernel_size, stride, padding, dilation, ceil_mode, result1)"
_AVG_BACK = ("return back(grad, self, kernel_size, stride, padding, ceil_mode, count_include_pad, "
             "divisor_override)")
_AVG_SIZE = ("size = tuple(max(p + n, (o - 1) * s + kk) for n, p, o, s, kk in")
_SIGN = "sign = xp.where(d < 0, -1.0, 1.0).astype(c.dtype)"
_NEAREST = "taps = [(xp.rint(c), xp.ones_like(c), xp.zeros_like(c))]"
_TAP = "out.append((index, w.astype(g.dtype), dw.astype(g.dtype), valid))"
_BATCH = "batch = xp.arange(input.shape[0]).reshape((-1,) + (1,) * (grid.ndim - 2))"
_GRAPH = "graph = tensors and grad_mode.is_grad_enabled()  # create_graph: a graph out"
_BASE = "columns = [m.reshape(-1) for m in reversed(mesh)] + [xp.ones(mesh[0].size, dtype)]"
_META_ZEROS = "return _backend.array_module(grad).zeros(shape, grad.dtype)"
_UP_SCALE = "return 1.0 / scale if scale is not None and scale > 0 else in_size / out_size"
_UP_EXACT = "return _nearest_matrix(in_size, out_size, scale, align_corners, dtype, exact=True)"
_UP_CUBIC = "return xp.where(x <= 1, near, xp.where(x < 2, far, 0.0))"
EQUIVALENT = {
    ("pointwise.py", "if t is float or t is int:", "if t is float and t is int:"):
        "conj's shortcut for real numbers: the general path below gives the same number",
    **dict.fromkeys([
        ("pointwise.py", 'one = xp.asarray(1, getattr(self, "_data", self).dtype)',
         "one = xp.asarray(1, None)"),
        ("pointwise.py", 'one = xp.asarray(1, getattr(self, "_data", self).dtype)',
         "one = xp.asarray(1, )")],
        "atanh's backward: a 0-d int64 1 and a 0-d 1 of self's (float or complex) dtype "
        "promote with self's square to self's dtype alike"),
    # tanh's and sigmoid's backward: a fast path reusing one temporary beside the general
    # path (0-d arrays, other modules' arrays, complex numbers, a vmapped gradient of
    # another shape); a mutant that takes the general path more often, or allocates
    # where the fast path wrote in place, computes the same products
    **dict.fromkeys([
        ("pointwise.py", _TANH_FAST, _TANH_FAST.replace("type(output)", "type(None)", 1)),
        ("pointwise.py", _TANH_FAST, _TANH_FAST.replace("is not _ndarray", "is _ndarray", 1)),
        ("pointwise.py", _TANH_MUL, _TANH_MUL.replace("shape(grad_output)", "shape(None)")),
        ("pointwise.py", _SIGMOID_FAST, _SIGMOID_FAST.replace("type(output)", "type(None)", 1)),
        ("pointwise.py", _SIGMOID_FAST, _SIGMOID_FAST.replace("is not _ndarray", "is _ndarray", 1)),
        ("pointwise.py", _SIGMOID_SHAPE, _SIGMOID_SHAPE.replace("shape(grad_output)", "shape(None)")),
        *(("pointwise.py", line, line.replace("out=out", out)) for line in (
            "return xp.multiply(out, grad_output, out=out)", _TANH_MUL)
          for out in ("out=None", ""))],
        "the general path computes the same products as the fast path"),
    # the NumPy test of _conjugate: ndarrays (the and/or mutants) and NumPy scalars (sent
    # to the general line, NumPy's own conj there) give the same values
    **dict.fromkeys([("pointwise.py", _NUMPY_TEST, _NUMPY_TEST.replace(a, b)) for a, b in (
        (" or ", " and "), ("type(x)", "type(None)"), ("is_numpy(x)", "is_numpy(None)"))],
        "_conjugate: an ndarray passes both tests of NumPy, another module's array neither"),
    ("pointwise.py", _RELU_TEST, _RELU_TEST.replace(" and ", " or ")):
        "threshold_backward: a NumPy scalar gradient taken by where, torch's formula, "
        "which the mask multiply equals when the gradient is finite",
    ("pointwise.py", _RELU_TEST, _RELU_TEST.replace("type(grad_output)", "type(None)")):
        "threshold_backward: an ndarray is NumPy's either way",
    **dict.fromkeys([("pointwise.py", _RELU_ZEROS, _RELU_ZEROS.replace("out.dtype", d))
                     for d in ("None", "")],
                    "threshold_backward: a float64 zero copied into the gradient is the "
                    "gradient dtype's zero"),
    # leaky_relu's flag for a saved result: None is False to the backward's test
    **{("activation_pointwise.py", f"leaky_relu_backward(grad, self, negative_slope, False){e}",
        f"leaky_relu_backward(grad, self, negative_slope, None){e}"):
       "leaky_relu_backward's self_is_result: None is falsy as False" for e in (")", ",")},
    ("activation_pointwise.py", _GELU_FAST, _GELU_FAST.replace(" and ", " or ")):
        "gelu's float32 backward: the engine gives gelu_backward a gradient of its input's "
        "dtype, so the two dtypes are float32 together or neither is",
    ("activation_pointwise.py", "xp.multiply(cdf, x >= 0, out=cdf)",
     "xp.multiply(cdf, x > 0, out=cdf)"):
        "gelu's float32 cdf at x = 0: the tail is 1/2 there (to the fit's 1.2e-7), so tail "
        "and 1 - tail agree",
    ("activation_pointwise.py", "return elu_backward(g, alpha, scale, input_scale, is_result, x) * neg",
     "return elu_backward(g, alpha, scale, input_scale, None, x) * neg"):
        "elu's double backward: the line is reached with is_result False, and None is falsy",
    ("activation_pointwise.py", "return elu_backward(grad, alpha, scale, input_scale, False, self)",
     "return elu_backward(grad, alpha, scale, input_scale, None, self)"):
        "elu_backward's is_result: None is falsy as False",
    ("rrelu.py", "return rrelu_with_noise_backward(grad, self, noise, lower, upper, training, False)",
     "return rrelu_with_noise_backward(grad, self, noise, lower, upper, training, None)"):
        "rrelu_with_noise_backward's self_is_result: None is falsy as False",
    ("margin_loss.py", "multilabel_margin_loss_backward(grad, self, target, reduction, is_target))",
     "multilabel_margin_loss_backward(grad, self, target, reduction, None))"):
        "multilabel_margin_loss's backward recomputes is_target from the target",
    ("loss.py", "if not _backend.is_numpy(self):  # the standard has no put_along_axis: a one-hot",
     "if not _backend.is_numpy(None):  # the standard has no put_along_axis: a one-hot"):
        "nll_loss's backward: the one-hot branch written for other modules gives NumPy's "
        "arrays the same gradient",
    ("loss.py", "hit = ns.reshape(classes, (-1,) + (1,) * (self.ndim - 1 - dim)) == ns.expand_dims(",
     "hit = ns.reshape(classes, (-2,) + (1,) * (self.ndim - 1 - dim)) == ns.expand_dims("):
        "reshape takes any negative size as the one to infer",
    ("loss.py", "return zeros_like(grad)", "return zeros_like(None)"):
        "smooth_l1's double backward at beta = 0: unreachable, F.smooth_l1_loss sends beta = 0 "
        "to l1_loss as torch's does (and there is no torch._C._nn to call the op directly)",
    ("loss.py", "return backward(grad, self, target, reduction, param)",
     "return backward(grad, self, target, None, param)"):
        "the unreduced loss's line: a reduction of None is not MEAN, as NONE is not",
    ("loss.py", "xp.put_along_axis(out, xp.expand_dims(safe, dim), "
     "xp.expand_dims(coef.astype(self.dtype), dim), dim)",
     "xp.put_along_axis(out, xp.expand_dims(safe, dim), "
     "xp.expand_dims(coef.astype(None), dim), dim)"):
        "nll_loss's backward: put_along_axis casts the values to out's dtype, self's",
    ("reduction.py", "if repeats[d + len(repeats) - n] != 1:", "if repeats[d - n] != 1:"):
        "repeat's backward: d - n counts from the end what d + len(repeats) - n counts from the "
        "start, the same repeat",
    ("reduction.py", "grad_size.append(repeats[d + len(repeats) - n])",
     "grad_size.append(repeats[d - n])"):
        "repeat's backward: the same repeat counted from the end",
    # prod.py (cumprod and prod's backwards, moved there from scans.py)
    **dict.fromkeys([("prod.py", "return slice_(x, dim, 0, stop, 1)", "return slice_(x, dim, None, stop, 1)"),
                     ("prod.py", "return slice_(x, dim, 0, stop, 1)", "return slice_(x, dim, 0, stop, None)"),
                     ("prod.py", "return slice_(x, dim, start, x.shape[dim], 1)",
                      "return slice_(x, dim, start, None, 1)"),
                     ("prod.py", "return slice_(x, dim, start, x.shape[dim], 1)",
                      "return slice_(x, dim, start, x.shape[dim], None)")],
                    "a slice's None is Python slicing's default: start 0, the end, step 1"),
    ("prod.py", 'if not wrapped and not bool((getattr(self, "_data", self) == 0).any()):',
     'if not wrapped and not bool((getattr(None, "_data", self) == 0).any()):'):
        "cumprod's backward: a Tensor's == 0 and any() give the same bool as its array's",
    ("prod.py", 'zeros = int((getattr(self, "_data", self) == 0).sum())',
     'zeros = int((getattr(None, "_data", self) == 0).sum())'):
        "prod's backward: a Tensor's == 0 and sum() count the same zeros as its array's",
    ("prod.py", 'if in_transform() or (getattr(self, "_data", self) == 0).any():',
     'if in_transform() or (getattr(None, "_data", self) == 0).any():'):
        "prod's backward: a Tensor's == 0 and any() give the same truth as its array's",
    # einsum, stacking, torch_shape and stft (composed ops, run with --all)
    ("einsum.py", "if arrow < 0:", "if arrow <= 0:"):
        "einsum: an arrow at 0 leaves no left side, so one 0-d operand, whose implicit "
        "output is the explicit empty one",
    **dict.fromkeys([("einsum.py", "dim_counts[dim] = 0", f"dim_counts[dim] = {v}")
                     for v in ("None", "1")],
                    "einsum: a dim summed away is held by no later operand, so its count is "
                    "never read again"),
    ("stacking.py", "return cat(ts_, 0 if ts_[0].dim() == 1 else 1)",
     "return cat(ts_, 1 if ts_[0].dim() == 1 else 1)"):
        "hstack of 1-d tensors: joining's cat takes the dim modulo the rank, 1 as 0",
    ("torch_shape.py", '"these cases.", UserWarning, stacklevel=2)', '"these cases.", None, stacklevel=2)'):
        "warnings.warn's category None is UserWarning",
    ("stft.py", "warn_once(_NO_WINDOW, _NO_WINDOW)", "warn_once(None, _NO_WINDOW)"):
        "warn_once's key: any key no other warning uses (None is used by none)",
    ("stft.py", "full_window = window if window is not None else ones(win_length, dtype=x.dtype)",
     "full_window = window if window is not None else ones(win_length, )"):
        "istft without a window: ones are exact in any float dtype, and the products and the "
        "envelope promote to the input's",
    **dict.fromkeys([
        ("finite_differences.py", "center = div_scalar(_slice(x, dim, 2) - _slice(x, dim, 0, -2), h)",
         "center = div_scalar(_slice(x, dim, 2) - _slice(x, dim, None, -2), h)"),
        ("finite_differences.py",
         "center = a * _slice(x, dim, 0, -2) + b * _slice(x, dim, 1, -1) + c * _slice(x, dim, 2)",
         "center = a * _slice(x, dim, None, -2) + b * _slice(x, dim, 1, -1) + c * _slice(x, dim, 2)")],
        "a slice's start None is Python slicing's 0"),
    **dict.fromkeys([
        ("sparse.py", "self=lambda grad, self: sparse_mask_op(grad, _like(grad, _array(self)), True))",
         "self=lambda grad, self: sparse_mask_op(grad, _like(None, _array(self)), True))"),
        ("sparse.py", "return sparse_coo_tensor_op(_like(grad, sp.indices), grad, sp.shape, True)",
         "return sparse_coo_tensor_op(_like(None, sp.indices), grad, sp.shape, True)"),
        ("sparse.py", "_scaled(grad @ conj(t(mat2)), alpha), _like(grad, _array(mat1)), True),",
         "_scaled(grad @ conj(t(mat2)), alpha), _like(None, _array(mat1)), True),")],
        "sparse formulas: _like wraps a non-differentiable operand (a mask, the indices) as a "
        "Tensor under create_graph; the op takes the bare array alike"),
    # normalization.py: _mean's BLAS row sums are a shortcut beside NumPy's mean; a mutant
    # that takes the general path more often computes the same means
    **dict.fromkeys([("normalization.py", _MEAN_FAST, _MEAN_FAST.replace(a, b)) for a, b in (
        ("0 < k", "1 < k"), ("k <= 4096", "k < 4096"),
        ("range(x.ndim - len(axes), x.ndim)", "range(x.ndim, x.ndim)"))],
        "_mean: the general path (NumPy's mean) gives the same means as the BLAS shortcut"),
    ("normalization.py", "record = any(isinstance(p, Tensor) for p in primals + cotangents)",
     "record = any(isinstance(p, Tensor) for p in cotangents)"):
        "vjp_of_composite: the engine hands a formula arrays or Tensors alike (gradients and "
        "saved values of one kind), so the cotangents tell as much as all of them",
    ("normalization.py", "elif want and p.requires_grad:", "elif want or p.requires_grad:"):
        "vjp_of_composite: an input not wanted is aliased for nothing (its gradient is not "
        "asked), the wanted ones' values unchanged",
    ("normalization.py", "return ufunc(out, other, out=out)", "return ufunc(out, other, )"):
        "_into: a new array where the fast path wrote in place, the same values",
    ("normalization.py", "return ufunc(out, other)", "return ufunc(out, None)"):
        "_into's path for parameters of another dtype: unreachable, the parameters share the "
        "(widened) input's dtype once the public checks have passed",
    **dict.fromkeys([("normalization.py", _BF16_PARAMS, _BF16_PARAMS.replace(a, b)) for a, b in (
        ("_norm_forward(input.astype(params.dtype)", "_norm_forward(None"),
        ("weight, bias, layout", "weight, None, layout"))],
        "_norm_forward's path for parameters of another dtype: unreachable, as _into's (a "
        "bfloat16 input arrives widened to float32)"),
    **dict.fromkeys([("normalization.py", "buffers = xp.zeros((max(runs, 1), rows.shape[1]), _HALF)",
                      "buffers = xp.zeros((max(runs, 1), rows.shape[1]), " + m)
                     for m in ("None)", ")")],
                    "_thread_buffer_sum: every value stored in the buffers is rounded to float16 "
                    "first, so float64 buffers hold the same numbers"),
    ("normalization.py", "buffers[live] = (buffers[live].astype(_FLOAT) + rows[at]).astype(_HALF)",
     "buffers[live] = (buffers[live].astype(None) + rows[at]).astype(_HALF)"):
        "rounding only: a float16 buffer plus a float32 row summed in float64 rather than "
        "float32 before the float16 rounding, apart only where float32 rounds to a float16 tie",
    ("normalization.py", "rstd = (1 / xp.sqrt(running_var + eps)).astype(input.dtype).reshape(layout.param)",
     "rstd = (1 / xp.sqrt(running_var + eps)).astype(None).reshape(layout.param)"):
        "rounding only: the evaluation's inverse deviation kept in float64 rather than rounded "
        "to float32 first (a last-bit difference the oracle's tolerance allows)",
    ("normalization.py", "_wide(grad_out), input.astype(_FLOAT), _wide(weight), _wide(running_mean),",
     "_wide(grad_out), input.astype(None), _wide(weight), _wide(running_mean),"):
        "rounding only: a float16 batch norm's backward computed in float64 rather than float32 "
        "before its one rounding to float16",
    ("normalization.py", "empty = xp.zeros(0, input.dtype)", "empty = xp.zeros(0, )"):
        "the backward's placeholders for gradients the mask refuses: _pick drops them unseen",
    ("normalization.py", "if output_mask[1] and weight is not None:",
     "if output_mask[1] or weight is not None:"):
        "a weight's gradient computed where the mask refuses it, then dropped by _pick (the "
        "mask never asks for one without a weight)",
    ("normalization.py", _BN_DOUBLE, _BN_DOUBLE.replace("[None] * 2", "[None] * 3")):
        "a None past the node's edges: the engine reads one gradient per edge",
    ("normalization.py", _MEAN_FAST, _MEAN_FAST.replace("0 < k", "0 <= k")):
        "_mean: rows of no elements return above (k is never 0 here)",
    ("normalization.py", _MEAN_FAST, _MEAN_FAST.replace("k <= 4096", "k <= 4097")):
        "rounding only: rows of 4097 summed by BLAS rather than pairwise (float32's last bits)",
    **dict.fromkeys([("normalization.py", _MEAN_FAST, _MEAN_FAST.replace(a, b)) for a, b in (
        ("range(x.ndim - len(axes), x.ndim)", "range(x.ndim)"),
        ("x.ndim - len(axes)", "x.ndim + len(axes)"), ("x.ndim - len(axes)", "len(axes)"))],
        "_mean: a test passing fewer axes lists sends the rest to NumPy's mean, the same means"),
    ("normalization.py", _MEAN_ARRAY, _MEAN_ARRAY.replace(" in ", " not in ")):
        "_mean: the norms reach it with float32 or float64 only (float16 and bfloat16 "
        "widened first), which the mutant sends to NumPy's mean, the same means",
    **dict.fromkeys([("normalization.py", _GX, _GX.replace("out=gx", m)) for m in ("out=None", "")],
                    "_normalized_grad: the product in a new array rather than the spent gx"),
    ("normalization.py", "record = any(isinstance(p, Tensor) for p in primals + cotangents)",
     "record = any(isinstance(p, Tensor) for p in primals)"):
        "vjp_of_composite: the engine hands a formula arrays or Tensors alike, so the primals "
        "tell as much as all of them",
    ("normalization.py", "ins.append(p)", "ins.append(None)"):
        "vjp_of_composite: its callers' primals (grad_out, input, weight) are never numbers, "
        "and a None stays None",
    **dict.fromkeys([("normalization.py", _ZERO_GRAD, _ZERO_GRAD.replace(", ins[i]._data.dtype", m))
                     for m in (", None", ", ")],
                    "vjp_of_composite: a float64 zero gradient, which the engine casts to its "
                    "input's dtype"),
    ("normalization.py", "if other.dtype == out.dtype:", "if other.dtype != out.dtype:"):
        "_into: the parameters always share out's dtype (see below), so the mutant takes the "
        "allocating line, the same values",
    ("normalization.py", "return ufunc(out, other, out=out)", "return ufunc(out, other, out=None)"):
        "_into: a new array where the fast path wrote in place, the same values",
    **dict.fromkeys([("normalization.py", "return ufunc(out, other)", m) for m in (
        "return ufunc(None, other)", "return ufunc(other)", "return ufunc(out, )")],
        "_into's path for parameters of another dtype: unreachable (as ufunc(out, None))"),
    ("normalization.py", _HALF_BACKWARD, _HALF_BACKWARD.replace("input.astype(_FLOAT)", "input.astype(None)")):
        "rounding only: a float16 norm's weight and bias gradients computed in float64 rather "
        "than float32 before their one rounding (the input's gradient is the kernels' own)",
    **dict.fromkeys([("normalization.py", "param = weight.dtype if weight is not None else _HALF",
                      "param = None")] + [
        ("normalization.py", _HALF_RETURN, _HALF_RETURN.replace(a, b, 1)) for a, b in (
            ("dx.astype(_HALF)", "dx.astype(None)"), ("dw.astype(param)", "dw.astype(None)"),
            ("db.astype(param)", "db.astype(None)"))],
        "float16 norms' gradients left in float64 rather than rounded to their input's dtype: "
        "the engine casts each gradient to its input's dtype, one rounding from float32 alike"),
    ("normalization.py", "empty = xp.zeros(0, input.dtype)", "empty = xp.zeros(0, None)"):
        "the backward's placeholders for gradients the mask refuses: _pick drops them unseen",
    ("normalization.py", "if mask[1] and weight is not None:", "if mask[1] or weight is not None:"):
        "a weight's gradient computed where the mask refuses it, then dropped by _pick (the "
        "mask never asks for one without a weight)",
    **dict.fromkeys([
        ("normalization.py", "dw = xp.sum(grad_out * xhat, axis=layout.param_axes).reshape(weight.shape)",
         "dw = xp.sum(grad_out * xhat, axis=layout.param_axes).reshape(None)"),
        ("normalization.py", "db = xp.sum(grad_out, axis=layout.param_axes).reshape(layout.param_shape)",
         "db = xp.sum(grad_out, axis=layout.param_axes).reshape(None)")],
        "_norm_backward: NumPy's reshape(None) keeps the shape, and the sums over the "
        "parameters' axes already have the parameters' shape"),
    ("normalization.py", _LAYER_XHAT, _LAYER_XHAT.replace("input.astype(_FLOAT)", "input.astype(None)")):
        "rounding only: a float16 layer norm's normalized input in float64 rather than float32, "
        "its products rounded to float16 row by row either way",
    **dict.fromkeys([("normalization.py", a, a.replace(f".astype({d}.dtype)", ".astype(None)"))
                     for a, d in (("dw = _thread_buffer_sum(g * xhat).astype(dw.dtype).reshape(dw.shape)", "dw"),
                                  ("db = _thread_buffer_sum(g).astype(db.dtype).reshape(db.shape)", "db"))],
                    "float32 sums left in float64: the engine casts each gradient to its "
                    "input's dtype, one rounding alike"),
    ("normalization.py", "g = g * _wide(weight).reshape(1, n)", "g = g * _wide(weight).reshape(n)"):
        "_layer_half_dx: a row of n broadcasts over the (rows, n) gradient as a (1, n) one",
    **dict.fromkeys([("normalization.py", a, a.replace("(-1,", "(+1,"))
                     for a in ("ds = (g * x).sum(-1, keepdims=True)", "db = g.sum(-1, keepdims=True)")],
                    "_layer_half_dx: its arrays are (rows, n), whose axis -1 is axis 1"),
    **dict.fromkeys([("normalization.py", a, a.replace(".astype(_HALF)", ".astype(None)"))
                     for a in ("return (rstd * g + (b * x + c)).astype(_HALF)",
                               "return ((r * w) * g + c2 * x + c3).reshape(input.shape).astype(_HALF)")],
                    "the kernels' float32 input gradient left in float64: the engine casts it "
                    "to float16, one rounding alike"),
    ("normalization.py", "chunk = -(-m // threads) if m else 1", "chunk = -(-m // threads) if m else 2"):
        "_thread_buffer_sum of no rows: no run, the loop breaks at once whatever the chunk",
    ("normalization.py", "runs = -(-m // chunk) if m else 0", "runs = -(-m // chunk) if m else 1"):
        "_thread_buffer_sum of no rows: a run of none, the loop breaks at once",
    ("normalization.py", "buffers = xp.zeros((max(runs, 1), rows.shape[1]), _HALF)",
     "buffers = xp.zeros((max(runs, 2), rows.shape[1]), _HALF)"):
        "_thread_buffer_sum: a spare buffer of zeros adds nothing to the total",
    ("normalization.py", "buffers[live] = (buffers[live].astype(_FLOAT) + rows[at]).astype(_HALF)",
     "buffers[live] = (buffers[live].astype(_FLOAT) + rows[at]).astype(None)"):
        "_thread_buffer_sum: the float32 sum held exactly in float64, rounded to float16 when "
        "stored in the buffer",
    **dict.fromkeys([("normalization.py", "total = xp.zeros(rows.shape[1], _FLOAT)",
                      "total = xp.zeros(rows.shape[1], " + m) for m in ("None)", ")")],
                    "rounding only: a few float16 buffers summed in float64 rather than "
                    "float32 (exact in both but for far-apart exponents)"),
    **dict.fromkeys([("normalization.py", _GROUP_W, _GROUP_W.replace(a, b)) for a, b in (
        ("reshape(1, group, -1, 1)", "reshape(group, -1, 1)"), ("-1, 1)", "-2, 1)"))],
        "_group_half_dx: the weight broadcasts as (group, C / group, 1) alike, and NumPy reads "
        "any negative size as the one to infer"),
    ("normalization.py", "n = xp.float32(input.size // input.shape[1])",
     "n = xp.float32(input.size / input.shape[1])"):
        "_batch_half_dx: an exact quotient, the same float32",
    ("normalization.py", "mask = grad_input_mask[:3]", "mask = grad_input_mask[:4]"):
        "batch norm's double backward: the fourth entry (running_mean's) is never asked",
    **dict.fromkeys([("normalization.py", _BN_TRAIN_DOUBLE, _BN_TRAIN_DOUBLE.replace(" + [None] * 2", m))
                     for m in ("", " + [None]", " + [None] * 3")] + [
        ("normalization.py", _BN_DOUBLE, _BN_DOUBLE.replace(" + [None] * 2", m)) for m in ("", " + [None]")],
        "the running statistics' edges get no gradient: None or missing, the engine reads one "
        "gradient per edge and none from past the list"),
    **dict.fromkeys([("torch_nn.py", _HXW, _HXW.replace("//", "/"))],
                    "group_norm's HxW as a float equal to the integer: native_group_norm's size "
                    "check passes alike and the layout reads the input's shape"),
    **dict.fromkeys([("torch_nn.py", _PARAM_BATCHED, _PARAM_BATCHED.replace(a, b)) for a, b in (
        ("(input, weight, bias)", "(weight, bias)"), ("(input, weight, bias)", "(input, weight, )"))],
        "vmap only: the batched-input path, which tests/func runs (not selected here)"),
    # engine.py: ownership (NOTE [Owned gradients]) only spares copies; an array judged not
    # owned is copied or summed into a new one, with the same values
    **dict.fromkeys([("engine.py", "n += 1", m) for m in ("n -= 1", "n += 2")],
                    "_fresh: a count that never reads 1 calls no result fresh: copies, the "
                    "same gradients"),
    ("engine.py", "order = [n for n in seen if indeg.get(n, 0) == 0]",
     "order = [n for n in seen if indeg.get(n, None) == 0]"):
        "_needed: every node seen has its count in deps (the roots enter it at 0)",
    **dict.fromkeys([("engine.py", _SAME_KIND, _SAME_KIND.replace(a, b)) for a, b in (
        ('return "biufc".index', 'return "biufc".rindex'),
        ('<= "biufc".index', '<= "biufc".rindex'))],
        "_same_kind: each kind letter appears once, found alike from either end"),
    ("engine.py", _SAME_KIND_NP, _SAME_KIND_NP.replace(" and ", " or ")):
        "_same_kind: both dtypes come from arrays of one module, NumPy's or another's",
    **dict.fromkeys([("engine.py", "order = [n for n in seen if indeg.get(n, 0) == 0]",
                      f"order = [n for n in seen if indeg.get(n, {d}) == 0]") for d in ("", "1")]
                    + [("engine.py", "if deps.get(node, 0) == 0:", f"if deps.get(node, {d}) == 0:")
                       for d in ("", "1", "None")],
                    "every node seen, and every root, has its count in deps (the roots enter "
                    "it at 0): the default is never read"),
    # _fresh: no table formula hands one fresh array to two edges (a probe of the op-table
    # and composed-op tests found none), so the count is 1 or the array is the node's
    # input; a count never 1 only calls nothing fresh (copies, the same gradients)
    **dict.fromkeys([("engine.py", a, b) for a, b in (
        ("if not _backend.owns_data(g):", "if not _backend.owns_data(None):"),
        ("n = 0", "n = 1"), ("if o is g:", "if o is not g:"), ("n += 1", "n = 1"),
        ("return n == 1", "return n != 1"), ("return n == 1", "return n == 2"))],
        "_fresh: no formula gives one fresh array to two edges; calling nothing fresh only "
        "costs copies"),
    # what only observers and hook watchers see: none reads a hook's args (the viz trace,
    # anomaly mode and the profiler read kind, fn and result; a compiled call's watcher kind
    # and fn), nor an error's (anomaly mode and the profiler only close the failed step)
    **dict.fromkeys([("engine.py", a, a.replace(b, c)) for a, b, c in (
        (_TELL_OB, "args=args", "args=None"), (_TELL_WATCH, "args, result", "None, result"),
        (_TELL_WATCH, "args, result", "args, None"),
        ('_tell_hook(kind="tensor", fn=fn, args=(t,), result=new)', "(t,)", "None"),
        ('_tell_hook(kind="post_accumulate", fn=fn, args=(var,), result=None)', "(var,)", "None"),
        ('_tell_hook(kind="prehook", fn=fn, args=(), result=new)', "()", "None"),
        ('_tell_hook(kind="hook", fn=fn, args=(gi, go), result=new)', "(gi, go)", "None"),
        ('_tell("error", error=error)', "error=error", "error=None"),
        ('_tell("error", error=error)', "error=error", ""))],
        "seen only by observers and hook watchers, and none reads it"),
    ("engine.py", _ENGINE_COPY, _ENGINE_COPY.replace("array_module(data)", "array_module(None)")):
        "_copy: NumPy's module either way for NumPy arrays; for another module's the copy_ "
        "that follows fails either way (in-place ops are NumPy-only so far)",
    **dict.fromkeys([("engine.py", "own = False", "own = None"),
                     ("engine.py", "own = id(grads[0]) in owned", "own = None"),
                     ("engine.py", "own = id(grads[0]) in owned", "own = id(None) in owned"),
                     ("engine.py", _ACC_OWN, _ACC_OWN.replace("own,", "None,")),
                     ("engine.py", "elif owned and type(grad) is _ndarray:",
                      "elif owned and type(None) is _ndarray:"),
                     ("engine.py", "elif owned and type(grad) is _ndarray:",
                      "elif owned and type(grad) is not _ndarray:")],
                    "_run: a gradient judged not owned is copied, with the same values "
                    "(NOTE [Owned gradients])"),
    ("engine.py", "self.roots = self.deps = ()", "self.roots = self.deps = None"):
        "_GraphTask: _run sets roots and deps before any hook can ask",
    ("engine.py", "t = new = None  # (ours gone, a Tensor still alive is one a hook kept)",
     't = new = ""  # (ours gone, a Tensor still alive is one a hook kept)'):
        "_run_tensor_hooks: either value lets go of the hooks' Tensors before kept() looks "
        "for those a hook still holds",
    ("engine.py", 'data = grad._data if hasattr(grad, "_data") else grad',
     'data = grad._data if hasattr(None, "_data") else grad'):
        "_accumulate: a Tensor gradient (under a dual level or vmap) is added by NumPy's += "
        "through its array, and _same_kind reads a dyngrad dtype as well: the same sum and "
        "the same errors",
    # NOTE [Versions of gradients in flight]: settle() drops the entries of arrays that left
    # the buffers and were not handed on; nothing looks them up again in the run
    **dict.fromkeys([("engine.py", "if id(g) in flight:", "if id(None) in flight:"),
                     ("engine.py", "if id(g) in flight:", "if id(g) not in flight:"),
                     ("engine.py", "arrived = tuple(grads)", "arrived = None"),
                     ("engine.py", "flight = versions.table if versions is not None else ()",
                      "flight = None")],
                    "_run: an array settle() would forget is in no buffer and was handed to no "
                    "edge, so the run never asks its version again (a hook that kept it holds "
                    "a Tensor with its version)"),
    ("engine.py", "create_graph = False", "create_graph = None"):
        "_accumulate: None is falsy as False",
    ("engine.py", "self.versions = None  # FlightVersions, when gradients in flight are arrays",
     'self.versions = ""  # FlightVersions, when gradients in flight are arrays'):
        "_GraphTask: _run sets versions before any hook can ask",
    **dict.fromkeys([("engine.py", "and _fresh(g, outs, grads)):", "and _fresh(None, outs, grads)):"),
                     ("engine.py", "owned.add(id(g))", "owned.add(None)"),
                     ("engine.py", "owned.add(id(g))", "owned.add(id(None))")],
                    "_run: no formula result recorded as owned (an id no array has): it is "
                    "copied by its leaf or summed into a new array (NOTE [Owned gradients])"),
    **dict.fromkeys([("engine.py", _OWNED_ADD, _OWNED_ADD.replace(a, b)) for a, b in (
        ("id(old)", "id(None)"), ("old.dtype == g.dtype", "old.dtype != g.dtype"),
        ("old.shape == g.shape", "old.shape != g.shape"))],
        "_run: gradients meeting in one buffer slot were fitted to the same output's shape and "
        "dtype, so the guard holds and the mutants only stop the add in place: a new array "
        "with the same sum (and version: torch's adds in place into what the run owns)"),
    **dict.fromkeys([("engine.py", "if d or type(nxt) is AccumulateGrad:", m) for m in (
        "if d and type(nxt) is AccumulateGrad:", "if d or type(None) is AccumulateGrad:",
        "if d or type(nxt) is not AccumulateGrad:")],
        "_run: which arrays' ownership is recorded; one not recorded is copied by its leaf or "
        "summed into a new array, with the same values and versions (NOTE [Owned gradients])"),
    **dict.fromkeys([("engine.py", _ENGINE_NEXT, _ENGINE_NEXT.replace("type(nxt)", "type(None)")),
                     ("engine.py", _ENGINE_NEXT, _ENGINE_NEXT.replace(" is not ", " is "))],
                    "_run's next_up shortcut, taken or not for an AccumulateGrad: it runs next "
                    "either way (it outranks every node, and the queue is empty), and its "
                    "gradient, kept out of the buffers, is copied with the version it has"),
    ("indexing.py", "return grad if accumulate else index_put(grad, _checked(indices), 0.0, False)",
     "return grad if accumulate else index_put(grad, _checked(indices), 0.0, None)"):
        "index_put's accumulate: None is falsy as False",
    ("scatter.py", "grad if accumulate else put(grad, index, zeros_like(source), False),",
     "grad if accumulate else put(grad, index, zeros_like(source), None),"):
        "put's accumulate: None is falsy as False",
    ("scatter.py", "_reduce_backward(grad, self, dim, index, src, reduce, include_self, result, False),",
     "_reduce_backward(grad, self, dim, index, src, reduce, include_self, result, None),"):
        "_reduce_backward's want_src: None is falsy as False",
    ("scatter.py", "return mask.astype(like.dtype)", "return mask.astype(None)"):
        "_as_float's NumPy path (first order): masks of 0 and 1 and small counts in float64, "
        "whose quotients the engine's cast to the input's dtype rounds to the same numbers",
    ("scatter.py", 'if hasattr(grad, "_data"):', 'if hasattr(None, "_data"):'):
        "index_fill's value gradient: index_select reads an array index as a Tensor one",
    **dict.fromkeys([("scatter.py", _MASKED_ZEROS, _MASKED_ZEROS.replace(a, b)) for a, b in (
        ("tuple(self.shape), tuple(mask.shape)", "tuple(mask.shape)"),
        ("tuple(self.shape), tuple(mask.shape)", "tuple(self.shape), "))],
        "masked_select's backward: masked_scatter broadcasts its zeros with the mask, so "
        "zeros of self's shape or the mask's give the same gradient"),
    **{(f, _MASKED_SELF, _MASKED_SELF.replace("0), 1)", "0), 2)")):
       "prod's gradient of self: a zero stood for by 2 rather than 1 doubles the product and "
       "halves it again, exactly in binary" for f in ("index_put.py", "scatter.py")},
    ("index_put.py", "grad_source if grad_input_mask[-1] else None]",
     "grad_source if grad_input_mask[+1] else None]"):
        "index_reduce's mask has one entry for self and one for source: -1 and 1 are source's",
    ("views.py", "inv = [0] * len(dims)", "inv = [1] * len(dims)"):
        "_inverse: every entry is written, dims being a permutation",
    ("views.py", "return [0]", "return [1]"):
        "split's sizes of an empty dim: its one piece's gradient is there whenever the node "
        "runs, and a size is read only for a piece with none",
    ("joining.py", "out.append(slice_(grad, dim % ndim, start, start + n, 1))",
     "out.append(slice_(grad, dim % ndim, start, start + n, None))"):
        "a slice's step None is Python slicing's 1",
    ("joining.py", "d = dim % (len(tensors_sizes[0]) + 1)", "d = dim % (len(tensors_sizes[0]) + 2)"):
        "stack's backward: the dim arrives wrapped (torch.stack wraps it), which either "
        "modulus leaves as it is",
    ("linalg.py", "if not _backend.is_numpy(a):", "if not _backend.is_numpy(None):"):
        "_layout: a NumPy array's tensor gives the strides its own strides give",
    ("linalg.py", "return a.shape, tuple(st // a.itemsize for st in a.strides)",
     "return a.shape, tuple(st / a.itemsize for st in a.strides)"):
        "_layout: a stride is a whole number of items, and its float quotient compares equal "
        "to the integer in _column_major",
    **dict.fromkeys([("linalg.py", _SCALED, _SCALED.replace(a, b)) for a, b in (
        ("mul_scalar(g, alpha)", "mul_scalar(None, alpha)"),
        ("mul_scalar(g, alpha)", "mul_scalar(g, None)"),
        ("mul_scalar(g, alpha)", "mul_scalar(alpha)"),
        ("mul_scalar(g, alpha)", "mul_scalar(g, )"))],
        "linalg.addmm's scaled gradient: unreachable, F.linear passes 1 and 1, and torch.addmm "
        "and Tensor.addmm are products.addmm (products.FUSED replaces torch_nn.addmm)"),
    **dict.fromkeys([("products.py", _DIST, _DIST.replace("None, False)", m)) for m in (
        "None, None)", "None, True)")],
        "dist's backward: a norm over every dim, where keepdim leaves no dim to unsqueeze"),
    **dict.fromkeys([("products.py", _BLOCK, _BLOCK.replace(a, b)) for a, b in (
        ("c + cols, 1)", "c + cols, None)"), ("r + rows, 1)", "r + rows, None)"))],
        "a slice's step None is Python slicing's 1"),
    ("fft.py", "return real_op(fft_c2c(grad, dim, normalization, False))",
     "return real_op(fft_c2c(grad, dim, normalization, None))"):
        "fft_c2c's forward flag: None is falsy as False",
    **dict.fromkeys([("fft.py", "if missing > 0:", "if missing >= 0:"),
                     ("fft.py", _FFT_DOUBLE, _FFT_DOUBLE.replace("> 0", ">= 0"))],
        "rfft's and irfft's backward: an empty block of zeros, a factor of ones, the same "
        "values (these second-order graphs are not torch's either way: fft is compared by "
        "value)"),
    **dict.fromkeys([("fft.py", _FFT_FACTOR, _FFT_FACTOR.replace(a, b)) for a, b in (
        ('dtype=_REAL_OF[xp.dtype(getattr(gI, "_data", gI).dtype)])', "dtype=None)"),
        ('dtype=_REAL_OF[xp.dtype(getattr(gI, "_data", gI).dtype)])', ")"))],
        "irfft's factor of ones and twos: exact products in float64 too, which the engine "
        "casts to the input's dtype"),
    ("fft.py", "shape[last] = -1", "shape[last] = -2"):
        "NumPy's reshape takes any negative size as the one to infer",
    # views.py: the array-module seam's NumPy shortcuts; the general path (array_module)
    # is NumPy's own namespace for ndarrays and NumPy scalars alike
    ("views.py", _RESHAPE_NP, _RESHAPE_NP.replace("type(self)", "type(None)")):
        "_reshape: the general path reshapes an ndarray with NumPy's reshape too",
    **dict.fromkeys([("views.py", _ZEROS_NP, _ZEROS_NP.replace(a, b)) for a, b in (
        (" or ", " and "), ("type(like)", "type(None)"), ("is_numpy(like)", "is_numpy(None)"))],
        "new_zeros: an ndarray passes both tests of NumPy, and NumPy's zeros on the general "
        "path (device 'cpu') are the same for a NumPy scalar"),
    ("views.py", "if _backend.is_numpy(like._data):", "if _backend.is_numpy(None):"):
        "new_zeros of a NumPy tensor on the general path: NumPy's zeros (device 'cpu'), "
        "wrapped, are the tensor creation.zeros makes",
    **dict.fromkeys([("views.py", _ZEROS_OTHER, _ZEROS_OTHER.replace("dtype=like.dtype, ", m))
                     for m in ("dtype=None, ", "")],
                    "new_zeros of another module's tensor: reached (cat's gradient of an empty "
                    "vector it skipped) only where the zeros, with no graph, are the input's "
                    "gradient, which the engine casts to the input's dtype"),
    ("inplace.py", "first = int(view[(0,) * view.ndim]) if view.size else 0",
     "first = int(view[(0,) * view.ndim]) if view.size else 1"):
        "as_strided_backward of an empty view: its gradient is zeros, returned before the "
        "offset is read",
    ("inplace.py", "if n > 1 else 0 for d, n in enumerate(view.shape))",
     "if n > 1 else 1 for d, n in enumerate(view.shape))"):
        "as_strided_backward: a size-1 dim's stride is never read (torch's algorithm squeezes "
        "the dim, and an empty view returns zeros first)",
    ("view_inplace.py", "extent = max(int(out_pos.max()), int(in_pos.max())) + 1",
     "extent = max(int(out_pos.max()), int(in_pos.max())) + 2"):
        "as_strided's backward: a spare zero at the storage's end, which neither geometry reads",
    # view_inplace.py: the storage positions of a geometry, in NumPy's default integer
    **dict.fromkeys([("view_inplace.py", a, a.replace("dtype=xp.int64", m))
                     for a in (_POS_FULL, _POS_STEP) for m in ("dtype=None", "")],
                    "_strided_positions: NumPy's default integer is int64 (NumPy 2 on every "
                    "64-bit platform), and an int offset fills an int64 array"),
    **dict.fromkeys([("view_scatter.py", _ZEROS_AS, _ZEROS_AS.replace("dtype=src.dtype", m))
                     for m in ("dtype=None", "")],
                    "a view scatter's gradient of self: zeros of the default dtype written into "
                    "a copy of grad are grad's zeros, and the scatter's result takes grad's dtype"),
    ("view_copies.py", "return vw.slice_backward(grad, tuple(self_sym_sizes), dim, start, start + length, 1)",
     "return vw.slice_backward(grad, tuple(self_sym_sizes), dim, start, start + length, None)"):
        "a slice's step None is Python slicing's 1",
    # prod's gradient of a source's zeros: where one zero went into the product, where picks
    # the other branch; where two did, the numerator (grad * result) is 0 over 1 or 2 alike
    **{(f, line, line.replace("src_zero, 1))", "src_zero, 2))")):
       "prod's gradient of the zeros of a source: a single zero takes where's other branch, "
       "two zeros make the numerator 0" for f, line in (
           ("index_put.py", "/ pw.masked_fill_op(source, src_zero, 1))"),
           ("scatter.py", "gather(grad * result, dim, index) / pw.masked_fill_op(src, src_zero, 1))"))},
    ("statistics.py", "if not keepdim and len(shape) > 1:", "if not keepdim and len(shape) >= 1:"):
        "_var_backward: a 1-d input's 0-d gradient broadcasts as its one-element unsqueeze does",
    ("statistics.py", "target[d % total if total else 0] = 1", "target[d % total if total else 1] = 1"):
        "_restore_reduced_dims: total is 0 only with no reduced dims, when the loop never runs",
    ("statistics.py", _NORM_SMALL_P, _NORM_SMALL_P.replace("eq(self, 0), 0)", "eq(self, 0), 1)")):
        "_norm_backward: the filled places are zeros of self, where sgn(self) is 0 and flat",
    ("statistics.py", _NORM_SCALE, _NORM_SCALE.replace("eq(norm, 0), 0)", "eq(norm, 0), 1)")):
        "_norm_backward: a zero norm has only zeros, where self_scaled is 0 and its derivative "
        "0 (p >= 2) or nan (1 < p < 2) whatever the fill",
    ("statistics.py", "if ord < 1:", "if ord <= 1:"): "_norm_backward: ord 1 has returned above",
    ("statistics.py", "if ord < 2:", "if ord <= 2:"): "_norm_backward: ord 2 has returned above",
    ("rearrange.py", "return _backend.as_strided(self, shape=(1,), strides=(self.dtype.itemsize,))",
     "return _backend.as_strided(self, shape=(1,), strides=None)"):
        "_unfold of a 0-d: NumPy's default stride of one element is its itemsize",
    ("rearrange.py", "return grad.reshape(()).copy()", "return grad.reshape(None).copy()"):
        "_unfold_backward: the gradient of a 0-d input is 0-d, which NumPy's reshape(None) keeps",
    ("special.py", 'eps = float(xp.finfo(getattr(self, "_data", self).dtype).eps)',
     "eps = float(xp.finfo(None).eps)"):
        "i1's guard: between float64's eps and self's, i0(x) - i1(x) / x is 0.5 to rounding",
    # embedding's sparse gradient: a Tensor gradient indexed by a NumPy mask, and NumPy
    # indices given to the sparse constructor, take the same values (indices need no graph)
    **dict.fromkeys([
        ("embedding.py", 'grad = grad[_wrap(keep) if hasattr(grad, "_data") else keep]',
         'grad = grad[_wrap(keep) if hasattr(None, "_data") else keep]'),
        ("embedding.py", 'return sparse_coo_tensor_op(_wrap(flat[None]) if hasattr(grad, "_data") else flat[None],',
         'return sparse_coo_tensor_op(_wrap(flat[None]) if hasattr(None, "_data") else flat[None],'),
        ("embedding.py", 'grad, getattr(indices, "_data", indices), padding_idx))',
         'grad, getattr(None, "_data", indices), padding_idx))')],
        "embedding's backward: index arrays as Tensors or as NumPy arrays select the same rows"),
    ("embedding_bag.py", "ordered = xp.sort(rows, 1)", "ordered = xp.sort(rows, )"):
        "_frequencies: rows is 2-d, where NumPy's default axis (the last) is 1",
    ("embedding.py", "rows, (num_weights, rows.shape[-1]), False)",
     "rows, (num_weights, rows.shape[-1]), None)"):
        "embedding's sparse gradient: an is_coalesced flag of None reads as False",
    **dict.fromkeys([("embedding.py", "grad_output.dtype)", d) for d in ("None)", ")")],
        "embedding's meta gradient: the engine casts it to the weight's dtype"),
    ("embedding.py", "rows, (num_weights, rows.shape[-1]), False)",
     "rows, (num_weights, rows.shape[+1]), False)"):
        "embedding's sparse gradient: rows is 2-d, its last dim is dim 1",
    ("embedding_bag.py", "return -1", "return -2"):
        "_padding: no padding row is any negative number to the tests (>= 0) that read it",
    ("embedding_bag.py", "keep &= indices != padding_idx", "keep = indices != padding_idx"):
        "embedding_bag's backward: offset2bag is negative only with no bags at all (offsets "
        "empty, or one offset and include_last_offset), inputs on which torch crashes",
    **dict.fromkeys([("embedding_bag.py", "divisor = xp.ones((size, num_weights), xp.int64)",
                      "divisor = xp.ones((size, num_weights), " + d + ")") for d in ("None", "")],
        "_frequencies: whole-number divisors, exact in float64, divide to the same quotients"),
    ("embedding_bag.py", "return embedding_bag_backward(grad, indices, offsets, result1, result2, "
     "result3, weight_sym_sizes[0], scale_grad_by_freq, mode, per_sample_weights, padding_idx)",
     "return embedding_bag_backward(grad, indices, None, result1, result2, result3, "
     "weight_sym_sizes[0], scale_grad_by_freq, mode, per_sample_weights, padding_idx)"):
        "embedding_bag's backward reads the bags from offset2bag (offsets is torch's signature's)",
    **dict.fromkeys([
        ("embedding_bag.py", _PSW, _PSW.replace(a, b)) for a, b in (
            ("indices, offsets,", "indices, None,"), ("result1, mode,", "result1, None,"))],
        "the per-sample weights' backward reads the bags from offset2bag, and only mode sum "
        "reaches it (offsets and mode are torch's signature's)"),
    **dict.fromkeys([("diagonal.py", "if offset >= 0:", "if offset > 0:"),
                     ("diagonal.py", "if offset >= 0:", "if offset >= 1:")],
        "_diagonal: at offset 0 both branches take the full length from the start"),
    **dict.fromkeys([("diagonal.py", _ARANGE, _ARANGE.replace("dtype=xp.int64", d))
                     for d in ("dtype=None", "")],
        "trace's backward: NumPy's default integer is int64"),
    ("diagonal.py", 'if hasattr(grad, "_data"):', 'if hasattr(None, "_data"):'):
        "trace's backward: index_fill takes its index as a NumPy array or a Tensor alike",
    ("distance.py", "elif p < 2:", "elif p <= 2:"): "pair_gradient: p = 2 has returned above",
    **dict.fromkeys([("weight_norm.py", line, line.replace("False), shape)", "True), shape)"))
                     for line in ("return reshape(sum_dim(reshape(x, (n, -1)), (1,), False), shape)",
                                  "return reshape(sum_dim(reshape(x, (-1, n)), (0,), False), shape)")],
        "_sum_except: the kept dim is reshaped to the norms' shape either way (the same values, "
        "the same nodes)"),
    **dict.fromkeys([("attention.py", line, line.replace(", -1, -2)", ", -1, +2)")) for line in (
        "s = query @ xp.swapaxes(key, -1, -2)", "dv = xp.swapaxes(p, -1, -2) @ grad_out",
        "ds = grad_out @ xp.swapaxes(value, -1, -2)", "dk = xp.swapaxes(ds, -1, -2) @ query")]
        + [("attention.py", _CAUSAL, _CAUSAL.replace("shape[-2:]", "shape[+2:]"))],
        "the fused attention kernel's operands and scores are 4-d, whose dim 2 is dim -2"),
    **dict.fromkeys([("attention.py", _CAUSAL, _CAUSAL.replace("-xp.inf, s.dtype)", d))
                     for d in ("-xp.inf, None)", "-xp.inf, )")],
        "_scores' causal mask: copyto casts -inf to the scores' dtype"),
    **dict.fromkeys([("attention.py", _LSE, _LSE.replace("zeros((), logsumexp.dtype)", d))
                     for d in ("zeros((), None)", "zeros((), )")],
        "the fused backward's log-sum-exp: a float64 zero in place of a dead row's -inf, "
        "subtracted in place from the scores as the float32 zero is"),
    **dict.fromkeys([("attention.py", "dt = query.dtype", "dt = None")] + [
        ("attention.py", _GRADS, _GRADS.replace(f"{g}.astype(dt,", f"{g}.astype(None,"))
        for g in ("dq", "dk", "dv")],
        "the fused backward's gradients: the engine casts each to its input's dtype"),
    ("attention.py", _FLASH_GRADS, _FLASH_GRADS.replace("result1, dropout_p,", "result1, None,")):
        "the fused kernel runs without dropout only: its backward does not read dropout_p",
    ("distance.py", "elif p < 2:", "elif p < 3:"):
        "pair_gradient: for 2 < p < 3, sign(d) |d|^(p-1) is d |d|^(p-2) (0 at d = 0 both ways), "
        "the same number to rounding",
    ("bessel.py", "out = fn(x.astype(xp.float64), x.dtype.type)",
     "out = fn(x.astype(None), x.dtype.type)"): "NumPy's astype(None) is float64",
    **{("bessel.py", f"modified_bessel_{k}{n} = _nondiff(lambda x, dtype: {m}.bessel_{k}(x, {n}, False))",
        f"modified_bessel_{k}{n} = _nondiff(lambda x, dtype: {m}.bessel_{k}(x, {n}, None))"):
       "the unscaled Bessel functions: the flag is only tested for truth"
       for k, m in (("i", "sm"), ("k", "bm")) for n in (0, 1)},
    ("orthogonal_polynomials.py", '"hermite_polynomial_he": lambda x, n: pm.hermite(x, n, False),',
     '"hermite_polynomial_he": lambda x, n: pm.hermite(x, n, None),'):
        "He_n: the physicists' flag is only tested for truth",
    **dict.fromkeys([
        ("complex_math.py", "out = xp.empty(re.shape, xp.result_type(x, y))",
         "out = xp.empty(re.shape, xp.result_type(y))"),
        ("complex_math.py", "out = xp.empty(re.shape, xp.result_type(x, y))",
         "out = xp.empty(re.shape, xp.result_type(x, ))")],
        "C's complex product: every caller gives x and y one dtype"),
    # C99's recovery of a product that came out NaN + NaN i, run by cpow alone (on b * log(a)):
    # the recovered parts are inf * (...), so only the sign and zero-ness of the sums count
    **dict.fromkeys([
        ("complex_math.py", "u = xp.where(where, xp.copysign(xp.isinf(u).astype(u.dtype), u), u)",
         "u = xp.where(where, xp.copysign(xp.isinf(u).astype(None), u), u)"),
        ("complex_math.py", "v = xp.where(where, xp.copysign(xp.isinf(v).astype(v.dtype), v), v)",
         "v = xp.where(where, xp.copysign(xp.isinf(v).astype(None), v), v)"),
        ("complex_math.py", "w = xp.where(where & xp.isnan(w), xp.copysign(0, w).astype(w.dtype), w)",
         "w = xp.where(where & xp.isnan(w), xp.copysign(0, w).astype(None), w)"),
        ("complex_math.py", "z = xp.where(where & xp.isnan(z), xp.copysign(0, z).astype(z.dtype), z)",
         "z = xp.where(where & xp.isnan(z), xp.copysign(0, z).astype(None), z)"),
        ("complex_math.py",
         "a, b, c, d = (xp.where(rest & xp.isnan(v), xp.copysign(0, v).astype(v.dtype), v)",
         "a, b, c, d = (xp.where(rest & xp.isnan(v), xp.copysign(0, v).astype(None), v)"),
        ("complex_math.py", "inf = xp.asarray(xp.inf, a.dtype)", "inf = xp.asarray(xp.inf, None)"),
        ("complex_math.py", "inf = xp.asarray(xp.inf, a.dtype)", "inf = xp.asarray(xp.inf, )")],
        "C99's product recovery: +-1, +-0 and a float32 factor's parts are exact in float64, "
        "and inf times a sum keeps only its sign and zero-ness, the same in either width"),
    **dict.fromkeys([
        ("complex_math.py", "re = xp.where(recalc, inf * (a * c - b * d), xp.nan)",
         "re = xp.where(recalc, inf * (a * c - b * d), None)"),
        ("complex_math.py", "im = xp.where(recalc, inf * (a * d + b * c), xp.nan)",
         "im = xp.where(recalc, inf * (a * d + b * c), None)")],
        "C99's product recovery: None, written into a float array, is NaN"),
    ("complex_math.py", "w = xp.where(where & xp.isnan(w), xp.copysign(0, w).astype(w.dtype), w)",
     "w = xp.where(None, xp.copysign(0, w).astype(w.dtype), w)"):
        "C99's product recovery in cpow: log(a)'s real part is NaN only beside a NaN imaginary "
        "part, and with both the recovered real part is inf * 0, NaN, boxed or not",
    **dict.fromkeys([
        ("complex_math.py", "inf_x, inf_y = xp.isinf(a) | xp.isinf(b), xp.isinf(c) | xp.isinf(d)",
         "inf_x, inf_y = xp.isinf(a) & xp.isinf(b), xp.isinf(c) | xp.isinf(d)"),
        ("complex_math.py", "inf_x, inf_y = xp.isinf(a) | xp.isinf(b), xp.isinf(c) | xp.isinf(d)",
         "inf_x, inf_y = xp.isinf(a) | xp.isinf(b), xp.isinf(c) & xp.isinf(d)")],
        "C99's product recovery in cpow: log(a)'s imaginary part (d) is never infinite; where one "
        "part is infinite the overflow branch recovers the same signs, or exp's NaN real part "
        "hides them (no difference over test_pow_rounding's grid of every special pair)"),
    ("binomial.py", "if prob > 0.5:", "if prob >= 0.5:"):
        "binomial: reached only past prob <= 0.5, so prob is above 0.5 or NaN",
    # BTRS's squeeze (Hoermann) accepts only draws its exact bound accepts: a smaller or
    # empty squeeze gives the same draws from the same uniforms, one logarithm later
    **dict.fromkeys([("binomial.py", "v_r = 0.92 - 4.2 / b", f"v_r = 0.92 - {m}")
                     for m in ("4.2 * b", "4.2", "b", "5.2 / b")]
                    + [("binomial.py", "if us >= 0.07 and v <= v_r:", m)
                       for m in ("if us > 0.07 and v <= v_r:", "if us >= 1.07 and v <= v_r:",
                                 "if us >= 0.07 and v < v_r:")],
                    "BTRS's squeeze, made smaller: the exact bound accepts the same draws"),
    **dict.fromkeys([
        ("binomial.py", "return _wrap(np.array(out, dtype=np.float64).astype(c.dtype).reshape(c.shape))",
         f"return _wrap(np.array(out, {m}).astype(c.dtype).reshape(c.shape))")
        for m in ("dtype=None", "")],
        "binomial: the draws are Python floats, float64 without being told"),
    # conv.py
    **dict.fromkeys([("conv.py", _WINDOWS, _WINDOWS.replace("writeable=False)", w))
                     for w in ("writeable=None)", ")")] + [
        ("conv.py", _WINDOWS_END, _WINDOWS_END.replace("False", "True"))],
        "_windows: the strided view is only read (copied into the columns)"),
    **dict.fromkeys([("conv.py", line, line.replace(", (), ", ", None, "))
                     for line in (_CONV_GI, _CONV_GW)] + [
        ("conv.py", "(True, False, False))[0]", "(True, True, False))[0]"),
        ("conv.py", "(True, False, False))[0]", "(True, False, True))[0]"),
        ("conv.py", "(False, True, False))[1]", "(True, True, False))[1]"),
        ("conv.py", "(False, True, False))[1]", "(False, True, True))[1]")],
        "the double backward's one gradient of convolution_backward: the other outputs a "
        "mask adds are not read, nor are bias_sizes where the mask leaves the bias out"),
    ("conv.py", "gi = gw = gb = None", 'gi = gw = gb = ""'):
        "_conv_tbc_grads: a gradient the mask leaves out is not read",
    ("conv.py", "gb = _red.sum_dim(grad, (0, 1), False)", "gb = _red.sum_dim(grad, (0, 1), True)"):
        "conv_tbc's bias gradient: a (1, 1, C) one is summed to the bias's (C,) by the engine, "
        "over dims of one element (the same numbers)",
    ("conv.py", "size = tuple(s_ + 2 * p for s_, p in zip(input_shape[2:], padding))",
     "size = tuple(s_ + 3 * p for s_, p in zip(input_shape[2:], padding))"):
        "_input_grad: an accumulator longer than the padded input, cropped to the input alike",
    # pooling.py
    ("pooling.py", _BINCOUNT, _BINCOUNT.replace("astype(xp.float64)", "astype(None)")):
        "_scatter_to_planes: NumPy's astype(None) is float64",
    **dict.fromkeys([("pooling.py", _OVERLAP, _OVERLAP.replace(a, b)) for a, b in (
        ("s < ", "s <= "), ("d * (k - 1) + 1", "d * (k + 1) + 1"), ("d * (k - 1) + 1", "d * k + 1"),
        ("d * (k - 1) + 1", "d * (k - 1) + 2"))] + [
        ("pooling.py", _MAX_SCATTER, _MAX_SCATTER.replace(", overlapping)", ", )"))],
        "max_pool's backward: windows taken as overlapping where they do not are summed by "
        "bincount, the same numbers the plain assignment writes"),
    **dict.fromkeys([("pooling.py", _MAX_BACK, _MAX_BACK.replace(a, b)) for a, b in (
        ("stride, padding,", "stride, None,"), ("ceil_mode, result1", "None, result1"))],
        "max_pool's backward reads the indices, not the padding or ceil_mode (torch's "
        "signature)"),
    ("pooling.py", "return div.astype(self.dtype)", "return div.astype(None)"):
        "_avg_divisor: a quotient by float64 divisors rounded to self's dtype is the one "
        "divided in that dtype (the divisors are exact in both; a double rounding through "
        "float64 is innocuous for division)",
    ("pooling.py", _AVG_BACK, _AVG_BACK.replace("padding, ceil_mode,", "padding, None,")):
        "avg_pool's backward takes its windows from grad_output's shape, not from ceil_mode",
    **dict.fromkeys([("pooling.py", _AVG_SIZE, _AVG_SIZE.replace("(o - 1) * s", b))
                     for b in ("(o + 1) * s", "o * s")],
                    "_avg_pool_backward: an accumulator longer than needed, cropped alike"),
    # grid_sample.py
    ("grid_sample.py", "return xp.clip(c, 0, size - 1), inside.astype(c.dtype)",
     "return xp.clip(c, 0, size - 1), inside.astype(None)"):
        "_clip: a 0/1 derivative in float64, cast back to the grid's dtype by _taps (exact)",
    ("grid_sample.py", _SIGN, _SIGN.replace("astype(c.dtype)", "astype(None)")):
        "_reflect: a +-1 sign in float64, cast back to the grid's dtype by _taps (exact)",
    ("grid_sample.py", _SIGN, _SIGN.replace("d < 0", "d <= 0")):
        "_reflect: a position on the low bound (at or below 0) is clamped next, whose "
        "derivative 0 there cancels the sign",
    ("grid_sample.py", "return xp.zeros_like(c), xp.zeros_like(c)",
     "return xp.zeros_like(c), xp.zeros_like(None)"):
        "_reflect of a single pixel: a 0-d zero derivative broadcasts as the zeros do",
    **dict.fromkeys([("grid_sample.py", _NEAREST, _NEAREST.replace(a, b)) for a, b in (
        ("xp.ones_like(c)", "xp.ones_like(None)"), ("xp.zeros_like(c))", "xp.zeros_like(None))"))],
        "_taps for nearest: a 0-d weight of one and derivative of zero broadcast as the arrays"),
    **dict.fromkeys([("grid_sample.py", _TAP, _TAP.replace(a, b)) for a, b in (
        ("(index, w.astype(g.dtype)", "(index, w.astype(None)"),
        ("dw.astype(g.dtype)", "dw.astype(None)"))],
        "_taps: float64 weights (the grid's values, exactly) only round the products and sums "
        "once instead of per step: a last-bit difference, which torch's own order of "
        "operations leaves open too (not pinned: not behaviour the kernel fixes)"),
    ("grid_sample.py", _BATCH, _BATCH.replace("(-1,)", "(-2,)")):
        "NumPy's reshape takes any negative size as the one to infer",
    **dict.fromkeys([("grid_sample.py", "return c * 0", m) for m in ("return c", "return c * 1")],
                    "_reflected of a single pixel: the position is clamped to 0 next, its "
                    "derivative 0 there"),
    ("grid_sample.py", "valid = combo[0][2]", "valid = combo[1][2]"):
        "_sampled: the loop below ands every tap's validity into it, the first tap's too",
    ("grid_sample.py", "mask = valid.to(input.dtype)", "mask = valid.to(None)"):
        "_sampled: a bool mask multiplies the weights and pixels as its 0 and 1 do",
    ("grid_sample.py", _GRAPH, _GRAPH.replace("tensors and", "tensors or")):
        "_double_backward: formulas given arrays run with grad mode off (a backward without "
        "create_graph)",
    ("grid_sample.py", _BASE, _BASE.replace("mesh[0].size", "mesh[1].size")):
        "_base_grid: meshgrid's arrays have one size, and an affine grid two or three of them",
    ("fractional_pool.py", "return back(grad, self, kernel_size, output_size, result1)",
     "return back(grad, self, kernel_size, None, result1)"):
        "fractional max pool's backward reads the indices, not output_size (torch's signature)",
    # upsample.py (its matrix builders, reached through the entries' closures)
    ("upsample.py", _UP_SCALE, _UP_SCALE.replace("scale > 0", "scale >= 0")):
        "_scale: a scale of 0 makes an output of no pixels, which F.interpolate refuses first",
    ("upsample.py", "s = xp.float32(_scale(in_size, out_size, scale, False))",
     "s = xp.float32(_scale(in_size, out_size, scale, None))"):
        "_nearest_matrix's align_corners: None is falsy as False",
    ("upsample.py", _UP_EXACT, _UP_EXACT.replace("align_corners, dtype", "None, dtype")):
        "nearest-exact: _nearest_matrix does not read align_corners (nearest has no corners)",
    **dict.fromkeys([("upsample.py", "m = xp.zeros((out_size, in_size), xp.float64)",
                      "m = xp.zeros((out_size, in_size), " + m) for m in ("None)", ")")],
                    "NumPy's zeros are float64 without a dtype"),
    **dict.fromkeys([("upsample.py", "dst = xp.arange(out_size, dtype=xp.float64)",
                      "dst = xp.arange(out_size, " + m) for m in ("dtype=None)", ")")],
                    "int64 positions times the scale (a Python float) are float64, as the "
                    "float64 positions are"),
    **dict.fromkeys([("upsample.py", _UP_CUBIC, _UP_CUBIC.replace(a, b)) for a, b in (
        ("x <= 1", "x < 1"), ("x < 2", "x <= 2"), ("x < 2", "x < 3"))],
        "_cubic: Keys' two pieces are both 0 at |x| = 1 and the far one 0 at 2 (exactly, for "
        "a = -0.5 and -0.75), and no tap or window reaches beyond 2"),
    **dict.fromkeys([("upsample.py", "taps = xp.arange(-1, 3)", f"taps = xp.arange({a}, {b})")
                     for a, b in ((-2, 3), (-1, 4))],
                    "bicubic: a fifth tap lies 2 or more away, where the kernel is 0"),
    **dict.fromkeys([("upsample.py", "lo = max(int(center - half + 0.5), 0)", m) for m in (
        "lo = max(int(center - half - 0.5), 0)", "lo = max(int(center - half), 0)",
        "lo = max(int(0.5), 0)")] + [
        ("upsample.py", "hi = min(int(center + half + 0.5), in_size)",
         "hi = min(int(center + half + 1.5), in_size)")],
        "an antialiased window made wider takes pixels at |x| >= the support, where every "
        "kernel is 0"),
    **dict.fromkeys([("conv.py", "empty = xp.zeros(0, grad_output.dtype)", m)
                     for m in ("empty = xp.zeros(0, None)", "empty = xp.zeros(0, )")],
                    "_convolution_backward: the empty placeholder of an output the mask leaves "
                    "out is dropped (None) by _convolution_grads; its dtype is never seen"),
    **dict.fromkeys([("pooling.py", _META_ZEROS, _META_ZEROS.replace("grad.dtype)", m))
                     for m in ("None)", ")")],
                    "_scatter_to_planes on meta arrays: a float64 gradient is cast to the "
                    "input's dtype by the engine, as every gradient is"),
}

# mutants equivalent wherever they stand: a fragment of the original line, what the
# mutant writes instead -> why
EQUIVALENT_ANYWHERE = {
    **dict.fromkeys([(", copy=False)", f", {c})") for c in ("copy=None", "copy=True", "")],
                    "astype's copy flag: a copy of the array or the array itself, the same "
                    "values (the formulas write into neither afterwards)"),
    **dict.fromkeys([("reshape(-1", "reshape(-2"), ("reshape(-1, ", "reshape(-2, "),
                     ("reshape(cout, -1)", "reshape(cout, -2)"),
                     ("reshape(n, cout, -1)", "reshape(n, cout, -2)"),
                     ("math.prod(kernel), -1)", "math.prod(kernel), -2)")],
                    "NumPy's reshape takes any negative size as the one to infer"),
}


def _equivalent(entry):
    """Why a survivor is equivalent (EQUIVALENT, EQUIVALENT_ANYWHERE), or None."""
    why = EQUIVALENT.get((os.path.basename(entry["file"]), entry["original"], entry["mutant"]))
    if why:
        return why
    original, mutant = entry["original"], entry["mutant"]
    for (a, b), why in EQUIVALENT_ANYWHERE.items():
        at = original.find(a)
        while at >= 0:
            if original[:at] + b + original[at + len(a):] == mutant:
                return why
            at = original.find(a, at + 1)
    return None


# formulas compare and combine through dyngrad's ops (ge(self, min), not self >= min):
# mutmut's operator swaps, applied to those calls' names
_SWAPS = {"ge": "gt", "gt": "ge", "le": "lt", "lt": "le", "eq": "ne", "ne": "eq",
          "logical_and": "logical_or", "logical_or": "logical_and",
          "maximum": "minimum", "minimum": "maximum", "amax": "amin", "amin": "amax"}


def _swap_called_name(node):
    func = node.func
    if isinstance(func, cst.Name) and func.value in _SWAPS:
        yield node.with_changes(func=func.with_changes(value=_SWAPS[func.value]))
    elif isinstance(func, cst.Attribute) and func.attr.value in _SWAPS:
        yield node.with_deep_changes(func.attr, value=_SWAPS[func.attr.value])


def _drop_operand(node):
    # a scale or a term left out (grad / 2 -> grad): what an operator swap rarely shows
    if isinstance(node.operator, (cst.Add, cst.Subtract, cst.Multiply, cst.Divide)):
        yield node.left
        yield node.right


OPERATORS = [*mutation_operators, (cst.Call, _swap_called_name),
             (cst.BinaryOperation, _drop_operand)]


def create_mutations(src):
    """mutmut's create_mutations with the operators above."""
    visitor = MutationVisitor(OPERATORS, pragma_no_mutate_lines(src))
    module = MetadataWrapper(cst.parse_module(src)).visit(visitor)
    return module, visitor.mutations


def _codes(code):
    """The code objects nested in ``code`` (its lambdas, defs, comprehensions), in order."""
    return [c for c in code.co_consts if isinstance(c, types.CodeType)]


def _same(a, b):
    """Whether two code objects do the same, wherever they sit in the file (code objects
    compare equal only at the same lines and columns: a mutation earlier on the line
    moves a lambda without changing it)."""
    if (a.co_code, a.co_names, a.co_varnames, a.co_freevars) != (
            b.co_code, b.co_names, b.co_varnames, b.co_freevars):
        return False
    if len(a.co_consts) != len(b.co_consts):
        return False
    return all(_same(x, y) if isinstance(x, types.CodeType) and isinstance(y, types.CodeType)
               else type(x) is type(y) and x == y for x, y in zip(a.co_consts, b.co_consts))


def _changed(orig, mut, chain=()):
    """The chains (outermost first) of code objects that differ between two compilations
    of one module, ending at the innermost changed one; None when the shapes differ."""
    chain = chain + (orig,)
    if _same(orig, mut):
        return []
    inner_o, inner_m = _codes(orig), _codes(mut)
    if len(inner_o) != len(inner_m):
        return None
    found = []
    for o, m in zip(inner_o, inner_m):
        sub = _changed(o, m, chain)
        if sub is None:
            return None
        found += sub
    return found or [(chain, mut)]


def _replacement(orig, mut, target):
    """The code object standing where ``target`` stands in ``orig``'s tree, in ``mut``'s."""
    if orig is target:
        return mut
    for o, m in zip(_codes(orig), _codes(mut)):
        r = _replacement(o, m, target)
        if r is not None:
            return r
    return None


def _cell_contents(cell):
    try:
        return cell.cell_contents
    except ValueError:  # a cell not filled yet
        return None


def _formula_codes(files):
    """The backward formulas of the table's ops, the forwards of its backward entries
    (derivatives.yaml's gelu_backward, _softmax_backward_data: a first-order backward runs
    them on arrays), and the functions of ``files`` they call (followed by name through
    their globals and through the cells they close over: upsample's entries reach their
    matrix builders so): {"codes": code objects, file: line ranges}."""
    from dyngrad.ops._table import ALL_OPS
    todo = [f for op in ALL_OPS for f in op.formulas.values() if type(f) is types.FunctionType]
    todo += [op.forward for op in ALL_OPS if (op.name or "").count("Backward") > 1
             and type(op.forward) is types.FunctionType]
    codes, scope, seen = set(), {"codes": set()}, set()
    while todo:
        f = todo.pop()
        code = f.__code__
        # by function, not code: closures of one code hold different cells (each
        # upsample entry's own builder)
        if id(f) in seen or code.co_filename not in files:
            continue
        seen.add(id(f))
        if code not in codes:
            codes.add(code)
            lines = [ln for _, _, ln in code.co_lines() if ln is not None]
            name = os.path.relpath(code.co_filename, ROOT)
            scope.setdefault(name, []).append(range(min(lines), max(lines) + 1))
        nested = [code]
        while nested:
            c = nested.pop()
            nested += _codes(c)
            todo += [g for g in map(f.__globals__.get, c.co_names) if type(g) is types.FunctionType]
        todo += [g for g in map(_cell_contents, f.__closure__ or ()) if type(g) is types.FunctionType]
    scope["codes"] = codes
    return scope


def _diff(src, mut_src):
    a, b = src.splitlines(), mut_src.splitlines()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes():
        if tag != "equal":
            return i1 + 1, " ".join(s.strip() for s in a[i1:i2]), " ".join(s.strip() for s in b[j1:j2])
    return 0, "", ""


class Runner:
    def __init__(self, args):
        self.args = args
        self.results = []
        self.only = None  # --survivors: the mutants that survived a run before, by their text
        if args.survivors:
            with open(args.survivors) as f:
                self.only = {(e["file"], e["original"], e["mutant"]) for e in json.load(f)
                             if e.get("status") == "survived"}

    def pytest_runtestloop(self, session):
        items = session.items
        files = [os.path.join(ROOT, f) for f in self.args.files]
        sources = {}  # as imported: the files may be edited while the mutants run
        for name in self.args.files:
            with open(os.path.join(ROOT, name)) as f:
                sources[name] = f.read()
        # live functions by code object (equal code objects compare and hash by value)
        live = collections.defaultdict(list)
        for obj in gc.get_objects():
            if type(obj) is types.FunctionType and obj.__code__.co_filename in files:
                live[obj.__code__].append(obj)
        units = list(live)
        scope = None if self.args.all else _formula_codes(files)
        index = {id(c): i for i, c in enumerate(units)}  # hot in the profile hook: by identity
        nested = {}
        for i, c in enumerate(units):
            todo = _codes(c)
            while todo:
                n = todo.pop()
                nested.setdefault(id(n), i)
                todo += _codes(n)
        for k, i in index.items():
            nested[k] = i
        base = self._baseline(items, nested)
        ran = [i for i, (ok, _, _) in enumerate(base) if ok]
        print(f"baseline: {len(ran)} of {len(items)} tests pass, "
              f"{sum(base[i][1] for i in ran):.0f} s", flush=True)
        covering = collections.defaultdict(list)
        for i in ran:
            for u in base[i][2]:
                covering[u].append(i)
        for name in self.args.files:
            self._file(name, sources[name], items, base, live, units, covering,
                       scope if "/ops/" in name else None)
        return True

    def _baseline(self, items, nested):
        fd, path = tempfile.mkstemp(suffix=".pickle")
        os.close(fd)
        pid = os.fork()
        if pid == 0:
            out = []
            hits = set()

            def profile(frame, event, arg):
                if event == "call":
                    u = nested.get(id(frame.f_code))
                    if u is not None:
                        hits.add(u)
            for item in items:
                hits = set()
                t0 = time.perf_counter()
                sys.setprofile(profile)
                threading.setprofile(profile)
                reports = runtestprotocol(item, nextitem=None, log=False)
                sys.setprofile(None)
                threading.setprofile(None)
                out.append((not any(r.failed for r in reports), time.perf_counter() - t0, hits))
            with open(path, "wb") as f:
                pickle.dump(out, f)
            os._exit(0)
        os.waitpid(pid, 0)
        with open(path, "rb") as f:
            base = pickle.load(f)
        os.unlink(path)
        return base

    def _file(self, name, src, items, base, live, units, covering, scope):
        path = os.path.join(ROOT, name)
        orig = compile(src, path, "exec")
        module, mutations = create_mutations(src)
        # each mutant's source spliced from the node's span: Module.deep_replace copies
        # the whole tree, measured at 0.7 s a mutant on a 700-line file
        spans = MetadataWrapper(module, unsafe_skip_copy=True).resolve(
            WhitespaceInclusivePositionProvider)
        starts = [0]
        for text in src.splitlines(keepends=True):
            starts.append(starts[-1] + len(text))
        todo = []
        for m in mutations:
            if isinstance(m.original_node, cst.BaseString) and not self.args.strings:
                continue  # error messages: the error corpora test them (tests/errors)
            span = spans[m.original_node]
            if self.args.lines and not self.args.lines[0] <= span.start.line <= self.args.lines[1]:
                continue
            if scope is not None and not any(
                    spans[m.original_node].start.line in lines for lines in scope.get(name, ())):
                continue  # outside the formulas (a forward, an argument check)
            mut_src = (src[:starts[span.start.line - 1] + span.start.column]
                       + module.code_for_node(m.mutated_node)
                       + src[starts[span.end.line - 1] + span.end.column:])
            line, before, after = _diff(src, mut_src)
            if self.only is not None and (name, before, after) not in self.only:
                continue
            if self.args.sample < 1 and random.Random(
                    f"{name}:{line}:{after}").random() >= self.args.sample:
                continue  # (seeded by the mutant's text: a rerun draws the same sample)
            entry = {"file": name, "line": line, "original": before, "mutant": after}
            self.results.append(entry)
            try:
                mut = compile(mut_src, path, "exec")
            except SyntaxError:
                entry["status"] = "not run: does not compile"
                continue
            chains = _changed(orig, mut)
            if not chains or len(chains) != 1:
                entry["status"] = "not run: module level"
                continue
            chain, _ = chains[0]
            unit = next((c for c in reversed(chain) if c in live), None)
            if scope is not None and unit is not None and unit not in scope["codes"]:
                self.results.pop()  # a line shared with a function outside the formulas
                continue
            if unit is None:
                entry["status"] = "not run: module level"
                continue
            entry["function"] = unit.co_qualname
            u = units.index(unit)
            # the most specific tests first (those that call the fewest functions of the
            # mutated files: a sample of the op, not a model using everything), quickest
            # first among equals, and one test of each test file in turn: a mutant that only
            # one file's tests see (complex numbers, hooks) meets them early
            by_file = collections.defaultdict(list)
            for i in sorted(covering.get(u, ()), key=lambda i: (len(base[i][2]), base[i][1])):
                by_file[items[i].path].append(i)
            tests = [i for rank in itertools.zip_longest(*by_file.values()) for i in rank
                     if i is not None]
            chosen, spent = [], 0.0
            for i in tests:
                if spent > self.args.budget:
                    break
                chosen.append(i)
                spent += base[i][1]
            if not chosen:
                entry["status"] = "no test calls it"
                continue
            entry["tests"] = len(chosen)
            todo.append((entry, live[unit], _replacement(orig, mut, unit), chosen, spent))
        print(f"{name}: {len(todo)} mutants to run", flush=True)
        self._run(name, items, todo)

    def _run(self, name, items, todo):
        running = {}
        done = 0
        t0 = time.time()
        while todo or running:
            while todo and len(running) < self.args.jobs:
                entry, funcs, code, chosen, spent = todo.pop(0)
                pid = os.fork()
                if pid == 0:
                    _child(funcs, code, items, chosen)
                running[pid] = (entry, time.time() + 10 * spent + 20)
            for pid, (entry, deadline) in list(running.items()):
                got, status = os.waitpid(pid, os.WNOHANG)
                if got == 0 and time.time() > deadline:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    entry["status"] = "killed: timeout"
                elif got == 0:
                    continue
                else:
                    code = os.waitstatus_to_exitcode(status)
                    entry["status"] = {0: "survived", 1: "killed", 3: "not run: closure differs"}.get(
                        code, f"killed: exit {code}")
                if entry["status"] == "survived":
                    why = _equivalent(entry)
                    if why:
                        entry["status"], entry["why"] = "equivalent", why
                    else:
                        print(f"  survived {entry['file']}:{entry['line']} "
                              f"[{entry.get('function')}]\n    - {entry['original']}\n"
                              f"    + {entry['mutant']}", flush=True)
                del running[pid]
                done += 1
                if done % 100 == 0:
                    print(f"  {done} run, {time.time() - t0:.0f} s", flush=True)
            time.sleep(0.005)
        print(f"{name}: {done} mutants run in {time.time() - t0:.0f} s", flush=True)
        self._report()

    def _report(self):
        table = collections.defaultdict(collections.Counter)
        for e in self.results:
            table[e["file"]][e["status"].split(":")[0]] += 1
        kinds = ["killed", "survived", "equivalent", "no test calls it", "not run"]
        print(f"\n{'file':44}" + "".join(f"{k[:10]:>11}" for k in kinds))
        for f, c in table.items():
            print(f"{f:44}" + "".join(f"{c[k]:11}" for k in kinds))
        if self.args.out:
            with open(self.args.out, "w") as f:
                json.dump(self.results, f, indent=1)


def _child(funcs, code, items, chosen):
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        try:
            for f in funcs:
                f.__code__ = code
        except ValueError:  # the mutant reads a different set of free variables
            os._exit(3)
        for i in chosen:
            if any(r.failed for r in runtestprotocol(items[i], nextitem=None, log=False)):
                os._exit(1)
        os._exit(0)
    except BaseException:
        os._exit(1)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("files", nargs="*", default=FILES)
    p.add_argument("--tests", nargs="*", default=TESTS)
    p.add_argument("--jobs", type=int, default=1, help="mutants run at once")
    p.add_argument("--budget", type=float, default=8.0,
                   help="seconds of (baseline) test time per mutant")
    p.add_argument("--all", action="store_true",
                   help="mutate every function of the op files, not only the backward formulas")
    p.add_argument("--strings", action="store_true", help="mutate string literals too")
    p.add_argument("--out", help="write every mutant and its fate to this JSON file")
    p.add_argument("-k", help="pytest -k expression narrowing the tests")
    p.add_argument("--survivors", help="run only the mutants that survived in this --out file")
    p.add_argument("--lines", type=lambda s: tuple(int(n) for n in s.split("-")),
                   help="FIRST-LAST: only the mutants starting on these lines (a run in parts)")
    p.add_argument("--sample", type=float, default=1.0,
                   help="run this fraction of the mutants (a file too large for the time)")
    args = p.parse_args()
    args.files = [os.path.relpath(os.path.abspath(f), ROOT) for f in args.files]
    os.chdir(ROOT)
    sys.path.insert(0, ROOT)  # as ``python -m pytest`` has it: tests import ``tests.func._compare``
    extra = ["-k", args.k] if args.k else []
    return pytest.main(["-q", "-s", "-p", "no:cacheprovider", *extra, *args.tests],
                       plugins=[Runner(args)])


if __name__ == "__main__":
    sys.exit(main())
