"""Module.register_full_backward_hook: the gradients with respect to a module's inputs and
outputs, seen as the module's own backward step.

As torch does, the tensors going into and out of a hooked module pass through an identity
node, ``BackwardHookFunctionBackward``; tensor hooks on those identities see the gradient
of each output (``grad_output``) and then of each input (``grad_input``). torch makes one
node for all inputs and one for all outputs; here each tensor gets its own identity, and
the user's hook runs when the last input gradient of the step arrives (a returned
``grad_input`` replaces that last gradient, which is all of it for a one-input module).
"""
from ...autograd import grad_mode
from ...ops._table import LINEAR, Op
from ...tensor import Tensor

backward_hook_function = Op("BackwardHookFunctionBackward", lambda self: self.view(), jvp=LINEAR,
                            self=lambda grad: grad)


class BackwardHook:
    def __init__(self, module, hooks, pre_hooks):
        self.module = module
        self.hooks = hooks
        self.pre_hooks = pre_hooks
        self.n_inputs = 0
        self.input_needs = ()
        self.grad_outputs = None
        self.grad_inputs = None

    def setup_input_hook(self, args):
        self.n_inputs = len([a for a in args if isinstance(a, Tensor)])
        if not grad_mode.is_grad_enabled():
            return args
        new, needs, k = [], [], 0
        for a in args:
            if isinstance(a, Tensor):
                if a.requires_grad:
                    a = backward_hook_function(a)
                    a.register_hook(self._input_hook(k))
                needs.append(a.requires_grad)
                k += 1
            new.append(a)
        self.input_needs = tuple(needs)
        return tuple(new)

    def setup_output_hook(self, result):
        if not grad_mode.is_grad_enabled():
            return result
        outs = result if isinstance(result, tuple) else (result,)
        tensors = [o for o in outs if isinstance(o, Tensor) and o.requires_grad]
        self.n_outputs = len([o for o in outs if isinstance(o, Tensor)])
        new, k = [], 0
        for o in outs:
            if isinstance(o, Tensor):
                if o.requires_grad:
                    o = backward_hook_function(o)
                    o.register_hook(self._output_hook(k))
                k += 1
            new.append(o)
        if not tensors:
            return result
        return tuple(new) if isinstance(result, tuple) else new[0]

    def _output_hook(self, k):
        def hook(grad):
            if self.grad_outputs is None:
                self.grad_outputs = [None] * self.n_outputs
                self.grad_inputs = [None] * self.n_inputs
            self.grad_outputs[k] = grad
            replaced = None
            if all(g is not None for g in self.grad_outputs) or self.n_outputs == 1:
                for pre in self.pre_hooks:
                    out = pre(self.module, tuple(self.grad_outputs))
                    if out is not None:
                        self.grad_outputs = list(out)
                        replaced = self.grad_outputs[k]
                if not any(self.input_needs):
                    self._call_hooks()
            return replaced
        return hook

    def _input_hook(self, k):
        def hook(grad):
            if self.grad_inputs is None:
                self.grad_inputs = [None] * self.n_inputs
            self.grad_inputs[k] = grad
            arrived = sum(g is not None for g in self.grad_inputs)
            if arrived == sum(self.input_needs):
                new = self._call_hooks()
                if new is not None:
                    return new[k]
            return None
        return hook

    def _call_hooks(self):
        grad_outputs = tuple(self.grad_outputs or (None,))
        grad_inputs = tuple(self.grad_inputs)
        replaced = None
        for h in self.hooks:
            out = h(self.module, grad_inputs, grad_outputs)
            if out is not None:
                out = tuple(out) if isinstance(out, (tuple, list)) else (out,)
                if len(out) != len(grad_inputs):
                    raise RuntimeError(f"Backward hook returned an invalid number of grad_input, "
                                       f"got {len(out)}, but expected {len(grad_inputs)}")
                grad_inputs = replaced = out
        self.grad_outputs = None
        self.grad_inputs = None
        return replaced
