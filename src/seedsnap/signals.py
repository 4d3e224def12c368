"""Ctrl-C and SIGTERM held back while a step that must not stop halfway runs.

A load's COMMIT may complete after an interrupt stopped the client waiting for it, and a
snapshot's swap into place has a moment between two renames when the old snapshot is aside;
either, cut short, would report a failure for a change that was made, or lose a snapshot.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

HELD = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def held() -> Iterator[list[int]]:
    """Hold back the first Ctrl-C or SIGTERM until the block is over, and yield the list
    of the signals held (the caller says what it let finish); a second one is not held: it
    does what it would have done without the block. Signals are only handled by the main
    thread, so elsewhere this holds nothing."""
    came: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield came
        return
    before: dict[int, object] = {}

    def hold(signum: int, frame: FrameType | None) -> None:
        if not came:
            came.append(signum)
            return
        for s, handler in before.items():
            signal.signal(s, handler)  # type: ignore[arg-type]
        handler = before[signum]
        if callable(handler):
            handler(signum, frame)
        else:
            os.kill(os.getpid(), signum)  # the default action (or none, if ignored)

    # A signal the process ignores stays ignored: there is nothing to hold back.
    before = {s: signal.signal(s, hold) for s in HELD if signal.getsignal(s) is not signal.SIG_IGN}
    try:
        yield came
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)  # type: ignore[arg-type]


def end_by_signal(stopped_by: list[int]) -> None:
    """End the process by the first signal in ``stopped_by`` (the one that stopped its
    command), if any: an exit hook of the process's entry point, run after every clean-up.

    How a program that catches Ctrl-C to clean up should end: a calling shell then stops its
    own script or loop too (bash carries on after a child that exits 130, taking it for one
    that read Ctrl-C as a key of its own), and its $? is still 130 or 143.
    """
    if not stopped_by:
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    signal.signal(stopped_by[0], signal.SIG_DFL)
    signal.raise_signal(stopped_by[0])  # delivered before it returns, to this thread
