"""The public names of torch's CPU surface that dyngrad lacks, per namespace.

    python scripts/missing_names.py            counts and names
    python scripts/missing_names.py --counts   counts only

A name is public when it does not start with an underscore and torch lists it in the
namespace (``dir``); only callables are counted for modules (functions and classes), and
for ``torch.Tensor`` its methods and properties. CUDA-, XPU-, MPS- and quantization-only
names, and the dtype objects (checked by tests/test_dtype.py), are left out.
"""
import argparse
import inspect

import torch

import dyngrad

NAMESPACES = ["", "nn", "nn.functional", "nn.init", "linalg", "fft", "special", "optim",
              "autograd", "distributions", "utils.data"]
# device- or quantisation-specific name parts: not ordinary CPU code
_NOT_CPU = ("cuda", "cudnn", "mkldnn", "miopen", "xpu", "mps", "quantize", "quantized",
            "qint", "quint", "fbgemm", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc",
            "_nested", "vulkan", "hip", "mtia", "nnpack", "fake_quant", "q_", "int_repr")


def _resolve(root, path):
    for part in path.split(".") if path else []:
        root = getattr(root, part, None)
        if root is None:
            return None
    return root


def _public(obj, name, tensor):
    if name.startswith("_") or any(p in name for p in _NOT_CPU):
        return False
    value = getattr(obj, name, None)
    if tensor:
        return True
    return callable(value) and not isinstance(value, torch.dtype)


def missing(path):
    theirs, ours = _resolve(torch, path), _resolve(dyngrad, path)
    names = sorted(n for n in dir(theirs) if _public(theirs, n, False)
                   and not inspect.ismodule(getattr(theirs, n)))
    if ours is None:
        return names, names
    return names, [n for n in names if not hasattr(ours, n)]


def missing_tensor():
    names = sorted(n for n in dir(torch.Tensor) if _public(torch.Tensor, n, True))
    return names, [n for n in names if not hasattr(dyngrad.Tensor, n)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", action="store_true", help="print the counts only")
    args = parser.parse_args()
    rows = [("torch.Tensor", *missing_tensor())]
    rows += [("torch" + ("." + p if p else ""), *missing(p)) for p in NAMESPACES]
    total = sum(len(r[1]) for r in rows)
    lacking = sum(len(r[2]) for r in rows)
    for name, names, lacks in rows:
        print(f"{name:<22} {len(names) - len(lacks):>5} of {len(names):>5}   lacks {len(lacks)}")
        if lacks and not args.counts:
            print("    " + " ".join(lacks))
    print(f"{'all':<22} {total - lacking:>5} of {total:>5}   lacks {lacking}")


if __name__ == "__main__":
    main()
