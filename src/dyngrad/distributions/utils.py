"""torch.distributions.utils: the helpers the families share, where torch keeps them."""
from .distribution import (broadcast_all, clamp_probs, lazy_property,  # noqa: F401
                           logits_to_probs, probs_to_logits)
from .transforms_matrix import tril_matrix_to_vec, vec_to_tril_matrix  # noqa: F401

__all__ = ["broadcast_all", "logits_to_probs", "clamp_probs", "probs_to_logits",
           "lazy_property", "tril_matrix_to_vec", "vec_to_tril_matrix"]
