"""Which dtypes torch's CPU kernels have: the refusal torch's dispatch gives a dtype its
kernel was not compiled for, ``"elu_cpu" not implemented for 'ComplexFloat'``.

NumPy computes almost anything on almost any dtype (a complex softmax, an integer elu),
so a forward whose torch kernel lacks a dtype asks here first. The kinds are NumPy's
letters, with ``V`` for bfloat16 (ml_dtypes).
"""
from . import _backend
from . import _dtype as _dt

FLOATING = "fV"                 # float16, bfloat16, float32, float64
FLOATING_COMPLEX = "fVc"
NUMERIC = "iufV"                # every real dtype but bool
NUMERIC_COMPLEX = "iufVc"
ALL_BUT_COMPLEX = "biufV"


def check_kernel(a, kernel, kinds, refusal=None):
    """Raise torch's NotImplementedError when the dtype of ``a`` (an array, or an array
    dtype: the one operands promote to) is not of ``kinds``. ``refusal``: torch's own
    words instead, where an op refuses the dtype before its kernel is looked up
    ("floor is not supported for complex inputs")."""
    dtype = getattr(a, "dtype", a)
    if _backend.kind(dtype) not in kinds:
        if refusal is not None:
            raise NotImplementedError(refusal)
        raise NotImplementedError(f'"{kernel}" not implemented for '
                                  f"'{_dt.of_array_dtype(dtype)._cname}'")
    return a
