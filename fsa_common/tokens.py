"""Authentication tokens: creation, checking and renewal.

Life cycle and invariants:

- A token certifies that ``user`` authenticated in ``realm`` and is valid
  until ``limit`` (UTC).  It is created with ``limit = now + delay``.
- It is accepted while ``now <= limit + grace``.  A signature mismatch, a
  foreign realm, a malformed token or an expired one is a bad credential
  (401); none of these is ever a server error.
- Signatures are keyed with the server secret and compared in constant
  time.  JWT decoding accepts only the configured algorithm, so neither
  ``alg: none`` nor a symmetric/asymmetric confusion gets through.
- A checked token is remembered (token -> user, limit) so that slow
  signature checks run once; the expiry is still checked on every use.
- A cookie-carried token is renewed when less than ``renewal * delay``
  remains before its limit.

Two formats exist: ``fsa`` (``realm:user:limit:signature``, limit as
``YYYYMMDDHHmmSS``) and ``jwt`` (RFC 7519, through PyJWT, realm as
audience).
"""

from __future__ import annotations

import calendar
import hmac
import math
import time
from collections.abc import Callable
from typing import Any

from .cache import MISSING, LRUCache
from .config import Config
from .errors import BadAuthError, ConfigError
from .params import is_text

# tokens longer than this are refused before any parsing
MAX_TOKEN_LENGTH = 8192


class TokenManager:
    """Create and check tokens of the configured format.

    :param config: the configuration; tokens must be enabled.
    :param clock: returns the current time in seconds since the epoch.
    """

    def __init__(self, config: Config,
                 clock: Callable[[], float] = time.time) -> None:
        self.kind = config.token_type
        self.realm = config.realm
        self.delay = config.token_delay * 60.0
        self.grace = config.token_grace * 60.0
        self.renewal = config.token_renewal
        self.algo = config.token_algo
        self.length = config.token_length
        self.secret: str | bytes = config.token_secret or ""
        self.sign_key = config.token_sign
        self.clock = clock
        self.cache: LRUCache[tuple[str, float]] = LRUCache(config.cache_size)
        if self.kind == "fsa":
            self._key = _as_bytes(self.secret)
            self._prefix = self.realm + ":"

    # creation

    def create(self, user: str, now: float | None = None) -> str:
        """Return a new token for ``user``, valid for the configured delay.

        :raises ConfigError: (500) when no signing key is configured.
        """
        if not isinstance(user, str) or not user:
            raise ConfigError("create_token: user must be a non-empty "
                              "string")

        limit = (self.clock() if now is None else now) + self.delay
        if self.kind == "jwt":
            return self._create_jwt(user, limit)

        data = f"{self.realm}:{user}:{_format_limit(limit)}"
        return data + ":" + self._signature(data)

    def _signature(self, data: str) -> str:
        mac = hmac.new(self._key, data.encode("utf-8"), self.algo)
        return mac.hexdigest()[: 2 * self.length]

    def _create_jwt(self, user: str, limit: float) -> str:
        import jwt

        if not self.sign_key:
            raise ConfigError("FSA_TOKEN_SIGN: no private key to sign "
                              f"{self.algo} tokens")

        payload = {"sub": user, "exp": int(limit), "aud": self.realm}
        return jwt.encode(payload, self.sign_key, algorithm=self.algo)

    # checking

    def check(self, token: str) -> tuple[str, float]:
        """Check ``token`` and return its user and limit (epoch seconds).

        :raises BadAuthError: (401) for a malformed, foreign, forged or
            expired token.
        """
        known = self.cache.get(token)
        if known is MISSING:
            if len(token) > MAX_TOKEN_LENGTH:
                raise BadAuthError("invalid token")

            if self.kind == "jwt":
                known = self._check_jwt(token)
            else:
                known = self._check_fsa(token)
            self.cache.set(token, known)

        if self.clock() > known[1] + self.grace:
            raise BadAuthError("token has expired")

        return known

    def _check_fsa(self, token: str) -> tuple[str, float]:
        if not token.startswith(self._prefix):
            raise BadAuthError("invalid token")

        parts = token[len(self._prefix):].rsplit(":", 2)
        if len(parts) != 3 or not parts[0]:
            raise BadAuthError("invalid token")

        user, limit_text, signature = parts
        data = token[: -len(signature) - 1]
        if not hmac.compare_digest(signature.encode("utf-8", "replace"),
                                   self._signature(data).encode()):
            raise BadAuthError("invalid token")

        limit = _parse_limit(limit_text)
        if limit is None:
            raise BadAuthError("invalid token")

        return user, limit

    def _check_jwt(self, token: str) -> tuple[str, float]:
        import jwt

        try:
            # expiry is checked by the caller, with the injected clock
            payload = jwt.decode(
                token, self.secret, algorithms=[self.algo],
                audience=self.realm,
                options={"require": ["exp", "sub"], "verify_exp": False},
            )
        except jwt.InvalidTokenError as e:
            raise BadAuthError("invalid token") from e
        except (ValueError, TypeError) as e:
            raise BadAuthError("invalid token") from e

        user, limit = payload.get("sub"), payload.get("exp")
        if not user or not is_text(user) or \
                not isinstance(limit, (int, float)) or \
                isinstance(limit, bool):
            raise BadAuthError("invalid token")

        try:
            limit = float(limit)
        except OverflowError:
            raise BadAuthError("invalid token") from None
        if not math.isfinite(limit):
            raise BadAuthError("invalid token")

        return user, limit

    # renewal

    def needs_renewal(self, limit: float) -> bool:
        """Tell whether a token valid until ``limit`` should be renewed."""
        if self.renewal <= 0:
            return False

        return limit - self.clock() < self.renewal * self.delay


def _as_bytes(secret: Any) -> bytes:
    return secret if isinstance(secret, bytes) else str(secret).encode()


def _format_limit(limit: float) -> str:
    return time.strftime("%Y%m%d%H%M%S", time.gmtime(limit))


def _parse_limit(text: str) -> float | None:
    if len(text) != 14 or not text.isascii() or not text.isdigit():
        return None

    try:
        return float(calendar.timegm(time.strptime(text, "%Y%m%d%H%M%S")))
    except ValueError:
        return None
