"""What web applications see: CORS, 401 redirects, cookie renewal,
password rules, the library's log level and misbehaving hooks.

Everything runs on Flask and on Quart through the ``backend`` fixture,
except the HTTPS cookie checks, which need the frameworks' own test
clients and are written once per framework.  Near-expiry tokens are made
by a token manager with an injected clock; nothing sleeps.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from conftest import FAST_PASSWORDS, Answer, Backend, aw, basic

from fsa_common import read_config
from fsa_common.tokens import TokenManager

SECRET = "web-tests-secret-0123456789abcdef"
USERS = {"calvin": "hobbes", "susie": "derkins"}
GROUPS = {"calvin": {"admin"}}
ORIGIN = "http://ok.example"
OTHER_ORIGIN = "http://evil.example"
PREFLIGHT = {"Origin": ORIGIN, "Access-Control-Request-Method": "GET"}


def make_app(backend: Backend, **config: Any) -> Any:
    """An app with basic logins, cookie-friendly routes and groups."""
    settings = {"FSA_AUTH": "basic", "FSA_TOKEN_SECRET": SECRET,
                **FAST_PASSWORDS, **config}
    app = backend.app(**settings)
    app.get_user_pass(USERS.get)
    app.user_in_group(lambda user, group: group in GROUPS.get(user, ()))

    @app.route("/who", methods=["GET", "POST"], authorize="ALL")
    async def who() -> str:
        return await aw(app.get_user())

    @app.get("/admin", authorize="admin")
    async def admin() -> str:
        return "admin"

    @app.get("/open", authorize="ANY")
    async def open_() -> str:
        return "open"

    return app


def token_made(age: float, user: str = "calvin", **config: Any) -> str:
    """A token of ``make_app``'s configuration made ``age`` seconds ago."""
    mapping = {"FSA_TOKEN_SECRET": SECRET, **config}
    then = time.time() - age
    return TokenManager(read_config(mapping, "test"),
                        clock=lambda: then).create(user)


def cookie_parts(set_cookie: str) -> tuple[str, str, dict[str, str]]:
    """Split a ``Set-Cookie`` value into (name, value, attributes by
    lower-case name)."""
    pair, *attributes = [p.strip() for p in set_cookie.split(";")]
    name, _, value = pair.partition("=")
    attrs = {}
    for attribute in attributes:
        key, _, val = attribute.partition("=")
        attrs[key.lower()] = val
    return name, value, attrs


def text_plain(answer: Answer) -> bool:
    return answer.headers["Content-Type"].startswith("text/plain")


# --- CORS ------------------------------------------------------------------


def cors_options(backend: Backend, origins: list[str]) -> dict[str, Any]:
    """FSA_CORS_OPTIONS restricting origins.

    The options go to flask-cors or quart-cors as they are, and the two
    extensions name this option differently: ``origins`` for flask-cors,
    ``allow_origin`` for quart-cors.
    """
    if backend.name == "flask":
        return {"origins": origins}
    return {"allow_origin": origins}


@pytest.mark.parametrize("mode", ["lazy", "always", "all"])
@pytest.mark.parametrize("path", ["/who", "/admin"], ids=["ALL", "group"])
def test_cors_preflight_needs_no_credentials(backend: Backend, mode: str,
                                             path: str) -> None:
    client = backend.client(make_app(backend, FSA_CORS=True, FSA_MODE=mode))
    r = client.options(path, headers=PREFLIGHT)
    assert r.status in (200, 204), r
    assert r.headers["Access-Control-Allow-Origin"] in ("*", ORIGIN)
    assert "GET" in r.headers["Access-Control-Allow-Methods"]
    assert "WWW-Authenticate" not in r.headers
    # the real request still needs credentials
    r = client.get(path, headers={"Origin": ORIGIN})
    assert r.status == 401


def test_cors_preflight_is_not_caught_by_check(backend: Backend) -> None:
    app = make_app(backend, FSA_CORS=True, FSA_CHECK=True)

    def plain() -> str:
        return "plain"

    app.add_url_rule("/plain", "plain", plain)
    client = backend.client(app)
    r = client.options("/plain", headers=PREFLIGHT)
    assert r.status in (200, 204), r
    assert r.headers["Access-Control-Allow-Origin"] in ("*", ORIGIN)
    # the view itself is still caught by FSA_CHECK
    assert client.get("/plain").status == 500


