"""A plain WSGI application guarded by fsa_common (see docs/reuse.md)."""

import json
import re
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs
from wsgiref.util import request_uri

import fsa_common
from fsa_common import RouteSpec, SimpleRequest, run_sync
from fsa_common.guard import error_answer

CONFIG = {"FSA_AUTH": ["token", "basic"], "FSA_PASSWORD_SCHEME": "plaintext",
          "FSA_PASSWORD_OPTIONS": {}, "FSA_TOKEN_SECRET": "change me" * 4}
USERS = {"calvin": "hobbes", "susie": "derkins"}  # plaintext: a demo only
GROUPS = {"admin": {"calvin"}}
guard = fsa_common.Guard.from_mapping(CONFIG, "plain-wsgi")  # one per app
guard.hooks.get_user_pass = USERS.get
guard.hooks.user_in_group = lambda user, group: user in GROUPS[group]
# the current request's state: one RequestState per request, never shared
STATE: ContextVar[fsa_common.RequestState] = ContextVar("state")


def login() -> dict[str, str]:
    return {"token": guard.create_token(STATE.get().user)}


def add(a: int, b: int = 0) -> int:
    return a + b


def admin(name: str) -> str:
    return f"hello {name}, from {STATE.get().user}"


ROUTES = [  # (method, spec): a spec does not depend on the configuration
    ("POST", RouteSpec(login, "/login", authorize="ALL", auth="basic")),
    ("GET", RouteSpec(add, "/add", authorize="ALL")),  # basic or token
    ("GET", RouteSpec(admin, "/admin/<name>", authorize="admin")),
]


def match(method: str, path: str) -> tuple[RouteSpec, dict[str, str]]:
    """Find the route of a request; ``<name>`` matches one segment."""
    for verb, spec in ROUTES:
        pattern = re.sub(r"<(\w+)>", r"(?P<\1>[^/]+)", spec.rule)
        if verb == method and (found := re.fullmatch(pattern, path)):
            return spec, found.groupdict()
    raise fsa_common.NotFoundError("not found")


def first_values(text: str) -> dict[str, str]:
    """Decode a query or form, keeping the first value of each name."""
    return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}


def read_request(environ: dict[str, Any]) -> SimpleRequest:
    """Build the core's request view from a WSGI environ (PEP 3333)."""
    get = environ.get
    kind = get("CONTENT_TYPE", "").split(";")[0].strip()
    body = environ["wsgi.input"].read(int(get("CONTENT_LENGTH") or 0))
    headers = {k[5:].replace("_", "-"): v for k, v in environ.items()
               if k.startswith("HTTP_")} | {"Content-Type": kind}
    req = SimpleRequest(
        method=environ["REQUEST_METHOD"], path=get("PATH_INFO") or "/",
        url=request_uri(environ), query_string=get("QUERY_STRING", ""),
        headers=headers, query=first_values(get("QUERY_STRING", "")),
        remote_user=get("REMOTE_USER"), remote_addr=get("REMOTE_ADDR"),
        is_secure=get("wsgi.url_scheme") == "https")
    if kind == "application/x-www-form-urlencoded":
        req.form = first_values(body.decode(errors="replace"))
    elif kind == "application/json" and body:
        try:
            req.json = json.loads(body)
        except ValueError:
            raise fsa_common.ParamError("invalid JSON body") from None
    return req


def app(environ: dict[str, Any], start: Callable) -> Iterable[bytes]:
    """The WSGI callable: guard the route, call the view, answer JSON."""
    method, state = environ["REQUEST_METHOD"], fsa_common.RequestState()
    STATE.set(state)  # before anything reads it, in this thread
    try:
        spec, args = match(method, environ.get("PATH_INFO") or "/")
        req = read_request(environ)
        run_sync(guard.before_request(req, state))  # FSA_MODE always, all
        kwargs = run_sync(guard.prepare(spec, req, state, args))
        status, body = 200, json.dumps(spec.fn(**kwargs))
        headers = [("Content-Type", "application/json")]
    except fsa_common.FSAError as error:  # 400, 401, 403, 404 or 500
        status, body, headers = error_answer(
            error, method, request_uri(environ), guard.config)
        headers = [("Content-Type", "text/plain; charset=utf-8"), *headers]
    start(f"{status} {HTTPStatus(status).phrase}", headers)
    return [body.encode()]
