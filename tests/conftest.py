"""The backend matrix: every behaviour test runs on Flask and on Quart.

A test takes the ``backend`` fixture, builds its application with
``backend.app(**config)``, declares views as ``async def`` using
``await aw(...)`` around the library calls that are coroutines on Quart
only (``get_user``, ``create_token``...), and talks to it through
``backend.client(app)``, a synchronous client with one interface for both
frameworks.
"""

from __future__ import annotations

import asyncio
import base64
import inspect
import json as jsonlib
from collections.abc import Iterator
from typing import Any

import pytest

BACKENDS = ("flask", "quart")
# cheap hashing for tests: plaintext keeps password checks instant
FAST_PASSWORDS = {"FSA_PASSWORD_SCHEME": "plaintext",
                  "FSA_PASSWORD_OPTIONS": {}}


async def aw(value: Any) -> Any:
    """Await ``value`` if it is awaitable (Quart), else return it."""
    if inspect.isawaitable(value):
        return await value
    return value


class Answer:
    """A response, the same for both backends."""

    def __init__(self, status: int, data: bytes, headers: Any) -> None:
        self.status = status
        self.status_code = status
        self.data = data
        self.headers = headers

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", "replace")

    @property
    def json(self) -> Any:
        return jsonlib.loads(self.data)

    def cookies(self) -> list[str]:
        """The ``Set-Cookie`` header values."""
        return self.headers.getlist("Set-Cookie")

    def __repr__(self) -> str:
        return f"<Answer {self.status} {self.data[:80]!r}>"


def basic(user: str, password: str) -> dict[str, str]:
    """An ``Authorization: Basic`` header (UTF-8)."""
    raw = f"{user}:{password}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def bearer(token: str) -> dict[str, str]:
    """An ``Authorization: Bearer`` header."""
    return {"Authorization": "Bearer " + token}


class Client:
    """A synchronous test client over either framework.

    Keywords of :meth:`open`: ``query`` (dict), ``form`` (dict), ``json``,
    ``data`` (raw body, with ``content_type``), ``headers``, ``cookies``
    (dict, sent as a Cookie header), ``remote_user``, ``remote_addr``.
    """

    def __init__(self, backend: Backend, app: Any) -> None:
        self.backend = backend
        self.app = app
        # werkzeug's cookie jar would drop the Cookie header we send
        self.raw = app.test_client(use_cookies=False) \
            if backend.name == "flask" else app.test_client()
        self.loop = backend.loop

    def open(self, method: str, path: str, *, query: Any = None,
             form: Any = None, json: Any = None, data: Any = None,
             content_type: str | None = None,
             headers: dict[str, str] | None = None,
             cookies: dict[str, str] | None = None,
             remote_user: str | None = None,
             remote_addr: str = "127.0.0.1") -> Answer:
        headers = dict(headers or {})
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}"
                                          for k, v in cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        if self.backend.name == "flask":
            return self._flask(method, path, query, form, json, data,
                               headers, remote_user, remote_addr)
        return self.loop.run_until_complete(self._quart(
            method, path, query, form, json, data, headers, remote_user,
            remote_addr))

    def _flask(self, method: str, path: str, query: Any, form: Any,
               json: Any, data: Any, headers: dict[str, str],
               remote_user: str | None, remote_addr: str) -> Answer:
        environ = {"REMOTE_ADDR": remote_addr}
        if remote_user is not None:
            environ["REMOTE_USER"] = remote_user
        kwargs: dict[str, Any] = {"query_string": query,
                                  "headers": headers,
                                  "environ_base": environ}
        if json is not None:
            kwargs["json"] = json
        elif form is not None:
            kwargs["data"] = form
        elif data is not None:
            kwargs["data"] = data
        r = self.raw.open(path, method=method, **kwargs)
        return Answer(r.status_code, r.get_data(), r.headers)

    async def _quart(self, method: str, path: str, query: Any, form: Any,
                     json: Any, data: Any, headers: dict[str, str],
                     remote_user: str | None, remote_addr: str) -> Answer:
        scope: dict[str, Any] = {"client": (remote_addr, 12345)}
        if remote_user is not None:
            scope["remote_user"] = remote_user
        kwargs: dict[str, Any] = {"query_string": query,
                                  "headers": headers, "scope_base": scope}
        if json is not None:
            kwargs["json"] = json
        elif form is not None:
            kwargs["form"] = form
        elif data is not None:
            kwargs["data"] = data
        r = await self.raw.open(path, method=method, **kwargs)
        return Answer(r.status_code, await r.get_data(), r.headers)

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.open("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Answer:
        return self.open("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Answer:
        return self.open("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Answer:
        return self.open("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Answer:
        return self.open("DELETE", path, **kwargs)

    def options(self, path: str, **kwargs: Any) -> Answer:
        return self.open("OPTIONS", path, **kwargs)


class Backend:
    """One framework under test: its module and how to build apps."""

    def __init__(self, name: str) -> None:
        self.name = name
        if name == "flask":
            import fsa_flask as module
            self.App = module.Flask
            self.Extension = module.FlaskSimpleAuth
            import flask as framework
            self.Plain = framework.Flask
        else:
            import fsa_quart as module
            self.App = module.Quart
            self.Extension = module.QuartSimpleAuth
            import quart as framework
            self.Plain = framework.Quart
        self.module = module
        self.framework = framework
        self.Blueprint = module.Blueprint
        self.loop = asyncio.new_event_loop()

    def app(self, name: str = "test", **config: Any) -> Any:
        """A new application of this backend with ``config`` set."""
        app = self.App(name)
        app.config.update(TESTING=True, **config)
        return app

    def client(self, app: Any) -> Client:
        """A synchronous client of ``app``."""
        return Client(self, app)

    def run(self, value: Any) -> Any:
        """Resolve ``value``: await it on Quart, return it on Flask."""
        if inspect.isawaitable(value):
            return self.loop.run_until_complete(aw(value))
        return value

    def close(self) -> None:
        self.loop.close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """Each backend in turn."""
    b = Backend(request.param)
    yield b
    b.close()
