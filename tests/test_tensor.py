"""Tensor attributes and conversions against torch."""
import os
import sys

import pytest

import dyngrad

from side_by_side import assert_same

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "autograd"))
from _oracle import check, params  # noqa: E402


def case_shape_size_dim_numel(torch):
    x = torch.zeros(2, 3, 4)
    s = torch.tensor(5.)
    return (x.shape, x.size(), x.size(1), x.size(-1), x.dim(), x.ndim, x.numel(), x.nelement(),
            s.shape, s.dim(), s.numel(), len(x), x.shape[1:], type(x.shape[0]).__name__,
            x.ndimension(), x.shape.numel(), repr(x.shape), str(x.size()), x.element_size())


def case_size_dim_out_of_range(torch):
    torch.zeros(2, 3).size(2)


def case_size_dim_out_of_range_neg(torch):
    torch.zeros(2, 3).size(-3)


def case_dtype_device(torch):
    x = torch.tensor([1., 2.])
    return (x.dtype, x.device, str(x.device), repr(x.device), x.is_cuda, x.is_cpu,
            x.is_floating_point(), torch.tensor([1]).is_floating_point(),
            torch.tensor([1j]).is_complex(), x.get_device(), x.is_leaf, x.requires_grad)


def case_item(torch):
    return (torch.tensor(2.5).item(), torch.tensor([3]).item(), torch.tensor([[True]]).item(),
            type(torch.tensor(2).item()).__name__, torch.tensor(1 + 2j).item())


def case_item_error(torch):
    torch.tensor([1., 2.]).item()


def case_item_requires_grad_ok(torch):
    return torch.tensor([1.5], requires_grad=True).item()


def case_tolist(torch):
    return (torch.tensor([[1, 2], [3, 4]]).tolist(), torch.tensor(3.5).tolist(),
            torch.tensor([1., 2.], requires_grad=True).tolist(), torch.tensor([True]).tolist())


def case_numpy_requires_grad_error(torch):
    torch.tensor([1., 2.], requires_grad=True).numpy()


def case_numpy_shares_memory(torch):
    x = torch.tensor([1., 2.])
    a = x.numpy()
    a[0] = 10
    x[1] = 20
    return x, a.tolist(), str(a.dtype), x._version


