"""Random ops under vmap: what each vmap's ``randomness`` makes of a draw (NOTE [Random ops
under vmap] in random.py says which kind of draw each sampler is).

- 'error' refuses any draw;
- 'same' draws one sample's worth, shared by the batch; a draw whose parameters are
  batched (bernoulli of batched probabilities) is refused, as torch refuses it;
- 'different' draws for the whole batch at once, the batch dim in front, so the numbers
  are torch's for the same seed: torch draws the batched shape in one call too.

Each rule handles the innermost running vmap and hands the rest of the draw to the vmaps
outside it (a draw under two 'different' vmaps has both batch sizes in front, outer
first), then batches the result at its level again.
"""
from ..._autograd_state import state as _state
from ...creation import empty
from .._batched import is_batched, make_batched
from .dims import aligned

__all__ = ["factory", "like", "per_element", "fill"]

_ERROR = ("vmap: called random operation while in randomness error mode. Please either use "
          "the 'same' or 'different' randomness flags on vmap or perform the randomness "
          "operation out of vmap")
_SAME_BATCHED = ("Vmap does not currently support same randomness with a batched tensor "
                 "input. Please file an issue with functorch")
_UNBATCHED_INPLACE = ("vmap: Cannot ask for different inplace randomness on an unbatched "
                      "tensor. This will appear like same randomness. If this is necessary "
                      "for your usage, please file an issue with functorch.")


def _innermost(frames):
    level, size, mode = frames[-1]
    if mode == "error":
        raise RuntimeError(_ERROR)
    return level, size, mode, frames[:-1]


def factory(shape, draw, frames=None):
    """A fresh tensor of ``shape`` (rand, randn, dropout's mask): ``draw(shape)`` makes it."""
    frames = _state.batching if frames is None else frames
    if not frames:
        return draw(shape)
    level, size, mode, outer = _innermost(frames)
    if mode == "same":
        return factory(shape, draw, outer)
    return make_batched(factory((size,) + shape, draw, outer), level)


def like(input, make, frames=None):
    """A fresh tensor like ``input`` (rand_like): ``make(t)`` for an unbatched ``t``. Under
    'different' an unbatched input stands expanded over the batch."""
    frames = _state.batching if frames is None else frames
    if not frames:
        return make(input)
    level, size, mode, outer = _innermost(frames)
    batched = is_batched(input, level)
    if mode == "same":
        return like(input._value.select(0, 0) if batched else input, make, outer)
    value = input._value if batched else aligned(input, level, input.dim(), size)
    return make_batched(like(value, make, outer), level)


def per_element(fn, args, frames=None):
    """``fn(*args)`` drawing per element of its tensor arguments (bernoulli(p), poisson,
    normal(mean, std), multinomial)."""
    frames = _state.batching if frames is None else frames
    if not frames:
        return fn(*args)
    level, size, mode, outer = _innermost(frames)
    tensors = [a for a in args if hasattr(a, "_data")]
    if mode == "same":
        if any(is_batched(t, level) for t in tensors):
            raise RuntimeError(_SAME_BATCHED)
        return per_element(fn, args, outer)
    ndim = max(t.dim() for t in tensors)
    values = [aligned(a, level, ndim, size) if hasattr(a, "_data") else a for a in args]
    return make_batched(per_element(fn, values, outer), level)


def fill(self, write, frames=None):
    """An in-place draw into ``self`` (uniform_, normal_, ...): ``write(t)`` for an
    unbatched ``t``."""
    frames = _state.batching if frames is None else frames
    if not frames:
        write(self)
        return
    level, size, mode, outer = _innermost(frames)
    if not is_batched(self, level):
        if mode == "different":  # every sample would write the same memory
            raise RuntimeError(_UNBATCHED_INPLACE)
        fill(self, write, outer)
        return
    if mode == "different":
        fill(self._value, write, outer)
        return
    # 'same': one sample drawn, then written into every sample
    one = empty(tuple(self.shape), dtype=self.dtype)
    fill(one, write, outer)
    self._value.copy_(one)
