"""The `cleaner` command; each subcommand lives in its own module under `cleaner.commands`.

Exit codes: 0 done (rejected records are data, in the rejects file); 1 a rule example failed
(`rules check`); 2 bad usage, config or rule pack, reported before any document is read; 3 `--strict`
stopped at bad input; 4 a worker process died; 130 Ctrl-C, 143 SIGTERM (one line; a run started again goes on from
where it stopped)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import warnings
from collections.abc import Callable
from functools import partial
from importlib import import_module
from types import FrameType
from typing import Any

from . import __version__

COMMANDS = ("clean", "run", "rules", "diff", "review", "serve")
"""The subcommand modules under `cleaner.commands`, in the order `cleaner --help` lists them. They are imported
by `build_parser`, not with this module: a Ctrl-C while they load (pydantic, numpy, trafilatura: a second or
so) is then `main`'s one line, not a traceback."""


BLAS_THREADS = {"OPENBLAS_NUM_THREADS": "1"}
"""Set for the `cleaner` command and the processes it starts, unless the user set them: cleaner makes no BLAS call,
and numpy's OpenBLAS started a thread per core at import, ~0.1 s of CPU in each process (`cleaner clean` of one
record 0.85 -> 0.71 s of CPU; a run's workers and its lingua server each pay it too)."""


_GIVEN = "_cleaner_given"
"""The attribute of a namespace being parsed that holds each single-valued flag given so far (`_Once`), taken off
before the namespace is returned."""


def _given_once(action: argparse.Action, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                option_string: str | None) -> None:
    """Bad usage, naming both, when `action`'s flag was given before in this parse (`_Once`, `_OnceBoolean`)."""
    given = vars(namespace).setdefault(_GIVEN, {})
    if action.dest in given:
        first, value = given[action.dest]
        shown = (lambda flag, v: flag if v is None else f"{flag} {v!r}")
        parser.error(f"argument {'/'.join(action.option_strings)}: given twice ({shown(first, value)}, then "
                     f"{shown(option_string, values)}); it takes one value: give it once")
    given[action.dest] = option_string, values


class _Once(argparse._StoreAction):
    """A flag of one value (argparse's `store`) given twice is bad usage, naming both values: argparse kept the last
    without a word (`--config a.toml --config b.toml` dropped a.toml, `--langs fr --langs en` kept en alone), where
    `--rules` and `diff --id` add up, so a repeated flag read as adding."""

    def __call__(self, parser, namespace, values, option_string=None):
        _given_once(self, parser, namespace, values, option_string)
        super().__call__(parser, namespace, values, option_string)


class _OnceBoolean(argparse.BooleanOptionalAction):
    """A switch given both ways, or twice (`--learn-boilerplate --no-learn-boilerplate`), is bad usage as a flag of
    one value given twice is (`_Once`): argparse kept the last without a word (a review). `_Parser.add_argument` puts
    it in place of `BooleanOptionalAction`; a switch added to an argument group would keep argparse's (none is)."""

    def __call__(self, parser, namespace, values, option_string=None):
        _given_once(self, parser, namespace, None, option_string)
        super().__call__(parser, namespace, values, option_string)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose commands each refuse a flag they do not know with their own usage (argparse
    left it to `cleaner`'s, which lists the commands, not the command's flags), and whose `--help` opens
    with the line `cleaner --help` gives the command (it showed only the usage and the flags). A flag is
    taken only as written in full: `clean --lang fr` was `--lang-backend fr`; one of one value, or a switch, only once
    (`_Once`, `_OnceBoolean`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)
        self.register("action", None, _Once)
        self.register("action", "store", _Once)

    def add_argument(self, *args, **kwargs):
        if kwargs.get("action") is argparse.BooleanOptionalAction:
            kwargs["action"] = _OnceBoolean
        return super().add_argument(*args, **kwargs)

    def add_subparsers(self, **kwargs):
        commands = super().add_subparsers(**kwargs)
        add_parser = commands.add_parser

        def described(name, **kw):
            kw.setdefault("description", kw.get("help"))
            return add_parser(name, **kw)
        commands.add_parser = described
        return commands

    def parse_known_args(self, args=None, namespace=None):
        args = sys.argv[1:] if args is None else list(args)
        if self._subparsers is not None:  # `cleaner` or `cleaner rules`: its flags come before its COMMAND
            self._known_before_command(args)
        namespace, extra = super().parse_known_args(args, namespace)
        vars(namespace).pop(_GIVEN, None)
        if extra and self._subparsers is None:  # a command's own parser, such as `cleaner run`'s
            self.error(f"unrecognized arguments: {' '.join(extra)}")
        return namespace, extra

    def _known_before_command(self, args: list[str]) -> None:
        """Refuse a flag before the COMMAND that this parser does not know, with this parser's usage: argparse said
        `cleaner --bogus` lacked a COMMAND, naming no flag, and gave `cleaner rules --bogus list` `cleaner`'s usage.
        These parsers' flags take no value (`--help`, `--version`), so the first word that is not a flag is the
        COMMAND."""
        for arg in args:
            if arg == "--" or not arg.startswith("-") or arg == "-":
                return
            if arg.split("=", 1)[0] not in self._option_string_actions:
                self.error(f"unrecognized arguments: {arg}")

    def _print_message(self, message, file=None):
        """`--help` and `--version` written to stdout as a command's output is (`io.writers.stdout`): a full disk
        or a closed stdout (`sys.stdout` None, which argparse took for stderr) is `main`'s one line and exit 2, where
        they said nothing, exit 0."""
        if file is sys.stdout:
            from .io.writers import stdout

            out = stdout()
            out.write(message)
            out.flush()
        else:
            super()._print_message(message, file)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `cleaner` command."""
    parser = _Parser(prog="cleaner", description="Clean scraped text with rule packs; every removal attributed.")
    parser.add_argument("--version", action="version", version=f"cleaner {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        import_module(f".commands.{name}", __package__).register(sub)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM (`kill`, `timeout`, a stopping container): unwound as Ctrl-C is, with the shell's code for it."""


