"""Python's ``compile`` of the source a capture generates (guards, plans), cached by its
text: a function recorded again after ``reset()``, another compiled wrapper of the same
function, or a recompile that lands on a plan seen before gets the code object back
instead of paying the compiler again (about a millisecond per hundred lines). The names in
the text are local to it (constants are globals bound at exec), so equal text means
equal code."""
from collections import OrderedDict

LIMIT = 256  # code objects kept, the least recently used dropped first
_cache = OrderedDict()


def code_of(text, filename):
    key = (text, filename)
    code = _cache.get(key)
    if code is None:
        code = _cache[key] = compile(text, filename, "exec")
        if len(_cache) > LIMIT:
            _cache.popitem(last=False)
    else:
        _cache.move_to_end(key)
    return code
