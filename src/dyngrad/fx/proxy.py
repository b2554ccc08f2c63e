"""Symbolic tracing: a function or module is run on Proxies, which record each operation
into a Graph instead of computing it.

dyngrad's functions do not dispatch on their arguments' types (torch's __torch_function__),
so while a trace runs the Tracer swaps the public functions of ``torch``, ``torch.nn.
functional``, ``torch.special``, ``torch.linalg`` and ``torch.fft`` (and those given to
``wrap``) for ones that record a call when a Proxy is among their arguments, and
``Module.__call__``/``__getattr__`` for ones that record leaf modules and parameters."""
import builtins
import inspect
import operator

from .. import fft as _fft, linalg as _linalg, nn as _nn, special as _special
from ..nn import functional as _functional
from ..tensor import Tensor
from .graph import Graph
from .node import map_aggregate

_Module = _nn.Module
_NAMES = {}  # id(dyngrad function) -> torch's qualified name, for printing
_WRAPPED = []  # (globals dict, name) given to wrap()
WRAPPED_FUNCTIONS = set()  # ids of the functions wrap() names: generated code re-wraps them


class TraceError(ValueError):
    pass


def torch_name(fn):
    """``torch.relu`` for dyngrad's relu (None for a function of elsewhere)."""
    if not _NAMES:
        _index()
    return _NAMES.get(id(fn))


def _namespaces():
    import dyngrad  # (the package's top level imports this one)
    return [("torch", dyngrad), ("torch.nn.functional", _functional),
            ("torch.special", _special), ("torch.linalg", _linalg), ("torch.fft", _fft)]


def _traceable(name, value):
    return (not name.startswith("_") and callable(value) and not isinstance(value, type)
            and not inspect.ismodule(value))


def _index():
    from . import _symbolic_trace as st
    _NAMES[id(st._assert)] = "torch._assert"
    _NAMES[id(st._assert_is_none)] = "torch.fx._symbolic_trace._assert_is_none"
    for prefix, module in _namespaces():
        for name, value in vars(module).items():
            if _traceable(name, value):
                _NAMES.setdefault(id(value), f"{prefix}.{name}")


def _has_proxy(args, kwargs):
    found = []
    map_aggregate((args, kwargs), lambda a: found.append(a) if isinstance(a, Proxy) else None)
    return found


class Proxy:
    """A value of the traced program: operations on it become nodes."""

    def __init__(self, node, tracer=None):
        self.node = node
        self.tracer = tracer

    def __repr__(self):
        return f"Proxy({self.node.name})"

    def __getattr__(self, name):
        return Attribute(self, name)

    def __call__(self, *args, **kwargs):
        return self.tracer.create_proxy("call_method", "__call__", (self,) + args, kwargs)

    def __iter__(self):
        raise TraceError("Proxy object cannot be iterated. This can be attempted when the Proxy "
                         "is used in a loop or as a *args or **kwargs function argument. See "
                         "the torch.fx docs on pytorch.org for a more detailed explanation of "
                         "what types of control flow can be traced, and check out the Proxy "
                         "docstring for help troubleshooting Proxy iteration errors")

    def __bool__(self):
        raise TraceError("symbolically traced variables cannot be used as inputs to control "
                         "flow")

    def __len__(self):
        raise RuntimeError("'len' is not supported in symbolic tracing by default. If you want "
                           "this call to be recorded, please call torch.fx.wrap('len') at "
                           "module scope")

    def keys(self):
        return self.tracer.create_proxy("call_method", "keys", (self,), {})


class Attribute(Proxy):
    """``proxy.name``: a method call when called, else a getattr node (made once)."""

    def __init__(self, root, attr):
        self.root, self.attr, self.tracer = root, attr, root.tracer
        self._node = None

    @property
    def node(self):
        if self._node is None:
            self._node = self.tracer.create_proxy("call_function", builtins.getattr,
                                                  (self.root, self.attr), {}).node
        return self._node

    def __call__(self, *args, **kwargs):
        return self.tracer.create_proxy("call_method", self.attr, (self.root,) + args, kwargs)


