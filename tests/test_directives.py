"""One scenario per ``FSA_*`` directive, showing its effect in an app.

:data:`SCENARIOS` maps every name of :data:`fsa_common.DIRECTIVES` to a
small function that builds applications with and without the directive
and checks what clients see.  The test is parametrized by the directive
table itself, so a directive added without a scenario fails here until
it gets one.  Parsing and defaults are tested in ``test_config.py``.
"""

from __future__ import annotations

import calendar
import functools
import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from typing import Any

import pytest
from conftest import FAST_PASSWORDS, Backend, Client, aw, basic, bearer

from fsa_common import DIRECTIVES, read_config
from fsa_common.tokens import TokenManager

SECRET = "directive-tests-secret-0123456789abcdef"
OTHER_SECRET = "other-directive-secret-0123456789abcdef"
USERS = {"calvin": "hobbes", "susie": "derkins"}
CALVIN = basic("calvin", "hobbes")
ORIGIN = "http://ok.example"

Scenario = Callable[[Backend], None]
SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str) -> Callable[[Scenario], Scenario]:
    """Register the decorated function as the scenario of ``name``."""
    def register(fn: Scenario) -> Scenario:
        assert name not in SCENARIOS, name
        SCENARIOS[name] = fn
        return fn
    return register


def in_group(user: str, group: str) -> bool:
    return user == "calvin" and group == "admin"


def make_app(backend: Backend, **config: Any) -> Any:
    """An app with basic logins and one route of each kind.

    Hooks are registered on the app unless the configuration gives them.
    """
    settings = {"FSA_AUTH": "basic", "FSA_TOKEN_SECRET": SECRET,
                **FAST_PASSWORDS, **config}
    app = backend.app(**settings)
    if "FSA_GET_USER_PASS" not in config:
        app.get_user_pass(USERS.get)
    if "FSA_USER_IN_GROUP" not in config:
        app.user_in_group(in_group)

    @app.route("/who", methods=["GET", "POST"], authorize="ALL")
    async def who() -> str:
        return await aw(app.get_user())

    @app.get("/admin", authorize="admin")
    async def admin() -> str:
        return "admin"

    @app.get("/open", authorize="ANY")
    async def open_() -> str:
        return "open"

    @app.get("/login", authorize="ALL")
    async def login() -> str:
        return await aw(app.create_token())

    @app.get("/token/<user>", authorize="ANY")
    async def token_for(user: str) -> str:
        return await aw(app.create_token(user))

    @app.post("/hash", authorize="ANY")
    async def hash_(password: str) -> str:
        return await aw(app.hash_password(password))

    return app


def client(backend: Backend, **config: Any) -> Client:
    return backend.client(make_app(backend, **config))


def who(answer: Any) -> str | int:
    """The user name of a 200 answer, else the status."""
    return answer.text if answer.status == 200 else answer.status


def token_made(age: float, user: str = "calvin", **config: Any) -> str:
    """A token of the default configuration made ``age`` seconds ago."""
    then = time.time() - age
    mapping = {"FSA_TOKEN_SECRET": SECRET, **config}
    return TokenManager(read_config(mapping, "test"),
                        clock=lambda: then).create(user)


# --- authentication and modes ----------------------------------------------


@scenario("FSA_AUTH")
def _auth(backend: Backend) -> None:
    creds = {"USER": "calvin", "PASS": "hobbes"}
    c = client(backend, FSA_AUTH="basic")
    assert who(c.get("/who", headers=CALVIN)) == "calvin"
    assert who(c.get("/who", query=creds)) == 401
    c = client(backend, FSA_AUTH="param")
    assert who(c.get("/who", query=creds)) == "calvin"
    assert who(c.get("/who", headers=CALVIN)) == 401


@scenario("FSA_MODE")
def _mode(backend: Backend) -> None:
    assert client(backend).get("/open").status == 200
    c = client(backend, FSA_MODE="always")
    assert c.get("/open").status == 401
    assert c.get("/open", headers=CALVIN).status == 200