_UNSAFE = frozenset({"__del__", "_get_module_lock.<locals>.cb", "__set_name__"})
"""Functions a signal's exception must not be raised in (by name, or qualified name). Python prints one raised in a
`__del__` (the `regex` module's, while rule packs compile) or in a weak reference's callback (the import system's
module locks, at every import) as ignored and drops it: the command went on to its end and exit 0. It wraps one
raised in a `__set_name__` (pydantic's, as the rule kinds' classes are made) in a RuntimeError, a traceback."""


def _raising(stop: type[KeyboardInterrupt]) -> Callable[[int, FrameType | None], None]:
    """A signal handler that raises `stop` where the command is, unless that is within code whose exceptions Python
    drops or wraps (`_UNSAFE`): the signal is then sent again a moment later instead."""

    def handler(signum: int, frame: FrameType | None) -> None:
        while frame is not None:
            if frame.f_code.co_name in _UNSAFE or frame.f_code.co_qualname in _UNSAFE:
                again = threading.Timer(0.01, os.kill, (os.getpid(), signum))
                again.daemon = True
                again.start()
                return
            frame = frame.f_back
        raise stop

    return handler


def _again(args: argparse.Namespace) -> str:
    """What a stopped command can do next: a run keeps its state and goes on from where it stopped, unless it reads
    stdin, which cannot be read again (it was promised it could)."""
    if args.command != "run":
        return ""
    if "-" in args.inputs:
        return " (a run that reads stdin cannot go on from where it stopped: run it again to start over)"
    return " (run the same command again to go on from where it stopped)"


class _Stderr:
    """`sys.stderr`, quiet once its reader is gone (`2>&1 | head`, a log shipper restarted) or it cannot be written
    (a terminal closed): a run's work is its folder, not its messages, and it stopped at its next progress line, half
    done, with exit 0 ("done")."""

    def __init__(self, stream: Any):
        self._stream = stream
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self._stream.write(text)
            except OSError:  # BrokenPipeError, or EIO from a terminal that is gone
                self.gone = True
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self._stream.flush()
            except OSError:
                self.gone = True

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def console_main(argv: list[str] | None = None) -> int:
    """Entry point of the `cleaner` console script and of `python -m cleaner`: `main` in a process that starts no BLAS
    threads (`BLAS_THREADS`, set before numpy is imported and inherited by the workers). A program that calls `main`
    itself keeps its environment as it is."""
    for name, value in BLAS_THREADS.items():
        os.environ.setdefault(name, value)
    return main(argv)


