"""Authentication schemes: find credentials in a request and check them.

Selection order and invariants:

- The schemes of a route are tried in order.  A scheme that finds no
  credentials of its kind answers None and the next one is tried.
- The first scheme that finds credentials decides: good ones give the
  user, bad ones raise :class:`BadAuthError` (401) at once, without
  trying the next schemes.
- When no scheme finds anything, :class:`NoAuthError` (401) is raised
  with the challenges of the schemes that define one.
- A failed password login reads the same whether the user is unknown or
  the password is wrong.

Parsers of untrusted input return None for garbage; the scheme then
decides between "no credentials" and "bad credentials".
"""

from __future__ import annotations

import base64
import binascii
import logging
from typing import TYPE_CHECKING

from .digest import quote_string
from .errors import BadAuthError, ConfigError
from .flow import BlockingCall, Flow, done
from .params import is_text
from .request import RequestView, is_loopback

if TYPE_CHECKING:  # pragma: no cover
    from .guard import Guard, RequestState
    from .tokens import TokenManager

log = logging.getLogger("fsa_common")

LOGIN_FAILED = "invalid user or password"


def parse_authorization(value: str | None) -> tuple[str, str] | None:
    """Split an ``Authorization`` header into (scheme word, rest).

    The scheme word is lower-cased, as it is case-insensitive (RFC 7235
    section 2.1).  Returns None when there is no header.
    """
    if not value:
        return None

    word, _, rest = value.strip().partition(" ")
    return word.lower(), rest.strip()


def parse_basic(value: str) -> tuple[str, str] | None:
    """Decode Basic credentials (RFC 7617 section 2) as UTF-8.

    :return: (user, password), or None if malformed.
    """
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None

    user, colon, password = text.partition(":")
    if not colon or not user:
        return None

    return user, password


class Scheme:
    """Base of authentication schemes.

    Subclasses define :meth:`authenticate`, a flow that returns the user
    name, None when the request carries no credentials of this kind, or
    raises :class:`BadAuthError` (401).
    """

    name = "?"
    # true when identify() decides without any effect (no hook, no hash)
    immediate = False
    # true when the scheme reads the request parameters (hence the body)
    reads_params = False

    def __init__(self, guard: Guard) -> None:
        self.guard = guard
        self.config = guard.config

    def challenge(self) -> str | None:
        """The ``WWW-Authenticate`` value of this scheme, if any."""
        return None

    def fail(self, message: str = LOGIN_FAILED) -> BadAuthError:
        """Build the 401 error of this scheme, with its challenge."""
        challenge = self.challenge()
        headers = [("WWW-Authenticate", challenge)] if challenge else []
        return BadAuthError(message, headers=headers)

    def authenticate(self, req: RequestView, state: RequestState
                     ) -> Flow[str | None]:
        """Flow answering the user, None, or raising (see the class)."""
        return done(self.identify(req, state))

    def identify(self, req: RequestView, state: RequestState
                 ) -> str | None:
        """The same as :meth:`authenticate`, for immediate schemes.

        :raises TypeError: for a scheme that needs a flow.
        """
        raise TypeError(f"scheme {self.name} needs a flow: use "
                        "authenticate()")

    def check_password(self, user: str, password: str) -> Flow[str]:
        """Flow checking ``password`` against the stored hash of ``user``.

        :raises BadAuthError: (401) on an unknown user or wrong password.
        """
        guard = self.guard
        stored = yield from guard.user_pass(user)
        ok = yield BlockingCall(guard.passwords.verify, (password, stored))
        if not ok:
            log.debug("password check failed for a user")
            raise self.fail()

        return user


class HttpdScheme(Scheme):
    """Trust the user authenticated by the web server (``REMOTE_USER``)."""

    name = "httpd"
    immediate = True

    def identify(self, req: RequestView, state: RequestState
                 ) -> str | None:
        return req.remote_user or None


class BasicScheme(Scheme):
    """HTTP Basic (RFC 7617): ``Authorization: Basic base64(user:pass)``."""

    name = "basic"

    def challenge(self) -> str:
        return f'Basic realm={quote_string(self.config.realm)}, ' \
            'charset="UTF-8"'

    # the scheme words accepted in Authorization, lower-cased
    words: tuple[str, ...] = ("basic",)

    def authenticate(self, req: RequestView, state: RequestState
                     ) -> Flow[str | None]:
        parts = parse_authorization(req.headers.get("Authorization"))
        if parts is None or parts[0] not in self.words:
            return None

        credentials = parse_basic(parts[1])
        if credentials is None:
            raise self.fail("malformed basic credentials")

        return (yield from self.check_password(*credentials))


class HttpBasicScheme(BasicScheme):
    """``http-basic``: Basic with the options of FSA_HTTP_AUTH_OPTS."""

    name = "http-basic"

    def __init__(self, guard: Guard) -> None:
        super().__init__(guard)
        # a custom challenge word keeps browsers from popping up their
        # login dialog; clients may send either word
        word = str(self.config.http_auth_opts.get("scheme", "Basic"))
        self.words = ("basic", word.lower())

    def challenge(self) -> str:
        opts = self.config.http_auth_opts
        realm = quote_string(str(opts.get("realm", self.config.realm)))
        word = str(opts.get("scheme", "Basic"))
        return f'{word} realm={realm}, charset="UTF-8"'


