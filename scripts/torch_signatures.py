"""Write src/dyngrad/ops/torch_signatures.py: torch's Python signatures of the torch.*
functions and Tensor methods the op table installs and signatures.py declares none for,
in signatures.py's notation, so that a refused call is worded as torch's argument parser
words it (NOTE [Binding errors in torch's words] in _arg_parser.py).

Run with torch installed (the library never imports it):

    PYTHONPATH=src python scripts/torch_signatures.py

A signature comes from the function's ATen schemas, converted as torch's parser prints
them (self is input, Scalar is Number, int[] is tuple of ints, ...). Where torch prints
its list of overloads (a function with several), the converted list must equal that
list, in its order; where it has one, the converted one must give torch's counts in its
"takes from A to B positional arguments" message. A function whose conversion does not
check out is left out (and listed on stderr).
"""
import re
import sys
import types

import torch

from dyngrad import ops
from dyngrad.ops import signatures as declared

OUT_FILE = "src/dyngrad/ops/torch_signatures.py"

_TYPES = {
    "Tensor": "Tensor", "Scalar": "Number", "int": "int", "SymInt": "int", "float": "float",
    "bool": "bool", "str": "str", "ScalarType": "torch.dtype", "Layout": "torch.layout",
    "Device": "torch.device", "MemoryFormat": "torch.memory_format",
    "Generator": "torch.Generator", "Tensor[]": "tuple of Tensors",
    "Tensor?[]": "tuple of Tensors", "Scalar[]": "tuple of Scalars", "float[]": "tuple of floats",
}
# bound by hand in torch's Python layer, with arguments no schema shows (as_tuple=)
_HAND_BOUND = {"nonzero"}
_FACTORY = ("torch.dtype dtype = None", "torch.layout layout = None",
            "torch.device device = None", "bool pin_memory = False",
            "bool requires_grad = False")


def _type(t):
    """(notation, nullable) of a schema type; None where the parser has no such type."""
    nullable = t.endswith("?")
    t = t.rstrip("?")
    m = re.fullmatch(r"(int|SymInt)\[(\d*)\]", t)
    if m:
        return ("tuple of ints[1]" if m.group(2) else "tuple of ints"), nullable
    if t in _TYPES:
        return _TYPES[t], nullable
    return None, nullable


def _default(d, ty):
    """A schema default as torch's parser prints it."""
    if d.startswith("'") or d.startswith('"'):
        return '"' + d[1:-1] + '"'
    if ty == "float" and re.fullmatch(r"-?\d+", d):
        return d + ".0"  # a float's default printed as a float
    return {"Mean": "at::Reduction::Mean", "long": "torch.int64",
            "contiguous_format": "torch.contiguous_format"}.get(d, d)


def _split(text):
    """``text`` split at the commas outside brackets."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    return parts + [cur.strip()] if cur.strip() else parts


def parse(schema):
    """(arguments as (type, name, default or None, kw_only, is_out), returns) of a schema."""
    text = str(schema)
    body = text[text.index("(") + 1:text.rindex(") ->")]
    returns = text[text.rindex(") ->") + 4:]
    args, kw = [], False
    for part in _split(body):
        if part == "*":
            kw = True
            continue
        decl, _, default = part.partition("=")
        ty, _, name = decl.strip().rpartition(" ")
        is_out = kw and "!" in ty
        ty = re.sub(r"\([a-z]!?( -> \*)?\)", "", ty)
        args.append((ty, name, default.strip() or None, kw, is_out))
    return args, returns


def convert(schema, method=False):
    """(the parameters before out=, whether it has out= and how many, whether it takes
    the factory options) of one schema, or None where it holds a type torch's Python
    parser has no word for."""
    args, returns = parse(schema)
    if "Tensor" not in returns and not any("Tensor" in a[0] for a in args):
        return None  # TorchScript's overloads on numbers and lists
    parts, star, outs = [], False, 0
    names = {a[1] for a in args}
    factory = {"dtype", "layout", "device", "pin_memory"} <= names
    for ty, name, default, kw_only, is_out in args:
        if is_out:
            outs += 1
            continue
        if factory and name in ("dtype", "layout", "device", "pin_memory"):
            continue
        notation, nullable = _type(ty)
        if notation is None:
            return None
        if name == "self":
            if method:
                continue
            name = "input" if notation == "Tensor" else "self"
        if kw_only and not star:
            parts.append("*")
            star = True
        if default is None:
            parts.append(f"{notation}{'?' if nullable else ''} {name}")
            continue
        sized = re.search(r"\[(\d+)\]", ty)
        items = _split(default[1:-1]) if default.startswith("[") else None
        if sized and items and len(set(items)) == 1:
            default = items[0]  # int[2] stride=1 is printed as written: one number
        default = _default(default, notation)
        if ", " in default:
            return None  # (the notation splits at ", ")
        parts.append(f"{notation} {name} = {default}")
    return tuple(parts), outs, factory


def assemble(parts, outs, factory):
    """One signature's text: its parameters, then out= and the factory options."""
    parts = list(parts)
    if (outs or factory) and "*" not in parts:
        parts.append("*")
    if outs:
        parts.append(("tuple of Tensors" if outs > 1 else "Tensor") + " out = None")
    if factory:
        parts.extend(_FACTORY)
    return ", ".join(parts)


def printed(sig):
    """``sig`` as torch prints it (the notation's marks dropped)."""
    return sig.replace("[1]", "").replace("? ", " ")


