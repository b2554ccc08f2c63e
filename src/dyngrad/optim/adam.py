"""Adam and AdamW (decoupled weight decay), with amsgrad and maximize, as torch's
single-tensor update: ``lerp_`` for the first moment, ``mul_``/``addcmul_`` for the
second, one ``addcdiv_`` into the parameter (its array functions called directly where
that changes nothing: NOTE [Direct updates] in _direct.py)."""
from ..ops.pointwise import maximum
from . import _direct
from .optimizer import Optimizer, check_common, lr_value, params_with_grad, state_of

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        check_common(lr, eps, weight_decay, betas)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _step_group(self, group):
        beta1, beta2 = group["betas"]
        lr, eps, weight_decay = lr_value(group["lr"]), group["eps"], group["weight_decay"]
        amsgrad = group["amsgrad"]
        direct = not amsgrad and _direct.possible()
        for param, grad in params_with_grad(group):
            state = state_of(self.state, param, "exp_avg", "exp_avg_sq",
                             *(("max_exp_avg_sq",) if amsgrad else ()))
            exp_avg, exp_avg_sq, step_t = state["exp_avg"], state["exp_avg_sq"], state["step"]
            if direct and _direct.usable((param, grad, exp_avg, exp_avg_sq)):
                self._direct_update(group, param, grad, exp_avg, exp_avg_sq, step_t)
                continue
            grad = -grad if group["maximize"] else grad
            step_t += 1
            if weight_decay != 0:
                if group["decoupled_weight_decay"]:
                    param.mul_(1 - lr * weight_decay)
                else:
                    grad = grad.add(param, alpha=weight_decay)
            exp_avg.lerp_(grad, 1 - beta1)
            exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            step = step_t.item()
            bias_correction1 = 1 - beta1 ** step
            bias_correction2 = 1 - beta2 ** step
            step_size = lr / bias_correction1
            bias_correction2_sqrt = bias_correction2 ** 0.5
            if amsgrad:
                best = state["max_exp_avg_sq"]
                best.copy_(maximum(best, exp_avg_sq))
                denom = (best.sqrt() / bias_correction2_sqrt).add_(eps)
            else:
                denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
            param.addcdiv_(exp_avg, denom, value=-step_size)

    @staticmethod
    def _direct_update(group, param, grad, exp_avg, exp_avg_sq, step_t):
        """The loop's body above, its in-place methods run directly (NOTE [Direct
        updates])."""
        beta1, beta2 = group["betas"]
        lr, eps, weight_decay = lr_value(group["lr"]), group["eps"], group["weight_decay"]
        d = _direct
        g = d.neg(grad._data) if group["maximize"] else grad._data
        step_t += 1
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                d.write(param, d.mul(param._data, 1 - lr * weight_decay))
            else:
                g = d.add(g, param._data, weight_decay)
        d.write(exp_avg, d.lerp(exp_avg._data, g, 1 - beta1))
        d.write(exp_avg_sq, d.mul(exp_avg_sq._data, beta2))
        d.write(exp_avg_sq, d.addcmul(exp_avg_sq._data, g, g, 1 - beta2))
        step = step_t.item()
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        step_size = lr / bias_correction1
        bias_correction2_sqrt = bias_correction2 ** 0.5
        denom = d.add(d.div(d.sqrt(exp_avg_sq._data), bias_correction2_sqrt), eps, 1)
        d.write(param, d.addcdiv(param._data, exp_avg._data, denom, -step_size))


class AdamW(Adam):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)
