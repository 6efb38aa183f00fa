"""The Flask extension: drive the core from Flask's request cycle.

Everything decided here comes from :mod:`fsa_common`; this module builds
the request view, keeps the request state in ``flask.g``, runs flows with
plain calls (async hooks go through Flask's ``ensure_sync``) and renders
errors as ``text/plain`` responses.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import flask

from fsa_common import (
    ConfigError,
    FSAError,
    RequestState,
    RouteSpec,
    run_sync,
)
from fsa_common.extension import ExtensionBase, wrap_unchecked
from fsa_common.flow import Flow, T
from fsa_common.guard import Guard, error_answer

from .requestview import FlaskRequestView

_STATE = "_fsa_state"
# where the guard of a started application is kept
_GUARD = "fsa.guard"


def _call_hook(hook: Callable[..., Any], *args: Any) -> Any:
    return flask.current_app.ensure_sync(hook)(*args)


def _state_of(request: flask.Request) -> RequestState:
    # the state lives on the request object: one per request, never shared
    state = request.__dict__.get(_STATE)
    if state is None:
        state = request.__dict__[_STATE] = RequestState()
    return state


def _run(flow: Flow[T]) -> T:
    return run_sync(flow, _call_hook)


def _current() -> tuple[FlaskRequestView, RequestState]:
    request = flask.request._get_current_object()
    return FlaskRequestView(request), _state_of(request)


def make_view(spec: RouteSpec) -> Callable[..., Any]:
    """Wrap the view of ``spec`` so the core checks every call."""
    fn = spec.fn
    is_async = inspect.iscoroutinefunction(fn)
    app_proxy, request_proxy = flask.current_app, flask.request

    @functools.wraps(fn)
    def view(**path_args: Any) -> Any:
        app = app_proxy._get_current_object()
        request = request_proxy._get_current_object()
        state = _state_of(request)
        guard = app.extensions.get(_GUARD) or guard_of(app)
        kwargs = run_sync(guard.prepare(spec, FlaskRequestView(request),
                                        state, path_args), _call_hook)
        answer = app.ensure_sync(fn)(**kwargs) if is_async \
            else fn(**kwargs)
        if state.renew:
            answer = _renew_cookie(app, guard, state, request, answer)
        return answer

    view._fsa_checked = True  # type: ignore[attr-defined]
    return view


def guard_of(app: flask.Flask) -> Guard:
    """The guard of ``app``.

    :raises RuntimeError: when the app has no extension.
    """
    fsa = app.extensions.get("fsa")
    if fsa is None:
        raise RuntimeError("no FlaskSimpleAuth on this application")
    return fsa.guard_of(app)


def _renew_cookie(app: flask.Flask, guard: Guard, state: RequestState,
                  request: flask.Request, answer: Any) -> flask.Response:
    response = app.make_response(answer)
    cookie = guard.renewed_cookie(state, request.is_secure)
    if cookie is not None:
        name, value, attributes = cookie
        response.set_cookie(name, value, **attributes)
    return response


def _enable_cors(app: flask.Flask, options: dict[str, Any]) -> None:
    """Install flask-cors, as FSA_CORS asks, at the first request."""
    try:
        import flask_cors
    except ImportError as e:  # pragma: no cover
        raise ConfigError("FSA_CORS needs flask-cors: install the flask "
                          "extra") from e

    # the configuration is only read now, when Flask already refuses new
    # setup: let this one through, as if it had been done at start-up
    started, app._got_first_request = app._got_first_request, False
    try:
        flask_cors.CORS(app, **options)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"FSA_CORS_OPTIONS: {e}") from e
    finally:
        app._got_first_request = started


def _unchecked_view(app: flask.Flask, guard: Guard,
                    fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a view declared without the library, for FSA_CHECK."""

    @functools.wraps(fn)
    def view(*args: Any, **kwargs: Any) -> Any:
        response = app.make_response(app.ensure_sync(fn)(*args, **kwargs))
        request = flask.request._get_current_object()
        status = guard.after_request(_state_of(request), request.method,
                                     response.status_code)
        if status is not None:
            return _text_response(status, "internal error: no "
                                  "authorization check on this route")
        return response

    view._fsa_checked = True  # type: ignore[attr-defined]
    return view


class FlaskSimpleAuth(ExtensionBase):
    """Authentication, authorization and parameters for Flask apps.

    :param app: the application, or None to call :meth:`init_app` later;
        one extension may serve several applications.
    """

    def __init__(self, app: flask.Flask | None = None) -> None:
        super().__init__()
        self.app: flask.Flask | None = None
        if app is not None:
            self.init_app(app)

    def init_app(self, app: flask.Flask) -> None:
        """Install the extension on ``app`` (application factories)."""
        self.app = self.app or app
        self.attach(app, app.config, app.name)
        app.extensions["fsa"] = self
        app.before_request(self._before_request)
        app.register_error_handler(FSAError, self._render_error)

    def current_app(self) -> flask.Flask:
        if flask.has_app_context():
            return flask.current_app._get_current_object()
        return self._require_app()

    # request cycle

    def _before_request(self) -> None:
        app = flask.current_app._get_current_object()
        guard = self.started.get(app) or self.start(app)
        if guard.config.mode != "lazy":
            _run(guard.before_request(*_current()))

    def on_start(self, app: flask.Flask, guard: Guard) -> None:
        app.extensions[_GUARD] = guard
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

    def _render_error(self, error: FSAError) -> flask.Response:
        request = flask.request
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

    def register_blueprint(self, blueprint: flask.Blueprint,
                           **options: Any) -> None:
        """Register ``blueprint`` on the application."""
        self._require_app().register_blueprint(blueprint, **options)

    def get_user(self) -> str:
        """Return the authenticated user, authenticating if needed.

        :raises AuthError: (401) when authentication fails.
        """
        return _run(self.guard.get_user(*_current()))

    def current_user(self) -> str | None:
        """Return the authenticated user, or None when there is none."""
        try:
            return self.get_user()
        except FSAError:
            return None

    def create_token(self, user: str | None = None) -> str:
        """Return a token for ``user``, by default the current user."""
        return self.guard.create_token(user or self.get_user())

    def hash_password(self, password: str) -> str:
        """Return the salted hash of ``password`` as configured.

        :raises PasswordQualityError: (400) on a quality rule failure.
        """
        return _run(self.guard.hash_password(password))

    def check_password(self, password: str, stored: str | None) -> bool:
        """Tell whether ``password`` matches the ``stored`` hash."""
        return _run(self.guard.check_password(password, stored))

    def _require_app(self) -> flask.Flask:
        if self.app is None:
            raise RuntimeError("FlaskSimpleAuth: call init_app first")
        return self.app


def _text_response(status: int, body: str,
                   headers: list[tuple[str, str]] | None = None
                   ) -> flask.Response:
    return flask.Response(body, status, headers or [],
                          mimetype="text/plain")
