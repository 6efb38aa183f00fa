"""The configuration model: every ``FSA_*`` directive, its default and kind.

:data:`DIRECTIVES` is the single table of directives.  The configuration
reader, the typo warnings and the generated reference in ``docs/`` all come
from it, so they cannot drift apart.  :func:`read_config` turns a plain
mapping (an application's ``config``) into a frozen :class:`Config`; a value
of the wrong kind raises :class:`~fsa_common.errors.ConfigError` naming the
key, and an unknown ``FSA_`` key logs a warning naming the closest known one.
"""

from __future__ import annotations

import dataclasses
import difflib
import logging
import re
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from .errors import ConfigError

log = logging.getLogger("fsa_common")

# special authorization values, also accepted by authorize=
ANY, ALL, NONE = "ANY", "ALL", "NONE"

SCHEMES = (
    "none", "httpd", "basic", "param", "password", "fake", "token",
    "http-basic", "http-digest", "digest", "http-token",
)
# schemes answering with an HTTP challenge of their own; one at a time
HTTP_SCHEMES = ("http-basic", "http-digest", "digest", "http-token")
MODES = ("lazy", "always", "all")
CARRIERS = ("bearer", "param", "cookie", "header")
TOKEN_TYPES = ("fsa", "jwt", None)
# a century, in minutes: token limits stay within four-digit years
MAX_TOKEN_DELAY = 100 * 366 * 24 * 60
DEFAULT_PASSWORD_OPTIONS = {
    "bcrypt__default_rounds": 4,
    "bcrypt__default_ident": "2y",
}


@dataclasses.dataclass(frozen=True)
class Directive:
    """One ``FSA_*`` key: its name, default, accepted kinds and meaning."""

    name: str
    default: Any
    kinds: tuple[Any, ...]
    doc: str
    choices: tuple[Any, ...] = ()


def _d(name: str, default: Any, kinds: tuple[Any, ...], doc: str,
       choices: tuple[Any, ...] = ()) -> Directive:
    return Directive("FSA_" + name, default, kinds, doc, choices)


_STR, _NONE, _NUM = (str,), (type(None),), (int, float)
_SEQ = (list, tuple)

