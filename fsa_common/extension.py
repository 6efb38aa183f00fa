"""What every host adapter shares, free of any framework.

:class:`ExtensionBase` keeps the application's hooks, builds the
:class:`~fsa_common.guard.Guard` from the host's configuration the first
time it is needed, and turns the extended route keywords into a
:class:`~fsa_common.routes.RouteSpec`.  An adapter subclasses it and adds
what touches its framework: the request view, the request-local state and
the driver.  A third framework reuses the core the same way.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .guard import Guard, Hooks
from .params import GLOBAL_CASTS
from .routes import MISSING_AUTHORIZE, RouteSpec

F = TypeVar("F", bound=Callable[..., Any])

ROUTE_KEYWORDS = ("authorize", "auth", "required", "allparams")


def split_route_options(options: dict[str, Any]
                        ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split decorator keywords into (ours, the framework's)."""
    ours = {k: options.pop(k) for k in ROUTE_KEYWORDS if k in options}
    return ours, options


def make_spec(fn: Callable[..., Any], rule: str, ours: dict[str, Any]
              ) -> RouteSpec:
    """Compile a route specification from the extended keywords.

    :raises ConfigError: (500) on a bad declaration.
    """
    return RouteSpec(fn, rule,
                     authorize=ours.get("authorize", MISSING_AUTHORIZE),
                     auth=ours.get("auth"), required=ours.get("required"),
                     allparams=ours.get("allparams", False))


def route_decorator(register: Callable[[RouteSpec, dict[str, Any]], None],
                    rule: str, options: dict[str, Any]
                    ) -> Callable[[F], F]:
    """Build a route decorator taking the extended keywords.

    :param register: adds the checked view of a spec to the host, with
        the host's own route options.
    :return: a decorator returning the view function unchanged.
    """
    ours, options = split_route_options(dict(options))

    def decorator(fn: F) -> F:
        register(make_spec(fn, rule, ours), options)
        return fn

    return decorator


class RouteShortcuts:
    """``get``, ``post``, ``put``, ``patch`` and ``delete`` over
    ``route``."""

    def route(self, rule: str, **options: Any) -> Callable[[F], F]:
        raise NotImplementedError  # pragma: no cover

    def get(self, rule: str, **options: Any) -> Callable[[F], F]:
        """Declare a GET view; see ``route``."""
        return self.route(rule, methods=["GET"], **options)

    def post(self, rule: str, **options: Any) -> Callable[[F], F]:
        """Declare a POST view; see ``route``."""
        return self.route(rule, methods=["POST"], **options)

    def put(self, rule: str, **options: Any) -> Callable[[F], F]:
        """Declare a PUT view; see ``route``."""
        return self.route(rule, methods=["PUT"], **options)

    def patch(self, rule: str, **options: Any) -> Callable[[F], F]:
        """Declare a PATCH view; see ``route``."""
        return self.route(rule, methods=["PATCH"], **options)

    def delete(self, rule: str, **options: Any) -> Callable[[F], F]:
        """Declare a DELETE view; see ``route``."""
        return self.route(rule, methods=["DELETE"], **options)


class HostAppMixin(RouteShortcuts):
    """Application methods forwarded to the extension in ``self.fsa``.

    The host's ``Flask``/``Quart`` subclass mixes this in first, so its
    ``route`` and shortcuts take the extended keywords.  Whether a method
    answers a value or a coroutine is the extension's choice.
    """

    fsa: Any

    def route(self, rule: str, **options: Any) -> Callable[[F], F]:
        """Declare a view with ``authorize``, ``auth``, ``required`` and
        ``allparams`` besides the host's own options."""
        return self.fsa.route(rule, **options)

    def get_user(self) -> Any:
        """The authenticated user; see the extension."""
        return self.fsa.get_user()

    def current_user(self) -> Any:
        """The authenticated user or None; see the extension."""
        return self.fsa.current_user()

    def create_token(self, user: str | None = None) -> Any:
        """A new token for ``user`` or the current user."""
        return self.fsa.create_token(user)

    def hash_password(self, password: str) -> Any:
        """The salted hash of a new password."""
        return self.fsa.hash_password(password)

    def check_password(self, password: str, stored: str | None) -> Any:
        """Whether ``password`` matches ``stored``."""
        return self.fsa.check_password(password, stored)

    def clear_caches(self) -> None:
        """Forget cached passwords, group answers and token checks."""
        self.fsa.clear_caches()

    def register_cast(self, kind: Any, cast: Callable[[Any], Any]) -> None:
        """Convert parameters declared as ``kind`` with ``cast``."""
        self.fsa.register_cast(kind, cast)

    def get_user_pass(self, fn: F) -> F:
        """Register the password lookup hook (a decorator)."""
        return self.fsa.get_user_pass(fn)

    def user_in_group(self, fn: F) -> F:
        """Register the group check hook (a decorator)."""
        return self.fsa.user_in_group(fn)

    def register_blueprint(self, blueprint: Any, **options: Any) -> None:
        """Register ``blueprint``, as the host does."""
        super().register_blueprint(blueprint, **options)  # type: ignore


