"""torch's Python argument parser: each public function's accepted signatures, declared
once as torch prints them, check a call and explain a refused one in torch's words.

A signature is written as torch's messages show it, e.g.
``"Tensor input, tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None"``;
``tuple of ints[1]`` is a ``tuple of ints`` that also takes a single int (``sum(x, 0)``),
and is printed without the ``[1]``. ``Parser.check`` passes a call some signature
accepts (NumPy's ``axis=``/``keepdims=`` spellings renamed, as torch renames them) and
raises otherwise, choosing between the specific message (one signature plausible by its
argument count) and the "invalid combination of arguments" list, as torch does.
"""
import functools
import inspect
import numbers

from . import _backend
from . import _dtype as _dt
from ._args import type_name, user_stacklevel
from ._size import device
from .tensor import Tensor

xp = _backend.xp

_ALIASES = {"axis": "dim", "keepdims": "keepdim"}  # NumPy's names torch also takes


def _is_tensor(v):
    return isinstance(v, Tensor)


def _is_tensor_or_number(v):
    return isinstance(v, (Tensor, numbers.Number))


def _is_int(v):
    if type(v) is int:
        return True
    if isinstance(v, bool):
        return False
    if isinstance(v, numbers.Integral):
        return True
    return _is_tensor(v) and v._data.ndim == 0 and v._data.dtype.kind in "iu"


def _is_float(v):
    return (isinstance(v, numbers.Real) and not isinstance(v, bool)) or (
        _is_tensor(v) and v._data.ndim == 0 and v._data.dtype.kind in "iufV")


def _is_number(v):
    return isinstance(v, numbers.Number) or (_is_tensor(v) and v._data.ndim == 0)


def _int_list(v, single):
    if single and _is_int(v):
        return True
    if type(v) is tuple or type(v) is list or isinstance(v, (tuple, list)):
        for e in v:
            if type(e) is not int and not _is_int(e):
                return False
        return True
    return False


_CHECKS = {
    "Tensor": _is_tensor,
    "Number": _is_number,
    "int": _is_int,
    "float": _is_float,
    "bool": lambda v: isinstance(v, (bool, xp.bool_)),
    "str": lambda v: isinstance(v, str),
    "tuple of ints": lambda v: _int_list(v, False),
    "tuple of ints[1]": lambda v: _int_list(v, True),
    "tuple of Tensors": lambda v: isinstance(v, (tuple, list)) and all(_is_tensor(e) for e in v),
    "tuple of Scalars": lambda v: isinstance(v, (tuple, list)) and all(_is_number(e) for e in v),
    "tuple of floats": lambda v: isinstance(v, (tuple, list)) and all(_is_number(e) for e in v),
    "torch.dtype": lambda v: isinstance(v, _dt.dtype) or v in (float, int, bool, complex),
    "torch.device": lambda v: isinstance(v, (str, device, int)) and not isinstance(v, bool),
    "torch.memory_format": lambda v: not isinstance(v, (str, numbers.Number)),
    "torch.layout": lambda v: not isinstance(v, numbers.Number),
    "torch.Generator": lambda v: type(v).__name__ == "Generator",
    "torch.Storage": lambda v: type(v).__name__.endswith("Storage"),
    "object": lambda v: True,
}


_DECIDED_BY_TYPE = frozenset((int, float, bool, str, type(None), _dt.dtype))


class Param:
    """A parameter: ``type name`` or ``type name = default``; a type ending in ``?`` also
    takes None without showing a default (torch's nullable positional arguments)."""

    __slots__ = ("type", "name", "default", "optional", "kw_only", "check", "plain_check",
                 "nullable")

    def __init__(self, text, kw_only):
        decl, _, default = text.partition(" = ")
        self.type, _, self.name = decl.rpartition(" ")
        self.nullable = default == "None" or self.type.endswith("?")
        self.type = self.type.rstrip("?")
        self.default = default or None
        self.optional = bool(default)
        self.kw_only = kw_only
        self.check = self.plain_check = _CHECKS[self.type]

    def accepts(self, value):
        return (value is None and self.nullable) or self.check(value)

    def matches(self, value):
        """The type match torch's error formatter makes (it knows no numbers-as-tensors)."""
        return (value is None and self.nullable) or self.plain_check(value)

    @property
    def shown_type(self):
        return self.type.replace("[1]", "")


