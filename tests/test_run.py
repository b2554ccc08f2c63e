"""python -m dyngrad.run: a torch script runs with torch bound to dyngrad."""
import os
import subprocess
import sys
import textwrap

import pytest

SRC = os.path.join(os.path.dirname(__file__), "..", "src")


def _run(tmp_path, code, *args):
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(code))
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "dyngrad.run", str(script), *args],
                          capture_output=True, text=True, env=env, timeout=60)


def _torch_output(tmp_path, code, *args):
    script = tmp_path / "script_torch.py"
    script.write_text(textwrap.dedent(code))
    return subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True,
                          timeout=120)


SCRIPT = """
    import sys
    import torch
    import torch.autograd
    from torch.autograd import Variable
    x = Variable(torch.ones(2, 2), requires_grad=True)
    y = (x + 2) * 3
    y.sum().backward()
    print(x.grad, sys.argv[1:])
    print(torch.__name__, torch.autograd.__name__)
"""


def test_torch_script_prints_what_torch_prints(tmp_path):
    ours = _run(tmp_path, SCRIPT, "a", "b")
    theirs = _torch_output(tmp_path, SCRIPT, "a", "b")
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout.splitlines()[:2] == theirs.stdout.splitlines()[:2]
    # the modules are dyngrad's own objects, under their own names
    assert ours.stdout.splitlines()[2] == "dyngrad dyngrad.autograd"


SHADOWED = """
    import torch
    from torch.autograd.gradcheck import GradcheckError
    import torch.autograd.functional
    x = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    print(torch.autograd.gradcheck(torch.exp, x), GradcheckError.__name__)
"""


def test_a_function_named_as_its_module_stays_the_function(tmp_path):
    # torch.autograd.gradcheck is the function, though torch.autograd.gradcheck is also
    # the module that defines it
    ours = _run(tmp_path, SHADOWED)
    theirs = _torch_output(tmp_path, SHADOWED)
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout == theirs.stdout


def test_missing_submodule_names_it(tmp_path):
    r = _run(tmp_path, "import torch.nonexistent_module\n")
    assert r.returncode != 0
    assert "No module named 'torch.nonexistent_module'" in r.stderr


def test_missing_attribute_names_it(tmp_path):
    r = _run(tmp_path, "import torch\ntorch.no_such_function_here(1)\n")
    assert r.returncode != 0
    assert "no_such_function_here" in r.stderr
    assert "AttributeError" in r.stderr


@pytest.mark.parametrize("argv", [[]])
def test_usage_without_script(argv):
    env = dict(os.environ, PYTHONPATH=SRC)
    r = subprocess.run([sys.executable, "-m", "dyngrad.run", *argv], capture_output=True,
                       text=True, env=env, timeout=60)
    assert r.returncode == 2 and "usage" in r.stderr


ANOMALY = """
    import warnings
    import torch
    warnings.simplefilter("always")
    def f(q):
        return q.sqrt() * 0
    with torch.autograd.detect_anomaly():
        q = torch.tensor([-1.], requires_grad=True)
        try:
            f(q).sum().backward()
        except RuntimeError as e:
            print(e)
    print(__file__ == __import__("os").path.abspath(__file__))
"""


def test_anomaly_traceback_starts_at_the_script(tmp_path):
    # the launcher's own frames are not part of the forward traceback torch prints
    def traceback_lines(stderr):
        lines = stderr.splitlines()
        start = next(i for i, line in enumerate(lines) if "Traceback of forward call" in line)
        return [line.replace("script_torch.py", "script.py") for line in lines[start + 1:]
                if line.startswith("  ") and "Triggered internally" not in line][:4]
    ours = _run(tmp_path, ANOMALY)
    theirs = _torch_output(tmp_path, ANOMALY)
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout == theirs.stdout
    assert traceback_lines(ours.stderr) == traceback_lines(theirs.stderr)


BESIDE = """
    import sys
    import helper_beside_script
    print(helper_beside_script.VALUE, sys.path[0] == __import__("os").path.dirname(__file__))
    try:
        import module_in_working_directory
    except ImportError as e:
        print(type(e).__name__, e)
"""


def test_the_script_directory_leads_the_import_path(tmp_path):
    # a module beside the script imports; one only in the working directory does not
    (tmp_path / "helper_beside_script.py").write_text("VALUE = 42\n")
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    (cwd / "module_in_working_directory.py").write_text("")
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(BESIDE))
    env = dict(os.environ, PYTHONPATH=os.path.abspath(SRC))
    ours = subprocess.run([sys.executable, "-m", "dyngrad.run", str(script)], cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=60)
    theirs = subprocess.run([sys.executable, str(script)], cwd=cwd, capture_output=True,
                            text=True, timeout=120)
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout == theirs.stdout
