"""The Quart extension: drive the core from Quart's request cycle.

Everything decided here comes from :mod:`fsa_common`.  Flows run under
:func:`fsa_common.run_async`: ``async def`` hooks are awaited, plain hooks
run through Quart's ``ensure_async`` (a worker thread, so a blocking
database call does not stall the event loop), and password hashing runs
in anyio worker threads, a bounded number at once.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections.abc import Callable
from typing import Any

import anyio
import anyio.to_thread
import quart

from fsa_common import (
    ConfigError,
    FSAError,
    RequestState,
    RouteSpec,
    run_async,
)
from fsa_common.extension import ExtensionBase, wrap_unchecked
from fsa_common.flow import Flow, T
from fsa_common.guard import Guard, error_answer

from .requestview import QuartRequestView, load_view

_STATE = "_fsa_state"
# password hashes computed at once, per event loop
HASHING_THREADS = 4

_limiters: weakref.WeakKeyDictionary[Any, anyio.CapacityLimiter] = \
    weakref.WeakKeyDictionary()


async def _call_hook(hook: Callable[..., Any], *args: Any) -> Any:
    return await quart.current_app.ensure_async(hook)(*args)


async def _call_blocking(fn: Callable[..., Any], *args: Any) -> Any:
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = anyio.CapacityLimiter(HASHING_THREADS)
    return await anyio.to_thread.run_sync(fn, *args, limiter=limiter)


def _state_of(request: quart.Request) -> RequestState:
    # the state lives on the request object: one per request, never shared
    state = request.__dict__.get(_STATE)
    if state is None:
        state = request.__dict__[_STATE] = RequestState()
    return state


async def _run(flow: Flow[T]) -> T:
    return await run_async(flow, _call_hook, _call_blocking)


async def _current() -> tuple[QuartRequestView, RequestState]:
    request = quart.request._get_current_object()
    return await load_view(request), _state_of(request)


def guard_of(app: quart.Quart) -> Guard:
    """The guard of ``app``.

    :raises RuntimeError: when the app has no extension.
    """
    fsa = app.extensions.get("fsa")
    if fsa is None:
        raise RuntimeError("no QuartSimpleAuth on this application")
    return fsa.guard_of(app)


def make_view(spec: RouteSpec) -> Callable[..., Any]:
    """Wrap the view of ``spec`` so the core checks every call."""
    fn = spec.fn

    @functools.wraps(fn)
    async def view(**path_args: Any) -> Any:
        app = quart.current_app._get_current_object()
        request = quart.request._get_current_object()
        state = _state_of(request)
        guard = guard_of(app)
        kwargs = await _run(guard.prepare(spec, await load_view(request),
                                          state, path_args))
        answer = await app.ensure_async(fn)(**kwargs)
        if state.renew:
            answer = await _renew_cookie(app, guard, state, request, answer)
        return answer

    view._fsa_checked = True  # type: ignore[attr-defined]
    return view


async def _renew_cookie(app: quart.Quart, guard: Guard,
                        state: RequestState, request: quart.Request,
                        answer: Any) -> quart.Response:
    response = await app.make_response(answer)
    cookie = guard.renewed_cookie(state, request.is_secure)
    if cookie is not None:
        name, value, attributes = cookie
        response.set_cookie(name, value, **attributes)
    return response


def _enable_cors(app: quart.Quart, options: dict[str, Any]) -> None:
    """Install quart-cors, as FSA_CORS asks, at the first request."""
    try:
        import quart_cors
    except ImportError as e:  # pragma: no cover
        raise ConfigError("FSA_CORS needs quart-cors: install the quart "
                          "extra") from e

    try:
        quart_cors.cors(app, **options)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"FSA_CORS_OPTIONS: {e}") from e


def _unchecked_view(app: quart.Quart, guard: Guard,
                    fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a view declared without the library, for FSA_CHECK."""

    @functools.wraps(fn)
    async def view(*args: Any, **kwargs: Any) -> Any:
        answer = await app.ensure_async(fn)(*args, **kwargs)
        response = await app.make_response(answer)
        request = quart.request._get_current_object()
        status = guard.after_request(_state_of(request), request.method,
                                     response.status_code)
        if status is not None:
            return _text_response(status, "internal error: no "
                                  "authorization check on this route")
        return response

    view._fsa_checked = True  # type: ignore[attr-defined]
    return view


