"""Storages against torch's: untyped_storage() and the deprecated storage(), what ordinary
code does with them (tell whether tensors share memory, count bytes, read and print
elements), and set_."""
import pytest

from side_by_side import assert_same


def _fresh_warning(lib):
    # torch warns about TypedStorage once per process: each case starts as a process does
    lib.storage._warn_typed_storage_removal.has_warned = False


def case_views_share_one_storage(torch):
    a = torch.arange(12.).reshape(3, 4)
    ptr = a.untyped_storage().data_ptr()
    others = [a[1], a.t(), a[:, 1:3], a.view(-1), a.expand(2, 3, 4), a[::2], a.clone(), a + 0,
              a.contiguous(), a.t().contiguous(), a.detach(), a.view(torch.int32)]
    return ([t.untyped_storage().data_ptr() == ptr for t in others],
            [t.untyped_storage() is a.untyped_storage() for t in others],
            [t.storage_offset() for t in others],
            a[1].data_ptr() - ptr, a.untyped_storage() == a[2].untyped_storage())


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16", "int8", "int64",
                                   "bool", "complex64", "uint8"])
def test_sizes_and_elements(dtype):
    def case(torch):
        _fresh_warning(torch)
        dt = getattr(torch, dtype)
        a = torch.tensor([[0, 1, 2], [3, 4, 5]]).to(dt)
        u, s = a[1].untyped_storage(), a[1].storage()
        return (u.nbytes(), u.size(), len(u), u.element_size(), str(u.device),
                s.nbytes(), s.size(), len(s), s.element_size(), s.dtype, str(s.device),
                s.tolist(), [s[i] for i in (0, 5, -1)], list(s), u.tolist(), u[1], u[-1],
                s.data_ptr() == u.data_ptr() == a.data_ptr(),
                s.untyped() is u, u.is_shared(), u.is_cuda, s.is_cuda, str(s), repr(u))
    assert_same(case)


def case_printing(torch):
    _fresh_warning(torch)
    out = []
    for t in (torch.tensor([1.5, -2.]), torch.tensor([], dtype=torch.int64), torch.tensor(True),
              torch.tensor([1 + 2j]), torch.tensor([0.1], dtype=torch.bfloat16),
              torch.tensor([7], dtype=torch.int8)):
        out += [str(t.untyped_storage()), repr(t.untyped_storage()), str(t.storage()),
                repr(t.storage())]
    return out


def case_deprecation_warns_once(torch):
    _fresh_warning(torch)
    a = torch.ones(2)
    a.storage()
    a.storage().size()
    return a.storage().tolist()


def case_counting_bytes(torch):
    torch.manual_seed(0)
    m = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    params = list(m.parameters())
    seen = {p.untyped_storage().data_ptr(): p.untyped_storage().nbytes() for p in params}
    return (sum(seen.values()), sum(p.numel() * p.element_size() for p in params),
            torch.zeros(5, dtype=torch.float64)[1:3].untyped_storage().nbytes())


def case_indexing_errors(torch):
    _fresh_warning(torch)
    a = torch.arange(4.)
    out = []
    for f in (lambda: a.storage()[4], lambda: a.storage()[-5], lambda: a.untyped_storage()[16],
              lambda: a.storage()[1:2], lambda: a.storage()[0.5]):
        try:
            out.append(f())
        except Exception as e:  # noqa: BLE001 (the error is what is compared)
            out.append((type(e).__name__, str(e)))
    return out


def case_untyped_slices_and_writes(torch):
    a = torch.zeros(2)
    u = a.untyped_storage()
    part = u[4:8]
    part.fill_(0)
    u[7] = 63
    u[6] = 128  # a[1] is now 1.0: float32's bytes, little-endian
    return (a, part.nbytes(), part.data_ptr() - u.data_ptr(), part.tolist(), u.tolist())


def case_typed_writes(torch):
    _fresh_warning(torch)
    a = torch.zeros(3, dtype=torch.int32)
    s = a.storage()
    s[1] = 5
    s[-1] = 7
    c = s.clone()
    c[0] = 9
    return a, c.tolist(), s.tolist()


def case_standalone_storage(torch):
    u = torch.UntypedStorage(3)
    u.fill_(7)
    u[0] = 9
    u.resize_(5)
    head = u.tolist()[:3]
    u.resize_(2)
    return head, u.nbytes(), u.tolist(), str(u)


def case_set_to_tensor(torch):
    y = torch.arange(4.)
    x = torch.zeros(2)
    v = x.view(2)
    r = x.set_(y)
    x[0] = 10.
    return (r is x, x, y, v, x._version, v._version, y._version, x.is_set_to(y),
            y.is_set_to(x), x.data_ptr() == y.data_ptr(), y[1:].is_set_to(x))


def case_set_to_storage(torch):
    y = torch.arange(6.)
    out = []
    x = torch.zeros(1)
    out += [x.set_(y.untyped_storage()), x._version]
    x = torch.zeros(1)
    out += [x.set_(y.untyped_storage(), 1, (2, 2)), x.storage_offset()]
    x = torch.zeros(1)
    out += [x.set_(y.untyped_storage(), 1, (2, 2), (1, 2)), x.stride()]
    x = torch.zeros(1)
    out += [x.set_(y, 2, (3,)), x.storage_offset(), x.untyped_storage() is y.untyped_storage()]
    x = torch.zeros(1)
    out += [x.set_(torch.tensor([1, 2], dtype=torch.int32).untyped_storage())]
    x = torch.zeros(2)
    out += [x.set_(), x.shape, x._version]
    u = torch.UntypedStorage(8)
    u.fill_(0)
    x = torch.zeros(1).set_(u)
    x.fill_(1.)
    out += [x, u.tolist()]
    return out


def case_set_refusals(torch):
    y = torch.arange(4.)
    out = []
    for make in (lambda: torch.zeros(2, dtype=torch.int64), lambda: torch.zeros(2),
                 lambda: torch.zeros(2, requires_grad=True)):
        for src in (lambda: y.double(), lambda: y.double().storage(),
                    lambda: (y.untyped_storage(), 4, (2,), (1,)),
                    lambda: (y.untyped_storage(), -1, (1,)), lambda: y):
            x = make()
            before = (x.clone(), x._version)
            s = src()
            try:
                x.set_(*s) if type(s) is tuple else x.set_(s)
                out.append(("ok", x))
            except Exception as e:  # noqa: BLE001 (the error is what is compared)
                out.append((type(e).__name__, str(e), x.equal(before[0]),
                            x._version == before[1]))
    return out


def case_set_under_no_grad(torch):
    w = torch.zeros(2, requires_grad=True)
    with torch.no_grad():
        w.set_(torch.ones(3))
    return w, w.requires_grad, w.is_leaf


@pytest.mark.parametrize("case", [v for k, v in sorted(globals().items())
                                  if k.startswith("case_")], ids=lambda f: f.__name__[5:])
def test_storage(case):
    assert_same(case)
