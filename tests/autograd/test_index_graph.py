"""Indexing's graph against torch: a 0-dim boolean (or byte) index is an unsqueeze and a
[0] or [] index, so writing through it is a CopySlices; the index tensors an index or
index_put node saved are version-checked at backward, with torch's error and nothing
accumulated."""
import pytest

from _oracle import check, graph, params

_KEYS = ("M", "(Ellipsis, M)", "(None, M)", "(M, 1)", "(1, M)", "(M, M)", "(M, Ellipsis, M)",
         "(M, slice(None), M)")


def _run_keys(torch, mask, value):
    out = []
    for shape in ((3,), (2, 3)):
        w = torch.arange(1., 1. + 2 * 3)[:3 if shape == (3,) else 6].reshape(shape)
        w.requires_grad_()
        for text in _KEYS:
            M = mask(torch)
            key = eval(text, {"M": M})
            x = w * 1
            try:
                x[key] = value(torch)
            except IndexError as err:  # (a key too long for the 1-d tensor: both refuse)
                out.append((text, str(err)))
                continue
            (x * x).sum().backward()
            out.append((text, x, graph(x), w.grad))
            w.grad = None
            y = (w * 1)[key]
            out.append((text, y, graph(y)))
    return out


def case_true_mask_number(torch):
    return _run_keys(torch, lambda t: t.tensor(True), lambda t: 5.)


def case_false_mask_number(torch):
    return _run_keys(torch, lambda t: t.tensor(False), lambda t: 5.)


def case_true_mask_tensor_value(torch):
    v = torch.tensor([7., 8., 9.], requires_grad=True)
    out = _run_keys(torch, lambda t: t.tensor(True), lambda t: v)
    return out, v.grad


def case_byte_scalar_index(torch):
    x = torch.arange(3.).requires_grad_()
    y = x * 1
    y[torch.tensor(1, dtype=torch.uint8)] = 4.
    z = (x * 1)[torch.tensor(0, dtype=torch.uint8)]
    return y, graph(y), z, graph(z)


def case_augmented_assignment(torch):
    w = torch.tensor([1., 2., 3.], requires_grad=True)
    out = []
    for m in (True, False):
        x = w * 1
        x[torch.tensor(m)] += 1
        x.sum().backward()
        out.append((x, graph(x), w.grad))
        w.grad = None
    return out


def case_false_mask_beside_index_tensor(torch):
    x = torch.ones(3) * 1
    x[torch.tensor(False), torch.tensor([0, 1])] = 5.
    return x


def _modified(torch, make, modify):
    """``make`` an indexed result, ``modify`` an index in place, backward: torch's error,
    and the leaf's grad left as it was."""
    w = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    i = torch.tensor([0, 1])
    m = torch.tensor([True, False, True, False])
    v = torch.tensor([10., 20.], requires_grad=True)
    y = make(torch, w * 1, i, m, v)
    modify(i, m)
    try:
        (y * y).sum().backward()
    except RuntimeError as err:
        return str(err), w.grad, v.grad, i._version, m._version
    return w.grad, v.grad


def _bump_i(i, m):
    i.add_(0)


def _bump_m(i, m):
    m.logical_not_()


def _index_put_(torch, x, i, m, v):
    return x.index_put_((i,), v)


def _setitem(torch, x, i, m, v):
    x[i] = v
    return x


def _setitem_mask(torch, x, i, m, v):
    x[m] = v
    return x


def _setitem_two(torch, x, i, m, v):
    x = x.reshape(2, 2)
    x[i, i] = v
    return x


def case_index_put_saved_index_written(torch):
    return [_modified(torch, make, _bump_i) for make in (
        _index_put_, _setitem, _setitem_two,
        lambda torch, x, i, m, v: x.index_put((i,), v),
        lambda torch, x, i, m, v: torch.index_put(x, (i,), v, accumulate=True),
        lambda torch, x, i, m, v: x[i] * v)]


def case_index_put_saved_mask_written(torch):
    return [_modified(torch, make, _bump_m) for make in (
        _setitem_mask, lambda torch, x, i, m, v: x[m],
        lambda torch, x, i, m, v: x.index_put((m,), v[:1]))]


def case_unrelated_index_written(torch):
    # the mask's write is no business of an op that indexed with i
    return [_modified(torch, make, _bump_m) for make in (_index_put_, _setitem)]


def case_version_error_type_names(torch):
    out = []
    for dtype in (torch.int32, torch.uint8, torch.bool):
        w = torch.tensor([1., 2.], requires_grad=True)
        i = torch.tensor([1, 0], dtype=dtype)
        y = (w * 1)[i]
        i.zero_()
        try:
            y.sum().backward()
        except RuntimeError as err:
            out.append(str(err))
    return out


@pytest.mark.parametrize("case", params(globals()))
def test_index_graph(case):
    check(case)
