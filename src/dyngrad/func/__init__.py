"""torch.func: composable function transforms (grad, vjp, jacrev, vmap, functional_call).

    torch.func.vmap(torch.func.grad(loss))(params, batch)   # per-sample gradients

The forward-mode transforms (jvp, jacfwd, linearize, hessian) live in ``_forward``.
"""
from ._functional_call import functional_call, stack_module_state
from ._grad import grad, grad_and_value, jacrev, vjp
from ._vmap import vmap

# forward mode (jvp, jacfwd, linearize, hessian): from ._forward, joined on merge
# from ._forward import hessian, jacfwd, jvp, linearize

__all__ = ["functional_call", "grad", "grad_and_value", "jacrev", "stack_module_state", "vjp",
           "vmap"]
