"""Sampling an input at a grid of points: grid_sampler_2d/3d (GridSampler2DBackward0, ...),
and the affine grids that feed them (AffineGridGeneratorBackward0).

A grid point holds one coordinate in [-1, 1] per spatial dim (x first: the last dim). Each
coordinate becomes a source position ``c`` in pixels, and every mode reads a few pixels
("taps") around it with weights that factor over the dims:

    nearest   1 tap   at round(c)                       weight 1
    bilinear  2 taps  at floor(c), floor(c) + 1         weights 1 - f, f   (f = c - floor c)
    bicubic   4 taps  at floor(c) - 1 ... floor(c) + 2  Keys' cubic weights of f

so a point's value is the sum over every combination of one tap per dim of the product of
the taps' weights times the pixel there (zero outside the input for padding "zeros";
"border" and "reflection" move the position, or for bicubic each tap, back inside). The
input's gradient spreads the incoming gradient back over the same taps; the grid's
gradient is the derivative of the weights, times the pixel values, through the padding
and the [-1, 1] scaling.
"""
import itertools

from .. import _backend
from .._cpu_math import _fma32, _fma64
from ..autograd import grad_mode
from ._low_precision import _BFLOAT16, FORMAT_BOUND, is_low, widen
from ._table import LINEAR, Op
from ..creation import _linspace_values
from ..tensor import Tensor, _wrap
from .linalg import bmm
from .pooling import _plane_strides
from .views import expand, reshape, transpose

xp = _backend.xp
_MODES = ("bilinear", "nearest", "bicubic")
_PADDINGS = ("zeros", "border", "reflection")
_CUBIC_A = -0.75


# -- source positions ---------------------------------------------------------------------
def _unnormalize(g, size, align_corners):
    """[-1, 1] to pixels, and d(pixels)/dg."""
    if align_corners:
        return (g + 1) / 2 * (size - 1), (size - 1) / 2
    return ((g + 1) * size - 1) / 2, size / 2


def _clip(c, size):
    """The position clamped into the input, and its derivative (0 at and beyond a bound)."""
    inside = (c > 0) & (c < size - 1)
    return xp.clip(c, 0, size - 1), inside.astype(c.dtype)


def _reflect(c, size, align_corners):
    """The position mirrored at the input's borders (the pixel centres' span, or the whole
    pixels' when align_corners is False) until it lies inside, and its derivative (+-1)."""
    low, high = (0.0, size - 1.0) if align_corners else (-0.5, size - 0.5)
    if high == low:
        return xp.zeros_like(c), xp.zeros_like(c)
    span = high - low
    d = c - low
    sign = xp.where(d < 0, -1.0, 1.0).astype(c.dtype)
    d = xp.abs(d)
    extra = xp.fmod(d, span)
    even = (xp.floor(d / span) % 2) == 0
    out = xp.where(even, extra + low, span - extra + low)
    return out, xp.where(even, sign, -sign)


def _pad(c, size, padding, align_corners):
    """The padding mode applied to a position: (position, derivative)."""
    if padding == "border":
        return _clip(c, size)
    if padding == "reflection":
        c, d_reflect = _reflect(c, size, align_corners)
        c, d_clip = _clip(c, size)
        return c, d_reflect * d_clip
    return c, xp.ones_like(c)


def _cubic(t):
    """Keys' cubic weights of the four taps at distances t + 1, t, 1 - t, 2 - t, and their
    derivatives with respect to t."""
    a = _CUBIC_A
    near = lambda x: ((a + 2) * x - (a + 3)) * x * x + 1                # noqa: E731
    far = lambda x: ((a * x - 5 * a) * x + 8 * a) * x - 4 * a           # noqa: E731
    d_near = lambda x: (3 * (a + 2) * x - 2 * (a + 3)) * x              # noqa: E731
    d_far = lambda x: (3 * a * x - 10 * a) * x + 8 * a                  # noqa: E731
    weights = [far(t + 1), near(t), near(1 - t), far(2 - t)]
    derivs = [d_far(t + 1), d_near(t), -d_near(1 - t), -d_far(2 - t)]
    return weights, derivs


