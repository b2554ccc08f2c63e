"""Bad calls to the windowed functions of nn.functional (pooling, adaptive pooling,
interpolation, padding, convolution) and to cdist: zero, negative and mismatched window
arguments, empty inputs, wrong dims and dtypes; and lerp/addcmul/addcdiv (and add's alpha)
with a number that overflows the type the kernel reads it in."""

F = "torch.nn.functional."
X1, X2, X3 = "torch.ones(1, 2, 5)", "torch.ones(1, 2, 5, 5)", "torch.ones(1, 1, 4, 4, 4)"
H = "torch.ones(3, dtype=torch.float16)"

CASES = [
    # pooling: torch checks each dim's stride, padding and output size, then the window's
    # signs, then the input's sizes; the 1-d forms check their own arguments first
    *(f"{F}{kind}_pool{n}d({x}, {args})" for n, x in ((1, X1), (2, X2), (3, X3))
      for kind in ("max", "avg")
      for args in ("2, 0", "0, 1", "0", "-1, 1", "2, -1", "2, 1, -1", "3, 1, 2", "9, 1")),
    *(f"{F}max_pool{n}d({x}, 2, 1, 0, {d})" for n, x in ((1, X1), (2, X2), (3, X3))
      for d in (0, -1)),
    f"{F}max_pool2d({X2}, 2, (1, 0))", f"{F}avg_pool2d({X2}, 2, (-1, 0))",
    f"{F}avg_pool3d({X3}, 2, (1, 1, 0))", f"{F}max_pool2d({X2}, (2, 0), 1)",
    f"{F}max_pool2d({X2}, -3, 1, 0)", f"{F}max_pool2d({X2}, 3, 1, 2, 2)",
    f"{F}max_pool3d({X3}, 3, 1, 2, 2)", f"{F}max_pool2d({X2}, 2, 0, return_indices=True)",
    f"{F}max_pool1d({X1}, 2, 0, return_indices=True)", f"{F}avg_pool2d({X2}, 2, 0, ceil_mode=True)",
    f"{F}avg_pool2d({X2}, 2, 0, divisor_override=0)", f"{F}lp_pool1d({X1}, 2, 2, 0)",
    f"{F}lp_pool2d({X2}, 2, 2, 0)", "torch.nn.MaxPool1d(2, 0)(torch.ones(1, 2, 5))",
    "torch.nn.AvgPool2d(2, 0)(torch.ones(1, 2, 5, 5))", "torch.max_pool2d(torch.ones(1, 2, 5, 5), 2, 0)",
    "torch.avg_pool1d(torch.ones(1, 2, 5), 2, 0)",
    f"{F}max_pool1d(torch.ones(1, 2, 5, requires_grad=True), 0)",
    f"{F}max_pool1d(torch.ones(1, 2, 5, requires_grad=True), 2, 1, 0, 0)",
    f"{F}max_pool1d(torch.ones(1, 2, 5, dtype=torch.int64), 2, 0)",
    f"{F}avg_pool1d(torch.ones(1, 2, 5, dtype=torch.int64), 2, 0)",
    # argument lengths
    f"{F}max_pool2d({X2}, (2, 2, 2))", f"{F}avg_pool2d({X2}, (2, 2, 2))", f"{F}max_pool2d({X2}, 2, (1, 1, 1))",
    f"{F}max_pool2d({X2}, 2, 1, (1, 1, 1))", f"{F}max_pool2d({X2}, 2, 1, 0, (1, 1, 1))",
    f"{F}max_pool3d({X3}, (2, 2))", f"{F}avg_pool3d({X3}, (2, 2))", f"{F}avg_pool3d({X3}, 2, (1, 1))",
    f"{F}max_pool1d({X1}, (2, 2))", f"{F}avg_pool1d({X1}, (2, 2))", f"{F}max_pool1d({X1}, 2, (1, 1))",
    f"{F}max_pool1d({X1}, 2, (1, 1), return_indices=True)", f"{F}max_pool1d({X1}, [])",
    # empty and wrong-rank inputs (an empty batch pools)
    *(f"{F}{kind}_pool{n}d(torch.ones({shape}), 2)" for kind in ("max", "avg")
      for n, shape in ((1, "0, 2, 5"), (1, "2, 0"), (1, "5"), (1, "1, 2, 0"), (2, "0, 2, 5, 5"),
                       (2, "1, 0, 5, 5"), (2, "5, 5"), (2, "1, 1, 1, 5, 5"), (3, "0, 1, 4, 4, 4"),
                       (3, "1, 0, 4, 4, 4"), (3, "4, 4, 4"), (3, "1, 1, 1, 1, 1"))),
    f"{F}max_pool1d(torch.ones(1, 2, 0), 2, return_indices=True)", f"{F}max_pool2d(torch.ones(0, 2, 1, 1), 2)",
    # adaptive pooling
    *(f"{F}adaptive_{kind}_pool{n}d({x}, {size})" for n, x in ((1, X1), (2, X2), (3, X3))
      for kind in ("avg", "max") for size in ("0", "-1", "(2, 2)" if n == 1 else "(1, 2, 3, 4)")),
    *(f"{F}adaptive_{kind}_pool{n}d(torch.ones({shape}), 2)" for kind in ("avg", "max")
      for n, shape in ((1, "1, 0, 5"), (1, "0, 2, 5"), (1, "5"), (2, "1, 2, 0, 5"),
                       (2, "0, 2, 5, 5"), (2, "5"), (3, "1, 1, 4, 0, 4"), (3, "0, 1, 4, 4, 4"))),
    f"{F}adaptive_avg_pool2d({X2}, (2, -1))", f"{F}adaptive_max_pool2d({X2}, (None, -1))",
    f"{F}adaptive_avg_pool3d({X3}, (2, -1, 0))", f"{F}adaptive_avg_pool2d(torch.ones(5, 5), 1)",
    f"{F}adaptive_max_pool1d({X1}, None)", f"{F}adaptive_max_pool2d({X2}, (1, 2, 3))",
    f"{F}adaptive_avg_pool1d({X1}, (None, 2))", f"{F}adaptive_max_pool1d(torch.ones(1, 2, 0), (3, 7))",
    f"{F}adaptive_avg_pool2d(torch.ones(1, 0, 3, 3, dtype=torch.int64), (2, 1))",
    f"{F}adaptive_avg_pool1d(torch.ones(1, 2, 3, dtype=torch.int64), 0)",
    f"{F}interpolate(torch.ones(1, 2, 3, 3, dtype=torch.int64), size=0, mode=\"area\")",
    f"{F}interpolate(torch.ones(1, 2, 5, 5, 5, dtype=torch.int64), scale_factor=0., mode=\"area\")",
    # interpolation: output (and input) sizes above zero, sizes that overflow int64
    *(f"{F}interpolate(torch.ones({shape}), {arg}, mode=\"{mode}\")"
      for shape, modes in (("1, 1, 4", ("nearest", "linear", "nearest-exact", "area")),
                           ("1, 1, 4, 4", ("bilinear", "bicubic")),
                           ("1, 1, 2, 2, 2", ("nearest", "trilinear", "area")))
      for mode in modes for arg in ("scale_factor=0.", "scale_factor=-0.3", "size=0", "size=-1")),
    f"{F}interpolate(torch.ones(1, 1, 4, 4), size=(0, 2))", f"{F}interpolate(torch.ones(1, 1, 4, 4), scale_factor=(1., 0.))",
    f"{F}interpolate(torch.ones(1, 1, 4), scale_factor=0.1)",
    f"{F}interpolate(torch.ones(1, 1, 4, 4), size=0, mode=\"bilinear\", antialias=True)",
    f"{F}interpolate(torch.ones(1, 1, 4), scale_factor=0., recompute_scale_factor=True)",
    f"{F}interpolate(torch.ones(1, 1, 0), size=2)", f"{F}interpolate(torch.ones(1, 0, 4), size=2)",
    f"{F}interpolate(torch.ones(0, 1, 4), size=2)", f"{F}interpolate(torch.ones(1, 0, 4, 4, 4), size=2)",
    f"{F}interpolate(torch.ones(1, 1, 0, 4), size=2, mode=\"area\")",
    f"{F}interpolate(torch.ones(1, 1, 4, dtype=torch.int64), size=0, mode=\"linear\")",
    f"{F}interpolate(torch.ones(1, 1, 4), scale_factor=float(\"inf\"))",
    f"{F}interpolate(torch.ones(1, 1, 4), scale_factor=float(\"nan\"))",
    f"{F}interpolate(torch.ones(1, 1, 4), scale_factor=1e30)",
    f"{F}interpolate(torch.ones(1, 1, 4), scale_factor=float(\"nan\"), mode=\"area\")",
    f"{F}interpolate(torch.ones(1, 1, 4, requires_grad=True), size=0)",
    "torch.nn.Upsample(scale_factor=0.)(torch.ones(1, 1, 4))",
    # padding that crops a dim below zero, in each mode
    *(f"{F}pad(torch.ones({shape}), {pad}, mode=\"{mode}\")"
      for mode in ("constant", "reflect", "replicate", "circular")
      for shape, pad in (("1, 2, 3", "(-2, -2)"), ("1, 2, 3", "(-4, 0)"), ("1, 2, 3", "(1, -5)"),
                         ("1, 2, 3", "(-3, 0)"), ("1, 2, 3, 3", "(0, 0, -2, -2)"),
                         ("1, 1, 2, 3, 3", "(-4, 0, -2, -2, -2, -2)"))),
    # reflect and replicate need every dim but the batch's; reflect names its argument
    # by the dim (width #4, height #6, depth #8); circular checks the outermost dim first
    *(f"{F}pad(torch.ones({shape}), {pad}, mode=\"{mode}\")" for mode in ("reflect", "replicate")
      for shape, pad in (("1, 2, 0", "(1, 1)"), ("1, 0, 3", "(1, 1)"), ("0, 2, 3", "(1, 1)"),
                         ("1, 0, 3, 3", "(1, 1, 1, 1)"), ("0, 3, 3", "(1, 1, 1, 1)"),
                         ("1, 0, 3, 3, 3", "(1, 1, 1, 1, 1, 1)"), ("1, 2, 0", "(-1, 1)"))),
    *(f"{F}pad(torch.ones({shape}), {pad}, mode=\"reflect\")"
      for shape, pad in (("1, 2, 3, 3", "(0, 0, 3, 0)"), ("1, 2, 3, 3, 3", "(0, 0, 0, 0, 3, 0)"),
                         ("2, 3, 3, 3", "(0, 0, 3, 0, 0, 0)"), ("1, 2, 3", "(-3, -2, 3, 1)"))),
    f"{F}pad(torch.ones(1, 2, 4, 4), (5, 0, -3, -4), mode=\"circular\")",
    f"{F}pad(torch.ones(1, 2, 4, 4), (-3, -4, 5, 0), mode=\"circular\")",
    f"{F}pad(torch.ones(1, 2, 0), (1, 1), mode=\"circular\")",
    "torch.constant_pad_nd(torch.ones(2, 3), (0, 0, -3, 1))", "torch.constant_pad_nd(torch.ones(2, 3), (1,))",
    "torch.constant_pad_nd(torch.ones(2, 3), (1, 1, 1, 1, 1, 1))",
    f"{F}pad(torch.ones(2, 3, requires_grad=True), (-4, 0))",
    f"{F}pad(torch.ones(2, 3, dtype=torch.int64), (-4, 0), value=2**70)",
    f"{F}pad(torch.ones(2, 3, dtype=torch.int64), (1, 0), value=2**70)",
    # cdist: X1's dtype, X2 against it, in the kernel each path takes
    "torch.cdist(m, m.double())", "torch.cdist(m.double(), m, p=1.)", "torch.cdist(m, m.double(), p=0.)",
    "torch.cdist(m, m.double(), p=float(\"inf\"))", "torch.cdist(m, m.double(), compute_mode=\"use_mm_for_euclid_dist\")",
    "torch.cdist(m.unsqueeze(0), m.double().unsqueeze(0), compute_mode=\"use_mm_for_euclid_dist\")",
    "torch.cdist(torch.ones(30, 3), torch.ones(30, 3, dtype=torch.float64))",
    "torch.cdist(m.requires_grad_(), m.double())", "torch.cdist(m, m.half())", "torch.cdist(m.half(), m)",
    "torch.cdist(m.half(), m.half(), p=-1.)", "torch.cdist(x, n)", "torch.cdist(m, torch.ones(2, 4).long())",
    "torch.cdist(torch.ones(0, 3), torch.ones(2, 3, dtype=torch.float64))",
    "torch.cdist(torch.ones(2, 0), torch.ones(2, 0, dtype=torch.float64))",
    "torch.cdist(torch.ones(2, 0, requires_grad=True), torch.ones(2, 0))",
    "torch.cdist(torch.ones(2, 2, 3), torch.ones(3, 2, 3, dtype=torch.float64))",
    # convolution: the weight's dims against the input's and the window arguments' lengths
    f"{F}conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 2))", f"{F}conv2d(torch.ones(1, 4, 4), torch.ones(1, 1, 2))",
    f"{F}conv1d(torch.ones(1, 1, 4), torch.ones(1, 1, 2, 2))", f"{F}conv3d(torch.ones(1, 1, 4, 4, 4), torch.ones(1, 1, 2, 2))",
    f"{F}conv3d(torch.ones(1, 4, 4, 4), torch.ones(1, 1, 2, 2))", f"{F}conv1d(torch.ones(1, 4), torch.ones(1, 1, 2, 2))",
    f"{F}conv1d(torch.ones(1, 1, 4), torch.ones(1, 2))", f"{F}conv2d(torch.ones(1, 1, 4, 4), torch.ones(2, 2))",
    f"{F}conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 2, 2, 2))",
    f"{F}conv_transpose2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 2))",
    f"{F}conv_transpose1d(torch.ones(1, 1, 4), torch.ones(1, 1, 2, 2))",
    f"{F}conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 2), stride=(1,), padding=(0,), dilation=(1,))",
    f"{F}conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 2), padding=\"same\")",
    f"{F}conv1d(torch.ones(1, 1, 4), torch.ones(1, 1, 2, 2), padding=\"same\")",
    f"{F}conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 2, 2), stride=(1, 1, 1))",
    f"{F}conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 2, 2), stride=0, padding=-1)",
    f"{F}conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 2, 2), padding=-1, dilation=0)",
    f"{F}conv_transpose2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 2, 2), output_padding=-1, stride=0)",
    # zero sizes: the weight's, the kernel's, the dilation; an empty batch convolves
    *(f"{F}{fn}{n}d(torch.ones({x}), torch.ones({w}){kw})"
      for n, x in ((1, "1, 1, 4"), (2, "1, 1, 4, 4"), (3, "1, 1, 3, 3, 3"))
      for fn, w, kw in (("conv", (1, 1) + (2,) * n, ", dilation=0"),
                        ("conv", (1, 1, 0) + (2,) * (n - 1), ""),
                        ("conv", (1, 1, 0) + (2,) * (n - 1), ", dilation=0"),
                        ("conv", (0, 1) + (2,) * n, ""), ("conv_transpose", (0, 1) + (2,) * n, ""),
                        ("conv_transpose", (1, 0) + (2,) * n, ""),
                        ("conv_transpose", (1, 1) + (2,) * n, ", dilation=0"),
                        ("conv_transpose", (1, 1, 0) + (2,) * (n - 1), ""),
                        ("conv_transpose", (1, 1) + (2,) * n, ", output_padding=1"))),
    f"{F}conv3d(torch.ones(1, 2, 3, 3, 3), torch.ones(1, 2, 0, 0, 0), stride=2, dilation=2)",
    f"{F}conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 0, 2), dilation=2)",
    f"{F}conv1d(torch.ones(0, 2, 3), torch.ones(2, 2, 2), stride=(2,), padding=1, dilation=0)",
    f"{F}conv2d(torch.ones(4, 4), torch.ones(1, 2, 2, 2), stride=2, padding=\"same\")",
    f"{F}conv2d(torch.ones(1, 2, 5, 5), torch.ones(1, 2, 1, 1, 1), stride=2, padding=\"same\")",
    f"{F}conv3d(torch.ones(1, 2, 5, 5, 5), torch.ones(2, 2, 2, 2, 2), stride=2, "
    "dilation=(1, -1, 2, 1), padding=\"same\")",
    f"{F}conv3d(torch.ones(1, 2, 3, 3, 3), torch.ones(1, 2, 2, 2, 2), stride=(-1, -1, 1, -1), "
    "padding=\"same\")",
    f"{F}conv1d(torch.ones(2, 4), torch.ones(1, 2, 0), padding=\"same\")",
    f"{F}conv_transpose3d(torch.ones(1, 2, 5, 5, 5), torch.ones(2, 2, 2, 2, 2), torch.ones(1))",
    f"{F}conv2d(torch.ones(0, 1, 4, 4), torch.ones(1, 1, 2, 2))",
    f"{F}conv_transpose2d(torch.ones(0, 1, 4, 4), torch.ones(1, 1, 2, 2))",
    f"{F}conv_transpose2d(torch.ones(1, 3, 4, 4), torch.ones(3, 1, 2, 2), groups=2)",
    # a number beside float16, bfloat16, float32, float64 and integer tensors: read in the
    # opmath type (float32 for the half types), refused where it does not fit there
    *(f"torch.{fn}({t}, {t}, {t}, value={v})" for fn in ("addcmul", "addcdiv")
      for t in (H, f"{H}.bfloat16()", "x", "d") for v in ("1e39", "1j", "2**70")),
    *(f"torch.lerp({t}, {t}, {v})" for t in (H, f"{H}.bfloat16()", "x", "d")
      for v in ("1e39", "1e6", "1j", "2**70")),
    f"{H}.lerp_({H}, 1e6)", f"{H}.addcmul_({H}, {H}, value=1e39)", f"x.clone().addcdiv_(x, x, value=1e39)",
    f"torch.addcmul({H}, {H}, {H}, value=70000)", f"torch.addcmul({H}.bfloat16(), {H}, {H}, value=70000.)",
    "torch.addcmul(x.bfloat16(), x.bfloat16(), 3 * x.bfloat16(), value=70000.)",
    "torch.addcmul(n.int(), n.int(), n.int(), value=1.5)", "torch.addcmul(n.int(), n.int(), n.int(), value=2**40)",
    "torch.addcmul(n, n, n, value=1e39)", "torch.addcmul(n, n, n, value=2.5)", "torch.addcmul(b, b, b, value=2)",
    "torch.addcmul(x, x, x, value=1 + 0j)", "torch.addcmul(z, z, z, value=1e39)",
    f"torch.lerp({H}, {H}, torch.tensor(1e6))", "torch.lerp(x, y[:3], 0.49999999)",
    # add's and sub's alpha: in the result's own dtype (no opmath), bool only for bool
    f"torch.add({H}, {H}, alpha=1e6)", f"torch.sub({H}, {H}, alpha=70000)",
    "torch.add(x.bfloat16(), x.bfloat16(), alpha=1e39)", "torch.add(x, x, alpha=1e39)",
    "torch.add(d, d, alpha=1e39)", "torch.add(x.half(), 2.0, alpha=1e6)",
    "x.half().add_(x.half(), alpha=1e6)", "torch.add(n.int(), n.int(), alpha=2**40)",
    "torch.rsub(x.half(), x.half(), alpha=1e6)", "torch.add(x.half(), x, alpha=1e6)",
    "torch.add(x.half(), x.half(), alpha=1e6j)", "torch.add(x.half(), x.half(), alpha=float(\"inf\"))",
    "n.clone().add_(n, alpha=1.5)", "x.clone().add_(x, alpha=True)", "torch.add(b, b, alpha=2)",
    "torch.rsub(n, n, alpha=1.5)", "x.clone().sub_(x, alpha=2**70)",
]
