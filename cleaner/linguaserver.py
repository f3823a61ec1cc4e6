"""One lingua for a whole process pool.

Once a short Latin-script text reaches lingua, it loads the models of every Latin-script language:
about 1 GB and 9 s of CPU, in each process that asks. A pool's workers therefore share one server
process (`start`) that holds the only lingua, loaded on the first text it is sent; each worker
`connect`s to it. The answers are lingua's own, so the output does not depend on where lingua runs.
Only the few texts that reach lingua (by default: under 40 letters, and fastText unsure) travel.
"""

from __future__ import annotations

from multiprocessing.context import BaseContext
from multiprocessing.managers import BaseManager

from . import lang
from .lang import Detection


class _Lingua:
    """The server's side: lingua in the server process."""

    def detect(self, languages: tuple[str, ...] | None, low_accuracy: bool, preload: bool, text: str) -> Detection:
        return lang.lingua_detect(languages, low_accuracy, preload, text)


_SERVED = _Lingua()


def _served() -> _Lingua:
    return _SERVED


class _Manager(BaseManager):
    pass


_Manager.register("lingua", callable=_served)


def wanted(backend: str) -> bool:
    """Whether a language backend name involves lingua (so a pool should share one)."""
    return "lingua" in backend


def start(ctx: BaseContext, initializer=None) -> BaseManager:
    """Start the server process (`initializer` runs in it first, e.g. to die with this process);
    `shutdown()` it when the pool is done."""
    manager = _Manager(ctx=ctx)
    manager.start(initializer)
    return manager


def connect(address: str | tuple, authkey: bytes) -> None:
    """In a worker: send this process's lingua texts to the server at `address`."""
    manager = _Manager(address=address, authkey=authkey)
    manager.connect()
    lang.use_lingua(manager.lingua().detect)
