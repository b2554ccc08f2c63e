"""Adagrad (lr decay, initial accumulator, weight decay, maximize), torch's single-tensor
update for dense gradients."""
from .. import creation
from .optimizer import Optimizer, _step_tensor, check_common, lr_value, params_with_grad

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        check_common(lr)
        if lr_decay < 0.0:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        check_common(lr, weight_decay=weight_decay)
        if initial_accumulator_value < 0.0:
            raise ValueError("Invalid initial_accumulator_value value: "
                             f"{initial_accumulator_value}")
        check_common(lr, eps)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        # torch makes the state when the optimizer is built, not at the first step
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = _step_tensor()
                state["sum"] = creation.full_like(p, group["initial_accumulator_value"])

    def _step_group(self, group):
        lr, eps = lr_value(group["lr"]), group["eps"]
        weight_decay, lr_decay = group["weight_decay"], group["lr_decay"]
        for param, grad in params_with_grad(group):
            state = self.state[param]
            state["step"] += 1
            step = state["step"].item()
            grad = -grad if group["maximize"] else grad
            if weight_decay != 0:
                grad = grad.add(param, alpha=weight_decay)
            clr = lr / (1 + (step - 1) * lr_decay)
            state_sum = state["sum"]
            state_sum.addcmul_(grad, grad, value=1)
            std = state_sum.sqrt().add_(eps)
            param.addcdiv_(grad, std, value=-clr)
