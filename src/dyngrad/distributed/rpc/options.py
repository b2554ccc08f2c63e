"""The RPC backend and its options. There is one backend, TensorPipe's name for it, and its
messages travel over MPI (_agent.py)."""
import enum

__all__ = ["BackendType", "RpcBackendOptions", "TensorPipeRpcBackendOptions",
           "DEFAULT_RPC_TIMEOUT_SEC", "DEFAULT_NUM_WORKER_THREADS"]

DEFAULT_RPC_TIMEOUT_SEC = 60.0
DEFAULT_NUM_WORKER_THREADS = 16
DEFAULT_INIT_METHOD = "env://"


class BackendType(enum.Enum):
    TENSORPIPE = 1


class RpcBackendOptions:
    """What every backend's options hold: the default timeout and the rendezvous."""

    def __init__(self, rpc_timeout=DEFAULT_RPC_TIMEOUT_SEC, init_method=DEFAULT_INIT_METHOD):
        self.rpc_timeout = rpc_timeout
        self.init_method = init_method


class TensorPipeRpcBackendOptions(RpcBackendOptions):
    """``num_worker_threads`` serve requests; ``rpc_timeout`` (seconds) is the default of
    every call. Device maps are for GPUs: not supported."""

    def __init__(self, *, num_worker_threads=DEFAULT_NUM_WORKER_THREADS,
                 rpc_timeout=DEFAULT_RPC_TIMEOUT_SEC, init_method=DEFAULT_INIT_METHOD,
                 device_maps=None, devices=None, _transports=None, _channels=None):
        super().__init__(rpc_timeout, init_method)
        self.num_worker_threads = num_worker_threads
        self.device_maps = dict(device_maps or {})
        self.devices = list(devices or [])

    def set_device_map(self, to, device_map):
        raise NotImplementedError("dyngrad.distributed.rpc: device maps are not supported "
                                  "(tensors stay on the CPU)")

    def set_devices(self, devices):
        raise NotImplementedError("dyngrad.distributed.rpc: devices are not supported "
                                  "(tensors stay on the CPU)")
