"""torch.special: special functions, with torch's gradients.

    >>> import dyngrad as torch
    >>> torch.special.expit(torch.tensor([0.]))
    tensor([0.5000])
"""
from ..ops import FUNCTIONS as _F
from ..ops.special import SPECIAL as _SPECIAL

globals().update(_SPECIAL)
# the ones torch.special shares with the top-level namespace
for _name, _top in (("expit", "sigmoid"), ("logit", "logit"), ("xlogy", "xlogy"),
                    ("sinc", "sinc"), ("exp2", "exp2"), ("expm1", "expm1"), ("log1p", "log1p"),
                    ("erf", "erf"), ("round", "round"), ("logsumexp", "logsumexp"),
                    ("softmax", "softmax"), ("log_softmax", "log_softmax")):
    globals()[_name] = _F[_top]
del _name, _top