def test_cors_header_on_401(backend: Backend) -> None:
    # a browser script can only read the 401 (and its challenge) if the
    # answer carries the CORS header too
    client = backend.client(make_app(backend, FSA_CORS=True))
    r = client.get("/who", headers={"Origin": ORIGIN})
    assert r.status == 401
    assert r.headers["Access-Control-Allow-Origin"] in ("*", ORIGIN)


@pytest.mark.parametrize("path", ["/open", "/who"])
def test_cors_simple_request_gets_the_header(backend: Backend,
                                             path: str) -> None:
    client = backend.client(make_app(backend, FSA_CORS=True))
    r = client.get(path, headers={"Origin": ORIGIN, **basic("calvin",
                                                            "hobbes")})
    assert r.status == 200
    assert r.headers["Access-Control-Allow-Origin"] in ("*", ORIGIN)


def test_cors_options_restrict_origins(backend: Backend) -> None:
    client = backend.client(make_app(
        backend, FSA_CORS=True,
        FSA_CORS_OPTIONS=cors_options(backend, [ORIGIN])))
    r = client.get("/open", headers={"Origin": ORIGIN})
    assert r.status == 200
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    r = client.options("/who", headers=PREFLIGHT)
    assert r.status in (200, 204)
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    r = client.get("/open", headers={"Origin": OTHER_ORIGIN})
    assert r.status == 200
    assert "Access-Control-Allow-Origin" not in r.headers
    r = client.options("/who", headers={**PREFLIGHT,
                                        "Origin": OTHER_ORIGIN})
    assert "Access-Control-Allow-Origin" not in r.headers


@pytest.mark.parametrize("config", [
    pytest.param({}, id="default"),
    pytest.param({"FSA_CORS": False}, id="false"),
    pytest.param({"FSA_CORS": False, "FSA_CORS_OPTIONS": {}},
                 id="false-with-options"),
])
def test_cors_off_sends_no_cors_headers(backend: Backend,
                                        config: dict[str, Any]) -> None:
    client = backend.client(make_app(backend, **config))
    for r in (client.get("/open", headers={"Origin": ORIGIN}),
              client.options("/who", headers=PREFLIGHT)):
        assert r.status in (200, 204)
        assert not any(k.lower().startswith("access-control-")
                       for k in r.headers.keys()), r.headers


# --- 401 redirect ----------------------------------------------------------


def redirect_target(answer: Answer) -> tuple[str, dict[str, list[str]]]:
    """The (path, query) of a 302's Location."""
    assert answer.status == 302, answer
    location = urlsplit(answer.headers["Location"])
    return location.path, parse_qs(location.query)


@pytest.mark.parametrize("headers", [
    pytest.param({}, id="no-credentials"),
    pytest.param(basic("calvin", "wrong"), id="bad-credentials"),
])
def test_401_on_get_redirects_with_original_url(backend: Backend,
                                                headers: dict[str, str]
                                                ) -> None:
    client = backend.client(make_app(backend,
                                     FSA_401_REDIRECT="/login-page"))
    r = client.get("/who?x=1&y=a%20b", headers=headers)
    path, query = redirect_target(r)
    assert path == "/login-page"
    assert list(query) == ["URL"]
    original = query["URL"][0]
    assert urlsplit(original).path == "/who"
    assert parse_qs(urlsplit(original).query) == {"x": ["1"], "y": ["a b"]}
    # the original URL is URL-encoded as a whole in the parameter
    assert "URL=" + quote(original, safe="") in r.headers["Location"]


@pytest.mark.parametrize(("config", "name"), [
    pytest.param({}, "URL", id="default-name"),
    pytest.param({"FSA_URL_NAME": "next"}, "next", id="custom-name"),
])
def test_401_redirect_parameter_name(backend: Backend,
                                     config: dict[str, Any],
                                     name: str) -> None:
    client = backend.client(make_app(
        backend, FSA_401_REDIRECT="https://sso.example/login", **config))
    r = client.get("/admin")
    assert r.status == 302
    location = r.headers["Location"]
    assert location.startswith(f"https://sso.example/login?{name}=http")
    assert parse_qs(urlsplit(location).query)[name][0].endswith("/admin")


