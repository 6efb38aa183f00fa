"""Configuration: directive defaults, kinds, typos, derived values and
when an application reads its configuration.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import pytest
from conftest import FAST_PASSWORDS, Backend, aw, basic

from fsa_common import DIRECTIVES, ConfigError, Guard, read_config
from fsa_common.config import simplify_realm, warn_unknown
from fsa_common.flow import run_sync

SECRET = "config-tests-secret-0123456789abcdef"
USERS = {"calvin": "hobbes"}

# the directives named by the public API contract
API_DIRECTIVES = [
    "FSA_AUTH", "FSA_MODE", "FSA_SKIP_PATH", "FSA_CHECK", "FSA_CACHE_SIZE",
    "FSA_401_REDIRECT", "FSA_URL_NAME", "FSA_REALM", "FSA_PARAM_USER",
    "FSA_PARAM_PASS", "FSA_FAKE_LOGIN", "FSA_TOKEN_TYPE",
    "FSA_TOKEN_CARRIER", "FSA_TOKEN_NAME", "FSA_TOKEN_SECRET",
    "FSA_TOKEN_SIGN", "FSA_TOKEN_DELAY", "FSA_TOKEN_GRACE",
    "FSA_TOKEN_ALGO", "FSA_TOKEN_LENGTH", "FSA_TOKEN_RENEWAL",
    "FSA_PASSWORD_SCHEME", "FSA_PASSWORD_OPTIONS", "FSA_PASSWORD_LEN",
    "FSA_PASSWORD_RE", "FSA_HTTP_AUTH_OPTS", "FSA_GET_USER_PASS",
    "FSA_USER_IN_GROUP", "FSA_CORS", "FSA_CORS_OPTIONS",
    "FSA_LOGGING_LEVEL",
]


# --- helpers ---------------------------------------------------------------


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The warning messages logged by fsa_common."""
    return [r.getMessage() for r in caplog.records
            if r.name == "fsa_common" and r.levelno == logging.WARNING]


def make_app(backend: Backend, **config: Any) -> Any:
    """An app with /who (ALL) and /open (ANY)."""
    app = backend.app(**{**FAST_PASSWORDS, **config})
    app.get_user_pass(USERS.get)

    @app.get("/who", authorize="ALL")
    async def who() -> str:
        return await aw(app.get_user())

    @app.get("/open", authorize="ANY")
    async def open_route() -> str:
        return "open"

    return app


# --- the directive table ---------------------------------------------------


def test_every_api_directive_is_known() -> None:
    assert sorted(d.name for d in DIRECTIVES) == sorted(API_DIRECTIVES)


@pytest.mark.parametrize("name", API_DIRECTIVES)
def test_api_directive_is_not_reported_unknown(
        name: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="fsa_common"):
        assert warn_unknown({name: None}) == []
    assert warnings_of(caplog) == []


@pytest.mark.parametrize("directive", DIRECTIVES, ids=lambda d: d.name)
def test_every_directive_is_documented(directive: Any) -> None:
    assert directive.name.startswith("FSA_")
    assert directive.doc.strip()


# --- defaults --------------------------------------------------------------


DEFAULTS = [
    ("auth", ("httpd",)),
    ("mode", "lazy"),
    ("skip_path", ()),
    ("check", True),
    ("cache_size", 1024),
    ("redirect", None),
    ("url_name", None),
    ("realm", "app"),
    ("param_user", "USER"),
    ("param_pass", "PASS"),
    ("fake_login", "LOGIN"),
    ("token_type", "fsa"),
    ("token_carrier", "bearer"),
    ("token_name", "Bearer"),
    ("token_sign", None),
    ("token_delay", 60.0),
    ("token_grace", 0.0),
    ("token_algo", "blake2s"),
    ("token_length", 16),
    ("token_renewal", 0.25),
    ("password_scheme", "bcrypt"),
    ("password_options", {"bcrypt__default_rounds": 4,
                          "bcrypt__default_ident": "2y"}),
    ("password_len", 0),
    ("password_re", ()),
    ("http_auth_opts", {}),
    ("get_user_pass", None),
    ("user_in_group", None),
    ("cors", False),
    ("cors_options", {}),
    ("logging_level", logging.INFO),
    ("random_secret", True),
    ("schemes", ("token", "httpd")),
]


