"""MultiheadAttention's computation, as torch's ``multi_head_attention_forward`` does it
when attention weights are wanted: scaled query, (b)bmm with the merged float mask,
softmax, dropout, bmm with the values, the output projection."""
import math

from ... import creation
from ...ops.pointwise import masked_fill
from .. import functional as F


def canonical_mask(mask, dtype):
    """A boolean mask as a float one (-inf where True); a float mask as it is."""
    if mask is None or mask.is_floating_point():
        return mask
    return masked_fill(creation.zeros(tuple(mask.shape), dtype=dtype), mask, float("-inf"))


def in_projection(query, key, value, m):
    if m._qkv_same_embed_dim:
        w_q, w_k, w_v = m.in_proj_weight.chunk(3)
    else:
        w_q, w_k, w_v = m.q_proj_weight, m.k_proj_weight, m.v_proj_weight
    b_q = b_k = b_v = None
    if m.in_proj_bias is not None:
        b_q, b_k, b_v = m.in_proj_bias.chunk(3)
    return F.linear(query, w_q, b_q), F.linear(key, w_k, b_k), F.linear(value, w_v, b_v)


def attention(m, query, key, value, key_padding_mask, need_weights, attn_mask,
              average_attn_weights):
    """Time-major (L, N, E) query/key/value in; (L, N, E) output and the weights out."""
    tgt_len, bsz, embed_dim = query.shape
    heads, head_dim = m.num_heads, m.head_dim
    q, k, v = in_projection(query, key, value, m)
    src_len = k.size(0)
    q = q.reshape(tgt_len, bsz * heads, head_dim).transpose(0, 1)
    k = k.reshape(src_len, bsz * heads, head_dim).transpose(0, 1)
    v = v.reshape(src_len, bsz * heads, head_dim).transpose(0, 1)
    attn_mask = canonical_mask(attn_mask, q.dtype)
    if attn_mask is not None and attn_mask.dim() == 2:
        attn_mask = attn_mask.unsqueeze(0)
    key_padding_mask = canonical_mask(key_padding_mask, q.dtype)
    if key_padding_mask is not None:
        kpm = key_padding_mask.view(bsz, 1, 1, src_len).expand(-1, heads, -1, -1)
        kpm = kpm.reshape(bsz * heads, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    scores = (q * math.sqrt(1.0 / float(head_dim))).bmm(k.transpose(-2, -1))
    if attn_mask is not None:
        scores = attn_mask + scores
    weights = F.softmax(scores, dim=-1)
    if m.dropout > 0.0 and m.training:
        weights = F.dropout(weights, p=m.dropout)
    out = weights.bmm(v).transpose(0, 1).contiguous().reshape(tgt_len * bsz, embed_dim)
    out = F.linear(out, m.out_proj.weight, m.out_proj.bias).view(tgt_len, bsz, -1)
    if not need_weights:
        return out, None
    weights = weights.view(bsz, heads, tgt_len, src_len)
    if average_attn_weights:
        weights = weights.mean(dim=1)
    return out, weights
