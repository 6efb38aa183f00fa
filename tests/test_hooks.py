"""Hooks, the flow drivers that call them, and the caches around them.

The drivers are stepped with fake effects, without any framework; the
caches are then observed end to end by counting hook calls on both
backends.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest
from conftest import FAST_PASSWORDS, Backend, aw, basic

from fsa_common import (
    ALL,
    BlockingCall,
    Flow,
    Guard,
    HookCall,
    HookError,
    LRUCache,
    RequestState,
    SimpleRequest,
    run_async,
    run_sync,
)
from fsa_common.cache import MISSING
from fsa_common.flow import done

# --- the drivers, with fake effects -------------------------------------


def _double(n: int) -> int:
    return 2 * n


def _slow_upper(text: str) -> str:
    return text.upper()


def _two_effects() -> Flow[tuple[Any, Any]]:
    a = yield HookCall("double", _double, (21,))
    b = yield BlockingCall(_slow_upper, ("abc",))
    return a, b


def test_run_sync_default_calls() -> None:
    assert run_sync(_two_effects()) == (42, "ABC")


def test_run_sync_custom_runners() -> None:
    seen: list[tuple[str, Any]] = []

    def call_hook(fn: Callable[..., Any], *args: Any) -> Any:
        seen.append(("hook", args))
        return fn(*args) + 1

    def call_blocking(fn: Callable[..., Any], *args: Any) -> Any:
        seen.append(("blocking", args))
        return "<" + fn(*args) + ">"

    assert run_sync(_two_effects(), call_hook, call_blocking) == \
        (43, "<ABC>")
    assert seen == [("hook", (21,)), ("blocking", ("abc",))]


def test_run_sync_flow_without_effects() -> None:
    assert run_sync(done(7)) == 7
    assert run_sync(done(None)) is None


def _failing_hook(*args: Any) -> Any:
    raise KeyError("no such user")


def _catching_flow() -> Flow[str]:
    try:
        yield HookCall("lookup", _failing_hook, ("calvin",))
    except KeyError as error:
        recovered = yield HookCall("double", _double, (1,))
        return f"recovered {error.args[0]} {recovered}"
    return "not reached"


def _leaking_flow() -> Flow[str]:
    yield HookCall("lookup", _failing_hook, ("calvin",))
    return "not reached"


def _wrapping_flow() -> Flow[str]:
    try:
        yield HookCall("lookup", _failing_hook, ("calvin",))
    except KeyError as error:
        raise RuntimeError("wrapped") from error
    return "not reached"


def test_run_sync_throws_hook_error_into_flow() -> None:
    assert run_sync(_catching_flow()) == "recovered no such user 2"


def test_run_sync_hook_error_propagates() -> None:
    with pytest.raises(KeyError, match="no such user"):
        run_sync(_leaking_flow())


def test_run_sync_flow_may_replace_error() -> None:
    with pytest.raises(RuntimeError, match="wrapped") as info:
        run_sync(_wrapping_flow())
    assert isinstance(info.value.__cause__, KeyError)


def test_run_sync_blocking_error_thrown_into_flow() -> None:
    def broken(*args: Any) -> Any:
        raise OSError("disk")

    def flow() -> Flow[str]:
        try:
            yield BlockingCall(broken, ())
        except OSError:
            return "handled"
        return "not reached"

    assert run_sync(flow()) == "handled"


async def _async_double(n: int) -> int:
    await asyncio.sleep(0)
    return 2 * n


async def _await_hook(fn: Callable[..., Any], *args: Any) -> Any:
    answer = fn(*args)
    if asyncio.iscoroutine(answer):
        answer = await answer
    return answer


async def _in_thread(fn: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.to_thread(fn, *args)


def test_run_async_awaits_effects() -> None:
    def flow() -> Flow[tuple[Any, Any, Any]]:
        a = yield HookCall("double", _async_double, (4,))
        b = yield HookCall("double", _double, (5,))
        c = yield BlockingCall(_slow_upper, ("x",))
        return a, b, c

    result = asyncio.run(run_async(flow(), _await_hook, _in_thread))
    assert result == (8, 10, "X")


def test_run_async_throws_hook_error_into_flow() -> None:
    result = asyncio.run(run_async(_catching_flow(), _await_hook,
                                   _in_thread))
    assert result == "recovered no such user 2"


def test_run_async_hook_error_propagates() -> None:
    with pytest.raises(KeyError, match="no such user"):
        asyncio.run(run_async(_leaking_flow(), _await_hook, _in_thread))


def test_run_async_flow_without_effects() -> None:
    assert asyncio.run(run_async(done("x"), _await_hook, _in_thread)) == "x"


# --- the guard's hook effects, stepped by hand --------------------------

CORE = {"FSA_AUTH": "basic", "FSA_TOKEN_TYPE": None, **FAST_PASSWORDS}


def test_guard_login_effects() -> None:
    guard = Guard.from_mapping(CORE, "core")
    guard.hooks.get_user_pass = lambda user: "hobbes"
    req = SimpleRequest(headers=basic("calvin", "hobbes"))
    flow = guard.get_user(req, RequestState())
    effect = flow.send(None)
    assert isinstance(effect, HookCall)
    assert effect.name == "get_user_pass" and effect.args == ("calvin",)
    effect = flow.send("hobbes")
    assert isinstance(effect, BlockingCall)
    assert effect.args == ("hobbes", "hobbes")
    with pytest.raises(StopIteration) as stop:
        flow.send(True)
    assert stop.value.value == "calvin"


def test_guard_hook_error_thrown_back() -> None:
    guard = Guard.from_mapping(CORE, "core")
    guard.hooks.get_user_pass = lambda user: "hobbes"
    flow = guard.get_user(SimpleRequest(headers=basic("calvin", "x")),
                          RequestState())
    flow.send(None)
    with pytest.raises(HookError) as info:
        flow.throw(ConnectionError("database down"))
    assert isinstance(info.value.__cause__, ConnectionError)
    # the failed lookup was not cached
    assert guard.pass_cache.get("calvin") is MISSING


def test_guard_caches_skip_the_effect() -> None:
    guard = Guard.from_mapping(CORE, "core")
    guard.hooks.get_user_pass = lambda user: "hobbes"
    assert run_sync(guard.user_pass("calvin")) == "hobbes"
    flow = guard.user_pass("calvin")
    with pytest.raises(StopIteration) as stop:
        flow.send(None)
    assert stop.value.value == "hobbes"


def test_guard_group_cache() -> None:
    guard = Guard.from_mapping(CORE, "core")
    calls: list[tuple[str, Any]] = []

    def in_group(user: str, group: Any) -> bool:
        calls.append((user, group))
        return group == "admin"

    guard.hooks.user_in_group = in_group
    for _ in range(3):
        assert run_sync(guard.in_group("calvin", "admin")) is True
        assert run_sync(guard.in_group("calvin", 1)) is False
    assert calls == [("calvin", "admin"), ("calvin", 1)]
    guard.clear_caches()
    assert run_sync(guard.in_group("calvin", "admin")) is True
    assert len(calls) == 3


# --- LRUCache -----------------------------------------------------------


def test_lru_get_set() -> None:
    cache: LRUCache[str] = LRUCache(4)
    assert cache.get("a") is MISSING
    cache.set("a", "1")
    assert cache.get("a") == "1" and len(cache) == 1
    cache.set("a", "2")
    assert cache.get("a") == "2" and len(cache) == 1


def test_lru_evicts_least_recently_used() -> None:
    cache: LRUCache[int] = LRUCache(2)
    cache.set("a", 1)
    cache.set("b", 2)
    assert cache.get("a") == 1  # "b" is now the oldest
    cache.set("c", 3)
    assert cache.get("b") is MISSING
    assert cache.get("a") == 1 and cache.get("c") == 3
    assert len(cache) == 2


def test_lru_size_zero_keeps_nothing() -> None:
    cache: LRUCache[int] = LRUCache(0)
    cache.set("a", 1)
    assert cache.get("a") is MISSING and len(cache) == 0


def test_lru_unbounded() -> None:
    cache: LRUCache[int] = LRUCache(None)
    for i in range(3000):
        cache.set(i, i)
    assert len(cache) == 3000 and cache.get(0) == 0


def test_lru_pop_and_clear() -> None:
    cache: LRUCache[int] = LRUCache(8)
    cache.set("a", 1)
    cache.set("b", 2)
    cache.pop("a")
    cache.pop("missing")
    assert cache.get("a") is MISSING and cache.get("b") == 2
    cache.clear()
    assert len(cache) == 0 and cache.get("b") is MISSING


def test_lru_caches_false_values() -> None:
    cache: LRUCache[bool] = LRUCache(8)
    cache.set("k", False)
    assert cache.get("k") is False


def test_lru_threads_keep_the_bound() -> None:
    cache: LRUCache[int] = LRUCache(50)

    def work(base: int) -> None:
        for i in range(500):
            cache.set((base, i), i)
            cache.get((base, i // 2))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert not any(t.is_alive() for t in threads)
    assert len(cache) == 50


# --- caches end to end --------------------------------------------------


class Directory:
    """Users and groups, counting hook calls."""

    def __init__(self) -> None:
        self.passwords = {"calvin": "hobbes", "susie": "derkins"}
        self.groups = {"admin": {"calvin"}}
        self.pass_calls: list[str] = []
        self.group_calls: list[tuple[str, Any]] = []

    def get_user_pass(self, user: str) -> str | None:
        self.pass_calls.append(user)
        return self.passwords.get(user)

    def user_in_group(self, user: str, group: Any) -> bool:
        self.group_calls.append((user, group))
        return user in self.groups.get(group, set())


def _app(backend: Backend, directory: Directory, **config: Any) -> Any:
    app = backend.app(**{"FSA_AUTH": "basic", "FSA_TOKEN_TYPE": None,
                         **FAST_PASSWORDS, **config})
    app.get_user_pass(directory.get_user_pass)
    app.user_in_group(directory.user_in_group)

    @app.get("/all", authorize=ALL)
    async def everyone() -> str:
        return f"all:{await aw(app.get_user())}"

    @app.get("/admin", authorize="admin")
    async def admin() -> str:
        return "admin"

    return app


def test_password_lookup_is_cached(backend: Backend) -> None:
    users = Directory()
    client = backend.client(_app(backend, users))
    for _ in range(4):
        r = client.get("/all", headers=basic("calvin", "hobbes"))
        assert r.status == 200 and r.text == "all:calvin"
    assert users.pass_calls == ["calvin"]


def test_wrong_password_uses_cached_lookup(backend: Backend) -> None:
    users = Directory()
    client = backend.client(_app(backend, users))
    assert client.get("/all", headers=basic("calvin", "x")).status == 401
    assert client.get("/all", headers=basic("calvin", "hobbes")
                      ).status == 200
    assert client.get("/all", headers=basic("calvin", "y")).status == 401
    assert users.pass_calls == ["calvin"]


def test_group_check_is_cached(backend: Backend) -> None:
    users = Directory()
    client = backend.client(_app(backend, users))
    for _ in range(3):
        assert client.get("/admin", headers=basic("calvin", "hobbes")
                          ).status == 200
        assert client.get("/admin", headers=basic("susie", "derkins")
                          ).status == 403
    assert users.group_calls == [("calvin", "admin"), ("susie", "admin")]


def test_cache_size_zero_disables_caches(backend: Backend) -> None:
    users = Directory()
    client = backend.client(_app(backend, users, FSA_CACHE_SIZE=0))
    for _ in range(3):
        assert client.get("/admin", headers=basic("calvin", "hobbes")
                          ).status == 200
    assert users.pass_calls == ["calvin"] * 3
    assert users.group_calls == [("calvin", "admin")] * 3


@pytest.mark.parametrize(("size", "calls"), [
    pytest.param(1, 3, id="size-1-evicts"),
    pytest.param(2, 2, id="size-2-keeps"),
    pytest.param(None, 2, id="unbounded"),
])
def test_cache_size_bounds(backend: Backend, size: int | None,
                           calls: int) -> None:
    users = Directory()
    client = backend.client(_app(backend, users, FSA_CACHE_SIZE=size))
    for user in ("calvin", "susie", "calvin"):
        pw = users.passwords[user]
        assert client.get("/all", headers=basic(user, pw)).status == 200
    assert len(users.pass_calls) == calls


def test_clear_caches_asks_again(backend: Backend) -> None:
    users = Directory()
    app = _app(backend, users)
    client = backend.client(app)
    assert client.get("/admin", headers=basic("calvin", "hobbes")
                      ).status == 200
    app.clear_caches()
    assert client.get("/admin", headers=basic("calvin", "hobbes")
                      ).status == 200
    assert users.pass_calls == ["calvin", "calvin"]
    assert users.group_calls == [("calvin", "admin")] * 2


def test_clear_caches_before_first_request(backend: Backend) -> None:
    app = _app(backend, Directory())
    app.clear_caches()
    r = backend.client(app).get("/all", headers=basic("calvin", "hobbes"))
    assert r.status == 200


def test_changed_password_needs_clear_caches(backend: Backend) -> None:
    users = Directory()
    app = _app(backend, users)
    client = backend.client(app)
    assert client.get("/all", headers=basic("calvin", "hobbes")
                      ).status == 200
    users.passwords["calvin"] = "tiger"
    # the cached password still rules until the caches are cleared
    assert client.get("/all", headers=basic("calvin", "hobbes")
                      ).status == 200
    app.clear_caches()
    assert client.get("/all", headers=basic("calvin", "hobbes")
                      ).status == 401
    assert client.get("/all", headers=basic("calvin", "tiger")
                      ).status == 200


def test_changed_group_needs_clear_caches(backend: Backend) -> None:
    users = Directory()
    app = _app(backend, users)
    client = backend.client(app)
    headers = basic("susie", "derkins")
    assert client.get("/admin", headers=headers).status == 403
    users.groups["admin"].add("susie")
    assert client.get("/admin", headers=headers).status == 403
    app.clear_caches()
    assert client.get("/admin", headers=headers).status == 200


def test_unknown_user_is_not_cached(backend: Backend) -> None:
    users = Directory()
    client = backend.client(_app(backend, users))
    headers = basic("newbie", "secret")
    assert client.get("/all", headers=headers).status == 401
    users.passwords["newbie"] = "secret"
    r = client.get("/all", headers=headers)
    assert r.status == 200 and r.text == "all:newbie"
    assert users.pass_calls == ["newbie", "newbie"]


def test_async_hooks_are_cached(backend: Backend) -> None:
    users = Directory()
    app = _app(backend, users)

    @app.get_user_pass
    async def get_user_pass(user: str) -> str | None:
        return users.get_user_pass(user)

    @app.user_in_group
    async def user_in_group(user: str, group: Any) -> bool:
        return users.user_in_group(user, group)

    client = backend.client(app)
    for _ in range(3):
        assert client.get("/admin", headers=basic("calvin", "hobbes")
                          ).status == 200
    assert users.pass_calls == ["calvin"]
    assert users.group_calls == [("calvin", "admin")]


def test_hook_exception_is_not_cached(backend: Backend) -> None:
    users = Directory()
    app = _app(backend, users)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    failures = [True]

    def flaky(user: str) -> str | None:
        if failures and failures.pop():
            raise ConnectionError("database down")
        return users.get_user_pass(user)

    app.get_user_pass(flaky)
    client = backend.client(app)
    r = client.get("/all", headers=basic("calvin", "hobbes"))
    assert r.status == 500
    r = client.get("/all", headers=basic("calvin", "hobbes"))
    assert r.status == 200 and users.pass_calls == ["calvin"]
