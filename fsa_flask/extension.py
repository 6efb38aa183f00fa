"""The Flask extension: drive the core from Flask's request cycle.

Everything decided here comes from :mod:`fsa_common`; this module builds
the request view, runs flows with plain calls (async hooks and views go
through Flask's ``ensure_sync``) and renders errors as ``text/plain``
responses.  What Flask and Quart share lives in
:class:`fsa_common.extension.ExtensionBase`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import functools
import inspect
from collections.abc import Callable
from typing import Any

import flask

from fsa_common import (
    AuthError,
    ConfigError,
    FSAError,
    RouteSpec,
    run_sync,
)
from fsa_common.extension import (
    GUARD_KEY,
    STATE_KEY,
    UNCHECKED_BODY,
    ExtensionBase,
    request_state,
)
from fsa_common.flow import Flow, T, is_async_callable
from fsa_common.guard import Guard, RequestState

from .requestview import FlaskRequestView


def _call_hook(hook: Callable[..., Any], *args: Any) -> Any:
    if not is_async_callable(hook):
        return hook(*args)

    if _in_event_loop():
        # an async view asked: asgiref cannot nest loops in one thread
        context = contextvars.copy_context()
        with concurrent.futures.ThreadPoolExecutor(1) as aside:
            return aside.submit(context.run, asyncio.run,
                                hook(*args)).result()

    async def call() -> Any:
        return await hook(*args)

    return flask.current_app.ensure_sync(call)()


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _run(flow: Flow[T]) -> T:
    return run_sync(flow, _call_hook)


def _current() -> tuple[FlaskRequestView, RequestState]:
    request = flask.request._get_current_object()
    return FlaskRequestView(request), request_state(request)


def guard_of(app: flask.Flask) -> Guard:
    """The guard of ``app``.

    :raises RuntimeError: when the app has no extension.
    """
    fsa = app.extensions.get("fsa")
    if fsa is None:
        raise RuntimeError("no FlaskSimpleAuth on this application")
    return fsa.guard_of(app)


def make_view(spec: RouteSpec) -> Callable[..., Any]:
    """Wrap the view of ``spec`` so the core checks every call."""
    fn = spec.fn
    is_async = inspect.iscoroutinefunction(fn)
    app_proxy, request_proxy = flask.current_app, flask.request

    @functools.wraps(fn)
    def view(**path_args: Any) -> Any:
        app = app_proxy._get_current_object()
        request = request_proxy._get_current_object()
        state = request.__dict__.get(STATE_KEY) or request_state(request)
        guard = app.extensions.get(GUARD_KEY) or guard_of(app)
        kwargs = guard.prepare(spec, FlaskRequestView(request), state,
                               path_args)
        if kwargs.__class__ is not dict:  # a flow: something to ask
            kwargs = run_sync(kwargs, _call_hook)
        if is_async:
            return app.ensure_sync(fn)(**kwargs)
        return fn(**kwargs)

    view._fsa_checked = True  # type: ignore[attr-defined]
    return view


class FlaskSimpleAuth(ExtensionBase):
    """Authentication, authorization and parameters for Flask apps.

    :param app: the application, or None to call :meth:`init_app` later;
        one extension may serve several applications.
    """

    make_view = staticmethod(make_view)

    def current_app(self) -> flask.Flask:
        if flask.has_app_context():
            return flask.current_app._get_current_object()
        return self.require_app()

    # request cycle

    def _before_request(self) -> None:
        app = flask.current_app._get_current_object()
        guard = self.started.get(app) or self.start(app)
        if guard.config.mode != "lazy":
            _run(guard.before_request(*_current()))

    def _render_error(self, error: FSAError) -> flask.Response:
        request = flask.request
        status, body, headers = self.error_parts(error, request.method,
                                                 request.url)
        return _text_response(status, body, headers)

    def _after_request(self, response: flask.Response) -> flask.Response:
        # only installed for cookie tokens with renewal
        request = flask.request._get_current_object()
        app = flask.current_app._get_current_object()
        cookie = guard_of(app).renewed_cookie(
            request_state(request), request.is_secure, response.status_code)
        if cookie is not None:
            name, value, attributes = cookie
            response.set_cookie(name, value, **attributes)
        return response

    def unchecked_view(self, app: flask.Flask, guard: Guard,
                       fn: Callable[..., Any]) -> Callable[..., Any]:

        @functools.wraps(fn)
        def view(*args: Any, **kwargs: Any) -> Any:
            response = app.make_response(
                app.ensure_sync(fn)(*args, **kwargs))
            request = flask.request._get_current_object()
            status = guard.after_request(request_state(request),
                                         response.status_code)
            if status is not None:
                return _text_response(status, UNCHECKED_BODY)
            return response

        view._fsa_checked = True  # type: ignore[attr-defined]
        return view

    def enable_cors(self, app: flask.Flask, options: dict[str, Any]
                    ) -> None:
        try:
            import flask_cors
        except ImportError as e:  # pragma: no cover
            raise ConfigError("FSA_CORS needs flask-cors: install the "
                              "flask extra") from e

        # the configuration is only read now, when Flask already refuses
        # new setup: let this one through, as if done at start-up
        started, app._got_first_request = app._got_first_request, False
        try:
            # answer "*" to any origin by default, as quart-cors does
            flask_cors.CORS(app, **{"send_wildcard": True, **options})
        except (TypeError, ValueError) as e:
            raise ConfigError(f"FSA_CORS_OPTIONS: {e}") from e
        finally:
            app._got_first_request = started

    # application API, documented in ExtensionBase

    def get_user(self) -> str:
        return _run(self.guard.get_user(*_current()))

    def current_user(self) -> str | None:
        try:
            return self.get_user()
        except AuthError:
            return None

    def create_token(self, user: str | None = None) -> str:
        return self.guard.create_token(user or self.get_user())

    def hash_password(self, password: str) -> str:
        return _run(self.guard.hash_password(password))

    def check_password(self, password: str, stored: str | None) -> bool:
        return _run(self.guard.check_password(password, stored))


def _text_response(status: int, body: str,
                   headers: list[tuple[str, str]] | None = None
                   ) -> flask.Response:
    return flask.Response(body, status, headers or [],
                          mimetype="text/plain")