def _magic(name, reflected=False):
    fn = getattr(operator, name)

    def method(self, *others):
        args = (others[0], self) if reflected else (self,) + others
        return self.tracer.create_proxy("call_function", fn, args, {})
    return method


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "lshift",
              "rshift", "and_", "or_", "xor", "eq", "ne", "lt", "le", "gt", "ge", "getitem",
              "neg", "pos", "invert", "abs"):
    _dunder = _name.rstrip("_")
    setattr(Proxy, f"__{_dunder}__", _magic(_name))
    if _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul",
                 "lshift", "rshift", "and_", "or_", "xor"):
        setattr(Proxy, f"__r{_dunder}__", _magic(_name, reflected=True))


class Tracer:
    """Runs a module's forward (or a function) on Proxies and returns the Graph."""

    def __init__(self, autowrap_modules=(), autowrap_functions=()):
        self.autowrap_functions = tuple(autowrap_functions)

    def is_leaf_module(self, m, module_qualified_name):
        return (type(m).__module__.startswith("dyngrad.nn")
                and not isinstance(m, _nn.Sequential))

    def path_of_module(self, mod):
        for name, m in self.root.named_modules():
            if m is mod:
                return name
        raise NameError("module is not installed as a submodule")

    def call_module(self, m, forward, args, kwargs):
        path = self.path_of_module(m)
        if not self.is_leaf_module(m, path):
            return forward(*args, **kwargs)
        return self.create_proxy("call_module", path, args, kwargs)

    def create_arg(self, a):
        if isinstance(a, Proxy):
            return a.node
        if isinstance(a, (tuple, list)):
            made = [self.create_arg(x) for x in a]
            return type(a)(*made) if hasattr(a, "_fields") else type(a)(made)
        if isinstance(a, dict):
            return {k: self.create_arg(v) for k, v in a.items()}
        if isinstance(a, slice):
            return slice(self.create_arg(a.start), self.create_arg(a.stop),
                         self.create_arg(a.step))
        if isinstance(a, Tensor):
            for kind in ("named_parameters", "named_buffers"):
                for name, t in getattr(self.root, kind)():
                    if t is a:
                        return self.graph.get_attr(name)
            name = f"_tensor_constant{len(self.tensor_constants)}"
            self.tensor_constants.append(name)
            setattr(self.root, name, a)
            return self.graph.get_attr(name)
        return a

    def create_proxy(self, kind, target, args, kwargs):
        node = self.graph.create_node(kind, target, self.create_arg(tuple(args)),
                                      self.create_arg(dict(kwargs)))
        return Proxy(node, self)

    def _recording(self, fn, fill_kwargs, qualname=None):
        tracer = self

        def call(*args, **kwargs):
            if not _has_proxy(args, kwargs):
                return fn(*args, **kwargs)
            if fill_kwargs:  # torch.nn.functional's own calls: the first argument, then by name
                args, kwargs = _by_name(fn, args, kwargs)
            proxy = tracer.create_proxy("call_function", fn, args, kwargs)
            if qualname is not None:
                # (one dyngrad function can be both torch.max_pool2d and F.max_pool2d: the
                # node prints the name it was called by)
                proxy.node.meta["qualname"] = qualname
            return proxy
        return call

    def trace(self, root, concrete_args=None):
        """The Graph of ``root`` (a Module's forward, or a function)."""
        self.root = root if isinstance(root, _Module) else _Module()
        fn = type(root).forward if isinstance(root, _Module) else root
        self.graph = Graph()
        self.tensor_constants = []
        params = list(inspect.signature(fn).parameters.values())
        if isinstance(root, _Module):
            params = params[1:]
        concrete_args = concrete_args or {}
        args = []
        for p in params:
            if p.name in concrete_args:
                value = concrete_args[p.name]
                args.append(value)
                _specialise(self, p.name, value)
                continue
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                raise NotImplementedError("dyngrad's fx traces functions of named parameters")
            node = self.graph.placeholder(p.name, p.default, p.default is not p.empty)
            args.append(Proxy(node, self))
        with _Patched(self):
            out = fn(root, *args) if isinstance(root, _Module) else fn(*args)
        self.graph.output(self.create_arg(out))
        return self.graph


