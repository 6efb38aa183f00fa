"""Tokens: the fsa and jwt formats, expiry, secrets, carriers, caches.

Core tests drive :class:`TokenManager` and :class:`Guard` with an injected
clock, so nothing sleeps; behaviour tests run on Flask and on Quart.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
import json
import logging
import re
import time
from typing import Any

import jwt
import pytest
from conftest import FAST_PASSWORDS, Backend, aw, basic, bearer

from fsa_common import (
    BadAuthError,
    ConfigError,
    Guard,
    RequestState,
    SimpleRequest,
    read_config,
    run_sync,
)
from fsa_common.tokens import TokenManager

SECRET = "token-tests-secret-" + "0123456789abcdef" * 3
START = 2_000_000_000.0  # 2033-05-18 03:33:20 UTC
START_LIMIT = "20330518043320"  # START plus the default hour
USERS = {"calvin": "hobbes", "susie": "derkins"}
FSA_TOKEN = re.compile(r"^([^:]+):(.+):(\d{14}):([0-9a-f]+)$")


class Clock:
    """A settable clock, injected in place of time.time."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# --- helpers ---------------------------------------------------------------


def manager(clock: Clock | None = None, app: str = "test",
            **config: Any) -> TokenManager:
    """A token manager with SECRET and the given directives."""
    mapping = {"FSA_TOKEN_SECRET": SECRET, **config}
    return TokenManager(read_config(mapping, app), clock or Clock())


def sign(data: str, secret: str = SECRET, algo: str = "blake2s",
         length: int = 16) -> str:
    """The fsa signature of ``data``, computed independently."""
    mac = hmac.new(secret.encode(), data.encode(), algo)
    return mac.hexdigest()[: 2 * length]


def b64url(data: bytes) -> str:
    """Unpadded base64url, as JWT (RFC 7515 section 2) wants it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt_by_hand(header: dict[str, Any], payload: dict[str, Any],
                key: bytes | None = None) -> str:
    """A JWS compact token built without PyJWT's safety checks.

    With ``key`` the signature is HMAC-SHA256 with that key, whatever the
    header says; without, the signature is empty.
    """
    head = b64url(json.dumps(header).encode())
    body = b64url(json.dumps(payload).encode())
    signing_input = f"{head}.{body}".encode()
    signature = b""
    if key is not None:
        signature = hmac.new(key, signing_input, hashlib.sha256).digest()
    return f"{head}.{body}.{b64url(signature)}"


def make_app(backend: Backend, **config: Any) -> Any:
    """An app with basic logins, token routes and /who (ALL)."""
    settings = {"FSA_AUTH": "basic", "FSA_TOKEN_SECRET": SECRET,
                **FAST_PASSWORDS, **config}
    app = backend.app(**settings)
    app.get_user_pass(USERS.get)

    @app.route("/who", methods=["GET", "POST"], authorize="ALL")
    async def who() -> str:
        return await aw(app.get_user())

    @app.get("/login", authorize="ALL")
    async def get_login() -> str:
        return await aw(app.create_token())

    @app.get("/token/<user>", authorize="ANY")
    async def token_for(user: str) -> str:
        return await aw(app.create_token(user))

    return app


@pytest.fixture(scope="module")
def rsa_keys() -> tuple[str, str]:
    """A fresh RSA key pair as (public PEM, private PEM)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return public, private


# --- fsa format (core) -----------------------------------------------------


def test_fsa_token_format() -> None:
    token = manager().create("calvin")
    realm, user, limit, signature = FSA_TOKEN.match(token).groups()
    assert (realm, user, limit) == ("test", "calvin", START_LIMIT)
    assert len(signature) == 32


def test_fsa_limit_is_utc() -> None:
    token = manager().create("calvin")
    limit = FSA_TOKEN.match(token).group(3)
    parsed = calendar.timegm(time.strptime(limit, "%Y%m%d%H%M%S"))
    assert parsed == START + 3600


@pytest.mark.parametrize("algo", ["blake2s", "sha256", "md5", "sha512"])
def test_fsa_signature_is_keyed_hash_of_payload(algo: str) -> None:
    token = manager(FSA_TOKEN_ALGO=algo).create("calvin")
    data, _, signature = token.rpartition(":")
    assert signature == sign(data, algo=algo)


@pytest.mark.parametrize("user", [
    pytest.param("calvin", id="plain"),
    pytest.param("a:b", id="colon"),
    pytest.param("a:b:20330518043320:ff", id="token-like"),
    pytest.param("Jäsøn Doe", id="utf8"),
    pytest.param("x" * 200, id="long"),
])
def test_fsa_round_trip(user: str) -> None:
    tokens = manager()
    token = tokens.create(user)
    assert tokens.check(token) == (user, START + 3600)