class Signature:
    """One overload: its parameters in order, and its text as torch prints it."""

    def __init__(self, text, method=False):
        self.params = []
        kw_only = False
        for part in filter(None, text.split(", ")):
            if part == "*":
                kw_only = True
                continue
            self.params.append(Param(part, kw_only))
        self.text = text.replace("[1]", "").replace("? ", " ")
        self.tokens = len(text.split(", ")) if text else 1  # what torch's count compares
        # each token's last word, as torch's error formatter reads a name (so a parameter
        # with a default is known there by its default: "bool unbiased = True" is "True")
        self.token_names = [t.rpartition(" ")[2] for t in text.split(", ")] if text else []
        self.positional = [p for p in self.params if not p.kw_only]
        self.by_name = {p.name: p for p in self.params}
        self.min_args = sum(not p.optional for p in self.params)
        self.max_args = len(self.params)
        # ``x.view(2, 3)``: a lone int-list parameter takes its elements as the arguments
        first = self.positional[0] if self.positional else None
        self.varargs = (method and len(self.positional) == 1
                        and first.type.startswith("tuple of ints"))
        # for ``accepts_positional``: calls with no keywords, the common case
        self.pos_checks = tuple(p.accepts for p in self.positional)
        self.required_pos = sum(not p.optional for p in self.positional)
        self.kw_required = any(p.kw_only and not p.optional for p in self.params)

    def accepts_positional(self, args):
        """Whether this overload takes ``args`` given with no keywords (the fast path)."""
        n = len(args)
        if self.varargs and n and _is_int(args[0]):
            return all(_is_int(a) for a in args)
        if n > len(self.pos_checks) or n < self.required_pos or self.kw_required:
            return False
        for check, a in zip(self.pos_checks, args):
            if not check(a):
                return False
        return True

    def bind(self, fn, args, kwargs):
        """The arguments as {name: value}, or None when this overload does not take them.
        Unpacking varargs ints that are not ints raises at once, as in torch."""
        if self.varargs and args and _is_int(args[0]):
            for k, e in enumerate(args):
                if not _is_int(e):
                    raise TypeError(f"{fn}(): argument '{self.positional[0].name}' failed to "
                                    f"unpack the object at pos {k + 1} with error \"type must "
                                    f"be tuple of ints,but got {type_name(e)}\"")
            args = (tuple(args),)
        if len(args) > len(self.positional):
            return None
        bound = dict(zip((p.name for p in self.positional), args))
        for name, value in kwargs.items():
            if name in bound or name not in self.by_name:
                return None
            bound[name] = value
        for p in self.params:
            if p.name in bound:
                if not p.accepts(bound[p.name]):
                    return None
            elif not p.optional:
                return None
        return bound

    def unmatched_keywords(self, kwargs):
        """The keywords not among this overload's last ``len(kwargs)`` tokens (torch's
        _tryMatchKwargs: a keyword is looked for at the end of the signature only)."""
        names = self.token_names[max(0, len(self.token_names) - len(kwargs)):]
        return [k for k in _map_order(kwargs) if k not in names]

    def marked(self, args, kwargs):
        """The arguments' types, those this overload refuses between ``!`` (torch's
        _formattedArgDesc off a terminal)."""
        out = []
        for k, v in enumerate(args):
            ok = k < len(self.positional) and self.positional[k].matches(v)
            out.append(_detail_name(v) if ok else f"!{_detail_name(v)}!")
        for k, v in kwargs.items():
            p = self.by_name.get(k)
            out.append(f"{k}={_detail_name(v)}" if p is not None and p.matches(v)
                       else f"!{k}={_detail_name(v)}!")
        # (torch's trailing ", " is cut only after a positional argument)
        return ", ".join(out) + (", " if kwargs and not args else "")

    def explain(self, fn, args, kwargs):
        """The specific error for a call this overload refuses (torch's raise_exception)."""
        if self.varargs and args and _is_int(args[0]):
            self.bind(fn, args, kwargs)
            args = (tuple(args),)
        npos = len(self.positional)
        if len(args) > npos:
            low = self.min_args  # (torch counts required keyword-only arguments too)
            takes = (f"{npos} positional argument{'s' if npos != 1 else ''}" if low == npos
                     else f"from {low} to {npos} positional arguments")
            return TypeError(f"{fn}() takes {takes} but {len(args)} "
                             f"{'was' if len(args) == 1 else 'were'} given")
        # then each parameter in order, as torch's parse meets them: the first one missing
        # (torch names every required one from there on) or of the wrong type
        for k, p in enumerate(self.params):
            by_kw = k >= len(args) or p.kw_only
            if not by_kw:
                v = args[k]
            elif p.name in kwargs:
                v = kwargs[p.name]
            elif p.optional:
                continue
            else:
                rest = [q.name for q in self.params[k:] if not q.optional]
                names = ", ".join(f'"{n}"' for n in rest)
                return TypeError(f"{fn}() missing {len(rest)} required positional "
                                 f"argument{'s' if len(rest) == 1 else ''}: {names}")
            if p.accepts(v):
                continue
            if by_kw:
                if p.type.startswith("tuple of ints") and isinstance(v, (tuple, list)):
                    i = next(i for i, e in enumerate(v) if not _is_int(e))
                    return TypeError(f"{fn}(): argument '{p.name}' failed to unpack the object "
                                     f"at pos {i + 1} with error \"type must be tuple of ints,"
                                     f"but got {type_name(v[i])}\"")
                return TypeError(f"{fn}(): argument '{p.name}' must be {_expected(p, v)}")
            if p.type == "tuple of Tensors" and isinstance(v, (tuple, list)):
                bad = next((i for i, e in enumerate(v) if not _is_tensor(e)), None)
                if bad is not None:
                    return TypeError(f"expected Tensor as element {bad} in argument {k}, but got "
                                     f"{type_name(v[bad])}")
            return TypeError(f"{fn}(): argument '{p.name}' (position {k + 1}) must be "
                             f"{_expected(p, v)}")
        # last, the keywords no parameter took
        for name in kwargs:
            if name not in self.by_name:
                return TypeError(f"{fn}() got an unexpected keyword argument '{name}'")
            if name in (p.name for p in self.positional[:len(args)]):
                return TypeError(f"{fn}() got multiple values for argument '{name}'")
        return TypeError(f"{fn}(): invalid arguments")


