"""nn.Module's API against torch: registration, iteration, state_dict, hooks, reprs,
conversions and torch's error messages. Each case is run on both libraries."""
import copy

import pytest

from side_by_side import assert_same


def _net(lib):
    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = lib.nn.Linear(3, 4)
            self.act = lib.nn.ReLU()
            self.fc2 = lib.nn.Linear(4, 2, bias=False)
            self.register_buffer("steps", lib.zeros(()))
            self.register_buffer("cache", lib.ones(2), persistent=False)
            self.scale = lib.nn.Parameter(lib.tensor(2.0))

        def forward(self, x):
            return self.fc2(self.act(self.fc1(x))) * self.scale

    lib.manual_seed(0)
    return Net()


def _tied(lib):
    lib.manual_seed(0)
    a = lib.nn.Linear(2, 2)
    net = lib.nn.Sequential(a, lib.nn.Tanh(), lib.nn.Linear(2, 2))
    net[2].weight = a.weight
    return net


def _names(items):
    return [name for name, _ in items]


def _err(fn):
    def case(lib):
        return fn(lib, _net(lib))
    return case


def _hook_order(lib):
    calls = []
    net = _net(lib)
    net.register_forward_pre_hook(lambda m, a: calls.append(("pre", len(a))))
    net.register_forward_hook(lambda m, a, out: calls.append(("post", out.shape)))
    net.fc1.register_forward_hook(lambda m, a, out: calls.append(("fc1", out.sum().item())))
    net.register_forward_pre_hook(lambda m, a: calls.append(("first",)), prepend=True)
    h = net.register_forward_hook(lambda m, a, out: out * 0)
    zero = net(lib.ones(1, 3))
    h.remove()
    return calls, zero, net(lib.ones(1, 3))


def _kwargs_hooks(lib):
    class M(lib.nn.Module):
        def forward(self, x, scale=1.0):
            return x * scale
    m = M()
    m.register_forward_pre_hook(lambda mod, a, kw: (a, {"scale": 3.0}), with_kwargs=True)
    m.register_forward_hook(lambda mod, a, kw, out: out + kw["scale"], with_kwargs=True)
    return m(lib.ones(2))


def _backward_hook(lib):
    seen = []
    net = _net(lib)
    net.fc1.register_full_backward_hook(
        lambda m, gi, go: seen.append(("fc1", [g.shape if g is not None else None for g in gi],
                                       [g.sum().item() for g in go])))
    net.register_full_backward_hook(lambda m, gi, go: seen.append(("net", go[0].sum().item())))
    x = lib.ones(2, 3, requires_grad=True)
    out = net(x)
    out.sum().backward()
    return seen, out.grad_fn.name(), x.grad


def _backward_hook_replaces(lib):
    m = lib.nn.Tanh()
    m.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 10,))
    x = lib.tensor([0.5, -1.0], requires_grad=True)
    m(x).sum().backward()
    return x.grad


def _load_state_dict_errors(lib):
    net = _net(lib)
    sd = net.state_dict()
    sd["extra"] = lib.zeros(1)
    del sd["fc1.bias"]
    sd["fc2.weight"] = lib.zeros(3, 3)
    return net.load_state_dict(sd)


def _load_state_dict_non_strict(lib):
    net = _net(lib)
    sd = net.state_dict()
    sd["extra"] = lib.zeros(1)
    del sd["fc1.bias"]
    return repr(net.load_state_dict(sd, strict=False)), str(net.load_state_dict(
        net.state_dict()))


def _load_state_dict_copies(lib):
    net, other = _net(lib), _net(lib)
    with lib.no_grad():
        for p in other.parameters():
            p.mul_(3)
    w = net.fc1.weight
    keys = net.load_state_dict(other.state_dict())
    return keys, w is net.fc1.weight, w._version, net.fc1.weight


def _load_assign(lib):
    net, other = _net(lib), _net(lib)
    sd = other.state_dict()
    net.load_state_dict(sd, assign=True)
    return (type(net.fc1.weight).__name__, net.fc1.weight.requires_grad,
            net.fc1.weight.data_ptr() == sd["fc1.weight"].data_ptr())


