"""Rprop (resilient backpropagation), torch's single-tensor update: a step size per
element grows by etaplus while the gradient keeps its sign and shrinks by etaminus when
it flips (that step then skips the element), and the parameter moves by the sign."""
from .. import creation
from .optimizer import (Optimizer, check_common, lr_value, params_with_grad,
                        refuse_capturable, state_of)

__all__ = ["Rprop"]


class Rprop(Optimizer):
    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        check_common(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach,
                        maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def _step_group(self, group):
        etaminus, etaplus = group["etas"]
        step_size_min, step_size_max = group["step_sizes"]
        for param, grad in params_with_grad(group):
            state = state_of(self.state, param, "prev")
            if "step_size" not in state:
                state["step_size"] = creation.full_like(grad, lr_value(group["lr"]))
            refuse_capturable(group, "params and state_steps")
            grad = -grad if group["maximize"] else grad
            prev, step_size = state["prev"], state["step_size"]
            state["step"] += 1
            sign = grad.mul(prev.clone() if group["differentiable"] else prev).sign()
            sign[sign.gt(0)] = etaplus
            sign[sign.lt(0)] = etaminus
            sign[sign.eq(0)] = 1
            step_size.mul_(sign).clamp_(step_size_min, step_size_max)
            grad = grad.clone()
            grad[sign.eq(etaminus)] = 0
            param.addcmul_(grad.sign(), step_size, value=-1)
            prev.copy_(grad)