def _map_order(kwargs):
    """The keywords in the order torch's error formatter meets them: it copies them into a
    C++ unordered_map, whose iteration gives small maps back in reverse."""
    return list(kwargs)[::-1]


def _expected(p, v):
    if p.type.startswith("tuple of ints") and isinstance(v, (tuple, list)):
        k = next(i for i, e in enumerate(v) if not _is_int(e))
        return f"tuple of ints, but found element of type {type_name(v[k])} at pos {k}"
    return f"{p.shown_type}, not {type_name(v)}"


def _detail_name(v):
    if isinstance(v, tuple):
        return f"tuple of ({', '.join(_detail_name(e) for e in v)})"
    if isinstance(v, list):
        return f"list of [{', '.join(_detail_name(e) for e in v)}]"
    return type_name(v)


class Parser:
    """A public function's overloads (``hidden`` ones accepted but never printed)."""

    def __init__(self, name, signatures, hidden=(), method=False, numbers_as_tensors=False):
        self.name = name
        self.method = method
        self._declared = (signatures, hidden, numbers_as_tensors)
        # the argument types of calls already accepted when the types alone decide it
        # (measured: x.sum() checked in 0.1 us instead of 0.7)
        self.accepted_types = set()

    @functools.cached_property
    def signatures(self):
        """The overloads, read at the first call the types seen so far do not decide (a
        parser per public function, read at import, took a twentieth of it)."""
        texts, hidden, numbers_as_tensors = self._declared
        signatures = [Signature(s, self.method) for s in texts]
        self.hidden = [Signature(s, self.method) for s in hidden]
        if numbers_as_tensors:  # a number is taken where a Tensor is declared (copy_(1.))
            for sig in signatures + self.hidden:
                for p in sig.params:
                    if p.type == "Tensor":
                        p.check = _is_tensor_or_number
                sig.pos_checks = tuple(p.accepts for p in sig.positional)
        return signatures

    @functools.cached_property
    def hidden(self):
        """The overloads accepted but never printed (made with ``signatures``)."""
        self.signatures  # (reading it sets this one too)
        return self.__dict__["hidden"]

    def _remember(self, sig, args):
        pos = sig.positional
        for k, a in enumerate(args):
            t = type(a)
            if t not in _DECIDED_BY_TYPE and not (
                    t is Tensor and k < len(pos) and pos[k].type == "Tensor"):
                return
        self.accepted_types.add(tuple(map(type, args)))

    def check(self, args, kwargs):
        """Raise torch's TypeError unless an overload takes ``args`` and ``kwargs``;
        return the keyword arguments with NumPy's spellings renamed."""
        if not kwargs:
            for sig in self.signatures:
                if sig.accepts_positional(args):
                    self._remember(sig, args)
                    return kwargs
        given = kwargs
        if kwargs and not kwargs.keys().isdisjoint(_ALIASES):
            for k in kwargs:
                if _ALIASES.get(k) in kwargs:  # both spellings: the alias is unexpected
                    raise TypeError(f"{self.name}() got an unexpected keyword argument '{k}'")
            kwargs = {_ALIASES.get(k, k): v for k, v in kwargs.items()}
        for sig in self.signatures:
            if sig.bind(self.name, args, kwargs) is not None:
                return kwargs
        for sig in self.hidden:
            if sig.bind(self.name, args, kwargs) is not None:
                return kwargs
        error = self.error(args, kwargs)
        if given is not kwargs and "unexpected keyword argument" in str(error):
            # torch names the first keyword, as spelled, that is no parameter's own name
            first = next(k for k in given if k in _ALIASES or _ALIASES.get(k, k) not in
                         self._names())
            error = TypeError(f"{self.name}() got an unexpected keyword argument '{first}'")
        raise error

    def _names(self):
        return {p.name for sig in self.signatures for p in sig.params}

    def error(self, args, kwargs):
        if self.method and [s.text for s in self.signatures] == [""] and not self.hidden:
            # a method of no arguments is a plain C method in torch
            return TypeError(f"TensorBase.{self.name}() takes no arguments ({len(args)} given)"
                             if args else f"TensorBase.{self.name}() takes no keyword arguments")
        n = len(args) + len(kwargs)
        plausible = [s for s in self.signatures if s.min_args <= n <= s.max_args]
        if len(self.signatures) + len(self.hidden) == 1 or len(plausible) == 1:
            sig = plausible[0] if plausible else self.signatures[0]
            return sig.explain(self.name, args, kwargs)
        got = [type_name(a) for a in args] + [f"{k}={type_name(kwargs[k])}"
                                              for k in _map_order(kwargs)]
        given = ", ".join(got) + (", " if kwargs and not args else "")
        head = f"{self.name}() received an invalid combination of arguments - "
        if len(self.signatures) == 1:  # torch's format_invalid_args, one option
            sig = self.signatures[0]
            unmatched = sig.unmatched_keywords(kwargs)
            if unmatched:
                return TypeError(head + f"got unrecognized keyword arguments: "
                                 f"{', '.join(unmatched)}")
            desc = sig.marked(args, kwargs) if sig.tokens == n else given
            return TypeError(head + f"got ({desc}), but expected ({sig.text})")
        lines = []
        for sig in self.signatures:
            lines.append(f" * ({sig.text})\n")
            if sig.tokens != n:
                continue
            unmatched = sig.unmatched_keywords(kwargs)
            if unmatched:
                lines.append("      didn't match because some of the keywords were incorrect: "
                             f"{', '.join(unmatched)}\n")
                continue
            lines.append("      didn't match because some of the arguments have invalid "
                         f"types: ({sig.marked(args, kwargs)})\n")
        return TypeError(head + f"got ({given}), but expected one of:\n" + "".join(lines))