def test_fsa_round_trip_across_managers() -> None:
    token = manager().create("calvin")
    assert manager().check(token)[0] == "calvin"


@pytest.mark.parametrize("user", ["", None, 12])
def test_fsa_create_needs_a_user(user: Any) -> None:
    with pytest.raises(ConfigError):
        manager().create(user)


def _good() -> str:
    return manager().create("calvin")


def _swap_last(token: str) -> str:
    last = "0" if token[-1] != "0" else "1"
    return token[:-1] + last


BAD_FSA_TOKENS = [
    pytest.param(lambda: _swap_last(_good()), id="tampered-signature"),
    pytest.param(lambda: _good().replace("calvin", "hobbes"),
                 id="tampered-user"),
    pytest.param(lambda: _good().replace(START_LIMIT, "20990101000000"),
                 id="tampered-limit"),
    pytest.param(lambda: manager(app="other").create("calvin"),
                 id="other-realm"),
    pytest.param(lambda: _good().replace("test:", "TEST:", 1),
                 id="realm-case"),
    pytest.param(lambda: manager(FSA_TOKEN_SECRET="another-secret-" * 3)
                 .create("calvin"), id="other-secret"),
    pytest.param(lambda: _good()[:-1], id="truncated-1"),
    pytest.param(lambda: _good()[:-20], id="truncated-20"),
    pytest.param(lambda: _good().rpartition(":")[0], id="no-signature"),
    pytest.param(lambda: _good() + ":", id="trailing-colon"),
    pytest.param(lambda: _good() + "00", id="longer-signature"),
    pytest.param(lambda: _good().upper(), id="upper-case"),
    pytest.param(lambda: "test:calvin", id="two-fields"),
    pytest.param(lambda: "test:", id="realm-only"),
    pytest.param(lambda: "", id="empty"),
    pytest.param(lambda: ":::", id="colons"),
    pytest.param(lambda: "garbage", id="garbage"),
    pytest.param(lambda: "test::" + START_LIMIT + ":"
                 + sign("test::" + START_LIMIT), id="empty-user"),
    pytest.param(lambda: "test:calvin:" + START_LIMIT + ":" + "é" * 32,
                 id="non-ascii-signature"),
    pytest.param(lambda: "tést:calvin:" + START_LIMIT + ":" + "0" * 32,
                 id="non-ascii-realm"),
    pytest.param(lambda: "test:calvin:٢٠٣٣٠٥١٨٠٤٣٣٢٠:" + "0" * 32,
                 id="non-ascii-digits"),
    pytest.param(lambda: "test:calvin:" + START_LIMIT + ":\x00" * 32,
                 id="nul"),
    pytest.param(lambda: "test:" + "x" * 9000 + ":" + START_LIMIT + ":00",
                 id="over-long"),
    pytest.param(lambda: jwt.encode({"sub": "calvin", "aud": "test",
                                     "exp": int(START) + 60},
                                    SECRET, algorithm="HS256"),
                 id="a-jwt"),
]


@pytest.mark.parametrize("make", BAD_FSA_TOKENS)
def test_fsa_bad_tokens_are_401(make: Any) -> None:
    with pytest.raises(BadAuthError) as info:
        manager().check(make())
    assert info.value.status == 401


@pytest.mark.parametrize("limit", [
    pytest.param("2033051804332", id="13-digits"),
    pytest.param("203305180433200", id="15-digits"),
    pytest.param("2033-05-18T04", id="iso"),
    pytest.param("20331318043320", id="month-13"),
    pytest.param("20330532043320", id="day-32"),
    pytest.param("20330518253320", id="hour-25"),
    pytest.param("+0330518043320", id="sign"),
    pytest.param(" 0330518043320", id="space"),
    pytest.param("", id="empty"),
])
def test_fsa_signed_bad_limit_is_401(limit: str) -> None:
    data = f"test:calvin:{limit}"
    with pytest.raises(BadAuthError):
        manager().check(f"{data}:{sign(data)}")


def test_fsa_signed_far_limit_is_accepted() -> None:
    data = "test:calvin:20991231235959"
    user, _ = manager().check(f"{data}:{sign(data)}")
    assert user == "calvin"


# --- expiry and grace (core, injected clock) -------------------------------


