"""torch.futures: a Future is a value (or an error) that some thread sets later; ``wait()``
blocks until it is there, and callbacks chained with ``then`` run once it is.

    >>> fut = torch.futures.Future()
    >>> doubled = fut.then(lambda f: f.wait() * 2)
    >>> fut.set_result(21)
    >>> doubled.wait(), torch.futures.wait_all([fut, doubled])
    (42, [21, 42])
"""
import threading
import traceback

__all__ = ["Future", "collect_all", "wait_all"]


class Future:
    """A placeholder for a result that is set once, by ``set_result`` or ``set_exception``."""

    def __init__(self, *, devices=None):
        self._done = threading.Condition()
        self._completed = False
        self._result = None
        self._error = None
        self._callbacks = []

    def done(self):
        """Whether a result or an error has been set."""
        return self._completed

    def wait(self):
        """Block until the result is set, and return it (or raise the error that was set)."""
        with self._done:
            self._done.wait_for(lambda: self._completed)
        return self.value()

    def value(self):
        """The result of a completed Future (raising its error, if it has one)."""
        if not self._completed:
            raise RuntimeError("completed() INTERNAL ASSERT FAILED at \"/__w/pytorch/pytorch/"
                               "aten/src/ATen/core/ivalue_inl.h\":1016, please report a bug "
                               "to PyTorch. ")
        if self._error is not None:
            raise self._error
        return self._result

    def then(self, callback):
        """A new Future that ``callback(self)`` completes once this one is done; an error
        the callback raises becomes the new Future's."""
        chained = Future()

        def run(fut):
            try:
                chained.set_result(callback(fut))
            except Exception as e:
                chained._complete(None, _callback_error(e))
        self.add_done_callback(run)
        return chained

    def add_done_callback(self, callback):
        """Run ``callback(self)`` once this Future is done (now, if it already is)."""
        with self._done:
            if not self._completed:
                self._callbacks.append(callback)
                return
        callback(self)

    def set_result(self, result):
        """Complete the Future with ``result``: waiters wake, callbacks run."""
        self._complete(result, None)

    def set_exception(self, result):
        """Complete the Future with an error, raised by ``wait()`` and ``value()``."""
        if not isinstance(result, Exception):
            raise AssertionError(f"{result} is of type {type(result)}, not an Exception.")
        self._complete(None, result)

    def _complete(self, result, error):
        with self._done:
            if self._completed:
                raise RuntimeError("Attempting to mark a completed Future as complete again. "
                                   "Note that a Future can only be marked completed once.")
            self._result, self._error, self._completed = result, error, True
            callbacks, self._callbacks = self._callbacks, []
            self._done.notify_all()
        for callback in callbacks:
            callback(self)


# torch's futures come from its TorchScript runtime, and print as such
Future.__module__ = "dyngrad.jit"


def _callback_error(e):
    """A callback's exception as torch reports it: a RuntimeError naming it, with where it
    was raised."""
    frames = traceback.extract_tb(e.__traceback__)[1:]
    at = "".join(f"  {f.filename}({f.lineno}): {f.name}\n" for f in reversed(frames))
    return RuntimeError(f"Got the following error when running the callback: "
                        f"{type(e).__name__}: {e}\n\nAt:\n{at}")


def collect_all(futures):
    """A Future of the list ``futures``, completed when all of them are (with the first
    error among them, if any)."""
    collected = Future()
    futures = list(futures)
    remaining = [len(futures)]
    lock = threading.Lock()

    def one_done(_):
        with lock:
            remaining[0] -= 1
            last = remaining[0] == 0
        if last:
            error = next((f._error for f in futures if f._error is not None), None)
            collected._complete(None if error is not None else futures, error)
    if not futures:
        collected.set_result([])
    for fut in futures:
        fut.add_done_callback(one_done)
    return collected


def wait_all(futures):
    """Wait for every Future and return their results (raising the first error)."""
    return [fut.wait() for fut in collect_all(futures).wait()]