def test_401_redirect_keeps_the_login_page_query(backend: Backend) -> None:
    client = backend.client(make_app(
        backend, FSA_401_REDIRECT="/login?lang=fr", FSA_URL_NAME="back"))
    path, query = redirect_target(client.get("/who"))
    assert path == "/login"
    assert query["lang"] == ["fr"]
    assert query["back"][0].endswith("/who")


@pytest.mark.parametrize("mode", ["always", "all"])
def test_401_redirect_from_before_request_modes(backend: Backend,
                                                mode: str) -> None:
    client = backend.client(make_app(backend, FSA_MODE=mode,
                                     FSA_401_REDIRECT="/login-page"))
    path, query = redirect_target(client.get("/open"))
    assert path == "/login-page"
    assert urlsplit(query["URL"][0]).path == "/open"


def test_401_redirect_not_on_post(backend: Backend) -> None:
    client = backend.client(make_app(backend,
                                     FSA_401_REDIRECT="/login-page"))
    r = client.post("/who")
    assert r.status == 401 and text_plain(r)
    assert "Location" not in r.headers
    assert 'Basic realm="test", charset="UTF-8"' in \
        r.headers.getlist("WWW-Authenticate")


def test_403_is_not_redirected(backend: Backend) -> None:
    client = backend.client(make_app(backend,
                                     FSA_401_REDIRECT="/login-page"))
    r = client.get("/admin", headers=basic("susie", "derkins"))
    assert r.status == 403 and "Location" not in r.headers
    r = client.get("/admin", headers=basic("calvin", "hobbes"))
    assert r.status == 200


def test_url_name_alone_does_not_redirect(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_URL_NAME="next"))
    r = client.get("/who")
    assert r.status == 401 and "Location" not in r.headers


# --- cookie token renewal --------------------------------------------------


def cookie_app(backend: Backend, **config: Any) -> Any:
    return make_app(backend, FSA_TOKEN_CARRIER="cookie", **config)


def test_cookie_fresh_token_is_not_renewed(backend: Backend) -> None:
    client = backend.client(cookie_app(backend))
    r = client.get("/who", cookies={"auth": token_made(60)})
    assert r.status == 200 and r.text == "calvin"
    assert r.cookies() == []


def test_cookie_token_near_expiry_is_renewed(backend: Backend) -> None:
    client = backend.client(cookie_app(backend))
    old = token_made(50 * 60)
    r = client.get("/who", cookies={"auth": old})
    assert r.status == 200 and r.text == "calvin"
    [set_cookie] = r.cookies()
    name, value, attrs = cookie_parts(set_cookie)
    assert name == "auth" and value != old
    assert "httponly" in attrs
    assert attrs["samesite"].lower() == "lax"
    assert "secure" not in attrs  # plain http
    assert attrs["max-age"] == "3600"
    # the new token works and is far from expiry
    r = client.get("/who", cookies={"auth": value})
    assert r.status == 200 and r.text == "calvin" and r.cookies() == []


@pytest.mark.parametrize("config", [
    pytest.param({"FSA_TOKEN_NAME": "session"}, id="cookie-name"),
    pytest.param({"FSA_TOKEN_TYPE": "jwt"}, id="jwt"),
])
def test_cookie_renewal_keeps_name_and_type(backend: Backend,
                                            config: dict[str, Any]) -> None:
    name = config.get("FSA_TOKEN_NAME", "auth")
    client = backend.client(cookie_app(backend, **config))
    old = token_made(50 * 60, **config)
    r = client.get("/who", cookies={name: old})
    assert r.status == 200 and r.text == "calvin"
    [set_cookie] = r.cookies()
    cookie, value, _ = cookie_parts(set_cookie)
    assert cookie == name and value != old
    assert (value.count(".") == 2) is ("FSA_TOKEN_TYPE" in config)
    r = client.get("/who", cookies={name: value})
    assert r.status == 200 and r.cookies() == []


