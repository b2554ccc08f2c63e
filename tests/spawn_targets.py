"""Functions run in spawned processes by tests/test_multiprocessing.py: a module of its
own, light to import, since every spawned child imports it to find them."""
import importlib
import sys


def square_into_queue(i, lib_name, queue):
    lib = importlib.import_module(lib_name)
    t = lib.arange(3.0) + i
    queue.put((i, (t * t).tolist(), str(t.dtype).split(".")[-1]))


def fail(i, which):
    if i == which:
        raise ValueError(f"process {i} failed on purpose")


def exit_with(i, code):
    if i == 0:
        sys.exit(code)
