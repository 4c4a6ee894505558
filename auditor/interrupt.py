"""A run asked to stop: SIGINT (Ctrl-C) or SIGTERM (a scheduler's or CI runner's timeout).

The first signal does not kill the run: capture stops taking new pages and transcripts,
keeps everything already read, and the pipeline checks, reports and stores that as an
``interrupted`` run (exit 130 for SIGINT, 143 for SIGTERM). A second signal gives up at
once. Capture loops poll :func:`requested`; the CLI installs the handlers
(:func:`handle_signals`). Decision: one process-wide flag rather than a token threaded
through every capture function, because a signal is process-wide too.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["Interrupted", "exit_code", "handle_signals", "request", "requested", "reset",
           "signal_name"]

_flag = threading.Event()
_signum: int | None = None


class Interrupted(Exception):
    """Raised where work cannot go on after a stop was requested (never for a first signal
    during capture, which just ends early)."""


def request(signum: int = signal.SIGINT) -> None:
    """Ask the run to stop (what the signal handlers do; tests call it directly)."""
    global _signum
    if _signum is None:
        _signum = signum
    _flag.set()


def requested() -> bool:
    """Whether a stop was requested: capture loops finish with what they have."""
    return _flag.is_set()


def reset() -> None:
    """Clear a previous request (a new run starts)."""
    global _signum
    _signum = None
    _flag.clear()


def signal_name() -> str | None:
    """``"SIGINT"`` / ``"SIGTERM"`` of the request, or None."""
    return signal.Signals(_signum).name if _signum is not None else None


def exit_code() -> int:
    """128 + the signal's number: 130 for SIGINT, 143 for SIGTERM (the shell convention)."""
    return 128 + (_signum if _signum is not None else signal.SIGINT)


@contextmanager
def handle_signals(announce: Callable[[str], None]) -> Iterator[None]:
    """SIGINT and SIGTERM ask the run to stop; a second one raises KeyboardInterrupt."""
    def handler(signum: int, _frame: object) -> None:
        if requested():
            raise KeyboardInterrupt
        request(signum)
        announce(f"{signal.Signals(signum).name}: finishing with what was captured so far "
                 "(send it again to quit at once)")

    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        for s in previous:
            signal.signal(s, handler)
    except ValueError:  # not the main thread: no handlers, the defaults apply
        yield
        return
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
