"""Module.register_full_backward_hook and register_full_backward_pre_hook: the gradients
with respect to a module's inputs and outputs, seen as the module's own backward step.

As torch does, all the tensors going into a hooked module pass through one identity node,
``BackwardHookFunctionBackward``, and all the tensors coming out of it through another:

    inputs -> [BackwardHookFunction] -> forward -> [BackwardHookFunction] -> outputs

The output node's pre-hook sees every ``grad_output`` at once (the backward pre-hooks may
replace them); the input node's post-hook then sees every ``grad_input`` and runs the
user's hooks, whose returned tuple replaces the gradients that go on to the inputs.
Arguments that are not tensors (or do not require grad) show as None in those tuples.
"""
import warnings

from ...autograd import grad_mode
from ...autograd.function import Function
from ..._args import user_stacklevel
from ...tensor import Tensor

class BackwardHookFunction(Function):
    """Identity on all its tensors at once: one node whose hooks see them together."""

    @staticmethod
    def forward(ctx, *args):
        ctx.mark_non_differentiable(*[a for a in args if not a.requires_grad])
        return args

    @staticmethod
    def backward(ctx, *args):
        return args


def _pack_with_none(indices, values, size):
    out = [None] * size
    for i, v in zip(indices, values):
        out[i] = v
    return tuple(out)


class BackwardHook:
    def __init__(self, module, hooks, pre_hooks):
        self.module = module
        self.user_hooks = hooks
        self.user_pre_hooks = pre_hooks
        self.grad_outputs = None
        self.n_outputs = -1
        self.output_tensors_index = None
        self.n_inputs = -1
        self.input_tensors_index = None

    def _apply_on_tensors(self, fn, args):
        """Pass the tensors of ``args`` through one BackwardHookFunction and hand its node to
        ``fn``; the args with the tensors replaced, and where the tensors were."""
        index = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        tensors = [args[i] for i in index]
        if not (any(t.requires_grad for t in tensors) and grad_mode.is_grad_enabled()):
            return args, None
        new_tensors = BackwardHookFunction.apply(*tensors)
        if len(new_tensors) == 0:
            raise RuntimeError("Cannot set Module backward hook for a Module with no input "
                               "Tensors.")
        fn(next(t.grad_fn for t in new_tensors if t.grad_fn is not None))
        out = list(args)
        for i, t in zip(index, new_tensors):
            out[i] = t
        return tuple(out) if type(args) is tuple else type(args)(*out), index

    def setup_input_hook(self, args):
        res, self.input_tensors_index = self._apply_on_tensors(self._set_user_hook, args)
        self.n_inputs = len(args)
        return res

    def _set_user_hook(self, grad_fn):
        def hook(grad_input, _):
            if self.grad_outputs is None:
                # the gradient reached the inputs without passing through the outputs (a
                # module that hands an input straight back): nothing to report
                return None
            res = _pack_with_none(self.input_tensors_index, grad_input, self.n_inputs)
            for user_hook in self.user_hooks:
                out = user_hook(self.module, res, self.grad_outputs)
                if out is None:
                    continue
                if len(out) != len(res):
                    raise RuntimeError(f"Backward hook returned an invalid number of grad_input, "
                                       f"got {len(out)}, but expected {len(res)}")
                res = out
            self.grad_outputs = None
            return tuple(res[i] for i in self.input_tensors_index)
        grad_fn.register_hook(hook)

    def setup_output_hook(self, result):
        def fn(grad_fn):
            grad_fn.register_prehook(self._output_prehook)
        is_tuple = isinstance(result, tuple)
        args = result if is_tuple else (result,)
        res, self.output_tensors_index = self._apply_on_tensors(fn, args)
        self.n_outputs = len(args)
        return res if is_tuple else res[0]

    def _output_prehook(self, grad_output):
        self.grad_outputs = _pack_with_none(self.output_tensors_index, grad_output,
                                            self.n_outputs)
        for pre_hook in self.user_pre_hooks:
            out = pre_hook(self.module, self.grad_outputs)
            if out is None:
                continue
            if len(out) != len(self.grad_outputs):
                raise RuntimeError(f"Backward pre hook returned an invalid number of grad_output, "
                                   f"got {len(out)}, but expected {len(self.grad_outputs)}")
            self.grad_outputs = out
        local = self.grad_outputs
        if self.input_tensors_index is None:
            # no input requires grad: the input node never runs, so report here
            warnings.warn("Full backward hook is firing when gradients are computed with "
                          "respect to module outputs since no inputs require gradients. See "
                          "https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
                          "#torch.nn.Module.register_full_backward_hook for more details.",
                          stacklevel=user_stacklevel())
            grad_inputs = _pack_with_none([], [], self.n_inputs)
            for user_hook in self.user_hooks:
                res = user_hook(self.module, grad_inputs, self.grad_outputs)
                if res is not None and not (isinstance(res, tuple)
                                            and all(r is None for r in res)):
                    raise RuntimeError("Backward hook for Modules where no input requires "
                                       "gradient should always return None or None for all "
                                       "gradients.")
            self.grad_outputs = None
        return tuple(local[i] for i in self.output_tensors_index)
