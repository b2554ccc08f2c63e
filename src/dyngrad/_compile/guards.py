"""Guards: when a plan may run instead of the function.

A plan was recorded under what the call could see: its arguments' shapes, dtypes, strides
and requires_grad, whether each tensor had a ``.grad``, the Python numbers and strings
among the arguments, the grad mode, each module's ``training`` flag and number-valued
settings (dropout's ``p``, batch norm's ``momentum``), each optimizer's hyperparameters
(``lr`` read as a Python number is one: a new value records a new plan, as torch's guard
on it recompiles) and the layout of its state. The guard is generated as one expression
over those, checked before every replay; anything else the function reads is assumed
unchanged (see the README's list of what the capture does not see).
"""
from .. import _dtype
from .._autocast_state import STATE as _autocast
from .._autograd_state import DUAL as _DUAL, state as _gstate
from ..tensor import Tensor
from .codecache import code_of

_PLAIN = (int, float, bool, str, type(None))


class Guard:
    """The checks of a recorded call, one generated function of them. Python's compile of
    it waits for the first call that asks (the second call of the function: NOTE [Plans
    made on the second call] in replay.py), so a capture does not pay it (0.3 ms for a
    small model's fifty checks, measured)."""

    def __init__(self, text, checks, env):
        self.text = text
        self.checks = checks  # [(expression, description)] for the reasons of a miss
        self._env = env

    def __getattr__(self, name):
        # ``fn``, the first time it is asked for; an attribute of the instance after that
        if name != "fn":
            raise AttributeError(name)
        exec(code_of(self.text, "<dyngrad.compile guard>"), self._env)
        self.fn = self._env["guard"]
        return self.fn

    def why_not(self, leaves):
        """The first failed check, in words (torch's recompile reason)."""
        env = dict(self._env)
        env["A"] = leaves
        for expr, what in self.checks:
            try:
                if not eval(expr, env):
                    return what
            except Exception:
                return what
        return None


def plain_value(v):
    if type(v) in _PLAIN:
        return True
    return type(v) is tuple and all(type(x) in _PLAIN for x in v)


def build(leaves, spec, sources, found):
    """The checks of a call about to be captured (the state before the call), the
    globals they use and a function naming more of those; ``grad_checks`` adds to them
    after the call, ``finish`` makes the guard."""
    g = {"_gstate": _gstate, "_dtype": _dtype, "Tensor": Tensor, "_DUAL": _DUAL,
         "_autocast": _autocast}
    checks = [(f"len(A) == {len(leaves)}", "the number of arguments changed")]

    def const(obj, prefix="G"):
        k = f"{prefix}{len(g)}"
        g[k] = obj
        return k

    for i, a in enumerate(leaves):
        if isinstance(a, Tensor):
            continue
        if plain_value(a):
            checks.append((f"type(A[{i}]) is {const(type(a))} and A[{i}] == {const(a)}",
                           f"argument {i} changed from {a!r}"))
        else:
            checks.append((f"A[{i}] is {const(a)}", f"argument {i} is another object"))
    for t, kind, i in sources:
        base = f"A[{i}]" if kind == "arg" else const(t, "S")
        what = f"argument {i}" if kind == "arg" else "a tensor the function uses"
        if kind == "arg":
            checks.append((f"type({base}) is {const(type(t))}", f"{what} is not a tensor"))
        d = t._data
        checks.append((f"{base}._data.shape == {d.shape!r}",
                       f"{what}: size mismatch, expected {tuple(d.shape)}"))
        checks.append((f"{base}._data.dtype == {const(d.dtype)}",
                       f"{what}: dtype mismatch, expected {d.dtype}"))
        checks.append((f"{base}._data.strides == {d.strides!r}", f"{what}: stride mismatch"))
        checks.append((f"{base}._requires_grad is {t._requires_grad!r}",
                       f"{what}: requires_grad mismatch, expected {t._requires_grad}"))
        checks.append((f"({base}._grad_fn is None) is {t._grad_fn is None!r}",
                       f"{what}: grad_fn changed"))
    for m in found.modules:
        k = const(m, "M")
        for name, v in m.__dict__.items():
            if plain_value(v):
                checks.append((f"{k}.__dict__.get({name!r}) == {const(v)}",
                               f"{type(m).__name__}.{name} changed from {v!r}"))
        for name, p in list(m._parameters.items()) + list(m._buffers.items()):
            checks.append((f"{k}._parameters.get({name!r}, {k}._buffers.get({name!r})) is "
                           f"{const(p)}", f"{type(m).__name__}.{name} was replaced"))
        checks.append((f"{k}._modules == {const(dict(m._modules))}",
                       f"the submodules of {type(m).__name__} changed"))
    for o in found.optimizers:
        k = const(o, "O")
        checks.append((f"len({k}.param_groups) == {len(o.param_groups)}",
                       "the optimizer's param groups changed"))
        for j, group in enumerate(o.param_groups):
            for name, v in group.items():
                if name != "params" and plain_value(v):
                    checks.append((f"{k}.param_groups[{j}].get({name!r}) == {const(v)}",
                                   f"param_groups[{j}]['{name}'] changed from {v!r}"))
            for p in group["params"]:
                st = o.state.get(p)
                checks.append((f"len({k}.state.get({const(p)}, ())) == "
                               f"{0 if st is None else len(st)}",
                               "the optimizer's state changed"))
    for where, name, v in found.values:
        w = const(where)
        expr = f"{w}.cell_contents" if name is None else f"{w}.get({name!r})"
        checks.append((f"type({expr}) is {const(type(v))} and {expr} == {const(v)}",
                       f"{'a closure value' if name is None else 'global ' + name} changed "
                       f"from {v!r}"))
    checks.append((f"_gstate.enabled is {_gstate.enabled!r}", "grad mode changed"))
    checks.append((f"_gstate.inference is {_gstate.inference!r}", "inference mode changed"))
    checks.append((f"(_DUAL[0] is None) is {_DUAL[0] is None!r}",
                   "a forward-mode AD dual level opened or closed"))
    checks.append(("not _gstate.anomaly and _gstate.saved_hooks is None",
                   "anomaly mode or saved-tensor hooks are on"))
    checks.append((f"_dtype.get_default_dtype() is {const(_dtype.get_default_dtype())}",
                   "the default dtype changed"))
    # CPU autocast decides the dtypes the recorded calls run in
    checks.append((f"_autocast.cpu is {_autocast.cpu!r} and _autocast.dtypes['cpu'] is "
                   f"{const(_autocast.dtypes['cpu'])}", "CPU autocast was turned on or off"))
    return checks, g, const


def grad_checks(checks, const, sources, before, matters):
    """Whether each tensor had a ``.grad`` (and its layout), for the tensors whose
    gradient the call read or changed: only then does the record depend on it."""
    for (t, kind, i), (_, gr, *_rest) in zip(sources, before):
        if id(t) not in matters:
            continue
        base = f"A[{i}]" if kind == "arg" else const(t, "S")
        what = f"argument {i}" if kind == "arg" else "a tensor the function uses"
        if gr is None:
            checks.append((f"{base}._grad is None", f"{what}: has a .grad now"))
        else:
            checks.append((f"{base}._grad is not None and {base}._grad._data.shape == "
                           f"{gr._data.shape!r} and {base}._grad._data.dtype == "
                           f"{const(gr._data.dtype)} and {base}._grad._data.strides == "
                           f"{gr._data.strides!r}", f"{what}: .grad changed"))


def finish(checks, g):
    text = "def guard(A):\n    return (" + "\n            and ".join(e for e, _ in checks) + ")\n"
    return Guard(text, checks, g)