def _taps(g, size, mode, padding, align_corners):
    """Per dim: a list of (index, weight, d weight / d g, valid) for each tap."""
    c, scale = _unnormalize(g, size, align_corners)
    if mode == "bicubic":
        base = xp.floor(c)
        weights, derivs = _cubic(c - base)
        taps = []
        for k, (w, dw) in enumerate(zip(weights, derivs)):
            # each tap is moved inside by the padding; its weight stays where it was
            pos, _ = _pad(base + (k - 1), size, padding, align_corners)
            taps.append((pos, w, dw * scale))
    else:
        c, d_pad = _pad(c, size, padding, align_corners)
        if mode == "nearest":
            taps = [(xp.rint(c), xp.ones_like(c), xp.zeros_like(c))]
        else:
            base = xp.floor(c)
            f = c - base
            taps = [(base, 1 - f, -d_pad * scale), (base + 1, f, d_pad * scale)]
    out = []
    for pos, w, dw in taps:
        valid = (pos >= 0) & (pos <= size - 1)
        index = xp.where(valid, pos, 0).astype(xp.int64)
        out.append((index, w.astype(g.dtype), dw.astype(g.dtype), valid))
    return out


def _sample_terms(input, grid, mode, padding, align_corners):
    """For every combination of taps: the pixels read (N, C, *out), their weight (N, *out),
    the weight's derivative per grid coordinate, the combination's indices and validity."""
    k = input.ndim - 2
    sizes = input.shape[2:]
    # grid coordinate d (x, y, z) addresses spatial dim k - 1 - d
    per_dim = [_taps(grid[..., k - 1 - s], sizes[s], mode, padding, align_corners)
               for s in range(k)]
    batch = xp.arange(input.shape[0]).reshape((-1,) + (1,) * (grid.ndim - 2))
    for combo in itertools.product(*per_dim):
        indices = tuple(t[0] for t in combo)
        valid = combo[0][3]
        weight = combo[0][1]
        for t in combo[1:]:
            valid = valid & t[3]
            weight = weight * t[1]
        derivs = []
        for s in range(k):
            d = combo[s][2]
            for r, t in enumerate(combo):
                if r != s:
                    d = d * t[1]
            derivs.append(d)
        pixels = xp.moveaxis(input[(batch, slice(None)) + indices], -1, 1)
        yield pixels, weight, derivs, (batch,) + indices, valid


def _grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    mode, padding = _MODES[interpolation_mode], _PADDINGS[padding_mode]
    if input.ndim == 4 and mode != "bicubic" and input.dtype in _KERNEL_ORDER:
        return _planar(input, grid, mode, padding, align_corners)
    if is_low(input):  # (bfloat16 elsewhere: computed in float32, rounded once)
        return _grid_sampler(widen(input), widen(grid), interpolation_mode, padding_mode,
                             align_corners).astype(input.dtype)
    out = xp.zeros(input.shape[:2] + grid.shape[1:-1], input.dtype)
    for pixels, weight, _, _, valid in _sample_terms(input, grid, mode, padding, align_corners):
        out += pixels * xp.where(valid, weight, 0)[:, None]
    return out


# NOTE [grid_sample's rounding]
# torch's 2-D bilinear and nearest kernels work on vectors of the input's dtype, in the
# order below: a position from its grid coordinate as (g + 1) * (size / 2) - 0.5, the
# padding's clamp or reflection, the distances to the neighbours (w = x - floor(x), e = 1 -
# w), the weights as products of two distances (nw = s * e, ...), and the four neighbours
# summed as nw_val * nw + ne_val * ne + sw_val * sw + se_val * se. Its float and double
# builds fuse a multiply and an add into one rounding in the position, the reflection and
# each step of that sum; on bfloat16 every vector operation rounds to bfloat16 (the values
# go to float and back around each one), so no two are fused. _planar does the same steps.
_KERNEL_ORDER = (xp.dtype(xp.float32), xp.dtype(xp.float64), _BFLOAT16)


