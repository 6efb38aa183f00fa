"""The core's request view over a Flask (Werkzeug) request."""

from __future__ import annotations

import json as jsonlib
from typing import Any

from fsa_common import ParamError
from fsa_common.request import FORM_TYPES, WrappedRequest

_EMPTY: dict[str, str] = {}


_ENVIRON_KEYS: dict[str, str] = {}


def _environ_key(name: str) -> str:
    """The WSGI environ key of header ``name`` (PEP 3333), memoized."""
    key = name.upper().replace("-", "_")
    if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        key = "HTTP_" + key
    if len(_ENVIRON_KEYS) < 256:
        _ENVIRON_KEYS[name] = key
    return key


class EnvironHeaders:
    """Read request headers straight from the WSGI environ.

    Only lookups are offered, which is all the core needs; they skip the
    general machinery of Werkzeug's header classes on the hot path.
    """

    __slots__ = ("_environ",)

    def __init__(self, environ: dict[str, Any]) -> None:
        self._environ = environ

    def get(self, name: str, default: Any = None) -> Any:
        if name == "Authorization":  # by far the most asked
            return self._environ.get("HTTP_AUTHORIZATION", default)
        key = _ENVIRON_KEYS.get(name) or _environ_key(name)
        # WSGI gives header bytes as latin-1 text (PEP 3333)
        return self._environ.get(key, default)

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None


class FlaskRequestView(WrappedRequest):
    """Read what the core needs from a Flask request, lazily.

    The form is parsed only for form content types and the JSON body only
    for JSON ones; a JSON body that does not parse is a 400.
    """

    __slots__ = ()

    @property
    def form(self) -> Any:
        request = self._request
        if not request.environ.get("CONTENT_TYPE"):
            return _EMPTY
        return request.form if request.mimetype in FORM_TYPES else _EMPTY

    @property
    def json(self) -> Any:
        request = self._request
        if not request.environ.get("CONTENT_TYPE") or not request.is_json:
            return None

        raw = request.get_data(cache=True)
        if not raw:
            return None
        try:
            return jsonlib.loads(raw)
        except (RecursionError, ValueError):  # nesting, bad text
            raise ParamError("invalid JSON body") from None

    @property
    def headers(self) -> Any:
        return EnvironHeaders(self._request.environ)

    @property
    def remote_user(self) -> str | None:
        return self._request.remote_user