@pytest.mark.parametrize(("delay", "grace", "elapsed", "ok"), [
    pytest.param(60, 0, 0, True, id="fresh"),
    pytest.param(60, 0, 3600, True, id="at-limit"),
    pytest.param(60, 0, 3601, False, id="just-expired"),
    pytest.param(60, 5, 3600 + 300, True, id="end-of-grace"),
    pytest.param(60, 5, 3600 + 301, False, id="after-grace"),
    pytest.param(1.5, 0, 90, True, id="float-delay"),
    pytest.param(1.5, 0, 91, False, id="float-delay-expired"),
    pytest.param(60, 0, -86400, True, id="clock-went-back"),
])
def test_fsa_expiry(delay: float, grace: float, elapsed: float,
                    ok: bool) -> None:
    clock = Clock()
    tokens = manager(clock, FSA_TOKEN_DELAY=delay, FSA_TOKEN_GRACE=grace)
    token = tokens.create("calvin")
    clock.now = START + elapsed
    if ok:
        assert tokens.check(token)[0] == "calvin"
    else:
        with pytest.raises(BadAuthError, match="expired"):
            tokens.check(token)


def test_cached_token_still_expires() -> None:
    clock = Clock()
    tokens = manager(clock)
    token = tokens.create("calvin")
    assert tokens.check(token)[0] == "calvin"
    assert len(tokens.cache) == 1
    clock.now = START + 3601
    with pytest.raises(BadAuthError, match="expired"):
        tokens.check(token)


def test_guard_clock_reaches_tokens() -> None:
    clock = Clock()
    guard = Guard.from_mapping({"FSA_TOKEN_SECRET": SECRET,
                                "FSA_AUTH": "token"}, "test", clock=clock)
    token = guard.create_token("calvin")
    assert FSA_TOKEN.match(token).group(3) == START_LIMIT
    req = SimpleRequest(headers=bearer(token))
    assert run_sync(guard.authenticate(req, RequestState())) == "calvin"
    clock.now += 7200
    with pytest.raises(BadAuthError, match="expired"):
        run_sync(guard.authenticate(req, RequestState()))


def test_fsa_huge_delay_is_usable_or_refused() -> None:
    # the limit has 14 digits, so a year past 9999 cannot be written
    config = {"FSA_TOKEN_SECRET": SECRET, "FSA_TOKEN_DELAY": 10 ** 10}
    try:
        tokens = TokenManager(read_config(config), Clock())
    except ConfigError as error:
        assert "FSA_TOKEN_DELAY" in error.message
        return
    token = tokens.create("calvin")
    assert tokens.check(token)[0] == "calvin"


# --- length and algorithm --------------------------------------------------


@pytest.mark.parametrize(("algo", "length", "hex_digits"), [
    pytest.param("blake2s", 1, 2, id="blake2s-1"),
    pytest.param("blake2s", 8, 16, id="blake2s-8"),
    pytest.param("blake2s", 16, 32, id="blake2s-default"),
    pytest.param("blake2s", 32, 64, id="blake2s-full"),
    pytest.param("sha256", 20, 40, id="sha256-20"),
    pytest.param("md5", 16, 32, id="md5-full"),
    pytest.param("sha512", 64, 128, id="sha512-full"),
])
def test_fsa_token_length(algo: str, length: int, hex_digits: int) -> None:
    tokens = manager(FSA_TOKEN_ALGO=algo, FSA_TOKEN_LENGTH=length)
    token = tokens.create("calvin")
    assert len(token.rpartition(":")[2]) == hex_digits
    assert tokens.check(token)[0] == "calvin"


def test_fsa_length_mismatch_is_refused() -> None:
    token = manager(FSA_TOKEN_LENGTH=8).create("calvin")
    with pytest.raises(BadAuthError):
        manager(FSA_TOKEN_LENGTH=16).check(token)


@pytest.mark.parametrize(("made", "checked"), [
    pytest.param("sha256", "blake2s", id="sha256-vs-blake2s"),
    pytest.param("md5", "sha256", id="md5-vs-sha256"),
    pytest.param("blake2s", "md5", id="blake2s-vs-md5"),
])
def test_fsa_algorithm_mismatch_is_refused(made: str, checked: str) -> None:
    token = manager(FSA_TOKEN_ALGO=made).create("calvin")
    with pytest.raises(BadAuthError):
        manager(FSA_TOKEN_ALGO=checked).check(token)


def test_fsa_unknown_algorithm_is_config_error() -> None:
    with pytest.raises(ConfigError, match="FSA_TOKEN_ALGO"):
        read_config({"FSA_TOKEN_SECRET": SECRET, "FSA_TOKEN_ALGO": "nope"})


def test_bytes_secret_equals_str_secret() -> None:
    token = manager(FSA_TOKEN_SECRET=SECRET.encode()).create("calvin")
    assert manager().check(token)[0] == "calvin"


# --- secrets ---------------------------------------------------------------


def test_random_secret_when_unset(caplog: pytest.LogCaptureFixture
                                  ) -> None:
    with caplog.at_level(logging.WARNING, logger="fsa_common"):
        config = read_config({}, "test")

    assert config.random_secret is True
    assert config.tokens_enabled
    assert len(config.token_secret) >= 32
    assert any("FSA_TOKEN_SECRET" in r.getMessage()
               for r in caplog.records if r.levelno == logging.WARNING)