def _kernel_position(g, size, padding, align_corners, fused):
    """torch's source position of grid coordinate ``g`` (in g's dtype), padding applied."""
    one = g.dtype.type(1)
    if align_corners:
        c = (g + one) * (g.dtype.type(size - 1) / g.dtype.type(2))
    elif fused:
        c = _fused(g + one, g.dtype.type(size) / g.dtype.type(2), g.dtype.type(-0.5))
    else:
        c = (g + one) * (g.dtype.type(size) / g.dtype.type(2)) - g.dtype.type(0.5)
    if padding == "reflection":
        if align_corners and size <= 1:
            return xp.zeros_like(c)
        low = g.dtype.type(0 if align_corners else -0.5)
        twice = g.dtype.type(size - 1 if align_corners else size) * g.dtype.type(2)
        d = xp.abs(c - low)
        flips = xp.trunc(d / twice)
        extra = _fused(-flips, twice, d) if fused else d - flips * twice
        c = xp.minimum(extra, twice - extra) + low
    if padding != "zeros":
        c = xp.minimum(g.dtype.type(size - 1), xp.maximum(c, g.dtype.type(0)))
    return c


def _fused(a, b, c):
    dt = xp.result_type(a, b, c)
    return (_fma32 if dt == xp.float32 else _fma64)(a, b, c).astype(dt, copy=False)


def _planar(input, grid, mode, padding, align_corners):
    """grid_sampler_2d, bilinear or nearest, computed as torch's kernel computes it (NOTE
    [grid_sample's rounding]): (N, C, H, W) input, (N, h, w, 2) grid."""
    n, _, height, width = input.shape
    fused = input.dtype != _BFLOAT16
    x = _kernel_position(grid[..., 0], width, padding, align_corners, fused)
    y = _kernel_position(grid[..., 1], height, padding, align_corners, fused)
    batch = xp.arange(n).reshape(-1, 1, 1)

    def read(row, col):  # (N, h, w, C): the pixels there, zero outside the input
        inside = (row >= 0) & (row < height) & (col >= 0) & (col < width)
        pixels = input[batch, :, xp.clip(row, 0, height - 1), xp.clip(col, 0, width - 1)]
        return xp.where(inside[..., None], pixels, input.dtype.type(0))
    if mode == "nearest":
        out = read(xp.rint(y).astype(xp.int64), xp.rint(x).astype(xp.int64))
    else:
        left, top = xp.floor(x), xp.floor(y)
        w = x - left
        e = input.dtype.type(1) - w
        nn = y - top
        s = input.dtype.type(1) - nn
        col, row = left.astype(xp.int64), top.astype(xp.int64)
        out = None
        for (down, right), weight in zip(((0, 0), (0, 1), (1, 0), (1, 1)),
                                         (s * e, s * w, nn * e, nn * w)):
            term = (read(row + down, col + right), weight[..., None])
            if out is None:
                out = term[0] * term[1]
            else:
                out = _fused(*term, out) if fused else out + term[0] * term[1]
    return xp.moveaxis(out, -1, 1)


def _grid_sampler_backward(grad_output, input, grid, interpolation_mode, padding_mode,
                           align_corners, output_mask):
    mode, padding = _MODES[interpolation_mode], _PADDINGS[padding_mode]
    k = input.ndim - 2
    grad_input = xp.zeros_like(input) if output_mask[0] else None
    grad_grid = xp.zeros_like(grid) if output_mask[1] else None
    for pixels, weight, derivs, index, valid in _sample_terms(input, grid, mode, padding,
                                                              align_corners):
        if grad_input is not None:
            # (N, *out, C) rows added into the pixels they were read from
            spread = xp.moveaxis(grad_output * xp.where(valid, weight, 0)[:, None], 1, -1)
            xp.add.at(grad_input, (index[0], slice(None)) + index[1:], spread)
        if grad_grid is not None:
            read = (grad_output * pixels).sum(1)
            for s in range(k):
                grad_grid[..., k - 1 - s] += xp.where(valid, derivs[s], 0) * read
    return grad_input, grad_grid


