"""pixel_shuffle and pixel_unshuffle (PixelShuffleBackward0, PixelUnshuffleBackward0): each
one's gradient is the other, applied to the gradient; channel_shuffle (ChannelShuffleBackward0),
whose gradient is the inverse shuffle (channels regrouped by the group size)."""
from .. import _backend
from ._table import LINEAR, Op
from .pointwise import _not_implemented

xp = _backend.xp


def _pixel_shuffle(self, upscale_factor):
    r = upscale_factor
    *lead, c, h, w = self.shape
    x = self.reshape(tuple(lead) + (c // (r * r), r, r, h, w))
    n = len(lead)
    x = x.transpose(tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2))
    return xp.ascontiguousarray(x).reshape(tuple(lead) + (c // (r * r), h * r, w * r))


def _pixel_unshuffle(self, downscale_factor):
    r = downscale_factor
    *lead, c, h, w = self.shape
    x = self.reshape(tuple(lead) + (c, h // r, r, w // r, r))
    n = len(lead)
    x = x.transpose(tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3))
    return xp.ascontiguousarray(x).reshape(tuple(lead) + (c * r * r, h // r, w // r))


pixel_shuffle = Op("PixelShuffleBackward0", _pixel_shuffle, jvp=LINEAR,
                   self=lambda grad, upscale_factor: pixel_unshuffle(grad, upscale_factor))
pixel_unshuffle = Op("PixelUnshuffleBackward0", _pixel_unshuffle, jvp=LINEAR,
                     self=lambda grad, downscale_factor: pixel_shuffle(grad, downscale_factor))


def _channel_shuffle(self, groups):
    n, c = self.shape[:2]
    x = self.reshape((n, groups, c // groups) + self.shape[2:]).swapaxes(1, 2)
    return xp.ascontiguousarray(x).reshape(self.shape)


channel_shuffle = Op("ChannelShuffleBackward0", _channel_shuffle, jvp=LINEAR,
                     self=lambda grad, self_sym_sizes, groups:
                     channel_shuffle(grad, self_sym_sizes[1] // groups))
# torch defines no derivative for the native kernel (its node is NotImplemented)
native_channel_shuffle = Op("torch::autograd::NotImplemented", _channel_shuffle,
                            jvp_name="aten::native_channel_shuffle",
                            self=_not_implemented("native_channel_shuffle"))

# vmap's rules (importing them loads ops/batching/, as the first vmap does): the batch is
# one more leading dim; for the channel shuffles it joins the samples' N
from .batching import register as _register  # noqa: E402
from .batching.nn import channels_alike as _channels_alike, leading as _leading  # noqa: E402

_register(_leading, [pixel_shuffle, pixel_unshuffle])
_register(_channels_alike, [channel_shuffle, native_channel_shuffle])