class _HybridMethod:
    """A method that also works on the class, with ``self`` as None."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.__doc__ = fn.__doc__

    def __get__(self, obj: Any, cls: Any = None) -> Callable[..., Any]:
        def bound(*args: Any, **kwargs: Any) -> Any:
            return self.fn(obj, *args, **kwargs)

        bound.__doc__ = self.fn.__doc__
        return bound


class ExtensionBase(RouteShortcuts):
    """Hooks, lazy guard construction and route specs for one app.

    Subclasses set :attr:`config` (a mapping of ``FSA_*`` keys) and
    :attr:`app_name` through :meth:`attach` when the app is known.
    """

    def __init__(self) -> None:
        self.hooks = Hooks()
        self._guard: Guard | None = None
        self._lock = threading.Lock()
        self._config: Mapping[str, Any] = {}
        self._app_name = "app"

    def attach(self, config: Mapping[str, Any], app_name: str) -> None:
        """Remember where the configuration will be read from."""
        self._config, self._app_name = config, app_name

    @property
    def guard(self) -> Guard:
        """The guard, built from the configuration on first use.

        :raises ConfigError: (500) on a bad directive.
        """
        guard = self._guard
        if guard is None:
            with self._lock:
                if self._guard is None:
                    self._guard = Guard.from_mapping(
                        self._config, self._app_name, self.hooks)
                    _set_level(self._guard.config.logging_level)
                guard = self._guard

        return guard

    # hooks

    def get_user_pass(self, fn: F) -> F:
        """Register the hook returning a user's stored password, or None.

        Usable as a decorator; returns ``fn``.
        """
        self.hooks.get_user_pass = fn
        return fn

    def user_in_group(self, fn: F) -> F:
        """Register the hook telling whether a user is in a group.

        Usable as a decorator; returns ``fn``.
        """
        self.hooks.user_in_group = fn
        return fn

    @_HybridMethod
    def register_cast(self: ExtensionBase | None, kind: Any,
                      cast: Callable[[Any], Any]) -> None:
        """Convert parameters declared as ``kind`` with ``cast``.

        Called on the class, the cast serves every application.
        """
        if self is None:
            GLOBAL_CASTS[kind] = cast
        elif self._guard is not None:
            self._guard.register_cast(kind, cast)
        else:
            self.hooks.casts[kind] = cast

    def clear_caches(self) -> None:
        """Forget cached passwords, group answers and token checks."""
        if self._guard is not None:
            self._guard.clear_caches()

    def route(self, rule: str, **options: Any) -> Callable[[F], F]:
        """Declare a view, as the host's ``route`` with the extended
        keywords ``authorize``, ``auth``, ``required`` and
        ``allparams``."""
        return route_decorator(self.add_route, rule, options)

    def add_route(self, spec: RouteSpec, options: dict[str, Any]) -> None:
        """Add the checked view of ``spec`` to the application."""
        raise NotImplementedError  # pragma: no cover


def _set_level(level: int | str) -> None:
    for name in ("fsa_common", "fsa_flask", "fsa_quart"):
        logging.getLogger(name).setLevel(level)
