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


ENCODERS = {
    "post_norm": (lambda nn: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16), False),
    "pre_norm_gelu": (lambda nn: nn.TransformerEncoderLayer(
        8, 2, dim_feedforward=12, activation="gelu", norm_first=True), False),
    "batch_first": (lambda nn: nn.TransformerEncoderLayer(
        8, 2, dim_feedforward=12, batch_first=True), True),
}


@pytest.mark.parametrize("name", list(ENCODERS))
def test_transformer_encoder(name):
    make, batch_first = ENCODERS[name]

    def case(lib):
        lib.manual_seed(0)
        encoder = lib.nn.TransformerEncoder(make(lib.nn), 2, norm=lib.nn.LayerNorm(8))
        x = lib.tensor(Q.transpose(1, 0, 2) if batch_first else Q, requires_grad=True)
        mask = lib.tensor(CAUSAL)
        encoder.eval()
        evaluated = encoder(x, mask=mask).detach()
        encoder.train()
        lib.manual_seed(1)
        out = encoder(x, mask=mask)
        (out * out).sum().backward()
        return (repr(encoder), encoder.state_dict(), evaluated, out.detach(), x.grad,
                [p.grad for p in encoder.parameters()])
    assert_same(case, rtol=1e-4, atol=1e-5)


def test_transformer():
    def case(lib):
        lib.manual_seed(0)
        model = lib.nn.Transformer(d_model=8, nhead=2, num_encoder_layers=2,
                                   num_decoder_layers=1, dim_feedforward=16, dropout=0.1)
        src = lib.tensor(KV, requires_grad=True)
        tgt = lib.tensor(Q)
        mask = model.generate_square_subsequent_mask(4)
        lib.manual_seed(1)
        out = model(src, tgt, tgt_mask=mask,
                    src_key_padding_mask=lib.tensor(PAD))
        (out * out).sum().backward()
        return (repr(model), mask, model.state_dict(), out.detach(), src.grad,
                [p.grad for p in model.parameters()])
    assert_same(case, rtol=1e-4, atol=1e-5)


def test_transformer_errors():
    def case(lib):
        model = lib.nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1,
                                   num_decoder_layers=1, dim_feedforward=8)
        return [_catch(lambda: model(lib.ones(3, 2, 8), lib.ones(3, 1, 8))),
                _catch(lambda: model(lib.ones(3, 2, 8), lib.ones(3, 2, 4)))]
    assert_same(case)


def _catch(fn):
    try:
        fn()
    except Exception as e:
        return type(e).__name__, str(e)