@scenario("FSA_SKIP_PATH")
def _skip_path(backend: Backend) -> None:
    c = client(backend, FSA_MODE="always", FSA_SKIP_PATH=[r"/open"])
    assert c.get("/open").status == 200
    assert c.get("/token/calvin").status == 401


@scenario("FSA_CHECK")
def _check(backend: Backend) -> None:
    def plain() -> str:
        return "plain"

    for check, status in ((True, 500), (False, 200)):
        app = make_app(backend, FSA_CHECK=check)
        app.add_url_rule("/plain", "plain", plain)
        assert backend.client(app).get("/plain").status == status, check


def _counted_lookup(calls: list[str], user: str) -> str | None:
    calls.append(user)
    return USERS.get(user)


@scenario("FSA_CACHE_SIZE")
def _cache_size(backend: Backend) -> None:
    for size, expected in ((1024, 1), (0, 3)):
        calls: list[str] = []
        app = make_app(backend, FSA_CACHE_SIZE=size)
        app.get_user_pass(functools.partial(_counted_lookup, calls))
        c = backend.client(app)
        for _ in range(3):
            assert who(c.get("/who", headers=CALVIN)) == "calvin"
        assert len(calls) == expected, size


@scenario("FSA_401_REDIRECT")
def _redirect(backend: Backend) -> None:
    assert client(backend).get("/who").status == 401
    r = client(backend, FSA_401_REDIRECT="/login-page").get("/who")
    assert r.status == 302
    assert r.headers["Location"].startswith("/login-page?URL=http")
    assert r.headers["Location"].endswith("%2Fwho")


@scenario("FSA_URL_NAME")
def _url_name(backend: Backend) -> None:
    r = client(backend, FSA_401_REDIRECT="/login-page",
               FSA_URL_NAME="next").get("/who")
    assert r.status == 302
    assert r.headers["Location"].startswith("/login-page?next=http")


@scenario("FSA_REALM")
def _realm(backend: Backend) -> None:
    r = client(backend, FSA_REALM="Back Office").get("/who")
    assert 'Basic realm="Back Office", charset="UTF-8"' in \
        r.headers.getlist("WWW-Authenticate")
    r = client(backend).get("/who")
    assert 'Basic realm="test", charset="UTF-8"' in \
        r.headers.getlist("WWW-Authenticate")


@scenario("FSA_PARAM_USER")
def _param_user(backend: Backend) -> None:
    c = client(backend, FSA_AUTH="param", FSA_PARAM_USER="login")
    assert who(c.get("/who", query={"login": "calvin",
                                    "PASS": "hobbes"})) == "calvin"
    assert who(c.get("/who", query={"USER": "calvin",
                                    "PASS": "hobbes"})) == 401


@scenario("FSA_PARAM_PASS")
def _param_pass(backend: Backend) -> None:
    c = client(backend, FSA_AUTH="param", FSA_PARAM_PASS="secret")
    assert who(c.post("/who", json={"USER": "calvin",
                                    "secret": "hobbes"})) == "calvin"
    assert who(c.post("/who", json={"USER": "calvin",
                                    "PASS": "hobbes"})) == 401


@scenario("FSA_FAKE_LOGIN")
def _fake_login(backend: Backend) -> None:
    c = client(backend, FSA_AUTH="fake", FSA_FAKE_LOGIN="as")
    assert who(c.get("/who", query={"as": "susie"})) == "susie"
    assert who(c.get("/who", query={"LOGIN": "susie"})) == 401


# --- tokens ----------------------------------------------------------------


