"""torch's math functions read their arguments as torch does: two numbers make a tensor,
a number beside a tensor stays a number, NumPy scalars are numbers, a list or a string is
refused (by the operators with Python's own TypeError), and alpha is a Number (or a 0-d
tensor's value) of a kind the result's dtype holds. Values and dtypes, or the exception
type and message, are compared with torch's."""
import warnings

import numpy as np
import pytest
import torch

import dyngrad

XF = np.array([1.5, -2.0, 3.0], np.float32)
XI = np.array([3, -4, 5])
LIST = [1.0, 2.0, 3.0]

CASES = {}
for _op in ("add", "sub", "mul", "div", "floor_divide", "remainder"):
    CASES[f"{_op}_number_tensor"] = lambda t, x, i, op=_op: getattr(t, op)(3, x)
for _op in ("add", "sub", "mul", "div", "floor_divide"):
    CASES[f"{_op}_numbers"] = lambda t, x, i, op=_op: getattr(t, op)(7, 2)
for _op in ("add", "sub", "mul", "div", "remainder"):
    CASES[f"{_op}_list_input"] = lambda t, x, i, op=_op: getattr(t, op)([1.0], 2)
for _op in ("add", "sub", "mul", "div"):
    CASES[f"{_op}_str_other"] = lambda t, x, i, op=_op: getattr(t, op)(x, "a")
    CASES[f"{_op}_method_list"] = lambda t, x, i, op=_op: getattr(x, op)(LIST)
    CASES[f"{_op}_array_other"] = lambda t, x, i, op=_op: getattr(t, op)(x, np.ones(3, np.float32))
    CASES[f"{_op}_method_array"] = lambda t, x, i, op=_op: getattr(x, op)(np.ones(3, np.float32))
for _sym, _f in (("add", lambda a, b: a + b), ("sub", lambda a, b: a - b),
                 ("mul", lambda a, b: a * b), ("div", lambda a, b: a / b)):
    CASES[f"operator_{_sym}_list"] = lambda t, x, i, f=_f: f(x, LIST)
    CASES[f"operator_{_sym}_str"] = lambda t, x, i, f=_f: f(x, "a")
    CASES[f"operator_{_sym}_numpy_float"] = lambda t, x, i, f=_f: f(x, np.float64(2.5))
    CASES[f"operator_{_sym}_numpy_int"] = lambda t, x, i, f=_f: f(i, np.int64(2))