# -- calls that do not bind ------------------------------------------------------------------
# NOTE [Binding errors in torch's words]
# Most functions check their arguments themselves (their fast paths: ``x.add(y)`` runs no
# parser), so a call with a missing, extra or unknown argument fails where Python binds it
# to the function's parameters, with Python's message. ``binding_errors`` puts that failure
# in torch's words: through the overloads torch shows for the function when they are
# declared (signatures.EXPLAINED), else through the function's own parameters (torch's
# single-overload messages: "missing 1 required positional arguments", "takes 2 positional
# arguments but 3 were given"). A deprecated overload torch still takes is run with its
# warning. Nothing is checked before the call: the cost is one frame and a try.
def _python_signature(fn, method):
    """The one overload ``fn``'s parameters declare, typed ``object`` (only counts and names
    are worded from it); None when it takes ``*args`` or ``**kwargs`` or has none."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return None
    if method:
        params = params[1:]
    parts, star = [], False
    for p in params:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            return None
        if p.kind == p.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        parts.append(f"object {p.name}" + ("" if p.default is p.empty else " = ?"))
    return ", ".join(parts)


def _binds(fn, args, kwargs):
    try:
        inspect.signature(fn).bind(*args, **kwargs)
    except TypeError:
        return False
    except ValueError:  # no signature to bind against: not ours to word
        return True
    return True


_DEPRECATION_WARNED = []


class _Explainer:
    """What ``binding_errors`` says about one function, made at its first refused call."""

    def __init__(self, name, fn, method, signatures, hidden, deprecated, numbers_as_tensors):
        self.name, self.fn, self.method = name, fn, method
        self.numbers_as_tensors = numbers_as_tensors
        self.declared = (signatures, hidden, deprecated)
        self.parser = None

    def _parser(self):
        if self.parser is None:
            signatures, hidden, deprecated = self.declared
            if not signatures:
                own = _python_signature(self.fn, self.method)
                signatures = [] if own is None else [own]
            self.parser = Parser(self.name, signatures, tuple(hidden) + tuple(deprecated),
                                 method=self.method,
                                 numbers_as_tensors=self.numbers_as_tensors
                                 ) if signatures else False
            self.deprecated = [] if not self.parser else self.parser.hidden[len(hidden):]
        return self.parser

    def takes(self, fn, call_args, args, kwargs):
        """Whether the call binds: to a declared overload torch shows or hides (not a
        deprecated one), else to ``fn``'s own parameters."""
        if not self.declared[0]:
            return _binds(fn, call_args, kwargs)
        parser = self._parser()
        for sig in parser.signatures + parser.hidden[:len(parser.hidden) - len(self.deprecated)]:
            try:
                if sig.bind(self.name, args, kwargs) is not None:
                    return True
            except TypeError:
                pass
        return False

    def deprecated_call(self, args, kwargs):
        """The arguments (positional, keywords) of a deprecated overload that takes the
        call, as the recommended overload takes them (torch's warning given once), or None."""
        if not self._parser():
            return None
        for sig in self.deprecated:
            bound = sig.bind(self.name, args, kwargs)
            if bound is not None:
                if not _DEPRECATION_WARNED:  # once per process, for every overload (torch's)
                    _DEPRECATION_WARNED.append(True)
                    import warnings
                    warnings.warn(f"This overload of {self.name} is deprecated:\n\t{self.name}("
                                  f"{sig.text})\nConsider using one of the following "
                                  f"signatures instead:\n\t{self.name}("
                                  f"{self.parser.signatures[0].text})", UserWarning,
                                  stacklevel=user_stacklevel())
                # as the overload torch recommends takes them: positional, then keywords
                primary = self.parser.signatures[0]
                return ([bound.pop(p.name) for p in primary.positional if p.name in bound],
                        bound)
        return None

    def error(self, err, args, kwargs):
        parser = self._parser()
        if not parser:
            return err
        new = parser.error(args, kwargs)
        return err if str(new).endswith("(): invalid arguments") else new