DIRECTIVES: tuple[Directive, ...] = (
    _d("AUTH", "httpd", _STR + _SEQ,
       "Authentication scheme name, or ordered list of names. A single "
       "scheme other than token is tried after token."),
    _d("MODE", "lazy", _STR,
       "When to authenticate: lazy (when needed), always (before every "
       "request, no lazy retry) or all (before every request, and lazily "
       "on skipped paths).", MODES),
    _d("SKIP_PATH", (), _SEQ + _STR,
       "Regular expressions matched at the start of the request path: "
       "requests on these paths skip authentication in always/all mode."),
    _d("CHECK", True, (bool,),
       "Turn into a 500 the success of a view no authorization check "
       "ran for."),
    _d("CACHE_SIZE", 1024, (int,) + _NONE,
       "Size of each internal LRU cache; 0 disables, None is unbounded."),
    _d("401_REDIRECT", None, _STR + _NONE,
       "URL a 401 on a GET request is redirected to, e.g. a login page."),
    _d("URL_NAME", None, _STR + _NONE,
       "Query parameter carrying the original URL on a 401 redirect; "
       "URL when FSA_401_REDIRECT is set."),
    _d("REALM", None, _STR + _NONE,
       "Authentication realm; default is the simplified lower-case "
       "application name. It is the audience of JWT tokens."),
    _d("PARAM_USER", "USER", _STR,
       "Request parameter holding the user name, for the param scheme."),
    _d("PARAM_PASS", "PASS", _STR,
       "Request parameter holding the password, for the param scheme."),
    _d("FAKE_LOGIN", "LOGIN", _STR,
       "Request parameter trusted as the user name by the fake scheme "
       "(loopback clients only)."),
    _d("TOKEN_TYPE", "fsa", _STR + _NONE,
       "Token format: fsa, jwt, or None to disable tokens.", TOKEN_TYPES),
    _d("TOKEN_CARRIER", "bearer", _STR,
       "Where tokens travel: bearer (Authorization header), param, "
       "cookie or header.", CARRIERS),
    _d("TOKEN_NAME", None, _STR + _NONE,
       "Bearer scheme word, parameter, cookie or header name; default "
       "Bearer, auth, auth or Auth by carrier."),
    _d("TOKEN_SECRET", None, _STR + (bytes,) + _NONE,
       "Secret used to check tokens (the public key for JWT RSA/EC/PSS); "
       "default is a random 256-bit secret good for one process; an empty "
       "string disables tokens."),
    _d("TOKEN_SIGN", None, _STR + (bytes,) + _NONE,
       "Secret used to sign tokens when different from FSA_TOKEN_SECRET "
       "(the private key for JWT RSA/EC/PSS)."),
    _d("TOKEN_DELAY", 60.0, _NUM,
       "Token validity, in minutes."),
    _d("TOKEN_GRACE", 0.0, _NUM,
       "Extra minutes during which an expired token is still accepted."),
    _d("TOKEN_ALGO", None, _STR + _NONE,
       "Signature algorithm: a hashlib name for fsa tokens (default "
       "blake2s), a JWT algorithm for jwt (default HS256)."),
    _d("TOKEN_LENGTH", 16, (int,),
       "Signature bytes kept in fsa tokens (shown as twice as many hex "
       "digits); ignored for jwt."),
    _d("TOKEN_RENEWAL", 0.25, _NUM,
       "Cookie tokens are renewed when less than this share of their "
       "delay remains; 0 disables renewal."),
    _d("PASSWORD_SCHEME", "bcrypt", _STR + _SEQ + _NONE,
       "Password hashing scheme (passlib name), or None to disable "
       "password checks."),
    _d("PASSWORD_OPTIONS", DEFAULT_PASSWORD_OPTIONS, (dict,),
       "Options passed to the password context (passlib CryptContext)."),
    _d("PASSWORD_LEN", 0, (int,),
       "Minimal length of a new password given to hash_password."),
    _d("PASSWORD_RE", (), _SEQ + _STR,
       "Regular expressions a new password must all match."),
    _d("HTTP_AUTH_OPTS", {}, (dict,),
       "Options of the http-* schemes, e.g. use_ha1_pw, algorithm or "
       "header."),
    _d("GET_USER_PASS", None, _NONE + (Callable,),
       "Hook returning the stored password hash of a user, or None."),
    _d("USER_IN_GROUP", None, _NONE + (Callable,),
       "Hook telling whether a user belongs to a group."),
    _d("CORS", False, (bool,),
       "Enable Cross-Origin Resource Sharing on the application."),
    _d("CORS_OPTIONS", {}, (dict,),
       "Options of the CORS extension."),
    _d("LOGGING_LEVEL", logging.INFO, (int,) + _STR,
       "Level of the library's loggers."),
)

DIRECTIVE_NAMES = {d.name: d for d in DIRECTIVES}


def _check_kind(directive: Directive, value: Any) -> None:
    kinds = directive.kinds
    ok = any(
        callable(value) if k is Callable else
        isinstance(value, k) and not (k is int and isinstance(value, bool))
        for k in kinds
    )
    if not ok:
        names = ", ".join(
            "None" if k is type(None) else getattr(k, "__name__", str(k))
            for k in kinds
        )
        # never echo what may be a secret or a key
        shown = "" if "SECRET" in directive.name or "SIGN" in directive.name \
            else f" {value!r:.60}"
        raise ConfigError(
            f"{directive.name}: expecting {names}, got "
            f"{type(value).__name__}{shown}"
        )

    if directive.choices and value not in directive.choices:
        raise ConfigError(
            f"{directive.name}: {value!r:.60} is not one of "
            f"{', '.join(map(repr, directive.choices))}"
        )


def warn_unknown(mapping: Mapping[str, Any]) -> list[str]:
    """Log a warning for each ``FSA_`` key that is not a directive.

    :return: the unknown names, for tests and tools.
    """
    unknown = []
    for key in mapping:
        if not isinstance(key, str) or not key.startswith("FSA_"):
            continue

        if key in DIRECTIVE_NAMES:
            continue

        unknown.append(key)
        close = difflib.get_close_matches(key, DIRECTIVE_NAMES, n=1)
        if close:
            log.warning("unknown directive %s, did you mean %s?",
                        key, close[0])
        else:
            log.warning("unknown directive %s", key)

    return unknown


