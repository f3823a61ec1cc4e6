"""What a process `cleaner` starts (a pool's worker, the pool's lingua server) runs first, and how the starting is
shielded from Ctrl-C: kept apart from `workers` so that a started process that needs only this (the lingua server)
does not import the whole pipeline (pydantic, numpy, the rule engine: ~20 MB of its memory)."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.context import SpawnContext, SpawnProcess
from typing import Any

from .libc import libc


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when its parent dies (PR_SET_PDEATHSIG)."""
    libc("prctl", 1, signal.SIGKILL)


_HELD = (signal.SIGINT, signal.SIGTERM)
"""The signals `ctrl_c_held` holds: Ctrl-C, and SIGTERM, which the `cleaner` command unwinds the same way."""


def init_child(parent: int) -> None:
    """In a worker or the lingua server started by process `parent`: die with the run, leave Ctrl-C to it.

    A run killed while this process was still starting (importing, before it could ask to die with its
    parent) has already gone: then this process goes at once, instead of waiting for work forever."""
    _die_with_parent()
    if os.getppid() != parent:
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; one held since the start is dropped
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)  # blocked from the start (`ctrl_c_held`): a SIGTERM held ends it now


@contextmanager
def ctrl_c_held() -> Iterator[None]:
    """A Ctrl-C or SIGTERM that comes while the block runs is held until the block is over and acted on then,
    not in the middle of it; and both are blocked in the processes the block starts, which keep the mask: a
    Ctrl-C, which a terminal sends to the whole process group, reaches only this process. multiprocessing's
    resource tracker is started first: starting it unblocks them in the thread that does."""
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    held: list[int] = []
    handlers = {}
    if threading.current_thread() is threading.main_thread():  # only its handlers can be changed
        handlers = {sig: signal.signal(sig, lambda signum, frame: held.append(signum))
                    for sig in _HELD if signal.getsignal(sig) is not None}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a signal the mask held comes to `held` now
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        for sig in dict.fromkeys(held):
            signal.raise_signal(sig)


class _Spawned(SpawnProcess):
    """A spawned process that starts with Ctrl-C blocked (`ctrl_c_held`) until `init_child` sets it aside:
    it imports the run's modules (pydantic, numpy, ...) before it can, and each worker and the lingua server
    printed a KeyboardInterrupt traceback of its own under the run's line."""

    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        popen = None
        try:
            with ctrl_c_held():
                popen = SpawnProcess._Popen(process_obj)
        except BaseException:  # a Ctrl-C held meanwhile: the process, no pool's yet, is ended here (left, it printed a
            if popen is not None:  # traceback, started after the run had gone)
                popen.kill()
                popen.wait()
            raise
        return popen


class _Spawn(SpawnContext):
    Process = _Spawned


SPAWN = _Spawn()
"""spawn, not forkserver: a forkserver's workers are its children and keep it alive, so a SIGKILLed
run would leave both behind; spawned workers are this process's children and die with it."""
