"""Adafactor, torch's single-tensor update: the second moment of a matrix kept as a row
and a column factor (a vector's in full), a relative step size, and the update clipped
by its root mean square."""
from .. import creation
from .._dtype_info import finfo
from .optimizer import Optimizer, _scalar_dtype, lr_value, params_with_grad

__all__ = ["Adafactor"]


class Adafactor(Optimizer):
    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
                 weight_decay=0.0, *, foreach=None, maximize=False):
        if hasattr(lr, "numel") and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        for ok, message in ((0.0 <= lr, f"Learning rate should be >= 0 but is: {lr}"),
                            (0.0 >= beta2_decay, f"beta2_decay should be <= 0 but is: "
                                                 f"{beta2_decay}"),
                            (eps[0] is None or 0.0 <= eps[0],
                             f"epsilon1 should be >= 0 but is: {eps[0]}"),
                            (0.0 <= eps[1], f"epsilon2 should be >= 0 but is: {eps[1]}"),
                            (1.0 <= d, f"Clipping threshold d should be >= 1 but is: {d}"),
                            (0.0 <= weight_decay, f"weight_decay should be >= 0 but is: "
                                                  f"{weight_decay}")):
            if not ok:
                raise ValueError(message)
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d,
                        weight_decay=weight_decay, foreach=foreach, maximize=maximize)
        super().__init__(params, defaults)

    def _step_group(self, group):
        lr, beta2_decay, d = lr_value(group["lr"]), group["beta2_decay"], group["d"]
        eps1, eps2 = group["eps"]
        weight_decay = group["weight_decay"]
        todo = params_with_grad(group)
        for param, grad in todo:  # torch makes every state before the first update
            if param.is_complex():
                raise RuntimeError("Adafactor does not support complex parameters")
            state = self.state[param]
            if len(state) == 0:
                state["step"] = creation.tensor(0.0, dtype=_scalar_dtype())
                if grad.dim() > 1:
                    state["row_var"] = grad.new_zeros(tuple(grad.shape[:-1]) + (1,))
                    state["col_var"] = grad.new_zeros(tuple(grad.shape[:-2]) + (1,) +
                                                      tuple(grad.shape[-1:]))
                else:
                    state["variance"] = creation.zeros_like(grad)
        for param, grad in todo:
            state = self.state[param]
            grad = -grad if group["maximize"] else grad
            if eps1 is None:
                eps1 = finfo(param.dtype).eps
            state["step"] += 1
            step = state["step"].item()
            one_minus_beta2_t = step ** beta2_decay
            rho_t = min(lr, 1 / (step ** 0.5))
            alpha = max(eps2, param.norm(2).item() / (param.numel() ** 0.5)) * rho_t
            if weight_decay != 0:
                param.mul_(1 - lr * weight_decay)
            if grad.dim() > 1:
                row_var, col_var = state["row_var"], state["col_var"]
                row_mean = grad.norm(dim=-1, keepdim=True).square_().div_(grad.size(-1))
                row_var.lerp_(row_mean, one_minus_beta2_t)
                col_mean = grad.norm(dim=-2, keepdim=True).square_().div_(grad.size(-2))
                col_var.lerp_(col_mean, one_minus_beta2_t)
                var_estimate = row_var @ col_var
                var_estimate.div_(row_var.mean(dim=-2, keepdim=True).clamp_(min=eps1))
            else:
                variance = state["variance"]
                variance.lerp_(grad * grad, one_minus_beta2_t)
                var_estimate = variance.clone()
            update = var_estimate.clamp_(min=eps1 * eps1).rsqrt_()
            update.mul_(grad)
            denom = max(1.0, update.norm(2).item() / ((update.numel() ** 0.5) * d))
            param.add_(update, alpha=-alpha / denom)
