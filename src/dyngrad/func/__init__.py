"""torch.func: composable function transforms.

    torch.func.vmap(torch.func.grad(loss))(params, batch)   # per-sample gradients

Reverse mode (grad, grad_and_value, vjp, jacrev) in ``_grad``, forward mode (jvp, jacfwd,
linearize, hessian) in ``_forward``, vmap in ``_vmap``, functional_call and
stack_module_state in ``_functional_call``.
"""
from ._forward import hessian, jacfwd, jvp, linearize
from ._functional_call import functional_call, stack_module_state
from ._grad import grad, grad_and_value, jacrev, vjp
from ._vmap import vmap

__all__ = ["functional_call", "grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp",
           "linearize", "stack_module_state", "vjp", "vmap"]
