"""The sets a distribution's parameters and samples live in, printed as torch prints them;
``check`` answers elementwise (a bool tensor, reduced over the event dims it covers)."""

__all__ = ["Constraint", "boolean", "greater_than", "greater_than_eq", "half_open_interval",
           "independent", "integer_interval", "interval", "less_than", "lower_cholesky",
           "nonnegative", "nonnegative_integer", "one_hot", "positive", "positive_definite",
           "real", "real_vector", "simplex", "unit_interval"]


class Constraint:
    is_discrete = False
    event_dim = 0

    def check(self, value):
        raise NotImplementedError

    def __repr__(self):
        return type(self).__name__[1:] + "()"


class _Dependent(Constraint):
    """A support that depends on the parameters (Uniform's interval): never checked here."""

    def __init__(self, is_discrete=False, event_dim=0):
        self.is_discrete, self.event_dim = is_discrete, event_dim

    def check(self, value):
        raise ValueError("Cannot determine validity of dependent constraint")


def is_dependent(constraint):
    return isinstance(constraint, _Dependent)


class _Real(Constraint):
    def check(self, value):
        return value == value  # everything but nan


class _Boolean(Constraint):
    is_discrete = True

    def check(self, value):
        return (value == 0) | (value == 1)


class _Bound(Constraint):
    """A bound on one or both sides; the fields and the name as torch prints them."""

    def __init__(self, name, lower=None, upper=None, test=None, integer=False):
        self._name, self.lower_bound, self.upper_bound = name, lower, upper
        self._test, self.is_discrete = test, integer

    def check(self, value):
        ok = self._test(value, self.lower_bound, self.upper_bound)
        return ok & (value % 1 == 0) if self.is_discrete else ok

    def __repr__(self):
        fields = ([f"lower_bound={_shown(self.lower_bound)}"]
                  if self.lower_bound is not None else [])
        if self.upper_bound is not None:
            fields.append(f"upper_bound={_shown(self.upper_bound)}")
        return f"{self._name}({', '.join(fields)})"


def _shown(bound):
    """A bound as torch formats it: a 0-dim tensor by its value."""
    dim = getattr(bound, "dim", None)
    return format(bound.item()) if dim is not None and dim() == 0 else str(bound)


def greater_than(lower_bound):
    return _Bound("GreaterThan", lower_bound, test=lambda v, lo, hi: lo < v)


def greater_than_eq(lower_bound):
    return _Bound("GreaterThanEq", lower_bound, test=lambda v, lo, hi: lo <= v)


def less_than(upper_bound):
    return _Bound("LessThan", upper=upper_bound, test=lambda v, lo, hi: v < hi)


def interval(lower_bound, upper_bound):
    return _Bound("Interval", lower_bound, upper_bound,
                  test=lambda v, lo, hi: (lo <= v) & (v <= hi))


def half_open_interval(lower_bound, upper_bound):
    return _Bound("HalfOpenInterval", lower_bound, upper_bound,
                  test=lambda v, lo, hi: (lo <= v) & (v < hi))


def integer_interval(lower_bound, upper_bound):
    return _Bound("IntegerInterval", lower_bound, upper_bound, integer=True,
                  test=lambda v, lo, hi: (lo <= v) & (v <= hi))


class _Simplex(Constraint):
    event_dim = 1

    def check(self, value):
        return (value >= 0).all(-1) & ((value.sum(-1) - 1).abs() < 1e-6)


class _OneHot(Constraint):
    is_discrete = True
    event_dim = 1

    def check(self, value):
        return ((value == 0) | (value == 1)).all(-1) & (value.sum(-1) == 1)


class _LowerCholesky(Constraint):
    event_dim = 2

    def check(self, value):
        lower = (value.tril() == value).reshape(value.shape[:-2] + (-1,)).min(-1)[0]
        return lower & (value.diagonal(dim1=-2, dim2=-1) > 0).min(-1)[0]


class _PositiveDefinite(Constraint):
    event_dim = 2

    def check(self, value):
        from .. import linalg  # (torch.linalg sits above this package's layer)
        return linalg.eigvalsh(value).gt(0).all(-1)


class _Independent(Constraint):
    """A constraint over the last ``reinterpreted_batch_ndims`` dims as one event."""

    def __init__(self, base_constraint, reinterpreted_batch_ndims):
        self.base_constraint = base_constraint
        self.reinterpreted_batch_ndims = reinterpreted_batch_ndims
        self.is_discrete = base_constraint.is_discrete
        self.event_dim = base_constraint.event_dim + reinterpreted_batch_ndims

    def check(self, value):
        ok = self.base_constraint.check(value)
        n = self.reinterpreted_batch_ndims
        if n:
            ok = ok.reshape(ok.shape[:ok.dim() - n] + (-1,)).all(-1)
        return ok

    def __repr__(self):
        return f"IndependentConstraint({self.base_constraint!r}, {self.reinterpreted_batch_ndims})"


dependent = _Dependent()
real = _Real()
boolean = _Boolean()
positive = greater_than(0.0)
nonnegative = greater_than_eq(0.0)
unit_interval = interval(0.0, 1.0)
nonnegative_integer = _Bound("IntegerGreaterThan", 0, integer=True,
                             test=lambda v, lo, hi: lo <= v)
simplex = _Simplex()
one_hot = _OneHot()
lower_cholesky = _LowerCholesky()
positive_definite = _PositiveDefinite()
independent = _Independent
real_vector = _Independent(real, 1)