@scenario("FSA_TOKEN_TYPE")
def _token_type(backend: Backend) -> None:
    c = client(backend)
    token = c.get("/login", headers=CALVIN).text
    assert token.startswith("test:calvin:") and token.count(":") == 3
    c = client(backend, FSA_TOKEN_TYPE="jwt")
    token = c.get("/login", headers=CALVIN).text
    assert token.count(".") == 2 and ":" not in token
    assert who(c.get("/who", headers=bearer(token))) == "calvin"
    c = client(backend, FSA_TOKEN_TYPE=None)
    assert c.get("/login", headers=CALVIN).status == 500
    assert [v.split()[0] for v in
            c.get("/who").headers.getlist("WWW-Authenticate")] == ["Basic"]


@scenario("FSA_TOKEN_CARRIER")
def _token_carrier(backend: Backend) -> None:
    token = client(backend).get("/token/calvin").text
    c = client(backend, FSA_TOKEN_CARRIER="param")
    assert who(c.get("/who", query={"auth": token})) == "calvin"
    assert who(c.get("/who", headers=bearer(token))) == 401
    c = client(backend, FSA_TOKEN_CARRIER="cookie")
    assert who(c.get("/who", cookies={"auth": token})) == "calvin"
    c = client(backend, FSA_TOKEN_CARRIER="header")
    assert who(c.get("/who", headers={"Auth": token})) == "calvin"


@scenario("FSA_TOKEN_NAME")
def _token_name(backend: Backend) -> None:
    token = client(backend).get("/token/calvin").text
    c = client(backend, FSA_TOKEN_CARRIER="header", FSA_TOKEN_NAME="X-Auth")
    assert who(c.get("/who", headers={"X-Auth": token})) == "calvin"
    assert who(c.get("/who", headers={"Auth": token})) == 401
    c = client(backend, FSA_TOKEN_NAME="Token")
    assert who(c.get("/who", headers={"Authorization": "Token " + token})
               ) == "calvin"
    assert who(c.get("/who", headers=bearer(token))) == 401


@scenario("FSA_TOKEN_SECRET")
def _token_secret(backend: Backend) -> None:
    token = client(backend).get("/token/calvin").text
    same = client(backend, FSA_TOKEN_SECRET=SECRET)
    assert who(same.get("/who", headers=bearer(token))) == "calvin"
    other = client(backend, FSA_TOKEN_SECRET=OTHER_SECRET)
    assert who(other.get("/who", headers=bearer(token))) == 401
    # an empty secret disables tokens
    off = client(backend, FSA_TOKEN_SECRET="")
    assert off.get("/token/calvin").status == 500


