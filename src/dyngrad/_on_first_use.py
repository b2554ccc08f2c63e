"""Names of a torch-shaped namespace that load when first read.

``import dyngrad`` pays for every module it runs, and most programs never touch the
profiler, torch.distributions or the parametrizations. A package lists such names
instead of importing them; the first read (``torch.profiler.profile``,
``torch.nn.utils.parametrize``) imports the module then, and later reads find it bound.
"""
import importlib


def on_first_use(namespace, names):
    """``(__getattr__, __dir__)`` for the module whose globals are ``namespace``: ``names``
    maps each name loaded on first read to ``(submodule, attribute)``, the submodule
    relative to the package (as in ``from . import x``), attribute None for the submodule
    itself."""
    package = namespace["__name__"]

    def __getattr__(name):
        where = names.get(name)
        if where is None:
            raise AttributeError(f"module '{package}' has no attribute '{name}'")
        submodule, attribute = where
        value = importlib.import_module("." + submodule, package)
        if attribute is not None:
            value = getattr(value, attribute)
        namespace[name] = value
        return value

    def __dir__():
        return sorted(set(namespace) | set(names))
    return __getattr__, __dir__
