"""The Flask extension: drive the core from Flask's request cycle.

Everything decided here comes from :mod:`fsa_common`; this module builds
the request view, keeps the request state in ``flask.g``, runs flows with
plain calls (async hooks go through Flask's ``ensure_sync``) and renders
errors as ``text/plain`` responses.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import flask

from fsa_common import FSAError, RequestState, RouteSpec, run_sync
from fsa_common.extension import ExtensionBase
from fsa_common.flow import Flow, T

from .request import FlaskRequestView

_STATE = "_fsa_state"


def _call_hook(hook: Callable[..., Any], *args: Any) -> Any:
    return flask.current_app.ensure_sync(hook)(*args)


def _state() -> RequestState:
    state = flask.g.get(_STATE)
    if state is None:
        state = RequestState()
        setattr(flask.g, _STATE, state)
    return state


def _run(flow: Flow[T]) -> T:
    return run_sync(flow, _call_hook)


def extension() -> FlaskSimpleAuth:
    """The extension of the current application."""
    fsa = flask.current_app.extensions.get("fsa")
    if fsa is None:
        raise RuntimeError("no FlaskSimpleAuth on this application")
    return fsa


def make_view(spec: RouteSpec) -> Callable[..., Any]:
    """Wrap the view of ``spec`` so the core checks every call."""
    fn = spec.fn

    @functools.wraps(fn)
    def view(**path_args: Any) -> Any:
        fsa = extension()
        req = FlaskRequestView(flask.request._get_current_object())
        kwargs = _run(fsa.guard.prepare(spec, req, _state(), path_args))
        return flask.current_app.ensure_sync(fn)(**kwargs)

    return view


class FlaskSimpleAuth(ExtensionBase):
    """Authentication, authorization and parameters for a Flask app.

    :param app: the application, or None to call :meth:`init_app` later.
    """

    def __init__(self, app: flask.Flask | None = None) -> None:
        super().__init__()
        self.app: flask.Flask | None = None
        if app is not None:
            self.init_app(app)

    def init_app(self, app: flask.Flask) -> None:
        """Install the extension on ``app`` (application factories)."""
        self.app = app
        self.attach(app.config, app.name)
        app.extensions["fsa"] = self
        app.before_request(self._before_request)
        app.after_request(self._after_request)
        app.register_error_handler(FSAError, self._render_error)

    # request cycle

    def _before_request(self) -> None:
        state = _state()
        guard = self.guard
        if guard.config.mode != "lazy":
            req = FlaskRequestView(flask.request._get_current_object())
            _run(guard.before_request(req, state))

    def _after_request(self, response: flask.Response) -> flask.Response:
        state = flask.g.get(_STATE)
        guard = self._guard
        if state is None or guard is None:
            return response

        request = flask.request
        endpoint = request.endpoint or ""
        if endpoint != "static" and not endpoint.endswith(".static"):
            status = guard.after_request(state, request.method,
                                         response.status_code)
            if status is not None:
                return _text_response(status, "internal error: no "
                                      "authorization check on this route")

        cookie = guard.renewed_cookie(state, request.is_secure)
        if cookie is not None:
            name, value, attributes = cookie
            response.set_cookie(name, value, **attributes)
        return response

    def _render_error(self, error: FSAError) -> flask.Response:
        request = flask.request
        status, body, headers = self.guard.error_answer(
            error, request.method, request.url)
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
        req = FlaskRequestView(flask.request._get_current_object())
        return _run(self.guard.get_user(req, _state()))

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
