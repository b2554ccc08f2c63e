"""The wire: MPI through mpi4py, loaded when a process group is first made.

Importing ``mpi4py.MPI`` initialises MPI, so nothing here runs at ``import dyngrad``.
Under ``mpiexec`` every process of the job sees the same COMM_WORLD; a process started on
its own is a world of one (MPI's singleton start).

NOTE [Waiting with a deadline]
MPI's blocking calls wait for ever: a rank that died or skipped a collective would hang
the others. Every operation is therefore started non-blocking and waited on here, testing
the request until it completes or the group's timeout passes (then DistBackendError, which
ends the job, see ``abort_on_error``). The first tests spin (a local transfer completes in
microseconds), later ones sleep a little, so a rank waiting for a slow peer leaves the
core to it: two ranks may share a core.
"""
import importlib.util
import sys
import threading
import time
import traceback

_MPI = None


def available():
    """Whether mpi4py (and so an MPI library) can be loaded, without loading it."""
    return _MPI is not None or importlib.util.find_spec("mpi4py") is not None


def load():
    """The ``mpi4py.MPI`` module (MPI is initialised on first use)."""
    global _MPI
    if _MPI is None:
        from mpi4py import MPI
        _MPI = MPI
    return _MPI


class DistError(RuntimeError):
    """torch.distributed.DistError: an error of the distributed library."""


class DistBackendError(DistError):
    """torch.distributed.DistBackendError: the transport failed (here: a timeout)."""


def wait(requests, timeout, what, statuses=None):
    """Wait until every MPI request completes, or raise DistBackendError after ``timeout``
    seconds (NOTE [Waiting with a deadline]). ``statuses``: filled as MPI_Testall does."""
    testall = _MPI.Request.Testall
    if testall(requests, statuses):
        return
    deadline = time.monotonic() + timeout
    pause = 0.0
    spins = 0
    while not testall(requests, statuses):
        if time.monotonic() > deadline:
            raise DistBackendError(f"[dyngrad.distributed] {what} timed out after "
                                   f"{int(timeout * 1000)}ms: a peer process did not join it")
        spins += 1
        if spins > 2000:
            pause = min(0.001, pause + 0.00002)
            time.sleep(pause)


def test(requests, statuses=None):
    """Whether every request has completed (each test also moves MPI's progress on)."""
    return _MPI.Request.Testall(requests, statuses)


class Progress:
    """A thread that turns MPI's progress engine while non-blocking operations are in
    flight: MPICH moves a transfer on only inside MPI calls, and a backward makes none
    between two gradient hooks. It probes for a message never sent (a probe receives
    nothing, and never touches the requests the main thread waits on), then sleeps, so it
    costs little CPU; NumPy releases the GIL in its long kernels, where the thread runs."""

    _TAG = 32767  # MPI guarantees tags up to 32767; nothing here sends with it

    def __init__(self):
        self._thread = None
        self._running = False

    def start(self, comm):
        if self._thread is not None:
            return
        self._running = True
        self._thread = threading.Thread(target=self._turn, args=(comm,), daemon=True)
        self._thread.start()

    def _turn(self, comm):
        any_source = _MPI.ANY_SOURCE
        main = threading.main_thread()
        # (a backward that raised leaves the thread on: it ends with the interpreter,
        # before MPI is finalised)
        while self._running and main.is_alive():
            comm.Iprobe(any_source, self._TAG)
            time.sleep(0.0002)

    def stop(self):
        if self._thread is not None:
            self._running = False
            self._thread.join()
            self._thread = None


def abort_on_error():
    """Make an uncaught exception in this process end the whole MPI job: show the
    traceback, then MPI_Abort (hydra stops the other ranks). Without this, the other ranks
    would wait in their next collective until its timeout."""
    previous = sys.excepthook
    if getattr(previous, "_dyngrad_abort", False):
        return

    def hook(kind, value, tb):
        traceback.print_exception(kind, value, tb)
        sys.stderr.flush()
        sys.stdout.flush()
        comm = _MPI.COMM_WORLD
        if comm.Get_size() > 1:
            abort(comm, 1)

    hook._dyngrad_abort = True
    sys.excepthook = hook


def abort(comm, code):
    """MPI_Abort, after a pause: the launcher forwards each rank's output through its own
    pipes, and an abort that comes at once can kill the rank before the last lines (the
    traceback just printed) have passed through."""
    time.sleep(0.3)
    comm.Abort(code)
