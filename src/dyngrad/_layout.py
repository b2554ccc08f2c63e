"""torch.layout: how a tensor's elements are stored. dyngrad's tensors are all strided;
the other layouts exist as names, for comparisons and arguments."""
from ._memory_format import TorchConstant


class layout(TorchConstant):
    __slots__ = ()


strided = layout("strided")
sparse_coo = layout("sparse_coo")
sparse_csr = layout("sparse_csr")
sparse_csc = layout("sparse_csc")
sparse_bsr = layout("sparse_bsr")
sparse_bsc = layout("sparse_bsc")
jagged = layout("jagged")
_mkldnn = layout("_mkldnn")