def test_cookie_renewal_with_short_delay(backend: Backend) -> None:
    client = backend.client(cookie_app(backend, FSA_TOKEN_DELAY=1))
    r = client.get("/who", cookies={"auth": token_made(
        50, FSA_TOKEN_DELAY=1)})
    assert r.status == 200
    [set_cookie] = r.cookies()
    assert cookie_parts(set_cookie)[2]["max-age"] == "60"
    r = client.get("/who", cookies={"auth": token_made(
        10, FSA_TOKEN_DELAY=1)})
    assert r.status == 200 and r.cookies() == []


@pytest.mark.parametrize(("config", "age_minutes", "renewed"), [
    pytest.param({}, 44, False, id="default-16min-left"),
    pytest.param({}, 46, True, id="default-14min-left"),
    pytest.param({"FSA_TOKEN_RENEWAL": 0.5}, 29, False,
                 id="half-31min-left"),
    pytest.param({"FSA_TOKEN_RENEWAL": 0.5}, 31, True,
                 id="half-29min-left"),
    pytest.param({"FSA_TOKEN_RENEWAL": 0}, 59, False, id="off-1min-left"),
    pytest.param({"FSA_TOKEN_RENEWAL": 0.0}, 59, False,
                 id="off-float-1min-left"),
])
def test_cookie_renewal_share(backend: Backend, config: dict[str, Any],
                              age_minutes: int, renewed: bool) -> None:
    client = backend.client(cookie_app(backend, **config))
    r = client.get("/who", cookies={"auth": token_made(age_minutes * 60)})
    assert r.status == 200 and r.text == "calvin"
    assert len(r.cookies()) == int(renewed), r.cookies()


def test_cookie_not_renewed_on_refused_request(backend: Backend) -> None:
    client = backend.client(cookie_app(backend))
    r = client.get("/admin", cookies={"auth": token_made(55 * 60,
                                                         "susie")})
    assert r.status == 403 and r.cookies() == []


def test_cookie_renewed_when_view_authenticates_lazily(backend: Backend
                                                      ) -> None:
    app = cookie_app(backend)

    @app.get("/maybe", authorize="ANY")
    async def maybe() -> str:
        return str(await aw(app.current_user()))

    r = backend.client(app).get("/maybe",
                                cookies={"auth": token_made(50 * 60)})
    assert r.status == 200 and r.text == "calvin"
    assert len(r.cookies()) == 1


def test_cookie_renewed_on_plain_view_in_always_mode(backend: Backend
                                                     ) -> None:
    # the hook authenticated the request with the cookie token: the
    # renewal is possible, even if the view is a framework-plain one
    app = cookie_app(backend, FSA_MODE="always", FSA_CHECK=False)

    def plain() -> str:
        return "plain"

    app.add_url_rule("/plain", "plain", plain)
    r = backend.client(app).get("/plain",
                                cookies={"auth": token_made(50 * 60)})
    assert r.status == 200 and r.text == "plain"
    assert len(r.cookies()) == 1, r.headers


def _renewal_app(backend: Backend) -> tuple[Any, str]:
    return cookie_app(backend), token_made(50 * 60)


def _check_secure_cookie(set_cookies: list[str], secure: bool) -> None:
    [set_cookie] = set_cookies
    attrs = cookie_parts(set_cookie)[2]
    assert ("secure" in attrs) is secure, set_cookie
    assert "httponly" in attrs and attrs["samesite"].lower() == "lax"


# the harness only speaks http: these two drive each framework's client


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_flask_renewed_cookie_secure_only_on_https(scheme: str) -> None:
    backend = Backend("flask")
    try:
        app, old = _renewal_app(backend)
        raw = app.test_client(use_cookies=False)
        r = raw.get("/who", base_url=f"{scheme}://localhost/",
                    headers={"Cookie": f"auth={old}"})
        assert r.status_code == 200 and r.get_data(as_text=True) == "calvin"
        _check_secure_cookie(r.headers.getlist("Set-Cookie"),
                             scheme == "https")
    finally:
        backend.close()


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_quart_renewed_cookie_secure_only_on_https(scheme: str) -> None:
    backend = Backend("quart")
    try:
        app, old = _renewal_app(backend)

        async def fetch() -> tuple[int, str, list[str]]:
            r = await app.test_client().get(
                "/who", scheme=scheme, headers={"Cookie": f"auth={old}"})
            text = (await r.get_data()).decode()
            return r.status_code, text, r.headers.getlist("Set-Cookie")

        status, text, set_cookies = backend.loop.run_until_complete(fetch())
        assert status == 200 and text == "calvin"
        _check_secure_cookie(set_cookies, scheme == "https")
    finally:
        backend.close()


