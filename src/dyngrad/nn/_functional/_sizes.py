"""Size arguments as torch's layers take them: one number for every spatial dim, or one
per dim."""


def ntuple(value, n):
    """``value`` as an n-tuple: a tuple or list kept (as a tuple), a number repeated."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


def ntuples(n, *values):
    """Each of a layer's size arguments as an n-tuple (ntuple); a None (not given) or a
    string (padding="same") kept as it is."""
    return tuple(v if v is None or isinstance(v, str) else ntuple(v, n) for v in values)