def simplify_realm(name: str) -> str:
    """Return the default realm for an application name.

    The name is lower-cased and every run of characters outside
    ``[a-z0-9]`` becomes one ``-``, so the realm is safe in tokens and
    challenges.
    """
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "app"


@dataclasses.dataclass(frozen=True)
class Config:
    """The checked configuration, with defaults and derived values filled.

    Attributes are the directive names, lower-cased without ``FSA_``
    (``FSA_TOKEN_DELAY`` is ``token_delay``), plus derived fields:
    ``schemes`` (the ordered scheme list), ``skip_path`` (compiled
    patterns), ``secret`` and ``sign`` (bytes or key text, or None when
    tokens are disabled), ``random_secret``.
    """

    auth: tuple[str, ...]
    mode: str
    skip_path: tuple[re.Pattern[str], ...]
    check: bool
    cache_size: int | None
    redirect: str | None
    url_name: str | None
    realm: str
    param_user: str
    param_pass: str
    fake_login: str
    token_type: str | None
    token_carrier: str
    token_name: str
    token_secret: str | bytes | None
    token_sign: str | bytes | None
    token_delay: float
    token_grace: float
    token_algo: str
    token_length: int
    token_renewal: float
    password_scheme: str | tuple[str, ...] | None
    password_options: dict[str, Any]
    password_len: int
    password_re: tuple[re.Pattern[str], ...]
    http_auth_opts: dict[str, Any]
    get_user_pass: Callable[..., Any] | None
    user_in_group: Callable[..., Any] | None
    cors: bool
    cors_options: dict[str, Any]
    logging_level: int | str
    random_secret: bool
    schemes: tuple[str, ...]

    @property
    def tokens_enabled(self) -> bool:
        """Whether token authentication and ``create_token`` are on."""
        return self.token_type is not None and bool(self.token_secret)


