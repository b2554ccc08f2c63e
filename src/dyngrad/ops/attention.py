"""Scaled dot-product attention, on torch's two CPU paths.

    S = scale * Q K^T + mask,  P = softmax(S) (a fully masked row gives zeros),  O = P V

4-d queries, keys and values of one head size without dropout take torch's fused CPU
kernel, one node (ScaledDotProductFlashAttentionForCpuBackward0) whose backward is

    dV = P^T dO,  dS = P * (dO V^T - rowsum(dO * O)),  dQ = scale dS K,  dK = scale dS^T Q

Other calls are composed from table ops as torch's math path composes them (matmuls, an
in-place mask add, _safe_softmax, dropout).
"""
import functools
import math

from .. import _backend
from .._args import broadcast_shapes
from ._table import TRANSPOSED, Op
from .activation import _softmax, softmax_backward_data
from .pointwise import _not_implemented

xp = _backend.xp


def _safe_softmax_forward(self, dim):
    with xp.errstate(invalid="ignore"):  # the -inf rows' nan is replaced below
        out = _softmax(self, dim)
    # a row of -inf has no maximum to subtract: its softmax is 0, not nan
    dead = xp.all(self == -xp.inf, axis=dim, keepdims=True)
    if not _backend.has_values(dead):  # meta: the shape is the same either way
        return out
    return xp.where(dead, xp.zeros((), out.dtype), out) if dead.any() else out


safe_softmax = Op("SafeSoftmaxBackward0", _safe_softmax_forward, jvp=TRANSPOSED,
                  self=lambda grad, result, dim: softmax_backward_data(grad, result, dim))


@functools.lru_cache(maxsize=16)
def _above_diagonal(L, S):
    """The causal mask's hidden entries (top-left aligned, as torch's tril), read-only."""
    hidden = ~xp.tril(xp.ones((L, S), bool))
    hidden.flags.writeable = False
    return hidden


def _scores(query, key, attn_mask, is_causal, scale):
    """scale * Q K^T with the mask applied, in a new array: the score matrices are the
    kernel's largest, so every step after the product works in place."""
    s = query @ xp.swapaxes(key, -1, -2)
    s *= xp.asarray(scale, s.dtype)
    if attn_mask is not None:
        shape = broadcast_shapes(s.shape, attn_mask.shape)
        if shape != s.shape:  # (torch adds the mask into the scores in place: no growing)
            raise RuntimeError(f"output with shape {list(s.shape)} doesn't match the broadcast "
                               f"shape {list(shape)}")
        if attn_mask.dtype == xp.bool_:
            s = xp.where(attn_mask, s, xp.asarray(-xp.inf, s.dtype))
        elif attn_mask.dtype == s.dtype:
            s += attn_mask
        else:  # (a float32 mask of a half query: the sums in float32)
            s = s + attn_mask
    if is_causal:
        # copyto's mask rather than np.where: no new array, and 3x faster here
        xp.copyto(s, xp.asarray(-xp.inf, s.dtype), where=_above_diagonal(*s.shape[-2:]))
    return s


def _row_sums(x):
    # a sum over the last axis by a matrix-vector product: BLAS runs it 6x faster than
    # np.sum's reduction over rows of a few dozen numbers
    return x @ xp.ones(x.shape[-1], x.dtype)


def _flash_attention(query, key, value, dropout_p, is_causal, attn_mask, scale):
    sc = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    e = _scores(query, key, attn_mask, is_causal, sc)
    m = xp.max(e, axis=-1, keepdims=True)
    if not xp.isfinite(m).all():
        m = xp.where(xp.isfinite(m), m, xp.zeros((), m.dtype))
    e -= m
    xp.exp(e, out=e)
    total = _row_sums(e)[..., None]
    # the values weighted by exp(S - max) and only then divided by the rows' totals, as
    # torch's kernel does: its sum overflows to inf where P V would not
    out = e @ value
    with xp.errstate(divide="ignore", invalid="ignore"):
        if (total > 0).all():
            out *= 1 / total
        else:
            out = xp.where(total > 0, out * (1 / total), xp.zeros((), out.dtype))
        lse = (xp.log(total) + m)[..., 0]
    return out.astype(query.dtype, copy=False), lse.astype(query.dtype, copy=False)


def _flash_attention_backward(grad_out, query, key, value, out, logsumexp, dropout_p,
                              is_causal, attn_mask, scale):
    sc = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    # P again from the scores and the saved log-sum-exp, as torch's CPU kernel recomputes
    # it: exp(S - lse), no second softmax (a fully masked row has lse = -inf and P = 0)
    p = _scores(query, key, attn_mask, is_causal, sc)
    lse = logsumexp if xp.isfinite(logsumexp).all() else xp.where(
        xp.isfinite(logsumexp), logsumexp, xp.zeros((), logsumexp.dtype))
    p -= lse[..., None]
    xp.exp(p, out=p)
    dv = xp.swapaxes(p, -1, -2) @ grad_out
    ds = grad_out @ xp.swapaxes(value, -1, -2)
    ds -= _row_sums(grad_out * out)[..., None]
    ds *= p
    ds *= xp.asarray(sc, ds.dtype)
    dq = ds @ key
    dk = xp.swapaxes(ds, -1, -2) @ query
    dt = query.dtype
    return dq.astype(dt, copy=False), dk.astype(dt, copy=False), dv.astype(dt, copy=False)


def _flash_grads(grad, query, key, value, result0, result1, dropout_p, is_causal, attn_mask,
                 scale, grad_input_mask):
    return list(flash_attention_backward(grad, query, key, value, result0, result1, dropout_p,
                                         is_causal, attn_mask, scale))


flash_attention = Op(
    "ScaledDotProductFlashAttentionForCpuBackward0", _flash_attention,
    jvp_name="_scaled_dot_product_flash_attention_for_cpu",  # torch has no forward rule
    outputs=("result0", "result1"), differentiable_outputs=(0,), nondiff=("attn_mask",),
    query=_flash_grads, key=_flash_grads, value=_flash_grads)
# torch has no derivative for the fused kernel's backward: its node is NotImplemented
_flash_not_differentiable = _not_implemented("_scaled_dot_product_flash_attention_for_cpu_backward")
flash_attention_backward = Op(
    "torch::autograd::NotImplemented", _flash_attention_backward,
    outputs=("grad_query", "grad_key", "grad_value"), nondiff=("out", "logsumexp", "attn_mask"),
    grad_out=_flash_not_differentiable, query=_flash_not_differentiable,
    key=_flash_not_differentiable, value=_flash_not_differentiable)

# vmap's rules (importing them loads ops/batching/, as the first vmap does)
from .batching import register as _register  # noqa: E402
from .batching.nn import attention as _attention_rule  # noqa: E402
from .batching.reduction import along as _along  # noqa: E402

_register(_along, [safe_softmax])
_register(_attention_rule, [flash_attention, flash_attention_backward])
