"""The Quart extension: drive the core from Quart's request cycle.

Everything decided here comes from :mod:`fsa_common`.  Flows run under
:func:`fsa_common.run_async`: ``async def`` hooks are awaited, plain hooks
run through Quart's ``ensure_async`` (a worker thread, so a blocking
database call does not stall the event loop), and password hashing runs
in anyio worker threads, a bounded number at once.  What Flask and Quart
share lives in :class:`fsa_common.extension.ExtensionBase`.
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
    AuthError,
    ConfigError,
    FSAError,
    RouteSpec,
    run_async,
)
from fsa_common.extension import (
    GUARD_KEY,
    UNCHECKED_BODY,
    ExtensionBase,
    request_state,
)
from fsa_common.flow import Flow, T, is_async_callable
from fsa_common.guard import Guard, RequestState

from .requestview import QuartRequestView, load_view

# password hashes computed at once, per event loop
HASHING_THREADS = 4

_limiters: weakref.WeakKeyDictionary[Any, anyio.CapacityLimiter] = \
    weakref.WeakKeyDictionary()


async def _call_hook(hook: Callable[..., Any], *args: Any) -> Any:
    if is_async_callable(hook):
        return await hook(*args)
    # a plain hook may block (a database call): Quart runs it in a thread
    return await quart.current_app.ensure_async(hook)(*args)


async def _call_blocking(fn: Callable[..., Any], *args: Any) -> Any:
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = anyio.CapacityLimiter(HASHING_THREADS)
    return await anyio.to_thread.run_sync(fn, *args, limiter=limiter)


async def _run(flow: Flow[T]) -> T:
    return await run_async(flow, _call_hook, _call_blocking)


async def _current() -> tuple[QuartRequestView, RequestState]:
    request = quart.request._get_current_object()
    return await load_view(request), request_state(request)


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
        guard = app.extensions.get(GUARD_KEY) or guard_of(app)
        # the body is read only when the check may need it, as on Flask
        req = await load_view(request) if guard.reads_params(spec) \
            else QuartRequestView(request)
        kwargs = guard.prepare(spec, req, request_state(request), path_args)
        if kwargs.__class__ is not dict:  # a flow: something to ask
            kwargs = await _run(kwargs)
        return await app.ensure_async(fn)(**kwargs)

    view._fsa_checked = True  # type: ignore[attr-defined]
    return view


class QuartSimpleAuth(ExtensionBase):
    """Authentication, authorization and parameters for Quart apps.

    Methods that may call a hook or hash a password are coroutines.

    :param app: the application, or None to call :meth:`init_app` later;
        one extension may serve several applications.
    """

    make_view = staticmethod(make_view)

    def current_app(self) -> quart.Quart:
        if quart.has_app_context():
            return quart.current_app._get_current_object()
        return self.require_app()

    # request cycle

    async def _before_request(self) -> None:
        app = quart.current_app._get_current_object()
        guard = self.started.get(app) or self.start(app)
        if guard.config.mode != "lazy":
            await _run(guard.before_request(*await _current()))

    async def _render_error(self, error: FSAError) -> quart.Response:
        request = quart.request
        status, body, headers = self.error_parts(error, request.method,
                                                 request.url)
        return _text_response(status, body, headers)

    async def _after_request(self, response: quart.Response
                             ) -> quart.Response:
        # only installed for cookie tokens with renewal
        request = quart.request._get_current_object()
        app = quart.current_app._get_current_object()
        cookie = guard_of(app).renewed_cookie(
            request_state(request), request.is_secure, response.status_code)
        if cookie is not None:
            name, value, attributes = cookie
            response.set_cookie(name, value, **attributes)
        return response

    def unchecked_view(self, app: quart.Quart, guard: Guard,
                       fn: Callable[..., Any]) -> Callable[..., Any]:

        @functools.wraps(fn)
        async def view(*args: Any, **kwargs: Any) -> Any:
            response = await app.make_response(
                await app.ensure_async(fn)(*args, **kwargs))
            request = quart.request._get_current_object()
            status = guard.after_request(request_state(request),
                                         response.status_code)
            if status is not None:
                return _text_response(status, UNCHECKED_BODY)
            return response

        view._fsa_checked = True  # type: ignore[attr-defined]
        return view

    def enable_cors(self, app: quart.Quart, options: dict[str, Any]
                    ) -> None:
        try:
            import quart_cors
        except ImportError as e:  # pragma: no cover
            raise ConfigError("FSA_CORS needs quart-cors: install the "
                              "quart extra") from e

        try:
            quart_cors.cors(app, **options)
        except (TypeError, ValueError) as e:
            raise ConfigError(f"FSA_CORS_OPTIONS: {e}") from e

    # application API, documented in ExtensionBase

    async def get_user(self) -> str:
        return await _run(self.guard.get_user(*await _current()))

    async def current_user(self) -> str | None:
        try:
            return await self.get_user()
        except AuthError:
            return None

    async def create_token(self, user: str | None = None) -> str:
        return self.guard.create_token(user or await self.get_user())

    async def hash_password(self, password: str) -> str:
        return await _run(self.guard.hash_password(password))

    async def check_password(self, password: str, stored: str | None
                             ) -> bool:
        return await _run(self.guard.check_password(password, stored))


def _text_response(status: int, body: str,
                   headers: list[tuple[str, str]] | None = None
                   ) -> quart.Response:
    return quart.Response(body, status, headers or [],
                          mimetype="text/plain")
