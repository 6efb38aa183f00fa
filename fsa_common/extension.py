"""What every host adapter shares, free of any framework.

:class:`ExtensionBase` keeps the application's hooks, builds the
:class:`~fsa_common.guard.Guard` from the host's configuration the first
time it is needed, and turns the extended route keywords into a
:class:`~fsa_common.routes.RouteSpec`.  An adapter subclasses it and adds
what touches its framework: the request view, the request-local state and
the driver.  A third framework reuses the core the same way.
"""

from __future__ import annotations

import abc
import functools
import logging
import threading
import weakref
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .errors import FSAError
from .guard import Guard, Hooks, RequestState, error_answer
from .params import CASTS_VERSION, GLOBAL_CASTS
from .routes import MISSING_AUTHORIZE, RouteSpec

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("fsa_common")

ROUTE_KEYWORDS = ("authorize", "auth", "required", "allparams")
# keys in the host application's ``extensions`` and request ``__dict__``
GUARD_KEY = "fsa.guard"
# the answer to a view that ran no authorization check, under FSA_CHECK
UNCHECKED_BODY = "internal error: no authorization check on this route"
STATE_KEY = "_fsa_state"


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


class RouteShortcuts(abc.ABC):
    """``get``, ``post``, ``put``, ``patch`` and ``delete`` over
    ``route``."""

    @abc.abstractmethod
    def route(self, rule: str, **options: Any) -> Callable[[F], F]:
        ...

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
    # the adapter's extension class, installed as ``self.fsa``
    extension_class: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fsa = self.extension_class(self)

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

    @_HybridMethod
    def register_cast(self: Any, kind: Any,
                      cast: Callable[[Any], Any]) -> None:
        """Convert parameters declared as ``kind`` with ``cast``; called
        on the class, for every application."""
        if self is None:
            GLOBAL_CASTS[kind] = cast
            CASTS_VERSION[0] += 1
        else:
            self.fsa.register_cast(kind, cast)

    def get_user_pass(self, fn: F) -> F:
        """Register the password lookup hook (a decorator)."""
        return self.fsa.get_user_pass(fn)

    def user_in_group(self, fn: F) -> F:
        """Register the group check hook (a decorator)."""
        return self.fsa.user_in_group(fn)



def wrap_unchecked(views: dict[str, Callable[..., Any]],
                   wrap: Callable[[Callable[..., Any]], Callable[..., Any]]
                   ) -> None:
    """Wrap, in place, the views no authorization rule was declared for.

    Called on the first request, when the host no longer accepts new
    routes, so that FSA_CHECK sees every view.  Static file endpoints are
    left alone.
    """
    for endpoint, fn in list(views.items()):
        if getattr(fn, "_fsa_checked", False) or endpoint == "static" \
                or endpoint.endswith(".static"):
            continue
        views[endpoint] = wrap(fn)


class BlueprintMixin(RouteShortcuts):
    """``route`` and shortcuts with the extended keywords, for a host's
    blueprint class; its views are checked by the extension of the
    application the blueprint is registered on."""

    # the adapter's view wrapper, taking a RouteSpec
    make_view: Callable[[RouteSpec], Callable[..., Any]]

    def route(self, rule: str, **options: Any) -> Callable[[F], F]:
        """Declare a view, with the host's options and the extended
        keywords."""
        return route_decorator(self._add_checked_route, rule, options)

    def _add_checked_route(self, spec: RouteSpec, options: dict[str, Any]
                           ) -> None:
        endpoint = options.pop("endpoint", None)
        self.add_url_rule(spec.rule, endpoint,  # type: ignore[attr-defined]
                          self.make_view(spec), **options)


def request_state(request: Any) -> RequestState:
    """The state of a host request object, created on first use.

    It is kept on the request object itself: one per request, never
    shared between requests.
    """
    state = request.__dict__.get(STATE_KEY)
    if state is None:
        state = request.__dict__[STATE_KEY] = RequestState()
    return state


class _AppSetup:
    """The configuration source and guard of one application."""

    __slots__ = ("config", "name", "guard")

    def __init__(self, config: Mapping[str, Any], name: str) -> None:
        self.config, self.name = config, name
        self.guard: Guard | None = None


