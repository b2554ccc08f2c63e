"""torch.cuda.FloatTensor and the other CUDA tensor types: names code can test against or
pick between (``torch.cuda.FloatTensor if cuda else torch.FloatTensor``); no tensor is
one, and building one raises."""


class tensortype(type):  # (torch's name for the legacy types' metaclass)
    def __instancecheck__(cls, obj):
        return False

    def __call__(cls, *args, **kwargs):
        raise TypeError(f"type torch.cuda.{cls.__name__} not available. Torch not compiled "
                        "with CUDA enabled.")

    def __repr__(cls):
        return f"<class 'torch.cuda.{cls.__name__}'>"


def _type(name):
    return tensortype(name, (), {"__module__": "torch.cuda"})


FloatTensor, DoubleTensor, HalfTensor, BFloat16Tensor = (
    _type(n) for n in ("FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor"))
ByteTensor, CharTensor, ShortTensor, IntTensor, LongTensor, BoolTensor = (
    _type(n) for n in ("ByteTensor", "CharTensor", "ShortTensor", "IntTensor", "LongTensor",
                       "BoolTensor"))