@pytest.mark.parametrize(("field", "expected"),
                         [pytest.param(f, v, id=f) for f, v in DEFAULTS
                          if f != "token_sign"])
def test_default(field: str, expected: Any) -> None:
    assert getattr(read_config({}), field) == expected


def test_default_sign_key_is_the_secret() -> None:
    config = read_config({})
    assert config.token_sign == config.token_secret


def test_defaults_are_not_shared_between_configs() -> None:
    first = read_config({})
    first.password_options["bcrypt__default_rounds"] = 12
    assert read_config({}).password_options["bcrypt__default_rounds"] == 4


def test_config_is_frozen() -> None:
    config = read_config({"FSA_TOKEN_SECRET": SECRET})
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.mode = "always"  # type: ignore[misc]


def test_non_fsa_keys_are_ignored(caplog: pytest.LogCaptureFixture
                                  ) -> None:
    with caplog.at_level(logging.WARNING, logger="fsa_common"):
        config = read_config({"SECRET_KEY": "x", "TESTING": True,
                              "fsa_mode": "always", 12: "x",
                              "FSA_TOKEN_SECRET": SECRET})
    assert config.mode == "lazy"
    assert warnings_of(caplog) == []


# --- derived values --------------------------------------------------------


@pytest.mark.parametrize(("name", "realm"), [
    pytest.param("test", "test", id="plain"),
    pytest.param("My App", "my-app", id="space"),
    pytest.param("demo.app_v2", "demo-app-v2", id="punctuation"),
    pytest.param("__main__", "main", id="dunder"),
    pytest.param("A  --  B", "a-b", id="runs"),
    pytest.param("Ça marche", "a-marche", id="non-ascii"),
    pytest.param("!!!", "app", id="nothing-left"),
    pytest.param("", "app", id="empty"),
])
def test_realm_simplification(name: str, realm: str) -> None:
    assert simplify_realm(name) == realm
    assert read_config({"FSA_TOKEN_SECRET": SECRET}, name).realm == realm


def test_realm_directive_is_kept_as_is() -> None:
    config = read_config({"FSA_REALM": "My Realm!",
                          "FSA_TOKEN_SECRET": SECRET}, "test")
    assert config.realm == "My Realm!"


@pytest.mark.parametrize(("auth", "schemes"), [
    pytest.param("httpd", ("token", "httpd"), id="httpd"),
    pytest.param("basic", ("token", "basic"), id="basic"),
    pytest.param("param", ("token", "param"), id="param"),
    pytest.param("fake", ("token", "fake"), id="fake"),
    pytest.param("password", ("token", "basic", "param"), id="password"),
    pytest.param("token", ("token",), id="token"),
    pytest.param("none", (), id="none"),
    pytest.param("digest", ("token", "http-digest"), id="digest"),
    pytest.param("http-token", ("http-token",), id="http-token"),
    pytest.param(["basic"], ("basic",), id="list-one"),
    pytest.param(("param", "basic"), ("param", "basic"), id="tuple"),
    pytest.param(["basic", "basic"], ("basic",), id="duplicate"),
    pytest.param(["password", "basic"], ("basic", "param"),
                 id="password-and-basic"),
    pytest.param(["token", "fake"], ("token", "fake"), id="token-first"),
])
def test_scheme_list(auth: Any, schemes: tuple[str, ...]) -> None:
    config = read_config({"FSA_AUTH": auth, "FSA_TOKEN_SECRET": SECRET})
    assert config.schemes == schemes


@pytest.mark.parametrize(("auth", "schemes"), [
    pytest.param("basic", ("basic",), id="basic"),
    pytest.param("password", ("basic", "param"), id="password"),
])
def test_scheme_list_without_tokens(auth: str,
                                    schemes: tuple[str, ...]) -> None:
    config = read_config({"FSA_AUTH": auth, "FSA_TOKEN_SECRET": ""})
    assert config.schemes == schemes


@pytest.mark.parametrize(("carrier", "name"), [
    pytest.param("bearer", "Bearer", id="bearer"),
    pytest.param("param", "auth", id="param"),
    pytest.param("cookie", "auth", id="cookie"),
    pytest.param("header", "Auth", id="header"),
])
def test_token_name_default_by_carrier(carrier: str, name: str) -> None:
    config = read_config({"FSA_TOKEN_CARRIER": carrier,
                          "FSA_TOKEN_SECRET": SECRET})
    assert config.token_name == name