# --- password rules --------------------------------------------------------


def register_app(backend: Backend, **config: Any) -> tuple[Any, dict]:
    """An app whose /register hashes new passwords into a dict."""
    users: dict[str, str] = {"calvin": "hobbes"}
    app = backend.app(**{"FSA_AUTH": "basic", "FSA_TOKEN_SECRET": SECRET,
                         **FAST_PASSWORDS, **config})
    app.get_user_pass(users.get)

    @app.post("/register", authorize="ANY")
    async def register(user: str, password: str) -> Any:
        if user in users:
            return f"cannot create {user}", 409
        users[user] = await aw(app.hash_password(password))
        return "", 201

    @app.get("/who", authorize="ALL")
    async def who() -> str:
        return await aw(app.get_user())

    return app, users


@pytest.mark.parametrize(("config", "password", "rule"), [
    pytest.param({"FSA_PASSWORD_LEN": 8}, "short", "at least 8",
                 id="len"),
    pytest.param({"FSA_PASSWORD_LEN": 8}, "", "at least 8", id="len-empty"),
    pytest.param({"FSA_PASSWORD_RE": [r"[0-9]", r"[A-Z]"]}, "nodigits",
                 "[0-9]", id="re-first"),
    pytest.param({"FSA_PASSWORD_RE": [r"[0-9]", r"[A-Z]"]}, "no upper 1",
                 "[A-Z]", id="re-second"),
    pytest.param({"FSA_PASSWORD_RE": r"^\S+$"}, "has space", r"^\S+$",
                 id="re-string"),
    pytest.param({"FSA_PASSWORD_LEN": 10, "FSA_PASSWORD_RE": [r"[0-9]"]},
                 "Short1", "at least 10", id="len-and-re"),
])
def test_password_rule_refuses_registration(backend: Backend,
                                            config: dict[str, Any],
                                            password: str,
                                            rule: str) -> None:
    app, users = register_app(backend, **config)
    r = backend.client(app).post("/register", form={
        "user": "rosalyn", "password": password})
    assert r.status == 400, r
    assert text_plain(r)
    assert rule in r.text
    assert "rosalyn" not in users


@pytest.mark.parametrize(("config", "password"), [
    pytest.param({}, "x", id="no-rules"),
    pytest.param({"FSA_PASSWORD_LEN": 8}, "12345678", id="len-exact"),
    pytest.param({"FSA_PASSWORD_RE": [r"[0-9]", r"[A-Z]"]}, "abc1Def",
                 id="re-anywhere"),
    pytest.param({"FSA_PASSWORD_LEN": 10, "FSA_PASSWORD_RE": [r"[0-9]"]},
                 "long enough 1", id="len-and-re"),
    pytest.param({"FSA_PASSWORD_LEN": 4}, "ñandú✓", id="unicode"),
])
def test_password_rule_accepts_registration(backend: Backend,
                                            config: dict[str, Any],
                                            password: str) -> None:
    app, users = register_app(backend, **config)
    client = backend.client(app)
    r = client.post("/register", form={"user": "rosalyn",
                                       "password": password})
    assert r.status == 201, r
    r = client.get("/who", headers=basic("rosalyn", password))
    assert r.status == 200 and r.text == "rosalyn"


def test_password_rules_do_not_apply_to_logins(backend: Backend) -> None:
    app, _ = register_app(backend, FSA_PASSWORD_LEN=20,
                          FSA_PASSWORD_RE=[r"[0-9]"])
    r = backend.client(app).get("/who", headers=basic("calvin", "hobbes"))
    assert r.status == 200 and r.text == "calvin"


# --- FSA_LOGGING_LEVEL -----------------------------------------------------

