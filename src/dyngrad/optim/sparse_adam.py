"""SparseAdam: Adam for sparse gradients (nn.Embedding(sparse=True)), as torch computes it:
the moments and the parameter change only at the gradient's entries."""
import math

from .. import creation
from ..ops.sparse import sparse_coo_tensor_op
from ..tensor import Tensor
from .optimizer import Optimizer

__all__ = ["SparseAdam"]


class SparseAdam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 < lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        for k in (0, 1):
            if not 0.0 <= betas[k] < 1.0:
                raise ValueError(f"Invalid beta parameter at index {k}: {betas[k]}")
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, maximize=maximize))
        found = {"Sparse": [], "Complex": []}
        for g, group in enumerate(self.param_groups):
            for k, p in enumerate(group["params"]):
                if p.is_sparse:
                    found["Sparse"].append([g, k])
                if p.is_complex():
                    found["Complex"].append([g, k])
        if found["Sparse"]:
            raise ValueError(f"Sparse params at indices {found['Sparse']}: SparseAdam requires "
                             "dense parameter tensors")
        if found["Complex"]:
            raise ValueError(f"Complex params at indices {found['Complex']}: SparseAdam does "
                             "not support complex parameters")

    def _step_group(self, group):
        beta1, beta2 = group["betas"]
        lr, eps = float(group["lr"]), group["eps"]
        for p in group["params"]:
            if p.grad is None:
                continue
            if not p.grad.is_sparse:
                raise RuntimeError("SparseAdam does not support dense gradients, please "
                                   "consider Adam instead")
            state = self.state[p]
            if not state:
                state["step"] = 0
                state["exp_avg"] = creation.zeros_like(p)
                state["exp_avg_sq"] = creation.zeros_like(p)
            state["step"] += 1
            _update(p, p.grad, state, beta1, beta2, lr, eps, group["maximize"])


def _update(param, grad, state, beta1, beta2, lr, eps, maximize):
    """One step for one parameter: each moment moves by (1 - beta) * (new - old) at the
    gradient's (coalesced) entries; the parameter by the bias-corrected ratio there."""
    grad = (-grad if maximize else grad).coalesce()
    values = grad._values()
    if values.numel() == 0:
        return
    indices, size = grad._indices(), grad.shape

    def at_entries(v):
        return sparse_coo_tensor_op(indices, v, size, True)

    exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
    old_avg = exp_avg.sparse_mask(grad)._values()
    avg_step = values.sub(old_avg).mul_(1 - beta1)
    exp_avg.add_(at_entries(avg_step))
    old_sq = exp_avg_sq.sparse_mask(grad)._values()
    sq_step = values.pow(2).sub_(old_sq).mul_(1 - beta2)
    exp_avg_sq.add_(at_entries(sq_step))
    numer = avg_step.add_(old_avg)
    denom = sq_step.add_(old_sq).sqrt_().add_(eps)
    step = state["step"]
    step_size = lr * math.sqrt(1 - beta2 ** step) / (1 - beta1 ** step)
    param.add_(at_entries(-step_size * numer.div_(denom)))
