"""Errors: the error classes, how the core answers them, and what clients
see on both backends (always an HTTP answer, always text/plain)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from conftest import FAST_PASSWORDS, Backend, aw, basic

from fsa_common import (
    ALL,
    ANY,
    NONE,
    AuthError,
    BadAuthError,
    ConfigError,
    ForbiddenError,
    FSAError,
    Guard,
    HookError,
    NoAuthError,
    NotFoundError,
    ParamError,
    PasswordQualityError,
)

# --- the classes --------------------------------------------------------


@pytest.mark.parametrize(("cls", "status"), [
    pytest.param(FSAError, 500, id="FSAError"),
    pytest.param(ConfigError, 500, id="ConfigError"),
    pytest.param(HookError, 500, id="HookError"),
    pytest.param(AuthError, 401, id="AuthError"),
    pytest.param(NoAuthError, 401, id="NoAuthError"),
    pytest.param(BadAuthError, 401, id="BadAuthError"),
    pytest.param(ForbiddenError, 403, id="ForbiddenError"),
    pytest.param(ParamError, 400, id="ParamError"),
    pytest.param(NotFoundError, 404, id="NotFoundError"),
    pytest.param(PasswordQualityError, 400, id="PasswordQualityError"),
])
def test_error_status(cls: type[FSAError], status: int) -> None:
    error = cls("something")
    assert isinstance(error, FSAError) and isinstance(error, Exception)
    assert error.status == status
    assert error.message == "something" and str(error) == "something"
    assert error.headers == []


def test_no_and_bad_auth_are_distinct() -> None:
    assert not issubclass(NoAuthError, BadAuthError)
    assert not issubclass(BadAuthError, NoAuthError)
    assert issubclass(NoAuthError, AuthError)
    assert not issubclass(ForbiddenError, AuthError)


def test_error_carries_status_and_headers() -> None:
    challenge = ("WWW-Authenticate", 'Basic realm="r"')
    error = NoAuthError("who are you?", headers=[challenge])
    assert error.headers == [challenge]
    other = FSAError("teapot", status=418)
    assert other.status == 418
    assert FSAError("x").status == 500  # the class default is untouched


# --- error_answer, on the core ------------------------------------------


def _guard(**config: Any) -> Guard:
    return Guard.from_mapping({"FSA_AUTH": "basic", "FSA_TOKEN_TYPE": None,
                               **config}, "core")


@pytest.mark.parametrize("error", [
    pytest.param(ParamError('missing parameter "x"'), id="param"),
    pytest.param(ForbiddenError("access denied"), id="forbidden"),
    pytest.param(NotFoundError("not found"), id="not-found"),
    pytest.param(NoAuthError("authentication required",
                             headers=[("WWW-Authenticate", "Basic")]),
                 id="no-auth"),
])
def test_error_answer_passes_message(error: FSAError) -> None:
    status, body, headers = _guard().error_answer(error, "GET", "http://x/")
    assert (status, body, headers) == (error.status, error.message,
                                       error.headers)


@pytest.mark.parametrize("error", [
    pytest.param(ConfigError("FSA_SECRET_THING is wrong"), id="config"),
    pytest.param(HookError("hook user_in_group answered a str"),
                 id="hook"),
])
def test_error_answer_hides_internal_errors(
        error: FSAError, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="fsa_common")
    status, body, headers = _guard().error_answer(error, "GET", "http://x/")
    assert (status, body, headers) == (500, "internal error", [])
    assert error.message in caplog.text


@pytest.mark.parametrize(("redirect", "method", "location"), [
    pytest.param("/login", "GET", "/login?URL=http%3A%2F%2Fh%2Fa%3Fb%3D1",
                 id="get"),
    pytest.param("/login?x=1", "GET",
                 "/login?x=1&URL=http%3A%2F%2Fh%2Fa%3Fb%3D1",
                 id="get-with-query"),
    pytest.param("/login", "POST", None, id="post-not-redirected"),
])
def test_error_answer_redirects_401(redirect: str, method: str,
                                    location: str | None) -> None:
    guard = _guard(FSA_401_REDIRECT=redirect)
    status, _, headers = guard.error_answer(
        NoAuthError("authentication required"), method, "http://h/a?b=1")
    if location is None:
        assert status == 401
    else:
        assert status == 302 and headers == [("Location", location)]
    # other errors are never redirected
    status, _, _ = guard.error_answer(ForbiddenError("no"), "GET", "/")
    assert status == 403


# --- what clients see ---------------------------------------------------


def _app(backend: Backend, **config: Any) -> Any:
    app = backend.app(**{"FSA_AUTH": "basic", "FSA_TOKEN_TYPE": None,
                         **FAST_PASSWORDS, **config})
    app.get_user_pass({"calvin": "hobbes", "susie": "derkins"}.get)
    app.user_in_group(lambda user, group: user == "calvin")

    @app.get("/admin", authorize="admin")
    async def admin() -> str:
        return "admin"

    @app.get("/closed", authorize=NONE)
    async def closed() -> str:
        return "closed"

    @app.get("/item/<id>", authorize=ANY)
    async def item(id: int, n: int = 0) -> str:
        return f"item {id} {n}"

    @app.post("/json", authorize=ANY)
    async def post_json(n: int) -> str:
        return f"json {n}"

    @app.get("/token", authorize=ALL)
    async def token() -> str:
        return await aw(app.create_token())

    @app.post("/register", authorize=ANY)
    async def register(password: str) -> str:
        return await aw(app.hash_password(password))

    return app


@pytest.mark.parametrize(("method", "url", "kwargs", "status", "body"), [
    pytest.param("GET", "/admin", {}, 401, "authentication required",
                 id="401-no-credentials"),
    pytest.param("GET", "/admin", {"headers": basic("calvin", "x")}, 401,
                 "invalid user or password", id="401-bad-password"),
    pytest.param("GET", "/admin", {"headers": basic("nobody", "x")}, 401,
                 "invalid user or password", id="401-unknown-user"),
    pytest.param("GET", "/admin", {"headers": basic("susie", "derkins")},
                 403, None, id="403-not-in-group"),
    pytest.param("GET", "/closed", {"headers": basic("calvin", "hobbes")},
                 403, None, id="403-closed"),
    pytest.param("GET", "/item/1", {"query": {"n": "x"}}, 400,
                 "parameter \"n\": invalid int value 'x'", id="400-bad"),
    pytest.param("POST", "/json", {}, 400, 'missing parameter "n"',
                 id="400-missing"),
    pytest.param("POST", "/json", {"data": "{oops",
                                   "content_type": "application/json"},
                 400, "invalid JSON body", id="400-invalid-json"),
    pytest.param("GET", "/item/one", {}, 404, None, id="404-path"),
])
def test_library_errors_are_text(backend: Backend, method: str, url: str,
                                 kwargs: dict[str, Any], status: int,
                                 body: str | None) -> None:
    r = backend.client(_app(backend)).open(method, url, **kwargs)
    assert r.status == status, r
    assert r.headers["Content-Type"].startswith("text/plain")
    if body is not None:
        assert r.text == body
    assert "<" not in r.text and "Traceback" not in r.text


def test_401_carries_challenge(backend: Backend) -> None:
    r = backend.client(_app(backend, FSA_REALM="My Realm")).get("/admin")
    assert r.status == 401
    assert r.headers["WWW-Authenticate"] == \
        'Basic realm="My Realm", charset="UTF-8"'


def test_401_redirect_on_get(backend: Backend) -> None:
    app = _app(backend, FSA_401_REDIRECT="/login")
    r = backend.client(app).get("/admin")
    assert r.status == 302
    assert r.headers["Location"].startswith("/login?URL=http")
    assert "%2Fadmin" in r.headers["Location"]


def test_config_error_in_view_is_generic_500(
        backend: Backend, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="fsa_common")
    # tokens are disabled (FSA_TOKEN_TYPE=None): create_token cannot work
    r = backend.client(_app(backend)).get(
        "/token", headers=basic("calvin", "hobbes"))
    assert r.status == 500
    assert r.headers["Content-Type"].startswith("text/plain")
    assert r.text == "internal error"
    assert "tokens are disabled" in caplog.text


def test_password_quality_error_is_400(backend: Backend) -> None:
    app = _app(backend, FSA_PASSWORD_LEN=8)
    client = backend.client(app)
    r = client.post("/register", form={"password": "short"})
    assert r.status == 400
    assert r.headers["Content-Type"].startswith("text/plain")
    assert "8" in r.text
    r = client.post("/register", form={"password": "long enough"})
    assert r.status == 200 and r.text == "long enough"


def test_bad_configuration_is_text_500(backend: Backend,
                                       caplog: pytest.LogCaptureFixture
                                       ) -> None:
    # test_config.py covers each directive; here only the rendering
    caplog.set_level(logging.CRITICAL)
    # an error escaping the library becomes an HTML page here, not a crash
    app = _app(backend, PROPAGATE_EXCEPTIONS=False, FSA_CACHE_SIZE="big")
    r = backend.client(app).get("/item/1")
    assert r.status == 500, r
    assert r.headers["Content-Type"].startswith("text/plain"), r
    assert r.text == "internal error"


def test_view_errors_of_the_framework_are_untouched(backend: Backend
                                                    ) -> None:
    app = _app(backend)

    @app.get("/gone", authorize=ANY)
    async def gone() -> Any:
        backend.module.abort(410)

    r = backend.client(app).get("/gone")
    assert r.status == 410


def test_unknown_route_is_a_plain_404(backend: Backend) -> None:
    r = backend.client(_app(backend)).get("/nowhere")
    assert r.status == 404


def test_redirect_drops_password_and_token_params(backend: Backend) -> None:
    app = backend.app(FSA_AUTH="param", FSA_401_REDIRECT="/login",
                      FSA_TOKEN_CARRIER="param", FSA_TOKEN_SECRET="s" * 32,
                      **FAST_PASSWORDS)
    app.get_user_pass({"calvin": "hobbes"}.get)

    @app.get("/private", authorize="ALL")
    async def private() -> str:
        return "secret"

    r = backend.client(app).get(
        "/private", query={"USER": "calvin", "PASS": "wrong",
                           "auth": "bad-token", "q": "1"})
    assert r.status == 302
    location = r.headers["Location"]
    assert location.startswith("/login?URL=")
    assert "wrong" not in location and "bad-token" not in location
    assert "USER%3Dcalvin" in location and "q%3D1" in location
