"""Authentication schemes: httpd, basic, param, password, fake, token, none.

Core tests build a :class:`SimpleRequest` by hand and run the guard's
flows with :func:`run_sync`; behaviour tests go through the ``backend``
fixture and run on Flask and on Quart from one body.
"""

from __future__ import annotations

import base64
import http.client
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest import FAST_PASSWORDS, Backend, aw, basic, bearer

from fsa_common import (
    BadAuthError,
    ConfigError,
    Guard,
    NoAuthError,
    RequestState,
    SimpleRequest,
    run_sync,
)
from fsa_common.schemes import parse_authorization, parse_basic

SECRET = "scheme-tests-secret-0123456789abcdef"
USERS = {
    "calvin": "hobbes",
    "susie": "derkins",
    "Jäsøn Doe": "pässwörd ✓",
    "colon": "a:b:c",
}
LOGIN_FAILED = "invalid user or password"


# --- helpers ---------------------------------------------------------------


def make_guard(**config: Any) -> Guard:
    """A guard over USERS with plaintext passwords and a fixed secret."""
    mapping = {"FSA_TOKEN_SECRET": SECRET, **FAST_PASSWORDS, **config}
    guard = Guard.from_mapping(mapping, "test")
    guard.hooks.get_user_pass = USERS.get
    return guard


def login(guard: Guard, **request: Any) -> str:
    """Authenticate a request built from ``request`` with ``guard``."""
    req = SimpleRequest(**request)
    return run_sync(guard.authenticate(req, RequestState()))


def raw_basic(payload: bytes, word: str = "Basic") -> dict[str, str]:
    """An Authorization header with ``payload`` base64-encoded as is."""
    return {"Authorization": f"{word} {base64.b64encode(payload).decode()}"}


def make_app(backend: Backend, **config: Any) -> Any:
    """An app over USERS with /who (ALL) and /open (ANY)."""
    settings = {"FSA_TOKEN_SECRET": SECRET, **FAST_PASSWORDS, **config}
    app = backend.app(**settings)
    app.get_user_pass(USERS.get)

    @app.route("/who", methods=["GET", "POST"], authorize="ALL")
    async def who() -> str:
        return await aw(app.get_user())

    @app.get("/open", authorize="ANY")
    async def open_route() -> str:
        return "open"

    @app.get("/login", authorize="ALL")
    async def get_login() -> str:
        return await aw(app.create_token())

    return app


# --- header parsers (core) -------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    pytest.param(None, None, id="absent"),
    pytest.param("", None, id="empty"),
    pytest.param("Basic abc", ("basic", "abc"), id="basic"),
    pytest.param("bAsIc abc", ("basic", "abc"), id="mixed-case"),
    pytest.param("BEARER  tok ", ("bearer", "tok"), id="extra-spaces"),
    pytest.param("Basic", ("basic", ""), id="word-alone"),
])
def test_parse_authorization(value: str | None,
                             expected: tuple[str, str] | None) -> None:
    assert parse_authorization(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    pytest.param(base64.b64encode(b"u:p").decode(), ("u", "p"), id="ok"),
    pytest.param(base64.b64encode(b"u:").decode(), ("u", ""),
                 id="empty-password"),
    pytest.param(base64.b64encode(b"u:p:q").decode(), ("u", "p:q"),
                 id="colon-in-password"),
    pytest.param(base64.b64encode("é:ü".encode()).decode(), ("é", "ü"),
                 id="utf8"),
    pytest.param(base64.b64encode(b"nocolon").decode(), None,
                 id="no-colon"),
    pytest.param(base64.b64encode(b":p").decode(), None, id="empty-user"),
    pytest.param(base64.b64encode(b"\xe9t\xe9:x").decode(), None,
                 id="latin1-bytes"),
    pytest.param("!!!not base64!!!", None, id="bad-base64"),
    pytest.param("dTpw=extra", None, id="trailing-garbage"),
    pytest.param("", None, id="empty"),
    pytest.param("é", None, id="non-ascii"),
])
def test_parse_basic(value: str, expected: tuple[str, str] | None) -> None:
    assert parse_basic(value) == expected


# --- basic (core) ----------------------------------------------------------


@pytest.mark.parametrize("user", sorted(USERS))
def test_core_basic_good_password(user: str) -> None:
    guard = make_guard(FSA_AUTH="basic")
    payload = f"{user}:{USERS[user]}".encode()
    assert login(guard, headers=raw_basic(payload)) == user


