"""DistributedDataParallel: one model replica per process, gradients averaged across the
processes during the backward (see ``_reducer``), so every replica takes the same step.

The replicas start equal (rank 0's parameters and buffers are broadcast at construction)
and stay equal: each step applies the same averaged gradient. The wrapped module sits
under ``module``, so state_dict keys start with ``module.`` as in torch.
"""
import contextlib

from ... import distributed as dist
from ...autograd import grad_mode
from ...autograd.graph import AccumulateGrad, walk
from ...tensor import Tensor
from ..modules.module import Module
from ._reducer import _DEFAULT_FIRST_BUCKET_BYTES, Reducer

__all__ = ["DistributedDataParallel"]

_MB = 1024 * 1024


class DistributedDataParallel(Module):
    """Data parallelism over the processes of a group: wrap the model in every process,
    train as usual, and ``loss.backward()`` leaves the average of all ranks' gradients in
    every ``.grad``.

    Example (run by ``python -m dyngrad.distributed.run --nproc-per-node 2 train.py``)::

        dist.init_process_group("gloo")
        model = DistributedDataParallel(nn.Linear(10, 1))
        loss = model(x).pow(2).mean()
        loss.backward()          # .grad is the mean over the ranks
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0,
                 broadcast_buffers=True, init_sync=True, process_group=None,
                 bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False, delay_all_reduce_named_params=None,
                 param_to_hook_all_reduce=None, mixed_precision=None, device_mesh=None,
                 skip_all_reduce_unused_params=False):
        super().__init__()
        world = dist.get_world_size(process_group)  # torch's error when not initialised
        params = [p for p in module.parameters() if p.requires_grad]
        if not params:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't "
                               "have any parameter that requires a gradient.")
        if device_ids is not None or output_device is not None:
            raise ValueError(
                "DistributedDataParallel device_ids and output_device arguments only work with "
                "single-device/multiple-device GPU modules or CPU modules, but got device_ids "
                f"{device_ids}, output_device {output_device}, and module parameters "
                "{device(type='cpu')}.")
        if mixed_precision is not None or device_mesh is not None:
            raise NotImplementedError("dyngrad's DistributedDataParallel has no mixed_precision "
                                      "or device_mesh")
        self.module = module
        self.process_group = process_group
        self.device_ids = None
        self.output_device = None
        self.dim = dim
        self.world_size = world
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.static_graph = static_graph
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        cap = 25 if bucket_cap_mb is None else bucket_cap_mb
        self.bucket_bytes_cap = int(cap * _MB)
        first = _DEFAULT_FIRST_BUCKET_BYTES if bucket_cap_mb is None else self.bucket_bytes_cap
        if init_sync:
            self._sync_module_states()
        self.reducer = Reducer(params, process_group, self.bucket_bytes_cap, first,
                               find_unused_parameters, static_graph)

    def _sync_module_states(self):
        """Every rank takes rank 0's parameters and buffers (written in place, unrecorded)."""
        src = dist.get_global_rank(self.process_group, 0) if self.process_group else 0
        shapes = [tuple(p.shape) for p in self.module.parameters()]
        everyone = []
        dist.all_gather_object(everyone, shapes, group=self.process_group)
        for r, theirs in enumerate(everyone):
            if theirs != shapes:
                raise RuntimeError(f"DDP expects same model across all ranks, but Rank "
                                   f"{dist.get_rank()} has {len(shapes)} params, while rank "
                                   f"{r} has inconsistent {len(theirs)} params or shapes.")
        for t in list(self.module.parameters()) + list(self.module.buffers()):
            dist.broadcast(t, src, group=self.process_group)

    def _sync_buffers(self):
        src = dist.get_global_rank(self.process_group, 0) if self.process_group else 0
        for b in self.module.buffers():
            dist.broadcast(b, src, group=self.process_group)

    def forward(self, *inputs, **kwargs):
        sync = grad_mode.is_grad_enabled() and self.require_backward_grad_sync
        if sync:
            self.reducer.prepare_for_forward()
        if self.require_forward_param_sync and self.broadcast_buffers:
            self._sync_buffers()
        output = self.module(*inputs, **kwargs)
        if sync:
            unused = _unused(self.reducer.params, output) if self.find_unused_parameters else []
            self.reducer.prepare_for_backward(unused)
        else:
            self.reducer.expect_hooks = False
        return output

    @contextlib.contextmanager
    def no_sync(self):
        """Inside, backward leaves each rank's own gradients (accumulated, not averaged);
        the first backward after it averages everything accumulated."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    def register_comm_hook(self, state, hook):
        raise NotImplementedError("dyngrad's DistributedDataParallel: register_comm_hook is "
                                  "not supported")

    def join(self, *args, **kwargs):
        raise NotImplementedError("dyngrad's DistributedDataParallel: join is not supported")


def _unused(params, output):
    """The indices of ``params`` that the output's graph does not reach."""
    reached = set()
    stack = []
    todo = [output]
    while todo:  # the tensors in the output, however nested
        o = todo.pop()
        if isinstance(o, Tensor):
            if o.grad_fn is not None:
                stack.append(o.grad_fn)
            elif o.requires_grad:
                reached.add(id(o))
        elif isinstance(o, dict):
            todo.extend(o.values())
        elif isinstance(o, (list, tuple)):
            todo.extend(o)
    reached.update(id(node.variable) for node in walk(stack) if type(node) is AccumulateGrad)
    return [i for i, p in enumerate(params) if id(p) not in reached]
