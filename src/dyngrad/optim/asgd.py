"""ASGD (averaged stochastic gradient descent), torch's single-tensor update: the
parameter decays and steps by eta, ``ax`` keeps its running average, and eta and mu follow
their schedules from the step count."""
from .. import creation
from .optimizer import (Optimizer, _scalar_dtype, check_common, lr_value, params_with_grad,
                        refuse_capturable)

__all__ = ["ASGD"]


class ASGD(Optimizer):
    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False):
        check_common(lr, weight_decay=weight_decay)
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def _step_group(self, group):
        if group["foreach"] and group["differentiable"]:
            raise AssertionError("_foreach ops don't support autograd")
        lr, lambd, alpha = lr_value(group["lr"]), group["lambd"], group["alpha"]
        t0, weight_decay = group["t0"], group["weight_decay"]
        for param, grad in params_with_grad(group):
            state = self.state[param]
            if len(state) == 0:
                scalar = _scalar_dtype()
                state["step"] = creation.zeros((), dtype=scalar)
                state["eta"] = creation.tensor(lr, dtype=scalar)
                state["mu"] = creation.ones((), dtype=scalar)
                state["ax"] = creation.zeros_like(param)
            refuse_capturable(group, "params, mus, etas, and state_steps")
            grad = -grad if group["maximize"] else grad
            state["step"] += 1
            if group["foreach"]:
                _foreach_update(param, grad, state, lr, lambd, alpha, t0, weight_decay)
                continue
            if weight_decay != 0:
                grad = grad.add(param, alpha=weight_decay)
            eta = state["eta"].item()
            param.mul_(1 - lambd * eta)
            param.add_(grad, alpha=-eta)
            mu, ax = state["mu"], state["ax"]
            if mu.item() != 1:
                ax.add_(param.sub(ax).mul_(mu))
            else:
                ax.copy_(param)
            step = state["step"].item()
            # torch makes each new value a tensor of the default dtype and copies it in
            state["eta"].copy_(creation.tensor(lr / ((1 + lambd * lr * step) ** alpha)))
            mu.copy_(creation.tensor(1 / max(1, step - t0)))


def _foreach_update(param, grad, state, lr, lambd, alpha, t0, weight_decay):
    """torch's multi-tensor ASGD, which is another algorithm: the decay joins the gradient
    in one addcmul_, the average always moves by mu, and eta is computed in tensors."""
    step, eta, mu, ax = state["step"], state["eta"], state["mu"], state["ax"]
    if weight_decay != 0:
        grad = grad.add(param, alpha=weight_decay)
        grad.add_(param, alpha=lambd)
    else:
        grad = grad.add(param, alpha=lambd)
    param.addcmul_(grad, eta, value=-1)
    ax.addcmul_(param.sub(ax), mu)
    eta.copy_(lr / ((1 + lambd * lr * step) ** alpha))
    mu.copy_(creation.tensor(1 / max(1, step.item() - t0)))
