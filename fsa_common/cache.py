"""Memoization: the bounded caches of the core and :class:`CacheOK`.

The core caches password lookups, group checks and token checks in
:class:`LRUCache` instances.  Caching lives in the core, around the effect
that calls the hook, so plain and ``async`` hooks are cached the same way.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

V = TypeVar("V")
MISSING: Any = object()


class LRUCache(Generic[V]):
    """A thread-safe least-recently-used cache.

    :param size: the number of entries kept; 0 keeps nothing, None keeps
        everything.
    """

    def __init__(self, size: int | None) -> None:
        self.size = size
        self._data: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        # bumped by clear(): an answer asked for before a clear is stale
        self.generation = 0

    def get(self, key: Hashable) -> V:
        """Return the cached value, or :data:`MISSING`."""
        # no lock: each OrderedDict operation is atomic, and a key removed
        # by another thread in between only makes move_to_end fail
        data = self._data
        value = data.get(key, MISSING)
        if value is not MISSING and self.size is not None:
            try:
                data.move_to_end(key)
            except KeyError:
                pass

        return value

    def set(self, key: Hashable, value: V,
            generation: int | None = None) -> None:
        """Store ``value``, dropping the least recently used if full.

        :param generation: the :attr:`generation` read before asking for
            ``value``; if the cache was cleared since, the value may be
            out of date and is not kept.
        """
        if self.size == 0:
            return

        with self._lock:
            if generation is not None and generation != self.generation:
                return
            self._data[key] = value
            if self.size is not None and len(self._data) > self.size:
                self._data.popitem(last=False)

    def pop(self, key: Hashable) -> None:
        """Forget ``key`` if present."""
        with self._lock:
            self._data.pop(key, None)

    def clear(self) -> None:
        """Forget everything, including answers being asked for now."""
        with self._lock:
            self.generation += 1
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


def CacheOK(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate ``fn`` so that its true answers are remembered.

    False answers are not kept: the next call asks again.  Works on plain
    and ``async`` functions of hashable positional arguments.  The wrapper
    has a ``cache_clear()`` method.
    """
    known: dict[Hashable, Any] = {}

    if inspect.iscoroutinefunction(fn):
        @functools.wraps(fn)
        async def awrapper(*args: Any) -> Any:
            answer = known.get(args, MISSING)
            if answer is MISSING:
                answer = await fn(*args)
                if answer:
                    known[args] = answer
            return answer

        awrapper.cache_clear = known.clear  # type: ignore[attr-defined]
        return awrapper

    @functools.wraps(fn)
    def wrapper(*args: Any) -> Any:
        answer = known.get(args, MISSING)
        if answer is MISSING:
            answer = fn(*args)
            if answer:
                known[args] = answer
        return answer

    wrapper.cache_clear = known.clear  # type: ignore[attr-defined]
    return wrapper