@pytest.mark.parametrize(("user", "password"), [
    pytest.param("calvin", "wrong", id="wrong-password"),
    pytest.param("hobbes", "hobbes", id="unknown-user"),
    pytest.param("calvin", "", id="empty-password"),
])
def test_core_basic_failures_read_the_same(user: str, password: str
                                           ) -> None:
    guard = make_guard(FSA_AUTH="basic", FSA_REALM="kiva")
    with pytest.raises(BadAuthError) as info:
        login(guard, headers=basic(user, password))

    assert info.value.status == 401
    assert info.value.message == LOGIN_FAILED
    assert info.value.headers == [
        ("WWW-Authenticate", 'Basic realm="kiva", charset="UTF-8"')]


def test_core_basic_without_header_is_no_credentials() -> None:
    guard = make_guard(FSA_AUTH=["basic"])
    with pytest.raises(NoAuthError) as info:
        login(guard)

    assert info.value.status == 401
    assert info.value.message == "authentication required"


# --- basic (behaviour) -----------------------------------------------------


def test_basic_good_password(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_AUTH="basic"))
    r = client.get("/who", headers=basic("calvin", "hobbes"))
    assert r.status == 200 and r.text == "calvin"


def test_basic_utf8_user_and_password(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_AUTH="basic"))
    r = client.get("/who", headers=basic("Jäsøn Doe", "pässwörd ✓"))
    assert r.status == 200 and r.text == "Jäsøn Doe"


def test_basic_colon_in_password(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_AUTH="basic"))
    r = client.get("/who", headers=basic("colon", "a:b:c"))
    assert r.status == 200 and r.text == "colon"


def test_basic_wrong_and_unknown_give_identical_answers(backend: Backend
                                                        ) -> None:
    client = backend.client(make_app(backend, FSA_AUTH="basic"))
    wrong = client.get("/who", headers=basic("calvin", "tiger"))
    unknown = client.get("/who", headers=basic("tiger", "hobbes"))
    assert wrong.status == unknown.status == 401
    assert wrong.text == unknown.text == LOGIN_FAILED
    assert wrong.headers.getlist("WWW-Authenticate") == \
        unknown.headers.getlist("WWW-Authenticate")
    assert wrong.headers["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize("word", ["Basic", "basic", "BASIC", "bAsIc"])
def test_basic_scheme_word_is_case_insensitive(backend: Backend,
                                               word: str) -> None:
    client = backend.client(make_app(backend, FSA_AUTH="basic"))
    r = client.get("/who", headers=raw_basic(b"susie:derkins", word))
    assert r.status == 200 and r.text == "susie"


_HUGE = base64.b64encode(b"calvin:" + b"x" * 60_000).decode()
MALFORMED_BASIC = [
    pytest.param("Basic", id="word-alone"),
    pytest.param("Basic ", id="word-and-space"),
    pytest.param("Basic !!!not-base64!!!", id="bad-base64"),
    pytest.param("Basic YWJj", id="no-colon"),
    pytest.param("Basic " + base64.b64encode(b":hobbes").decode(),
                 id="empty-user"),
    pytest.param("Basic " + base64.b64encode(b"\xff\xfe:\xff").decode(),
                 id="not-utf8"),
    pytest.param("Basic Y2FsdmluOmhvYmJlcw", id="missing-padding"),
    pytest.param("Basic " + _HUGE, id="huge"),
    pytest.param("Basic " + "A" * 100_001, id="huge-garbage"),
]


@pytest.mark.parametrize("value", MALFORMED_BASIC)
def test_basic_malformed_header_is_401(backend: Backend, value: str
                                       ) -> None:
    client = backend.client(make_app(backend, FSA_AUTH="basic"))
    r = client.get("/who", headers={"Authorization": value})
    assert r.status == 401, r
    assert r.headers["Content-Type"].startswith("text/plain")
    assert 'Basic realm="test"' in r.headers["WWW-Authenticate"]


@pytest.mark.parametrize("value", MALFORMED_BASIC)
def test_core_basic_malformed_header_is_bad_auth(value: str) -> None:
    guard = make_guard(FSA_AUTH="basic")
    with pytest.raises(BadAuthError):
        login(guard, headers={"Authorization": value})


@pytest.mark.parametrize("value", [
    pytest.param("", id="empty"),
    pytest.param("   ", id="blank"),
    pytest.param("Negotiate abc", id="other-scheme"),
])
def test_basic_unrelated_header_is_no_credentials(backend: Backend,
                                                  value: str) -> None:
    client = backend.client(make_app(backend, FSA_AUTH=["basic"]))
    r = client.get("/who", headers={"Authorization": value})
    assert r.status == 401
    assert r.text == "authentication required"


# --- httpd -----------------------------------------------------------------


def test_httpd_is_the_default(backend: Backend) -> None:
    client = backend.client(make_app(backend))
    r = client.get("/who", remote_user="calvin")
    assert r.status == 200 and r.text == "calvin"


def test_httpd_without_remote_user_is_401(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_AUTH="httpd"))
    r = client.get("/who")
    assert r.status == 401
    assert r.text == "authentication required"


