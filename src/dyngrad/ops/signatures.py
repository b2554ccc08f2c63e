"""The overloads torch's parser accepts for each public function, written as torch's
messages print them (see _arg_parser.py). A method's overloads are its function's
without ``Tensor input`` and ``out``, unless declared apart under ``Tensor.<name>``.
"""

_OUT = "*, Tensor out = None"
_UNARY = ["Tensor input, " + _OUT]
_COMPARE = ["Tensor input, Tensor other, " + _OUT, "Tensor input, Number other, " + _OUT]

SIGNATURES = {
    "isin": ["Tensor elements, Tensor test_elements, *, bool assume_unique = False, "
             "bool invert = False, Tensor out = None",
             "Number element, Tensor test_elements, *, bool assume_unique = False, "
             "bool invert = False, Tensor out = None",
             "Tensor elements, Number test_element, *, bool assume_unique = False, "
             "bool invert = False, Tensor out = None"],
    # reductions
    "sum": ["Tensor input, *, torch.dtype dtype = None",
            "Tensor input, tuple of ints[1]? dim, bool keepdim = False, *, torch.dtype dtype = None, "
            "Tensor out = None"],
    "mean": ["Tensor input, *, torch.dtype dtype = None, Tensor out = None",
             "Tensor input, tuple of ints[1]? dim, bool keepdim = False, *, torch.dtype dtype = None, "
             "Tensor out = None"],
    "prod": ["Tensor input, *, torch.dtype dtype = None",
             "Tensor input, int dim, bool keepdim = False, *, torch.dtype dtype = None, "
             "Tensor out = None"],
    "max": ["Tensor input, *, Tensor out = None", "Tensor input, Tensor other, *, Tensor out = None",
            "Tensor input, int dim, bool keepdim = False, *, tuple of Tensors out = None"],
    "min": ["Tensor input, *, Tensor out = None", "Tensor input, Tensor other, *, Tensor out = None",
            "Tensor input, int dim, bool keepdim = False, *, tuple of Tensors out = None"],
    "var": ["Tensor input, tuple of ints[1]? dim, bool unbiased = True, bool keepdim = False, "
            "*, Tensor out = None",
            "Tensor input, tuple of ints[1] dim = None, *, Number correction = None, "
            "bool keepdim = False, Tensor out = None",
            "Tensor input, bool unbiased = True"],
    "nonzero_static": ["Tensor input, *, int size, int fill_value = -1, Tensor out = None"],
    "argmax": ["Tensor input, int dim = None, bool keepdim = False, *, Tensor out = None"],
    "argmin": ["Tensor input, int dim = None, bool keepdim = False, *, Tensor out = None"],
    "amax": ["Tensor input, tuple of ints[1] dim = [], bool keepdim = False, *, Tensor out = None"],
    "amin": ["Tensor input, tuple of ints[1] dim = [], bool keepdim = False, *, Tensor out = None"],
    "logsumexp": ["Tensor input, tuple of ints[1] dim, bool keepdim = False, *, Tensor out = None"],
    "cumsum": ["Tensor input, int dim, *, torch.dtype dtype = None, Tensor out = None"],
    # pointwise
    "clamp": ["Tensor input, Tensor min = None, Tensor max = None, " + _OUT,
              "Tensor input, Number min = None, Number max = None, " + _OUT],
    "where": ["Tensor condition", "Tensor condition, Tensor input, Tensor other, " + _OUT,
              "Tensor condition, Number self, Tensor other",
              "Tensor condition, Tensor input, Number other",
              "Tensor condition, Number self, Number other"],
    "masked_fill": ["Tensor input, Tensor mask, Tensor value",
                    "Tensor input, Tensor mask, Number value"],
    "round": ["Tensor input, " + _OUT, "Tensor input, *, int decimals, Tensor out = None"],
    "pow": ["Tensor input, Tensor exponent, " + _OUT, "Number self, Tensor exponent, " + _OUT,
            "Tensor input, Number exponent, " + _OUT],
    "remainder": ["Tensor input, Tensor other, " + _OUT, "Number self, Tensor other",
                  "Tensor input, Number other, " + _OUT],
    "floor_divide": ["Tensor input, Tensor other, " + _OUT, "Tensor input, Number other"],
    "fmod": _COMPARE,
    "eq": _COMPARE, "ne": _COMPARE, "lt": _COMPARE, "le": _COMPARE, "gt": _COMPARE,
    "ge": _COMPARE,
    "maximum": ["Tensor input, Tensor other, " + _OUT],
    "minimum": ["Tensor input, Tensor other, " + _OUT],
    "heaviside": ["Tensor input, Tensor values, " + _OUT],
    "complex": ["Tensor real, Tensor imag, " + _OUT],
    "gradient": [
        "Tensor input, *, tuple of ints dim, int edge_order = 1",
        "Tensor input, *, Number spacing, tuple of ints dim, int edge_order = 1",
        "Tensor input, *, Number spacing = None, int dim = None, int edge_order = 1",
        "Tensor input, *, tuple of Scalars spacing, int dim = None, int edge_order = 1",
        "Tensor input, *, tuple of Scalars spacing, tuple of ints dim, int edge_order = 1",
        "Tensor input, *, tuple of Tensors spacing, int dim = None, int edge_order = 1",
        "Tensor input, *, tuple of Tensors spacing, tuple of ints dim, int edge_order = 1"],
    "histogram": [
        "Tensor input, Tensor bins, *, Tensor weight = None, bool density = False, "
        "tuple of Tensors out = None",
        "Tensor input, int bins = 100, *, tuple of floats range = None, Tensor weight = None, "
        "bool density = False, tuple of Tensors out = None"],
    "histogramdd": [
        "Tensor input, int bins, tuple of floats range = None, Tensor weight = None, "
        "bool density = False",
        "Tensor input, tuple of ints bins, tuple of floats range = None, Tensor weight = None, "
        "bool density = False",
        "Tensor input, tuple of Tensors bins, tuple of floats range = None, "
        "Tensor weight = None, bool density = False"],
    "frexp": ["Tensor input, *, tuple of Tensors out = None"],
    "renorm": ["Tensor input, Number p, int dim, Number maxnorm, " + _OUT],
    "kl_div": ["Tensor input, Tensor target, int reduction = 1, *, bool log_target = False"],
    "polar": ["Tensor abs, Tensor angle, " + _OUT],
    "igamma": ["Tensor input, Tensor other, " + _OUT],
    "igammac": ["Tensor input, Tensor other, " + _OUT],
    "Tensor.polygamma_": ["int n"],
    "Tensor.mvlgamma_": ["int p"],
    # shapes and joining
    "reshape": ["Tensor input, tuple of ints shape"],
    "flatten": ["Tensor input, int start_dim = 0, int end_dim = -1"],
    "t": ["Tensor input"],
    "transpose": ["Tensor input, int dim0, int dim1"],
    "permute": ["Tensor input, tuple of ints dims"],
    "squeeze": ["Tensor input", "Tensor input, int dim", "Tensor input, tuple of ints dim"],
    "unsqueeze": ["Tensor input, int dim"],
    "as_strided": ["Tensor input, tuple of ints size, tuple of ints stride, "
                   "int? storage_offset = None"],
    "Tensor.t_": [""],
    "Tensor.random_": ["*, torch.Generator generator = None",
                       "int from, int? to, *, torch.Generator generator = None",
                       "int to, *, torch.Generator generator = None"],
    "Tensor.transpose_": ["int dim0, int dim1"],
    "Tensor.swapdims_": ["int dim0, int dim1"],
    "Tensor.swapaxes_": ["int axis0, int axis1"],
    "Tensor.squeeze_": ["", "int dim", "tuple of ints dim"],
    "Tensor.unsqueeze_": ["int dim"],
    "Tensor.as_strided_": ["tuple of ints size, tuple of ints stride, int? storage_offset = None"],
    "narrow": ["Tensor input, int dim, Tensor start, int length",
               "Tensor input, int dim, int start, int length"],
    "select": ["Tensor input, int dim, int index"],
    "chunk": ["Tensor input, int chunks, int dim = 0"],
    "unbind": ["Tensor input, int dim = 0"],
    "cat": ["tuple of Tensors tensors, int dim = 0, " + _OUT],
    "stack": ["tuple of Tensors tensors, int dim = 0, " + _OUT],
    "flip": ["Tensor input, tuple of ints dims"],
    "tril": ["Tensor input, int diagonal = 0, " + _OUT],
    "triu": ["Tensor input, int diagonal = 0, " + _OUT],
    "clone": ["Tensor input, *, torch.memory_format memory_format = None"],
    "softmax": ["Tensor input, int dim, torch.dtype dtype = None"],
    "log_softmax": ["Tensor input, int dim, torch.dtype dtype = None"],
    # products
    "mm": ["Tensor input, Tensor mat2, " + _OUT,
           "Tensor input, Tensor mat2, torch.dtype out_dtype, " + _OUT],
    "bmm": ["Tensor input, Tensor mat2, " + _OUT,
            "Tensor input, Tensor mat2, torch.dtype out_dtype, " + _OUT],
    "dot": ["Tensor input, Tensor tensor, " + _OUT],
    "mv": ["Tensor input, Tensor vec, " + _OUT],
    "matmul": ["Tensor input, Tensor other, " + _OUT],
    # methods only, or methods unlike their function
    "Tensor.view": ["torch.dtype dtype", "tuple of ints size"],
    "Tensor.reshape": ["tuple of ints shape"],
    "Tensor.resize_": ["tuple of ints size, *, torch.memory_format memory_format = None"],
    "Tensor.resize_as_": ["Tensor the_template, *, torch.memory_format memory_format = None"],
    "Tensor.permute": ["tuple of ints dims"],
    "Tensor.flip": ["tuple of ints dims"],
    "Tensor.expand": ["tuple of ints size, *, bool implicit = False"],
    "Tensor.repeat": ["tuple of ints repeats"],
    "Tensor.view_as": ["Tensor other"],
    "Tensor.reshape_as": ["Tensor other"],
    "Tensor.expand_as": ["Tensor other"],
    "Tensor.contiguous": ["*, torch.memory_format memory_format = None"],
    "Tensor.copy_": ["Tensor other, bool non_blocking = False"],
    "Tensor.fill_": ["Tensor value", "Number value"],
    "Tensor.requires_grad_": ["bool requires_grad = True"],
    "Tensor.numpy": ["*, bool force = False"],
    "Tensor.to": ["torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, "
                  "bool copy = False, *, torch.memory_format memory_format = None",
                  "torch.dtype dtype, bool non_blocking = False, bool copy = False, *, "
                  "torch.memory_format memory_format = None",
                  "Tensor tensor, bool non_blocking = False, bool copy = False, *, "
                  "torch.memory_format memory_format = None"],
}
SIGNATURES["std"] = SIGNATURES["var"]
# binary math that takes no Python number for ``other`` (unlike add or mul)
for _n in ("atan2", "arctan2", "hypot", "logaddexp", "logaddexp2", "fmax", "fmin", "nextafter",
           "gcd", "lcm", "ldexp", "logical_and", "logical_or", "logical_xor"):
    SIGNATURES[_n] = ["Tensor input, Tensor other, " + _OUT]
