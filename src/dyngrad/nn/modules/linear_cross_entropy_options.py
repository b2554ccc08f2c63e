"""LinearCrossEntropyOptions: how F.linear_cross_entropy's chunked path splits the batch
(torch.nn.LinearCrossEntropyOptions), with torch's checks and its call-time resolution of
the "auto" settings."""
import dataclasses
from typing import NamedTuple

from ... import _dtype

__all__ = ["LinearCrossEntropyOptions"]


class _AutoDefault(NamedTuple):
    acc_policy: str
    chunking_method: str


# torch's measured picks per (device, input dtype); other pairs take the fallback
_AUTO_DEFAULTS = {
    ("cuda", _dtype.bfloat16): _AutoDefault("compact", "aspect_ratio:2"),
    ("cuda", _dtype.float16): _AutoDefault("compact", "aspect_ratio:2"),
    ("cpu", _dtype.bfloat16): _AutoDefault("accurate", "aspect_ratio"),
    ("cpu", _dtype.float16): _AutoDefault("accurate", "aspect_ratio"),
}
_AUTO_FALLBACK = _AutoDefault("compact", "aspect_ratio:2")
_ACC_DTYPES = (_dtype.float16, _dtype.bfloat16, _dtype.float32, _dtype.float64)


@dataclasses.dataclass(slots=True, frozen=True)
class LinearCrossEntropyOptions:
    """Configuration for the chunked implementation of :func:`linear_cross_entropy`: the
    batch is processed in pieces of ``batch_chunk_size`` rows (or as many as
    ``chunking_method`` picks: "aspect_ratio[:N]" sizes a chunk's logits like the input,
    divided by N), so the whole (batch, classes) logits are never held at once.

    >>> import dyngrad as torch
    >>> torch.nn.LinearCrossEntropyOptions(batch_chunk_size=4)
    LinearCrossEntropyOptions(allow_retain_graph=False, batch_chunk_size=4, chunking_method='auto', acc_policy='auto', acc_dtype=None)
    """
    allow_retain_graph: bool = False
    batch_chunk_size: int | None = None
    chunking_method: str | None = "auto"
    acc_policy: str = "auto"
    acc_dtype: object = None

    def __post_init__(self):
        if self.acc_policy not in {"auto", "accurate", "balanced", "compact"}:
            raise ValueError(f"invalid acc_policy: {self.acc_policy!r}")
        if self.chunking_method is not None and self.chunking_method != "auto":
            name, sep, factor = self.chunking_method.partition(":")
            factor = factor if sep else "1"
            if not (name == "aspect_ratio" and factor.isdigit() and int(factor) > 0):
                raise ValueError(f"invalid chunking_method: {self.chunking_method!r}")
        if not (self.batch_chunk_size is None or (isinstance(self.batch_chunk_size, int)
                                                  and self.batch_chunk_size > 0)):
            raise ValueError("batch_chunk_size must be positive int or None, got "
                             f"{self.batch_chunk_size!r}")
        if self.acc_dtype is not None and self.acc_dtype not in _ACC_DTYPES:
            raise ValueError("acc_dtype must be one of {None, torch.float16, torch.bfloat16, "
                             f"torch.float32, torch.float64}}, got {self.acc_dtype!r}. Pass "
                             "acc_dtype=None to let the op pick automatically.")

    @staticmethod
    def _chunk_rows(num_batches, in_features, num_classes, method):
        """"aspect_ratio[:N]": the power of two at or above the rows whose logits hold as
        many numbers as the input, divided by N."""
        factor = int(method.split(":", 1)[1]) if ":" in method else 1
        target = -(-num_batches // -(-num_classes // in_features))
        return min((1 << (target - 1).bit_length()) // factor, num_batches)

    def _adjust(self, num_batches, in_features, num_classes, dtype, device=None):
        """The options with "auto" and None resolved for one call (on the CPU)."""
        acc_policy, method = self.acc_policy, self.chunking_method
        if method == "auto" and self.batch_chunk_size is not None:
            method = None
        if acc_policy == "auto" or method == "auto":
            pick = (_AUTO_FALLBACK if device is None
                    else _AUTO_DEFAULTS.get((device.type, dtype), _AUTO_FALLBACK))
            acc_policy = pick.acc_policy if acc_policy == "auto" else acc_policy
            method = pick.chunking_method if method == "auto" else method
        rows = (num_batches if self.batch_chunk_size is None
                else min(self.batch_chunk_size, num_batches))
        if method is not None:
            rows = self._chunk_rows(num_batches, in_features, num_classes, method)
            if self.batch_chunk_size is not None and self.batch_chunk_size != rows:
                raise ValueError(f"batch_chunk_size (={self.batch_chunk_size}) and "
                                 f"chunking_method ('{method}') give different chunk sizes "
                                 f"({self.batch_chunk_size} vs {rows}); pass only one.")
        acc_dtype = self.acc_dtype
        if acc_dtype is None:  # (fp32 for fp16/bf16 input on the CPU under "auto")
            low = dtype in (_dtype.float16, _dtype.bfloat16)
            acc_dtype = _dtype.float32 if self.acc_policy == "auto" and low else dtype
        return dataclasses.replace(self, batch_chunk_size=max(1, rows), chunking_method=method,
                                   acc_policy=acc_policy, acc_dtype=acc_dtype)