def test_httpd_ignores_basic_credentials(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_AUTH="httpd"))
    r = client.get("/who", headers=basic("calvin", "hobbes"))
    assert r.status == 401


@pytest.mark.parametrize(("remote_user", "expected"), [
    pytest.param("calvin", "calvin", id="set"),
    pytest.param("Jäsøn", "Jäsøn", id="utf8"),
    pytest.param("", None, id="empty"),
    pytest.param(None, None, id="absent"),
])
def test_core_httpd(remote_user: str | None, expected: str | None) -> None:
    guard = make_guard(FSA_AUTH=["httpd"])
    if expected is None:
        with pytest.raises(NoAuthError):
            login(guard, remote_user=remote_user)
    else:
        assert login(guard, remote_user=remote_user) == expected


# --- param -----------------------------------------------------------------


PARAM_CONFIG = {"FSA_AUTH": "param", "FSA_PARAM_USER": "login",
                "FSA_PARAM_PASS": "secret"}


@pytest.mark.parametrize("where", ["query", "form", "json"])
def test_param_custom_names(backend: Backend, where: str) -> None:
    client = backend.client(make_app(backend, **PARAM_CONFIG))
    creds = {"login": "calvin", "secret": "hobbes"}
    r = client.post("/who", **{where: creds})
    assert r.status == 200 and r.text == "calvin"


@pytest.mark.parametrize("where", ["query", "form", "json"])
def test_param_wrong_password(backend: Backend, where: str) -> None:
    client = backend.client(make_app(backend, **PARAM_CONFIG))
    creds = {"login": "calvin", "secret": "tiger"}
    r = client.post("/who", **{where: creds})
    assert r.status == 401 and r.text == LOGIN_FAILED


def test_param_default_names_are_not_used_when_renamed(backend: Backend
                                                       ) -> None:
    client = backend.client(make_app(backend, **PARAM_CONFIG))
    r = client.get("/who", query={"USER": "calvin", "PASS": "hobbes"})
    assert r.status == 401 and r.text == "authentication required"


def test_param_default_names(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_AUTH="param"))
    r = client.get("/who", query={"USER": "susie", "PASS": "derkins"})
    assert r.status == 200 and r.text == "susie"


@pytest.mark.parametrize("creds", [
    pytest.param({"USER": "calvin"}, id="no-password"),
    pytest.param({"USER": "", "PASS": "x"}, id="empty-user"),
    pytest.param({"USER": 12, "PASS": "hobbes"}, id="int-user"),
    pytest.param({"USER": "calvin", "PASS": ["hobbes"]}, id="list-pass"),
    pytest.param({"USER": None, "PASS": "hobbes"}, id="null-user"),
])
def test_param_bad_json_values_are_401(backend: Backend,
                                       creds: dict[str, Any]) -> None:
    client = backend.client(make_app(backend, FSA_AUTH="param"))
    r = client.post("/who", json=creds)
    assert r.status == 401, r


def test_core_param_json_overrides_query() -> None:
    guard = make_guard(FSA_AUTH="param")
    user = login(guard, query={"USER": "calvin", "PASS": "nope"},
                 json={"PASS": "hobbes"})
    assert user == "calvin"


# --- password --------------------------------------------------------------


def test_password_is_basic_then_param(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_AUTH="password"))
    r = client.get("/who", headers=basic("calvin", "hobbes"))
    assert r.status == 200 and r.text == "calvin"
    r = client.get("/who", query={"USER": "susie", "PASS": "derkins"})
    assert r.status == 200 and r.text == "susie"


def test_password_basic_decides_first(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_AUTH="password"))
    r = client.get("/who", headers=basic("calvin", "bad"),
                   query={"USER": "susie", "PASS": "derkins"})
    assert r.status == 401 and r.text == LOGIN_FAILED


def test_core_password_scheme_order() -> None:
    guard = make_guard(FSA_AUTH="password")
    assert [s.name for s in guard.schemes] == ["token", "basic", "param"]


