"""Work: the handle of an operation in flight (``async_op=True``), over MPI requests."""
import datetime

from . import _mpi

__all__ = ["Work"]


class Work:
    """An operation started on the wire. ``wait()`` blocks until it is done (or the group's
    timeout passes); ``is_completed()`` asks without blocking. What the operation writes
    into its tensors (results received into a staging array, AVG's division) happens once,
    when it is first seen complete."""

    def __init__(self, requests, timeout, what, finish=None, result=(), statuses=None):
        self._requests = requests
        self._timeout = timeout
        self._what = what
        self._finish = finish
        self._result = list(result)
        self._statuses = statuses

    def _done(self):
        finish, self._finish = self._finish, None
        if finish is not None:
            finish()

    def is_completed(self):
        if self._finish is None and not self._requests:
            return True
        if not _mpi.test(self._requests, self._statuses):
            return False
        self._done()
        return True

    def wait(self, timeout=None):
        seconds = (self._timeout if timeout is None
                   else timeout.total_seconds() if isinstance(timeout, datetime.timedelta)
                   else float(timeout))
        _mpi.wait(self._requests, seconds, self._what, self._statuses)
        self._done()
        return True

    def is_success(self):
        return self.is_completed()

    def result(self):
        return self._result

    def get_future(self):
        raise NotImplementedError("dyngrad.distributed: Work.get_future() is not supported; "
                                  "use wait()")