# the errors a function's own checks may meet first on a call torch's parser refuses before
# the function runs (an AttributeError: a tensor's attribute read off something that is not
# one; a RuntimeError: a shape check that read a wrong argument)
_REFUSALS = (TypeError, ValueError, IndexError, AttributeError, KeyError, RuntimeError)


def binding_errors(name, fn, method=False, signatures=(), hidden=(), deprecated=(),
                   numbers_as_tensors=False):
    """``fn`` with the TypeError of a call that does not bind to its parameters worded as
    torch words it (NOTE [Binding errors in torch's words])."""
    explainer = _Explainer(name, fn, method, list(signatures), hidden, deprecated,
                           numbers_as_tensors)

    def refused(err, call_args, args, kwargs):
        """(the error to raise, or None and the keywords of a deprecated overload to run).
        Where torch's overloads are declared, any error of a call none of them takes is
        the parser's (the function's own checks met it first); else a TypeError only."""
        if not explainer.declared[0] and type(err) is not TypeError:
            return err, None
        if explainer.takes(fn, call_args, args, kwargs):
            return err, None  # the call binds: the error is the function's own
        bound = explainer.deprecated_call(args, kwargs)
        if bound is not None:
            return None, bound
        return explainer.error(err, args, kwargs), None

    if method:
        def checked(self, *args, **kwargs):
            try:
                return fn(self, *args, **kwargs)
            except _REFUSALS as err:
                new, bound = refused(err, (self,) + args, args, kwargs)
                if new is None:
                    return fn(self, *bound[0], **bound[1])
                if new is err:
                    raise
                raise new from None
    else:
        def checked(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except _REFUSALS as err:
                new, bound = refused(err, args, args, kwargs)
                if new is None:
                    return fn(*bound[0], **bound[1])
                if new is err:
                    raise
                raise new from None
    checked.__name__, checked.__doc__, checked.__wrapped__ = name, fn.__doc__, fn
    return checked