class ExtensionBase(RouteShortcuts):
    """Hooks, lazy guard construction and route specs.

    One extension may serve several applications (application
    factories): each gets its own guard, built from its own configuration
    the first time it is needed.  The configuration is read again when the
    first request arrives, so that changes made after an early use (say,
    hashing passwords while seeding a database) still apply.

    Subclasses call :meth:`attach` for each application and define
    :meth:`current_app`.
    """

    def __init__(self, app: Any = None) -> None:
        self.app: Any = None
        self.hooks = Hooks()
        # guards of the applications that served a request
        self.started: weakref.WeakKeyDictionary[Any, Guard] = \
            weakref.WeakKeyDictionary()
        self._setups: weakref.WeakKeyDictionary[Any, _AppSetup] = \
            weakref.WeakKeyDictionary()
        self._lock = threading.RLock()
        if app is not None:
            self.init_app(app)

    # installation on a host application (Flask and Quart share its API)

    def init_app(self, app: Any) -> None:
        """Install the extension on ``app`` (application factories)."""
        self.app = self.app or app
        self.attach(app, app.config, app.name)
        app.extensions["fsa"] = self
        app.before_request(self._before_request)
        app.register_error_handler(FSAError, self._render_error)

    def on_start(self, app: Any, guard: Guard) -> None:
        """Finish the setup of ``app`` at its first request, once its
        configuration is known: CORS, FSA_CHECK, the lazy mode's idle
        before-request hook."""
        app.extensions[GUARD_KEY] = guard
        if guard.config.cors:
            self.enable_cors(app, guard.config.cors_options)
        if guard.config.check:
            wrap_unchecked(app.view_functions, functools.partial(
                self.unchecked_view, app, guard))
        # the host is iterating over its hook lists right now and refuses
        # setup methods: give it new lists rather than changing these
        if guard.config.mode == "lazy":
            # nothing to do before lazy requests: leave the hook list
            hooks = app.before_request_funcs.get(None, [])
            app.before_request_funcs[None] = [
                h for h in hooks if h != self._before_request]
        if guard.tokens is not None and guard.config.token_renewal > 0 \
                and guard.config.token_carrier == "cookie":
            hooks = app.after_request_funcs.get(None, [])
            app.after_request_funcs[None] = [*hooks, self._after_request]

    def add_route(self, spec: RouteSpec, options: dict[str, Any]) -> None:
        """Add the checked view of ``spec`` to the application."""
        endpoint = options.pop("endpoint", None)
        self.require_app().add_url_rule(spec.rule, endpoint,
                                        self.make_view(spec), **options)

    def register_blueprint(self, blueprint: Any, **options: Any) -> None:
        """Register ``blueprint`` on the application; ``url_path`` is
        accepted for ``url_prefix``, as older documentation spells it."""
        if "url_path" in options and "url_prefix" not in options:
            options["url_prefix"] = options.pop("url_path")
        self.require_app().register_blueprint(blueprint, **options)

    def require_app(self) -> Any:
        """The application given at construction or to :meth:`init_app`.

        :raises RuntimeError: when there is none yet.
        """
        if self.app is None:
            raise RuntimeError(f"{type(self).__name__}: call init_app "
                               "first")
        return self.app

    def error_parts(self, error: FSAError, method: str, url: str
                    ) -> tuple[int, str, list[tuple[str, str]]]:
        """How to answer ``error`` (see :func:`~.guard.error_answer`),
        even when the configuration itself failed to load."""
        try:
            config = self.guard.config
        except FSAError:
            config = None
        return error_answer(error, method, url, config)

    # what each adapter provides

    @abc.abstractmethod
    def make_view(self, spec: RouteSpec) -> Callable[..., Any]:
        """Wrap the view of ``spec`` so that the core checks each call."""
        ...

    @abc.abstractmethod
    def unchecked_view(self, app: Any, guard: Guard,
                       fn: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap a view declared without the library, for FSA_CHECK."""
        ...

    @abc.abstractmethod
    def enable_cors(self, app: Any, options: dict[str, Any]) -> None:
        """Install the host's CORS extension with ``options``."""
        ...

    @abc.abstractmethod
    def get_user(self) -> Any:
        """The authenticated user of the current request, authenticating
        if needed (a coroutine on async hosts).

        :raises AuthError: (401) when authentication fails.
        """
        ...

    @abc.abstractmethod
    def current_user(self) -> Any:
        """The authenticated user, or None when there is none (a
        coroutine on async hosts)."""
        ...

    @abc.abstractmethod
    def create_token(self, user: str | None = None) -> Any:
        """A new token for ``user``, by default the current user (a
        coroutine on async hosts).

        :raises ConfigError: (500) when tokens are disabled.
        """
        ...

    @abc.abstractmethod
    def hash_password(self, password: str) -> Any:
        """The salted hash of a new password, as configured (a coroutine
        on async hosts, hashing off the event loop).

        :raises PasswordQualityError: (400) on a quality rule failure.
        """
        ...

    @abc.abstractmethod
    def check_password(self, password: str, stored: str | None) -> Any:
        """Whether ``password`` matches the ``stored`` hash (a coroutine
        on async hosts)."""
        ...

    @abc.abstractmethod
    def _before_request(self) -> Any:
        ...

    @abc.abstractmethod
    def _render_error(self, error: FSAError) -> Any:
        ...

    @abc.abstractmethod
    def _after_request(self, response: Any) -> Any:
        ...

    def attach(self, app: Any, config: Mapping[str, Any], name: str
               ) -> None:
        """Remember where ``app`` reads its configuration from."""
        self._setups[app] = _AppSetup(config, name)

    @abc.abstractmethod
    def current_app(self) -> Any:
        """The application of the current context."""
        ...

    def guard_of(self, app: Any) -> Guard:
        """The guard of ``app``, built on first use.

        :raises ConfigError: (500) on a bad directive.
        """
        setup = self._setups[app]
        guard = setup.guard
        if guard is None:
            with self._lock:
                if setup.guard is None:
                    setup.guard = self._build(setup, None)
                guard = setup.guard

        return guard

    @property
    def guard(self) -> Guard:
        """The guard of the current application."""
        return self.guard_of(self.current_app())

    def start(self, app: Any) -> Guard:
        """Called by the first request of ``app``: read the configuration
        afresh (it may have changed since an early use), finish the setup
        in :meth:`on_start`, and remember the guard in :attr:`started`.

        :return: the guard to use from now on.
        :raises ConfigError: (500) on a bad directive.
        """
        with self._lock:
            guard = self.started.get(app)
            if guard is None:
                setup = self._setups[app]
                guard = setup.guard = self._build(setup, setup.guard)
                self.on_start(app, guard)
                self.started[app] = guard
                config = guard.config
                log.info("%s: schemes %s, %s mode, realm %s", setup.name,
                         ", ".join(config.schemes) or "none", config.mode,
                         config.realm)
            return guard

    def _build(self, setup: _AppSetup, early: Guard | None) -> Guard:
        config: Mapping[str, Any] = setup.config
        if early is not None and early.config.random_secret and \
                config.get("FSA_TOKEN_SECRET") is None:
            # keep the tokens made before the first request valid
            config = {**config,
                      "FSA_TOKEN_SECRET": early.config.token_secret}

        guard = Guard.from_mapping(config, setup.name, self.hooks)
        # the loggers serve every application of the process: the last
        # one started sets their level
        _set_level(guard.config.logging_level)
        return guard

    def guards(self) -> list[Guard]:
        """The guards built so far, for every application."""
        return [s.guard for s in self._setups.values() if s.guard]

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
            CASTS_VERSION[0] += 1
            return

        self.hooks.casts[kind] = cast
        for guard in self.guards():
            guard.register_cast(kind, cast)

    def clear_caches(self) -> None:
        """Forget cached passwords, group answers and token checks."""
        for guard in self.guards():
            guard.clear_caches()

    def route(self, rule: str, **options: Any) -> Callable[[F], F]:
        """Declare a view, as the host's ``route`` with the extended
        keywords ``authorize``, ``auth``, ``required`` and
        ``allparams``."""
        return route_decorator(self.add_route, rule, options)


def _set_level(level: int | str) -> None:
    for name in ("fsa_common", "fsa_flask", "fsa_quart"):
        logging.getLogger(name).setLevel(level)