def main(argv: list[str] | None = None) -> int:
    """The `cleaner` command, with `argv` (by default the process's own arguments)."""
    args = None
    stderr, sys.stderr = sys.stderr, _Stderr(sys.stderr if sys.stderr is not None and _is_open(2) else _nowhere())
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    ours = threading.current_thread() is threading.main_thread()  # only the main thread's handlers can be set
    try:
        if ours and handlers[signal.SIGINT] is signal.default_int_handler:  # not when started with Ctrl-C ignored (`&`)
            signal.signal(signal.SIGINT, _raising(KeyboardInterrupt))
        if ours and handlers[signal.SIGTERM] is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _raising(Terminated))
        try:
            args = build_parser().parse_args(argv)  # imports the commands' modules: a signal meanwhile is one line too
        except OSError as exc:  # `--help` or `--version` not written (`_Parser._print_message`)
            return _not_written(exc)
        if ours and args.command == "serve":  # `serve` leaves Ctrl-C and SIGTERM to its server's graceful stop
            _restore(handlers)
        with warnings.catch_warnings():  # which restores `showwarning`
            warnings.showwarning = _said(warnings.showwarning)
            return _handled(args)
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM: one line, the shell's code for it; a run keeps its state
        how = " by SIGTERM" if isinstance(exc, Terminated) else ""
        print(f"cleaner: interrupted{how}{_again(args) if args else ''}", file=sys.stderr)
        return 143 if isinstance(exc, Terminated) else 130
    finally:  # `main` called in a program of its own (a test) leaves its handlers and stderr as they were
        sys.stderr = stderr
        if ours:
            _restore(handlers)


def _said(show: Callable[..., None]) -> Callable[..., None]:
    """`warnings.showwarning` that gives a warning of cleaner's own (`config.CleanerWarning`) as one line, `cleaner:
    warning: …`, as its other messages are (it was Python's, naming one of cleaner's files and showing its line of
    code); another library's is left to `show`."""

    def shown(message: Warning | str, category: type[Warning], filename: str, lineno: int, file: Any = None,
              line: str | None = None) -> None:
        from .config import CleanerWarning  # loaded by then: the warning is one of its

        if not issubclass(category, CleanerWarning):
            return show(message, category, filename, lineno, file, line)
        print(f"cleaner: warning: {message}", file=file or sys.stderr)

    return shown


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def _nowhere() -> Any:
    """A stderr for a command started with none (`2>&-`, as cron and daemons may): the null device, also put on
    file descriptor 2, so that the file a command opens next is not given 2 (its workers' and C libraries' messages
    would land in it). The command goes on without its messages, as when stderr's reader is gone."""
    null = os.open(os.devnull, os.O_WRONLY)
    if null != 2:
        os.dup2(null, 2)
        os.close(null)
    return open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)


def _restore(handlers: dict[int, Any]) -> None:
    """Set the signal handlers `signal.getsignal` gave (None: one not set from Python, left as it is)."""
    for sig, handler in handlers.items():
        if handler is not None:
            signal.signal(sig, handler)


def _handled(args: argparse.Namespace) -> int:
    """Run the parsed command: each error it stops at is one line and an exit code."""
    from concurrent.futures.process import BrokenProcessPool

    from .config import ConfigError
    from .dedup.index import IndexBusyError, IndexMismatchError
    from .distributed.splits import ClusterLost
    from .escapes import one_line
    from .io.writers import stdout
    from .linguaserver import ServerDied
    from .commands.common import disabled_by
    from .packs import RulePackError, UnknownRulesError
    from .workers import StrictStop

    try:
        code = args.handler(args)
        if sys.stdout is not None:  # what it wrote and is still buffered, written here: a full disk said as above
            stdout().flush()
        return code
    except UnknownRulesError as exc:
        print(f"cleaner: {exc.said(partial(disabled_by, args))}", file=sys.stderr)
        return 2
    except (RulePackError, ConfigError, IndexMismatchError, IndexBusyError) as exc:
        print(f"cleaner: {exc}", file=sys.stderr)
        return 2
    except StrictStop as exc:  # it names a record: its id or file name may hold a line break or a terminal's control
        print(f"cleaner: {one_line(str(exc))}", file=sys.stderr)
        return 3
    except (ServerDied, ClusterLost) as exc:  # each names what died (ServerDied, a BrokenProcessPool, caught first)
        print(f"cleaner: {exc}{_again(args)}", file=sys.stderr)
        return 4
    except BrokenProcessPool:  # a worker killed (`kill -9`, the out-of-memory killer): one line, not the pool's trace
        print(f"cleaner: a worker process died (killed, by the out-of-memory killer or a signal){_again(args)}",
              file=sys.stderr)
        return 4
    except OSError as exc:
        return _not_written(exc)


def _not_written(exc: OSError) -> int:
    """The exit code of an OSError a command stopped at, said in one line: 0 when a pager or `head` closed stdout, the
    command's output, which is not an error (a reader gone of the rejects alone, `clean --rejects -`, is
    `JsonlWriter(side=True)`'s to say, and stderr's `_Stderr`'s); else 2 (an output folder that is a file, a path not
    writable, a full disk)."""
    if isinstance(exc, BrokenPipeError):
        return 0
    print(f"cleaner: {exc.filename}: {exc.strerror}" if exc.filename else f"cleaner: {exc}", file=sys.stderr)
    return 2
