"""The text of a backward formula, read from its one declaration in the op table.

    mul = Op("MulBackward0", ..., self=lambda grad, other: grad * conj(other), ...)
                                       ─────────────────────────────────
    formula_text(mul.formulas["self"])  ->  "grad * conj(other)"

A lambda's text is its body, found in the module's source by its line and the columns
its code covers; a named function's is its single ``return`` expression, or its call
signature when its body is longer.
"""
import ast
import functools
import inspect
import linecache


@functools.lru_cache(maxsize=None)
def _module_tree(filename):
    source = "".join(linecache.getlines(filename))
    if not source:
        return None, None
    try:
        return source, ast.parse(source)
    except SyntaxError:
        return source, None


def _signature(fn):
    try:
        return f"{fn.__name__}({', '.join(inspect.signature(fn).parameters)})"
    except (TypeError, ValueError):
        return getattr(fn, "__name__", repr(fn))


@functools.lru_cache(maxsize=None)
def formula_text(fn):
    """The formula as written in the op table (one line)."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return _signature(fn)
    source, tree = _module_tree(code.co_filename)
    if tree is None:
        return _signature(fn)
    if fn.__name__ == "<lambda>":
        node = _find_lambda(tree, code)
        expr = node.body if node is not None else None
    else:
        expr = _single_return(tree, code)
    if expr is None:
        return _signature(fn)
    return " ".join(ast.get_source_segment(source, expr).split())


def formula_source(fn):
    """The full source of the formula's declaration (for a page's details)."""
    try:
        return inspect.getsource(fn).strip()
    except (OSError, TypeError):
        return _signature(fn)


def _find_lambda(tree, code):
    args = list(code.co_varnames[:code.co_argcount])
    spans = [(l, c, el, ec) for l, el, c, ec in code.co_positions()
             if l is not None and c is not None and (el, ec) != (l, c)]
    best = None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Lambda) or node.lineno != code.co_firstlineno:
            continue
        if [a.arg for a in node.args.args] != args:
            continue
        start, end = (node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset)
        if all(start <= (l, c) and (el, ec) <= end for l, c, el, ec in spans):
            best = node
    return best


def _single_return(tree, code):
    for node in ast.walk(tree):
        if (isinstance(node, ast.FunctionDef) and node.name == code.co_name
                and node.lineno <= code.co_firstlineno <= node.end_lineno):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]
            if len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
                return body[0].value
            return None
    return None


def op_formulas(node):
    """For a table node: [(input name, formula fn, formula text, arg names)] per input edge."""
    op = getattr(node, "_op", None)
    if op is None:
        return None
    if op.variadic:
        name = op.params[0]
        f = op.formulas[name]
        return [(name, f, formula_text(f), op.formula_args[name])]
    out = []
    for pos in op.diff_pos:
        name = op.params[pos]
        f = op.formulas[name]
        out.append((name, f, formula_text(f), op.formula_args[name]))
    return out
