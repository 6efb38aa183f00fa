"""fsa_common: the framework-free core of fsa-auth.

It decides who the caller is, whether they may call a route and which
typed arguments the view gets, from a request view and the ``FSA_*``
configuration.  It never imports a web framework and does no I/O: hooks
and slow work are handed back to the adapter's driver (see :mod:`.flow`).
"""

from .authz import Authorization, parse_authorize
from .cache import CacheOK, LRUCache
from .config import (
    ALL,
    ANY,
    DIRECTIVES,
    NONE,
    Config,
    Directive,
    read_config,
)
from .errors import (
    AuthError,
    BadAuthError,
    ConfigError,
    ForbiddenError,
    FSAError,
    HookError,
    NoAuthError,
    NotFoundError,
    ParamError,
    PasswordQualityError,
)
from .flow import BlockingCall, Flow, HookCall, run_async, run_sync
from .guard import Guard, Hooks, RequestState
from .params import path, string
from .reference import Reference
from .request import Headers, RequestView, SimpleRequest
from .routes import RouteSpec

__version__ = "0.1.0"

__all__ = [
    "ALL", "ANY", "NONE", "DIRECTIVES", "Authorization", "AuthError",
    "BadAuthError", "BlockingCall", "CacheOK", "Config", "ConfigError",
    "Directive", "FSAError", "Flow", "ForbiddenError", "Guard", "Headers",
    "HookCall", "HookError", "Hooks", "LRUCache", "NoAuthError",
    "NotFoundError", "ParamError", "PasswordQualityError", "Reference",
    "RequestState", "RequestView", "RouteSpec", "SimpleRequest",
    "parse_authorize", "path", "read_config", "run_async", "run_sync",
    "string",
]