def _specialise(tracer, name, value):
    """A concrete argument: still a parameter of the forward, checked to be ``value``."""
    from . import _symbolic_trace as st
    node = tracer.graph.create_node("placeholder", f"{name}_1")
    msg = f"{name} has been specialized to have value {value} but got another value"
    if value is None:
        tracer.graph.call_function(st._assert_is_none, (node, msg))
    else:
        eq = tracer.graph.call_function(operator.eq, (node, value))
        tracer.graph.call_function(st._assert, (eq, msg))


# functional.py's functions torch dispatches on a flag (return_indices): their calls keep
# the arguments given by position; the others pass only the input by position
_POSITIONAL = ("max_pool", "adaptive_max_pool", "fractional_max_pool")


def _by_name(fn, args, kwargs):
    try:
        bound = inspect.signature(fn).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return args, kwargs
    bound.apply_defaults()
    names = list(bound.arguments)
    keep = len(args) if fn.__name__.startswith(_POSITIONAL) else 1
    values = dict(bound.arguments)
    return tuple(values.pop(n) for n in names[:keep]), values


class _Patched:
    """The swaps a trace needs, undone after it (see the module's docstring)."""

    def __init__(self, tracer):
        self.tracer = tracer
        self.saved = []

    def _swap(self, owner, name, value):
        self.saved.append((owner, name, owner.__dict__[name] if isinstance(owner, type)
                           else getattr(owner, name)))
        setattr(owner, name, value)

    def __enter__(self):
        tracer = self.tracer
        for prefix, module in _namespaces():
            for name, value in list(vars(module).items()):
                if _traceable(name, value):
                    torch_name(value)
                    self._swap(module, name, tracer._recording(
                        value, prefix == "torch.nn.functional", f"{prefix}.{name}"))
        for globals_, name in _WRAPPED:
            self._swap_dict(globals_, name)
        for fn in tracer.autowrap_functions:
            self._swap_dict(fn.__globals__, fn.__name__)
        call, getattr_ = _Module.__call__, _Module.__getattr__

        def module_call(m, *args, **kwargs):
            return tracer.call_module(m, lambda *a, **k: call(m, *a, **k), args, kwargs)

        def module_getattr(m, name):
            value = getattr_(m, name)
            if isinstance(value, _nn.Parameter):
                for path, p in tracer.root.named_parameters():
                    if p is value:
                        cache = tracer.__dict__.setdefault("_param_proxies", {})
                        if path not in cache:
                            cache[path] = Proxy(tracer.graph.get_attr(path), tracer)
                        return cache[path]
            return value
        self._swap(_Module, "__call__", module_call)
        self._swap(_Module, "__getattr__", module_getattr)
        return self

    def _swap_dict(self, globals_, name):
        fn = globals_[name]
        WRAPPED_FUNCTIONS.add(id(fn))
        self.saved.append((globals_, name, fn))
        globals_[name] = self.tracer._recording(fn, fill_kwargs=False)

    def __exit__(self, *exc):
        for owner, name, value in reversed(self.saved):
            if isinstance(owner, dict):
                owner[name] = value
            else:
                setattr(owner, name, value)
        return False


def wrap(fn_or_name):
    """Record calls of a module-level function (or a builtin, by name) as call_function
    nodes instead of tracing through them. Call it at the module's top level."""
    frame = inspect.currentframe().f_back
    name = fn_or_name if isinstance(fn_or_name, str) else fn_or_name.__name__
    if frame.f_code.co_name != "<module>":
        raise NotImplementedError("wrap must be called at the top level of a module")
    globals_ = frame.f_globals
    if name not in globals_:
        globals_[name] = getattr(builtins, name)
    if not any(g is globals_ and n == name for g, n in _WRAPPED):
        _WRAPPED.append((globals_, name))
    return fn_or_name


def symbolic_trace(root, concrete_args=None):
    from .graph_module import GraphModule  # (it builds on the tracer)
    tracer = Tracer()
    graph = tracer.trace(root, concrete_args)
    name = type(root).__name__ if isinstance(root, _Module) else root.__name__
    return GraphModule(tracer.root, graph, name)
