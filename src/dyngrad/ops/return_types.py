"""torch.return_types beyond (values, indices): named tuples with their own field names
(aminmax's min and max, slogdet's sign and logabsdet, ...), printed as torch prints them."""
from .torch_math import _return_type, return_types


def _named(name, fields):
    def __new__(cls, *values):
        return tuple.__new__(cls, values)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{body})"

    ns = {"__new__": __new__, "__repr__": __repr__, "__slots__": (), "_fields": fields,
          "__module__": "dyngrad.return_types"}
    for i, f in enumerate(fields):
        ns[f] = property(lambda self, i=i: self[i])
    return type(name, (tuple,), ns)


def return_type(name, fields=("values", "indices")):
    """The named tuple torch returns from ``name``, registered in torch.return_types."""
    t = return_types.get(name)
    if t is None:
        t = return_types[name] = (_return_type(name) if fields == ("values", "indices")
                                  else _named(name, fields))
    return t
