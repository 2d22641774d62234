"""Running a learner's code apart from the checker, with a time limit.

``run_apart(work, timeout)`` calls ``work(progress)`` in a forked child process (in a thread where
the system cannot fork) and returns what happened: ``Done`` with its result, ``Raised`` with the
exception and its traceback, or ``TimedOut`` with the phase it was in (a child is then killed; a
thread cannot be, so it is left running, which only an engine that never returns costs). ``work``
calls ``progress(phase)`` as it goes, so a timeout can say where it stopped. In a child, nothing the
learner's code does (printing, raising, looping forever, ending the process) reaches the checker.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

Progress = Callable[[str], None]
Work = Callable[[Progress], Any]
TRACEBACK_LINES = 40  # the end of a long traceback (a RecursionError's) is where the learner looks
CAN_FORK = "fork" in multiprocessing.get_all_start_methods()
_CHECKER_FOLDER = os.path.dirname(os.path.abspath(__file__))


@dataclass(frozen=True)
class Done:
    """``work`` returned ``value``."""

    value: Any


@dataclass(frozen=True)
class Raised:
    """``work`` raised ``error`` (its type and message) during ``phase``; ``traceback`` shows where."""

    phase: str
    error: str
    traceback: str


@dataclass(frozen=True)
class TimedOut:
    """``work`` was still in ``phase`` when its time ran out."""

    phase: str


Outcome = Done | Raised | TimedOut


def run_apart(work: Work, timeout: float, fork: bool = CAN_FORK) -> Outcome:
    """What ``work(progress)`` does within ``timeout`` seconds, run in a child process (or a thread)."""
    return _in_child(work, timeout) if fork else _in_thread(work, timeout)


def error_text(error: BaseException) -> str:
    """``TypeError: unsupported operand ...``: an exception's type and message on one line."""
    message = str(error).strip().splitlines()
    return f"{type(error).__name__}: {message[0]}" if message else type(error).__name__


def _outcome(work: Work, progress: Progress, phase: list[str]) -> Done | Raised:
    try:
        return Done(work(progress))
    except BaseException as error:  # noqa: BLE001 - everything the learner's code raises is a finding
        return Raised(phase[0], error_text(error), traceback_text(error))


def traceback_text(error: BaseException) -> str:
    """The traceback from the checker's last line (the call into the learner's code), cut to its end."""
    summary = traceback.TracebackException.from_exception(error)
    frames = list(summary.stack)
    first = next((i for i, frame in enumerate(frames) if not _in_checker(frame.filename)), len(frames))
    for frame in frames:  # lines are read already; the paths are shortened for the reader
        frame.filename = _short_path(frame.filename)
    summary.stack = traceback.StackSummary.from_list(frames[max(first - 1, 0) :])
    lines = "".join(summary.format()).splitlines()
    return "\n".join(lines[-TRACEBACK_LINES:])


def _short_path(filename: str) -> str:
    """A file's path from the folder on ``sys.path`` that holds it (``micrograd/engine.py``), else as it is."""
    folders = sorted({os.path.abspath(folder or os.curdir) for folder in sys.path}, key=len, reverse=True)
    return next((os.path.relpath(filename, folder) for folder in folders
                 if filename.startswith(folder + os.sep)), filename)  # fmt: skip


def _in_checker(filename: str) -> bool:
    """Whether a frame runs the checker's own code (autograd/reference*.py)."""
    folder, name = os.path.split(os.path.abspath(filename))
    return folder == _CHECKER_FOLDER and name.startswith("reference")


def _in_child(work: Work, timeout: float) -> Outcome:
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(work, sender), daemon=True)
    process.start()
    sender.close()
    phase, deadline = "start", time.monotonic() + timeout
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0.0 or not receiver.poll(remaining):
                return TimedOut(phase)
            try:
                message = receiver.recv()
            except EOFError:  # the learner's code ended the process (os._exit, a crash in C)
                process.join()
                return Raised(phase, f"the process ended with exit code {process.exitcode}", "")
            if not isinstance(message, str):
                return message  # type: ignore[no-any-return]
            phase = message
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()


def _child(work: Work, sender: Connection) -> None:
    sys.stdout = sys.stderr = io.StringIO()  # the learner's prints stay in the child
    phase = ["start"]

    def progress(now: str) -> None:
        phase[0] = now
        sender.send(now)

    sender.send(_outcome(work, progress, phase))


def _in_thread(work: Work, timeout: float) -> Outcome:
    phase: list[str] = ["start"]
    box: list[Done | Raised] = []

    def progress(now: str) -> None:
        phase[0] = now

    thread = threading.Thread(target=lambda: box.append(_outcome(work, progress, phase)), daemon=True)
    thread.start()
    thread.join(timeout)
    return box[0] if box else TimedOut(phase[0])
