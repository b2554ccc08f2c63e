"""Where large arrays' memory comes from: glibc's heap, kept for reuse.

NOTE [Fresh arrays cost page faults]
Every array NumPy makes is a malloc. glibc serves a request above its mmap threshold
(128 KB at start, raised to the size of the last freed mmapped block, at most 32 MB) with
a fresh mmap, and gives freed memory at the top of its heap back to the OS once more than
its trim threshold (twice the mmap threshold) is free. A training step makes and frees the
same large arrays every time, so by default each one is new memory: one page fault per
4 KB page (or per 2 MB huge page, where NumPy's madvise gets one) before the first
write. Measured on big_elementwise (4M float32, about 25 arrays of 16 MB a step): 1,500
to 4,600 minor faults a step, and the hand-written NumPy version itself runs 26.5 ms with
glibc's defaults and 18.3 ms with the thresholds below (no faults at all).

At import, dyngrad therefore asks glibc (``mallopt``) to serve arrays of up to 32 MB from
its heap (M_MMAP_THRESHOLD) and to keep up to ``DYNGRAD_ARRAY_POOL`` MB of freed heap
(M_TRIM_THRESHOLD; 256 by default) for the next step's arrays instead of returning it:
freed arrays become a pool glibc's size-ordered bins already keep, bounded by that
number. The settings are process-wide (they hold for every library in the process), fixed
ones (glibc stops adapting its thresholds) and change no result; the price is resident
memory that stays up to the bound after a peak. ``DYNGRAD_ARRAY_POOL=0`` leaves glibc's
defaults alone, and nothing is done on a C library other than glibc.
"""
import ctypes
import os

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
# glibc refuses an mmap threshold above HEAP_MAX_SIZE / 2 (32 MB on 64-bit systems)
MMAP_THRESHOLD = 32 * 1024 * 1024
DEFAULT_POOL_MB = 256

# what was set at import: {"mmap_threshold": bytes, "trim_threshold": bytes}, or None
settings = None


def pool_bytes(environ=os.environ):
    """The bound ``DYNGRAD_ARRAY_POOL`` asks for, in bytes (0: leave glibc alone)."""
    value = environ.get("DYNGRAD_ARRAY_POOL", "").strip()
    if not value:
        return DEFAULT_POOL_MB * 1024 * 1024
    try:
        mb = float(value)
    except ValueError:
        raise ValueError(f"DYNGRAD_ARRAY_POOL must be a number of megabytes (0 turns the "
                         f"pool off), not {value!r}") from None
    return max(0, int(mb * 1024 * 1024))


def _glibc():
    if not hasattr(os, "confstr"):
        return None
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return None
        # the process's own symbols, glibc's among them: ctypes.util.find_library("c")
        # would run ldconfig in a subprocess (measured: 7 ms, a thirtieth of the import)
        return ctypes.CDLL(None)
    except (OSError, ValueError):
        return None


def configure(environ=os.environ):
    """Set glibc's thresholds as NOTE [Fresh arrays cost page faults] says; return what
    was set, or None when nothing was (pool off, or no glibc)."""
    global settings
    trim = pool_bytes(environ)
    libc = _glibc() if trim else None
    if libc is None:
        return None
    trim = max(trim, MMAP_THRESHOLD)  # a smaller bound would return each array at once
    if libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) and libc.mallopt(_M_TRIM_THRESHOLD,
                                                                        min(trim, 2**31 - 1)):
        settings = {"mmap_threshold": MMAP_THRESHOLD, "trim_threshold": min(trim, 2**31 - 1)}
    return settings


configure()
