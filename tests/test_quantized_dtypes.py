"""torch's quantized dtypes exist as objects (torch.qint8, ...); quantized tensors are not
built: making one raises NotImplementedError."""
import pytest

import dyngrad
from side_by_side import assert_same

NAMES = ("qint8", "quint8", "qint32", "quint4x2", "quint2x4")


@pytest.mark.parametrize("name", NAMES)
def test_dtype_object(name):
    def case(torch):
        q = getattr(torch, name)
        out = [repr(q), str(q), q.is_floating_point, q.is_complex, q.itemsize, q.to_real() is q,
               q == q, q == torch.int8, isinstance(q, torch.dtype), {q: 1}[q],
               torch.can_cast(q, torch.float32)]
        for f in (lambda: q.is_signed, lambda: q.to_complex(),
                  lambda: torch.promote_types(torch.float32, q), lambda: torch.finfo(q)):
            try:
                out.append(f())
            except Exception as e:  # noqa: BLE001 (the error is what is compared)
                out.append((type(e).__name__, str(e)))
        return out
    assert_same(case)


@pytest.mark.parametrize("make", [lambda q: dyngrad.zeros(2, dtype=q),
                                  lambda q: dyngrad.ones(2).to(q),
                                  lambda q: dyngrad.tensor([1], dtype=q)])
def test_no_quantized_tensors(make):
    with pytest.raises(NotImplementedError, match="quantized"):
        make(dyngrad.qint8)