for _n in ("exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "sign",
           "reciprocal", "log1p", "expm1", "tan", "sinh", "cosh", "asin", "acos", "atan", "erf",
           "rsqrt", "log2", "log10", "floor", "ceil", "trunc", "neg", "isnan", "isinf",
           "isfinite", "logical_not", "bitwise_not", "square", "sgn", "angle"):
    SIGNATURES[_n] = _UNARY
for _n in ("float", "double", "half", "long", "int", "short", "char", "byte", "bool", "cfloat",
           "cdouble"):
    SIGNATURES["Tensor." + _n] = ["*, torch.memory_format memory_format = None"]

# a method of no arguments (TensorBase.exp() in torch's messages)
for _n in ("dim", "numel", "detach", "tolist", "item", "zero_", "exp_", "log_", "sqrt_",
           "sin_", "cos_", "tanh_", "sigmoid_", "relu_", "abs_", "neg_", "reciprocal_"):
    SIGNATURES["Tensor." + _n] = [""]
# overloads torch accepts but never lists (deprecated ones)
HIDDEN = {"Tensor.copy_": ["Tensor other, bool non_blocking, bool async"]}

# functions torch gives an out= argument that dyngrad's own signatures do not declare
TAKES_OUT = frozenset((
    "true_divide", "floor_divide", "remainder", "fmod", "neg", "negative", "clamp_min",
    "clamp_max", "nonzero", "maximum", "minimum", "argmax", "argmin", "eq", "ne", "lt", "le",
    "gt", "ge", "greater", "less", "greater_equal", "less_equal", "not_equal", "logical_and",
    "logical_or", "logical_xor", "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor",
    "bitwise_not", "nonzero_static", "prod", "outer", "ger", "kron", "diff", "inverse", "matrix_power"))

