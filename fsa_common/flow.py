"""Flows: core logic that hands questions back to the driver.

A flow is a generator.  When it needs something only the application or
the host can answer, it yields an *effect* and receives the answer:

- :class:`HookCall`: call an application hook (password lookup, group
  check, custom cast).  The hook may be a plain function or, on async
  hosts, a coroutine function.
- :class:`BlockingCall`: run CPU-heavy library work (password hashing)
  where it will not stall the host, e.g. a worker thread under asyncio.

The flow's return value is the result.  Where the core can answer at
once, it may hand back the plain result instead of a flow.
:func:`run_sync` and :func:`run_async` are the two drivers, and accept
both; each adapter picks one and supplies
how hooks and blocking work are run on its host, so the logic is written
once.  Errors raised by a hook are thrown back into the flow, which may let
them propagate.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Awaitable, Callable, Generator
from types import GeneratorType
from typing import Any, TypeVar

T = TypeVar("T")


@dataclasses.dataclass(frozen=True, slots=True)
class HookCall:
    """Ask the driver to call application hook ``hook`` with ``args``."""

    name: str
    hook: Callable[..., Any]
    args: tuple[Any, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class BlockingCall:
    """Ask the driver to run ``fn(*args)``, a slow synchronous function."""

    fn: Callable[..., Any]
    args: tuple[Any, ...]


Effect = HookCall | BlockingCall
Flow = Generator[Effect, Any, T]


def _call(fn: Callable[..., Any], *args: Any) -> Any:
    return fn(*args)


def run_sync(
    flow: Flow[T] | T,
    call_hook: Callable[..., Any] = _call,
    call_blocking: Callable[..., Any] = _call,
) -> T:
    """Drive ``flow`` to completion with plain calls (a plain result is
    returned as is).

    :param call_hook: runs ``hook(*args)`` for a :class:`HookCall`.
    :param call_blocking: runs ``fn(*args)`` for a :class:`BlockingCall`.
    :return: the flow's result.
    :raises: whatever the flow raises.
    """
    if flow.__class__ is not GeneratorType:
        return flow  # type: ignore[return-value]

    send = flow.send
    try:
        effect = send(None)
        while True:
            try:
                if effect.__class__ is HookCall:
                    answer = call_hook(effect.hook, *effect.args)
                else:
                    answer = call_blocking(effect.fn, *effect.args)
            except BaseException as error:
                effect = flow.throw(error)
            else:
                effect = send(answer)
    except StopIteration as stop:
        return stop.value


async def run_async(
    flow: Flow[T] | T,
    call_hook: Callable[..., Awaitable[Any]],
    call_blocking: Callable[..., Awaitable[Any]],
) -> T:
    """Drive ``flow`` to completion, awaiting each effect (a plain result
    is returned as is).

    :param call_hook: awaitable runner of ``hook(*args)``; it decides how
        plain and coroutine hooks are run.
    :param call_blocking: awaitable runner of ``fn(*args)`` off the event
        loop.
    :return: the flow's result.
    :raises: whatever the flow raises.
    """
    if flow.__class__ is not GeneratorType:
        return flow  # type: ignore[return-value]

    send = flow.send
    try:
        effect = send(None)
        while True:
            try:
                if effect.__class__ is HookCall:
                    answer = await call_hook(effect.hook, *effect.args)
                else:
                    answer = await call_blocking(effect.fn, *effect.args)
            except BaseException as error:
                effect = flow.throw(error)
            else:
                effect = send(answer)
    except StopIteration as stop:
        return stop.value


def is_async_callable(fn: Any) -> bool:
    """Tell whether calling ``fn`` gives a coroutine: a coroutine function
    or an object whose ``__call__`` is one."""
    if inspect.iscoroutinefunction(fn):
        return True
    return inspect.iscoroutinefunction(type(fn).__dict__.get("__call__"))


def done(value: T) -> Flow[T]:
    """Return a flow that yields nothing and returns ``value``."""
    return value
    yield  # pragma: no cover