def _grads(grad, input, grid, interpolation_mode, padding_mode, align_corners,
           grad_input_mask):
    return backward[input.ndim - 2](grad, input, grid, interpolation_mode, padding_mode,
                                    align_corners, tuple(grad_input_mask))


grid_sampler = {
    k: Op(f"GridSampler{k}DBackward0", _grid_sampler, jvp_name=f"grid_sampler_{k}d",
          input=_grads, grid=_grads) for k in (2, 3)}
# (bfloat16 arrays in as they are: NOTE [grid_sample's rounding])
FORMAT_BOUND.update(grid_sampler.values())


# -- the double backward ---------------------------------------------------------------------
# The backward above is fast array code. Its own derivative is taken from the same sampling
# written with differentiable ops (_sampled): the taps' positions are constants of the
# graph, their weights functions of the grid through the padding and the [-1, 1] scaling,
# with the derivatives the kernels use (zero where a position is clamped to a border). The
# backward is that sampling's vector-Jacobian product, and its derivative a second one:
# both by the engine, so every further order follows.
def _clipped(c, size):
    fixed = c.detach()
    return c.where((fixed > 0) & (fixed < size - 1), fixed.clamp(0, size - 1))


def _reflected(c, size, align_corners):
    low, high = (0.0, size - 1.0) if align_corners else (-0.5, size - 0.5)
    if high == low:
        return c * 0
    span = high - low
    d = (c - low).abs()
    extra = d.fmod(span)
    odd = (d.detach() / span).floor() % 2 != 0
    return (span - extra + low).where(odd, extra + low)


def _padded(c, size, padding, align_corners):
    if padding == "border":
        return _clipped(c, size)
    if padding == "reflection":
        return _clipped(_reflected(c, size, align_corners), size)
    return c


def _taps_of(g, size, mode, padding, align_corners):
    """_taps with differentiable weights: per tap (index, weight or None, valid), the
    index and validity detached tensors. Every value here is a tensor op's (none is read
    off an array), so that the positions are each sample's own under vmap."""
    c, _ = _unnormalize(g, size, align_corners)
    if mode == "bicubic":
        base = c.detach().floor()
        weights, _ = _cubic(c - base)
        taps = [(_padded(base + (k - 1), size, padding, align_corners), w)
                for k, w in enumerate(weights)]
    else:
        c = _padded(c, size, padding, align_corners)
        if mode == "nearest":
            taps = [(c.detach().round(), None)]
        else:
            base = c.detach().floor()
            taps = [(base, 1 - (c - base)), (base + 1, c - base)]
    out = []
    for pos, w in taps:
        valid = (pos >= 0) & (pos <= size - 1)
        out.append((pos.where(valid, 0).long(), w, valid))
    return out


def _sampled(input, grid, mode, padding, align_corners):
    """grid_sampler's forward with Tensor ops (what _grid_sampler computes over arrays):
    each combination of taps read by one gather over the flattened spatial dims."""
    k = input.ndim - 2
    n, c = input.shape[:2]
    sizes = tuple(input.shape[2:])
    per_dim = [_taps_of(grid[..., k - 1 - s], sizes[s], mode, padding, align_corners)
               for s in range(k)]
    out_shape = tuple(grid.shape[1:-1])
    flat_input = input.reshape(n, c, -1)
    out = None
    for combo in itertools.product(*per_dim):
        valid = combo[0][2]
        weight = None
        place = None
        for (pos, w, ok), step in zip(combo, _plane_strides(sizes)):
            valid = valid & ok
            place = pos * step if place is None else place + pos * step
            if w is not None:
                weight = w if weight is None else weight * w
        mask = valid.to(input.dtype)
        weight = mask if weight is None else weight * mask
        at = place.reshape(n, 1, -1).expand(n, c, -1)
        pixels = flat_input.gather(2, at).reshape((n, c) + out_shape)
        term = pixels * weight.unsqueeze(1)
        out = term if out is None else out + term
    return out