def test_random_secrets_differ_between_guards() -> None:
    first = Guard.from_mapping({}, "test")
    second = Guard.from_mapping({}, "test")
    assert first.config.token_secret != second.config.token_secret
    token = first.create_token("calvin")
    assert first.tokens.check(token)[0] == "calvin"
    with pytest.raises(BadAuthError):
        second.tokens.check(token)


def test_random_secret_logged_at_first_request(
        backend: Backend, caplog: pytest.LogCaptureFixture) -> None:
    app = backend.app(FSA_AUTH="basic", **FAST_PASSWORDS)

    @app.get("/open", authorize="ANY")
    async def open_route() -> str:
        return "open"

    with caplog.at_level(logging.WARNING, logger="fsa_common"):
        assert backend.client(app).get("/open").status == 200

    assert any("FSA_TOKEN_SECRET" in r.getMessage() for r in caplog.records)


def test_given_secret_is_not_logged(caplog: pytest.LogCaptureFixture
                                    ) -> None:
    with caplog.at_level(logging.DEBUG, logger="fsa_common"):
        config = read_config({"FSA_TOKEN_SECRET": SECRET}, "test")
        manager().check(manager().create("calvin"))

    assert config.random_secret is False
    assert all(SECRET not in r.getMessage() for r in caplog.records)


def test_short_secret_warns(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="fsa_common"):
        read_config({"FSA_TOKEN_SECRET": "short"}, "test")

    assert any("short" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("config", [
    pytest.param({"FSA_TOKEN_SECRET": ""}, id="empty-secret"),
    pytest.param({"FSA_TOKEN_SECRET": b""}, id="empty-bytes"),
    pytest.param({"FSA_TOKEN_TYPE": None}, id="no-type"),
])
def test_core_tokens_disabled(config: dict[str, Any]) -> None:
    guard = Guard.from_mapping({"FSA_AUTH": "basic", **config}, "test")
    assert not guard.config.tokens_enabled
    assert guard.tokens is None
    assert [s.name for s in guard.schemes] == ["basic"]
    with pytest.raises(ConfigError) as info:
        guard.create_token("calvin")
    assert info.value.status == 500


def test_core_token_scheme_needs_tokens() -> None:
    with pytest.raises(ConfigError, match="FSA_AUTH"):
        Guard.from_mapping({"FSA_AUTH": "token", "FSA_TOKEN_SECRET": ""},
                           "test")


def test_empty_secret_disables_tokens(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_TOKEN_SECRET=""))
    token = manager().create("calvin")
    r = client.get("/who", headers=bearer(token))
    assert r.status == 401 and r.text == "authentication required"
    assert r.headers.getlist("WWW-Authenticate") == [
        'Basic realm="test", charset="UTF-8"']
    r = client.get("/login", headers=basic("calvin", "hobbes"))
    assert r.status == 500
    assert r.headers["Content-Type"].startswith("text/plain")
    assert "Traceback" not in r.text and SECRET not in r.text
    assert client.get("/token/susie").status == 500


# --- create_token in views -------------------------------------------------


def test_create_token_for_current_user(backend: Backend) -> None:
    client = backend.client(make_app(backend))
    token = client.get("/login", headers=basic("calvin", "hobbes")).text
    assert FSA_TOKEN.match(token).group(1, 2) == ("test", "calvin")
    r = client.get("/who", headers=bearer(token))
    assert r.status == 200 and r.text == "calvin"


def test_create_token_for_named_user(backend: Backend) -> None:
    client = backend.client(make_app(backend))
    token = client.get("/token/susie").text
    assert FSA_TOKEN.match(token).group(2) == "susie"
    assert client.get("/who", headers=bearer(token)).text == "susie"


def test_create_token_for_user_with_colon(backend: Backend) -> None:
    client = backend.client(make_app(backend))
    token = client.get("/token/a:b:c").text
    assert token.startswith("test:a:b:c:")
    assert client.get("/who", headers=bearer(token)).text == "a:b:c"


def test_create_token_limit_is_near_now(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_TOKEN_DELAY=10))
    before = time.time()
    token = client.get("/token/susie").text
    limit = FSA_TOKEN.match(token).group(3)
    parsed = calendar.timegm(time.strptime(limit, "%Y%m%d%H%M%S"))
    assert before + 600 - 2 <= parsed <= time.time() + 600


def test_create_token_without_user_is_401(backend: Backend) -> None:
    client = backend.client(make_app(backend))
    assert client.get("/login").status == 401


def test_expired_token_is_401(backend: Backend) -> None:
    client = backend.client(make_app(backend))
    old = manager(Clock(time.time() - 7200)).create("calvin")
    r = client.get("/who", headers=bearer(old))
    assert r.status == 401 and "expired" in r.text
    assert r.headers.getlist("WWW-Authenticate") == ['Bearer realm="test"']


