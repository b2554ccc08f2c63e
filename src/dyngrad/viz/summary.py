"""How a value is written in a drawing or a trace: short, one line, summarised when big."""
import numpy as np  # drawings read host copies (as_array)

from .. import _backend


def as_array(value):
    """The array behind a Tensor, an array, or a Python number (None stays None)."""
    if value is None:
        return None
    data = getattr(value, "_data", None)
    if data is not None:
        return _backend.to_numpy(data)
    if isinstance(value, np.ndarray) or np.isscalar(value):
        return np.asarray(value)
    return None


def snapshot(value):
    """A private copy of a gradient in flight (the engine may add into it later)."""
    a = as_array(value)
    return None if a is None else np.array(a, copy=True)


def shape_str(shape):
    """Sizes as torchviz writes them: ``(2, 3)``; ``()`` for a scalar."""
    return "(" + ", ".join("%d" % s for s in shape) + ")"


def value_str(value, threshold=8):
    """One line: the numbers when few, else shape and range."""
    a = as_array(value)
    if a is None:
        if isinstance(value, (tuple, list)) or type(value).__name__ == "Size":
            return str(tuple(value))
        return str(value)
    if a.ndim == 0:
        return _scalar(a)
    if a.size <= threshold:
        return np.array2string(a, precision=4, separator=", ", floatmode="maxprec",
                               max_line_width=10 ** 6).replace("\n", "")
    if a.dtype.kind in "fiub":
        f = a.astype(float)
        return (f"{shape_str(a.shape)} min {_scalar(f.min())} max {_scalar(f.max())} "
                f"mean {_scalar(f.mean())} norm {_scalar(np.sqrt(np.sum(f * f)))}")
    return shape_str(a.shape)


def _scalar(a):
    a = np.asarray(a)
    if a.dtype.kind == "b":
        return str(bool(a))
    if a.dtype.kind in "iu":
        return str(int(a))
    if a.dtype.kind == "c":
        return str(complex(a))
    return np.format_float_positional(float(a), precision=4, trim="-")
