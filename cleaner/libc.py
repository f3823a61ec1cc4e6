"""Two calls into Linux's C library (glibc); on other systems they do nothing."""

from __future__ import annotations

import ctypes


def libc(call: str, *args: int) -> None:
    """Call the C library's function `call` with integer arguments; elsewhere, nothing."""
    try:
        getattr(ctypes.CDLL("libc.so.6", use_errno=True), call)(*args)
    except (OSError, AttributeError):
        pass


def release_memory() -> None:
    """Hand the free pages of this process's heap back to the system (`malloc_trim`): after a stage
    has freed a large working set, so that what runs next does not sit beside it."""
    libc("malloc_trim", 0)