def _to_double(lib):
    net = _net(lib)
    w = net.fc1.weight
    net(lib.ones(1, 3)).sum().backward()
    net.double()
    return (w is net.fc1.weight, net.fc1.weight.dtype, net.fc1.weight.grad.dtype,
            net.steps.dtype, net(lib.ones(1, 3, dtype=lib.float64)))


def _zero_grad(lib):
    net = _net(lib)
    net(lib.ones(1, 3)).sum().backward()
    net.zero_grad(set_to_none=False)
    zeros = [p.grad for p in net.parameters()]
    net.zero_grad()
    return zeros, [p.grad for p in net.parameters()]


def _apply_and_train(lib):
    net = _net(lib)
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    net.eval()
    modes = [m.training for m in net.modules()]
    net.train()
    return seen, modes, [m.training for m in net.modules()]


def _setattr_swaps(lib):
    net = _net(lib)
    net.act = lib.nn.Tanh()           # replace a child
    net.steps = lib.ones(())          # rebind a buffer
    net.fc2 = None                    # a child set to None
    net.plain = 3
    del net.scale
    return (_names(net.named_parameters()), _names(net.named_buffers()),
            _names(net.named_children()), net.plain, repr(net))


CASES = {
    "repr": lambda lib: repr(_net(lib)),
    "repr_nested": lambda lib: repr(lib.nn.Sequential(_net(lib), lib.nn.Sequential(
        lib.nn.Linear(1, 1), lib.nn.Dropout(0.2)), lib.nn.ModuleList([lib.nn.ReLU(), lib.nn.ReLU(), lib.nn.Tanh()]))),
    "repr_module_dict": lambda lib: repr(lib.nn.ModuleDict({"b": lib.nn.ReLU(),
                                                            "a": lib.nn.Identity()})),
    "repr_empty_list": lambda lib: repr(lib.nn.ModuleList()),
    "repr_param_containers": lambda lib: (
        repr(lib.nn.ParameterList([lib.ones(2, 3), lib.nn.Parameter(lib.zeros(1))])),
        repr(lib.nn.ParameterDict({"w": lib.ones(2), "b": lib.zeros(3, dtype=lib.float64)}))),
    "parameter_repr": lambda lib: repr(lib.nn.Parameter(lib.tensor([1.5, -2.0]))),
    "parameter_no_grad": lambda lib: (repr(lib.nn.Parameter(lib.ones(2), requires_grad=False)),
                                      lib.nn.Parameter().shape),
    "parameter_leaf": lambda lib: (lambda p: (p.is_leaf, p.grad_fn, type(p * 2).__name__,
                                              isinstance(p, lib.Tensor), (p * 2).grad_fn.name(),
                                              type(p.detach()).__name__))(
        lib.nn.Parameter(lib.ones(2))),
    "parameter_shares_data": lambda lib: (lambda t: (lambda p: (t.add_(1), p))(
        lib.nn.Parameter(t)))(lib.zeros(2)),
    "init_bitwise_linear": lambda lib: [p for p in _net(lib).parameters()],
    "named_parameters": lambda lib: _names(_net(lib).named_parameters()),
    "named_parameters_prefix": lambda lib: _names(_net(lib).named_parameters(prefix="m")),
    "named_parameters_no_recurse": lambda lib: _names(_net(lib).named_parameters(recurse=False)),
    "buffers": lambda lib: (_names(_net(lib).named_buffers()), list(_net(lib).buffers())),
    "children_modules": lambda lib: (_names(_net(lib).named_children()),
                                     _names(_net(lib).named_modules()),
                                     _names(_net(lib).named_modules(prefix="root"))),
    "tied_weights": lambda lib: (_names(_tied(lib).named_parameters()),
                                 _names(_tied(lib).named_parameters(remove_duplicate=False)),
                                 list(_tied(lib).state_dict())),
    "state_dict": lambda lib: _net(lib).state_dict(),
    "state_dict_keep_vars": lambda lib: _net(lib).state_dict(keep_vars=True),
    "state_dict_prefix": lambda lib: list(_net(lib).state_dict(prefix="model.")),
    "load_state_dict_errors": _load_state_dict_errors,
    "load_state_dict_non_strict": _load_state_dict_non_strict,
    "load_state_dict_copies": _load_state_dict_copies,
    "load_state_dict_assign": _load_assign,
    "load_state_dict_not_dict": lambda lib: _net(lib).load_state_dict([1, 2]),
    "load_state_dict_wrong_type": lambda lib: _net(lib).load_state_dict(
        {**_net(lib).state_dict(), "fc1.bias": 3}),
    "get_submodule": lambda lib: (repr(_net(lib).get_submodule("fc1")),
                                  _net(lib).get_parameter("fc2.weight"),
                                  _net(lib).get_buffer("steps")),
    "set_submodule": _err(lambda lib, net: [
        _catch(lambda: net.set_submodule("", lib.nn.ReLU())),
        _catch(lambda: net.set_submodule("act", 5)),
        _catch(lambda: net.set_submodule("act", lib.nn.Tanh())),
        _catch(lambda: net.set_submodule("fc1.inner", lib.nn.Tanh(), strict=True)),
        _catch(lambda: net.set_submodule("fc1.inner", lib.nn.Tanh())),
        _catch(lambda: net.set_submodule("fc2.weight", lib.nn.Tanh())),
        _catch(lambda: net.set_submodule("nope.x", lib.nn.Tanh())),
        repr(net)]),
    "bfloat16": lambda lib: [(n, t.dtype) for n, t in _net(lib).bfloat16().state_dict().items()],
    "get_submodule_missing": lambda lib: _net(lib).get_submodule("fc3"),
    "get_submodule_not_module": lambda lib: _net(lib).get_submodule("scale"),
    "get_parameter_missing": lambda lib: _net(lib).get_parameter("fc1.nope"),
    "get_parameter_not_param": lambda lib: _net(lib).get_parameter("steps"),
    "get_buffer_not_buffer": lambda lib: _net(lib).get_buffer("fc1.weight"),
    "getattr_missing": lambda lib: _net(lib).nope,
    "setattr_tensor_to_param": _err(lambda lib, net: setattr(net, "scale", lib.ones(1))),
    "setattr_to_child": _err(lambda lib, net: setattr(net, "fc1", 3)),
    "setattr_to_buffer": _err(lambda lib, net: setattr(net, "steps", 3)),
    "setattr_swaps": _setattr_swaps,
    "param_before_init": lambda lib: type("M", (lib.nn.Module,), {
        "__init__": lambda self: setattr(self, "w", lib.nn.Parameter(lib.ones(1)))})(),
    "module_before_init": lambda lib: type("M", (lib.nn.Module,), {
        "__init__": lambda self: setattr(self, "w", lib.nn.ReLU())})(),
    "register_parameter_errors": _err(lambda lib, net: [
        _catch(lambda: net.register_parameter("a.b", None)),
        _catch(lambda: net.register_parameter("", None)),
        _catch(lambda: net.register_parameter(3, None)),
        _catch(lambda: net.register_parameter("fc1", None)),
        _catch(lambda: net.register_parameter("x", lib.ones(1))),
        _catch(lambda: net.register_parameter("x", lib.nn.Parameter(lib.ones(1)) * 2))]),
    "register_buffer_errors": _err(lambda lib, net: [
        _catch(lambda: net.register_buffer("a.b", None)),
        _catch(lambda: net.register_buffer("", None)),
        _catch(lambda: net.register_buffer("fc1", None)),
        _catch(lambda: net.register_buffer("x", 3))]),
    "add_module_errors": _err(lambda lib, net: [
        _catch(lambda: net.add_module("a.b", lib.nn.ReLU())),
        _catch(lambda: net.add_module("", lib.nn.ReLU())),
        _catch(lambda: net.add_module("scale", lib.nn.ReLU())),
        _catch(lambda: net.add_module("x", 3)),
        _catch(lambda: net.register_module("y", lib.nn.ReLU()))]),
    "forward_missing": lambda lib: lib.nn.Module()(1),
    "init_kwargs": lambda lib: lib.nn.Module(foo=1),
    "hook_order": _hook_order,
    "kwargs_hooks": _kwargs_hooks,
    "backward_hook": _backward_hook,
    "backward_hook_replaces": _backward_hook_replaces,
    "to_double": _to_double,
    "to_int_refused": lambda lib: _net(lib).to(lib.int64),
    "float_half": lambda lib: (_net(lib).half().fc1.weight.dtype, _net(lib).double().float()
                               .fc1.weight.dtype, _net(lib).to("cpu").fc1.weight.dtype),
    "zero_grad": _zero_grad,
    "requires_grad_": lambda lib: [p.requires_grad for p in
                                   _net(lib).requires_grad_(False).parameters()],
    "apply_train_eval": _apply_and_train,
    "train_not_bool": lambda lib: _net(lib).train(1),
    "sequential_ops": lambda lib: (lambda s: (len(s), repr(s[1:]), repr(s[-1]),
                                              repr(s + s), len(s * 2), repr(s.append(lib.nn.ReLU())),
                                              repr(s.pop(0)), repr(s)))(
        lib.nn.Sequential(lib.nn.Identity(), lib.nn.Tanh(), lib.nn.Sigmoid())),
    "sequential_index_error": lambda lib: lib.nn.Sequential(lib.nn.ReLU())[3],
    "sequential_ordered_dict": lambda lib: repr(lib.nn.Sequential(__import__("collections")
                                                .OrderedDict(a=lib.nn.ReLU(), b=lib.nn.Tanh()))),
    "module_list_ops": lambda lib: (lambda m: (len(m), repr(m[1:]), repr(m[-1]),
                                               repr(m.extend([lib.nn.Tanh()])),
                                               _names(m.named_modules())))(
        lib.nn.ModuleList([lib.nn.ReLU(), lib.nn.ReLU()])),
    "module_dict_ops": lambda lib: (lambda d: (list(d.keys()), "a" in d, len(d),
                                               repr(d.pop("a")), list(d)))(
        lib.nn.ModuleDict([("b", lib.nn.ReLU()), ("a", lib.nn.Tanh())])),
    "parameter_list_ops": lambda lib: (lambda p: (len(p), type(p[0]).__name__,
                                                  _names(p.named_parameters())))(
        lib.nn.ParameterList([lib.ones(1), lib.zeros(2)])),
    "parameter_dict_ops": lambda lib: (lambda p: (list(p.keys()), type(p["a"]).__name__,
                                                  _names(p.named_parameters())))(
        lib.nn.ParameterDict({"b": lib.ones(1), "a": lib.zeros(2)})),
    "parameter_list_call": lambda lib: lib.nn.ParameterList()(1),
    "deepcopy": lambda lib: (lambda n: (lambda c: (c.fc1.weight is n.fc1.weight,
                                                   c.state_dict(), repr(c)))(copy.deepcopy(n)))(
        _net(lib)),
    "dir_has_members": lambda lib: [k in dir(_net(lib)) for k in ("fc1", "scale", "steps")],
    "cuda_refused": lambda lib: _net(lib).cuda(),
    "data_parallel_cpu": lambda lib: (lambda m: (repr(m), list(m.state_dict()), m.device_ids,
                                                 m(lib.ones(2, 3))))(lib.nn.DataParallel(_net(lib))),
}


def _catch(fn):
    try:
        fn()
    except Exception as e:
        return type(e).__name__, str(e)
    return None


@pytest.mark.parametrize("name", CASES)
def test_module_api(name):
    assert_same(CASES[name], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("device", ["cpu", "meta", "cuda", "cuda:1", "xpu", 0, "foo", "cpu:0"])
def test_module_to_a_device_fails_as_torch_fails(device):
    assert_same(lambda lib: str(lib.nn.Linear(2, 2).to(device).weight.device))
