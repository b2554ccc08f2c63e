"""torch.nn: Module and Parameter, layers, containers, losses, ``init``, ``functional``
and ``utils``.

    >>> net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU())
    >>> [name for name, _ in net.named_parameters()]
    ['0.weight', '0.bias']
"""
from . import functional  # noqa: F401
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter  # noqa: F401
from .modules import *  # noqa: F401,F403
from .modules import __all__ as _modules_all  # noqa: F401
from . import attention, init, parallel, utils  # noqa: F401
from .parallel import DataParallel  # noqa: F401
