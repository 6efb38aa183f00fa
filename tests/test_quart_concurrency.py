"""Quart under a real hypercorn server on loopback: slow hooks and
password hashing must not stall the event loop.

Each test serves its own application from a thread running its own event
loop, on a socket bound to a free loopback port, and talks to it with
``httpx.AsyncClient``.  Timings are wall-clock, so the thresholds leave
a wide margin over the expected values.
"""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from conftest import FAST_PASSWORDS, basic

hypercorn_asyncio = pytest.importorskip("hypercorn.asyncio")
hypercorn_config = pytest.importorskip("hypercorn.config")
fsa_quart = pytest.importorskip("fsa_quart")

PASSWORD = "correct-horse"
HOOK_DELAY = 0.05  # seconds each async group check sleeps
BLOCKING_DELAY = 0.2  # seconds the plain password hook blocks


@dataclasses.dataclass
class Server:
    """A running server: its base URL and the thread of its loop."""

    url: str
    thread: threading.Thread


def _wait_ready(url: str, server: threading.Thread) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and server.is_alive():
        try:
            httpx.get(url + "/ping", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)

    raise AssertionError(f"hypercorn did not answer on {url}")


@contextmanager
def serving(app: Any) -> Iterator[Server]:
    """Serve ``app`` with hypercorn on 127.0.0.1 until the block ends.

    The socket is bound here, on port 0, and handed to hypercorn by file
    descriptor, so no other process can take the port in between.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = hypercorn_config.Config()
    config.bind = [f"fd://{sock.detach()}"]
    config.graceful_timeout = 2.0

    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    main = hypercorn_asyncio.serve(app, config, shutdown_trigger=stop.wait)
    thread = threading.Thread(target=loop.run_until_complete, args=(main,),
                              name="hypercorn-test", daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_ready(url, thread)
        yield Server(url, thread)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=10)
        if not thread.is_alive():
            loop.close()


def _app(**config: Any) -> Any:
    """A Quart app with a public /ping and the given configuration."""
    app = fsa_quart.Quart("concurrency")
    app.config.update(FSA_AUTH="basic", FSA_TOKEN_TYPE=None,
                      FSA_CACHE_SIZE=0, **config)

    @app.get("/ping", authorize="ANY")
    async def ping() -> str:
        return "pong"

    return app


async def _burst(url: str, count: int, headers: dict[str, str]
                 ) -> tuple[float, list[int]]:
    """Send ``count`` GET requests at once: (wall time, statuses)."""
    limits = httpx.Limits(max_connections=count)
    async with httpx.AsyncClient(timeout=20, limits=limits) as client:
        start = time.monotonic()
        answers = await asyncio.gather(
            *(client.get(url, headers=headers) for _ in range(count)))
        elapsed = time.monotonic() - start

    return elapsed, [a.status_code for a in answers]


async def _ping_during(url: str, slow_path: str, count: int,
                       headers: dict[str, str], head_start: float
                       ) -> tuple[float, int, int, list[int]]:
    """Start ``count`` slow requests, then time a ping while they run.

    :return: (ping time, ping status, slow requests still in flight when
        the ping was answered, statuses of the slow requests).
    """
    async with httpx.AsyncClient(timeout=20) as client:
        slow = [asyncio.create_task(client.get(url + slow_path,
                                               headers=headers))
                for _ in range(count)]
        await asyncio.sleep(head_start)
        start = time.monotonic()
        ping = await client.get(url + "/ping")
        elapsed = time.monotonic() - start
        in_flight = sum(not task.done() for task in slow)
        answers = await asyncio.gather(*slow)

    return elapsed, ping.status_code, in_flight, \
        [a.status_code for a in answers]


def test_quart_async_group_hook_calls_overlap() -> None:
    app = _app(**FAST_PASSWORDS)
    groups: list[str] = []

    @app.get_user_pass
    async def get_user_pass(user: str) -> str | None:
        return PASSWORD if user == "alice" else None

    @app.user_in_group
    async def user_in_group(user: str, group: str) -> bool:
        groups.append(group)
        await asyncio.sleep(HOOK_DELAY)
        return group == "users"

    @app.get("/users", authorize="users")
    async def users() -> str:
        return "hello users"

    count = 50
    with serving(app) as server:
        elapsed, statuses = asyncio.run(
            _burst(server.url + "/users", count, basic("alice", PASSWORD)))

    assert statuses == [200] * count, statuses
    # the cache is off: the hook really ran for every request
    assert groups == ["users"] * count
    serial = count * HOOK_DELAY
    assert elapsed < serial / 2, \
        f"{count} requests took {elapsed:.3f}s, serial would be {serial}s"
    print(f"{count} group checks of {HOOK_DELAY}s: {elapsed:.3f}s")


def test_quart_bcrypt_checks_leave_the_loop_free() -> None:
    pytest.importorskip("bcrypt")
    app = _app(FSA_PASSWORD_SCHEME="bcrypt",
               FSA_PASSWORD_OPTIONS={"bcrypt__default_rounds": 12})

    async def make_hash() -> str:
        async with app.app_context():
            return await app.hash_password(PASSWORD)

    stored = asyncio.run(make_hash())
    assert stored.startswith("$2b$12$")

    @app.get_user_pass
    async def get_user_pass(user: str) -> str | None:
        return stored if user == "alice" else None

    @app.get("/login", authorize="ALL")
    async def login() -> str:
        return "logged in"

    count = 20
    start = time.monotonic()
    with serving(app) as server:
        elapsed, status, in_flight, statuses = asyncio.run(_ping_during(
            server.url, "/login", count, basic("alice", PASSWORD), 0.3))
    total = time.monotonic() - start

    assert statuses == [200] * count, statuses
    assert status == 200
    assert elapsed < 0.5, \
        f"ping took {elapsed:.3f}s while bcrypt logins were in flight"
    assert in_flight > 0, "logins ended before the ping: nothing proven"
    assert total < 30
    print(f"ping {elapsed:.3f}s with {in_flight}/{count} bcrypt logins in "
          f"flight; test {total:.1f}s")


def test_quart_blocking_password_hook_runs_in_a_thread() -> None:
    app = _app(**FAST_PASSWORDS)
    threads: list[threading.Thread] = []

    @app.get_user_pass
    def get_user_pass(user: str) -> str | None:
        threads.append(threading.current_thread())
        time.sleep(BLOCKING_DELAY)
        return PASSWORD if user == "alice" else None

    @app.get("/slow", authorize="ALL")
    async def slow() -> str:
        return "finally"

    count = 3
    with serving(app) as server:
        elapsed, status, in_flight, statuses = asyncio.run(_ping_during(
            server.url, "/slow", count, basic("alice", PASSWORD), 0.05))
        loop_thread = server.thread

    assert statuses == [200] * count, statuses
    assert status == 200
    assert len(threads) == count
    assert loop_thread not in threads
    assert elapsed < BLOCKING_DELAY * 0.75, \
        f"ping took {elapsed:.3f}s during a {BLOCKING_DELAY}s blocking hook"
    assert in_flight > 0, "slow requests ended before the ping"
    print(f"ping {elapsed:.3f}s during {count} blocking hooks")
