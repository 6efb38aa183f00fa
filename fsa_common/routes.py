"""Route specifications, compiled once when a view is declared.

A :class:`RouteSpec` gathers what the extended route decorator was told
(``authorize``, ``auth``, ``required``, ``allparams``) and what the view's
signature says.  It does not depend on the configuration, so routes of a
blueprint can be declared before any application exists; each guard binds
it to its own schemes and casts on first use.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from .authz import Authorization, parse_authorize
from .config import NONE, SCHEMES, expand_schemes
from .errors import ConfigError
from .params import Signature, compile_params, rewrite_rule

log = logging.getLogger("fsa_common")

MISSING_AUTHORIZE: Any = object()


class RouteSpec:
    """What the library needs to serve one declared view.

    :param fn: the view function.
    :param rule: the route rule, e.g. ``/users/<id>``.
    :param authorize: the authorization rule; omitted means NONE, with a
        warning.
    :param auth: scheme name or names restricting this route, or None.
    :param required: see :func:`~fsa_common.params.compile_params`.
    :param allparams: pass every request parameter to the view.
    :raises ConfigError: (500) on a bad declaration, naming the route.
    """

    __slots__ = ("fn", "rule", "authz", "auth", "params", "__weakref__")

    def __init__(self, fn: Callable[..., Any], rule: str,
                 authorize: Any = MISSING_AUTHORIZE,
                 auth: str | list[str] | tuple[str, ...] | None = None,
                 required: bool | None = None,
                 allparams: bool = False) -> None:
        where = f"route {rule} ({getattr(fn, '__name__', fn)})"
        if authorize is MISSING_AUTHORIZE:
            log.warning("%s has no authorize=, it is closed (403)", where)
            authorize = NONE

        self.fn = fn
        self.authz: Authorization = parse_authorize(authorize, where)
        self.auth = _check_auth(auth, where)
        self.params: Signature = compile_params(fn, rule, required,
                                                allparams, where)
        self.rule = rewrite_rule(rule, self.params)


def _check_auth(auth: Any, where: str) -> tuple[str, ...] | None:
    if auth is None:
        return None

    names = (auth,) if isinstance(auth, str) else tuple(auth)
    for name in names:
        if name not in SCHEMES or name == "none":
            raise ConfigError(f"{where}: unknown scheme {name!r:.40} in "
                              "auth=")

    expanded = expand_schemes(names)
    if not expanded:
        raise ConfigError(f"{where}: auth= names no scheme")
    return tuple(expanded)
