"""The CPU-machine import surface (torch.cuda, amp, backends, jit, compile, ...) run side by
side with torch: each case is a statement run on both libraries, comparing the value, its
type, the warnings raised and the exception type and message."""
import os
import subprocess
import sys
import warnings

import pytest
import torch

import dyngrad


class _Optimizer:
    """What GradScaler.step needs of an optimizer: a step that returns something."""

    def __init__(self):
        self.calls = []

    def step(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return "stepped"


def _fn(x):
    return x


_SCALER = "lib.amp.GradScaler(enabled=False)"

CASES = [
    "lib.cuda.is_available()", "lib.cuda.device_count()", "lib.cuda.manual_seed(3)",
    "lib.cuda.manual_seed_all(3)", "lib.cuda.is_initialized()", "lib.cuda.current_device()",
    "lib.cuda.synchronize()", "lib.cuda.empty_cache()", "lib.cuda.is_bf16_supported()",
    "lib.cuda.memory_allocated()", "lib.ones(2).is_pinned()", "lib.ones(2).pin_memory()",
    "lib.ones(2).record_stream(None)", "lib.ones(2).record_stream(0)", "lib.ones(2).record_stream()",
    # torch.nn.parallel without GPUs: containers spread, tensors and devices refused
    "lib.nn.parallel.replicate(lib.nn.Sequential(lib.nn.ReLU(), lib.nn.Tanh()), [0, 1])",
    "lib.nn.parallel.replicate(lib.nn.ReLU(), [])", "lib.nn.parallel.replicate(lib.nn.ReLU(), ['cpu'])",
    "lib.nn.parallel.replicate(lib.nn.Linear(2, 2), [0])",
    "lib.nn.parallel.replicate(lib.nn.Linear(2, 2), [0], detach=True)",
    "lib.nn.parallel.replicate(lib.nn.BatchNorm1d(2, affine=False), [0])",
    "lib.nn.parallel.scatter({'a': 1, 'b': [2, (3,)]}, [0, 1])", "lib.nn.parallel.scatter(3, ['cpu'])",
    "lib.nn.parallel.scatter(lib.ones(2), [0])", "lib.nn.parallel.scatter(lib.ones(2), ['cpu:0'])",
    "lib.nn.parallel.scatter(lib.ones(2), None)", "lib.nn.parallel.scatter((), [0, 1])",
    "lib.nn.parallel.gather([None, None], 0)", "lib.nn.parallel.gather([lib.ones(2)] * 2, 'cpu')",
    "lib.nn.parallel.gather([{'a': None}] * 2, 0)", "lib.nn.parallel.gather([1, 2], 0)",
    "lib.nn.parallel.gather([], 0)",
    "lib.nn.parallel.parallel_apply([lib.nn.ReLU()] * 2, [(lib.ones(2),)] * 2)",
    "lib.nn.parallel.parallel_apply([lib.nn.ReLU()] * 2, [(lib.ones(2),)])",
    "lib.nn.parallel.parallel_apply([lib.nn.ReLU()], [(lib.ones(2),)], [{}, {}])",
    "lib.nn.parallel.parallel_apply([lib.nn.ReLU()], [(lib.ones(2),)], None, [0, 1])",
    "lib.nn.parallel.parallel_apply([lib.nn.ReLU()], [(lib.ones(2),)], None, ['cpu'])",
    "lib.nn.parallel.parallel_apply([], [])",
    "lib.nn.parallel.data_parallel(lib.nn.ReLU(), lib.ones(2), device_ids=[0])",
    "lib.backends.cudnn.benchmark", "lib.backends.cudnn.deterministic",
    "lib.backends.cudnn.enabled", "lib.backends.cudnn.allow_tf32",
    "lib.backends.cudnn.is_available()", "lib.backends.cudnn.version()",
    "lib.backends.mps.is_available()", "lib.backends.mps.is_built()",
    "lib.backends.cuda.matmul.allow_tf32", "lib.backends.cuda.is_built()",
    "lib.set_default_device('cpu')", "lib.get_default_device()",
    "lib.jit.is_scripting()", "lib.jit.is_tracing()", "lib.jit.Final",
    "lib.jit.ignore(_fn) is _fn", "lib.jit.ignore()(_fn) is _fn", "lib.jit.unused(_fn) is _fn",
    "lib.jit.export(_fn) is _fn", "lib.jit.annotate(list, [])",
    "lib.jit.annotate(lib.jit.annotations.List[int], [1])",
    "lib.jit.annotations.Optional[int]", "lib.jit.annotations.Tuple[int, int]",
    "isinstance(lib.futures.Future(), lib.jit.Future)",
    "(lambda m: (repr(m), isinstance(m, lib.nn.modules.instancenorm._InstanceNorm), "
    "lib.nn.modules.instancenorm.__all__[:3], type(m).__module__))(lib.nn.InstanceNorm2d(3))",
    "callable(lib.compile(_fn))", "callable(lib.compile(fullgraph=True, dynamic=False)(_fn))",
    "callable(lib.compile(_fn, mode='max-autotune', backend='inductor'))",
    "lib.compile(_fn, mode='fast')",
    "lib.distributed.is_available()", "lib.distributed.is_initialized()",
    "lib.accelerator.is_available()", "lib.accelerator.current_accelerator()",
    "lib.accelerator.device_count()",
    "lib.get_float32_matmul_precision()", "lib.set_float32_matmul_precision('bogus')",
    "(lib.set_float32_matmul_precision('high'), lib.get_float32_matmul_precision())",
    "lib.are_deterministic_algorithms_enabled()",
    "lib.is_deterministic_algorithms_warn_only_enabled()",
    "(lib.use_deterministic_algorithms(True, warn_only=True), "
    "lib.are_deterministic_algorithms_enabled(), "
    "lib.is_deterministic_algorithms_warn_only_enabled())",
    "(lib.set_num_threads(1), lib.get_num_threads())", "lib.set_num_threads(0)",
    "lib.set_num_threads(2.0)",
    f"{_SCALER}.is_enabled()", f"{_SCALER}.get_scale()", f"{_SCALER}.state_dict()",
    f"{_SCALER}.unscale_(opt)", f"{_SCALER}.update()", f"{_SCALER}.step(opt, 1, k=2), opt.calls",
    f"(lambda t: {_SCALER}.scale(t) is t)(lib.ones(2))",
    "lib.amp.GradScaler().is_enabled()", "lib.amp.GradScaler('cuda', 8.0).get_scale()",
    "lib.cuda.amp.GradScaler().is_enabled()",
    "lib.autocast is lib.amp.autocast",
    "lib.autocast('nowhere')",
    "lib.autocast('cpu', enabled=False)(lambda a, b: a @ b)(lib.ones(2, 3), lib.ones(3))",
]



def _enter(context, probe=None):
    """What ``with context as v`` gives, and ``probe()`` inside the block."""
    with context as value:
        return value, None if probe is None else probe()


# CUDA's names on a machine without CUDA: values, errors, and blocks that do nothing
CASES += [
    "lib.cuda.set_device(-1)", "lib.cuda.set_device(1)", "lib.cuda.set_device('cuda:1')",
    "lib.cuda.set_device('cpu')", "lib.cuda.set_device(None)", "lib.cuda.get_device_name()",
    "lib.cuda.get_device_name(0)", "lib.cuda.current_stream()",
    "lib.cuda.get_device_properties(0)", "lib.cuda.get_device_capability()",
    "lib.cuda.Stream()", "lib.cuda.Event()", "lib.cuda.memory_reserved()",
    "lib.cuda.max_memory_allocated()", "lib.cuda.max_memory_reserved()",
    "lib.cuda.memory_cached()", "lib.cuda.memory_stats()", "lib.cuda.reset_peak_memory_stats()",
    "lib.cuda.get_arch_list()", "lib.cuda.seed()", "lib.cuda.initial_seed()",
    "lib.cuda.get_rng_state()", "lib.cuda.mem_get_info()", "lib.cuda.ipc_collect()",
    "lib.cuda.FloatTensor", "lib.cuda.LongTensor(2)", "lib.cuda.FloatTensor([1.0])",
    "isinstance(lib.ones(1), lib.cuda.FloatTensor)",
    "_enter(lib.cuda.device(-1))", "_enter(lib.cuda.device(0))",
    "_enter(lib.cuda.device('cuda:0'))", "_enter(lib.cuda.device(None))",
    "_enter(lib.cuda.stream(None))", "_enter(lib.cuda.device_of(lib.ones(1)))",
    "lib.accelerator.set_device_index(0)", "lib.accelerator.current_device_index()",
    "lib.accelerator.synchronize()", "_enter(lib.accelerator.device_index(0))",
    "_enter(lib.accelerator.device_index(None))",
    "(lib.version.cuda, lib.version.hip, lib.version.debug)",
    "_enter(lib.backends.cuda.sdp_kernel(enable_flash=False, enable_cudnn=False), "
    "lambda: (lib.backends.cuda.flash_sdp_enabled(), lib.backends.cuda.cudnn_sdp_enabled(), "
    "lib.backends.cuda.math_sdp_enabled())), lib.backends.cuda.flash_sdp_enabled()",
    "lib.testing.assert_allclose(lib.ones(2), [1, 1.00005])",
    "lib.testing.assert_allclose(lib.zeros(2), [0, 5e-5])",
    "lib.testing.assert_allclose(lib.ones(2, dtype=lib.float16), [1, 1.0009])",
    "lib.testing.assert_allclose(lib.tensor([float('nan')]), [float('nan')])",
    "lib.testing.assert_allclose(lib.ones(2), [1, 2], msg='custom')",
    "lib.testing.assert_allclose(lib.ones(2), [1, 1.1], rtol=0.2)",
    "lib.testing.assert_allclose(lib.ones(2, dtype=lib.int64), [1, 2])",
    "lib.testing.assert_allclose(1.0, 1.0)",
]

# the process-wide switches scripts set up front
CASES += [
    "(lib.set_deterministic_debug_mode('warn'), lib.get_deterministic_debug_mode(), "
    "lib.are_deterministic_algorithms_enabled(), "
    "lib.is_deterministic_algorithms_warn_only_enabled())",
    "(lib.set_deterministic_debug_mode(2), lib.get_deterministic_debug_mode(), "
    "lib.is_deterministic_algorithms_warn_only_enabled())",
    "(lib.set_deterministic_debug_mode('default'), lib.get_deterministic_debug_mode())",
    "(lib.use_deterministic_algorithms(True, warn_only=True), "
    "lib.get_deterministic_debug_mode())",
    "lib.set_deterministic_debug_mode('bad')", "lib.set_deterministic_debug_mode(5)",
    "lib.set_deterministic_debug_mode(1.0)", "lib.get_deterministic_debug_mode()",
    "lib.set_num_interop_threads(0)", "lib.set_num_interop_threads(2.0)",
    "lib.set_flush_denormal(False)", "lib.compiled_with_cxx11_abi()",
    # the legacy default type: its deprecation warns once in a process
    "lib.set_default_tensor_type(lib.LongTensor)", "lib.set_default_tensor_type(3)",
    "lib.set_default_tensor_type('torch.cuda.FloatTensor')",
    "lib.set_default_tensor_type(lib.cuda.FloatTensor)",
    "lib.set_default_tensor_type('torch.IntTensor')", "lib.set_default_tensor_type('foo')",
    "(lib.set_default_tensor_type('torch.HalfTensor'), lib.get_default_dtype())",
    "(lib.set_default_tensor_type(lib.BFloat16Tensor), lib.get_default_dtype())",
    "(lib.set_default_tensor_type(lib.DoubleTensor), lib.tensor(1.5).dtype)",
    "lib.set_default_tensor_type(lib.float64)",
    # Tensor queries of a CPU tensor
    "lib.ones(2).is_xpu", "lib.ones(2).is_xla", "lib.ones(2).is_ipu", "lib.ones(2).is_maia",
    "lib.ones(2).is_mkldnn", "lib.ones(2).is_shared()",
    "(lambda t: t.share_memory_() is t)(lib.ones(2))",
    "lib.is_signed(lib.tensor([1], dtype=lib.uint8))", "lib.is_signed(lib.tensor([True]))",
    "lib.is_signed(lib.tensor([1j]))", "lib.is_signed(lib.tensor([1.0]))", "lib.is_signed(3)",
]

# run inside ``with <context>: y = lib.ones(2, 2) @ lib.ones(2, 2)``: y must be unchanged
AUTOCASTS = [
    "lib.autocast('cpu', enabled=False)", "lib.amp.autocast('cpu', dtype=lib.float32)",
    "lib.autocast(device_type='cuda')", "lib.cuda.amp.autocast()",
    "lib.autocast('cuda', dtype=lib.float16, enabled=False)",
    "lib.autocast('cpu', dtype=lib.float64)",
]


def _run(lib, statement):
    """(outcome, warnings) of ``statement`` with ``lib`` as the library, its flags restored."""
    saved = (lib.get_num_threads(), lib.get_float32_matmul_precision(),
             lib.are_deterministic_algorithms_enabled(),
             lib.is_deterministic_algorithms_warn_only_enabled(), lib.get_default_dtype())
    env = {"lib": lib, "_fn": _fn, "opt": _Optimizer(), "_enter": _enter}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = eval(statement, env)
            outcome = ("value", repr(value).replace("dyngrad", "torch"), type(value).__name__)
        except Exception as e:  # the error itself is what is compared
            outcome = ("error", type(e).__name__, str(e))
        finally:
            lib.set_num_threads(saved[0])
            lib.set_float32_matmul_precision(saved[1])
            lib.use_deterministic_algorithms(saved[2], warn_only=saved[3])
            lib.set_default_dtype(saved[4])
    # torch's C++ warnings end with where they were triggered inside torch
    messages = [(w.category.__name__, str(w.message).split(" (Triggered internally")[0])
                for w in caught]
    return outcome, messages


@pytest.mark.parametrize("statement", CASES)
def test_same_as_torch(statement):
    ours, theirs = _run(dyngrad, statement), _run(torch, statement)
    if "compile" in statement:  # torch's first compile warns about its own deprecations
        ours, theirs = ours[0], theirs[0]
    assert ours == theirs


def test_jit_script_returns_what_it_is_given():
    # torch compiles TorchScript; dyngrad runs the module as it is
    model = dyngrad.nn.Linear(2, 2)
    assert dyngrad.jit.script(model) is model


def test_jit_trace_gives_the_same_results():
    results = []
    for lib in (torch, dyngrad):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.Tanh())
        x = lib.linspace(-1, 1, 6).reshape(2, 3)
        traced = lib.jit.trace(model, (x,))
        fn = lib.jit.trace(lambda a, b: a * b + 1, (x, x))
        results.append((traced(x).tolist(), fn(x, x).tolist()))
    assert results[0] == results[1]
    with pytest.raises(NotImplementedError, match="TorchScript"):
        dyngrad.jit.load("model.pt")


@pytest.mark.parametrize("context", AUTOCASTS)
def test_autocast_leaves_float32_code_alone(context):
    def inside(lib):
        return _run(lib, f"(lambda a: (a.__enter__(), lib.ones(2, 2) @ lib.ones(2, 2), "
                         f"a.__exit__(None, None, None))[1])({context})")
    assert inside(dyngrad) == inside(torch)



def test_thread_counts_read_omp_num_threads():
    # (a fresh process: the variable is read when the library starts)
    probe = ("import torch, dyngrad\n"
             "for lib in (torch, dyngrad):\n"
             "    print(lib.get_num_threads(), lib.get_num_interop_threads())\n")
    env = dict(os.environ, OMP_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert out[1] == out[0]
