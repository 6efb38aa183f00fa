"""Password hashing and checking through a passlib-compatible context.

Hashing is slow on purpose, so the functions here are plain synchronous
calls that the flows hand to the driver as blocking work.  A malformed
stored hash or a password the scheme refuses (bcrypt takes at most 72
bytes) makes a check fail; it never raises.
"""

from __future__ import annotations

import logging
from typing import Any

from .config import Config
from .errors import ConfigError, PasswordQualityError

log = logging.getLogger("fsa_common")


class PasswordManager:
    """Hash and check passwords as configured.

    The passlib context is built on first use, so applications that do
    not use passwords need not install passlib.
    """

    def __init__(self, config: Config) -> None:
        self.scheme = config.password_scheme
        self.options = config.password_options
        self.min_len = config.password_len
        self.patterns = config.password_re
        self._context: Any = None

    @property
    def enabled(self) -> bool:
        """Whether password checks are configured."""
        return self.scheme is not None

    @property
    def context(self) -> Any:
        """The passlib ``CryptContext``, built on first use."""
        if self._context is None:
            if self.scheme is None:
                raise ConfigError("FSA_PASSWORD_SCHEME is None: password "
                                  "checks are disabled")
            try:
                from passlib.context import CryptContext
            except ImportError as e:  # pragma: no cover
                raise ConfigError("password checks need passlib; install "
                                  "the password extra") from e

            schemes = [self.scheme] if isinstance(self.scheme, str) \
                else list(self.scheme)
            try:
                self._context = CryptContext(schemes=schemes, **self.options)
            except (KeyError, ValueError, TypeError) as e:
                raise ConfigError(f"FSA_PASSWORD_SCHEME/OPTIONS: {e}") from e

        return self._context

    def check_quality(self, password: str) -> None:
        """Check a new password against FSA_PASSWORD_LEN and _RE.

        :raises PasswordQualityError: (400) naming the rule that failed.
        """
        if not isinstance(password, str):
            raise PasswordQualityError("password must be a string")

        if len(password) < self.min_len:
            raise PasswordQualityError(
                f"password must have at least {self.min_len} characters")

        for pattern in self.patterns:
            if not pattern.search(password):
                raise PasswordQualityError(
                    f"password must match {pattern.pattern}")

    def hash(self, password: str) -> str:
        """Return the salted hash of a new password.

        :raises PasswordQualityError: (400) if a quality rule fails or the
            scheme refuses the password (e.g. too long for bcrypt).
        :raises ConfigError: (500) if password checks are disabled.
        """
        self.check_quality(password)
        context = self.context
        try:
            return context.hash(password)
        except (ValueError, TypeError) as e:
            # the hashing library's own message is not for clients
            log.info("password refused by the hashing scheme: %s", e)
            raise PasswordQualityError(
                "password refused by the hashing scheme (bcrypt takes at "
                "most 72 bytes and no NUL character)") from e

    def verify(self, password: Any, stored: Any) -> bool:
        """Tell whether ``password`` matches the ``stored`` hash.

        An unknown user (``stored`` is None) is checked against a dummy
        hash, so that it takes about as long as a wrong password.
        """
        if self.scheme is None:
            return False

        context = self.context
        if stored is None or not isinstance(password, str):
            context.dummy_verify()
            return False

        try:
            return bool(context.verify(password, stored))
        except (ValueError, TypeError) as e:
            log.debug("password check failed: %s", type(e).__name__)
            return False
