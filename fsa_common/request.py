"""The request view: what the core needs to know about a request.

Adapters provide an object following :class:`RequestView`; they need not
inherit from anything here.  Attributes may be computed lazily (e.g. the
form is only parsed when read).  :class:`SimpleRequest` is a plain
implementation for tests and for hosts that prefer to fill in everything
up front.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Mapping
from typing import Any, Protocol


class RequestView(Protocol):
    """What the core reads from a request.

    ``headers`` must look names up without regard to case.
    ``query_string`` is the raw query, without ``?``.  ``json`` is
    the decoded body when the request declares a JSON content type, else
    None.  ``query``, ``form`` and ``cookies`` map names to their first
    value.
    """

    method: str
    path: str
    url: str
    query_string: str
    headers: Mapping[str, str]
    query: Mapping[str, str]
    form: Mapping[str, str]
    json: Any
    cookies: Mapping[str, str]
    remote_user: str | None
    remote_addr: str | None
    is_secure: bool


class Headers(dict[str, str]):
    """A dict of headers whose keys are looked up in lower case."""

    def __init__(self, items: Mapping[str, str] | None = None) -> None:
        super().__init__((k.lower(), v) for k, v in (items or {}).items())

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore
        return super().get(key.lower(), default)

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())

    def __setitem__(self, key: str, value: str) -> None:
        super().__setitem__(key.lower(), value)


@dataclasses.dataclass
class SimpleRequest:
    """A :class:`RequestView` filled in by hand."""

    method: str = "GET"
    path: str = "/"
    url: str = "http://localhost/"
    query_string: str = ""
    headers: Mapping[str, str] = dataclasses.field(default_factory=Headers)
    query: Mapping[str, str] = dataclasses.field(default_factory=dict)
    form: Mapping[str, str] = dataclasses.field(default_factory=dict)
    json: Any = None
    cookies: Mapping[str, str] = dataclasses.field(default_factory=dict)
    remote_user: str | None = None
    remote_addr: str | None = "127.0.0.1"
    is_secure: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.headers, Headers):
            self.headers = Headers(self.headers)


def is_loopback(addr: str | None) -> bool:
    """Tell whether ``addr`` is a loopback IP address (IPv4, IPv6 or
    IPv4-mapped IPv6); anything unparsable is not."""
    try:
        ip = ipaddress.ip_address(addr or "")
    except ValueError:
        return False

    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def parse_plain_query(raw: bytes) -> dict[str, str] | None:
    """Parse a query string that needs no decoding, the common case.

    Names and values are taken as they are when the query is ASCII with
    neither ``%`` nor ``+``; the first value of a repeated name wins,
    empty parts are skipped and a part without ``=`` has an empty value,
    as the hosts' own parsers do.  Anything else answers None, and the
    host's parser is used.
    """
    if not raw:
        return {}

    if b"%" in raw or b"+" in raw or not raw.isascii():
        return None

    params: dict[str, str] = {}
    for part in raw.decode("ascii").split("&"):
        if part:
            name, _, value = part.partition("=")
            params.setdefault(name, value)
    return params


def request_params(req: RequestView) -> Mapping[str, Any]:
    """The request's parameters: query, then form, then JSON object.

    Later sources win.  A JSON body that is not an object contributes
    nothing here (a view can still take it whole).  When only one source
    has parameters, it is answered as is, without a copy.
    """
    query, form, body = req.query, req.form, req.json
    if not form and body.__class__ is not dict:
        return query

    sources = [s for s in (query, form,
                           body if isinstance(body, dict) else None) if s]
    if len(sources) == 1:
        return sources[0]

    params: dict[str, Any] = {}
    for source in sources:
        params.update(source)
    return params


class WrappedRequest:
    """A lazy :class:`RequestView` over a Werkzeug-style request object.

    Flask and Quart requests share the attribute names read here
    (``method``, ``path``, ``url``, ``headers``, ``args``, ``cookies``,
    ``remote_addr``, ``is_secure``), so adapters only add what differs:
    ``form``, ``json`` and ``remote_user``.  No framework is imported.
    """

    __slots__ = ("_request",)

    def __init__(self, request: Any) -> None:
        self._request = request

    @property
    def method(self) -> str:
        return self._request.method

    @property
    def path(self) -> str:
        return self._request.path

    @property
    def url(self) -> str:
        return self._request.url

    @property
    def query_string(self) -> str:
        return self._request.query_string.decode("latin-1")

    @property
    def headers(self) -> Mapping[str, str]:
        return self._request.headers

    @property
    def query(self) -> Mapping[str, str]:
        plain = parse_plain_query(self._request.query_string)
        return self._request.args if plain is None else plain

    @property
    def cookies(self) -> Mapping[str, str]:
        return self._request.cookies

    @property
    def remote_addr(self) -> str | None:
        return self._request.remote_addr

    @property
    def is_secure(self) -> bool:
        return self._request.is_secure


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