def _double_backward(grads, grad_output, input, grid, interpolation_mode, padding_mode,
                     align_corners, grad_input_mask):
    from .. import autograd  # (the engine sits above the op table: called at run time)
    tensors = isinstance(grad_output, Tensor)  # (create_graph's, or a vmap's: Tensors in and out)
    graph = tensors and grad_mode.is_grad_enabled()  # create_graph: a graph out

    def leaf(v):
        # a tensor of its own for each input: the grad_output of a create_graph run is
        # computed from the input and grid, and a gradient taken at them would also run
        # back through it, where these are partial derivatives. A view is its own node
        # and still leads back to the tensor for the next order.
        if graph and v.requires_grad:
            return v.view_as(v)
        t = v.detach() if isinstance(v, Tensor) else _wrap(v)
        t._requires_grad = True  # (the formula's own leaf, inside a transform too)
        return t
    go, x, g = leaf(grad_output), leaf(input), leaf(grid)
    cotangents = [c if c is None or isinstance(c, Tensor) else _wrap(c) for c in grads]
    with grad_mode.enable_grad():
        y = _sampled(x, g, _MODES[interpolation_mode], _PADDINGS[padding_mode], align_corners)
        first = autograd.grad(y, (x, g), go, create_graph=True, allow_unused=True)
        pairs = [(f * c).sum() for f, c in zip(first, cotangents)
                 if f is not None and c is not None]
        wanted = [t for t, m in zip((go, x, g), grad_input_mask) if m]
        found = (autograd.grad(sum(pairs[1:], pairs[0]), wanted, allow_unused=True,
                               create_graph=graph) if pairs else [None] * len(wanted))
    out, found = [], iter(found)
    for m in grad_input_mask:
        # (None where the gradient does not reach: the input, on which the backward's
        # first output does not depend, gets no gradient from it, as in torch)
        d = next(found) if m else None
        out.append(d if d is None or tensors else d._data)
    return out


backward = {
    k: Op(f"GridSampler{k}DBackwardBackward0", _grid_sampler_backward,
          outputs=("grad_input", "grad_grid"), nondiff=("output_mask",),
          grad_output=_double_backward, input=_double_backward, grid=_double_backward)
    for k in (2, 3)}


# -- affine grids -----------------------------------------------------------------------------
def _steps(n, align_corners, dtype):
    """n evenly spaced points across [-1, 1]: the pixel centres (align_corners False) or
    the corner pixels' centres (True)."""
    if n <= 1:
        return xp.zeros(n, dtype)
    steps = _linspace_values(-1, 1, n, xp.dtype(dtype))
    # torch's linspace, then scaled by (n - 1) and divided by n: the same roundings
    return steps if align_corners else steps * dtype.type(n - 1) / dtype.type(n)


def _base_grid(spatial, align_corners, dtype):
    """(prod(spatial), k + 1): each output point's coordinates, x first, and a 1."""
    axes = [_steps(n, align_corners, dtype) for n in spatial]
    mesh = xp.meshgrid(*axes, indexing="ij")
    columns = [m.reshape(-1) for m in reversed(mesh)] + [xp.ones(mesh[0].size, dtype)]
    return xp.stack(columns, 1)


def _affine_grid(theta, size, align_corners):
    spatial = tuple(size[2:])
    base = _base_grid(spatial, align_corners, theta.dtype)
    return xp.matmul(base, theta.swapaxes(1, 2)).reshape((size[0],) + spatial + (len(spatial),))


def _affine_grid_backward(grad, size, align_corners):
    spatial = tuple(size[2:])
    base = _base_grid(spatial, align_corners, getattr(grad, "_data", grad).dtype)
    if isinstance(grad, Tensor):
        base = _wrap(base)      # a constant of the graph, as torch's base grid
    # (N, k + 1, points) @ (N, points, k), transposed: torch's order of operations
    spread = transpose(expand(base, (size[0],) + tuple(base.shape)), 1, 2)
    return transpose(bmm(spread, reshape(grad, (size[0], -1, len(spatial)))), 1, 2)


affine_grid_generator = Op("AffineGridGeneratorBackward0", _affine_grid, jvp=LINEAR,
                           theta=_affine_grid_backward)