def case_numpy_after_detach(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    return x.detach().numpy().tolist(), x.numpy(force=True).tolist()


def case_casts(torch):
    x = torch.tensor([1.5, -2.5, 0.])
    return (x.float(), x.double(), x.long(), x.int(), x.bool(), x.half(), x.short(),
            x.char() if hasattr(x, "char") else None, x.byte() if hasattr(x, "byte") else None,
            x.to(torch.int64), x.to(torch.float64), x.to(dtype=torch.float16))


def case_cast_same_dtype_is_self(torch):
    x = torch.tensor([1., 2.])
    return x.float() is x, x.to(torch.float32) is x, x.to(torch.float32, copy=True) is x, \
        x.double() is x


def case_cast_keeps_graph(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x.double()
    z = x.float()
    (y * 2).sum().backward()
    return y, z is x, x.grad


def case_cast_int_from_float_grad(torch):
    x = torch.tensor([1.5, 2.5], requires_grad=True)
    y = x.long()
    return y, y.requires_grad, y.grad_fn


def case_type(torch):
    x = torch.tensor([1., 2.])
    return (x.type(), torch.tensor([1]).type(), x.type(torch.float64),
            x.type("torch.LongTensor"), torch.tensor([True]).type(), x.type(torch.float32) is x)


def case_python_number_conversions(torch):
    t = torch.tensor([2.7])
    i = torch.tensor(3)
    return (float(t), int(t), complex(t), bool(t), int(i), [10, 20, 30, 40][i],
            "{:.2f}".format(torch.tensor(1.2345)), bool(torch.tensor(0.)))


_SCALAR_CALLS = """
import warnings
x = lib.tensor(1.5, requires_grad=True)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    with lib.no_grad():
        float(x)
    int(x), bool(x), x.item()
    float(x), complex(x), float(x)
messages = [str(w.message).split(" (Triggered internally")[0] for w in caught]
"""


def test_scalar_of_requires_grad_warns_once():
    # torch warns once per process, and only in grad mode: compared with a fresh torch
    import subprocess

    import dyngrad
    tensor_module = sys.modules["dyngrad.tensor"]  # (dyngrad.tensor is the factory)
    theirs = subprocess.run([sys.executable, "-c", "import torch as lib\n" + _SCALAR_CALLS +
                             "print(repr(messages))"], capture_output=True, text=True,
                            check=True).stdout.strip()
    tensor_module._warned_scalar[0] = False
    scope = {"lib": dyngrad}
    exec(_SCALAR_CALLS, scope)
    assert repr(scope["messages"]) == theirs
    assert scope["caught"][0].filename == "<string>"


def case_identity_conversions(torch):
    x = torch.tensor([1., 2.])
    return x.cpu() is x, x.contiguous() is x, x.clone() is x, x.detach() is x, \
        x.to("cpu") is x, x.to(torch.float64, copy=True)


def case_scalar_of_requires_grad(torch):
    x = torch.tensor(1.5, requires_grad=True)
    return float(x), int(x), x.item(), bool(x), f"{x:.3f}"


def case_bool_ambiguous(torch):
    bool(torch.tensor([1., 2.]))


def case_float_of_many(torch):
    float(torch.tensor([1., 2.]))


def case_index_of_float(torch):
    [1, 2][torch.tensor(1.)]


def case_len_of_scalar(torch):
    len(torch.tensor(1.))


def case_iter(torch):
    x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    rows = list(x)
    return rows


def case_iter_scalar(torch):
    iter(torch.tensor(1.))


def case_repr_requires_grad_and_grad_fn(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    d = torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)
    return repr(x), repr(x * 2), repr(d), repr(d.sum()), str(x * 1), repr(torch.tensor(3))


def case_repr_int_requires_grad(torch):
    return repr(torch.tensor([1, 2]).double().requires_grad_())


def case_stride_contiguous(torch):
    x = torch.zeros(2, 3)
    return x.stride(), x.t().stride(), x.t().is_contiguous(), x.is_contiguous(), x.stride(1)


def case_hash_and_identity(torch):
    x = torch.tensor([1.])
    return {x: 1}[x], x is x.requires_grad_(False)


def case_is_leaf_rules(torch):
    x = torch.tensor([1.], requires_grad=True)
    a = torch.tensor([1.])
    return (x.is_leaf, a.is_leaf, (x * 2).is_leaf, (a * 2).is_leaf, x.detach().is_leaf,
            (x * 2).detach().is_leaf, x.clone().is_leaf)


def case_grad_fn_none_after_detach(torch):
    x = torch.tensor([1.], requires_grad=True)
    y = (x * 2).detach()
    return y.grad_fn, y.requires_grad, y._version


def case_detach_inference_flag(torch):
    with torch.inference_mode():
        t = torch.ones(2)
    return t.detach().is_inference()


def case_data_ptr_shared(torch):
    x = torch.tensor([1., 2., 3.])
    return x.data_ptr() == x.detach().data_ptr(), x.data_ptr() == x.data.data_ptr(), \
        x[1:].data_ptr() - x.data_ptr()


def case_torch_functions(torch):
    x = torch.tensor([1., 2.])
    return (torch.is_tensor(x), torch.is_tensor([1]), torch.numel(x),
            torch.is_floating_point(x), torch.is_complex(x))


@pytest.mark.parametrize("case", params(globals()))
def test_case(case):
    check(case)


@pytest.mark.parametrize("steps", [
    [(2, 2), (3, 3)], [(6,), (1, 6), (0,), (4,)], [([3, 2],)], [((1, 2, 3),)], [(2,), (2,)],
])
def test_resize_(steps):
    # shapes shrinking and growing again within the storage show torch's elements (growing
    # past it adds memory torch leaves uninitialised: only the kept part is compared)
    def case(lib):
        t = lib.arange(6.0)
        v0 = t._version
        out = []
        for size in steps:
            r = t.resize_(*size)
            out.append((r is t, tuple(t.shape), t.flatten()[:6].clone(), t._version - v0))
        return out
    assert_same(case)


@pytest.mark.parametrize("call", [
    lambda lib: lib.ones(2, requires_grad=True).resize_(3),
    lambda lib: (lib.ones(2, requires_grad=True) * 2).resize_(3),
    lambda lib: lib.ones(2).resize_("a"),
    lambda lib: lib.ones(2).resize_(),
    lambda lib: lib.zeros(3).resize_as_(lib.ones(2, 1)),
    lambda lib: lib.arange(6.0)[2:].resize_(2),
    lambda lib: lib.arange(6.0).view(2, 3).t().resize_(3, 2).stride(),
])
def test_resize_cases(call):
    assert_same(call)


def test_resize_of_a_view_beyond_its_storage():
    # torch grows the storage a view shares; dyngrad cannot, and says so, changing nothing
    t = dyngrad.arange(6.0)[2:]
    with pytest.raises(NotImplementedError, match=r"resize_ of a view .*cannot grow storage"):
        t.resize_(5)
    assert t.shape == (4,) and t._version == 0 and t.tolist() == [2.0, 3.0, 4.0, 5.0]
