"""torch.layout: how a tensor's elements are stored. dyngrad's tensors are all strided;
the other layouts exist as names, for comparisons and arguments."""


class layout:
    __slots__ = ("_name",)

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return "torch." + self._name

    __str__ = __repr__

    def __reduce__(self):  # pickled by name, as torch's are
        return self._name


strided = layout("strided")
sparse_coo = layout("sparse_coo")
sparse_csr = layout("sparse_csr")
sparse_csc = layout("sparse_csc")
sparse_bsr = layout("sparse_bsr")
sparse_bsc = layout("sparse_bsc")
jagged = layout("jagged")
_mkldnn = layout("_mkldnn")