def torch_list(fn):
    """torch's printed list of overloads, or None for a function of one."""
    x = torch.ones(2, 2)
    for args in ((), (x,), (x, x), (x, x, x), (object(),)):
        try:
            fn(*args, zzz_=object())
        except TypeError as e:
            s = str(e)
            if "expected one of:" in s:
                return [ln[4:-1] for ln in s.split("\n") if ln.startswith(" * (")]
        except Exception:
            pass
    return None


def torch_counts(fn):
    """(lowest, most positional) from torch's "takes ... positional arguments" message."""
    try:
        fn(*[torch.ones(2)] * 20)
    except TypeError as e:
        m = re.search(r"takes (?:from (\d+) to (\d+)|(\d+)) positional", str(e))
        if m:
            return (int(m.group(1)), int(m.group(2))) if m.group(1) else (int(m.group(3)),) * 2
    except Exception:
        pass
    return None


def counts(sig):
    """(lowest, most positional) arguments ``sig`` takes, as torch's message counts them."""
    tokens = sig.split(", ") if sig else []
    params = [p for p in tokens if p != "*"]
    npos = tokens.index("*") if "*" in tokens else len(tokens)
    low = sum(" = " not in p for p in params)
    return low, npos


def _wrapped(sig):
    """``sig`` as adjacent string literals of at most 90 characters, then a comma."""
    chunks, cur = [], ""
    for piece in sig.split(", "):
        if cur and len(cur) + len(piece) > 84:
            chunks.append(cur)
            cur = ""
        cur += piece + ", "
    chunks.append(cur[:-2])
    return "".join(f"        {c!r}\n" for c in chunks[:-1]) + f"        {chunks[-1]!r},\n"


def harvest(name, fn, method):
    """(torch's signatures of ``fn``, or None and why not)."""
    bases, outs = [], {}
    for sch in torch._C._jit_get_schemas_for_operator("aten::" + name):
        c = convert(sch, method)
        if c is None or method and "self" not in [a[1] for a in parse(sch)[0]]:
            continue
        parts, n_out, factory = c
        if method and (n_out or factory):
            continue  # (methods take no out= and make no new tensors from options)
        if n_out:
            outs[parts] = n_out
        elif (parts, factory) not in bases:
            bases.append((parts, factory))
    sigs = [assemble(p, outs.pop(p, 0), f) for p, f in bases]
    sigs += [assemble(p, n, False) for p, n in outs.items()]
    listing = torch_list(fn)
    if listing is not None:
        by_text = {printed(s): s for s in sigs}
        for sig in sigs:  # torch hides the out= of some (count_nonzero, fill, ...)
            bare = re.sub(r"(, \*)?, (tuple of Tensors|Tensor) out = None", "", sig)
            by_text.setdefault(printed(bare), bare)
        if all(line in by_text for line in listing):
            return [by_text[line] for line in listing], None
        return None, ("list", listing, [printed(s) for s in sigs])
    if len(sigs) != 1:
        return None, ("one", sigs)
    want = torch_counts(fn)
    if sigs == [""] and method:
        return sigs, None  # (a plain C method: "takes no arguments")
    if want is None or counts(sigs[0]) != want:
        return None, ("counts", sigs, want)
    return sigs, None


def main():
    found, skipped = {}, []
    functions = sorted(n for n in dir(torch) if not n.startswith("_")
                       and isinstance(getattr(torch, n), types.BuiltinFunctionType)
                       and n in ops.FUNCTIONS)  # (what ops.install puts behind the parser)
    for name in functions:
        canonical = declared.ALIASES.get(name, name)
        if (canonical in declared.SIGNATURES or canonical in declared.EXPLAINED
                or name in declared.PYTHON_FUNCTIONS or name in declared.PLAIN_FUNCTIONS
                or name in _HAND_BOUND):
            continue
        sigs, why = harvest(name, getattr(torch, name), False)
        if sigs is None:
            skipped.append((name, *why))
        else:
            found[name] = sigs
    x = torch.ones(2)
    methods = sorted(n for n in dir(torch.Tensor) if not n.startswith("_")
                     and isinstance(getattr(torch.Tensor, n, None), types.MethodDescriptorType)
                     and n in ops.METHODS)
    for name in methods:
        if (declared.method_signatures(name) or "Tensor." + name in declared.EXPLAINED
                or name in declared.PYTHON_METHODS or name in _HAND_BOUND):
            continue
        sigs, why = harvest(name, getattr(x, name), True)
        if sigs is None:
            skipped.append(("Tensor." + name, *why))
        else:
            found["Tensor." + name] = sigs
    with open(OUT_FILE, "w") as f:
        f.write('"""torch\'s Python signatures of the torch.* functions and Tensor methods\n'
                'whose signatures.py declares none: they word a refused call as torch does (NOTE\n'
                '[Binding errors in torch\'s words] in _arg_parser.py). Generated by\n'
                'scripts/torch_signatures.py from torch\'s ATen schemas; do not edit."""\n\n')
        f.write("SIGNATURES = {\n")
        for name, sigs in found.items():
            line = f"    {name!r}: {sigs!r},\n"
            if len(line) > 100:  # one overload a line, cut after a comma to the width
                line = f"    {name!r}: [\n" + "".join(_wrapped(sig) for sig in sigs) + "    ],\n"
            f.write(line)
        f.write("}\n")
    print(f"{len(found)} written, {len(skipped)} left out", file=sys.stderr)
    for s in skipped:
        print(*s, file=sys.stderr)


if __name__ == "__main__":
    main()
