"""torch.fx._symbolic_trace: where generated code finds ``wrap`` and the checks of
specialised (concrete) arguments."""
from .. import _assert  # noqa: F401  (torch._assert, at the package's top)
from .proxy import Tracer, symbolic_trace, wrap  # noqa: F401


def _assert_is_none(value, msg):
    assert value is None, msg
