"""SGD with momentum, dampening, Nesterov momentum, weight decay and maximize, as torch's
single-tensor update (its array functions called directly where that changes nothing:
NOTE [Direct updates] in _direct.py)."""
from . import _direct
from .optimizer import Optimizer, check_common, lr_value, params_with_grad

__all__ = ["SGD"]


class SGD(Optimizer):
    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
                 *, maximize=False, foreach=None, differentiable=False, fused=None):
        check_common(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        check_common(lr, weight_decay=weight_decay)
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("nesterov", False)
            group.setdefault("maximize", False)

    def _step_group(self, group):
        lr = lr_value(group["lr"])
        momentum, dampening = group["momentum"], group["dampening"]
        weight_decay = group["weight_decay"]
        direct = _direct.possible()
        for param, grad in params_with_grad(group):
            if direct:
                buf = self.state[param].get("momentum_buffer") if momentum != 0 else None
                tensors = (param, grad) if momentum == 0 else (param, grad, buf)
                if (momentum == 0 or buf is not None) and _direct.usable(tensors):
                    self._direct_update(group, lr, *tensors)
                    continue
            if group["maximize"]:
                grad = -grad
            if weight_decay != 0:
                grad = grad.add(param, alpha=weight_decay)
            if momentum != 0:
                state = self.state[param]
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = state["momentum_buffer"] = grad.detach().clone()
                else:
                    buf.mul_(momentum).add_(grad, alpha=1 - dampening)
                grad = grad.add(buf, alpha=momentum) if group["nesterov"] else buf
            param.add_(grad, alpha=-lr)

    @staticmethod
    def _direct_update(group, lr, param, grad, buf=None):
        """The loop's body above once the momentum buffer exists, its in-place methods
        run directly (NOTE [Direct updates])."""
        d = _direct
        g = d.neg(grad._data) if group["maximize"] else grad._data
        if group["weight_decay"] != 0:
            g = d.add(g, param._data, group["weight_decay"])
        if buf is not None:
            momentum = group["momentum"]
            d.write(buf, d.mul(buf._data, momentum))
            d.write(buf, d.add(buf._data, g, 1 - group["dampening"]))
            g = d.add(g, buf._data, momentum) if group["nesterov"] else buf._data
        d.write(param, d.add(param._data, g, -lr))
