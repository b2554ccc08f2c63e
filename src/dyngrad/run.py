"""``python -m dyngrad.run script.py [args...]``: run a script written for torch on dyngrad.

``import torch`` and every ``torch.X.Y`` resolve to dyngrad's own modules; a submodule
dyngrad lacks fails with ModuleNotFoundError naming it, and a missing name with
AttributeError naming it.
"""
import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys


class _TorchAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolve ``torch`` to ``dyngrad`` and ``torch.X`` to ``dyngrad.X``."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "torch" and not fullname.startswith("torch."):
            return None
        real = "dyngrad" + fullname[5:]
        try:
            importlib.import_module(real)
        except ModuleNotFoundError:
            raise ModuleNotFoundError(f"No module named '{fullname}'", name=fullname) from None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        return sys.modules["dyngrad" + spec.name[5:]]

    def exec_module(self, module):
        pass


def install_alias():
    """Bind ``torch`` (and its submodules) to dyngrad for the rest of the process."""
    if not any(isinstance(f, _TorchAlias) for f in sys.meta_path):
        sys.meta_path.insert(0, _TorchAlias())
    # Submodules dyngrad has loaded are bound under torch's names at once, as torch's are
    # by the time a script runs: importing one later then leaves its parent's attribute
    # alone (torch.autograd.gradcheck stays the function, not the module of that name).
    for name, module in list(sys.modules.items()):
        if name.startswith("dyngrad."):
            sys.modules.setdefault("torch" + name[7:], module)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print("usage: python -m dyngrad.run script.py [args...]", file=sys.stderr)
        return 2
    install_alias()
    sys.argv = list(argv)
    # the script's code is named by its absolute path, and its directory leads the import
    # path in place of the working directory ``-m`` put there, as ``python script.py`` has
    # it: a module beside the script imports, one in the working directory does not
    path = os.path.abspath(argv[0])
    sys.path[0] = os.path.dirname(path)
    runpy.run_path(path, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