def test_grace_accepts_recently_expired_token(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_TOKEN_GRACE=30))
    old = manager(Clock(time.time() - 3600 - 600)).create("calvin")
    r = client.get("/who", headers=bearer(old))
    assert r.status == 200 and r.text == "calvin"


@pytest.mark.parametrize("token", [
    pytest.param("", id="empty"),
    pytest.param("test:calvin", id="truncated"),
    pytest.param("ça:va:20990101000000:00", id="non-ascii"),
    pytest.param("x" * 10_000, id="huge"),
])
def test_bad_bearer_tokens_are_401(backend: Backend, token: str) -> None:
    client = backend.client(make_app(backend))
    r = client.get("/who", headers={"Authorization": f"Bearer {token}"})
    assert r.status == 401, r
    assert r.headers["Content-Type"].startswith("text/plain")


def test_token_from_another_app_realm_is_401(backend: Backend) -> None:
    client = backend.client(make_app(backend))
    token = manager(app="other").create("calvin")
    assert client.get("/who", headers=bearer(token)).status == 401


# --- carriers --------------------------------------------------------------


@pytest.mark.parametrize(("carrier", "name"), [
    pytest.param("bearer", "Bearer", id="bearer"),
    pytest.param("param", "auth", id="param"),
    pytest.param("cookie", "auth", id="cookie"),
    pytest.param("header", "Auth", id="header"),
])
def test_token_name_defaults(carrier: str, name: str) -> None:
    config = read_config({"FSA_TOKEN_SECRET": SECRET,
                          "FSA_TOKEN_CARRIER": carrier})
    assert config.token_name == name


def _send(token: str, carrier: str, name: str, where: str
          ) -> dict[str, Any]:
    """Client keywords carrying ``token`` as ``carrier`` says."""
    if carrier == "bearer":
        return {"headers": {"Authorization": f"{name} {token}"}}
    if carrier == "header":
        return {"headers": {name: token}}
    if carrier == "cookie":
        return {"cookies": {name: token}}
    return {where: {name: token}}


CARRIER_CASES = [
    pytest.param("bearer", None, "Bearer", "query", id="bearer-default"),
    pytest.param("bearer", "Token", "Token", "query", id="bearer-custom"),
    pytest.param("bearer", None, "bearer", "query", id="bearer-lower"),
    pytest.param("param", None, "auth", "query", id="param-query"),
    pytest.param("param", None, "auth", "form", id="param-form"),
    pytest.param("param", None, "auth", "json", id="param-json"),
    pytest.param("param", "tok", "tok", "query", id="param-custom"),
    pytest.param("cookie", None, "auth", "query", id="cookie-default"),
    pytest.param("cookie", "session", "session", "query",
                 id="cookie-custom"),
    pytest.param("header", None, "Auth", "query", id="header-default"),
    pytest.param("header", "X-Token", "X-Token", "query",
                 id="header-custom"),
    pytest.param("header", "X-Token", "x-token", "query",
                 id="header-any-case"),
]


@pytest.mark.parametrize(("carrier", "config_name", "name", "where"),
                         CARRIER_CASES)
def test_token_carriers(backend: Backend, carrier: str,
                        config_name: str | None, name: str,
                        where: str) -> None:
    config: dict[str, Any] = {"FSA_TOKEN_CARRIER": carrier}
    if config_name is not None:
        config["FSA_TOKEN_NAME"] = config_name
    client = backend.client(make_app(backend, **config))
    token = client.get("/login", headers=basic("calvin", "hobbes")).text
    r = client.post("/who", **_send(token, carrier, name, where))
    assert r.status == 200, r
    assert r.text == "calvin"
    r = client.post("/who", **_send(_swap_last(token), carrier, name,
                                     where))
    assert r.status == 401


@pytest.mark.parametrize(("carrier", "config_name", "wrong"), [
    pytest.param("bearer", "Token", {"headers": bearer("{}")},
                 id="bearer-word"),
    pytest.param("param", None, {"query": {"token": "{}"}},
                 id="param-name"),
    pytest.param("cookie", None, {"cookies": {"token": "{}"}},
                 id="cookie-name"),
    pytest.param("header", None, {"headers": {"Token": "{}"}},
                 id="header-name"),
    pytest.param("cookie", None, {"query": {"auth": "{}"}},
                 id="cookie-not-param"),
    pytest.param("param", None, {"headers": bearer("{}")},
                 id="param-not-bearer"),
])
def test_token_elsewhere_is_not_seen(backend: Backend, carrier: str,
                                     config_name: str | None,
                                     wrong: dict[str, Any]) -> None:
    config: dict[str, Any] = {"FSA_TOKEN_CARRIER": carrier,
                              "FSA_AUTH": "token"}
    if config_name is not None:
        config["FSA_TOKEN_NAME"] = config_name
    client = backend.client(make_app(backend, **config))
    token = manager().create("calvin")
    sent = json.loads(json.dumps(wrong).replace("{}", token))
    r = client.get("/who", **sent)
    assert r.status == 401 and r.text == "authentication required"


