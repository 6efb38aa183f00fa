"""``Flask`` and ``Blueprint`` with the extended route decorator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flask

from fsa_common import RouteSpec
from fsa_common.extension import HostAppMixin, RouteShortcuts, route_decorator

from .extension import FlaskSimpleAuth, make_view


class Flask(HostAppMixin, flask.Flask):
    """A ``flask.Flask`` with the library installed as ``self.fsa``.

    ``route`` and its shortcuts take ``authorize``, ``auth``, ``required``
    and ``allparams``; the methods of :class:`FlaskSimpleAuth` are
    available on the application, with plain (not async) results.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fsa = FlaskSimpleAuth(self)


class Blueprint(RouteShortcuts, flask.Blueprint):
    """A ``flask.Blueprint`` whose ``route`` takes the extended keywords.

    Its views are checked by the extension of the application the
    blueprint is registered on.
    """

    def route(self, rule: str, **options: Any
              ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return route_decorator(self._add_checked_route, rule, options)

    def _add_checked_route(self, spec: RouteSpec, options: dict[str, Any]
                           ) -> None:
        endpoint = options.pop("endpoint", None)
        self.add_url_rule(spec.rule, endpoint, make_view(spec), **options)
