"""Size arguments as torch's layers take them: one number for every spatial dim, or one
per dim."""


def ntuple(value, n):
    """``value`` as an n-tuple: a tuple or list kept (as a tuple), a number repeated."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n
