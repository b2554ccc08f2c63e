"""Element-wise and broadcasting ops: one rule for all of them.

A sample's tensors broadcast from the right. Physically each batched tensor gets size-1
dims between its batch dim and its own dims, up to the largest sample rank, so the batch
dims line up; an unbatched tensor broadcasts as it is. Then the op runs once.
"""
from .. import (activation_pointwise, bessel, inplace, orthogonal_polynomials, pointwise,
               pointwise_more, special)
from .. import _promote, fft, index_put, inplace_forms, torch_native, torch_shape
from .. import float_bits, polar, sampling
from .._table import Op
from . import register
from .dims import is_tensor, padded


def broadcasting(op, args, level, size):
    pos = op.tensor_pos
    ndim = max((args[i].dim() for i in pos if is_tensor(args[i])), default=0)
    a = list(args)
    for i in pos:
        if is_tensor(args[i]):
            a[i] = padded(args[i], level, ndim, size)
    return op(*a)


def trailing(op, args, level, size):
    """Ops on a sample's last dims (tril, triu): the batch dim is one more leading dim."""
    a = list(args)
    a[op.tensor_pos[0]] = args[op.tensor_pos[0]]._value
    return op(*a)


def _ops_of(module):
    return [v for v in vars(module).values() if isinstance(v, Op)]


_NOT_ELEMENTWISE = {pointwise.tril, pointwise.triu, activation_pointwise.glu,
                    activation_pointwise.glu_backward}
register(broadcasting, [op for m in (pointwise, pointwise_more, special, bessel,
                                     orthogonal_polynomials, activation_pointwise, _promote,
                                     float_bits, polar)
                        for op in _ops_of(m)
                        if op not in _NOT_ELEMENTWISE])
register(broadcasting, [torch_shape.to_copy, torch_shape.to_meta, inplace.clone_op, fft.real_op, inplace.copy_,
                        inplace.fill_, inplace.zero_, inplace.fill_tensor_,
                        inplace_forms.fill_op, inplace_forms.fill_tensor_op,
                        inplace_forms.conj_physical_op, inplace_forms.conj_physical__op,
                        index_put.double_backward_refused, inplace_forms.floor_divide__op,
                        sampling.standard_gamma_grad_op,
                        torch_native.native_dropout_op])
register(broadcasting, [op for pair in pointwise.INPLACE_BY_OPERAND.values() for op in pair])
register(trailing, [pointwise.tril, pointwise.triu])