def test_token_name_given() -> None:
    config = read_config({"FSA_TOKEN_CARRIER": "cookie",
                          "FSA_TOKEN_NAME": "session",
                          "FSA_TOKEN_SECRET": SECRET})
    assert config.token_name == "session"


@pytest.mark.parametrize(("kind", "algo"), [
    pytest.param("fsa", "blake2s", id="fsa"),
    pytest.param("jwt", "HS256", id="jwt"),
])
def test_token_algo_default_by_type(kind: str, algo: str) -> None:
    config = read_config({"FSA_TOKEN_TYPE": kind,
                          "FSA_TOKEN_SECRET": SECRET})
    assert config.token_algo == algo


def test_url_name_defaults_to_url_with_redirect() -> None:
    config = read_config({"FSA_401_REDIRECT": "/login",
                          "FSA_TOKEN_SECRET": SECRET})
    assert config.url_name == "URL"
    config = read_config({"FSA_401_REDIRECT": "/login",
                          "FSA_URL_NAME": "next",
                          "FSA_TOKEN_SECRET": SECRET})
    assert config.url_name == "next"


def test_skip_path_string_is_one_pattern() -> None:
    config = read_config({"FSA_SKIP_PATH": r"/pub|/open",
                          "FSA_TOKEN_SECRET": SECRET})
    assert [p.pattern for p in config.skip_path] == [r"/pub|/open"]


def test_delay_and_grace_become_floats() -> None:
    config = read_config({"FSA_TOKEN_DELAY": 5, "FSA_TOKEN_GRACE": 1,
                          "FSA_TOKEN_SECRET": SECRET})
    assert config.token_delay == 5.0 and isinstance(config.token_delay,
                                                    float)
    assert config.token_grace == 1.0


@pytest.mark.parametrize(("config", "enabled"), [
    pytest.param({}, True, id="random"),
    pytest.param({"FSA_TOKEN_SECRET": SECRET}, True, id="given"),
    pytest.param({"FSA_TOKEN_SECRET": ""}, False, id="empty"),
    pytest.param({"FSA_TOKEN_TYPE": None}, False, id="no-type"),
])
def test_tokens_enabled(config: dict[str, Any], enabled: bool) -> None:
    assert read_config(config).tokens_enabled is enabled


# --- unknown directives ----------------------------------------------------


@pytest.mark.parametrize(("typo", "closest"), [
    pytest.param("FSA_TOKEN_DELAI", "FSA_TOKEN_DELAY", id="delai"),
    pytest.param("FSA_MOD", "FSA_MODE", id="mod"),
    pytest.param("FSA_SKIP_PATHS", "FSA_SKIP_PATH", id="plural"),
    pytest.param("FSA_PASWORD_SCHEME", "FSA_PASSWORD_SCHEME",
                 id="pasword"),
])
def test_unknown_directive_names_closest(
        typo: str, closest: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="fsa_common"):
        read_config({typo: 1, "FSA_TOKEN_SECRET": SECRET})
    messages = warnings_of(caplog)
    assert len(messages) == 1
    assert typo in messages[0] and closest in messages[0]


def test_unknown_directive_without_close_name(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="fsa_common"):
        assert warn_unknown({"FSA_ZZZZZZZZZZZZZZ": 1}) == \
            ["FSA_ZZZZZZZZZZZZZZ"]
    messages = warnings_of(caplog)
    assert len(messages) == 1 and "FSA_ZZZZZZZZZZZZZZ" in messages[0]
    assert "did you mean" not in messages[0]


def test_unknown_directive_does_not_stop_the_app(
        backend: Backend, caplog: pytest.LogCaptureFixture) -> None:
    app = make_app(backend, FSA_AUTH="basic", FSA_TOKEN_SECRET=SECRET,
                   FSA_TOKEN_DELAI=10)
    with caplog.at_level(logging.WARNING, logger="fsa_common"):
        r = backend.client(app).get("/who", headers=basic("calvin",
                                                          "hobbes"))
    assert r.status == 200 and r.text == "calvin"
    assert any("FSA_TOKEN_DELAY" in m for m in warnings_of(caplog))


# --- wrong kinds and values ------------------------------------------------