class QuartSimpleAuth(ExtensionBase):
    """Authentication, authorization and parameters for Quart apps.

    Methods that may call a hook or hash a password are coroutines.

    :param app: the application, or None to call :meth:`init_app` later;
        one extension may serve several applications.
    """

    def __init__(self, app: quart.Quart | None = None) -> None:
        super().__init__()
        self.app: quart.Quart | None = None
        if app is not None:
            self.init_app(app)

    def init_app(self, app: quart.Quart) -> None:
        """Install the extension on ``app`` (application factories)."""
        self.app = self.app or app
        self.attach(app, app.config, app.name)
        app.extensions["fsa"] = self
        app.before_request(self._before_request)
        app.register_error_handler(FSAError, self._render_error)

    def current_app(self) -> quart.Quart:
        if quart.has_app_context():
            return quart.current_app._get_current_object()
        return self._require_app()

    # request cycle

    async def _before_request(self) -> None:
        app = quart.current_app._get_current_object()
        guard = self.started.get(app) or self.start(app)
        if guard.config.mode != "lazy":
            await _run(guard.before_request(*await _current()))

    def on_start(self, app: quart.Quart, guard: Guard) -> None:
        if guard.config.cors:
            _enable_cors(app, guard.config.cors_options)
        if guard.config.check:
            wrap_unchecked(app.view_functions,
                           functools.partial(_unchecked_view, app, guard))
        if guard.config.mode == "lazy":
            # nothing to do before lazy requests: leave the hook list
            funcs = app.before_request_funcs.get(None, [])
            if self._before_request in funcs:
                funcs.remove(self._before_request)

    async def _render_error(self, error: FSAError) -> quart.Response:
        request = quart.request
        try:
            config = self.guard.config
        except FSAError:
            config = None
        status, body, headers = error_answer(error, request.method,
                                             request.url, config)
        return _text_response(status, body, headers)

    # application API

    def add_route(self, spec: RouteSpec, options: dict[str, Any]) -> None:
        endpoint = options.pop("endpoint", None)
        self._require_app().add_url_rule(spec.rule, endpoint,
                                         make_view(spec), **options)

    def register_blueprint(self, blueprint: quart.Blueprint,
                           **options: Any) -> None:
        """Register ``blueprint`` on the application."""
        self._require_app().register_blueprint(blueprint, **options)

    async def get_user(self) -> str:
        """Return the authenticated user, authenticating if needed.

        :raises AuthError: (401) when authentication fails.
        """
        return await _run(self.guard.get_user(*await _current()))

    async def current_user(self) -> str | None:
        """Return the authenticated user, or None when there is none."""
        try:
            return await self.get_user()
        except FSAError:
            return None

    async def create_token(self, user: str | None = None) -> str:
        """Return a token for ``user``, by default the current user."""
        return self.guard.create_token(user or await self.get_user())

    async def hash_password(self, password: str) -> str:
        """Return the salted hash of ``password``, hashed off the loop.

        :raises PasswordQualityError: (400) on a quality rule failure.
        """
        return await _run(self.guard.hash_password(password))

    async def check_password(self, password: str, stored: str | None
                             ) -> bool:
        """Tell whether ``password`` matches ``stored``, off the loop."""
        return await _run(self.guard.check_password(password, stored))

    def _require_app(self) -> quart.Quart:
        if self.app is None:
            raise RuntimeError("QuartSimpleAuth: call init_app first")
        return self.app


def _text_response(status: int, body: str,
                   headers: list[tuple[str, str]] | None = None
                   ) -> quart.Response:
    return quart.Response(body, status, headers or [],
                          mimetype="text/plain")
