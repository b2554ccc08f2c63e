"""Tensor printing that reproduces ``torch.Tensor.__repr__`` character for character.

This module works on plain NumPy arrays and knows nothing about dyngrad's
``Tensor`` class; the tensor class supplies the array, torch's dtype spelling and
the handful of facts only it knows (see :func:`tensor_repr`).

The logic follows torch's ``torch/_tensor_str.py`` (strided, dense CPU tensors
only): a ``_Formatter`` chooses integer / fixed / scientific notation and a
common column width from the (possibly summarised) values, then the nested
lists are laid out recursively, and finally the ``size=``/``dtype=``/user
suffixes are appended with torch's line-break rule.

All number -> text conversions go through *Python* ``int``/``float``/``complex``
objects (``ndarray.tolist()`` / ``.item()``), exactly as torch does, so that
float16/float32 values are printed from their exact double value with Python's
own rounding.
"""

import contextlib
import dataclasses
import math

import numpy as np  # prints a host copy (Tensor.__repr__: _backend.to_numpy)

__all__ = [
    "PRINT_OPTS",
    "set_printoptions",
    "get_printoptions",
    "printoptions",
    "tensor_repr",
    "format_scalar",
    "tensor_format",
]


@dataclasses.dataclass
class _PrinterOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrinterOptions()

# Real floating dtypes as spelled by ``str(torch.dtype)``.  Used only to derive
# torch's (different) dtype rule for empty tensors from the caller's flag.
_REAL_FLOAT_NAMES = frozenset(
    {"torch.float16", "torch.bfloat16", "torch.float32", "torch.float64"}
)
# dtypes torch leaves implicit when the default dtype is float32.
_IMPLICIT_WITH_FLOAT32_DEFAULT = frozenset(
    {"torch.float32", "torch.complex64", "torch.int64", "torch.bool"}
)