# functions whose Tensor parameters also take a Python number, as torch's parser lets them
# (should_allow_numbers_as_tensors)
NUMBERS_AS_TENSORS = frozenset(
    n + s for n in ("add", "div", "divide", "mul", "multiply", "sub", "subtract", "true_divide",
                    "floor_divide") for s in ("", "_")) | {"copy_"}

# the names each function is also installed under
ALIASES = {"clip": "clamp", "absolute": "abs", "negative": "neg", "concat": "cat",
           "concatenate": "cat", "swapaxes": "transpose", "greater": "gt", "less": "lt",
           "greater_equal": "ge", "less_equal": "le", "not_equal": "ne", "arcsin": "asin",
           "arccos": "acos", "arctan": "atan", "fix": "trunc"}


def method_signatures(name):
    """A method's overloads: declared, or its function's without ``input`` and ``out``."""
    if "Tensor." + name in SIGNATURES:
        return SIGNATURES["Tensor." + name]
    base = ALIASES.get(name, name)
    if base not in SIGNATURES and name.endswith("_"):  # x.log1p_() takes what log1p takes
        base = ALIASES.get(name[:-1], name[:-1])
    out = []
    for sig in SIGNATURES.get(base, ()):
        parts = sig.split(", ")
        if parts[0] != "Tensor input":
            continue
        parts = [p for p in parts[1:] if not p.endswith(" out = None")]
        if parts and parts[-1] == "*":
            parts.pop()
        out.append(", ".join(parts))
    return out


