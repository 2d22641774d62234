"""Grad mode: whether ops record the graph. Context-local, so threads and tasks never leak it."""

from __future__ import annotations

import contextvars
import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

_recording = contextvars.ContextVar("chainrule_grad_enabled", default=True)
_saved: contextvars.ContextVar[tuple[bool, ...]] = contextvars.ContextVar("chainrule_saved_modes", default=())
F = TypeVar("F", bound=Callable[..., Any])


def is_grad_enabled() -> bool:
    """True when ops record their inputs (the default)."""
    return _recording.get()


class _GradMode:
    """Set grad mode inside a ``with`` block or a decorated function, then restore it.

    The mode to restore is kept in the context that entered, not on the instance: one instance
    may be entered by several threads or asyncio tasks at once, and each gets its own mode back.
    A decorated generator or coroutine runs in this mode each time it resumes, and the caller's
    mode returns each time it yields or awaits, as in PyTorch.
    """

    enabled: bool

    def __enter__(self) -> None:
        _saved.set((*_saved.get(), _recording.get()))
        _recording.set(self.enabled)

    def __exit__(self, *exc: object) -> None:
        *outer, previous = _saved.get()
        _saved.set(tuple(outer))
        _recording.set(previous)

    def __call__(self, fn: F) -> F:
        mode = type(self)
        if inspect.isasyncgenfunction(fn):
            return _async_generator(fn, mode)  # type: ignore[return-value]
        if inspect.isgeneratorfunction(fn):
            return _generator(fn, mode)  # type: ignore[return-value]
        if inspect.iscoroutinefunction(fn):
            @functools.wraps(fn)
            async def coroutine(*args: Any, **kwargs: Any) -> Any:
                with mode():
                    return await fn(*args, **kwargs)

            return coroutine  # type: ignore[return-value]

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with mode():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def _generator(fn: Callable[..., Any], mode: type[_GradMode]) -> Callable[..., Any]:
    """A generator function whose body runs in ``mode`` whenever it runs, never while suspended."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with mode():
            generator = fn(*args, **kwargs)
        try:
            with mode():
                item = generator.send(None)
            while True:
                try:
                    sent = yield item
                except GeneratorExit:
                    with mode():
                        generator.close()
                    raise
                except BaseException as error:  # noqa: BLE001 - thrown in by the caller: the body handles it, in mode
                    with mode():
                        item = generator.throw(error)
                else:
                    with mode():
                        item = generator.send(sent)
        except StopIteration as stop:
            return stop.value

    return wrapper


def _async_generator(fn: Callable[..., Any], mode: type[_GradMode]) -> Callable[..., Any]:
    """An async generator function whose body runs in ``mode`` whenever it runs."""

    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        with mode():
            generator = fn(*args, **kwargs)
        try:
            with mode():
                item = await generator.asend(None)
            while True:
                try:
                    sent = yield item
                except GeneratorExit:
                    with mode():
                        await generator.aclose()
                    raise
                except BaseException as error:  # noqa: BLE001 - as above
                    with mode():
                        item = await generator.athrow(error)
                else:
                    with mode():
                        item = await generator.asend(sent)
        except StopAsyncIteration:
            return

    return wrapper


class no_grad(_GradMode):
    """Ops inside record no history: results are plain leaves (evaluation, optimizer steps)."""

    enabled = False


class enable_grad(_GradMode):
    """Turn recording back on inside a ``no_grad`` block."""

    enabled = True