@functools.cache
def _ec_keys() -> tuple[str, str]:
    """An EC P-256 key pair as (public PEM, private PEM)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return public, private


@scenario("FSA_TOKEN_SIGN")
def _token_sign(backend: Backend) -> None:
    public, private = _ec_keys()
    jwt_config = {"FSA_TOKEN_TYPE": "jwt", "FSA_TOKEN_ALGO": "ES256",
                  "FSA_TOKEN_SECRET": public}
    c = client(backend, FSA_TOKEN_SIGN=private, **jwt_config)
    token = c.get("/login", headers=CALVIN).text
    assert who(c.get("/who", headers=bearer(token))) == "calvin"
    # the verifying side needs no private key
    verifier = client(backend, **jwt_config)
    assert who(verifier.get("/who", headers=bearer(token))) == "calvin"
    assert verifier.get("/login", headers=CALVIN).status == 500


def _limit(token: str) -> float:
    text = token.rsplit(":", 2)[1]
    return float(calendar.timegm(time.strptime(text, "%Y%m%d%H%M%S")))


@scenario("FSA_TOKEN_DELAY")
def _token_delay(backend: Backend) -> None:
    for config, minutes in (({}, 60), ({"FSA_TOKEN_DELAY": 10}, 10),
                            ({"FSA_TOKEN_DELAY": 0.5}, 0.5)):
        token = client(backend, **config).get("/token/calvin").text
        assert abs(_limit(token) - time.time() - minutes * 60) < 5, config


@scenario("FSA_TOKEN_GRACE")
def _token_grace(backend: Backend) -> None:
    expired = token_made(62 * 60)
    c = client(backend)
    assert who(c.get("/who", headers=bearer(expired))) == 401
    c = client(backend, FSA_TOKEN_GRACE=5)
    assert who(c.get("/who", headers=bearer(expired))) == "calvin"


@scenario("FSA_TOKEN_ALGO")
def _token_algo(backend: Backend) -> None:
    default = client(backend).get("/token/calvin").text
    c = client(backend, FSA_TOKEN_ALGO="sha256")
    token = c.get("/token/calvin").text
    data, _, signature = token.rpartition(":")
    expected = hmac.new(SECRET.encode(), data.encode(), hashlib.sha256)
    assert signature == expected.hexdigest()[:32]
    assert who(c.get("/who", headers=bearer(token))) == "calvin"
    assert who(c.get("/who", headers=bearer(default))) == 401


@scenario("FSA_TOKEN_LENGTH")
def _token_length(backend: Backend) -> None:
    c = client(backend, FSA_TOKEN_LENGTH=8)
    token = c.get("/token/calvin").text
    assert len(token.rsplit(":", 1)[1]) == 16
    assert who(c.get("/who", headers=bearer(token))) == "calvin"
    assert len(client(backend).get("/token/calvin").text.rsplit(
        ":", 1)[1]) == 32


@scenario("FSA_TOKEN_RENEWAL")
def _token_renewal(backend: Backend) -> None:
    # 20 minutes left of 60: above the default quarter, below a half
    cookies = {"auth": token_made(40 * 60)}
    c = client(backend, FSA_TOKEN_CARRIER="cookie")
    assert c.get("/who", cookies=cookies).cookies() == []
    c = client(backend, FSA_TOKEN_CARRIER="cookie", FSA_TOKEN_RENEWAL=0.5)
    [renewed] = c.get("/who", cookies=cookies).cookies()
    assert renewed.startswith("auth=test:calvin:")


# --- passwords -------------------------------------------------------------


@scenario("FSA_PASSWORD_SCHEME")
def _password_scheme(backend: Backend) -> None:
    c = client(backend, FSA_PASSWORD_SCHEME="plaintext")
    assert c.post("/hash", form={"password": "xyz"}).text == "xyz"
    c = client(backend, FSA_PASSWORD_SCHEME="bcrypt",
               FSA_PASSWORD_OPTIONS={"bcrypt__default_rounds": 4})
    hashed = c.post("/hash", form={"password": "xyz"}).text
    assert hashed.startswith("$2") and "xyz" not in hashed
    # None disables password checks: even the right password fails
    c = client(backend, FSA_PASSWORD_SCHEME=None)
    assert who(c.get("/who", headers=CALVIN)) == 401
    assert c.post("/hash", form={"password": "xyz"}).status == 500


@scenario("FSA_PASSWORD_OPTIONS")
def _password_options(backend: Backend) -> None:
    no_options = {"FSA_PASSWORD_SCHEME": "bcrypt"}
    c = client(backend, **no_options, FSA_PASSWORD_OPTIONS={
        "bcrypt__default_rounds": 5, "bcrypt__default_ident": "2b"})
    assert c.post("/hash", form={"password": "xyz"}).text.startswith(
        "$2b$05$")
    # the library's defaults: 4 rounds, 2y ident
    app = make_app(backend, **no_options)
    del app.config["FSA_PASSWORD_OPTIONS"]
    r = backend.client(app).post("/hash", form={"password": "xyz"})
    assert r.text.startswith("$2y$04$"), r


@scenario("FSA_PASSWORD_LEN")
def _password_len(backend: Backend) -> None:
    c = client(backend, FSA_PASSWORD_LEN=6)
    r = c.post("/hash", form={"password": "five5"})
    assert r.status == 400 and "6" in r.text
    assert c.post("/hash", form={"password": "six666"}).status == 200
    assert client(backend).post("/hash", form={"password": "5"}).status \
        == 200


@scenario("FSA_PASSWORD_RE")
def _password_re(backend: Backend) -> None:
    c = client(backend, FSA_PASSWORD_RE=[r"\d"])
    r = c.post("/hash", form={"password": "letters"})
    assert r.status == 400 and r"\d" in r.text
    assert c.post("/hash", form={"password": "letters1"}).status == 200


# --- hooks, http schemes, CORS, logging ------------------------------------


@scenario("FSA_HTTP_AUTH_OPTS")
def _http_auth_opts(backend: Backend) -> None:
    token = client(backend).get("/token/calvin").text
    c = client(backend, FSA_AUTH="http-token")
    assert who(c.get("/who", headers=bearer(token))) == "calvin"
    c = client(backend, FSA_AUTH="http-token",
               FSA_HTTP_AUTH_OPTS={"header": "X-Token"})
    assert who(c.get("/who", headers={"X-Token": token})) == "calvin"
    assert who(c.get("/who", headers=bearer(token))) == 401


@scenario("FSA_GET_USER_PASS")
def _get_user_pass(backend: Backend) -> None:
    c = client(backend, FSA_GET_USER_PASS={"rosalyn": "sitter"}.get)
    assert who(c.get("/who", headers=basic("rosalyn", "sitter"))) \
        == "rosalyn"
    assert who(c.get("/who", headers=CALVIN)) == 401


@scenario("FSA_USER_IN_GROUP")
def _user_in_group(backend: Backend) -> None:
    c = client(backend, FSA_USER_IN_GROUP=lambda u, g: u == "susie")
    assert c.get("/admin", headers=basic("susie", "derkins")).status == 200
    assert c.get("/admin", headers=CALVIN).status == 403


def _cors_origin(c: Client) -> str | None:
    return c.get("/open", headers={"Origin": ORIGIN}).headers.get(
        "Access-Control-Allow-Origin")


@scenario("FSA_CORS")
def _cors(backend: Backend) -> None:
    assert _cors_origin(client(backend, FSA_CORS=True)) in ("*", ORIGIN)
    assert _cors_origin(client(backend)) is None


@scenario("FSA_CORS_OPTIONS")
def _cors_options(backend: Backend) -> None:
    # passed as is to flask-cors or quart-cors, which name it differently
    name = "origins" if backend.name == "flask" else "allow_origin"
    c = client(backend, FSA_CORS=True,
               FSA_CORS_OPTIONS={name: ["http://other.example"]})
    assert _cors_origin(c) is None
    c = client(backend, FSA_CORS=True, FSA_CORS_OPTIONS={name: [ORIGIN]})
    assert _cors_origin(c) == ORIGIN


@scenario("FSA_LOGGING_LEVEL")
def _logging_level(backend: Backend) -> None:
    logger = logging.getLogger("fsa_common")
    saved = logger.level
    try:
        assert client(backend, FSA_LOGGING_LEVEL="DEBUG").get(
            "/open").status == 200
        assert logger.level == logging.DEBUG
        assert client(backend, FSA_LOGGING_LEVEL=logging.ERROR).get(
            "/open").status == 200
        assert logger.level == logging.ERROR
    finally:
        logger.setLevel(saved)


# --- the table against the directives --------------------------------------


@pytest.mark.parametrize("name", [d.name for d in DIRECTIVES])
def test_directive_has_an_effect(backend: Backend, name: str) -> None:
    run = SCENARIOS.get(name)
    assert run is not None, \
        f"{name} has no scenario: add one to SCENARIOS in this file"
    run(backend)


def test_every_scenario_names_a_directive() -> None:
    assert sorted(set(SCENARIOS) - {d.name for d in DIRECTIVES}) == []
