"""torch.einsum, composed from views, sums, mul and bmm in torch's own order.

torch (aten Linear.cpp) gives every label one position (the output's labels first, then
the summed ones), brings each operand to that layout (a diagonal for a repeated label,
unsqueeze for a missing one, one permute), then contracts the operands left to right:
dims only one side still needs are summed first, the rest go through one bmm
(permute, reshape to [batch, rows, k] and [batch, k, cols], bmm, view, permute back).
Doing the same steps here records torch's graph and rounds as torch rounds.
"""
from .. import _backend
from ..tensor import Tensor
from . import pointwise as pw
from .diagonal import diagonal_op
from .autocast_policy import lower_precision_fp
from .linalg import bmm
from .reduction import sum_dim
from .views import permute, unsqueeze

# the product runs through autocast as torch's at::bmm does: under CPU autocast the
# operands are cast there, after the sums and permutes before it ran in their own dtype
_bmm = lower_precision_fp(bmm)

xp = _backend.xp
_ELLIPSIS = 52


def _subscript(c):
    # A-Z are 0-25 and a-z 26-51: torch's order of labels (the implicit output's order)
    return ord(c) - ord("A") if c <= "Z" else ord(c) - ord("a") + 26


def _is_label(c):
    return "a" <= c <= "z" or "A" <= c <= "Z"


def _parse_inputs(lhs, num_ops):
    op_labels = [[] for _ in range(num_ops)]
    cur, ell, i = 0, False, 0
    while i < len(lhs):
        c = lhs[i]
        if c == ".":
            if ell:
                raise RuntimeError(f"einsum(): found '.' for operand {cur} for which an ellipsis "
                                   "was already found")
            if not (i + 2 < len(lhs) and lhs[i + 1] == "." and lhs[i + 2] == "."):
                raise RuntimeError(f"einsum(): found '.' for operand {cur} that is not part of "
                                   "any ellipsis")
            i += 2
            op_labels[cur].append(_ELLIPSIS)
            ell = True
        elif c == ",":
            cur += 1
            if cur >= num_ops:
                raise RuntimeError("einsum(): fewer operands were provided than specified in the "
                                   "equation")
            ell = False
        elif c != " ":
            if not _is_label(c):
                raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the "
                                   "equation string, subscripts must be in [a-zA-Z]")
            op_labels[cur].append(_subscript(c))
        i += 1
    if cur != num_ops - 1:
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    return op_labels


def _layout(equation, operands):
    """Each label's position in the aligned layout, the output's rank, the layout's rank,
    where the ellipsis dims start and how many there are."""
    arrow = equation.find("->")
    lhs = equation if arrow < 0 else equation[:arrow]
    op_labels = _parse_inputs(lhs, len(operands))
    count = [0] * 52
    ell_num_dim = 0
    for i, (op, labels) in enumerate(zip(operands, op_labels)):
        nlabels = len([s for s in labels if s != _ELLIPSIS])
        has_ell = _ELLIPSIS in labels
        for s in labels:
            if s != _ELLIPSIS:
                count[s] += 1
        if has_ell:
            ell_num_dim = max(ell_num_dim, op.dim() - nlabels)
        if (nlabels > op.dim()) if has_ell else (nlabels != op.dim()):
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({nlabels}) "
                + ("is more than the number of dimensions (" if has_ell else
                   "does not match the number of dimensions (")
                + f"{op.dim()}) for operand {i}" + ("" if has_ell else " and no ellipsis was given"))
    perm_index = [-1] * 52
    pos = ell_index = 0
    ell_in_output = False
    if arrow < 0:
        pos, ell_in_output = ell_num_dim, True
        for s in range(52):
            if count[s] == 1:
                perm_index[s] = pos
                pos += 1
    else:
        rhs = equation[arrow + 2:]
        i = 0
        while i < len(rhs):
            c = rhs[i]
            if c == ".":
                if ell_in_output:
                    raise RuntimeError("einsum(): found '.' for output but an ellipsis (...) was "
                                       "already found")
                if not (i + 2 < len(rhs) and rhs[i + 1] == "." and rhs[i + 2] == "."):
                    raise RuntimeError("einsum(): found '.' for output that is not part of any "
                                       "ellipsis (...)")
                i += 2
                ell_index, ell_in_output = pos, True
                pos += ell_num_dim
            elif c != " ":
                if not _is_label(c):
                    raise RuntimeError(f"einsum(): invalid subscript given at index "
                                       f"{len(lhs) + 2 + i} in the equation string, subscripts "
                                       "must be in [a-zA-Z]")
                s = _subscript(c)
                if count[s] == 0 or perm_index[s] != -1:
                    why = ("appears more than once in the output" if perm_index[s] != -1 else
                           "does not appear in the equation for any input operand")
                    raise RuntimeError(f"einsum(): output subscript {c} {why}")
                perm_index[s] = pos
                pos += 1
            i += 1
    out_num_dim = pos
    if not ell_in_output:
        ell_index = pos
        pos += ell_num_dim
    for s in range(52):
        if count[s] > 0 and perm_index[s] == -1:
            perm_index[s] = pos
            pos += 1
    return op_labels, perm_index, out_num_dim, pos, ell_index, ell_num_dim


