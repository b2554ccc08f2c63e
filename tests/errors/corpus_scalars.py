"""Python numbers converted to a tensor's dtype (clamp's bounds, fills, ``t[i] = v``): torch's
overflow checks and wrap-arounds, and clamp's signed zeros and rounded bounds."""

_Z = "torch.tensor([-1., -0., 0., 1., 0.1, float('nan')]"
_H = "torch.tensor([-1., -0., 0., 1., 0.1, 0.30000001, float('nan'), float('inf')]"

CASES = [
    # a signed zero as the bound: torch's number bounds keep x on a tie between +0 and -0
    *[f"{_Z}{dt}).clamp({lo}, {hi})" for dt in ("", ", dtype=torch.float16",
                                                 ", dtype=torch.bfloat16", ", dtype=torch.float64")
      for lo, hi in (("-0.0", "None"), ("0.0", "None"), ("None", "-0.0"), ("None", "0"),
                     ("-0.0", "0.0"), ("0.0", "-0.0"), ("-0.0", "-0.0"), ("0", "0"))],
    f"{_Z}).clamp_min(-0.0)", f"{_Z}).clamp_max(0.0)", f"{_Z}).clamp_min(0)",
    f"v = {_Z})\nv.clamp_(0.0, -0.0)\nv", f"v = {_Z})\nv.clamp_min_(-0.0)\nv",
    f"torch.clamp({_Z}), -0.0, out=torch.empty(6))",
    "torch.tensor([0, 1]).clamp(-0.0)", "torch.tensor([0, 1]).clamp(None, -0.0)",
    f"torch.nn.functional.hardtanh({_Z}), -0.0, 0.0)", f"torch.nn.functional.relu6({_Z}))",
    f"torch.nn.functional.hardtanh({_Z}, dtype=torch.bfloat16), 0.0, 1.0)",
    # gradients at and between the bounds
    f"v = {_H}, requires_grad=True)\nv.clamp(-0.0, 0.0).backward(torch.arange(8.))\nv.grad",
    *[f"v = {_H}, dtype={dt}, requires_grad=True)\n"
      f"v.clamp({lo}, {hi}).backward(torch.arange(8., dtype={dt}))\nv.grad"
      for dt in ("torch.float16", "torch.bfloat16")
      for lo, hi in (("0.1", "0.2"), ("0.30000001", "None"), ("None", "0.1"), ("0.2", "0.1"),
                     ("1e-8", "None"), ("-0.0", "None"))],
    *[f"{_H}, dtype={dt}).clamp({lo}, {hi})" for dt in ("torch.float16", "torch.bfloat16")
      for lo, hi in (("0.1", "0.2"), ("0.30000001", "None"), ("0.2", "0.1"), ("float('nan')", "None"),
                     ("None", "65504."), ("-65504.", "None"), ("None", "3.38e38"))],
    # bounds beyond the result's dtype
    "x.half().clamp(70000.)", "x.half().clamp(None, 65505)", "x.half().clamp(65504.)",
    "x.half().clamp(float('inf'))", "x.bfloat16().clamp(3.4e38)", "x.bfloat16().clamp(max=-1e39)",
    "x.clamp(1e39)", "x.clamp(max=2**70)", "x.clamp(-2**63 - 1)", "x.clamp(2**64 - 1)",
    "d.clamp(2**64)", "d.clamp(1e308)", "n.int().clamp(2**40)", "n.byte().clamp(300)",
    "n.byte().clamp(-1)", "n.byte().clamp(-255)", "n.byte().clamp(-256)", "n.char().clamp(-129)",
    "n.short().clamp(max=40000)", "n.clamp(2**63)", "n.clamp(2**63 - 1)", "n.clamp(1e39)",
    "n.clamp(min=-2, max=2.5)", "n.char().clamp(min=-200, max=2.5)", "n.char().clamp(min=-2, max=300)",
    "n.clamp(min=torch.tensor(-2), max=3e39)", "x.half().clamp(min=torch.tensor(1e39, dtype=torch.float64))",
    "n.clamp_min(1e39)", "n.byte().clamp_max(256)", "v = x.half()\nv.clamp_(0., 1e5)\nv",
    "v = n.byte()\nv.clamp_(1e39)\nv", "v = n.byte()\nv.clamp_(300)\nv", "v = n.byte()\nv.clamp_min_(-1)\nv",
    "v = x.half()\nv.clamp_max_(-70000)\nv", "torch.clamp(x.half(), 0., 1e5, out=x.half())",
    "torch.clamp(n.byte(), 300, out=torch.empty(3))", "torch.clamp(n.byte(), 3e39, out=n.byte())",
    # fills: the same conversion (t[i] = v fills float16 and bfloat16 through a double)
    "torch.zeros(2, dtype=torch.half).fill_(65505)", "torch.zeros(2, dtype=torch.bfloat16).fill_(3.4e38)",
    "torch.zeros(2, dtype=torch.bfloat16).fill_(2**63)", "torch.zeros(2, dtype=torch.uint8).fill_(-255)",
    "torch.zeros(2, dtype=torch.uint8).fill_(-256)", "torch.zeros(2).fill_(2**64 - 1)",
    "torch.zeros(2).fill_(-2**70)", "torch.zeros(2, dtype=torch.half).fill_(2**40)",
    "torch.full((2,), 2**63, dtype=torch.bfloat16)", "torch.full((2,), -255, dtype=torch.uint8)",
    "torch.full((2,), 1e39, dtype=torch.bfloat16)", "torch.full_like(x.half(), 65520.)",
    "torch.full_like(n.byte(), -3)", "x.half().masked_fill(b, 1e5)", "x.bfloat16().masked_fill(b, 1e39)",
    "n.byte().masked_fill(b, -256)", "n.masked_fill(b, float('nan'))", "v = x.half()\nv.masked_fill_(b, 70000.)\nv",
    "x.half().index_fill(0, i, 1e5)", "v = x.bfloat16()\nv.index_fill_(0, i, -1e39)\nv",
    "n.byte().index_fill(0, i, -255)", "v = x.half()\nv[0] = 1e5\nv", "v = x.bfloat16()\nv[1:] = 1e39\nv",
    "v = x.clone()\nv[0] = 1e39\nv", "v = x.half()\nv[b] = 70000.\nv", "v = n.byte()\nv[0] = -1\nv",
    "v = n.byte()\nv[:] = -255\nv", "v = n.byte()\nv[...] = -256\nv", "v = n.byte()\nv[i] = -1\nv",
    "v = n.clone()\nv[0] = 2**63\nv", "v = x.clone()\nv[0] = 2**64\nv",
    "torch.zeros(2, dtype=torch.complex64).fill_(1e39)", "torch.zeros(2, dtype=torch.complex64).fill_(1e39j)",
    "torch.zeros(2, dtype=torch.complex128).fill_(1e308j)", "torch.full((2,), 1e39, dtype=torch.complex64)",
    "z.masked_fill(torch.tensor([True, False]), float('inf'))",
    # numbers other functions convert to the input's (or the result's) dtype
    "torch.nn.functional.hardtanh(x.half(), 0, 1e39)", "torch.nn.functional.hardtanh(n.byte(), 0, 300)",
    "torch.nn.functional.threshold(x.half(), 0.5, 1e39)", "torch.nn.functional.threshold(n.char(), 1, -200)",
    "torch.nn.functional.pad(x.half(), (1, 1), value=1e39)", "torch.nn.functional.pad(n.byte(), (1, 1), value=-1)",
    "torch.nn.functional.pad(n.byte(), (1, 1), value=256)", "torch.where(b, n.byte(), 300)",
    "torch.where(b, -1, n.byte())", "torch.where(b, -256, n.byte())", "torch.where(b, 1e39, x)",
    "torch.where(b, x.half(), 70000.)", "torch.where(b, 2**63, n)", "torch.where(b, 2**70, x)",
    # var's degrees-of-freedom warning: an empty dim list reduces (and counts) every dim
    "torch.var_mean(m, [])", "torch.std(m, [], correction=6)",
]
