"""The matmul family. Where one side is unbatched, the batch is folded into the other
side's rows, so that a batch of matrix products is one matrix product (one BLAS call);
where both are batched, a bmm. A batched tensor whose physical value is one sample
expanded (stride 0 over the batch: a grad transform's input inside vmap, see func) counts
as unbatched here."""
from .. import joining, linalg, padding, pointwise as pw, products, reduction as red
from .. import statistics as st, torch_shape as ts, views as vw
from .._batched import BatchedTensor, loop_rule
from . import register
from .dims import aligned, folded, front, padded, unfolded, wrap


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
        return unfolded(linalg.mm(folded(a, level, size, 1), pb), (size, n))
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
        flat = linalg.bmm(folded(a, level, size, 2), folded(b, level, size, 2))
        return unfolded(flat, (size, k))
    if ba:
        rows = ts.reshape(vw.transpose(pa, 0, 1), (k, size * n, a.shape[2]))
        return vw.transpose(vw.view(linalg.bmm(rows, pb), (k, size, n, m)), 0, 1)
    if not bb:  # (the fused ops reach here with only their added term batched)
        return vw.expand(vw.unsqueeze(linalg.bmm(pa, pb), 0), (size, k, n, m))
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
        return unfolded(linalg.mv(folded(a, level, size, 1), pv), (size, n))
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
    _, b1 = operand(mat1, level)
    p2, b2 = operand(mat2, level)
    ps, bs = operand(self, level) if isinstance(self, BatchedTensor) else (self, False)
    if b1 and not b2 and not bs and (self.dim() < 2 or self.shape[0] == 1):
        # F.linear's case: the batch joins mat1's rows, one addmm for all samples
        flat = op(ps, folded(mat1, level, size, 1), p2, beta, alpha)
        return unfolded(flat, (size, mat1.shape[0]))
    return _scaled_sum(mm_of(mat1, mat2, level, size), self, beta, alpha, level, size, 2)


register(_mm, [linalg.mm])
register(_bmm, [linalg.bmm])
register(_mv, [linalg.mv])
register(_dot, [linalg.dot])
register(_addmm, [linalg.addmm, products.addmm])


def _scaled_sum(out, self, beta, alpha, level, size, ndim):
    """beta * self + alpha * out (the fused add* ops), ``out`` physical of ``ndim`` sample
    dims; beta = 0 ignores self (nan and inf in it too), as torch does."""
    if alpha != 1:
        out = pw.mul_scalar(out, alpha)
    if beta == 0:
        return out
    s = padded(self, level, ndim, size)
    return pw.add(out, s if beta == 1 else pw.mul_scalar(s, beta), 1)


def _addmv(op, args, level, size):
    self, mat, vec, beta, alpha = args
    out = _mv(None, (mat, vec), level, size)
    return _scaled_sum(out, self, beta, alpha, level, size, 1)


def _baddbmm(op, args, level, size):
    self, batch1, batch2, beta, alpha = args
    out = _bmm(None, (batch1, batch2), level, size)
    return _scaled_sum(out, self, beta, alpha, level, size, 3)


def _addbmm(op, args, level, size):
    self, batch1, batch2, beta, alpha = args
    out = red.sum_dim(_bmm(None, (batch1, batch2), level, size), [1], False, None)
    return _scaled_sum(out, self, beta, alpha, level, size, 2)


def _addr(op, args, level, size):
    self, vec1, vec2, beta, alpha = args
    outer = pw.mul(ts.reshape(front(vec1, level, size), (size, vec1.shape[0], 1)),
                   ts.reshape(front(vec2, level, size), (size, 1, vec2.shape[0])))
    return _scaled_sum(outer, self, beta, alpha, level, size, 2)


def _vdot(op, args, level, size):
    a, b = args
    return red.sum_dim(pw.mul(pw.conj(front(a, level, size)), front(b, level, size)),
                       [1], False, None)


def _dist(op, args, level, size):
    a, b, p = args
    ndim = max(a.dim(), b.dim())
    if ndim == 0:  # the norm of every dim of a 0-dim sample would take the batch's
        return loop_rule(op, args, level, size)
    diff = pw.sub(padded(a, level, ndim, size), padded(b, level, ndim, size), 1)
    return st.vector_norm(diff, float(p), tuple(range(1, ndim + 1)), False)


def _cross(op, args, level, size):
    a, b, dim = args
    ndim = max(a.dim(), b.dim())
    return op(aligned(a, level, ndim, size), aligned(b, level, ndim, size), wrap(dim, ndim))


def _block_diag(op, args, level, size):
    """Each sample's blocks, padded with zeros to the full width, stacked by rows."""
    tensors = args[0]
    if any(t.dim() > 2 for t in tensors):  # the op's own refusal
        return loop_rule(op, args, level, size)
    mats = [ts.reshape(front(t, level, size), (size,) + (
        tuple(t.shape) if t.dim() == 2 else (1, t.numel()))) for t in tensors]
    if len({m.dtype for m in mats}) > 1:  # the promotion is the op's own: per sample
        return loop_rule(op, args, level, size)
    width = sum(m.shape[2] for m in mats)
    rows, left = [], 0
    for m in mats:
        right = width - left - m.shape[2]
        rows.append(padding.constant_pad_nd(m, [left, right], 0))
        left += m.shape[2]
    return joining.cat(rows, 1)


register(_addmv, [products.addmv])
register(_baddbmm, [products.baddbmm])
register(_addbmm, [products.addbmm])
register(_addr, [products.addr_op])
register(_vdot, [products.vdot])
register(_dist, [products.dist_op])
register(_cross, [products.cross_op])
register(_block_diag, [products.block_diag_op])