def _label_char(s):
    return chr(ord("A") + s) if s < 26 else chr(ord("a") + s - 26)


def _align(operands, op_labels, perm_index, total, ell_index, ell_num_dim):
    """Each operand with one dim per layout position, and how many operands have each
    position at a size other than 1."""
    label_size = [1] * 52
    ell_sizes = [1] * ell_num_dim
    dim_counts = [0] * total
    ops = []
    for i, op in enumerate(operands):
        permutation = [-1] * total
        dim = 0
        for s in op_labels[i]:
            if s == _ELLIPSIS:
                ndim = operands[i].dim() - (len(op_labels[i]) - 1)
                for j in range(ell_num_dim - ndim, ell_num_dim):
                    size = op.shape[dim]
                    if size != 1:
                        if ell_sizes[j] not in (1, size):
                            # (torch's message runs the operand's number into "has")
                            raise RuntimeError(
                                f"einsum(): dimension {dim} covered by ellipsis in operand {i}has "
                                f"size {size} which does not broadcast with previously seen "
                                f"ellipsis with size {ell_sizes[j]} for the respective dimension")
                        ell_sizes[j] = size
                        dim_counts[ell_index + j] += 1
                    permutation[ell_index + j] = dim
                    dim += 1
            elif permutation[perm_index[s]] == -1:
                size = op.shape[dim]
                if size != 1:
                    if label_size[s] not in (1, size):
                        raise RuntimeError(
                            f"einsum(): subscript {_label_char(s)} has size {size} for operand {i} "
                            f"which does not broadcast with previously seen size {label_size[s]}")
                    label_size[s] = size
                    dim_counts[perm_index[s]] += 1
                permutation[perm_index[s]] = dim
                dim += 1
            else:  # a repeated label: its diagonal, moved to where the label first was
                prev = permutation[perm_index[s]]
                if op.shape[dim] != op.shape[prev]:
                    raise RuntimeError(
                        f"einsum(): subscript {_label_char(s)} is repeated for operand {i} but the "
                        f"sizes don't match, {op.shape[dim]} != {op.shape[prev]}")
                op = _movedim_last(diagonal_op(op, 0, prev, dim), prev)
        for k, val in enumerate(permutation):
            if val == -1:
                op = unsqueeze(op, dim)
                permutation[k] = dim
                dim += 1
        ops.append(permute(op, tuple(permutation)))
    return ops, dim_counts


def _movedim_last(x, dest):
    n = x.dim()
    order = list(range(n - 1))
    order.insert(dest, n - 1)
    return permute(x, tuple(order))


