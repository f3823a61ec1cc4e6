"""One lingua for a whole process pool.

Once a short Latin-script text reaches an unrestricted lingua, it loads the models of every
Latin-script language: about 1 GB and 7 s of CPU, in each process that asks. A shortlist
(`fasttext>lingua~5`, in the default) loads only its candidates', up to the config's `lingua_budget` languages
held (8 by default, ~320 MB). Either way a pool's workers share one server process (`start`) that holds the only
lingua, loaded as texts need it (or, with `warm`, an unrestricted one at once, while the workers
start); each worker `connect`s to it. The answers are lingua's own, so the output does not depend on
where lingua runs. Only the few texts that reach lingua (by default: documents under 100 letters, and
fastText unsure) travel.
"""

from __future__ import annotations

import threading
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from multiprocessing.managers import BaseManager

from . import lang
from .lang import Detection

WARM_TEXT = "le chat internationalisation"
"""A Latin-script text with a long word: lingua reads it with every Latin-script language's models of
every n-gram length, which is what a short Latin text makes it load."""


class _Lingua:
    """The server's side: lingua in the server process, one text at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def detect(self, languages: tuple[str, ...] | None, low_accuracy: bool, preload: bool, text: str,
               shortlist: bool = False) -> Detection:
        with self._lock:
            return lang.lingua_detect(languages, low_accuracy, preload, text, shortlist)

    def shortlists(self, requests: list[tuple[tuple[str, ...], bool, str]], budget: int) -> list[Detection]:
        with self._lock:
            return lang.lingua_shortlists(requests, budget)

    def loads(self) -> int:
        """How many times the server's shortlists have had lingua load a language's models (`lang.lingua_loads`)."""
        return lang.lingua_loads()

    def warm(self, backend: str) -> None:
        """Start loading, in the background, the models that the lingua parts of `backend` load for a
        short Latin-script text; a text sent meanwhile waits for them. A shortlist warms nothing (what
        it loads depends on each text's candidates)."""
        parts = lang.lingua_parts(lang.make_backend(backend))
        threading.Thread(target=lambda: [self.detect(p.languages, p.low_accuracy, p.preload, WARM_TEXT) for p in parts],
                         daemon=True).start()


_SERVED = _Lingua()


def _served() -> _Lingua:
    return _SERVED


class _Manager(BaseManager):
    @classmethod
    def _run_server(cls, *args, **kwargs) -> None:
        """The server process's body. A run stopped (Ctrl-C, SIGTERM) while the server was starting has closed the
        pipe the server tells it its address on: the server then ends in silence, where it printed a traceback
        ("Process _Manager-1: ... BrokenPipeError") after the run's one line."""
        try:
            super()._run_server(*args, **kwargs)
        except (BrokenPipeError, EOFError):
            return


_Manager.register("lingua", callable=_served)


class ServerDied(BrokenProcessPool):
    """The lingua server a pool shares died as it started; the message says so (the CLI's one line, exit 4)."""


def wanted(backend: str) -> bool:
    """Whether a language backend name involves lingua (so a pool should share one)."""
    return "lingua" in backend


def start(ctx: BaseContext, initializer=None, warm: str | None = None) -> BaseManager:
    """Start the server process (`initializer` runs in it first, e.g. to die with this process), and
    with `warm` (a backend name) have it load that backend's lingua models at once; `shutdown()` it
    when the pool is done. A server killed as it starts (`kill -9`, the out-of-memory killer) is a
    `BrokenProcessPool`, as a worker killed is (the CLI's one line, exit 4): it was the manager's EOFError, a
    traceback, exit 1. One killed later is `connect`'s to meet: the workers run lingua themselves."""
    manager = _Manager(ctx=ctx)
    try:
        manager.start(initializer)
        if warm is not None:
            manager.lingua().warm(warm)
    except (EOFError, ConnectionError):  # its pipe, or its socket, closed by its end
        raise ServerDied("the lingua server process died as it started (killed, by the out-of-memory killer or a "
                         "signal)") from None
    return manager


def count_loads(manager: BaseManager) -> None:
    """Add the model loads the server at `manager` counted to this process's count (`lang.add_lingua_loads`), before
    its `shutdown`; a server gone counts none (nor do the workers that then ran lingua themselves)."""
    try:
        lang.add_lingua_loads(manager.lingua().loads())
    except (EOFError, OSError):  # its socket, closed or refused
        pass


def connect(address: str | tuple, authkey: bytes) -> None:
    """In a worker: send this process's lingua texts to the server at `address` (when it is gone already,
    lingua runs in this process: `lang.lingua_server_gone`)."""
    manager = _Manager(address=address, authkey=authkey)
    try:
        manager.connect()
        lang.use_lingua(manager.lingua())
    except (EOFError, OSError) as exc:
        lang.lingua_server_gone(exc)
