"""torch.testing.assert_close against torch: tensors (values, dtypes, shapes, strides,
NaN and inf, bool and complex, expanded), NumPy arrays, Python numbers, booleans and None,
nested sequences and mappings, tolerances given and defaulted, custom messages; the
exception type and torch's message text are compared."""
import numpy as np
import pytest

from side_by_side import assert_same

CASES = [
 lambda T: T.testing.assert_close(T.tensor([1.,2.,3.]), T.tensor([1.,2.5,3.1])),
 lambda T: T.testing.assert_close(T.tensor([1.,2.]), T.tensor([1.,2.], dtype=T.float64)),
 lambda T: T.testing.assert_close(T.tensor([1.,2.]), T.tensor([1.,2.,3.])),
 lambda T: T.testing.assert_close(T.tensor([1,2]), T.tensor([1,3])),
 lambda T: T.testing.assert_close(T.tensor([1.,float('nan')]), T.tensor([1.,float('nan')])),
 lambda T: T.testing.assert_close(T.tensor([1.,float('nan')]), T.tensor([1.,float('nan')]), equal_nan=True),
 lambda T: T.testing.assert_close(T.tensor(1.), 1.0),
 lambda T: T.testing.assert_close(1.0, 1.1),
 lambda T: T.testing.assert_close([T.tensor(1.), T.tensor(2.)], [T.tensor(1.), T.tensor(2.1)]),
 lambda T: T.testing.assert_close({'a': T.tensor(1.)}, {'a': T.tensor(1.5)}),
 lambda T: T.testing.assert_close(T.tensor([1.,2.]), T.tensor([1.,2.], dtype=T.float64), check_dtype=False),
 lambda T: T.testing.assert_close(T.tensor([[1.,2.],[3.,4.]]), T.tensor([[1.,2.],[3.,4.001]]), rtol=0, atol=0),
 lambda T: T.testing.assert_close(T.tensor([1.,2.]), T.tensor([1.,2.]), rtol=1e-3),
 lambda T: T.testing.assert_close(T.ones(2, requires_grad=True), T.ones(2)),
 lambda T: T.testing.assert_close(T.tensor([True]), T.tensor([False])),
 lambda T: T.testing.assert_close(T.tensor([1.,2.]), T.tensor([1.,3.]), msg=lambda m: 'X'+m[:10]),
 lambda T: T.testing.assert_close('a', 'a'),
 lambda T: T.testing.assert_close(T.tensor([0.]), T.tensor([1e-6])),
 lambda T: T.testing.assert_close(T.tensor([1.,2.]), [1.,2.]),
 lambda T: T.testing.assert_close([1.,2.], [1.,2.,3.]),
 lambda T: T.testing.assert_close({'a':1.,'b':2.}, {'a':1.,'c':2.}),
 lambda T: T.testing.assert_close(1, 1.0),
 lambda T: T.testing.assert_close(1, 2),
 lambda T: T.testing.assert_close(None, None),
 lambda T: T.testing.assert_close(None, 1),
 lambda T: T.testing.assert_close(True, False),
 lambda T: T.testing.assert_close(T.tensor([1.,2.]), T.tensor([1.5,2.]), msg='custom'),
 lambda T: T.testing.assert_close(np.array([1.,2.]), np.array([1.,2.5])),
 lambda T: T.testing.assert_close(T.tensor([1.,2.]), T.tensor([1.,2.]), atol=1e-3),
 lambda T: T.testing.assert_close(T.tensor([1.,2.]), T.tensor([1.,2.1]), rtol=0.1, atol=0),
 lambda T: T.testing.assert_close((T.tensor([1.,2.]),), [T.tensor([1.,2.])]),
 lambda T: T.testing.assert_close(T.tensor([1.+1j]), T.tensor([1.+2j])),
 lambda T: T.testing.assert_close(T.tensor([1,2], dtype=T.int32), T.tensor([1,2])),
 lambda T: T.testing.assert_close(T.tensor([1,2], dtype=T.int32), T.tensor([1.,2.]), check_dtype=False),
 lambda T: T.testing.assert_close(T.tensor([1.,2.]).expand(2,2), T.ones(2,2)),
 lambda T: T.testing.assert_close(T.tensor([[1., 2.],[3.,4.]]), T.tensor([[1.,2.],[3.,5.]]), equal_nan=True),
 lambda T: T.testing.assert_close({'a': [T.tensor([1., 2.])]}, {'a': [T.tensor([1., 2.2])]}, msg='m'),
 lambda T: T.testing.assert_close(T.tensor([1., float('inf')]), T.tensor([1., float('inf')])),
 lambda T: T.testing.assert_close(T.tensor([1., float('inf')]), T.tensor([1., -float('inf')])),
 lambda T: T.testing.assert_close(T.zeros(0), T.zeros(0)),
 lambda T: T.testing.assert_close(T.tensor([1., 2.]).view(2, 1).t(), T.tensor([[1., 2.]]), check_stride=True),
]


@pytest.mark.parametrize("k", range(len(CASES)))
def test_assert_close(k):
    assert_same(CASES[k])
