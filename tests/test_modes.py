"""Authentication modes: lazy, always and all, with FSA_SKIP_PATH.

Core tests drive :meth:`Guard.before_request` and :meth:`Guard.get_user`
on hand-built requests; behaviour tests run on Flask and on Quart.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import FAST_PASSWORDS, Backend, aw, basic

from fsa_common import (
    AuthError,
    BadAuthError,
    Guard,
    NoAuthError,
    RequestState,
    SimpleRequest,
    run_sync,
)

SECRET = "mode-tests-secret-0123456789abcdef"
USERS = {"calvin": "hobbes", "susie": "derkins"}
GOOD = basic("calvin", "hobbes")
BAD = basic("calvin", "tiger")


# --- helpers ---------------------------------------------------------------


def make_guard(**config: Any) -> Guard:
    """A guard over USERS with basic logins."""
    mapping = {"FSA_AUTH": "basic", "FSA_TOKEN_SECRET": SECRET,
               **FAST_PASSWORDS, **config}
    guard = Guard.from_mapping(mapping, "test")
    guard.hooks.get_user_pass = USERS.get
    return guard


def before(guard: Guard, path: str = "/x", method: str = "GET",
           headers: dict[str, str] | None = None
           ) -> tuple[SimpleRequest, RequestState]:
    """Run the before-request flow; return the request and its state."""
    req = SimpleRequest(method=method, path=path, headers=headers or {})
    state = RequestState()
    run_sync(guard.before_request(req, state))
    return req, state


def make_app(backend: Backend, calls: list[str] | None = None,
             **config: Any) -> Any:
    """An app with ANY and ALL routes on plain and /pub/ paths.

    Each password lookup is appended to ``calls`` when given.
    """
    settings = {"FSA_AUTH": "basic", "FSA_TOKEN_SECRET": SECRET,
                "FSA_CACHE_SIZE": 0, **FAST_PASSWORDS, **config}
    app = backend.app(**settings)

    @app.get_user_pass
    def get_user_pass(user: str) -> str | None:
        if calls is not None:
            calls.append(user)
        return USERS.get(user)

    @app.get("/any", authorize="ANY")
    async def any_route() -> str:
        return "any"

    @app.get("/all", authorize="ALL")
    async def all_route() -> str:
        return await aw(app.get_user())

    @app.get("/pub/any", authorize="ANY")
    async def pub_any() -> str:
        return "pub-any"

    @app.get("/pub/all", authorize="ALL")
    async def pub_all() -> str:
        return await aw(app.get_user())

    @app.get("/pub/maybe", authorize="ANY")
    async def pub_maybe() -> str:
        return str(await aw(app.current_user()))

    @app.get("/maybe", authorize="ANY")
    async def maybe() -> str:
        return str(await aw(app.current_user()))

    return app


# --- lazy ------------------------------------------------------------------


def test_lazy_is_the_default() -> None:
    assert make_guard().config.mode == "lazy"


def test_lazy_any_needs_nothing(backend: Backend) -> None:
    client = backend.client(make_app(backend))
    r = client.get("/any")
    assert r.status == 200 and r.text == "any"


def test_lazy_any_ignores_bad_credentials(backend: Backend) -> None:
    calls: list[str] = []
    client = backend.client(make_app(backend, calls))
    r = client.get("/any", headers=BAD)
    assert r.status == 200 and r.text == "any"
    assert calls == []


def test_lazy_all_authenticates_when_needed(backend: Backend) -> None:
    client = backend.client(make_app(backend))
    assert client.get("/all").status == 401
    assert client.get("/all", headers=BAD).status == 401
    r = client.get("/all", headers=GOOD)
    assert r.status == 200 and r.text == "calvin"


def test_lazy_current_user_on_any_route(backend: Backend) -> None:
    client = backend.client(make_app(backend))
    assert client.get("/maybe").text == "None"
    assert client.get("/maybe", headers=GOOD).text == "calvin"
    assert client.get("/maybe", headers=BAD).text == "None"


def test_core_lazy_hook_does_nothing() -> None:
    guard = make_guard()
    _, state = before(guard, headers=GOOD)
    assert state.user is None and not state.skipped


# --- always ----------------------------------------------------------------


ALWAYS = {"FSA_MODE": "always", "FSA_SKIP_PATH": [r"/pub/"]}


def test_always_any_route_needs_auth(backend: Backend) -> None:
    client = backend.client(make_app(backend, **ALWAYS))
    r = client.get("/any")
    assert r.status == 401 and r.text == "authentication required"
    assert 'Basic realm="test"' in ",".join(
        r.headers.getlist("WWW-Authenticate"))
    r = client.get("/any", headers=GOOD)
    assert r.status == 200 and r.text == "any"


def test_always_bad_credentials_on_any_route(backend: Backend) -> None:
    client = backend.client(make_app(backend, **ALWAYS))
    r = client.get("/any", headers=BAD)
    assert r.status == 401 and r.text == "invalid user or password"


def test_always_authenticates_once(backend: Backend) -> None:
    calls: list[str] = []
    client = backend.client(make_app(backend, calls, **ALWAYS))
    r = client.get("/all", headers=GOOD)
    assert r.status == 200 and r.text == "calvin"
    assert calls == ["calvin"]


def test_always_skipped_path_is_open(backend: Backend) -> None:
    calls: list[str] = []
    client = backend.client(make_app(backend, calls, **ALWAYS))
    r = client.get("/pub/any", headers=BAD)
    assert r.status == 200 and r.text == "pub-any"
    assert calls == []


def test_always_skipped_path_with_all_is_401(backend: Backend) -> None:
    client = backend.client(make_app(backend, **ALWAYS))
    assert client.get("/pub/all").status == 401
    r = client.get("/pub/all", headers=GOOD)
    assert r.status == 401


def test_always_skipped_path_has_no_current_user(backend: Backend) -> None:
    client = backend.client(make_app(backend, **ALWAYS))
    assert client.get("/pub/maybe", headers=GOOD).text == "None"


def test_always_unknown_path_needs_auth(backend: Backend) -> None:
    client = backend.client(make_app(backend, **ALWAYS))
    assert client.get("/nowhere").status == 401
    assert client.get("/nowhere", headers=GOOD).status == 404


def test_always_options_is_not_authenticated(backend: Backend) -> None:
    client = backend.client(make_app(backend, **ALWAYS))
    r = client.options("/all")
    assert r.status == 200
    assert "GET" in r.headers["Allow"]


@pytest.mark.parametrize(("patterns", "path", "skipped"), [
    pytest.param([r"/pub/"], "/pub/any", True, id="prefix"),
    pytest.param([r"/pub/"], "/x/pub/any", False, id="not-at-start"),
    pytest.param([r"/pub/"], "/pubs", False, id="near-miss"),
    pytest.param(r"/pub", "/pubs", True, id="single-string"),
    pytest.param([r"/a", r"/b"], "/b/c", True, id="second-pattern"),
    pytest.param([r"/any$"], "/any", True, id="anchored"),
    pytest.param([r"/any$"], "/any/more", False, id="anchored-miss"),
    pytest.param([r".*/open$"], "/deep/path/open", True, id="regex"),
    pytest.param([], "/pub/any", False, id="empty"),
])
def test_core_skip_path_matches_at_start(patterns: Any, path: str,
                                         skipped: bool) -> None:
    guard = make_guard(FSA_MODE="always", FSA_SKIP_PATH=patterns)
    _, state = before(guard, path=path, headers=GOOD)
    assert state.skipped is skipped
    assert state.user == (None if skipped else "calvin")


def test_core_always_hook_needs_credentials() -> None:
    guard = make_guard(FSA_MODE="always")
    with pytest.raises(NoAuthError):
        before(guard)
    with pytest.raises(BadAuthError):
        before(guard, headers=BAD)


def test_core_always_options_skips_the_hook() -> None:
    guard = make_guard(FSA_MODE="always")
    _, state = before(guard, method="OPTIONS")
    assert state.user is None


def test_core_always_skipped_path_refuses_lazy_auth() -> None:
    guard = make_guard(FSA_MODE="always", FSA_SKIP_PATH=[r"/pub"])
    req, state = before(guard, path="/pub/x", headers=GOOD)
    with pytest.raises(AuthError) as info:
        run_sync(guard.get_user(req, state))
    assert info.value.status == 401


def test_core_always_user_known_after_hook() -> None:
    guard = make_guard(FSA_MODE="always")
    req, state = before(guard, headers=GOOD)
    assert state.user == "calvin"
    guard.hooks.get_user_pass = None  # a second lookup would now fail
    assert run_sync(guard.get_user(req, state)) == "calvin"


# --- all -------------------------------------------------------------------


ALL_MODE = {"FSA_MODE": "all", "FSA_SKIP_PATH": [r"/pub/"]}


def test_all_any_route_needs_auth(backend: Backend) -> None:
    client = backend.client(make_app(backend, **ALL_MODE))
    assert client.get("/any").status == 401
    assert client.get("/any", headers=GOOD).text == "any"


def test_all_skipped_path_with_all_uses_lazy_auth(backend: Backend
                                                  ) -> None:
    client = backend.client(make_app(backend, **ALL_MODE))
    r = client.get("/pub/all", headers=GOOD)
    assert r.status == 200 and r.text == "calvin"
    assert client.get("/pub/all").status == 401
    assert client.get("/pub/all", headers=BAD).status == 401


def test_all_skipped_any_route_is_open(backend: Backend) -> None:
    client = backend.client(make_app(backend, **ALL_MODE))
    assert client.get("/pub/any").text == "pub-any"
    assert client.get("/pub/any", headers=BAD).text == "pub-any"


def test_all_skipped_path_current_user(backend: Backend) -> None:
    client = backend.client(make_app(backend, **ALL_MODE))
    assert client.get("/pub/maybe", headers=GOOD).text == "calvin"
    assert client.get("/pub/maybe").text == "None"


def test_core_all_skipped_path_allows_lazy_auth() -> None:
    guard = make_guard(FSA_MODE="all", FSA_SKIP_PATH=[r"/pub"])
    req, state = before(guard, path="/pub/x", headers=GOOD)
    assert state.skipped and state.user is None
    assert run_sync(guard.get_user(req, state)) == "calvin"


def test_core_failure_is_remembered() -> None:
    guard = make_guard(FSA_MODE="all")
    calls: list[str] = []

    def lookup(user: str) -> str | None:
        calls.append(user)
        return USERS.get(user)

    guard.hooks.get_user_pass = lookup
    req = SimpleRequest(path="/x", headers=BAD)
    state = RequestState()
    with pytest.raises(BadAuthError):
        run_sync(guard.before_request(req, state))
    with pytest.raises(BadAuthError):
        run_sync(guard.get_user(req, state))
    assert calls == ["calvin"]
