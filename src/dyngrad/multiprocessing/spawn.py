"""Run a function in several processes and bring the first failure back to the parent.

Each child runs ``fn(i, *args)``; an exception it raises is written, as its formatted
traceback, to a file of its own, and the child exits with status 1. ``join`` waits for
children to end: at the first that failed, the others are terminated and the parent
raises ProcessRaisedException (with the child's traceback) or ProcessExitedException
(with its exit code or signal), in torch's words.
"""
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import sys
import tempfile
import traceback
import warnings

__all__ = ["ProcessContext", "ProcessException", "ProcessRaisedException",
           "ProcessExitedException", "spawn", "start_processes"]


class ProcessException(Exception):
    def __init__(self, msg, error_index, error_pid):
        super().__init__(msg)
        self.msg = msg
        self.error_index = error_index
        self.pid = error_pid

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.pid)


class ProcessRaisedException(ProcessException):
    """A child raised: its traceback is in the message."""


class ProcessExitedException(ProcessException):
    """A child exited with a non-zero code, or was killed by a signal."""

    def __init__(self, msg, error_index, error_pid, exit_code, signal_name=None):
        super().__init__(msg, error_index, error_pid)
        self.exit_code = exit_code
        self.signal_name = signal_name

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.pid, self.exit_code,
                            self.signal_name)


def _run(fn, i, args, error_file):
    try:
        fn(i, *args)
    except KeyboardInterrupt:
        pass
    except Exception:
        with open(error_file, "wb") as f:
            pickle.dump(traceback.format_exc(), f)
        sys.exit(1)


class ProcessContext:
    def __init__(self, processes, error_files):
        self.error_files = error_files
        self.processes = processes
        self.sentinels = {p.sentinel: i for i, p in enumerate(processes)}

    def pids(self):
        return [int(p.pid) for p in self.processes]

    def join(self, timeout=None, grace_period=None):
        """Wait for children to end; True once all have, False on a timeout. Raises at
        the first child that failed, after stopping the others."""
        if not self.sentinels:
            return True
        failed = None
        for sentinel in multiprocessing.connection.wait(list(self.sentinels), timeout=timeout):
            index = self.sentinels.pop(sentinel)
            self.processes[index].join()
            if self.processes[index].exitcode != 0:
                failed = index
                break
        if failed is None:
            return not self.sentinels
        for p in self.processes:
            if p.is_alive():
                p.terminate()
        for p in self.processes:
            p.join(30 if grace_period is None else grace_period)
            if p.is_alive():
                p.kill()
                p.join()
        process = self.processes[failed]
        if not os.access(self.error_files[failed], os.R_OK):
            code = process.exitcode
            if code < 0:
                try:
                    name = signal.Signals(-code).name
                except ValueError:
                    name = f"<Unknown signal {-code}>"
                raise ProcessExitedException(f"process {failed:d} terminated with signal {name}",
                                             error_index=failed, error_pid=process.pid,
                                             exit_code=code, signal_name=name)
            raise ProcessExitedException(f"process {failed:d} terminated with exit code "
                                         f"{code:d}", error_index=failed, error_pid=process.pid,
                                         exit_code=code)
        with open(self.error_files[failed], "rb") as f:
            trace = pickle.load(f)
        msg = f"\n\n-- Process {failed:d} terminated with the following error:\n" + trace
        raise ProcessRaisedException(msg, failed, process.pid)


def start_processes(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    context = multiprocessing.get_context(start_method)
    processes, error_files = [], []
    for i in range(nprocs):
        handle, error_file = tempfile.mkstemp(prefix="dyngrad-errorfile-", suffix=".pickle")
        os.close(handle)
        os.unlink(error_file)      # the child creates it only when it fails
        process = context.Process(target=_run, args=(fn, i, args, error_file), daemon=daemon)
        process.start()
        processes.append(process)
        error_files.append(error_file)
    ctx = ProcessContext(processes, error_files)
    if not join:
        return ctx
    while not ctx.join():
        pass


def spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """Run ``fn(i, *args)`` for i in range(nprocs), each in a new process."""
    if start_method != "spawn":
        warnings.warn(f"This method only supports start_method=spawn (got: {start_method}).\n"
                      "To use a different start_method use:\n\t\t"
                      " torch.multiprocessing.start_processes(...)", FutureWarning,
                      stacklevel=2)
    return start_processes(fn, args, nprocs, join, daemon, start_method="spawn")
