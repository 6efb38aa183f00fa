"""``Quart`` and ``Blueprint`` with the extended route decorator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import quart

from fsa_common import RouteSpec
from fsa_common.extension import HostAppMixin, RouteShortcuts, route_decorator

from .extension import QuartSimpleAuth, make_view


class Quart(HostAppMixin, quart.Quart):
    """A ``quart.Quart`` with the library installed as ``self.fsa``.

    ``route`` and its shortcuts take ``authorize``, ``auth``, ``required``
    and ``allparams``.  ``get_user``, ``current_user``, ``create_token``,
    ``hash_password`` and ``check_password`` are coroutines.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fsa = QuartSimpleAuth(self)


class Blueprint(RouteShortcuts, quart.Blueprint):
    """A ``quart.Blueprint`` whose ``route`` takes the extended keywords.

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
