"""MultiheadAttention against torch: repr, parameters (initialisation bit for bit), the
output and averaged or per-head attention weights, masks, batch_first, and gradients."""
import numpy as np
import pytest

from side_by_side import assert_same

RNG = np.random.default_rng(2)
Q = RNG.standard_normal((4, 2, 8)).astype(np.float32)    # (L, N, E)
KV = RNG.standard_normal((5, 2, 8)).astype(np.float32)
K3 = RNG.standard_normal((5, 2, 3)).astype(np.float32)
CAUSAL = np.triu(np.ones((4, 4), dtype=bool), 1)
PAD = np.array([[False, False, False, True, True], [False, False, False, False, True]])

CASES = {
    "self": (lambda nn: nn.MultiheadAttention(8, 2), dict()),
    "self_dropout_eval": (lambda nn: nn.MultiheadAttention(8, 2, dropout=0.5).eval(), dict()),
    "cross_kv": (lambda nn: nn.MultiheadAttention(8, 4), dict(kv=True)),
    "kdim_vdim": (lambda nn: nn.MultiheadAttention(8, 2, kdim=3, vdim=3), dict(k3=True)),
    "causal_bool_mask": (lambda nn: nn.MultiheadAttention(8, 2), dict(mask=True)),
    "padding_mask_heads": (lambda nn: nn.MultiheadAttention(8, 2, bias=False),
                           dict(kv=True, pad=True, average=False)),
    "batch_first": (lambda nn: nn.MultiheadAttention(8, 2, batch_first=True), dict(bf=True)),
    "no_weights": (lambda nn: nn.MultiheadAttention(8, 2), dict(need_weights=False)),
}


def _case(make, opts):
    def case(lib):
        lib.manual_seed(0)
        m = make(lib.nn)
        q = lib.tensor(Q, requires_grad=True)
        kv = lib.tensor(K3 if opts.get("k3") else KV if opts.get("kv") else Q)
        if opts.get("bf"):
            q_in, kv_in = q.transpose(0, 1), kv.transpose(0, 1)
        else:
            q_in, kv_in = q, kv
        out, weights = m(q_in, kv_in, kv_in,
                         key_padding_mask=lib.tensor(PAD) if opts.get("pad") else None,
                         attn_mask=lib.tensor(CAUSAL) if opts.get("mask") else None,
                         need_weights=opts.get("need_weights", True),
                         average_attn_weights=opts.get("average", True))
        (out * out).sum().backward()
        return (repr(m), m.state_dict(), out.detach(), weights if weights is None
                else weights.detach(), q.grad, [p.grad for p in m.parameters()])
    return case


@pytest.mark.parametrize("name", CASES)
def test_multihead_attention(name):
    assert_same(_case(*CASES[name]), rtol=1e-4, atol=1e-5)