# the *_copy functions (view_copies.py) take their view's arguments, and out=
COPY_SIGNATURES = {
    "alias_copy": [""], "t_copy": [""], "view_as_real_copy": [""],
    "view_as_complex_copy": [""], "detach_copy": [""],
    "as_strided_copy": ["tuple of ints size, tuple of ints stride, int? storage_offset = None"],
    "diagonal_copy": ["int offset = 0, int dim1 = 0, int dim2 = 1"],
    "expand_copy": ["tuple of ints size, *, bool implicit = False"],
    "permute_copy": ["tuple of ints dims"],
    "select_copy": ["int dim, int index"],
    "slice_copy": ["int dim = 0, int? start = None, int? end = None, int step = 1"],
    "squeeze_copy": ["", "int dim", "tuple of ints dim"],
    "transpose_copy": ["int dim0, int dim1"],
    "unfold_copy": ["int dimension, int size, int step"],
    "unsqueeze_copy": ["int dim"],
    "view_copy": ["torch.dtype dtype", "tuple of ints size"],
    "narrow_copy": ["int dim, int start, int length"],
}
for _n, _sigs in COPY_SIGNATURES.items():
    SIGNATURES[_n] = [", ".join(p for p in ("Tensor input", s, "*" if "*" not in s else "",
                                              "Tensor out = None") if p) for s in _sigs]
# (their results are lists: no out= here)
SIGNATURES.update({
    "split_copy": ["Tensor input, int split_size, int dim = 0"],
    "split_with_sizes_copy": ["Tensor input, tuple of ints split_sizes, int dim = 0"],
    "unbind_copy": ["Tensor input, int dim = 0"],
    "split_with_sizes": ["Tensor input, tuple of ints split_sizes, int dim = 0"],
    "unsafe_split": ["Tensor input, int split_size, int dim = 0"],
    "unsafe_split_with_sizes": ["Tensor input, tuple of ints split_sizes, int dim = 0"],
    "unsafe_chunk": ["Tensor input, int chunks, int dim = 0"],
    "Tensor.narrow_copy": ["int dim, int start, int length"],
})
TAKES_OUT = TAKES_OUT | frozenset(COPY_SIGNATURES)
SIGNATURES.update({
    "diagonal_scatter": ["Tensor input, Tensor src, int offset = 0, int dim1 = 0, int dim2 = 1"],
    "select_scatter": ["Tensor input, Tensor src, int dim, int index"],
    "slice_scatter": ["Tensor input, Tensor src, int dim = 0, int? start = None, "
                      "int? end = None, int step = 1"],
    "as_strided_scatter": ["Tensor input, Tensor src, tuple of ints size, tuple of ints stride, "
                           "int? storage_offset = None"],
})
# (index_put's own checks word torch's messages about its indices: index_put.py)
SIGNATURES.update({
    "index_reduce": ["Tensor input, int dim, Tensor index, Tensor source, str reduce, *, "
                     "bool include_self = True, " + _OUT],
})
TAKES_OUT = TAKES_OUT | {"index_reduce"}
SIGNATURES.update({
    "Tensor.sum_to_size": ["tuple of ints size"],
    "Tensor.new_empty_strided": ["tuple of ints size, tuple of ints stride, *, "
                                "torch.dtype dtype = None, torch.layout layout = None, "
                                "torch.device device = None, bool pin_memory = False, "
                                "bool requires_grad = False"],
    "Tensor.geometric_": ["float p, *, torch.Generator generator = None"],
    "Tensor.log_normal_": ["float mean = 1, float std = 2, *, torch.Generator generator = None"],
})
SIGNATURES["combinations"] = ["Tensor input, int r = 2, bool with_replacement = False"]
SIGNATURES["frombuffer"] = ["object buffer, *, torch.dtype dtype, int count = -1, int offset = 0, "
                            "bool requires_grad = False"]