def _sumproduct_pair(left, right, sum_dims):
    """left * right summed over ``sum_dims`` (kept as size 1), through one bmm."""
    if not sum_dims:
        return pw.mul(left, right)
    from .torch_shape import reshape, view
    n = left.dim()
    lro, lo, ro = [], [], []
    lro_size = lo_size = ro_size = sum_size = 1
    for i in range(n):
        # (einsum sums a dim only one side holds before the pair, and _align has checked
        # that the sizes both sides hold match: torch's other cases here do not arise)
        sl, sr = left.shape[i] != 1, right.shape[i] != 1
        if i in sum_dims:
            sum_size *= left.shape[i]
        elif sl and sr:
            lro.append(i)
            lro_size *= left.shape[i]
        elif sl:
            lo.append(i)
            lo_size *= left.shape[i]
        else:
            ro.append(i)
            ro_size *= right.shape[i]
    if lo and ro and ro[0] < lo[0]:
        # torch puts first the operand whose own dims come first in the output, so that
        # the result needs no transpose
        left, right, lo, ro, lo_size, ro_size = right, left, ro, lo, ro_size, lo_size
    out_size = ([left.shape[d] for d in lro] + [left.shape[d] for d in lo]
                + [1] * len(sum_dims) + [right.shape[d] for d in ro])
    lperm = lro + lo + list(sum_dims) + ro
    rperm = lro + list(sum_dims) + ro + lo
    operm = [0] * len(lperm)
    for k, d in enumerate(lperm):
        operm[d] = k
    a = reshape(permute(left, tuple(lperm)), (lro_size, lo_size, sum_size))
    b = reshape(permute(right, tuple(rperm)), (lro_size, sum_size, ro_size))
    return permute(view(_bmm(a, b), tuple(out_size)), tuple(operm))


def einsum(*args):
    """torch.einsum(equation, *operands): sums of products over labelled dims.

    >>> import dyngrad as torch
    >>> torch.einsum('ij,j->i', torch.ones(2, 3), torch.tensor([1., 2., 3.]))
    tensor([6., 6.])
    """
    if not args:
        raise TypeError("einsum(): must specify the equation string and at least one operand, "
                        "or at least one operand and its subscripts list")
    if isinstance(args[0], str):
        equation, operands = args[0], list(args[1:])
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = list(operands[0])
    else:
        equation, operands = _sublist_equation(args)
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    for op in operands:
        if not isinstance(op, Tensor):
            raise TypeError(f"einsum(): expected a Tensor operand, got {type(op).__name__}")
    op_labels, perm_index, out_num_dim, total, ell_index, ell_num_dim = _layout(equation, operands)
    ops, dim_counts = _align(operands, op_labels, perm_index, total, ell_index, ell_num_dim)
    while len(ops) > 1:
        a, b = ops.pop(0), ops.pop(0)
        sum_dims, a_sum, b_sum = [], [], []
        for dim in range(out_num_dim, total):
            if a.shape[dim] != 1 and b.shape[dim] != 1:
                dim_counts[dim] -= 1
                if dim_counts[dim] == 1:
                    sum_dims.append(dim)
                    dim_counts[dim] = 0
            elif dim_counts[dim] == 1:
                if a.shape[dim] != 1:
                    a_sum.append(dim)
                    dim_counts[dim] = 0
                elif b.shape[dim] != 1:
                    b_sum.append(dim)
                    dim_counts[dim] = 0
        if a_sum:
            a = sum_dim(a, tuple(a_sum), True)
        if b_sum:
            b = sum_dim(b, tuple(b_sum), True)
        ops.insert(0, _sumproduct_pair(a, b, sum_dims))
    result = ops[0]
    if total > out_num_dim:
        if len(operands) > 1:
            from .torch_shape import view
            return view(result, tuple(result.shape[:out_num_dim]))
        return sum_dim(result, tuple(range(out_num_dim, total)), False)
    return result


def _sublist_equation(args):
    """einsum(op0, sublist0, op1, sublist1, ..., [out_sublist]) as an equation string."""
    def letters(sub):
        out = []
        for s in sub:
            if s is Ellipsis:
                out.append("...")
            elif isinstance(s, int) and 0 <= s < 52:
                out.append(_label_char(s))
            else:
                raise ValueError("einsum(): subscript in subscript list is not within the valid "
                                 "range [0, 52)")
        return "".join(out)
    ops = list(args[0::2][:len(args) // 2])
    subs = list(args[1::2][:len(args) // 2])
    equation = ",".join(letters(s) for s in subs)
    if len(args) % 2:
        equation += "->" + letters(args[-1])
    return equation, ops

