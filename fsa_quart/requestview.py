"""The core's request view over a Quart request.

Quart reads bodies asynchronously, so the form and JSON body are awaited
once, up front, by :func:`load_view`, and only for the content types that
carry them; the rest is read lazily like on Flask.
"""

from __future__ import annotations

import json as jsonlib
from typing import Any

import quart

from fsa_common import ParamError
from fsa_common.request import FORM_TYPES, WrappedRequest

_EMPTY: dict[str, str] = {}
_LOADED = "_fsa_view"


class QuartRequestView(WrappedRequest):
    """Read what the core needs from a Quart request.

    ``remote_user`` comes from the ASGI scope key ``remote_user``, which
    an authenticating proxy or middleware may set; ASGI has no standard
    for it.  A JSON body that did not parse is only an error (400) when
    the core reads it, as on Flask.
    """

    __slots__ = ("form", "_json", "_json_ok")

    def __init__(self, request: quart.Request, form: Any = _EMPTY,
                 json: Any = None, json_ok: bool = True) -> None:
        super().__init__(request)
        self.form = form
        self._json = json
        self._json_ok = json_ok

    @property
    def json(self) -> Any:
        if not self._json_ok:
            raise ParamError("invalid JSON body")
        return self._json

    @property
    def remote_user(self) -> str | None:
        user = self._request.scope.get("remote_user")
        return user if isinstance(user, str) else None


async def load_view(request: quart.Request) -> QuartRequestView:
    """The view of ``request`` with its body read, built once per request.

    JSON is decoded from bytes, so UTF-8 with a byte order mark and
    UTF-16/32 bodies are read as on Flask.
    """
    view = request.__dict__.get(_LOADED)
    if view is None:
        view = request.__dict__[_LOADED] = await _read_view(request)
    return view


async def _read_view(request: quart.Request) -> QuartRequestView:
    if not request.headers.get("Content-Type"):
        return QuartRequestView(request)

    if request.mimetype in FORM_TYPES:
        return QuartRequestView(request, form=await request.form)

    if request.is_json:
        raw = await request.get_data()
        if not raw:
            return QuartRequestView(request)
        try:
            return QuartRequestView(request, json=jsonlib.loads(raw))
        except (RecursionError, ValueError):  # nesting, bad text
            return QuartRequestView(request, json_ok=False)

    return QuartRequestView(request)