WRONG = [
    ("FSA_AUTH", 12), ("FSA_AUTH", None), ("FSA_AUTH", "basik"),
    ("FSA_AUTH", "Basic"), ("FSA_AUTH", []), ("FSA_AUTH", ["basic", 3]),
    ("FSA_AUTH", {"basic": 1}),
    ("FSA_MODE", "never"), ("FSA_MODE", "LAZY"), ("FSA_MODE", None),
    ("FSA_MODE", 1),
    ("FSA_SKIP_PATH", 3), ("FSA_SKIP_PATH", "("), ("FSA_SKIP_PATH", [1]),
    ("FSA_SKIP_PATH", None),
    ("FSA_CHECK", "yes"), ("FSA_CHECK", 1), ("FSA_CHECK", None),
    ("FSA_CACHE_SIZE", "big"), ("FSA_CACHE_SIZE", True),
    ("FSA_CACHE_SIZE", 1.5),
    ("FSA_401_REDIRECT", 3), ("FSA_URL_NAME", 3), ("FSA_REALM", 3),
    ("FSA_REALM", b"realm"),
    ("FSA_PARAM_USER", None), ("FSA_PARAM_PASS", 1),
    ("FSA_FAKE_LOGIN", b"x"),
    ("FSA_TOKEN_TYPE", "paseto"), ("FSA_TOKEN_TYPE", 1),
    ("FSA_TOKEN_TYPE", "JWT"),
    ("FSA_TOKEN_CARRIER", "query"), ("FSA_TOKEN_CARRIER", None),
    ("FSA_TOKEN_CARRIER", "Bearer"),
    ("FSA_TOKEN_NAME", 1), ("FSA_TOKEN_SECRET", 12),
    ("FSA_TOKEN_SIGN", 12),
    ("FSA_TOKEN_DELAY", "60"), ("FSA_TOKEN_DELAY", True),
    ("FSA_TOKEN_DELAY", 0), ("FSA_TOKEN_DELAY", -1),
    ("FSA_TOKEN_GRACE", "0"), ("FSA_TOKEN_GRACE", -1),
    ("FSA_TOKEN_ALGO", 256), ("FSA_TOKEN_ALGO", "nope"),
    ("FSA_TOKEN_LENGTH", 16.0), ("FSA_TOKEN_LENGTH", "16"),
    ("FSA_TOKEN_LENGTH", 0), ("FSA_TOKEN_LENGTH", True),
    ("FSA_TOKEN_RENEWAL", "0.5"), ("FSA_TOKEN_RENEWAL", 1),
    ("FSA_TOKEN_RENEWAL", -0.1),
    ("FSA_PASSWORD_SCHEME", 1), ("FSA_PASSWORD_OPTIONS", [("a", 1)]),
    ("FSA_PASSWORD_OPTIONS", None),
    ("FSA_PASSWORD_LEN", "8"), ("FSA_PASSWORD_LEN", 8.0),
    ("FSA_PASSWORD_RE", 1), ("FSA_PASSWORD_RE", ["["]),
    ("FSA_HTTP_AUTH_OPTS", "x"),
    ("FSA_GET_USER_PASS", "get_user_pass"), ("FSA_USER_IN_GROUP", 1),
    ("FSA_CORS", "yes"), ("FSA_CORS", 1), ("FSA_CORS_OPTIONS", []),
    ("FSA_LOGGING_LEVEL", 1.0), ("FSA_LOGGING_LEVEL", None),
    ("FSA_LOGGING_LEVEL", "LOUD"),
]


@pytest.mark.parametrize(("key", "value"), [
    pytest.param(k, v, id=f"{k[4:]}={v!r:.20}") for k, v in WRONG])
def test_wrong_value_names_the_key(key: str, value: Any) -> None:
    with pytest.raises(ConfigError) as info:
        read_config({"FSA_TOKEN_SECRET": SECRET, key: value})
    assert key in info.value.message
    assert info.value.status == 500


@pytest.mark.parametrize("auth", [
    pytest.param(["http-basic", "http-digest"], id="basic-digest"),
    pytest.param(["http-basic", "http-token"], id="basic-token"),
    pytest.param(["digest", "http-token"], id="digest-token"),
    pytest.param(["basic", "http-basic", "digest"], id="with-others"),
])
def test_two_http_schemes_are_refused(auth: list[str]) -> None:
    with pytest.raises(ConfigError, match="FSA_AUTH"):
        read_config({"FSA_AUTH": auth, "FSA_TOKEN_SECRET": SECRET})