# --- fake ------------------------------------------------------------------


@pytest.mark.parametrize("addr", ["127.0.0.1", "127.0.0.2", "::1"])
def test_fake_from_loopback(backend: Backend, addr: str) -> None:
    client = backend.client(make_app(backend, FSA_AUTH="fake"))
    r = client.get("/who", query={"LOGIN": "calvin"}, remote_addr=addr)
    assert r.status == 200 and r.text == "calvin"


@pytest.mark.parametrize("addr", ["10.0.0.1", "192.168.1.1", "8.8.8.8"])
def test_fake_from_elsewhere_is_401(backend: Backend, addr: str) -> None:
    client = backend.client(make_app(backend, FSA_AUTH="fake"))
    r = client.get("/who", query={"LOGIN": "calvin"}, remote_addr=addr)
    assert r.status == 401
    assert "calvin" not in r.text


def test_fake_custom_parameter(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_AUTH="fake",
                                     FSA_FAKE_LOGIN="as"))
    r = client.get("/who", query={"as": "hobbes"})
    assert r.status == 200 and r.text == "hobbes"
    r = client.get("/who", query={"LOGIN": "hobbes"})
    assert r.status == 401


@pytest.mark.parametrize(("addr", "ok"), [
    pytest.param("127.0.0.1", True, id="ipv4"),
    pytest.param("::1", True, id="ipv6"),
    pytest.param("::ffff:127.0.0.1", True, id="ipv4-mapped"),
    pytest.param("10.0.0.1", False, id="private"),
    pytest.param("::ffff:10.0.0.1", False, id="mapped-private"),
    pytest.param("localhost", False, id="name"),
    pytest.param("", False, id="empty"),
    pytest.param(None, False, id="none"),
])
def test_core_fake_loopback_only(addr: str | None, ok: bool) -> None:
    guard = make_guard(FSA_AUTH=["fake"])
    if ok:
        assert login(guard, query={"LOGIN": "x"}, remote_addr=addr) == "x"
    else:
        with pytest.raises(BadAuthError):
            login(guard, query={"LOGIN": "x"}, remote_addr=addr)


@pytest.mark.parametrize("value", [12, True, ["calvin"], {"a": 1}])
def test_fake_login_of_wrong_json_type_is_401(backend: Backend,
                                              value: Any) -> None:
    client = backend.client(make_app(backend, FSA_AUTH="fake"))
    r = client.post("/who", json={"LOGIN": value})
    assert r.status == 401, r


def test_core_fake_empty_login_is_refused() -> None:
    guard = make_guard(FSA_AUTH=["fake"])
    with pytest.raises(BadAuthError):
        login(guard, query={"LOGIN": ""})


# --- none ------------------------------------------------------------------


def test_none_opens_any_and_closes_all(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_AUTH="none"))
    assert client.get("/open").text == "open"
    r = client.get("/who", headers=basic("calvin", "hobbes"),
                   remote_user="calvin")
    assert r.status == 401
    assert "WWW-Authenticate" not in r.headers


def test_core_none_has_no_scheme() -> None:
    guard = make_guard(FSA_AUTH="none")
    assert guard.schemes == ()
    with pytest.raises(NoAuthError) as info:
        login(guard, remote_user="calvin")
    assert info.value.headers == []


# --- token as a scheme, scheme lists --------------------------------------


def test_single_scheme_implies_token_first(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_AUTH="basic"))
    token = client.get("/login", headers=basic("calvin", "hobbes")).text
    r = client.get("/who", headers=bearer(token))
    assert r.status == 200 and r.text == "calvin"


def test_token_only(backend: Backend) -> None:
    app = make_app(backend, FSA_AUTH="token")

    @app.get("/token/<user>", authorize="ANY")
    async def token_for(user: str) -> str:
        return await aw(app.create_token(user))

    client = backend.client(app)
    token = client.get("/token/susie").text
    assert client.get("/who", headers=bearer(token)).text == "susie"
    r = client.get("/who", headers=basic("calvin", "hobbes"))
    assert r.status == 401
    assert r.headers.getlist("WWW-Authenticate") == ['Bearer realm="test"']


def test_list_is_taken_as_given(backend: Backend) -> None:
    app = make_app(backend, FSA_AUTH=["basic"])

    @app.get("/token/<user>", authorize="ANY")
    async def token_for(user: str) -> str:
        return await aw(app.create_token(user))

    client = backend.client(app)
    token = client.get("/token/calvin").text
    r = client.get("/who", headers=bearer(token))
    assert r.status == 401 and r.text == "authentication required"
    assert r.headers.getlist("WWW-Authenticate") == [
        'Basic realm="test", charset="UTF-8"']


