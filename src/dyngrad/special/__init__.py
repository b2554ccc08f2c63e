"""torch.special: special functions, with torch's gradients.

    >>> import dyngrad as torch
    >>> torch.special.expit(torch.tensor([0.]))
    tensor([0.5000])
"""
from ..ops import FUNCTIONS as _F, _checked
from ..ops.bessel import SPECIAL as _BESSEL
from ..ops.orthogonal_polynomials import SPECIAL as _POLYNOMIALS
from ..ops.out import with_out as _with_out
from ..ops.special import SPECIAL as _SPECIAL
from ..tensor import Tensor  # noqa: F401  (torch.special.Tensor is torch.Tensor)

_UNARY = ["Tensor input, *, Tensor out = None"]
_POLYNOMIAL = ["Tensor x, Tensor n, *, Tensor out = None",
               "Number x, Tensor n, *, Tensor out = None",
               "Tensor x, Number n, *, Tensor out = None"]
# torch's argument checks and out= for the functions only torch.special has
_SIGNATURES = {
    **dict.fromkeys(_BESSEL, _UNARY), **dict.fromkeys(_POLYNOMIALS, _POLYNOMIAL),
    "erfcx": _UNARY,
    "xlog1py": ["Tensor input, Tensor other, *, Tensor out = None",
                "Number self, Tensor other, *, Tensor out = None",
                "Tensor input, Number other, *, Tensor out = None"],
    "gammainc": ["Tensor input, Tensor other, *, Tensor out = None"],
    "gammaincc": ["Tensor input, Tensor other, *, Tensor out = None"],
}


def _public(name, fn):
    signatures = _SIGNATURES.get(name)
    if signatures is None:
        return fn
    return _checked("special_" + name, _with_out("special_" + name, fn), signatures, False)


globals().update({name: _public(name, fn) for name, fn in
                  {**_SPECIAL, **_BESSEL, **_POLYNOMIALS}.items()})
# the ones torch.special shares with the top-level namespace
for _name, _top in (("expit", "sigmoid"), ("logit", "logit"), ("xlogy", "xlogy"),
                    ("sinc", "sinc"), ("exp2", "exp2"), ("expm1", "expm1"), ("log1p", "log1p"),
                    ("erf", "erf"), ("round", "round"), ("logsumexp", "logsumexp"),
                    ("softmax", "softmax"), ("log_softmax", "log_softmax")):
    globals()[_name] = _F[_top]
del _name, _top
