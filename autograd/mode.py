"""Grad mode: whether ops record the graph. Context-local, so threads and tasks never leak it."""

from __future__ import annotations

import contextvars
import functools
from typing import Any, Callable, TypeVar

_recording = contextvars.ContextVar("chainrule_grad_enabled", default=True)
F = TypeVar("F", bound=Callable[..., Any])


def is_grad_enabled() -> bool:
    """True when ops record their inputs (the default)."""
    return _recording.get()


class _GradMode:
    """Set grad mode inside a ``with`` block or a decorated function, then restore it."""

    enabled: bool

    def __init__(self) -> None:
        self._tokens: list[contextvars.Token[bool]] = []  # a stack, so one instance can nest

    def __enter__(self) -> None:
        self._tokens.append(_recording.set(self.enabled))

    def __exit__(self, *exc: object) -> None:
        _recording.reset(self._tokens.pop())

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with type(self)():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradMode):
    """Ops inside record no history: results are plain leaves (evaluation, optimizer steps)."""

    enabled = False


class enable_grad(_GradMode):
    """Turn recording back on inside a ``no_grad`` block."""

    enabled = True