# NOTE [Binding errors in torch's words] (_arg_parser.py): the overloads torch shows for
# functions that check their own arguments on a fast path. They are not checked before a
# call; they word the error of a call that does not bind (a missing or extra argument).
_ALPHA = "*, Number alpha = 1"
EXPLAINED = {
    "add": ["Tensor input, Tensor other, " + _ALPHA + ", Tensor out = None"],
    "sub": ["Tensor input, Tensor other, " + _ALPHA + ", Tensor out = None"],
    "mul": ["Tensor input, Tensor other, " + _OUT],
    "div": ["Tensor input, Tensor other, " + _OUT,
            "Tensor input, Tensor other, *, str rounding_mode, Tensor out = None",
            "Tensor input, Number other, *, str rounding_mode"],
    "true_divide": ["Tensor input, Tensor other, " + _OUT, "Tensor input, Number other"],
    "rsub": ["Tensor input, Tensor other, " + _ALPHA, "Tensor input, Number other, "
             "Number alpha = 1"],
    "lerp": ["Tensor input, Tensor end, Tensor weight, " + _OUT,
             "Tensor input, Tensor end, Number weight, " + _OUT],
    "addmm": ["Tensor input, Tensor mat1, Tensor mat2, *, Number beta = 1, Number alpha = 1, "
              "Tensor out = None",
              "Tensor input, Tensor mat1, Tensor mat2, torch.dtype out_dtype, *, "
              "Number beta = 1, Number alpha = 1, Tensor out = None"],
    "clamp_min": ["Tensor input, Tensor min, " + _OUT, "Tensor input, Number min, " + _OUT],
    "clamp_max": ["Tensor input, Tensor max, " + _OUT, "Tensor input, Number max, " + _OUT],
    "addcmul": ["Tensor input, Tensor tensor1, Tensor tensor2, *, Number value = 1, "
                "Tensor out = None"],
    "addcdiv": ["Tensor input, Tensor tensor1, Tensor tensor2, *, Number value = 1, "
                "Tensor out = None"],
    "linspace": [f"{a} start, {b} end, int steps, *, Tensor out = None, "
                 "torch.dtype dtype = None, torch.layout layout = None, torch.device device = "
                 "None, bool pin_memory = False, bool requires_grad = False"
                 for a, b in (("Tensor", "Tensor"), ("Number", "Tensor"), ("Tensor", "Number"),
                              ("Number", "Number"))],
    "logspace": [f"{a} start, {b} end, int steps, float base = 10.0, *, Tensor out = None, "
                 "torch.dtype dtype = None, torch.layout layout = None, torch.device device = "
                 "None, bool pin_memory = False, bool requires_grad = False"
                 for a, b in (("Tensor", "Tensor"), ("Number", "Tensor"), ("Tensor", "Number"),
                              ("Number", "Number"))],
    "eye": ["int n, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, "
            "torch.device device = None, bool pin_memory = False, bool requires_grad = False",
            "int n, int m, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = "
            "None, torch.device device = None, bool pin_memory = False, "
            "bool requires_grad = False"],
    "Tensor.add": ["Tensor other, " + _ALPHA], "Tensor.add_": ["Tensor other, " + _ALPHA],
    "Tensor.sub": ["Tensor other, " + _ALPHA], "Tensor.sub_": ["Tensor other, " + _ALPHA],
    "Tensor.mul": ["Tensor other"], "Tensor.mul_": ["Tensor other"],
    "Tensor.div": ["Tensor other", "Tensor other, *, str rounding_mode",
                   "Number other, *, str rounding_mode"],
    "Tensor.lerp": ["Tensor end, Tensor weight", "Tensor end, Number weight"],
    "Tensor.clamp_min": ["Tensor min", "Number min"],
    "Tensor.clamp_max": ["Tensor max", "Number max"],
    "Tensor.addcmul": ["Tensor tensor1, Tensor tensor2, *, Number value = 1"],
    "Tensor.addcdiv": ["Tensor tensor1, Tensor tensor2, *, Number value = 1"],
}
for _n in ("div", "lerp", "clamp_min", "clamp_max", "addcmul", "addcdiv"):
    EXPLAINED[f"Tensor.{_n}_"] = EXPLAINED[f"Tensor.{_n}"]