def set_printoptions(
    precision=None,
    threshold=None,
    edgeitems=None,
    linewidth=None,
    profile=None,
    sci_mode=None,
):
    """Same semantics as ``torch.set_printoptions``.

    ``profile`` ('default', 'short', 'full') is applied first, then any explicit
    option overrides it.  Note the torch quirk: ``sci_mode`` is *always*
    assigned, so any call that omits it resets it to ``None`` (automatic).
    """
    if profile is not None:
        if profile == "default":
            PRINT_OPTS.precision = 4
            PRINT_OPTS.threshold = 1000
            PRINT_OPTS.edgeitems = 3
            PRINT_OPTS.linewidth = 80
        elif profile == "short":
            PRINT_OPTS.precision = 2
            PRINT_OPTS.threshold = 1000
            PRINT_OPTS.edgeitems = 2
            PRINT_OPTS.linewidth = 80
        elif profile == "full":
            PRINT_OPTS.precision = 4
            PRINT_OPTS.threshold = math.inf
            PRINT_OPTS.edgeitems = 3
            PRINT_OPTS.linewidth = 80
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """Current options as a dict usable as ``set_printoptions(**opts)``."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change the print options (like ``torch._tensor_str.printoptions``)."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


# --------------------------------------------------------------------------
# number formatting
# --------------------------------------------------------------------------


class _Formatter:
    """Chooses notation and column width for one real-valued array.

    For a complex tensor torch builds two of these, one for the real parts and
    one for the imaginary parts, so the two columns are formatted independently.
    """

    def __init__(self, arr):
        self.floating = arr.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = arr.reshape(-1)

        if not self.floating:
            if flat.size:
                if flat.dtype.kind == "b":
                    strs = [str(bool(v)) for v in np.unique(flat).tolist()]
                else:
                    # str(int) length grows with magnitude (+1 for '-'), so
                    # the extremes give the widest strings.
                    strs = [str(int(flat.min())), str(int(flat.max()))]
                self.max_width = max(self.max_width, *map(len, strs))
            return

        # Only nonzero finite values decide the notation and the width; zeros,
        # infs and nans are simply right-aligned to whatever width results.
        vals = flat[np.isfinite(flat) & (flat != 0)]
        if vals.size == 0:
            # torch returns early: int mode, width 1, even if sci_mode=True
            # was requested.  So all-zero/inf/nan tensors print as `0.`, `inf`.
            return

        # ratio / bounds are evaluated in float64 (float16 would overflow).
        absv = np.abs(vals).astype(np.float64)
        vmin = float(absv.min())
        vmax = float(absv.max())
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = vmax / vmin > 1000.0 or vmax > 1.0e8 or vmin < 1.0e-4
        else:
            self.sci_mode = PRINT_OPTS.sci_mode

        prec = PRINT_OPTS.precision
        uniq = np.unique(vals).tolist()  # identical strings for equal values
        if self.sci_mode:
            width = max(len(f"{v:.{prec}e}") for v in uniq)
        elif self.int_mode:
            # +1 for the trailing '.' that marks a float tensor.
            width = max(len(f"{v:.0f}") for v in uniq) + 1
        else:
            width = max(len(f"{v:.{prec}f}") for v in uniq)
        self.max_width = max(self.max_width, width)

    def width(self):
        return self.max_width

    def format(self, value):
        """Format one Python scalar, right-aligned to the column width."""
        if self.floating:
            prec = PRINT_OPTS.precision
            if self.sci_mode:
                ret = f"{value:{self.max_width}.{prec}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{value:.{prec}f}"
        else:
            ret = f"{value}"
        return (self.max_width - len(ret)) * " " + ret


def _join_complex(real_str, imag_str):
    # The imaginary column's padding is stripped; a sign already present
    # ('-', or the '-' of '-0.') is used as the joiner, otherwise '+'.
    imag_str = (imag_str + "j").lstrip()
    if imag_str[0] in "+-":
        return real_str + imag_str
    return real_str + "+" + imag_str


def _element_str(value, fmt1, fmt2):
    if fmt2 is None:
        return fmt1.format(value)
    return _join_complex(fmt1.format(value.real), fmt2.format(value.imag))


def _vector_str(arr, indent, summarize, fmt1, fmt2):
    # Per-element budget counts the ", " separator; complex adds the imaginary
    # column plus its 'j'.
    element_length = fmt1.width() + 2
    if fmt2 is not None:
        element_length += fmt2.width() + 1
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))

    edge = PRINT_OPTS.edgeitems
    if summarize and not edge:
        data = ["..."]
    elif summarize and arr.shape[0] > 2 * edge:
        data = (
            [_element_str(v, fmt1, fmt2) for v in arr[:edge].tolist()]
            # " ..." counts as one element when chunking into lines.
            + [" ..."]
            + [_element_str(v, fmt1, fmt2) for v in arr[-edge:].tolist()]
        )
    else:
        data = [_element_str(v, fmt1, fmt2) for v in arr.tolist()]

    lines = [", ".join(data[i : i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(arr, indent, summarize, fmt1, fmt2):
    ndim = arr.ndim
    if ndim == 0:
        return _element_str(arr.item(), fmt1, fmt2)
    if ndim == 1:
        return _vector_str(arr, indent, summarize, fmt1, fmt2)

    edge = PRINT_OPTS.edgeitems
    n = arr.shape[0]
    if summarize and n > 2 * edge:
        # With edgeitems == 0 this degenerates to just "..." (torch's "[...]").
        rows = (
            [_nested_str(arr[i], indent + 1, summarize, fmt1, fmt2) for i in range(edge)]
            + ["..."]
            + [
                _nested_str(arr[i], indent + 1, summarize, fmt1, fmt2)
                for i in range(n - edge, n)
            ]
        )
    else:
        rows = [_nested_str(arr[i], indent + 1, summarize, fmt1, fmt2) for i in range(n)]
    # ndim-1 newlines: 2-D rows are adjacent, 3-D blocks get one blank line, ...
    return "[" + ("," + "\n" * (ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def _summarized(arr):
    """The values that remain visible after summarisation (feeds the formatter)."""
    edge = PRINT_OPTS.edgeitems
    if arr.ndim == 0:
        return arr
    if arr.ndim == 1:
        if arr.shape[0] > 2 * edge:
            # torch quirk: with edgeitems == 0, `x[-0:]` is the whole vector,
            # so the formatter then sees every value.
            return np.concatenate((arr[:edge], arr[-edge:]))
        return arr
    if not edge:
        return arr[(slice(0, 0),) * arr.ndim]
    n = arr.shape[0]
    if n > 2 * edge:
        idx = list(range(edge)) + list(range(n - edge, n))
    else:
        idx = range(n)
    return np.stack([_summarized(arr[i]) for i in idx])


def _tensor_str(arr, indent):
    if arr.size == 0:
        return "[]"
    summarize = arr.size > PRINT_OPTS.threshold
    pick = _summarized if summarize else (lambda x: x)
    if arr.dtype.kind == "c":
        fmt1 = _Formatter(pick(arr.real))
        fmt2 = _Formatter(pick(arr.imag))
    else:
        fmt1 = _Formatter(pick(arr))
        fmt2 = None
    return _nested_str(arr, indent, summarize, fmt1, fmt2)


def _add_suffixes(text, suffixes, indent, force_newline=False):
    parts = [text]
    # torch's own (slightly generous) measure of the last line: it is 2 more
    # than the real length when `text` has no newline, 1 more otherwise.
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if force_newline or last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
            force_newline = False
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


# --------------------------------------------------------------------------
# public entry points
# --------------------------------------------------------------------------


def tensor_repr(data, dtype_name, show_dtype, suffixes=(), prefix="tensor("):
    """Return exactly what ``repr(t)`` / ``str(t)`` gives for a dense CPU torch tensor.

    Parameters
    ----------
    data : numpy.ndarray
        The tensor's values (any shape, including 0-dim and size 0).  Its NumPy
        dtype must correspond to ``dtype_name``.
    dtype_name : str
        torch's spelling, ``str(torch_dtype)``, e.g. ``'torch.float64'``.
    show_dtype : bool or None
        **Caller decides**, with torch's rule for *non-empty* tensors:
        ``True`` iff the dtype is NOT one of ``torch.get_default_dtype()``, its
        complex counterpart (float32 -> complex64, float64 -> complex128),
        ``torch.int64`` or ``torch.bool``.
        Pass that same flag for empty tensors too; this function derives
        torch's different empty-tensor rule from it (an empty tensor shows
        ``dtype=`` unless its dtype *is* the default float dtype, so
        ``torch.tensor([], dtype=torch.int64)`` prints ``dtype=torch.int64``).
        ``None`` applies the rule assuming the default dtype is float32.
    suffixes : sequence of str
        Extra ``key=value`` strings torch appends after ``dtype=``, in torch's
        order: ``'grad_fn=<MulBackward0>'`` if the tensor has a grad_fn,
        otherwise ``'requires_grad=True'`` if it requires grad (never both),
        then e.g. ``'tangent=...'``.  They go on a new line indented to the
        prefix width when the line would otherwise exceed ``linewidth``.
    prefix : str
        Opening text; ``'tensor('`` for plain tensors and ``Parameter``,
        ``'<SubclassName>('`` for tensor subclasses.  Continuation lines are
        indented by the length of the prefix's last line, so a multi-line
        prefix such as ``'Parameter containing:\\ntensor('`` gives exactly
        ``'Parameter containing:\\n' + repr(tensor)`` as torch's Parameter does.

    Everything else is done here: the ``size=(...)`` suffix (for an empty
    tensor unless it is 1-D, and for any non-empty tensor when
    ``edgeitems == 0``), the order ``size``, ``dtype``, then ``suffixes``,
    summarisation, notation choice and line breaking.  No ``device=`` suffix
    is ever produced (CPU is torch's default device, where it is omitted).
    """
    arr = np.asarray(data)
    if arr.dtype.kind == "V":  # bfloat16 and float8 (ml_dtypes): printed from exact values
        arr = arr.astype(np.float32)
    nl = prefix.rfind("\n")
    indent = len(prefix) - (nl + 1)

    if show_dtype is None:
        show_dtype = dtype_name not in _IMPLICIT_WITH_FLOAT32_DEFAULT

    extra = []
    if arr.size == 0:
        # Empty: shape is only shown when it is not (0,), as NumPy does, and the
        # dtype is shown unless it is the default float dtype (nothing to infer
        # an int64/bool/complex dtype from).  With the caller's non-empty flag,
        # "hidden but not a real float" means int64, bool or default complex.
        if arr.ndim != 1:
            extra.append("size=" + str(tuple(int(s) for s in arr.shape)))
        if show_dtype or dtype_name not in _REAL_FLOAT_NAMES:
            extra.append("dtype=" + dtype_name)
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            # nothing but "..." is shown, so torch reports the shape.
            extra.append("size=" + str(tuple(int(s) for s in arr.shape)))
        if show_dtype:
            extra.append("dtype=" + dtype_name)
        body = _tensor_str(arr, indent)

    extra.extend(suffixes)
    return _add_suffixes(prefix + body, extra, indent)


def meta_repr(shape, dtype_name, suffixes):
    """``repr(t)`` of a meta tensor, which has no values: ``tensor(..., device='meta',
    size=(2, 3))``, with ``dtype=`` for any dtype but the default float dtype (pass its
    name, or False), then ``suffixes`` as for :func:`tensor_repr`."""
    extra = ["device='meta'", "size=" + str(tuple(int(s) for s in shape))]
    if dtype_name:
        extra.append("dtype=" + dtype_name)
    return _add_suffixes("tensor(...", extra + list(suffixes), len("tensor("))


def sparse_repr(sparse, dtype_name, show_dtype, suffixes=()):
    """``repr`` of a sparse COO tensor, as torch prints it: its indices and values (the
    arrays as stored, not coalesced) on lines of their own, then size, nnz, dtype, layout
    and the caller's suffixes (grad_fn or requires_grad), the first on a new line."""
    indent = len("tensor(")
    parts = []
    for name, arr in (("indices", sparse.indices), ("values", sparse.values)):
        arr = np.asarray(arr)
        if arr.dtype.kind == "V":
            arr = arr.astype(np.float32)
        prefix = name + "=tensor("
        body = _tensor_str(arr, indent + len(prefix))
        if arr.size == 0:
            body += ", size=" + str(tuple(int(s) for s in arr.shape))
        parts.append(prefix + body + ")")
    extra = ["size=" + str(tuple(int(s) for s in sparse.shape)), f"nnz={sparse.nnz}"]
    if show_dtype:
        extra.append("dtype=" + dtype_name)
    extra.append("layout=torch.sparse_coo")
    extra.extend(suffixes)
    text = "tensor(" + (",\n" + " " * indent).join(parts)
    return _add_suffixes(text, extra, indent, force_newline=True)


def format_scalar(data, format_spec=""):
    """``format(t, spec)`` for a 0-dim tensor: formats the Python scalar ``t.item()``.

    So ``f"{t:.3f}"`` -> ``'1.500'`` and ``format(t)`` -> ``str(t.item())``
    (``'1.5'``, ``'3'``, ``'True'``, ``'(1+2j)'``), not the tensor repr.
    """
    arr = np.asarray(data)
    if arr.ndim != 0:
        raise ValueError("format_scalar expects a 0-dim array")
    return format(arr.item(), format_spec)


def tensor_format(data, format_spec, repr_text, type_name="Tensor"):
    """Full ``Tensor.__format__``.

    0-dim -> :func:`format_scalar`.  Otherwise torch falls back to
    ``object.__format__``: an empty spec returns ``str(t)`` (``repr_text``,
    a string or a zero-argument callable returning it), any other spec raises
    ``TypeError``.  (torch only takes the 0-dim path for exact ``Tensor``
    instances; a caller with subclasses/Parameters should skip it for them.)
    """
    arr = np.asarray(data)
    if arr.ndim == 0:
        return format_scalar(arr, format_spec)
    if format_spec:
        raise TypeError(f"unsupported format string passed to {type_name}.__format__")
    return repr_text() if callable(repr_text) else repr_text