@pytest.mark.parametrize("value", [12, None, ["x"], {"a": 1}, True])
def test_param_token_of_wrong_json_type_is_401(backend: Backend,
                                               value: Any) -> None:
    client = backend.client(make_app(backend, FSA_TOKEN_CARRIER="param",
                                     FSA_AUTH="token"))
    r = client.post("/who", json={"auth": value})
    assert r.status == 401, r


# --- cookie renewal --------------------------------------------------------


def test_cookie_token_near_expiry_is_renewed(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_TOKEN_CARRIER="cookie"))
    old = manager(Clock(time.time() - 50 * 60)).create("calvin")
    r = client.get("/who", cookies={"auth": old})
    assert r.status == 200 and r.text == "calvin"
    cookies = r.cookies()
    assert len(cookies) == 1
    assert cookies[0].startswith("auth=test:calvin:")
    assert "HttpOnly" in cookies[0] and "Max-Age=3600" in cookies[0]
    new = cookies[0].split(";")[0].split("=", 1)[1]
    assert new != old
    assert client.get("/who", cookies={"auth": new}).text == "calvin"


@pytest.mark.parametrize(("age", "config"), [
    pytest.param(5, {}, id="fresh"),
    pytest.param(50, {"FSA_TOKEN_RENEWAL": 0}, id="renewal-off"),
    pytest.param(20, {"FSA_TOKEN_RENEWAL": 0.5}, id="above-share"),
])
def test_cookie_token_not_renewed(backend: Backend, age: int,
                                  config: dict[str, Any]) -> None:
    client = backend.client(make_app(backend, FSA_TOKEN_CARRIER="cookie",
                                     **config))
    token = manager(Clock(time.time() - age * 60)).create("calvin")
    r = client.get("/who", cookies={"auth": token})
    assert r.status == 200 and r.cookies() == []


def test_bearer_token_near_expiry_sets_no_cookie(backend: Backend) -> None:
    client = backend.client(make_app(backend))
    old = manager(Clock(time.time() - 55 * 60)).create("calvin")
    r = client.get("/who", headers=bearer(old))
    assert r.status == 200 and r.cookies() == []


# --- token cache -----------------------------------------------------------


def test_token_cache_and_clear_caches() -> None:
    guard = Guard.from_mapping({"FSA_TOKEN_SECRET": SECRET}, "test")
    token = guard.create_token("calvin")
    assert guard.tokens.check(token)[0] == "calvin"
    assert len(guard.tokens.cache) == 1
    guard.clear_caches()
    assert len(guard.tokens.cache) == 0
    assert guard.tokens.check(token)[0] == "calvin"


def test_bad_tokens_are_not_cached() -> None:
    tokens = manager()
    with pytest.raises(BadAuthError):
        tokens.check("test:calvin:" + START_LIMIT + ":00")
    assert len(tokens.cache) == 0


def test_token_cache_disabled() -> None:
    tokens = manager(FSA_CACHE_SIZE=0)
    token = tokens.create("calvin")
    assert tokens.check(token)[0] == "calvin"
    assert tokens.check(token)[0] == "calvin"
    assert len(tokens.cache) == 0


def test_app_clear_caches_empties_token_cache(backend: Backend) -> None:
    app = make_app(backend)
    client = backend.client(app)
    token = client.get("/token/calvin").text
    assert client.get("/who", headers=bearer(token)).text == "calvin"
    assert len(app.fsa.guard.tokens.cache) == 1
    app.clear_caches()
    assert len(app.fsa.guard.tokens.cache) == 0
    assert client.get("/who", headers=bearer(token)).text == "calvin"


# --- jwt (core) ------------------------------------------------------------


def jwt_manager(clock: Clock | None = None, app: str = "test",
                **config: Any) -> TokenManager:
    """A jwt token manager, HS256 with SECRET unless told otherwise."""
    return manager(clock, app, FSA_TOKEN_TYPE="jwt", **config)


def test_jwt_hs256_claims() -> None:
    token = jwt_manager().create("calvin")
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt.decode(token, SECRET, algorithms=["HS256"],
                        audience="test", options={"verify_exp": False})
    assert claims["sub"] == "calvin"
    assert claims["aud"] == "test"
    assert claims["exp"] == int(START) + 3600