class ParamScheme(Scheme):
    """User and password as request parameters (FSA_PARAM_USER/PASS)."""

    name = "param"
    reads_params = True

    def authenticate(self, req: RequestView, state: RequestState
                     ) -> Flow[str | None]:
        params = state.params(req)
        user = params.get(self.config.param_user)
        if user is None:
            return None

        password = params.get(self.config.param_pass)
        if not user or not is_text(user) or not is_text(password):
            raise self.fail()

        return (yield from self.check_password(user, str(password)))


class FakeScheme(Scheme):
    """Trust a request parameter as the user: for local tests only."""

    name = "fake"
    immediate = True
    reads_params = True

    def __init__(self, guard: Guard) -> None:
        super().__init__(guard)
        log.warning("fake authentication is on: any loopback client, a "
                    "reverse proxy on this host included, may claim any "
                    "user; use it for local tests only")

    def identify(self, req: RequestView, state: RequestState
                 ) -> str | None:
        user = state.params(req).get(self.config.fake_login)
        if user is None:
            return None

        if not is_loopback(req.remote_addr):
            log.warning("fake authentication refused from %s",
                        req.remote_addr)
            raise self.fail("fake authentication is for local tests only")

        if not user or not is_text(user):
            raise self.fail("invalid fake login")

        return user


class TokenScheme(Scheme):
    """Signed tokens, carried as configured by FSA_TOKEN_CARRIER."""

    name = "token"
    immediate = True

    def __init__(self, guard: Guard) -> None:
        super().__init__(guard)
        if guard.tokens is None:  # the guard refuses this beforehand
            raise ConfigError("tokens are disabled")
        self.tokens: TokenManager = guard.tokens
        self.set_carrier(self.config.token_carrier, self.config.token_name)

    def set_carrier(self, carrier: str, name: str) -> None:
        """Choose where tokens are looked for."""
        self.carrier, self.token_name = carrier, name
        self.reads_params = carrier == "param"
        self._prefix = name.lower() + " "
        self.find_token = getattr(self, "_from_" + carrier)

    def challenge(self) -> str | None:
        if self.carrier != "bearer":
            return None

        return f'{self.token_name} realm={quote_string(self.config.realm)}'

    # find_token(req, state) -> str | None is one of these, by carrier

    def _from_bearer(self, req: RequestView, state: RequestState
                     ) -> str | None:
        value = req.headers.get("Authorization")
        if not value:
            return None

        # the scheme word is case-insensitive (RFC 7235 section 2.1)
        prefix = self._prefix
        if value[:len(prefix)].lower() != prefix:
            return None
        return value[len(prefix):].strip()

    def _from_header(self, req: RequestView, state: RequestState
                     ) -> str | None:
        return req.headers.get(self.token_name)

    def _from_cookie(self, req: RequestView, state: RequestState
                     ) -> str | None:
        return req.cookies.get(self.token_name)

    def _from_param(self, req: RequestView, state: RequestState
                    ) -> str | None:
        return state.params(req).get(self.token_name)

    def identify(self, req: RequestView, state: RequestState
                 ) -> str | None:
        token = self.find_token(req, state)
        if token is None:
            return None

        if not token or not (token.__class__ is str and token.isascii()
                             or is_text(token)):
            raise self.fail("invalid token")

        tokens = self.tokens
        try:
            user, limit = tokens.check(token)
        except BadAuthError as error:
            raise self.fail(error.message) from None

        if self.carrier == "cookie" and tokens.needs_renewal(limit):
            state.renew = user  # only this user's token is renewed

        return user


class HttpTokenScheme(TokenScheme):
    """``http-token``: a bearer token, or a header named by the
    ``header`` option of FSA_HTTP_AUTH_OPTS."""

    name = "http-token"

    def __init__(self, guard: Guard) -> None:
        super().__init__(guard)
        opts = self.config.http_auth_opts
        header = opts.get("header")
        self.set_carrier("header" if header else "bearer",
                         str(header or opts.get("scheme", "Bearer")))


class HttpDigestScheme(Scheme):
    """HTTP Digest (RFC 7616), with stateless signed nonces.

    ``get_user_pass`` must answer the plaintext password, or the HA1 hash
    with the ``use_ha1_pw`` option: digest cannot work from a salted hash.
    """

    name = "http-digest"

    def __init__(self, guard: Guard) -> None:
        super().__init__(guard)
        from .digest import DigestScheme as DigestAuth

        opts = dict(self.config.http_auth_opts)
        self.digest = DigestAuth(
            realm=str(opts.get("realm", self.config.realm)),
            secret=guard.digest_secret,
            algorithm=str(opts.get("algorithm", "MD5")),
            use_ha1_pw=bool(opts.get("use_ha1_pw", False)),
            nonce_delay=float(opts.get("nonce_delay", 300.0)),
            clock=guard.clock,
        )

    def challenge(self) -> str:
        return self.digest.challenge()

    def authenticate(self, req: RequestView, state: RequestState
                     ) -> Flow[str | None]:
        parts = parse_authorization(req.headers.get("Authorization"))
        if parts is None or parts[0] != "digest":
            return None

        credentials = self.digest.parse(req.headers["Authorization"])
        if credentials is None:
            raise self.fail("malformed digest credentials")

        user = credentials.username
        stored = yield from self.guard.user_pass(user)
        self.digest.check(credentials, req.method, req.path, stored,
                          req.query_string)
        return user


SCHEME_CLASSES: dict[str, type[Scheme]] = {
    cls.name: cls for cls in (
        HttpdScheme, BasicScheme, HttpBasicScheme, ParamScheme, FakeScheme,
        TokenScheme, HttpTokenScheme, HttpDigestScheme,
    )
}