@pytest.mark.parametrize(("auth", "names"), [
    pytest.param("basic", ["token", "basic"], id="single"),
    pytest.param("token", ["token"], id="token"),
    pytest.param(["param", "basic"], ["param", "basic"], id="list"),
    pytest.param(["basic", "token"], ["basic", "token"], id="token-last"),
    pytest.param(["password", "fake"], ["basic", "param", "fake"],
                 id="password-in-list"),
    pytest.param("none", [], id="none"),
])
def test_core_scheme_order(auth: str | list[str], names: list[str]
                           ) -> None:
    assert [s.name for s in make_guard(FSA_AUTH=auth).schemes] == names


def test_first_scheme_with_credentials_decides(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_AUTH=["param", "basic"]))
    bad_param = {"USER": "calvin", "PASS": "bad"}
    r = client.get("/who", query=bad_param,
                   headers=basic("susie", "derkins"))
    assert r.status == 401 and r.text == LOGIN_FAILED
    r = client.get("/who", headers=basic("susie", "derkins"))
    assert r.status == 200 and r.text == "susie"


def test_later_scheme_not_tried_after_success(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_AUTH=["basic", "param"]))
    r = client.get("/who", query={"USER": "calvin", "PASS": "bad"},
                   headers=basic("susie", "derkins"))
    assert r.status == 200 and r.text == "susie"


# --- challenges ------------------------------------------------------------


def test_basic_challenge_uses_realm(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_AUTH=["basic"],
                                     FSA_REALM="Kiva Realm"))
    r = client.get("/who")
    assert r.status == 401
    assert r.headers["WWW-Authenticate"] == \
        'Basic realm="Kiva Realm", charset="UTF-8"'


def test_challenge_quotes_are_escaped() -> None:
    # realm is a quoted-string (RFC 7235 section 2.1), in every challenge
    guard = make_guard(FSA_AUTH="basic", FSA_REALM='say "hi"')
    assert guard.challenges() == [
        ("WWW-Authenticate", 'Bearer realm="say \\"hi\\""'),
        ("WWW-Authenticate", 'Basic realm="say \\"hi\\"", charset="UTF-8"'),
    ]


def test_default_realm_is_simplified_app_name(backend: Backend) -> None:
    app = backend.app("My Great App!", FSA_AUTH=["basic"], **FAST_PASSWORDS)

    @app.get("/who", authorize="ALL")
    async def who() -> str:
        return await aw(app.get_user())

    r = backend.client(app).get("/who")
    assert r.headers["WWW-Authenticate"] == \
        'Basic realm="my-great-app", charset="UTF-8"'


def test_no_credentials_lists_every_challenge(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_AUTH="password",
                                     FSA_REALM="kiva"))
    r = client.get("/who")
    assert r.status == 401 and r.text == "authentication required"
    assert r.headers.getlist("WWW-Authenticate") == [
        'Bearer realm="kiva"', 'Basic realm="kiva", charset="UTF-8"']


def test_bearer_challenge_uses_token_name(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_AUTH="token",
                                     FSA_TOKEN_NAME="Token"))
    r = client.get("/who")
    assert r.headers.getlist("WWW-Authenticate") == ['Token realm="test"']


@pytest.mark.parametrize("carrier", ["param", "cookie", "header"])
def test_no_bearer_challenge_for_other_carriers(backend: Backend,
                                                carrier: str) -> None:
    client = backend.client(make_app(backend, FSA_AUTH="token",
                                     FSA_TOKEN_CARRIER=carrier))
    r = client.get("/who")
    assert r.status == 401
    assert "WWW-Authenticate" not in r.headers


def test_bad_token_gets_bearer_challenge_only(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_AUTH="basic"))
    r = client.get("/who", headers=bearer("test:calvin:2099:00"))
    assert r.status == 401
    assert r.headers.getlist("WWW-Authenticate") == ['Bearer realm="test"']


# --- auth= on a route ------------------------------------------------------


def auth_app(backend: Backend) -> Any:
    """An app with FSA_AUTH=basic and routes restricted by ``auth=``."""
    app = make_app(backend, FSA_AUTH="basic")

    @app.get("/basic-only", authorize="ALL", auth="basic")
    async def basic_only() -> str:
        return await aw(app.get_user())

    @app.get("/token-only", authorize="ALL", auth="token")
    async def token_only() -> str:
        return await aw(app.get_user())

    @app.get("/param-only", authorize="ALL", auth=["param"])
    async def param_only() -> str:
        return await aw(app.get_user())

    @app.get("/password", authorize="ALL", auth="password")
    async def password() -> str:
        return await aw(app.get_user())

    return app


