"""Anomaly mode against torch: the switches, the forward traceback shown when a backward
fails, the nan check, node metadata, and the version error (which in dyngrad also names
the line of the in-place write)."""
import inspect
import re
import warnings

import pytest
import torch

import dyngrad


# A traceback is compared by its frames in this file: the frames above them (pytest, the
# oracle) and inside torch's or dyngrad's Python code differ between the two runs.
_FRAME = re.compile(r'  File "([^"]*)", line \d+, in [^\n]*\n(?:    [^\n]*\n)?')


def _own_frames(text):
    return _FRAME.sub(lambda m: m[0] if m[1] == __file__ else "", text)


def _run(case, lib):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result, error = case(lib), None
        except Exception as e:  # noqa: BLE001 (the error is what we compare)
            result, error = None, (type(e).__name__, _own_frames(str(e)))
    # NumPy's floating-point warnings (dyngrad silences them, but "always" lets them
    # through here) and the suffix torch adds to its C++ warnings are left out
    warns = [(w.category.__name__,
              _own_frames(re.sub(r" \(Triggered internally at [^)]*\)$", "", str(w.message))))
             for w in caught if w.category is not RuntimeWarning]
    return result, error, warns


def same(case):
    expected, got = _run(case, torch), _run(case, dyngrad)
    assert got == expected, f"\n torch:   {expected}\n dyngrad: {got}"
    return expected


def _nan_case(torch, *, check_nan=True, forward_inside=True):
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    if forward_inside:
        with torch.autograd.set_detect_anomaly(True, check_nan):
            y = x.sqrt()
    else:
        y = x.sqrt()
    with torch.autograd.set_detect_anomaly(True, check_nan):
        (y * 0).sum().backward()
    return str(x.grad.tolist())


def _helper_exp(x):
    return x.exp()


def _version_case(torch):
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    with torch.autograd.set_detect_anomaly(True):
        c = _helper_exp(a * 2)
        c.add_(1)
        c.sum().backward()


CASES = {
    "nan": lambda t: _nan_case(t),
    "nan_check_off": lambda t: _nan_case(t, check_nan=False),
    "nan_forward_outside": lambda t: _nan_case(t, forward_inside=False),
    "version_error": _version_case,
}


def _nan_in_second_output(torch):
    a = torch.tensor([1.0, 1.0])
    b = torch.tensor([0.0, 1.0], requires_grad=True)
    with torch.autograd.set_detect_anomaly(True):
        (a / b * 0).sum().backward()


def _nan_in_an_unwanted_gradient(torch):
    # b's gradient (0/0) is not asked for: torch does not compute it, and the nan it
    # reports is the one a's gradient meets later (inf * 0)
    a = torch.tensor([1.0, 0.0], requires_grad=True)
    b = torch.tensor([0.0, 1.0], requires_grad=True)
    with torch.autograd.set_detect_anomaly(True):
        torch.autograd.grad(((a * 0) / b).sum(), a)


def _nan_root_gradient(torch):
    a = torch.tensor([1.0, 1.0], requires_grad=True)
    with torch.autograd.set_detect_anomaly(True):
        (a * 2).backward(torch.tensor([float("nan"), 1.0]))


def _nan_in_double_backward(torch):
    # the failing node was made during a backward: torch also shows the forward of the
    # node whose backward made it ("Previous calculation was induced by ...")
    with torch.autograd.set_detect_anomaly(True):
        a = torch.tensor([0.0, 1.0], requires_grad=True)
        y = a.sqrt()
        g, = torch.autograd.grad(y.sum(), a, create_graph=True)
        meta = {k: v.name() if k == "parent_" else _own_frames("".join(v))
                for k, v in g.grad_fn.metadata.items()}
        print(meta)
        (g * 0).sum().backward()


def _error_in_hook(torch):
    x = torch.tensor([1.0], requires_grad=True)
    with torch.autograd.set_detect_anomaly(True, check_nan=False):
        y = x * 2
        y.grad_fn.register_hook(lambda gi, go: 1 / 0)
        y.sum().backward()


def _metadata(torch):
    x = torch.tensor([1.0], requires_grad=True)
    with torch.autograd.set_detect_anomaly(True):
        y = x.exp()
        z = y[0]
        w = y.clone()
        w[0] = 3.0  # CopySlices
    before = (x * 2).grad_fn.metadata
    return ({k: _own_frames("".join(v)) for k, v in y.grad_fn.metadata.items()},
            {k: _own_frames("".join(v)) for k, v in z.grad_fn.metadata.items()},
            list(w.grad_fn.metadata), before)


