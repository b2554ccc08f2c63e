"""torch.sparse: products, sums and softmax of sparse COO tensors, with torch's gradients.

    >>> import dyngrad as torch
    >>> s = torch.tensor([[0., 2.], [3., 0.]]).to_sparse()
    >>> torch.sparse.mm(s, torch.ones(2, 1))
    tensor([[2.],
            [3.]])
"""
from ..ops.sparse import (sparse_addmm as addmm, sparse_log_softmax as log_softmax,  # noqa: F401
                          sparse_mm as mm, sparse_softmax as softmax, sparse_sum as sum)
from ..tensor import Tensor  # noqa: F401  (torch.sparse.Tensor is torch.Tensor)

__all__ = ["addmm", "mm", "sum", "softmax", "log_softmax"]