def test_auth_basic_refuses_a_valid_token(backend: Backend) -> None:
    client = backend.client(auth_app(backend))
    token = client.get("/login", headers=basic("calvin", "hobbes")).text
    assert client.get("/who", headers=bearer(token)).status == 200
    r = client.get("/basic-only", headers=bearer(token))
    assert r.status == 401
    assert r.headers.getlist("WWW-Authenticate") == [
        'Basic realm="test", charset="UTF-8"']
    r = client.get("/basic-only", headers=basic("calvin", "hobbes"))
    assert r.status == 200 and r.text == "calvin"


def test_auth_token_refuses_basic(backend: Backend) -> None:
    client = backend.client(auth_app(backend))
    r = client.get("/token-only", headers=basic("calvin", "hobbes"))
    assert r.status == 401
    token = client.get("/login", headers=basic("calvin", "hobbes")).text
    r = client.get("/token-only", headers=bearer(token))
    assert r.status == 200 and r.text == "calvin"


def test_auth_adds_a_scheme_for_one_route(backend: Backend) -> None:
    client = backend.client(auth_app(backend))
    creds = {"USER": "susie", "PASS": "derkins"}
    r = client.get("/param-only", query=creds)
    assert r.status == 200 and r.text == "susie"
    assert client.get("/who", query=creds).status == 401


def test_auth_password_expands(backend: Backend) -> None:
    client = backend.client(auth_app(backend))
    r = client.get("/password", query={"USER": "susie", "PASS": "derkins"})
    assert r.text == "susie"
    r = client.get("/password", headers=basic("calvin", "hobbes"))
    assert r.text == "calvin"


@pytest.mark.parametrize("auth", [
    pytest.param("basik", id="typo"),
    pytest.param("none", id="none"),
    pytest.param([], id="empty-list"),
])
def test_auth_bad_name_fails_at_declaration(backend: Backend,
                                            auth: Any) -> None:
    app = make_app(backend)
    with pytest.raises(ConfigError):
        @app.get("/bad", authorize="ALL", auth=auth)
        async def bad() -> str:
            return "never"


def test_auth_token_with_tokens_disabled_is_500(backend: Backend) -> None:
    app = make_app(backend, FSA_AUTH="basic", FSA_TOKEN_SECRET="")

    @app.get("/tok", authorize="ALL", auth="token")
    async def tok() -> str:
        return "never"

    r = backend.client(app).get("/tok", headers=basic("calvin", "hobbes"))
    assert r.status == 500
    assert r.headers["Content-Type"].startswith("text/plain")
    assert "Traceback" not in r.text


# --- concurrency (Flask only: a real threaded server) ----------------------


def _fetch(port: int, user: str) -> tuple[int, str]:
    """GET /me on 127.0.0.1 as ``user``, without any proxy."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/me", headers=basic(user, USERS_4[user]))
        answer = conn.getresponse()
        return answer.status, answer.read().decode()
    finally:
        conn.close()


USERS_4 = {f"user{i}": f"pass-{i}" for i in range(4)}


def test_flask_threaded_server_keeps_users_apart() -> None:
    from werkzeug.serving import make_server

    import fsa_flask

    app = fsa_flask.Flask("threads")
    app.config.update(FSA_AUTH="basic", FSA_TOKEN_SECRET=SECRET,
                      FSA_CACHE_SIZE=0, **FAST_PASSWORDS)
    app.get_user_pass(USERS_4.get)
    lock = threading.Lock()
    inside = {"now": 0, "peak": 0}

    @app.user_in_group
    def in_group(user: str, group: str) -> bool:
        with lock:
            inside["now"] += 1
            inside["peak"] = max(inside["peak"], inside["now"])
        time.sleep(0.02)
        with lock:
            inside["now"] -= 1
        return group == "member"

    @app.get("/me", authorize="member")
    def me() -> str:
        return app.get_user()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        users = [f"user{i % 4}" for i in range(40)]
        with ThreadPoolExecutor(max_workers=10) as pool:
            answers = list(pool.map(
                lambda u: _fetch(server.server_port, u), users, timeout=30))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    assert answers == [(200, user) for user in users]
    assert inside["peak"] > 1, "requests did not overlap"