def _as_tuple(value: Any) -> tuple[Any, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _compile_all(name: str, patterns: Any) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in _as_tuple(patterns):
        if not isinstance(pattern, str):
            raise ConfigError(f"{name}: expecting regular expressions, got "
                              f"{type(pattern).__name__}")
        try:
            compiled.append(re.compile(pattern))
        except re.error as e:
            raise ConfigError(f"{name}: invalid pattern {pattern!r:.60}: "
                              f"{e}") from e

    return tuple(compiled)


def _scheme_list(auth: Any, tokens: bool) -> tuple[str, ...]:
    """Expand FSA_AUTH into the ordered list of schemes to try."""
    names = _as_tuple(auth)
    if not names:
        raise ConfigError("FSA_AUTH: empty list of schemes")

    for name in names:
        if name not in SCHEMES:
            close = difflib.get_close_matches(str(name), SCHEMES, n=1)
            hint = f", did you mean {close[0]}?" if close else ""
            raise ConfigError(f"FSA_AUTH: unknown scheme {name!r:.40}{hint}")

    http = {"http-digest" if n == "digest" else n
            for n in names if n in HTTP_SCHEMES}
    if len(http) > 1:
        raise ConfigError(
            "FSA_AUTH: only one of http-basic, http-digest/digest and "
            "http-token may be active, as each sends its own challenge; "
            f"got {', '.join(sorted(http))}")

    if isinstance(auth, str):
        if auth == "none":
            return ()
        if auth not in ("token", "http-token") and tokens:
            names = ("token",) + names

    return expand_schemes(names)


# scheme names standing for others
_ALIASES = {"password": ("basic", "param"), "digest": ("http-digest",),
            "none": ()}


def expand_schemes(names: tuple[str, ...]) -> tuple[str, ...]:
    """Replace aliases (``password``, ``digest``, ``none``) by the schemes
    they stand for, keeping the order and each scheme once."""
    expanded: list[str] = []
    for name in names:
        for part in _ALIASES.get(name, (name,)):
            if part not in expanded:
                expanded.append(part)
    return tuple(expanded)


def _token_defaults(values: dict[str, Any]) -> None:
    kind, carrier = values["TOKEN_TYPE"], values["TOKEN_CARRIER"]
    if values["TOKEN_NAME"] is None:
        values["TOKEN_NAME"] = {"bearer": "Bearer", "header": "Auth"}.get(
            carrier, "auth")

    if values["TOKEN_ALGO"] is None:
        values["TOKEN_ALGO"] = "HS256" if kind == "jwt" else "blake2s"

    if values["TOKEN_LENGTH"] < 1:
        raise ConfigError("FSA_TOKEN_LENGTH: must be at least 1")

    if not 0 < values["TOKEN_DELAY"] <= MAX_TOKEN_DELAY:
        raise ConfigError("FSA_TOKEN_DELAY: expecting minutes in "
                          f"(0, {MAX_TOKEN_DELAY}]")

    if values["TOKEN_GRACE"] < 0:
        raise ConfigError("FSA_TOKEN_GRACE: must not be negative")

    if not 0 <= values["TOKEN_RENEWAL"] < 1:
        raise ConfigError("FSA_TOKEN_RENEWAL: expecting a share in [0, 1)")


def _secret_defaults(values: dict[str, Any]) -> bool:
    """Fill the token secret; return whether it was made up here."""
    secret = values["TOKEN_SECRET"]
    if values["TOKEN_TYPE"] is None or secret == "" or secret == b"":
        return False

    if secret is None:
        algo = values["TOKEN_ALGO"]
        if values["TOKEN_TYPE"] == "jwt" and algo[:2] != "HS":
            raise ConfigError(f"FSA_TOKEN_SECRET: JWT algorithm {algo} "
                              "needs a public key here and a private key "
                              "in FSA_TOKEN_SIGN")
        values["TOKEN_SECRET"] = secrets.token_urlsafe(32)
        log.warning("FSA_TOKEN_SECRET is not set: using a random secret, "
                    "tokens will only be valid for this process")
        return True

    if len(secret) < 16:
        log.warning("FSA_TOKEN_SECRET is short (%d characters): tokens "
                    "are easier to forge", len(secret))
    return False


def read_config(mapping: Mapping[str, Any], app_name: str = "app") -> Config:
    """Check the ``FSA_*`` keys of ``mapping`` and build a :class:`Config`.

    :param mapping: the application's configuration.
    :param app_name: the application name, for the default realm.
    :return: the frozen configuration.
    :raises ConfigError: (500) on a value of the wrong kind, naming it.
    """
    warn_unknown(mapping)
    values: dict[str, Any] = {}
    for directive in DIRECTIVES:
        value = mapping.get(directive.name, directive.default)
        _check_kind(directive, value)
        values[directive.name[4:]] = value

    _token_defaults(values)
    _check_level(values["LOGGING_LEVEL"])
    _check_http_options(values["HTTP_AUTH_OPTS"])
    random_secret = _secret_defaults(values)
    tokens = values["TOKEN_TYPE"] is not None and bool(values["TOKEN_SECRET"])
    if values["401_REDIRECT"] and values["URL_NAME"] is None:
        values["URL_NAME"] = "URL"

    if values["TOKEN_TYPE"] == "jwt" and tokens:
        _check_jwt(values)
    elif tokens:
        _check_hashlib(values["TOKEN_ALGO"])

    realm = values["REALM"] or simplify_realm(app_name)
    if ":" in realm or not realm.isprintable():
        raise ConfigError("FSA_REALM: no ':' nor control character allowed, "
                          "as it starts fsa tokens and enters challenges")

    return Config(
        auth=_as_tuple(values["AUTH"]),
        mode=values["MODE"],
        skip_path=_compile_all("FSA_SKIP_PATH", values["SKIP_PATH"]),
        check=values["CHECK"],
        cache_size=values["CACHE_SIZE"],
        redirect=values["401_REDIRECT"],
        url_name=values["URL_NAME"],
        realm=realm,
        param_user=values["PARAM_USER"],
        param_pass=values["PARAM_PASS"],
        fake_login=values["FAKE_LOGIN"],
        token_type=values["TOKEN_TYPE"],
        token_carrier=values["TOKEN_CARRIER"],
        token_name=values["TOKEN_NAME"],
        token_secret=values["TOKEN_SECRET"],
        token_sign=_signing_key(values),
        token_delay=float(values["TOKEN_DELAY"]),
        token_grace=float(values["TOKEN_GRACE"]),
        token_algo=values["TOKEN_ALGO"],
        token_length=values["TOKEN_LENGTH"],
        token_renewal=float(values["TOKEN_RENEWAL"]),
        password_scheme=values["PASSWORD_SCHEME"],
        password_options=dict(values["PASSWORD_OPTIONS"]),
        password_len=values["PASSWORD_LEN"],
        password_re=_compile_all("FSA_PASSWORD_RE", values["PASSWORD_RE"]),
        http_auth_opts=dict(values["HTTP_AUTH_OPTS"]),
        get_user_pass=values["GET_USER_PASS"],
        user_in_group=values["USER_IN_GROUP"],
        cors=values["CORS"],
        cors_options=dict(values["CORS_OPTIONS"]),
        logging_level=values["LOGGING_LEVEL"],
        random_secret=random_secret,
        schemes=_scheme_list(values["AUTH"], tokens),
    )


# what FSA_HTTP_AUTH_OPTS may hold, for the http-* schemes
HTTP_AUTH_OPTIONS = ("realm", "scheme", "header", "algorithm", "use_ha1_pw",
                     "nonce_delay", "secret")


_TOKEN_WORD = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_HTTP_OPTION_KINDS: dict[str, tuple[type, ...]] = {
    "realm": (str,), "scheme": (str,), "header": (str,),
    "algorithm": (str,), "use_ha1_pw": (bool,), "nonce_delay": (int, float),
    "secret": (str, bytes),
}


def _check_http_options(options: dict[str, Any]) -> None:
    for key, value in options.items():
        kinds = _HTTP_OPTION_KINDS.get(key)
        if kinds is not None and (not isinstance(value, kinds) or
                                  isinstance(value, bool) and
                                  bool not in kinds):
            raise ConfigError(f"FSA_HTTP_AUTH_OPTS: {key} expects "
                              f"{' or '.join(k.__name__ for k in kinds)}")
        if key == "nonce_delay" and not 0 < value <= 10 ** 9:
            raise ConfigError("FSA_HTTP_AUTH_OPTS: nonce_delay must be "
                              "a positive number of seconds")
        if key in ("scheme", "header") and not _TOKEN_WORD.fullmatch(value):
            raise ConfigError(f"FSA_HTTP_AUTH_OPTS: {key} must be one "
                              "HTTP token (RFC 9110 section 5.6.2)")
        if key == "realm" and not value.isprintable():
            raise ConfigError("FSA_HTTP_AUTH_OPTS: realm must be printable")
        if key not in HTTP_AUTH_OPTIONS:
            close = difflib.get_close_matches(str(key), HTTP_AUTH_OPTIONS,
                                              n=1)
            hint = f", did you mean {close[0]}?" if close else ""
            log.warning("FSA_HTTP_AUTH_OPTS: unknown option %s%s",
                        key, hint)


def _check_level(level: int | str) -> None:
    if isinstance(level, str) and \
            not isinstance(logging.getLevelName(level), int):
        raise ConfigError(f"FSA_LOGGING_LEVEL: unknown level {level!r:.20}")


def _signing_key(values: dict[str, Any]) -> str | bytes | None:
    if values["TOKEN_SIGN"]:
        return values["TOKEN_SIGN"]

    symmetric = values["TOKEN_TYPE"] != "jwt" or \
        values["TOKEN_ALGO"][:2] == "HS"
    return values["TOKEN_SECRET"] if symmetric else None


def _check_hashlib(algo: str) -> None:
    import hashlib

    try:
        hashlib.new(algo).digest()
    except (ValueError, TypeError) as e:
        raise ConfigError(f"FSA_TOKEN_ALGO: {algo!r:.40} is not a usable "
                          "hashlib algorithm") from e


_JWT_ALGOS = (
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256",
    "ES256K", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA",
)


def _check_jwt(values: dict[str, Any]) -> None:
    algo = values["TOKEN_ALGO"]
    if algo not in _JWT_ALGOS:
        raise ConfigError(f"FSA_TOKEN_ALGO: {algo!r:.40} is not a JWT "
                          f"algorithm ({', '.join(_JWT_ALGOS)})")

    if algo[:2] != "HS" and not values["TOKEN_SIGN"]:
        log.warning("FSA_TOKEN_SIGN is not set for %s: tokens can be "
                    "checked but not created", algo)