for _n in ("bitwise_and", "bitwise_or", "bitwise_xor"):
    EXPLAINED[_n] = ["Tensor input, Tensor other, " + _OUT, "Number self, Tensor other",
                     "Tensor input, Number other, " + _OUT]
    EXPLAINED[f"Tensor.{_n}"] = EXPLAINED[f"Tensor.{_n}_"] = ["Tensor other", "Number other"]
# overloads torch still takes, with a warning: run as the keywords they bind
DEPRECATED = {
    "add": ["Tensor input, Number alpha, Tensor other, *, Tensor out = None"],
    "sub": ["Tensor input, Number alpha, Tensor other, *, Tensor out = None"],
    "Tensor.add": ["Number alpha, Tensor other"], "Tensor.add_": ["Number alpha, Tensor other"],
    "Tensor.sub": ["Number alpha, Tensor other"], "Tensor.sub_": ["Number alpha, Tensor other"],
    "addcmul": ["Tensor input, Number value, Tensor tensor1, Tensor tensor2, *, "
                "Tensor out = None"],
    "addcdiv": ["Tensor input, Number value, Tensor tensor1, Tensor tensor2, *, "
                "Tensor out = None"],
    "Tensor.addcmul": ["Number value, Tensor tensor1, Tensor tensor2"],
    "Tensor.addcmul_": ["Number value, Tensor tensor1, Tensor tensor2"],
    "Tensor.addcdiv": ["Number value, Tensor tensor1, Tensor tensor2"],
    "Tensor.addcdiv_": ["Number value, Tensor tensor1, Tensor tensor2"],
}
# the factories torch.* holds beside the table's functions (creation.py, random.py, ...)
PLAIN_FUNCTIONS = ("arange", "as_tensor", "empty", "empty_like", "eye", "from_numpy", "full",
                   "full_like", "linspace", "logspace", "ones", "ones_like", "scalar_tensor",
                   "zeros", "zeros_like", "bartlett_window", "blackman_window",
                   "hamming_window", "hann_window", "kaiser_window", "bernoulli", "normal",
                   "rand_like", "randint_like", "randn_like", "randperm", "manual_seed")
# what torch itself writes in Python: a call that does not bind gets Python's own message
PYTHON_FUNCTIONS = frozenset((
    "atleast_1d", "atleast_2d", "atleast_3d", "block_diag", "broadcast_shapes",
    "broadcast_tensors", "cartesian_prod", "cdist", "chain_matmul", "eig", "einsum", "lobpcg",
    "lstsq", "lu", "manual_seed", "matrix_rank", "meshgrid", "norm", "pca_lowrank", "solve",
    "split", "stft", "svd_lowrank", "symeig", "tensordot", "unique", "unique_consecutive",
    "unravel_index"))
PYTHON_METHODS = frozenset((
    "eig", "istft", "lstsq", "lu", "norm", "resize", "resize_as", "solve", "split", "stft",
    "symeig", "unflatten", "unique", "unique_consecutive"))
_FACTORY = ("*, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, "
            "torch.device device = None, bool pin_memory = False, bool requires_grad = False")
EXPLAINED["arange"] = ["Number end, " + _FACTORY,
                       "Number start, Number end, " + _FACTORY.replace("Tensor out = None, ", ""),
                       "Number start, Number end, Number step = 1, " + _FACTORY]
_LIKE = ("torch.memory_format memory_format = None, torch.dtype dtype = None, "
         "torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
         "bool requires_grad = False")
for _n in ("rand_like", "randn_like"):
    EXPLAINED[_n] = ["Tensor input, *, torch.Generator generator, " + _LIKE,
                     "Tensor input, *, " + _LIKE]