LIBRARY_LOGGERS = ("fsa_common", "fsa_flask", "fsa_quart")


@pytest.fixture
def saved_levels() -> Iterator[None]:
    """Restore the library's logger levels after the test."""
    saved = {n: logging.getLogger(n).level for n in LIBRARY_LOGGERS}
    yield
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.parametrize(("level", "expected"), [
    pytest.param("DEBUG", logging.DEBUG, id="name-debug"),
    pytest.param("ERROR", logging.ERROR, id="name-error"),
    pytest.param(logging.WARNING, logging.WARNING, id="int-warning"),
    pytest.param(5, 5, id="int-custom"),
])
def test_logging_level_is_set_at_first_request(backend: Backend,
                                               saved_levels: None,
                                               level: Any,
                                               expected: int) -> None:
    logger = logging.getLogger("fsa_common")
    logger.setLevel(logging.CRITICAL)
    app = make_app(backend, FSA_LOGGING_LEVEL=level)
    assert logger.level == logging.CRITICAL  # not before the first request
    assert backend.client(app).get("/open").status == 200
    assert logger.level == expected


def test_logging_level_default_is_info(backend: Backend,
                                       saved_levels: None) -> None:
    logging.getLogger("fsa_common").setLevel(logging.CRITICAL)
    assert backend.client(make_app(backend)).get("/open").status == 200
    assert logging.getLogger("fsa_common").level == logging.INFO


@pytest.mark.parametrize("level", ["LOUD", "debugging", ""],
                         ids=["loud", "debugging", "empty"])
def test_logging_level_unknown_name_is_500(backend: Backend,
                                           saved_levels: None,
                                           caplog: pytest.LogCaptureFixture,
                                           level: str) -> None:
    caplog.set_level(logging.ERROR, logger="fsa_common")
    client = backend.client(make_app(backend, FSA_LOGGING_LEVEL=level))
    for _ in range(2):
        r = client.get("/open")
        assert r.status == 500 and text_plain(r), r
    assert "FSA_LOGGING_LEVEL" in caplog.text


# --- hooks answering the wrong type ----------------------------------------


def _hook(answer: Any, is_async: bool) -> Any:
    if is_async:
        async def hook(*args: Any) -> Any:
            await asyncio.sleep(0)
            return answer
        return hook
    return lambda *args: answer


def _error_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(("answer", "type_name"), [
    pytest.param(b"hobbes", "bytes", id="bytes"),
    pytest.param(1234, "int", id="int"),
    pytest.param(True, "bool", id="bool"),
])
def test_get_user_pass_wrong_type_is_500(backend: Backend,
                                         caplog: pytest.LogCaptureFixture,
                                         answer: Any, type_name: str,
                                         is_async: bool) -> None:
    caplog.set_level(logging.ERROR, logger="fsa_common")
    app = make_app(backend)
    app.get_user_pass(_hook(answer, is_async))
    r = backend.client(app).get("/who", headers=basic("calvin", "hobbes"))
    assert r.status == 500 and text_plain(r)
    assert r.text == "internal error"
    assert any("get_user_pass" in m and type_name in m
               for m in _error_lines(caplog)), caplog.text


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(("answer", "type_name"), [
    pytest.param("yes", "str", id="str"),
    pytest.param(None, "NoneType", id="none"),
    pytest.param(1, "int", id="int"),
    pytest.param([True], "list", id="list"),
])
def test_user_in_group_wrong_type_is_500(backend: Backend,
                                         caplog: pytest.LogCaptureFixture,
                                         answer: Any, type_name: str,
                                         is_async: bool) -> None:
    caplog.set_level(logging.ERROR, logger="fsa_common")
    app = make_app(backend)
    app.user_in_group(_hook(answer, is_async))
    client = backend.client(app)
    r = client.get("/admin", headers=basic("calvin", "hobbes"))
    assert r.status == 500 and text_plain(r)
    assert r.text == "internal error"
    assert any("user_in_group" in m and type_name in m
               for m in _error_lines(caplog)), caplog.text
    # routes that need no group answer as usual
    assert client.get("/who", headers=basic("calvin", "hobbes")).status \
        == 200
