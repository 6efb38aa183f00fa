"""The core's request view over a Flask (Werkzeug) request."""

from __future__ import annotations

from typing import Any

from fsa_common import ParamError
from fsa_common.request import FORM_TYPES, WrappedRequest

_EMPTY: dict[str, str] = {}


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

        try:
            data = request.get_json(silent=True)
        except (RecursionError, ValueError):  # absurdly nested arrays
            data = None
        if data is None and request.get_data(cache=True):
            raise ParamError("invalid JSON body")
        return data

    @property
    def remote_user(self) -> str | None:
        return self._request.remote_user
