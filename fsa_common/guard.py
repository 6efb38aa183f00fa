"""The guard: one per application, it decides on every request.

It holds the checked configuration, the application's hooks and the
caches, and offers flows (see :mod:`fsa_common.flow`) that adapters drive:

- :meth:`Guard.before_request`: authentication in ``always``/``all`` mode.
- :meth:`Guard.prepare`: authorization and parameters of a declared
  route, returning the keyword arguments of the view.
- :meth:`Guard.get_user`: the authenticated user, authenticating lazily.
- :meth:`Guard.after_request`: the FSA_CHECK rule and cookie renewal.

Per-request facts live in a :class:`RequestState` the adapter keeps in its
request context, never on the guard, so concurrent requests never see
each other's user.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import logging
import os
import time
from collections.abc import Callable, Mapping
from types import GeneratorType
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from . import params as params_module
from .authz import Authorization
from .cache import MISSING, LRUCache
from .config import ALL, ANY, NONE, Config, read_config
from .errors import (
    AuthError,
    ConfigError,
    ForbiddenError,
    FSAError,
    HookError,
    NoAuthError,
    NotFoundError,
    ParamError,
)
from .flow import BlockingCall, Flow, HookCall, is_async_callable
from .params import Param, find_cast, type_name
from .passwords import PasswordManager
from .request import RequestView, request_params
from .routes import RouteSpec
from .schemes import SCHEME_CLASSES, Scheme
from .tokens import TokenManager

log = logging.getLogger("fsa_common")


class Hooks:
    """The application's hooks, filled by the adapters' decorators.

    ``get_user_pass(user) -> str | None`` returns the stored password
    hash; ``user_in_group(user, group) -> bool``; ``casts`` maps a type to
    its converter.  Each may be a plain or ``async`` function.
    """

    def __init__(self) -> None:
        self.get_user_pass: Callable[..., Any] | None = None
        self.user_in_group: Callable[..., Any] | None = None
        self.casts: dict[Any, Callable[[Any], Any]] = {}


class RequestState:
    """What the library knows about the current request.

    ``user`` is the authenticated user once known, ``scheme`` the scheme
    that found it; ``checked`` tells that an authorization rule ran;
    ``skipped`` that FSA_SKIP_PATH exempted the request; ``failure`` keeps
    a failed authentication with the schemes it tried (``failed_with``);
    ``schemes`` are those of the route's ``auth=``, if any; ``renew``
    names the user whose cookie token is due for renewal.
    Class attributes are the defaults, so creating a state costs nothing.
    """

    user: str | None = None
    scheme: str | None = None
    checked = False
    skipped = False
    failure: AuthError | None = None
    failed_with: tuple[Any, ...] | None = None
    schemes: tuple[Any, ...] | None = None
    renew: str | None = None
    _params: Mapping[str, Any] | None = None

    def params(self, req: RequestView) -> Mapping[str, Any]:
        """The merged request parameters, computed once per request."""
        params = self._params
        if params is None:
            params = self._params = request_params(req)
        return params


class _Cast:
    """A parameter with the converter chosen for it by one guard."""

    __slots__ = ("name", "key", "kind", "required", "default", "cast",
                 "is_async")

    def __init__(self, param: Param,
                 casts: dict[Any, Callable[[Any], Any]]) -> None:
        self.name, self.key, self.kind = param.name, param.key, param.kind
        self.required, self.default = param.required, param.default
        self.cast = find_cast(param.kind, casts)
        self.is_async = _is_async(self.cast)


class BoundRoute:
    """A route specification bound to one guard: schemes and casts."""

    __slots__ = ("spec", "authz", "schemes", "scheme_names", "immediate",
                 "restricted", "path", "request", "allparams", "keys",
                 "reads_params")

    def __init__(self, spec: RouteSpec, schemes: tuple[Scheme, ...],
                 casts: dict[Any, Callable[[Any], Any]]) -> None:
        self.spec = spec
        self.authz: Authorization = spec.authz
        self.schemes = schemes
        self.scheme_names = frozenset(s.name for s in schemes)
        self.immediate = all(s.immediate for s in schemes)
        self.restricted = spec.auth is not None
        self.path = [_Cast(p, casts) for p in spec.params.path]
        self.request = [_Cast(p, casts) for p in spec.params.request]
        self.allparams = spec.params.allparams
        self.keys = spec.params.keys
        self.reads_params = bool(self.request or self.allparams) or (
            spec.authz.needs_user and any(s.reads_params for s in schemes))


class Guard:
    """Authentication, authorization and parameters for one application.

    :param config: the checked configuration.
    :param hooks: the application's hooks.
    :param clock: current time in seconds since the epoch.
    """

    def __init__(self, config: Config, hooks: Hooks | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.hooks = hooks or Hooks()
        self.clock = clock

        self.passwords = PasswordManager(config)
        self.tokens = TokenManager(config, clock) \
            if config.tokens_enabled else None
        size = config.cache_size
        self.pass_cache: LRUCache[str] = LRUCache(size)
        self.group_cache: LRUCache[bool] = LRUCache(size)
        self.schemes = tuple(self._make_scheme(n) for n in config.schemes)
        self._bound: dict[RouteSpec, BoundRoute] = {}
        self._casts_version = params_module.CASTS_VERSION[0]

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], app_name: str,
                     hooks: Hooks | None = None,
                     clock: Callable[[], float] = time.time) -> Guard:
        """Read the configuration from ``mapping`` and build a guard.

        :raises ConfigError: (500) on a bad directive, naming it.
        """
        return cls(read_config(mapping, app_name), hooks, clock)

    @functools.cached_property
    def digest_secret(self) -> bytes:
        """Key for digest nonces: from the ``secret`` option of
        FSA_HTTP_AUTH_OPTS, else derived from the token secret, else
        random (valid in this process only, with a warning)."""
        secret = self.config.http_auth_opts.get("secret") or \
            self.config.token_secret
        if not secret:
            log.warning("no FSA_TOKEN_SECRET nor HTTP_AUTH_OPTS secret: "
                        "digest nonces are only valid in this process")
            return os.urandom(32)
        if isinstance(secret, str):
            secret = secret.encode()
        return hashlib.sha256(b"fsa-digest-nonce:" + secret).digest()

    def _make_scheme(self, name: str) -> Scheme:
        if name in ("token", "http-token") and self.tokens is None:
            raise ConfigError(f"FSA_AUTH: {name} needs tokens, which are "
                              "disabled by FSA_TOKEN_TYPE or an empty "
                              "FSA_TOKEN_SECRET")

        return SCHEME_CLASSES[name](self)

    # route binding

    def bind(self, spec: RouteSpec) -> BoundRoute:
        """Return the route bound to this guard, binding it on first use.

        :raises ConfigError: (500) if the route names an unknown scheme.
        """
        bound = self._bound.get(spec)
        if bound is None:
            bound = self._bound[spec] = self._bind(spec)
        return bound

    def _bind(self, spec: RouteSpec) -> BoundRoute:
        schemes = self.schemes
        if spec.auth is not None:
            by_name = {s.name: s for s in self.schemes}
            schemes = tuple(by_name.get(n) or self._make_scheme(n)
                            for n in spec.auth)

        return BoundRoute(spec, schemes, self.hooks.casts)

    def reads_params(self, spec: RouteSpec) -> bool:
        """Whether checking ``spec`` may read the request parameters, so
        that an async host reads the body first.

        :raises ConfigError: (500) if the route names an unknown scheme.
        """
        return self.bind(spec).reads_params

    def register_cast(self, kind: Any, cast: Callable[[Any], Any]) -> None:
        """Use ``cast`` to convert parameters declared as ``kind``."""
        self.hooks.casts[kind] = cast
        self._bound.clear()

    # hooks, cached

    def user_pass(self, user: str) -> Flow[str | None]:
        """Flow returning the stored password of ``user``, or None.

        Known users are cached; unknown ones are asked again next time,
        so that a new registration works at once.

        :raises ConfigError: (500) when no get_user_pass hook is set.
        :raises HookError: (500) when the hook answers a non-string.
        """
        stored = self.pass_cache.get(user)
        if stored is not MISSING:
            return stored

        hook = self.hooks.get_user_pass or self.config.get_user_pass
        if hook is None:
            raise ConfigError("no get_user_pass hook: register one with "
                              "get_user_pass or FSA_GET_USER_PASS")

        generation = self.pass_cache.generation
        stored = yield from _ask("get_user_pass", hook, (user,))
        if stored is not None:
            if not isinstance(stored, str):
                raise _hook_error("get_user_pass", stored)
            self.pass_cache.set(user, stored, generation)

        return stored

    def in_group(self, user: str, group: str | int) -> Flow[bool]:
        """Flow telling whether ``user`` belongs to ``group``.

        :raises ConfigError: (500) when no user_in_group hook is set.
        :raises HookError: (500) when the hook answers a non-boolean.
        """
        key = (user, group)
        answer = self.group_cache.get(key)
        if answer is not MISSING:
            return answer

        hook = self.hooks.user_in_group or self.config.user_in_group
        if hook is None:
            raise ConfigError("no user_in_group hook: register one with "
                              "user_in_group or FSA_USER_IN_GROUP")

        generation = self.group_cache.generation
        answer = yield from _ask("user_in_group", hook, (user, group))
        if not isinstance(answer, bool):
            raise _hook_error("user_in_group", answer)

        self.group_cache.set(key, answer, generation)
        return answer

    def clear_caches(self) -> None:
        """Forget every cached password, group answer and token check."""
        self.pass_cache.clear()
        self.group_cache.clear()
        if self.tokens is not None:
            self.tokens.cache.clear()

    # authentication

    def authenticate(self, req: RequestView, state: RequestState,
                     schemes: tuple[Scheme, ...] | None = None
                     ) -> Flow[str]:
        """Flow trying ``schemes`` in order (see :mod:`.schemes`).

        A failure is remembered in ``state`` and raised again if asked
        later in the same request, so that slow checks do not run twice.
        In ``always`` mode a path skipped by FSA_SKIP_PATH is not
        authenticated lazily.

        :return: the authenticated user, also stored in ``state``.
        :raises NoAuthError: (401) when no scheme found credentials.
        :raises BadAuthError: (401) when credentials are wrong.
        """
        schemes = self.schemes if schemes is None else schemes
        if state.failure is not None or state.skipped:
            self._may_authenticate(state, schemes)
        try:
            for scheme in schemes:
                if scheme.immediate:
                    user = scheme.identify(req, state)
                else:
                    user = yield from scheme.authenticate(req, state)
                if user is not None:
                    state.user, state.scheme = user, scheme.name
                    return user

            raise self._nobody(schemes)
        except AuthError as error:
            state.failure, state.failed_with = error, schemes
            raise

    def identify(self, req: RequestView, state: RequestState,
                 schemes: tuple[Scheme, ...]) -> str:
        """The plain twin of :meth:`authenticate`, for schemes that are
        all immediate (no hook, no hashing): no flow is needed."""
        if state.failure is not None or state.skipped:
            self._may_authenticate(state, schemes)
        try:
            for scheme in schemes:
                user = scheme.identify(req, state)
                if user is not None:
                    state.user, state.scheme = user, scheme.name
                    return user

            raise self._nobody(schemes)
        except AuthError as error:
            state.failure, state.failed_with = error, schemes
            raise

    def _may_authenticate(self, state: RequestState,
                          schemes: tuple[Scheme, ...]) -> None:
        if state.failure is not None and state.failed_with is schemes:
            raise state.failure

        if state.skipped and self.config.mode == "always":
            state.failure = self._nobody(schemes)
            state.failed_with = schemes
            raise state.failure

    def _nobody(self, schemes: tuple[Scheme, ...]) -> NoAuthError:
        return NoAuthError("authentication required",
                           headers=self.challenges(schemes))

    def challenges(self, schemes: tuple[Scheme, ...] | None = None
                   ) -> list[tuple[str, str]]:
        """The ``WWW-Authenticate`` headers of ``schemes``."""
        found = (s.challenge() for s in
                 (self.schemes if schemes is None else schemes))
        return [("WWW-Authenticate", c) for c in found if c]

    def get_user(self, req: RequestView, state: RequestState,
                 schemes: tuple[Scheme, ...] | None = None) -> Flow[str]:
        """Flow returning the authenticated user, authenticating if needed.

        Without ``schemes``, those of the route's ``auth=`` apply, if the
        route restricted them, else the configured ones.

        :raises AuthError: (401) when authentication fails, now or
            earlier in the request.
        """
        schemes = schemes or state.schemes
        user = state.user
        if user is not None and (schemes is None or state.scheme in
                                 [s.name for s in schemes]):
            return user

        return (yield from self.authenticate(req, state, schemes))

    def before_request(self, req: RequestView, state: RequestState
                       ) -> Flow[None]:
        """Flow authenticating every request in ``always``/``all`` mode.

        :raises AuthError: (401) when authentication fails on a path
            FSA_SKIP_PATH does not exempt.
        """
        if self.config.mode == "lazy" or req.method == "OPTIONS":
            return

        path = req.path
        if any(p.match(path) for p in self.config.skip_path):
            state.skipped = True
            return

        yield from self.get_user(req, state)

    # authorization and parameters

    def prepare(self, spec: RouteSpec, req: RequestView,
                state: RequestState, path_args: dict[str, Any]
                ) -> dict[str, Any] | Flow[dict[str, Any]]:
        """Check a declared route and convert its parameters.

        When the caches can decide and there is nothing to convert, the
        answer comes at once; otherwise a flow is returned, which the
        drivers run (they accept both).

        :return: the keyword arguments of the view, or a flow of them.
        :raises AuthError: (401), :class:`ForbiddenError` (403),
            :class:`ParamError` (400) or :class:`NotFoundError` (404).
        """
        if self._casts_version != params_module.CASTS_VERSION[0]:
            self._bound.clear()
            self._casts_version = params_module.CASTS_VERSION[0]
        route = self._bound.get(spec) or self.bind(spec)
        state.checked = True
        if route.restricted:
            state.schemes = route.schemes
        authz = route.authz
        if authz.kind is not ANY and \
                not self._allowed_now(route, authz, req, state):
            return self._prepare_flow(route, req, state, path_args)

        if route.path or route.request or route.allparams:
            return self._params(route, req, state, path_args)
        return path_args

    def _prepare_flow(self, route: BoundRoute, req: RequestView,
                      state: RequestState, path_args: dict[str, Any]
                      ) -> Flow[dict[str, Any]]:
        yield from self.authorize(route, route.authz, req, state)
        if not (route.path or route.request or route.allparams):
            return path_args
        kwargs = self._params(route, req, state, path_args)
        if kwargs.__class__ is GeneratorType:
            kwargs = yield from kwargs  # type: ignore[misc]
        return kwargs  # type: ignore[return-value]

    def _allowed_now(self, route: BoundRoute, authz: Authorization,
                     req: RequestView, state: RequestState) -> bool:
        """Decide without asking anything, if the caches allow it.

        :return: True when allowed, False when the flow must decide.
        :raises: as :meth:`authorize`.
        """
        if authz.kind is NONE:
            raise ForbiddenError("access denied")

        user = state.user
        if user is None or state.scheme not in route.scheme_names:
            if not route.immediate:
                return False
            user = self.identify(req, state, route.schemes)
        if authz.kind is ALL:
            return True

        cache = self.group_cache
        for group in authz.groups:
            answer = cache.get((user, group))
            if answer is MISSING:
                return False
            if answer:
                return True

        raise ForbiddenError("access denied")

    def authorize(self, route: BoundRoute, authz: Authorization,
                  req: RequestView, state: RequestState) -> Flow[None]:
        """Flow applying the route's ``authorize=`` rule, other than ANY.

        :raises AuthError: (401) when a user is needed and not found.
        :raises ForbiddenError: (403) for NONE or a user in no group.
        """
        kind = authz.kind
        if kind is NONE:
            raise ForbiddenError("access denied")

        user = state.user
        if user is None or state.scheme not in route.scheme_names:
            user = yield from self.authenticate(req, state, route.schemes)
        if kind is ALL:
            return

        for group in authz.groups:
            if (yield from self.in_group(user, group)):
                return

        raise ForbiddenError("access denied")

    def _params(self, route: BoundRoute, req: RequestView,
                state: RequestState, path_args: dict[str, Any]
                ) -> dict[str, Any] | Flow[dict[str, Any]]:
        """Convert the path, then the request parameters.

        Plain casts run at once; async casts, if any, are left to a flow.

        :return: the view's keyword arguments, or a flow of them.
        """
        kwargs = dict(path_args)
        pending: list[tuple[_Cast, Any, bool]] = []
        for param in route.path:
            value = path_args.get(param.key, MISSING)
            if value is MISSING:
                continue
            if param.is_async:
                pending.append((param, value, True))
                continue
            try:
                kwargs[param.name] = param.cast(value)
            except FSAError:
                raise
            except Exception:  # a cast refusing the value, whatever way
                raise NotFoundError("not found") from None

        params: Mapping[str, Any] = {}
        if route.request or route.allparams:
            params = state._params or state.params(req)
        for param in route.request:
            value = params.get(param.key, MISSING)
            if value is MISSING or value is None:
                if param.required:
                    raise ParamError(f'missing parameter "{param.key}"')
                kwargs[param.name] = param.default
            elif param.is_async:
                pending.append((param, value, False))
            else:
                try:
                    kwargs[param.name] = param.cast(value)
                except FSAError:
                    raise
                except Exception:  # a cast refusing the value
                    raise _invalid(param, value) from None

        if route.allparams:
            for key, value in params.items():
                if key not in route.keys and key not in kwargs:
                    kwargs[key] = value
        return self._await_casts(kwargs, pending) if pending else kwargs

    def _await_casts(self, kwargs: dict[str, Any],
                     pending: list[tuple[_Cast, Any, bool]]
                     ) -> Flow[dict[str, Any]]:
        for param, value, in_path in pending:
            try:
                kwargs[param.name] = yield HookCall("cast", param.cast,
                                                    (value,))
            except FSAError:
                raise
            except Exception:  # the cast refused the value
                if in_path:
                    raise NotFoundError("not found") from None
                raise _invalid(param, value) from None
        return kwargs

    # tokens and passwords

    def create_token(self, user: str) -> str:
        """Return a new token for ``user``.

        :raises ConfigError: (500) when tokens are disabled.
        """
        if self.tokens is None:
            raise ConfigError("tokens are disabled (FSA_TOKEN_TYPE is None "
                              "or FSA_TOKEN_SECRET is empty)")
        return self.tokens.create(user)

    def hash_password(self, password: str) -> Flow[str]:
        """Flow hashing a new password (the work is a blocking call).

        :raises PasswordQualityError: (400) on a quality rule failure.
        """
        self.passwords.check_quality(password)
        return (yield BlockingCall(self.passwords.hash, (password,)))

    def check_password(self, password: str, stored: str | None
                       ) -> Flow[bool]:
        """Flow telling whether ``password`` matches ``stored``."""
        return (yield BlockingCall(self.passwords.verify,
                                   (password, stored)))

    # after the view

    def after_request(self, state: RequestState, status: int
                      ) -> int | None:
        """Apply FSA_CHECK: the status to answer instead, or None.

        A view answering below 400 with no authorization check run gets a
        500 while FSA_CHECK is true.  Automatic ``OPTIONS`` answers (CORS
        preflights) never reach a view, so they are not concerned.
        """
        if self.config.check and not state.checked and status < 400:
            log.error("no authorization check ran on this route: "
                      "declare it with authorize=")
            return 500
        return None

    def renewed_cookie(self, state: RequestState, secure: bool,
                       status: int = 200
                       ) -> tuple[str, str, dict[str, Any]] | None:
        """The cookie to set when a cookie token needs renewal, or None.

        Only successful answers (below 400) renew the token.

        :return: (name, value, attributes) with ``max_age``, ``httponly``,
            ``samesite`` and ``secure``.
        """
        if not state.renew or state.user != state.renew \
                or self.tokens is None or status >= 400:
            return None

        token = self.tokens.create(state.user)
        attributes = {"max_age": int(self.tokens.delay), "httponly": True,
                      "samesite": "Lax", "secure": secure}
        return self.config.token_name, token, attributes

    def error_answer(self, error: FSAError, method: str, url: str
                     ) -> tuple[int, str, list[tuple[str, str]]]:
        """How to answer ``error``; see :func:`error_answer`."""
        return error_answer(error, method, url, self.config)


def error_answer(error: FSAError, method: str, url: str,
                 config: Config | None = None
                 ) -> tuple[int, str, list[tuple[str, str]]]:
    """How to answer ``error``: (status, text body, headers).

    A 401 on a GET becomes a redirect to FSA_401_REDIRECT when set, with
    the original URL in the FSA_URL_NAME parameter.  Errors that are the
    application's fault (configuration, hooks) are logged and answered
    with a generic 500, so no internal detail reaches the client.  Without
    a configuration (it failed to load), no redirect is made.
    """
    if config is not None and config.redirect and error.status == 401 \
            and method == "GET":
        redirect = config.redirect
        sep = "&" if "?" in redirect else "?"
        back = quote(_without_secrets(url, config), safe="")
        target = f"{redirect}{sep}{config.url_name}={back}"
        return 302, "redirecting to login", [("Location", target)]

    if isinstance(error, (ConfigError, HookError)):
        log.error("%s: %s", type(error).__name__, error.message)
        return error.status, "internal error", []

    return error.status, error.message, error.headers


def _without_secrets(url: str, config: Config) -> str:
    """Drop the password and token parameters from ``url``, so that a
    redirect never carries them further."""
    secrets = {config.param_pass}
    if config.token_carrier == "param":
        secrets.add(config.token_name)

    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k not in secrets]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _ask(name: str, hook: Callable[..., Any], args: tuple[Any, ...]
         ) -> Flow[Any]:
    """Flow calling an application hook; an exception it raises is the
    application's fault: logged with its traceback, answered as a 500."""
    try:
        return (yield HookCall(name, hook, args))
    except FSAError:
        raise
    except Exception as error:
        log.exception("hook %s raised %s", name, type(error).__name__)
        raise HookError(f"hook {name} failed") from error


def _is_async(fn: Any) -> bool:
    return is_async_callable(fn)


def _invalid(param: _Cast, value: Any) -> ParamError:
    return ParamError(f'parameter "{param.key}": invalid '
                      f'{type_name(param.kind)} value {_show(value)}')


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _hook_error(name: str, answer: Any) -> HookError:
    hint = " (an async call not awaited?)" \
        if inspect.isawaitable(answer) else ""
    log.error("hook %s returned %s, which is not the expected type%s",
              name, type(answer).__name__, hint)
    return HookError(f"hook {name} answered a {type(answer).__name__}")