CASES.update({
    # alpha: a Number or a 0-d tensor, of the result's kind (as torch's alpha_check)
    "add_alpha_tensor": lambda t, x, i: t.add(x, x, alpha=t.tensor(2.0)),
    "add_alpha_tensor_method": lambda t, x, i: x.add(x, alpha=t.tensor(2.0)),
    "sub_alpha_int_tensor_method": lambda t, x, i: x.sub(x, alpha=t.tensor(2)),
    "add_alpha_1d_tensor_method": lambda t, x, i: x.add(x, alpha=t.tensor([2.0])),
    "sub_alpha_1d_tensor": lambda t, x, i: t.sub(x, x, alpha=t.tensor([2.0])),
    "add_inplace_alpha_tensor": lambda t, x, i: x.clone().add_(x, alpha=t.tensor(2.0)),
    "add_inplace_alpha_1d_tensor": lambda t, x, i: x.clone().add_(x, alpha=t.tensor([2.0])),
    "add_alpha_str_method": lambda t, x, i: x.add(x, alpha="a"),
    "add_alpha_str": lambda t, x, i: t.add(x, x, alpha="a"),
    "sub_alpha_str": lambda t, x, i: t.sub(x, x, alpha="a"),
    "add_int_alpha_float_one": lambda t, x, i: t.add(i, i, alpha=1.0),
    "sub_int_alpha_float": lambda t, x, i: t.sub(i, i, alpha=2.5),
    "add_int_alpha_int": lambda t, x, i: t.add(i, i, alpha=2),
    "add_int_float_alpha_float": lambda t, x, i: t.add(i, x, alpha=2.5),
    "sub_int_number_alpha_float": lambda t, x, i: t.sub(i, 2, alpha=2.5),
    "add_int_float_number_alpha_float": lambda t, x, i: t.add(i, 2.5, alpha=2.5),
    "sub_float_alpha_float": lambda t, x, i: t.sub(x, i, alpha=0.5),
    "add_int_alpha_0d_float_tensor": lambda t, x, i: t.add(i, i, alpha=t.tensor(2.5)),
    "add_alpha_bool": lambda t, x, i: t.add(i, i, alpha=True),
    "add_bool_alpha_bool": lambda t, x, i: t.add(i > 0, i < 0, alpha=True),
    "add_int_alpha_complex": lambda t, x, i: t.add(i, i, alpha=1j),
    "add_float_alpha_complex": lambda t, x, i: t.add(x, x, alpha=1j),
    "add_complex_alpha_complex": lambda t, x, i: t.add(x * 1j, x, alpha=1j),
    "add_method_int_alpha_float": lambda t, x, i: i.add(i, alpha=1.5),
    "add_inplace_int_alpha_float": lambda t, x, i: i.clone().add_(i, alpha=2.5),
    "sub_inplace_alpha_complex": lambda t, x, i: x.clone().sub_(x, alpha=1j),
    "add_inplace_alpha_bool": lambda t, x, i: i.clone().add_(2, alpha=True),
    "add_inplace_cast_after_alpha": lambda t, x, i: i.clone().add_(2.5, alpha=2),
    # div's rounding mode, a string or None
    "div_mode_number": lambda t, x, i: t.div(x, 2, rounding_mode=3),
    "div_mode_none": lambda t, x, i: t.div(x, 2, rounding_mode=None),
    "div_mode_floor": lambda t, x, i: t.div(i, 2, rounding_mode="floor"),
    "div_mode_bad": lambda t, x, i: t.div(i, 2, rounding_mode="round"),
    # where with fewer operands, maximum and minimum with numbers, clamp's bounds
    "where_one_operand": lambda t, x, i: t.where(x > 0, x),
    "where_other_only": lambda t, x, i: t.where(x > 0, other=x),
    "where_cond_only": lambda t, x, i: t.where(x > 0),
    "where_int_condition": lambda t, x, i: t.where(i, x, 0.0),
    "maximum_number": lambda t, x, i: t.maximum(x, 2),
    "maximum_number_first": lambda t, x, i: t.maximum(2, x),
    "minimum_list": lambda t, x, i: t.minimum(x, [1.0]),
    "clamp_min_complex": lambda t, x, i: t.clamp_min(x, 1j),
    "clamp_max_complex": lambda t, x, i: t.clamp_max(x, 1j),
    "clamp_min_int_float": lambda t, x, i: t.clamp_min(i, 2.5),
    "clamp_min_bool": lambda t, x, i: t.clamp_min(i > 0, True),
    # a bound beyond float32, fine for a float64 tensor (the tensor's dtype decides)
    "clamp_min_float64_huge": lambda t, x, i: t.clamp_min(x.double(), 1e300),
    "clamp_max_float64_huge": lambda t, x, i: t.clamp_max(x.double(), -1e300),
    "maximum_list_input": lambda t, x, i: t.maximum([1.0], x),
    "minimum_number": lambda t, x, i: t.minimum(x, 2),
    "minimum_list_input": lambda t, x, i: t.minimum([1.0], x),
    "true_divide": lambda t, x, i: t.true_divide(i, 2),
    "operator_rfloordiv": lambda t, x, i: 7 // i,
    "operator_rmod": lambda t, x, i: 7 % i,
    # reductions: their dtype and dims as torch reads them, max and min of two tensors
    "sum_dtype_str": lambda t, x, i: t.sum(x, dtype="a"),
    "mean_dtype_str": lambda t, x, i: t.mean(x, dtype="a"),
    "sum_no_dims": lambda t, x, i: t.sum(x.reshape(3, 1), (), keepdim=True),
    "mean_dims_list_empty": lambda t, x, i: t.mean(x.reshape(1, 3), []),
    "max_other": lambda t, x, i: t.max(x, other=x.flip(0)),
    "min_other": lambda t, x, i: t.min(x, other=x.flip(0)),
    "min_tensor": lambda t, x, i: t.min(x, x.flip(0)),
    "min_keepdim": lambda t, x, i: t.min(x.reshape(3, 1), 1, keepdim=True),
    "max_keepdim": lambda t, x, i: t.max(x.reshape(1, 3), 1, True),
    "argmax_complex": lambda t, x, i: t.argmax(x * 1j),
    "argmin_bool": lambda t, x, i: t.argmin(i > 0),
    "argmin": lambda t, x, i: t.argmin(x),
    "argmax": lambda t, x, i: t.argmax(i),
    "argmin_dim": lambda t, x, i: t.argmin(x.reshape(1, 3), 1),
    "argmax_keepdim": lambda t, x, i: t.argmax(x.reshape(1, 3), 1, keepdim=True),
    "argmin_empty_rows": lambda t, x, i: t.argmin(x[:0].reshape(3, 0), 0),
    "argmax_empty_dim": lambda t, x, i: t.argmax(x[:0].reshape(3, 0), 1),
    "argmin_empty": lambda t, x, i: t.argmin(x[:0]),
    # nonzero of 0-d and empty tensors
    "nonzero_0d": lambda t, x, i: t.nonzero(x[0]),
    "nonzero_0d_zero": lambda t, x, i: t.nonzero(x[0] * 0),
    "nonzero_0d_tuple": lambda t, x, i: t.nonzero(x[0], as_tuple=True),
    "nonzero_empty": lambda t, x, i: t.nonzero(x[:0].reshape(0, 2)),
    "nonzero_static_0d": lambda t, x, i: t.nonzero_static(x[0], size=2),
    # in-place forms: alpha, the bounds and masked_fill_'s value
    "add_inplace_alpha": lambda t, x, i: x.clone().add_(x, alpha=2),
    "clamp_min_inplace": lambda t, x, i: x.clone().clamp_min_(0.5),
    "clamp_max_inplace": lambda t, x, i: x.clone().clamp_max_(0.5),
    "clamp_min_inplace_tensor": lambda t, x, i: x.clone().clamp_min_(x.flip(0)),
    "clamp_max_inplace_int_float": lambda t, x, i: i.clone().clamp_max_(2.5),
    "clamp_min_inplace_int_float": lambda t, x, i: i.clone().clamp_min_(2.5),
    # the in-place cast refused before the bound's range, a bound beyond the dtype refused
    "clamp_min_inplace_int8_huge_float": lambda t, x, i: i.to(t.int8).clamp_min_(1e40),
    "clamp_max_inplace_half_huge": lambda t, x, i: x.half().clamp_max_(1e10),
    "clamp_max_inplace_int8_huge": lambda t, x, i: i.to(t.int8).clamp_max_(1000),
    "clamp_min_inplace_bfloat16": lambda t, x, i: x.bfloat16().clamp_min_(0.1).float(),
    "masked_fill_inplace_tensor": lambda t, x, i: x.clone().masked_fill_(x > 0, t.tensor(7.0)),
    "masked_fill_inplace_1d_tensor": lambda t, x, i: x.clone().masked_fill_(x > 0, t.tensor([7.0])),
    "masked_fill_inplace_mask_shape": lambda t, x, i: x.clone().masked_fill_(t.ones(2, 3) > 0, 1.0),
})


def _run(lib, call):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = call(lib, lib.tensor(XF), lib.tensor(XI))
    except Exception as e:  # noqa: BLE001 - the exception is what we compare
        return type(e).__name__, str(e)
    rs = r if isinstance(r, tuple) else (r,)
    return [(str(a.dtype), a.numpy().tolist()) for a in rs]


@pytest.mark.parametrize("name", list(CASES))
def test_like_torch(name):
    assert _run(dyngrad, CASES[name]) == _run(torch, CASES[name])