def test_digest_and_http_digest_are_one_scheme() -> None:
    config = read_config({"FSA_AUTH": ["digest", "http-digest"],
                          "FSA_TOKEN_SECRET": SECRET})
    assert config.schemes == ("http-digest",)


def test_unknown_scheme_suggests_closest() -> None:
    with pytest.raises(ConfigError, match="did you mean basic"):
        read_config({"FSA_AUTH": "basik", "FSA_TOKEN_SECRET": SECRET})


@pytest.mark.parametrize(("key", "value", "expected"), [
    pytest.param("FSA_CACHE_SIZE", None, None, id="cache-unbounded"),
    pytest.param("FSA_CACHE_SIZE", 0, 0, id="cache-off"),
    pytest.param("FSA_TOKEN_DELAY", 0.5, 0.5, id="float-delay"),
    pytest.param("FSA_TOKEN_RENEWAL", 0, 0.0, id="renewal-off"),
    pytest.param("FSA_TOKEN_SECRET", b"b" * 32, b"b" * 32,
                 id="bytes-secret"),
    pytest.param("FSA_PASSWORD_SCHEME", None, None, id="no-passwords"),
    pytest.param("FSA_PASSWORD_SCHEME", ["bcrypt", "plaintext"],
                 ["bcrypt", "plaintext"], id="scheme-list"),
    pytest.param("FSA_LOGGING_LEVEL", "DEBUG", "DEBUG", id="level-name"),
    pytest.param("FSA_GET_USER_PASS", USERS.get, USERS.get, id="hook"),
    pytest.param("FSA_CHECK", False, False, id="check-off"),
    pytest.param("FSA_CORS", True, True, id="cors-on"),
])
def test_accepted_values(key: str, value: Any, expected: Any) -> None:
    config = read_config({"FSA_TOKEN_SECRET": SECRET, key: value})
    assert getattr(config, key[4:].lower()) == expected


def test_skip_path_tuple_is_compiled() -> None:
    config = read_config({"FSA_SKIP_PATH": (r"/a", r"/b"),
                          "FSA_TOKEN_SECRET": SECRET})
    assert [p.pattern for p in config.skip_path] == [r"/a", r"/b"]
    assert config.skip_path[1].match("/b/c")


@pytest.mark.parametrize("algo", ["HS256", "HS384", "HS512"])
def test_jwt_hmac_algorithms_accepted(algo: str) -> None:
    config = read_config({"FSA_TOKEN_TYPE": "jwt", "FSA_TOKEN_ALGO": algo,
                          "FSA_TOKEN_SECRET": SECRET})
    assert config.token_algo == algo and config.token_sign == SECRET


@pytest.mark.parametrize("algo", ["blake2s", "sha256", "HS999", "none"])
def test_jwt_bad_algorithm_is_refused(algo: str) -> None:
    with pytest.raises(ConfigError, match="FSA_TOKEN_ALGO"):
        read_config({"FSA_TOKEN_TYPE": "jwt", "FSA_TOKEN_ALGO": algo,
                     "FSA_TOKEN_SECRET": SECRET})


def test_jwt_public_key_algorithm_needs_a_secret() -> None:
    with pytest.raises(ConfigError, match="FSA_TOKEN_SECRET"):
        read_config({"FSA_TOKEN_TYPE": "jwt", "FSA_TOKEN_ALGO": "RS256"})


def test_jwt_public_key_without_sign_warns(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="fsa_common"):
        config = read_config({"FSA_TOKEN_TYPE": "jwt",
                              "FSA_TOKEN_ALGO": "RS256",
                              "FSA_TOKEN_SECRET": "public key text " * 4})
    assert config.token_sign is None
    assert any("FSA_TOKEN_SIGN" in m for m in warnings_of(caplog))


def test_hooks_from_config_are_used() -> None:
    def in_group(user: str, group: str) -> bool:
        return group == "admin"

    guard = Guard.from_mapping({"FSA_GET_USER_PASS": USERS.get,
                                "FSA_USER_IN_GROUP": in_group,
                                "FSA_TOKEN_SECRET": SECRET}, "test")
    assert run_sync(guard.user_pass("calvin")) == "hobbes"
    assert run_sync(guard.in_group("calvin", "admin")) is True
    assert run_sync(guard.in_group("calvin", "other")) is False


