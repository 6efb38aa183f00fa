"""Errors raised by the core.

Every error the library raises derives from :class:`FSAError` and carries
the HTTP status it implies, a short plain-text message safe to send to the
client, and the headers to add to the answer (a ``WWW-Authenticate``
challenge for a 401).  The adapters turn them into responses; they never
decide the status themselves.

"No credentials", "bad credentials" and "not allowed" are kept apart even
where two of them share a status, so that callers (``current_user``,
redirects, logs) can tell them apart.
"""

from __future__ import annotations


class FSAError(Exception):
    """Base class of every error raised by the library.

    :param message: plain-text explanation, sent as the response body.
    :param status: the HTTP status the error implies.
    :param headers: extra response headers, as ``(name, value)`` pairs.
    """

    status: int = 500

    def __init__(
        self,
        message: str,
        status: int | None = None,
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.headers: list[tuple[str, str]] = list(headers or ())


class ConfigError(FSAError):
    """A configuration or declaration mistake by the application (500).

    Raised at declaration or when the configuration is first read, with a
    message naming the faulty directive or keyword.
    """

    status = 500


class HookError(FSAError):
    """An application hook misbehaved, e.g. answered with a wrong type (500).

    The client sees a generic message; the details go to the log.
    """

    status = 500


class AuthError(FSAError):
    """Authentication is needed and did not succeed (401)."""

    status = 401


class NoAuthError(AuthError):
    """No usable credentials were found in the request (401)."""


class BadAuthError(AuthError):
    """Credentials were found but are wrong, expired or malformed (401)."""


class ForbiddenError(FSAError):
    """The caller is known but not allowed on this route (403)."""

    status = 403


class ParamError(FSAError):
    """A request parameter is missing or does not convert (400)."""

    status = 400


class NotFoundError(FSAError):
    """A path parameter does not convert to its declared type (404)."""

    status = 404


class PasswordQualityError(FSAError):
    """A new password breaks a length or pattern rule (400)."""

    status = 400
