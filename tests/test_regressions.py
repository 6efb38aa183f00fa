"""Behaviours fixed after review, kept from coming back."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from conftest import FAST_PASSWORDS, Backend, aw

from fsa_common import ConfigError, read_config
from fsa_common.params import GLOBAL_CASTS


def test_current_user_does_not_hide_hook_errors(backend: Backend) -> None:
    app = backend.app(FSA_AUTH="param", FSA_TOKEN_SECRET="s" * 32,
                      **FAST_PASSWORDS)
    app.get_user_pass(lambda user: 42)

    @app.get("/maybe", authorize="ANY")
    async def maybe() -> str:
        return str(await aw(app.current_user()))

    client = backend.client(app)
    assert client.get("/maybe").text == "None"
    r = client.get("/maybe", query={"USER": "calvin", "PASS": "x"})
    assert r.status == 500 and r.text == "internal error"


class Celsius:
    def __init__(self, degrees: float) -> None:
        self.degrees = degrees


def test_register_cast_on_the_app_class(backend: Backend) -> None:
    backend.App.register_cast(Celsius, lambda s: Celsius(float(s[:-1])))
    try:
        app = backend.app(FSA_AUTH="none")

        @app.get("/temp", authorize="ANY")
        async def temp(t: Celsius) -> str:
            return str(t.degrees)

        client = backend.client(app)
        assert client.get("/temp", query={"t": "21.5C"}).text == "21.5"
        assert client.get("/temp", query={"t": "hot"}).status == 400
    finally:
        GLOBAL_CASTS.pop(Celsius, None)


def test_unknown_http_auth_option_is_reported(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="fsa_common"):
        read_config({"FSA_HTTP_AUTH_OPTS": {"use_ha1_pass": True}})
    assert any("use_ha1_pass" in r.getMessage() and "use_ha1_pw" in
               r.getMessage() for r in caplog.records)


def test_digest_without_any_secret_uses_a_random_key(
        backend: Backend, caplog: pytest.LogCaptureFixture) -> None:
    app = backend.app(FSA_AUTH="digest", FSA_TOKEN_TYPE=None)
    app.get_user_pass({"calvin": "hobbes"}.get)

    @app.get("/me", authorize="ALL")
    async def me() -> Any:
        return await aw(app.get_user())

    with caplog.at_level(logging.WARNING, logger="fsa_common"):
        r = backend.client(app).get("/me")
    assert r.status == 401 and "Digest" in r.headers["WWW-Authenticate"]
    assert any("only valid in this process" in rec.getMessage()
               for rec in caplog.records)


def test_bcrypt_refusal_message_is_ours(backend: Backend) -> None:
    app = backend.app(FSA_AUTH="none")

    @app.post("/register", authorize="ANY")
    async def register(password: str) -> str:
        return await aw(app.hash_password(password))

    r = backend.client(app).post("/register", form={"password": "x" * 80})
    assert r.status == 400
    assert "72 bytes" in r.text and "my_password" not in r.text


def test_app_hooks_all_run_on_the_first_request(backend: Backend) -> None:
    app = backend.app(FSA_AUTH="basic", FSA_TOKEN_SECRET="s" * 32)

    @app.before_request
    def blocked() -> Any:
        return "blocked", 403

    @app.get("/open", authorize="ANY")
    async def open_() -> str:
        return "view ran"

    client = backend.client(app)
    assert [client.get("/open").status for _ in range(3)] == [403] * 3


@pytest.mark.parametrize("value", [
    pytest.param("0x" + "f" * 5000, id="huge-hex"),
    pytest.param("0b" + "1" * 5000, id="huge-binary"),
    pytest.param("9" * 5000, id="huge-decimal"),
    pytest.param("\u0661", id="arabic-digit"),
])
def test_absurd_integers_are_refused(backend: Backend, value: str) -> None:
    app = backend.app(FSA_AUTH="none")

    @app.get("/i/<i>", authorize="ANY")
    async def by_path(i: int) -> Any:
        return {"i": i}

    @app.get("/i", authorize="ANY")
    async def by_query(i: int) -> Any:
        return {"i": i}

    client = backend.client(app)
    assert client.get("/i", query={"i": value}).status == 400
    assert client.get("/i/" + value).status == 404


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity"])
def test_non_finite_floats_are_refused(backend: Backend, value: str) -> None:
    app = backend.app(FSA_AUTH="none")

    @app.get("/f", authorize="ANY")
    async def f(x: float) -> str:
        return str(x)

    r = backend.client(app).get("/f", query={"x": value})
    assert r.status == 400 and '"x"' in r.text


@pytest.mark.parametrize("config", [
    pytest.param({"FSA_AUTH": "token", "FSA_TOKEN_CARRIER": "param"},
                 id="token-param"),
    pytest.param({"FSA_AUTH": "param"}, id="param-user"),
    pytest.param({"FSA_AUTH": "fake"}, id="fake-user"),
    pytest.param({"FSA_AUTH": "none"}, id="str-param"),
])
def test_lone_surrogates_are_refused(backend: Backend,
                                     config: dict[str, Any]) -> None:
    app = backend.app(FSA_TOKEN_SECRET="s" * 32, **FAST_PASSWORDS, **config)
    app.get_user_pass(lambda user: user.encode("utf-8").decode())

    @app.post("/x", authorize="ANY" if config["FSA_AUTH"] == "none"
              else "ALL")
    async def x(name: str = "none") -> str:
        return name

    body = {"auth": "test:\ud800:20990101000000:00", "USER": "\ud800",
            "PASS": "x", "LOGIN": "\ud800", "name": "\ud800"}
    r = backend.client(app).post("/x", data=json_dumps(body),
                                 content_type="application/json")
    assert r.status in (400, 401), r


def json_dumps(value: Any) -> bytes:
    import json

    return json.dumps(value).encode()


def test_realm_with_a_colon_is_refused() -> None:
    with pytest.raises(ConfigError, match="FSA_REALM"):
        read_config({"FSA_REALM": "shop:admin", "FSA_TOKEN_SECRET": "x"})


def test_jwt_with_non_finite_expiry_is_refused() -> None:
    import base64
    import hashlib
    import hmac
    import json

    from fsa_common import BadAuthError, Guard

    guard = Guard.from_mapping({"FSA_TOKEN_TYPE": "jwt",
                                "FSA_TOKEN_SECRET": "s" * 32}, "test")

    def part(value: Any) -> bytes:
        raw = json.dumps(value).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=")

    body = part({"alg": "HS256", "typ": "JWT"}) + b"." + \
        b'eyJzdWIiOiAiY2FsdmluIiwgImF1ZCI6ICJ0ZXN0IiwgImV4cCI6IE5hTn0'
    mac = hmac.new(b"s" * 32, body, hashlib.sha256).digest()
    token = body + b"." + base64.urlsafe_b64encode(mac).rstrip(b"=")
    with pytest.raises(BadAuthError):
        guard.tokens.check(token.decode())


def test_plain_view_answering_options_is_checked(backend: Backend) -> None:
    app = backend.app(FSA_AUTH="none")

    def plain() -> str:
        return "secret"

    app.add_url_rule("/plain", "plain", plain, methods=["GET", "OPTIONS"])
    client = backend.client(app)
    assert client.options("/plain").status == 500
    assert client.get("/plain").status == 500


def test_hook_raising_is_a_text_500(backend: Backend,
                                    caplog: pytest.LogCaptureFixture
                                    ) -> None:
    app = backend.app(FSA_AUTH="basic", FSA_TOKEN_SECRET="s" * 32)

    @app.get_user_pass
    def broken(user: str) -> str:
        raise ConnectionError("database down")

    @app.get("/me", authorize="ALL")
    async def me() -> Any:
        return await aw(app.get_user())

    with caplog.at_level(logging.ERROR, logger="fsa_common"):
        r = backend.client(app).get("/me", headers={
            "Authorization": "Basic Y2FsdmluOmhvYmJlcw=="})
    assert r.status == 500 and r.text == "internal error"
    assert r.headers["Content-Type"].startswith("text/plain")
    assert any("get_user_pass" in rec.getMessage() for rec in caplog.records)


def test_async_hook_from_an_async_view(backend: Backend) -> None:
    app = backend.app(FSA_AUTH="basic", FSA_TOKEN_SECRET="s" * 32,
                      **FAST_PASSWORDS)

    @app.get_user_pass
    async def get_pass(user: str) -> str | None:
        return {"calvin": "hobbes"}.get(user)

    @app.get("/maybe", authorize="ANY")
    async def maybe() -> str:
        return str(await aw(app.current_user()))

    r = backend.client(app).get("/maybe", headers={
        "Authorization": "Basic Y2FsdmluOmhvYmJlcw=="})
    assert r.status == 200 and r.text == "calvin"


@pytest.mark.parametrize(("body", "status"), [
    pytest.param(b'\xef\xbb\xbf{"x": 1}', 200, id="utf8-bom"),
    pytest.param('{"x": 1}'.encode("utf-16"), 200, id="utf16"),
    pytest.param(b"null", 400, id="null-then-missing"),
    pytest.param(b"{bad", 400, id="invalid"),
])
def test_json_bodies_read_alike(backend: Backend, body: bytes,
                                status: int) -> None:
    app = backend.app(FSA_AUTH="none")

    @app.post("/x", authorize="ANY")
    async def x(x: int) -> str:
        return str(x)

    @app.post("/none", authorize="ANY")
    async def none() -> str:
        return "ok"

    client = backend.client(app)
    r = client.post("/x", data=body, content_type="application/json")
    assert r.status == status, r
    if body == b"null":
        assert "missing parameter" in r.text
    # a route without parameters does not read the body at all
    r = client.post("/none", data=body, content_type="application/json")
    assert r.status == 200


def test_clear_caches_wins_over_an_answer_in_flight() -> None:
    from fsa_common import Guard, RequestState, SimpleRequest
    from fsa_common.flow import HookCall

    guard = Guard.from_mapping({"FSA_AUTH": "basic",
                                "FSA_TOKEN_SECRET": "s" * 32,
                                **FAST_PASSWORDS}, "test")
    guard.hooks.get_user_pass = {"zed": "old"}.get
    guard.hooks.user_in_group = lambda user, group: True
    flow = guard.user_pass("zed")
    assert isinstance(next(flow), HookCall)
    guard.clear_caches()  # the password changes while the hook answers
    with pytest.raises(StopIteration):
        flow.send("old")
    assert len(guard.pass_cache) == 0

    groups = guard.in_group("zed", "admin")
    next(groups)
    guard.clear_caches()
    with pytest.raises(StopIteration):
        groups.send(True)
    assert len(guard.group_cache) == 0
    assert RequestState().user is None and SimpleRequest().path == "/"


def test_get_user_in_a_view_keeps_the_route_schemes(backend: Backend
                                                    ) -> None:
    app = backend.app(FSA_AUTH=["token", "basic", "fake"],
                      FSA_TOKEN_SECRET="s" * 32, **FAST_PASSWORDS)
    app.get_user_pass({"calvin": "hobbes"}.get)

    @app.get("/anytok", authorize="ANY", auth="token")
    async def anytok() -> Any:
        return {"u": await aw(app.current_user())}

    client = backend.client(app)
    assert client.get("/anytok", headers={
        "Authorization": "Basic Y2FsdmluOmhvYmJlcw=="}).json == {"u": None}
    assert client.get("/anytok", query={"LOGIN": "root"}).json == \
        {"u": None}


def test_failure_of_other_schemes_does_not_block_the_route(
        backend: Backend) -> None:
    app = backend.app(FSA_AUTH=["fake", "token"], FSA_TOKEN_SECRET="s" * 32)

    @app.before_request
    async def peek() -> None:
        await aw(app.current_user())  # fails: fake from a remote address

    @app.get("/login", authorize="ANY")
    async def login() -> Any:
        return await aw(app.create_token("bob"))

    @app.get("/tok", authorize="ALL", auth="token")
    async def tok() -> Any:
        return await aw(app.get_user())

    client = backend.client(app)
    token = client.get("/login").text
    r = client.get("/tok", query={"LOGIN": "x"}, remote_addr="10.0.0.1",
                   headers={"Authorization": "Bearer " + token})
    assert r.status == 200 and r.text == "bob"


@pytest.mark.parametrize("claims", [
    pytest.param({"sub": "calvin", "exp": 10 ** 400}, id="huge-exp"),
    pytest.param({"sub": "calvin", "exp": -10 ** 400}, id="huge-negative"),
    pytest.param({"sub": "\ud800", "exp": 4102444800}, id="surrogate-sub"),
])
def test_signed_but_absurd_jwt_claims_are_401(backend: Backend,
                                              claims: dict[str, Any]
                                              ) -> None:
    import jwt

    app = backend.app(FSA_AUTH="token", FSA_TOKEN_TYPE="jwt",
                      FSA_TOKEN_SECRET="s" * 32)

    @app.get("/me", authorize="ALL")
    async def me() -> Any:
        return await aw(app.get_user())

    token = jwt.encode({**claims, "aud": "test"}, "s" * 32, "HS256")
    r = backend.client(app).get("/me", headers={
        "Authorization": "Bearer " + token})
    assert r.status == 401 and r.text == "invalid token"


def test_framework_converters_type_unannotated_path_values(
        backend: Backend) -> None:
    app = backend.app(FSA_AUTH="none")

    @app.get("/a/<int:id>", authorize="ANY")
    async def a(id):  # type: ignore[no-untyped-def]  # noqa: ANN001
        return {"id": id}

    client = backend.client(app)
    assert client.get("/a/5").json == {"id": 5}
    assert client.get("/a/x").status == 404


def test_annotations_of_local_classes_resolve(backend: Backend) -> None:
    class Local:
        def __init__(self, text: str) -> None:
            self.text = text.upper()

    app = backend.app(FSA_AUTH="none")

    @app.get("/l", authorize="ANY")
    async def local(x: Local, i: int = 0) -> str:
        return f"{x.text}{i}"

    assert backend.client(app).get("/l", query={"x": "a", "i": "2"}).text \
        == "A2"


def test_unresolvable_annotations_fail_at_declaration(backend: Backend
                                                      ) -> None:
    app = backend.app(FSA_AUTH="none")
    with pytest.raises(ConfigError, match="x"):
        @app.get("/n", authorize="ANY")
        async def nowhere(x: NoSuchType) -> str:  # type: ignore # noqa: F821
            return "never"


def test_renewed_cookie_only_for_the_token_user(backend: Backend) -> None:
    from fsa_common import Guard

    app = backend.app(FSA_AUTH=["token", "basic"], FSA_MODE="always",
                      FSA_TOKEN_CARRIER="cookie", FSA_TOKEN_SECRET="s" * 32,
                      FSA_TOKEN_DELAY=60, **FAST_PASSWORDS)
    app.get_user_pass({"hobbes": "tiger"}.get)

    @app.get("/b", authorize="ALL", auth="basic")
    async def b() -> Any:
        return await aw(app.get_user())

    near = Guard.from_mapping({"FSA_TOKEN_SECRET": "s" * 32,
                               "FSA_TOKEN_DELAY": 60}, "test",
                              clock=lambda: __import__("time").time() - 3300)
    r = backend.client(app).get(
        "/b", cookies={"auth": near.create_token("calvin")},
        headers={"Authorization": "Basic aG9iYmVzOnRpZ2Vy"})
    assert r.status == 200 and r.text == "hobbes"
    assert r.cookies() == []


def test_hex_integers_are_bounded_by_value(backend: Backend) -> None:
    app = backend.app(FSA_AUTH="none")

    @app.get("/i", authorize="ANY")
    async def i(i: int) -> str:
        return str(i)

    client = backend.client(app)
    assert client.get("/i", query={"i": "0x" + "f" * 4298}).status == 400
    assert client.get("/i", query={"i": "0x" + "f" * 100}).status == 200


@pytest.mark.parametrize("options", [
    pytest.param({"nonce_delay": "5m"}, id="delay-text"),
    pytest.param({"nonce_delay": -1}, id="delay-negative"),
    pytest.param({"use_ha1_pw": "yes"}, id="ha1-text"),
    pytest.param({"realm": 42}, id="realm-number"),
])
def test_bad_http_auth_options_are_a_text_500(backend: Backend,
                                              options: dict[str, Any]
                                              ) -> None:
    app = backend.app(FSA_AUTH="digest", FSA_TOKEN_SECRET="s" * 32,
                      FSA_HTTP_AUTH_OPTS=options)

    @app.get("/me", authorize="ALL")
    async def me() -> str:
        return "me"

    app.config["TESTING"] = False
    r = backend.client(app).get("/me")
    assert r.status == 500 and r.text == "internal error"


def test_custom_basic_word_is_accepted_too(backend: Backend) -> None:
    app = backend.app(FSA_AUTH="http-basic", FSA_TOKEN_SECRET="s" * 32,
                      FSA_HTTP_AUTH_OPTS={"scheme": "xBasic"},
                      **FAST_PASSWORDS)
    app.get_user_pass({"calvin": "hobbes"}.get)

    @app.get("/me", authorize="ALL")
    async def me() -> Any:
        return await aw(app.get_user())

    client = backend.client(app)
    for word in ("Basic", "xBasic"):
        r = client.get("/me", headers={
            "Authorization": word + " Y2FsdmluOmhvYmJlcw=="})
        assert r.status == 200 and r.text == "calvin"


def test_skipped_path_401_carries_a_challenge(backend: Backend) -> None:
    app = backend.app(FSA_AUTH="basic", FSA_MODE="always",
                      FSA_SKIP_PATH=[r"/open"], FSA_TOKEN_SECRET="s" * 32)

    @app.get("/open/me", authorize="ALL")
    async def me() -> str:
        return "me"

    r = backend.client(app).get("/open/me")
    assert r.status == 401
    assert any(c.startswith("Basic") for c in
               r.headers.getlist("WWW-Authenticate"))


def test_headers_keep_lower_case_keys() -> None:
    from fsa_common import Headers

    headers = Headers()
    headers["X-Token"] = "t"
    assert headers.get("x-token") == "t" and headers["X-TOKEN"] == "t"


def test_bad_json_is_ignored_where_nothing_reads_it(backend: Backend
                                                    ) -> None:
    app = backend.app(FSA_AUTH="basic", FSA_TOKEN_SECRET="s" * 32,
                      **FAST_PASSWORDS)
    app.get_user_pass({"calvin": "hobbes"}.get)

    @app.post("/me", authorize="ALL")
    async def me() -> Any:
        return await aw(app.get_user())

    r = backend.client(app).post(
        "/me", data=b"{bad", content_type="application/json",
        headers={"Authorization": "Basic Y2FsdmluOmhvYmJlcw=="})
    assert r.status == 200 and r.text == "calvin"


@pytest.mark.parametrize("config", [
    pytest.param({"FSA_AUTH": ["param", "basic"]}, id="param"),
    pytest.param({"FSA_AUTH": ["fake"]}, id="fake"),
    pytest.param({"FSA_AUTH": "token", "FSA_TOKEN_CARRIER": "param"},
                 id="token-param"),
])
def test_body_credentials_on_any_routes_with_path_values(
        backend: Backend, config: dict[str, Any]) -> None:
    from fsa_common import Guard

    app = backend.app(FSA_TOKEN_SECRET="s" * 32, **FAST_PASSWORDS, **config)
    app.get_user_pass({"alice": "pw-a"}.get)

    @app.post("/p/<i>", authorize="ANY")
    async def p(i: int) -> Any:
        return {"i": i, "u": await aw(app.current_user())}

    token = Guard.from_mapping({"FSA_TOKEN_SECRET": "s" * 32},
                               "test").create_token("alice")
    body = {"USER": "alice", "PASS": "pw-a", "LOGIN": "alice",
            "auth": token}
    r = backend.client(app).post("/p/3", form=body)
    assert r.json == {"i": 3, "u": "alice"}


def test_annotations_never_see_the_library_locals(backend: Backend
                                                  ) -> None:
    class rule:  # noqa: N801 - a name the library also uses
        def __init__(self, text: str) -> None:
            self.text = text

    class Point:
        def __init__(self, text: str) -> None:
            self.text = "LOCAL " + text

    app = backend.app(FSA_AUTH="none")

    @app.get("/x", authorize="ANY")
    async def x(a: rule, b: Point) -> str:
        return a.text + "/" + b.text

    r = backend.client(app).get("/x", query={"a": "1", "b": "2"})
    assert r.status == 200 and r.text == "1/LOCAL 2"


def test_unions_of_several_types_are_refused_at_declaration(
        backend: Backend) -> None:
    app = backend.app(FSA_AUTH="none")
    with pytest.raises(ConfigError, match="union"):
        @app.get("/u", authorize="ANY")
        async def u(a: int | str) -> str:
            return str(a)


def test_decimal_integers_up_to_the_python_limit(backend: Backend) -> None:
    app = backend.app(FSA_AUTH="none")

    @app.post("/n", authorize="ANY")
    async def n(n: int) -> str:
        return str(len(str(n)))

    client = backend.client(app)
    assert client.post("/n", form={"n": "9" * 4300}).text == "4300"


@pytest.mark.parametrize("options", [
    pytest.param({"nonce_delay": 10 ** 400}, id="delay-huge"),
    pytest.param({"scheme": "X\r\nSet-Cookie: a=b"}, id="scheme-newline"),
    pytest.param({"scheme": "My Basic"}, id="scheme-space"),
    pytest.param({"header": "Bad Header"}, id="header-space"),
])
def test_http_auth_options_must_fit_in_headers(backend: Backend,
                                               options: dict[str, Any]
                                               ) -> None:
    app = backend.app(FSA_AUTH="http-basic", FSA_TOKEN_SECRET="s" * 32,
                      FSA_HTTP_AUTH_OPTS=options)

    @app.get("/me", authorize="ALL")
    async def me() -> str:
        return "me"

    app.config["TESTING"] = False
    r = backend.client(app).get("/me")
    assert r.status == 500 and r.text == "internal error"


def test_cast_objects_with_async_call(backend: Backend) -> None:
    class Money:
        def __init__(self, cents: int) -> None:
            self.cents = cents

    class ToMoney:
        async def __call__(self, text: str) -> Money:
            return Money(int(float(text) * 100))

    app = backend.app(FSA_AUTH="none")
    app.register_cast(Money, ToMoney())

    @app.get("/m", authorize="ANY")
    async def m(price: Money) -> str:
        return str(price.cents)

    assert backend.client(app).get("/m", query={"price": "1.5"}).text == \
        "150"


def test_extension_registers_blueprints_with_url_path(backend: Backend
                                                      ) -> None:
    app = backend.Plain("plain")
    app.config.update(TESTING=True, FSA_AUTH="none")
    fsa = backend.Extension(app)
    admin = backend.Blueprint("admin", __name__)

    @admin.get("/users", authorize="ANY")
    async def users() -> str:
        return "users"

    fsa.register_blueprint(admin, url_path="/admin")
    assert backend.client(app).get("/admin/users").text == "users"
