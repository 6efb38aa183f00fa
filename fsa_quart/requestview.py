"""The core's request view over a Quart request.

Quart reads bodies asynchronously, so the form and JSON body are awaited
once, up front, by :func:`load_view`, and only for the content types that
carry them; the rest is read lazily like on Flask.
"""

from __future__ import annotations

from typing import Any

import quart

from fsa_common import ParamError
from fsa_common.request import FORM_TYPES, WrappedRequest

_EMPTY: dict[str, str] = {}


class QuartRequestView(WrappedRequest):
    """Read what the core needs from a Quart request.

    ``remote_user`` comes from the ASGI scope key ``remote_user``, which
    an authenticating proxy or middleware may set; ASGI has no standard
    for it.
    """

    __slots__ = ("form", "json")

    def __init__(self, request: quart.Request, form: Any = _EMPTY,
                 json: Any = None) -> None:
        super().__init__(request)
        self.form = form
        self.json = json

    @property
    def remote_user(self) -> str | None:
        user = self._request.scope.get("remote_user")
        return user if isinstance(user, str) else None


async def load_view(request: quart.Request) -> QuartRequestView:
    """Build the view of ``request``, reading its body if it has one.

    :raises ParamError: (400) on a JSON body that does not parse.
    """
    mimetype = request.mimetype
    if mimetype in FORM_TYPES:
        return QuartRequestView(request, form=await request.form)

    if request.is_json:
        try:
            data = await request.get_json(silent=True)
        except (RecursionError, ValueError):  # nesting, bad UTF-8
            data = None
        if data is None and await request.get_data():
            raise ParamError("invalid JSON body")
        return QuartRequestView(request, json=data)

    return QuartRequestView(request)
