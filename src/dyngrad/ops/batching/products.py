"""The matmul family. Where one side is unbatched, the batch is folded into the other
side's rows, so that a batch of matrix products is one matrix product (one BLAS call);
where both are batched, a bmm. A batched tensor whose physical value is one sample
expanded (stride 0 over the batch: a grad transform's input inside vmap, see func) counts
as unbatched here."""
from .. import linalg, pointwise as pw, products, reduction as red, views as vw
from .. import torch_shape as ts
from .._batched import BatchedTensor
from . import register


def operand(t, level):
    """(physical value, batched?) of an operand: an expanded batch is one sample."""
    if type(t) is BatchedTensor and t._level == level:
        p = t._value
        if p._data.strides[0] == 0 and p._data.shape[0] > 1:
            return vw.select(p, 0, 0), False
        return p, True
    return t, False


def mm_of(a, b, level, size):
    """The physical (size, n, m) product of two sample matrices."""
    pa, ba = operand(a, level)
    pb, bb = operand(b, level)
    n, m = a.shape[0], b.shape[1]
    if ba and bb:
        if a.shape[1] == 1:  # outer products (per-sample weight gradients): a product, no sum
            return pw.mul(pa, pb)
        return linalg.bmm(pa, pb)
    if ba:
        return vw.view(linalg.mm(ts.reshape(pa, (size * n, a.shape[1])), pb), (size, n, m))
    if bb:  # (a @ b_i) = (b_i^T a^T)^T, the batch in b^T's rows
        rows = ts.reshape(vw.transpose(pb, 1, 2), (size * m, b.shape[0]))
        return vw.transpose(vw.view(linalg.mm(rows, vw.t(pa)), (size, m, n)), 1, 2)
    return vw.expand(vw.unsqueeze(linalg.mm(pa, pb), 0), (size, n, m))


def _mm(op, args, level, size):
    return mm_of(args[0], args[1], level, size)


def _bmm(op, args, level, size):
    a, b = args
    pa, ba = operand(a, level)
    pb, bb = operand(b, level)
    k, n, m = a.shape[0], a.shape[1], b.shape[2]
    if ba and bb:
        flat = linalg.bmm(ts.reshape(pa, (size * k, n, a.shape[2])),
                          ts.reshape(pb, (size * k, b.shape[1], m)))
        return vw.view(flat, (size, k, n, m))
    if ba:
        rows = ts.reshape(vw.transpose(pa, 0, 1), (k, size * n, a.shape[2]))
        return vw.transpose(vw.view(linalg.bmm(rows, pb), (k, size, n, m)), 0, 1)
    cols = ts.reshape(vw.permute(pb, (1, 2, 0, 3)), (k, b.shape[1], size * m))
    return vw.permute(vw.view(linalg.bmm(pa, cols), (k, n, size, m)), (2, 0, 1, 3))


def _mv(op, args, level, size):
    a, v = args
    pa, ba = operand(a, level)
    pv, bv = operand(v, level)
    n = a.shape[0]
    if ba and bv:
        return vw.squeeze_dim(linalg.bmm(pa, vw.unsqueeze(pv, 2)), 2)
    if ba:
        return vw.view(linalg.mv(ts.reshape(pa, (size * n, a.shape[1])), pv), (size, n))
    if bv:
        return linalg.mm(pv, vw.t(pa))
    return vw.expand(vw.unsqueeze(linalg.mv(pa, pv), 0), (size, n))


def _dot(op, args, level, size):
    a, b = args
    pa, ba = operand(a, level)
    pb, bb = operand(b, level)
    if ba and bb:
        return red.sum_dim(pw.mul(pa, pb), [1], False, None)
    if ba:
        return linalg.mv(pa, pb)
    if bb:
        return linalg.mv(pb, pa)
    return vw.expand(vw.unsqueeze(linalg.dot(pa, pb), 0), (size,))


def _addmm(op, args, level, size):
    self, mat1, mat2, beta, alpha = args
    p1, b1 = operand(mat1, level)
    p2, b2 = operand(mat2, level)
    ps, bs = operand(self, level) if isinstance(self, BatchedTensor) else (self, False)
    n, m = mat1.shape[0], mat2.shape[1]
    if b1 and not b2 and not bs and (self.dim() < 2 or self.shape[0] == 1):
        # F.linear's case: the batch joins mat1's rows, one addmm for all samples
        flat = op(ps, ts.reshape(p1, (size * n, mat1.shape[1])), p2, beta, alpha)
        return vw.view(flat, (size, n, m))
    out = mm_of(mat1, mat2, level, size)
    if alpha != 1:
        out = pw.mul_scalar(out, alpha)
    if beta == 0:  # torch ignores self then (nan and inf in it too)
        return out
    if bs:
        ps = ps if self.dim() == 2 else ts.reshape(ps, (size,) + (1,) * (2 - self.dim())
                                                  + tuple(self.shape))
    return pw.add(out, ps if beta == 1 else pw.mul_scalar(ps, beta), 1)


register(_mm, [linalg.mm])
register(_bmm, [linalg.bmm])
register(_mv, [linalg.mv])
register(_dot, [linalg.dot])
register(_addmm, [linalg.addmm, products.addmm])