# --- configuration in an application ---------------------------------------


BAD_APP_CONFIGS = [
    pytest.param({"FSA_MODE": "never"}, id="mode"),
    pytest.param({"FSA_AUTH": "basik"}, id="auth"),
    pytest.param({"FSA_TOKEN_CARRIER": "query"}, id="carrier"),
    pytest.param({"FSA_TOKEN_DELAY": "60"}, id="delay-kind"),
    pytest.param({"FSA_AUTH": ["http-basic", "http-token"]},
                 id="two-http-schemes"),
]


@pytest.mark.parametrize("config", BAD_APP_CONFIGS)
def test_bad_config_is_500_text_at_first_request(
        backend: Backend, config: dict[str, Any]) -> None:
    app = make_app(backend, FSA_TOKEN_SECRET=SECRET, **config)
    # a crash must come back as the library's answer, not the test
    # client's re-raised exception
    app.config["TESTING"] = False
    client = backend.client(app)
    for _ in range(2):
        r = client.get("/open")
        assert r.status == 500
        assert r.headers["Content-Type"].startswith("text/plain")
        assert "Traceback" not in r.text and "<html" not in r.text.lower()


def test_bad_config_does_not_fail_at_construction(backend: Backend) -> None:
    app = make_app(backend, FSA_MODE="never")

    @app.get("/later", authorize="ANY")
    async def later() -> str:
        return "declared"

    assert app.name == "test"


def test_config_is_read_at_first_request(backend: Backend) -> None:
    app = make_app(backend)
    app.config.update(FSA_AUTH="basic", FSA_TOKEN_SECRET=SECRET,
                      FSA_REALM="late")
    client = backend.client(app)
    r = client.get("/who", headers=basic("calvin", "hobbes"))
    assert r.status == 200 and r.text == "calvin"
    r = client.get("/who")
    assert 'Basic realm="late", charset="UTF-8"' in \
        r.headers.getlist("WWW-Authenticate")


def test_config_fixed_after_first_request(backend: Backend) -> None:
    app = make_app(backend, FSA_AUTH="basic", FSA_TOKEN_SECRET=SECRET)
    client = backend.client(app)
    assert client.get("/open").status == 200
    app.config.update(FSA_AUTH="httpd")
    r = client.get("/who", headers=basic("calvin", "hobbes"))
    assert r.status == 200 and r.text == "calvin"


def test_config_hooks_in_app(backend: Backend) -> None:
    def in_group(user: str, group: str) -> bool:
        return user == "calvin" and group == "admin"

    app = backend.app(FSA_AUTH="basic", FSA_TOKEN_SECRET=SECRET,
                      FSA_GET_USER_PASS=USERS.get,
                      FSA_USER_IN_GROUP=in_group, **FAST_PASSWORDS)

    @app.get("/admin", authorize="admin")
    async def admin() -> str:
        return await aw(app.get_user())

    client = backend.client(app)
    r = client.get("/admin", headers=basic("calvin", "hobbes"))
    assert r.status == 200 and r.text == "calvin"
    assert client.get("/admin").status == 401


def test_bad_password_scheme_is_500_at_use(backend: Backend) -> None:
    app = make_app(backend, FSA_AUTH="basic", FSA_TOKEN_SECRET=SECRET)
    app.config.update(FSA_PASSWORD_SCHEME="no_such_scheme")
    client = backend.client(app)
    assert client.get("/open").status == 200
    r = client.get("/who", headers=basic("calvin", "hobbes"))
    assert r.status == 500
    assert r.headers["Content-Type"].startswith("text/plain")
    assert "hobbes" not in r.text


def test_logging_level_applies_to_library_loggers(backend: Backend) -> None:
    names = ("fsa_common", "fsa_flask", "fsa_quart")
    saved = {n: logging.getLogger(n).level for n in names}
    try:
        app = make_app(backend, FSA_TOKEN_SECRET=SECRET,
                       FSA_LOGGING_LEVEL="ERROR")
        assert backend.client(app).get("/open").status == 200
        for name in names:
            assert logging.getLogger(name).level == logging.ERROR
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)