@pytest.mark.parametrize("algo", ["HS256", "HS384", "HS512"])
def test_jwt_hmac_round_trip(algo: str) -> None:
    tokens = jwt_manager(FSA_TOKEN_ALGO=algo)
    token = tokens.create("a:b é")
    assert jwt.get_unverified_header(token)["alg"] == algo
    assert tokens.check(token) == ("a:b é", START + 3600)


def test_jwt_rs256_round_trip(rsa_keys: tuple[str, str]) -> None:
    public, private = rsa_keys
    tokens = jwt_manager(FSA_TOKEN_ALGO="RS256", FSA_TOKEN_SECRET=public,
                         FSA_TOKEN_SIGN=private)
    token = tokens.create("calvin")
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    assert jwt.decode(token, public, algorithms=["RS256"], audience="test",
                      options={"verify_exp": False})["sub"] == "calvin"
    checker = jwt_manager(FSA_TOKEN_ALGO="RS256", FSA_TOKEN_SECRET=public)
    assert checker.check(token)[0] == "calvin"


def test_jwt_rs256_without_private_key_cannot_create(
        rsa_keys: tuple[str, str]) -> None:
    tokens = jwt_manager(FSA_TOKEN_ALGO="RS256",
                         FSA_TOKEN_SECRET=rsa_keys[0])
    with pytest.raises(ConfigError) as info:
        tokens.create("calvin")
    assert info.value.status == 500


def test_jwt_rs256_other_key_is_refused(rsa_keys: tuple[str, str]) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = other.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode()
    forged = jwt.encode({"sub": "calvin", "aud": "test",
                         "exp": int(START) + 60}, pem, algorithm="RS256")
    checker = jwt_manager(FSA_TOKEN_ALGO="RS256",
                          FSA_TOKEN_SECRET=rsa_keys[0])
    with pytest.raises(BadAuthError):
        checker.check(forged)


def _claims(**changes: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {"sub": "calvin", "aud": "test",
                              "exp": int(START) + 60}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


BAD_JWTS = [
    pytest.param(lambda: jwt_by_hand({"alg": "none", "typ": "JWT"},
                                     _claims()), id="alg-none"),
    pytest.param(lambda: jwt_by_hand({"alg": "None", "typ": "JWT"},
                                     _claims()), id="alg-None"),
    pytest.param(lambda: jwt_by_hand({"alg": "HS256"}, _claims()),
                 id="empty-signature"),
    pytest.param(lambda: jwt_by_hand({"alg": "HS256"}, _claims(),
                                     b"wrong-secret-0123456789abcdef"),
                 id="other-secret"),
    pytest.param(lambda: jwt_by_hand({"alg": "HS256"}, _claims(aud="other"),
                                     SECRET.encode()), id="other-audience"),
    pytest.param(lambda: jwt_by_hand({"alg": "HS256"}, _claims(aud=None),
                                     SECRET.encode()), id="no-audience"),
    pytest.param(lambda: jwt_by_hand({"alg": "HS256"}, _claims(sub=None),
                                     SECRET.encode()), id="no-subject"),
    pytest.param(lambda: jwt_by_hand({"alg": "HS256"}, _claims(sub=""),
                                     SECRET.encode()), id="empty-subject"),
    pytest.param(lambda: jwt_by_hand({"alg": "HS256"}, _claims(sub=12),
                                     SECRET.encode()), id="int-subject"),
    pytest.param(lambda: jwt_by_hand({"alg": "HS256"}, _claims(exp=None),
                                     SECRET.encode()), id="no-expiry"),
    pytest.param(lambda: jwt_by_hand({"alg": "HS256"},
                                     _claims(exp="soon"),
                                     SECRET.encode()), id="text-expiry"),
    pytest.param(lambda: jwt_by_hand({"alg": "HS256"}, _claims(exp=True),
                                     SECRET.encode()), id="bool-expiry"),
    pytest.param(lambda: jwt_manager(FSA_TOKEN_ALGO="HS512")
                 .create("calvin"), id="other-hmac-algorithm"),
    pytest.param(lambda: jwt_manager(app="other").create("calvin"),
                 id="other-realm"),
    pytest.param(lambda: manager().create("calvin"), id="an-fsa-token"),
    pytest.param(lambda: "a.b.c", id="garbage"),
    pytest.param(lambda: "", id="empty"),
    pytest.param(lambda: "ééé.ééé.ééé", id="non-ascii"),
    pytest.param(lambda: jwt_manager().create("calvin")[:-3],
                 id="truncated"),
]


@pytest.mark.parametrize("make", BAD_JWTS)
def test_jwt_bad_tokens_are_401(make: Any) -> None:
    with pytest.raises(BadAuthError) as info:
        jwt_manager().check(make())
    assert info.value.status == 401


def test_jwt_by_hand_matches_pyjwt() -> None:
    # the helper builds the same HS256 tokens as PyJWT, so the refusals
    # above come from the claims, not from the helper
    token = jwt_by_hand({"alg": "HS256", "typ": "JWT"}, _claims(),
                        SECRET.encode())
    assert jwt_manager().check(token)[0] == "calvin"


def test_jwt_alg_none_refused_with_rsa(rsa_keys: tuple[str, str]) -> None:
    checker = jwt_manager(FSA_TOKEN_ALGO="RS256",
                          FSA_TOKEN_SECRET=rsa_keys[0])
    with pytest.raises(BadAuthError):
        checker.check(jwt_by_hand({"alg": "none"}, _claims()))


def test_jwt_algorithm_confusion_is_refused(rsa_keys: tuple[str, str]
                                            ) -> None:
    public = rsa_keys[0]
    checker = jwt_manager(FSA_TOKEN_ALGO="RS256", FSA_TOKEN_SECRET=public)
    forged = jwt_by_hand({"alg": "HS256", "typ": "JWT"}, _claims(),
                         public.encode())
    with pytest.raises(BadAuthError):
        checker.check(forged)


@pytest.mark.parametrize(("grace", "elapsed", "ok"), [
    pytest.param(0, 3600, True, id="at-limit"),
    pytest.param(0, 3601, False, id="expired"),
    pytest.param(2, 3720, True, id="in-grace"),
    pytest.param(2, 3721, False, id="after-grace"),
])
def test_jwt_expiry_uses_injected_clock(grace: float, elapsed: float,
                                        ok: bool) -> None:
    clock = Clock()
    tokens = jwt_manager(clock, FSA_TOKEN_GRACE=grace)
    token = tokens.create("calvin")
    clock.now = START + elapsed
    if ok:
        assert tokens.check(token)[0] == "calvin"
    else:
        with pytest.raises(BadAuthError, match="expired"):
            tokens.check(token)


def test_jwt_realm_is_audience() -> None:
    token = jwt_manager(FSA_REALM="kiva").create("calvin")
    assert jwt.decode(token, SECRET, algorithms=["HS256"], audience="kiva",
                      options={"verify_exp": False})["aud"] == "kiva"
    assert jwt_manager(FSA_REALM="kiva").check(token)[0] == "calvin"
    with pytest.raises(BadAuthError):
        jwt_manager().check(token)


# --- jwt (behaviour) -------------------------------------------------------


def test_jwt_hs256_through_app(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_TOKEN_TYPE="jwt"))
    token = client.get("/login", headers=basic("calvin", "hobbes")).text
    claims = jwt.decode(token, SECRET, algorithms=["HS256"],
                        audience="test")
    assert claims["sub"] == "calvin"
    assert abs(claims["exp"] - (time.time() + 3600)) < 5
    r = client.get("/who", headers=bearer(token))
    assert r.status == 200 and r.text == "calvin"


