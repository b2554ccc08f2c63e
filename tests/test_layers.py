"""The layers of DESIGN.md, read off the source with ``ast``: module-level imports only go
down, and an import made inside a function goes up or sideways (a downward one could sit
at the top of the module, where it is paid once).

    viz -> nn | optim | utils -> autograd (engine, function, functional, ...) -> ops
        -> autograd.graph | grad_mode | saved_value -> tensor | dtype | creation | random
        -> _backend

A module may import modules of its own layer at module level (ops import each other);
nothing may import one of a higher layer at module level.
"""
import ast
import pathlib

import pytest

SRC = pathlib.Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "dyngrad"

# (rank, module-name prefixes): the longest matching prefix decides a module's layer
LAYERS = [
    (0, ["dyngrad._backend", "dyngrad._memory", "dyngrad._meta_array",
         "dyngrad._meta_functions", "dyngrad._meta_spectral", "dyngrad._sparse_coo",
         "dyngrad._sparse_kernels", "dyngrad._on_first_use", "dyngrad._stl_order",
         "dyngrad._cpu_math"]),
    (1, ["dyngrad.tensor", "dyngrad._dtype", "dyngrad.creation", "dyngrad.random",
         "dyngrad._size", "dyngrad._layout", "dyngrad._memory_format", "dyngrad._tensor_str", "dyngrad._cpu_generator",
         "dyngrad._autograd_state", "dyngrad._autocast_state", "dyngrad._multinomial", "dyngrad._special_math",
         "dyngrad._bessel_math", "dyngrad._polynomial_math",
         "dyngrad._reparam_math",
         "dyngrad._args", "dyngrad._arg_parser", "dyngrad._runtime_flags",
         "dyngrad._dtype_info", "dyngrad._dlpack", "dyngrad._kernel_dtypes", "dyngrad._strided_creation", "dyngrad.overrides",
         "dyngrad.storage"]),
    (2, ["dyngrad.autograd.graph", "dyngrad.autograd.grad_mode",
         "dyngrad.autograd.saved_value"]),
    (3, ["dyngrad.ops"]),
    (4, ["dyngrad.autograd"]),
    (5, ["dyngrad.nn", "dyngrad.optim", "dyngrad.utils", "dyngrad.cuda", "dyngrad.amp",
         "dyngrad.backends", "dyngrad.jit", "dyngrad.distributed", "dyngrad.accelerator",
         "dyngrad.distributions", "dyngrad.func", "dyngrad.profiler", "dyngrad.testing",
         "dyngrad.multiprocessing", "dyngrad.cpu", "dyngrad.futures"]),
    (6, ["dyngrad.viz", "dyngrad.run",  # drawings, and the script runner they use
         "dyngrad._compile", "dyngrad.compiler", "dyngrad._dynamo"]),  # compile, above nn
    (7, ["dyngrad"]),  # the torch-shaped namespace
]


def rank(module):
    best = None
    for r, prefixes in LAYERS:
        for p in prefixes:
            if module == p or module.startswith(p + "."):
                if best is None or len(p) > len(best[1]):
                    best = (r, p)
    assert best is not None, f"{module} has no layer: add it to LAYERS"
    return best[0]


def _module_name(path):
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name):
    rel = pathlib.Path(*name.split("."))
    return (SRC / rel).with_suffix(".py").exists() or (SRC / rel / "__init__.py").exists()


def _targets(node, module, is_package):
    """The dyngrad modules an import statement loads."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.startswith("dyngrad")]
    base = module.split(".") if is_package else module.split(".")[:-1]
    if node.level:
        base = base[:len(base) - node.level + 1]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if not target.startswith("dyngrad"):
        return []
    out = []
    for a in node.names:  # ``from pkg import submodule`` loads the submodule
        sub = f"{target}.{a.name}"
        out.append(sub if _is_module(sub) else target)
    return out


def _imports():
    """(module, target, at_module_level, line) for every import in the package."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        tree = ast.parse(path.read_text(), str(path))
        top = set(map(id, tree.body))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for t in _targets(node, module, path.name == "__init__.py"):
                    if t != module:
                        found.append((module, t, id(node) in top, node.lineno))
    return found


IMPORTS = _imports()


def test_every_module_has_a_layer():
    for module, target, _, _ in IMPORTS:
        rank(module), rank(target)


def test_module_level_imports_go_down():
    up = [f"{m}:{line} imports {t} (layer {rank(t)} above {rank(m)})"
          for m, t, top, line in IMPORTS if top and rank(t) > rank(m)]
    assert not up, "\n".join(up)


def test_call_time_imports_are_needed():
    # a call-time import of a lower layer could be a module-level import
    down = [f"{m}:{line} imports {t} at call time (layer {rank(t)} below {rank(m)})"
            for m, t, top, line in IMPORTS if not top and rank(t) < rank(m)]
    assert not down, "\n".join(down)


def test_call_time_imports_not_already_at_module_level():
    top = {(m, t) for m, t, is_top, _ in IMPORTS if is_top}
    again = [f"{m}:{line} imports {t} at call time, and at module level too"
             for m, t, is_top, line in IMPORTS if not is_top and (m, t) in top]
    assert not again, "\n".join(again)


@pytest.mark.parametrize("module", ["dyngrad.tensor", "dyngrad.autograd.graph"])
def test_no_module_level_cycle_through(module):
    # following module-level imports from ``module`` never leads back to it
    graph = {}
    for m, t, top, _ in IMPORTS:
        if top:
            graph.setdefault(m, set()).add(t)
    seen, stack = set(), list(graph.get(module, ()))
    while stack:
        m = stack.pop()
        assert m != module, f"{module} imports itself back at module level"
        if m not in seen:
            seen.add(m)
            stack.extend(graph.get(m, ()))