def _switches(torch):
    seen = [torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled()]
    with torch.autograd.detect_anomaly(check_nan=False):
        seen += [torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled()]
        with torch.autograd.set_detect_anomaly(False):
            seen.append(torch.is_anomaly_enabled())
        seen.append(torch.is_anomaly_enabled())
    seen.append(torch.is_anomaly_enabled())
    s = torch.autograd.set_detect_anomaly(True)  # a plain call sets the mode at once
    seen += [torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled()]
    torch.set_anomaly_enabled(False)
    seen.append(torch.is_anomaly_enabled())
    return seen, type(s).__name__


def _bad_arguments(torch):
    seen = []
    for call in (lambda: torch.set_anomaly_enabled("x"), lambda: torch.set_anomaly_enabled(1),
                 lambda: torch.set_anomaly_enabled(True, 0), lambda: torch.set_anomaly_enabled(),
                 lambda: torch.autograd.set_detect_anomaly(None),
                 lambda: torch.autograd.detect_anomaly(check_nan="no").__enter__()):
        try:
            call()
        except TypeError as e:
            seen.append(str(e))
        seen.append(torch.is_anomaly_enabled())
    return seen


def _decorator_refused(torch):
    # torch 2.13's detect_anomaly is a context manager only
    @torch.autograd.detect_anomaly()
    def f():
        pass


def _function_backward_raises(torch):
    # the example of torch's documentation
    class MyFunc(torch.autograd.Function):
        @staticmethod
        def forward(ctx, inp):
            return inp.clone()

        @staticmethod
        def backward(ctx, gO):
            raise RuntimeError("Some error in backward")

    def run_fn(a):
        return MyFunc.apply(a).sum()

    inp = torch.rand(10, 10, requires_grad=True)
    with torch.autograd.detect_anomaly():
        out = run_fn(inp)
        out.backward()


def _function_backward_nan(torch):
    class Log(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.log()

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g / x

    x = torch.tensor([0.0, 1.0], requires_grad=True)
    with torch.autograd.set_detect_anomaly(True):
        (Log.apply(x) * 0).sum().backward()


CASES.update(function_backward_raises=_function_backward_raises,
             function_backward_nan=_function_backward_nan)
CASES.update(nan_in_an_unwanted_gradient=_nan_in_an_unwanted_gradient,
             nan_in_second_output=_nan_in_second_output, nan_root_gradient=_nan_root_gradient,
             nan_in_double_backward=_nan_in_double_backward, error_in_hook=_error_in_hook,
             metadata=_metadata, switches=_switches, decorator_refused=_decorator_refused,
             bad_arguments=_bad_arguments)


@pytest.mark.parametrize("name", [n for n in CASES if n != "version_error"])
def test_against_torch(name, capsys):
    same(CASES[name])
    out = capsys.readouterr().out
    assert dyngrad.is_anomaly_enabled() is False and torch.is_anomaly_enabled() is False
    if name == "nan_in_double_backward":
        half = len(out) // 2
        assert out[:half] == out[half:]


def test_version_error_names_the_in_place_line():
    (_, t_error, t_warns), (_, d_error, d_warns) = _run(_version_case, torch), _run(
        _version_case, dyngrad)
    assert d_warns == t_warns
    assert d_error[0] == t_error[0]
    # torch's message, then the line of the write, which torch does not give
    assert d_error[1].startswith(t_error[1])
    extra = d_error[1][len(t_error[1]):]
    lines, first = inspect.getsourcelines(_version_case)
    line = first + next(i for i, s in enumerate(lines) if "c.add_(1)" in s)
    assert extra == (" The last in-place operation recorded in anomaly mode took it to version "
                     f'1:\n  File "{__file__}", line {line}, in _version_case\n    c.add_(1)')


def test_version_error_without_anomaly_mode_is_torchs():
    def case(torch):
        a = torch.tensor([1.0, 2.0], requires_grad=True)
        with torch.autograd.set_detect_anomaly(True):
            c = (a * 2).exp()
        c.add_(1)  # not recorded: the mode is off
        with torch.autograd.set_detect_anomaly(True):
            c.sum().backward()
    same(case)


def test_mode_off_records_nothing():
    x = dyngrad.tensor([1.0], requires_grad=True)
    y = (x * 2).exp()
    y.add_(1)
    assert "_metadata" not in y.grad_fn.__dict__
    assert len(y._version_counter) == 1
    from dyngrad.autograd import engine
    assert not engine.observers