def test_jwt_rs256_through_app(backend: Backend,
                               rsa_keys: tuple[str, str]) -> None:
    public, private = rsa_keys
    client = backend.client(make_app(
        backend, FSA_TOKEN_TYPE="jwt", FSA_TOKEN_ALGO="RS256",
        FSA_TOKEN_SECRET=public, FSA_TOKEN_SIGN=private))
    token = client.get("/token/susie").text
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    r = client.get("/who", headers=bearer(token))
    assert r.status == 200 and r.text == "susie"
    forged = jwt_by_hand({"alg": "HS256", "typ": "JWT"},
                         _claims(exp=int(time.time()) + 60),
                         public.encode())
    r = client.get("/who", headers=bearer(forged))
    assert r.status == 401
    none = jwt_by_hand({"alg": "none"}, _claims(exp=int(time.time()) + 60))
    assert client.get("/who", headers=bearer(none)).status == 401


def test_jwt_other_realm_through_app(backend: Backend) -> None:
    client = backend.client(make_app(backend, FSA_TOKEN_TYPE="jwt",
                                     FSA_REALM="kiva"))
    token = jwt_manager(Clock(time.time()), app="other").create("calvin")
    r = client.get("/who", headers=bearer(token))
    assert r.status == 401
    good = jwt_manager(Clock(time.time()), FSA_REALM="kiva").create("calvin")
    assert client.get("/who", headers=bearer(good)).text == "calvin"


def test_jwt_rs256_without_sign_key_cannot_login(
        backend: Backend, rsa_keys: tuple[str, str]) -> None:
    client = backend.client(make_app(
        backend, FSA_TOKEN_TYPE="jwt", FSA_TOKEN_ALGO="RS256",
        FSA_TOKEN_SECRET=rsa_keys[0]))
    r = client.get("/login", headers=basic("calvin", "hobbes"))
    assert r.status == 500
    assert r.headers["Content-Type"].startswith("text/plain")
    assert "BEGIN" not in r.text
