"""F.multi_head_attention_forward against torch: each projection layout, masks (bool and
float, 2-D and 3-D, key padding), bias_k/bias_v, add_zero_attn, static keys and values,
the weights path and the scaled_dot_product_attention path, unbatched inputs, dropout
from the same seed, and the errors and warnings, with gradients of every weight."""
import numpy as np
import pytest

from side_by_side import assert_same

R = np.random.default_rng(2)
E, H, L, S, N = 4, 2, 3, 5, 2
Q = R.standard_normal((L, N, E))
KV = R.standard_normal((S, N, E))
V6 = R.standard_normal((S, N, 6))                     # a value of another width
W_IN = R.standard_normal((3 * E, E)) * 0.5
B_IN = R.standard_normal(3 * E) * 0.1
W_OUT = R.standard_normal((E, E)) * 0.5
B_OUT = R.standard_normal(E) * 0.1
W_V6 = R.standard_normal((E, 6)) * 0.5
BIAS_KV = R.standard_normal((2, 1, 1, E))
FMASK = R.standard_normal((L, S)) * 0.5
BMASK = np.array([[False, True, False, False, True], [False, False, True, False, False],
                  [True, False, False, False, False]])
KPM = np.array([[False, False, False, True, True], [False, True, False, False, False]])
STATIC = R.standard_normal((N * H, S, E // H))


def _weights(lib):
    return {name: lib.tensor(a, requires_grad=True) for name, a in
            (("w_in", W_IN), ("b_in", B_IN), ("w_out", W_OUT), ("b_out", B_OUT),
             ("bias_k", BIAS_KV[0]), ("bias_v", BIAS_KV[1]), ("w_v6", W_V6))}


def _call(q, k, v, w, F, **kw):
    args = dict(bias_k=None, bias_v=None, add_zero_attn=False, dropout_p=0.0)
    args.update(kw)
    return F.multi_head_attention_forward(q, k, v, E, H, w["w_in"], w["b_in"], args.pop("bias_k"),
                                          args.pop("bias_v"), args.pop("add_zero_attn"),
                                          args.pop("dropout_p"), w["w_out"], w["b_out"], **args)


# name -> call(lib, q, kv, w, F)
CASES = {
    "self_attention": lambda t, q, kv, w, F: _call(q, q, q, w, F),
    "shared_key_value": lambda t, q, kv, w, F: _call(q, kv, kv, w, F),
    "three_inputs": lambda t, q, kv, w, F: _call(q, kv, kv * 2, w, F, average_attn_weights=False),
    "separate_weights": lambda t, q, kv, w, F: _call(
        q, kv, t.tensor(V6), w, F, use_separate_proj_weight=True, q_proj_weight=w["w_in"][:E],
        k_proj_weight=w["w_in"][E:2 * E], v_proj_weight=w["w_v6"]),
    "float_mask": lambda t, q, kv, w, F: _call(q, kv, kv, w, F, attn_mask=t.tensor(FMASK)),
    "bool_mask_3d_padding": lambda t, q, kv, w, F: _call(
        q, kv, kv, w, F, attn_mask=t.tensor(BMASK).expand(N * H, L, S),
        key_padding_mask=t.tensor(KPM)),
    "bias_kv_zero_attn": lambda t, q, kv, w, F: _call(
        q, kv, kv, w, F, bias_k=w["bias_k"], bias_v=w["bias_v"], add_zero_attn=True,
        attn_mask=t.tensor(FMASK), key_padding_mask=t.tensor(KPM)),
    "static_kv": lambda t, q, kv, w, F: _call(q, kv, kv, w, F, static_k=t.tensor(STATIC),
                                              static_v=t.tensor(STATIC) * 2),
    "no_weights_sdpa": lambda t, q, kv, w, F: _call(q, kv, kv, w, F, need_weights=False,
                                                    attn_mask=t.tensor(FMASK)),
    "no_weights_padding": lambda t, q, kv, w, F: _call(q, kv, kv, w, F, need_weights=False,
                                                       key_padding_mask=t.tensor(KPM)),
    "causal_sdpa": lambda t, q, kv, w, F: _call(q, q, q, w, F, need_weights=False,
                                                attn_mask=t.tensor(BMASK[:, :3]), is_causal=True),
    "unbatched": lambda t, q, kv, w, F: _call(q[:, 0], kv[:, 1], kv[:, 1], w, F,
                                              key_padding_mask=t.tensor(KPM[0])),
    "dropout_seeded": lambda t, q, kv, w, F: (t.manual_seed(4), _call(q, kv, kv, w, F,
                                                                       dropout_p=0.4))[1],
    "dropout_eval": lambda t, q, kv, w, F: _call(q, kv, kv, w, F, dropout_p=0.4,
                                                 training=False),
    "mismatched_mask_types": lambda t, q, kv, w, F: _call(
        q, kv, kv, w, F, attn_mask=t.tensor(FMASK), key_padding_mask=t.tensor(KPM)),
    # errors
    "query_4d": lambda t, q, kv, w, F: _call(q[None], kv, kv, w, F),
    "key_2d": lambda t, q, kv, w, F: _call(q, kv[0], kv, w, F),
    "padding_mask_3d": lambda t, q, kv, w, F: _call(q, kv, kv, w, F,
                                                    key_padding_mask=t.tensor(KPM)[None]),
    "int_mask": lambda t, q, kv, w, F: _call(q, kv, kv, w, F, attn_mask=t.ones(L, S, dtype=t.long)),
    "mask_shape": lambda t, q, kv, w, F: _call(q, kv, kv, w, F, attn_mask=t.tensor(FMASK).t()),
    "mask_3d_shape": lambda t, q, kv, w, F: _call(q, kv, kv, w, F,
                                                  attn_mask=t.tensor(FMASK)[None]),
    "padding_mask_shape": lambda t, q, kv, w, F: _call(q, kv, kv, w, F,
                                                       key_padding_mask=t.tensor(KPM)[:, :4]),
    "causal_without_mask": lambda t, q, kv, w, F: _call(q, kv, kv, w, F, is_causal=True),
    "bias_k_only": lambda t, q, kv, w, F: _call(q, kv, kv, w, F, bias_k=w["bias_k"]),
    "static_k_size": lambda t, q, kv, w, F: _call(q, kv, kv, w, F,
                                                  static_k=t.tensor(STATIC)[:3]),
    "key_value_shapes": lambda t, q, kv, w, F: _call(q, kv, kv[:4], w, F),
    "separate_weight_shape": lambda t, q, kv, w, F: _call(
        q, kv, kv, w, F, use_separate_proj_weight=True, q_proj_weight=w["w_in"][:E],
        k_proj_weight=w["w_in"][:E], v_proj_weight=w["w_v6"]),
}


@pytest.mark.parametrize("name", CASES)
def test_multi_head_attention_forward(name):
    def case(lib):
        w = _weights(lib)
        q = lib.tensor(Q, requires_grad=True)
        kv = lib.tensor(KV, requires_grad=True)
        out, weights = CASES[name](lib, q, kv, w, lib.nn.functional)
        loss = (out * out).sum() + (0 if weights is None else (weights * weights).sum())
        loss.backward()
        return out, weights, q.grad, kv.grad, {k: v.grad for k, v in w.items()}
    assert_same(case, rtol=1e-10, atol=1e-12)


MODULES = {
    "bias_kv_zero_attn_batch_first": (lambda nn: nn.MultiheadAttention(
        E, H, add_bias_kv=True, add_zero_attn=True, batch_first=True), dict(kv=True)),
    "kdim_vdim_no_weights": (lambda nn: nn.MultiheadAttention(E, H, kdim=E, vdim=6, bias=False),
                             dict(v6=True, need_weights=False)),
    "self_attention_batch_first": (lambda nn: nn.MultiheadAttention(E, 1, batch_first=True),
                                   dict()),
}


@pytest.mark.parametrize("name", MODULES)
def test_multihead_attention_module(name):
    make, kw = MODULES[name]

    def case(lib):
        lib.manual_seed(0)
        m = make(lib.nn)
        q = lib.tensor(Q, requires_grad=True)
        k = lib.tensor(KV) if kw.get("kv") or kw.get("v6") else q
        v = lib.tensor(V6) if kw.get("v6") else k
        out, weights = m(q, k, v, need_weights=kw.get("need_weights", True))
        (out * out).sum().backward()
        return (repr(m), m.state_dict(), out, weights, q.grad,
                [p.grad for p in m.parameters()])
    assert_same(case, rtol=1e-5, atol=1e-6)
