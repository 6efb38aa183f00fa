"""Authorization: ``authorize=`` rules, group hooks and FSA_CHECK.

The rule parser and the authorization flow are first checked on the core
alone (a hand-made request, a guard, the sync driver); then every rule runs
end to end on both backends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from conftest import FAST_PASSWORDS, Backend, aw, basic

from fsa_common import (
    ALL,
    ANY,
    NONE,
    Authorization,
    BadAuthError,
    ConfigError,
    ForbiddenError,
    Guard,
    HookError,
    NoAuthError,
    RequestState,
    RouteSpec,
    SimpleRequest,
    parse_authorize,
    run_sync,
)

USERS = {"calvin": "hobbes", "susie": "derkins", "moe": "bully"}
GROUPS: dict[str | int, set[str]] = {
    "admin": {"calvin"},
    "student": {"calvin", "susie"},
    7: {"moe"},
}
CORE = {"FSA_AUTH": "basic", "FSA_TOKEN_TYPE": None, **FAST_PASSWORDS}


def in_group(user: str, group: str | int) -> bool:
    """The group hook of these tests."""
    return user in GROUPS.get(group, ())


# --- parse_authorize, without any framework -----------------------------


@pytest.mark.parametrize(("value", "expected"), [
    pytest.param("admin", Authorization("groups", ("admin",)), id="str"),
    pytest.param(7, Authorization("groups", (7,)), id="int"),
    pytest.param(0, Authorization("groups", (0,)), id="int-zero"),
    pytest.param(["admin", 7], Authorization("groups", ("admin", 7)),
                 id="list"),
    pytest.param(("a", "b"), Authorization("groups", ("a", "b")),
                 id="tuple"),
    pytest.param(["a", "b", "a"], Authorization("groups", ("a", "b")),
                 id="list-duplicates"),
    pytest.param(ANY, Authorization(ANY), id="ANY"),
    pytest.param(ALL, Authorization(ALL), id="ALL"),
    pytest.param(NONE, Authorization(NONE), id="NONE"),
    pytest.param([ANY], Authorization(ANY), id="ANY-in-list"),
    pytest.param(["ALL"], Authorization(ALL), id="ALL-in-list"),
    pytest.param("any", Authorization("groups", ("any",)),
                 id="lower-case-any-is-a-group"),
])
def test_parse_authorize_accepts(value: Any, expected: Authorization
                                 ) -> None:
    assert parse_authorize(value) == expected


@pytest.mark.parametrize("value", [
    pytest.param([], id="empty-list"),
    pytest.param((), id="empty-tuple"),
    pytest.param(True, id="bool-true"),
    pytest.param(False, id="bool-false"),
    pytest.param(1.5, id="float"),
    pytest.param(None, id="none-object"),
    pytest.param(b"admin", id="bytes"),
    pytest.param({"admin"}, id="set"),
    pytest.param([ANY, "admin"], id="ANY-and-group"),
    pytest.param(["admin", ALL], id="group-and-ALL"),
    pytest.param([NONE, 3], id="NONE-and-int"),
    pytest.param([ANY, ALL], id="ANY-and-ALL"),
    pytest.param([ANY, ANY], id="ANY-twice"),
    pytest.param(["admin", True], id="group-and-bool"),
    pytest.param(["admin", 2.0], id="group-and-float"),
    pytest.param(["admin", None], id="group-and-none"),
])
def test_parse_authorize_refuses(value: Any) -> None:
    with pytest.raises(ConfigError, match="/here") as info:
        parse_authorize(value, where="route /here")
    assert info.value.status == 500


@pytest.mark.parametrize(("value", "needs_user"), [
    pytest.param(ANY, False, id="ANY"),
    pytest.param(NONE, False, id="NONE"),
    pytest.param(ALL, True, id="ALL"),
    pytest.param("admin", True, id="group"),
])
def test_authorization_needs_user(value: Any, needs_user: bool) -> None:
    assert parse_authorize(value).needs_user is needs_user


# --- the authorization flow of the core ---------------------------------


def _guard(calls: list[tuple[str, Any]] | None = None) -> Guard:
    guard = Guard.from_mapping(CORE, "core app")
    log = calls if calls is not None else []

    def get_user_pass(user: str) -> str | None:
        log.append(("pass", user))
        return USERS.get(user)

    def user_in_group(user: str, group: str | int) -> bool:
        log.append(("group", (user, group)))
        return in_group(user, group)

    guard.hooks.get_user_pass = get_user_pass
    guard.hooks.user_in_group = user_in_group
    return guard


def _view() -> str:
    return "ok"


def _check(guard: Guard, authorize: Any,
           headers: dict[str, str] | None = None) -> RequestState:
    spec = RouteSpec(_view, "/core", authorize=authorize)
    state = RequestState()
    req = SimpleRequest(path="/core", headers=headers or {})
    assert run_sync(guard.prepare(spec, req, state, {})) == {}
    return state


@pytest.mark.parametrize(("authorize", "user"), [
    pytest.param("admin", "calvin", id="group"),
    pytest.param(7, "moe", id="int-group"),
    pytest.param(["admin", 7], "moe", id="list-second"),
    pytest.param(["admin", 7], "calvin", id="list-first"),
    pytest.param(ALL, "susie", id="ALL"),
])
def test_core_authorized(authorize: Any, user: str) -> None:
    state = _check(_guard(), authorize, basic(user, USERS[user]))
    assert state.user == user
    assert state.checked and state.scheme == "basic"


@pytest.mark.parametrize(("authorize", "user"), [
    pytest.param("admin", "susie", id="group"),
    pytest.param(7, "calvin", id="int-group"),
    pytest.param(["admin", 7], "susie", id="list"),
    pytest.param(NONE, "calvin", id="NONE"),
])
def test_core_forbidden(authorize: Any, user: str) -> None:
    with pytest.raises(ForbiddenError) as info:
        _check(_guard(), authorize, basic(user, USERS[user]))
    assert info.value.status == 403


@pytest.mark.parametrize("authorize", [
    pytest.param("admin", id="group"),
    pytest.param(ALL, id="ALL"),
    pytest.param([1, 2], id="list"),
])
def test_core_no_credentials(authorize: Any) -> None:
    with pytest.raises(NoAuthError) as info:
        _check(_guard(), authorize)
    assert info.value.status == 401
    assert info.value.headers == [
        ("WWW-Authenticate", 'Basic realm="core-app", charset="UTF-8"')]


def test_core_bad_password() -> None:
    with pytest.raises(BadAuthError) as info:
        _check(_guard(), "admin", basic("calvin", "tiger"))
    assert info.value.message == "invalid user or password"


def test_core_any_calls_no_hook() -> None:
    calls: list[tuple[str, Any]] = []
    state = _check(_guard(calls), ANY, basic("calvin", "hobbes"))
    assert calls == [] and state.user is None and state.checked


def test_core_none_calls_no_hook() -> None:
    calls: list[tuple[str, Any]] = []
    with pytest.raises(ForbiddenError):
        _check(_guard(calls), NONE, basic("calvin", "hobbes"))
    assert calls == []


def test_core_integer_group_reaches_hook_as_int() -> None:
    calls: list[tuple[str, Any]] = []
    _check(_guard(calls), 7, basic("moe", "bully"))
    groups = [args for kind, args in calls if kind == "group"]
    assert groups == [("moe", 7)]
    assert isinstance(groups[0][1], int)


def test_core_group_list_stops_at_first_match() -> None:
    calls: list[tuple[str, Any]] = []
    _check(_guard(calls), ["admin", "student"], basic("calvin", "hobbes"))
    assert [a for k, a in calls if k == "group"] == [("calvin", "admin")]


@pytest.mark.parametrize("answer", [
    pytest.param("yes", id="str"),
    pytest.param(1, id="int"),
    pytest.param(None, id="none"),
    pytest.param([], id="list"),
])
def test_core_group_hook_wrong_type(answer: Any,
                                    caplog: pytest.LogCaptureFixture
                                    ) -> None:
    caplog.set_level(logging.ERROR, logger="fsa_common")
    guard = _guard()
    guard.hooks.user_in_group = lambda user, group: answer
    with pytest.raises(HookError) as info:
        _check(guard, "admin", basic("calvin", "hobbes"))
    assert info.value.status == 500
    assert "user_in_group" in caplog.text


def test_core_group_hook_error_is_thrown_into_flow() -> None:
    guard = _guard()
    spec = RouteSpec(_view, "/core", authorize="admin")
    req = SimpleRequest(headers=basic("calvin", "hobbes"))

    def call_hook(hook: Callable[..., Any], *args: Any) -> Any:
        if hook is guard.hooks.user_in_group:
            raise LookupError("database down")
        return hook(*args)

    # the hook's failure is the application's: a 500, the cause chained
    with pytest.raises(HookError, match="user_in_group") as info:
        run_sync(guard.prepare(spec, req, RequestState(), {}), call_hook)
    assert isinstance(info.value.__cause__, LookupError)
    assert info.value.status == 500


# --- authorize= rules end to end, on both backends ----------------------


def _app(backend: Backend, **config: Any) -> Any:
    app = backend.app(FSA_AUTH="basic", FSA_TOKEN_TYPE=None,
                      **FAST_PASSWORDS, **config)
    app.get_user_pass(USERS.get)
    app.user_in_group(in_group)
    return app


def _rules_app(backend: Backend) -> Any:
    app = _app(backend)
    rules: dict[str, Any] = {"admin": "admin", "int": 7,
                             "list": ["admin", 7], "any": ANY,
                             "all": ALL, "none": NONE}
    for name, rule in rules.items():
        def view(name: str = name) -> Callable[..., Any]:
            async def show() -> str:
                return f"{name}:{await aw(app.current_user())}"
            show.__name__ = f"show_{name}"
            return show

        app.get(f"/{name}", authorize=rule)(view())

    @app.get("/omitted")
    async def omitted() -> str:
        return "omitted"

    return app


ANON, WRONG = "anonymous", "wrong-password"
# route -> expected status for anonymous, calvin, susie, moe, wrong password
RULES = {
    "admin": (401, 200, 403, 403, 401),
    "int": (401, 403, 403, 200, 401),
    "list": (401, 200, 403, 200, 401),
    "any": (200, 200, 200, 200, 200),
    "all": (401, 200, 200, 200, 401),
    "none": (403, 403, 403, 403, 403),
    "omitted": (403, 403, 403, 403, 403),
}
WHO = (ANON, "calvin", "susie", "moe", WRONG)
RULE_CASES = [
    pytest.param(route, who, status, id=f"{route}-{who}")
    for route, statuses in RULES.items()
    for who, status in zip(WHO, statuses, strict=True)
]


@pytest.fixture
def rules_client(backend: Backend) -> Iterator[Any]:
    yield backend.client(_rules_app(backend))


@pytest.mark.parametrize(("route", "who", "status"), RULE_CASES)
def test_authorize_rules(rules_client: Any, route: str, who: str,
                         status: int) -> None:
    headers = {}
    if who == WRONG:
        headers = basic("calvin", "tiger")
    elif who != ANON:
        headers = basic(who, USERS[who])

    r = rules_client.get(f"/{route}", headers=headers)
    assert r.status == status, r
    if status == 200:
        user = None if who in (ANON, WRONG) else who
        assert r.text == f"{route}:{user}"
    else:
        assert r.headers["Content-Type"].startswith("text/plain")

    if status == 401:
        assert r.headers["WWW-Authenticate"].startswith("Basic realm=")
    if status == 403:
        assert "WWW-Authenticate" not in r.headers


def test_omitted_authorize_warns_at_declaration(
        backend: Backend, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="fsa_common")
    app = _app(backend)

    @app.get("/forgotten")
    async def forgotten() -> str:
        return "should not be served"

    warnings = [r for r in caplog.records if r.name == "fsa_common"
                and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "/forgotten" in warnings[0].getMessage()
    r = backend.client(app).get("/forgotten",
                                headers=basic("calvin", "hobbes"))
    assert r.status == 403 and "should not" not in r.text


def test_explicit_authorize_does_not_warn(
        backend: Backend, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="fsa_common")
    app = _app(backend)

    @app.get("/declared", authorize=ALL)
    async def declared() -> str:
        return "ok"

    assert not [r for r in caplog.records if r.name == "fsa_common"]


@pytest.mark.parametrize("value", [
    pytest.param([ANY, "admin"], id="ANY-and-group"),
    pytest.param([ALL, 7], id="ALL-and-int"),
    pytest.param([NONE, ANY], id="NONE-and-ANY"),
    pytest.param([], id="empty-list"),
    pytest.param(True, id="bool"),
    pytest.param(0.5, id="float"),
])
def test_bad_authorize_raises_at_declaration(backend: Backend,
                                             value: Any) -> None:
    app = _app(backend)
    with pytest.raises(ConfigError, match="authorize") as info:
        @app.get("/bad", authorize=value)
        async def bad() -> str:
            return "bad"

    assert "/bad" in info.value.message
    r = backend.client(app).get("/bad", headers=basic("calvin", "hobbes"))
    assert r.status == 404


# --- group and password hooks -------------------------------------------


@pytest.mark.parametrize("answer", [
    pytest.param("yes", id="str"),
    pytest.param(1, id="int"),
    pytest.param(None, id="none"),
])
def test_group_hook_non_bool_is_500(backend: Backend, answer: Any,
                                    caplog: pytest.LogCaptureFixture
                                    ) -> None:
    caplog.set_level(logging.ERROR, logger="fsa_common")
    app = _app(backend)
    app.user_in_group(lambda user, group: answer)

    @app.get("/admin", authorize="admin")
    async def admin() -> str:
        return "admin"

    r = backend.client(app).get("/admin", headers=basic("calvin", "hobbes"))
    assert r.status == 500
    assert r.headers["Content-Type"].startswith("text/plain")
    assert r.text == "internal error"
    errors = [r.getMessage() for r in caplog.records
              if r.levelno >= logging.ERROR]
    assert any("user_in_group" in m for m in errors)


@pytest.mark.parametrize("stored", [
    pytest.param(12, id="int"),
    pytest.param(b"hobbes", id="bytes"),
    pytest.param(["hobbes"], id="list"),
])
def test_password_hook_wrong_type_is_500(backend: Backend, stored: Any,
                                         caplog: pytest.LogCaptureFixture
                                         ) -> None:
    caplog.set_level(logging.ERROR, logger="fsa_common")
    app = _app(backend)
    app.get_user_pass(lambda user: stored)

    @app.get("/all", authorize=ALL)
    async def everyone() -> str:
        return "all"

    r = backend.client(app).get("/all", headers=basic("calvin", "hobbes"))
    assert r.status == 500 and r.text == "internal error"
    assert r.headers["Content-Type"].startswith("text/plain")
    assert "get_user_pass" in caplog.text


def test_no_group_hook_is_500(backend: Backend,
                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="fsa_common")
    app = backend.app(FSA_AUTH="basic", FSA_TOKEN_TYPE=None,
                      **FAST_PASSWORDS)
    app.get_user_pass(USERS.get)

    @app.get("/admin", authorize="admin")
    async def admin() -> str:
        return "admin"

    @app.get("/all", authorize=ALL)
    async def everyone() -> str:
        return "all"

    client = backend.client(app)
    r = client.get("/admin", headers=basic("calvin", "hobbes"))
    assert r.status == 500 and r.text == "internal error"
    assert "user_in_group" in caplog.text
    # routes that need no group still work
    r = client.get("/all", headers=basic("calvin", "hobbes"))
    assert r.status == 200 and r.text == "all"


def test_no_password_hook_is_500(backend: Backend,
                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="fsa_common")
    app = backend.app(FSA_AUTH="basic", FSA_TOKEN_TYPE=None,
                      **FAST_PASSWORDS)

    @app.get("/all", authorize=ALL)
    async def everyone() -> str:
        return "all"

    r = backend.client(app).get("/all", headers=basic("calvin", "hobbes"))
    assert r.status == 500 and r.text == "internal error"
    assert "get_user_pass" in caplog.text


def test_hooks_from_configuration(backend: Backend) -> None:
    app = backend.app(FSA_AUTH="basic", FSA_TOKEN_TYPE=None,
                      FSA_GET_USER_PASS=USERS.get,
                      FSA_USER_IN_GROUP=in_group, **FAST_PASSWORDS)

    @app.get("/admin", authorize="admin")
    async def admin() -> str:
        return f"admin:{await aw(app.get_user())}"

    client = backend.client(app)
    r = client.get("/admin", headers=basic("calvin", "hobbes"))
    assert r.status == 200 and r.text == "admin:calvin"
    assert client.get("/admin", headers=basic("susie", "derkins")
                      ).status == 403
    assert client.get("/admin", headers=basic("calvin", "x")).status == 401


def test_registered_hook_wins_over_configuration(backend: Backend) -> None:
    app = backend.app(FSA_AUTH="basic", FSA_TOKEN_TYPE=None,
                      FSA_GET_USER_PASS=lambda user: None,
                      FSA_USER_IN_GROUP=lambda user, group: False,
                      **FAST_PASSWORDS)
    app.get_user_pass(USERS.get)
    app.user_in_group(in_group)

    @app.get("/admin", authorize="admin")
    async def admin() -> str:
        return "admin"

    r = backend.client(app).get("/admin", headers=basic("calvin", "hobbes"))
    assert r.status == 200


def test_hook_decorators_return_the_function(backend: Backend) -> None:
    app = _app(backend)

    def get_user_pass(user: str) -> str | None:
        return None

    def user_in_group(user: str, group: str | int) -> bool:
        return False

    assert app.get_user_pass(get_user_pass) is get_user_pass
    assert app.user_in_group(user_in_group) is user_in_group
    fsa = backend.Extension(backend.Plain("plain"))
    assert fsa.get_user_pass(get_user_pass) is get_user_pass
    assert fsa.user_in_group(user_in_group) is user_in_group


def _async_hooks_app(backend: Backend, calls: list[str]) -> Any:
    app = backend.app(FSA_AUTH="basic", FSA_TOKEN_TYPE=None,
                      **FAST_PASSWORDS)

    @app.get_user_pass
    async def get_user_pass(user: str) -> str | None:
        calls.append(f"pass:{user}")
        return USERS.get(user)

    @app.user_in_group
    async def user_in_group(user: str, group: str | int) -> bool:
        calls.append(f"group:{user}:{group}")
        return in_group(user, group)

    @app.get("/admin", authorize="admin")
    async def admin() -> str:
        return f"admin:{await aw(app.get_user())}"

    return app


def _check_async_hooks(backend: Backend) -> None:
    calls: list[str] = []
    client = backend.client(_async_hooks_app(backend, calls))
    r = client.get("/admin", headers=basic("calvin", "hobbes"))
    assert r.status == 200 and r.text == "admin:calvin"
    assert calls == ["pass:calvin", "group:calvin:admin"]
    assert client.get("/admin", headers=basic("susie", "derkins")
                      ).status == 403
    assert client.get("/admin", headers=basic("calvin", "x")).status == 401
    assert client.get("/admin", headers=basic("nobody", "x")).status == 401


@pytest.fixture
def quart_backend() -> Iterator[Backend]:
    b = Backend("quart")
    yield b
    b.close()


@pytest.fixture
def flask_backend() -> Iterator[Backend]:
    b = Backend("flask")
    yield b
    b.close()


def test_quart_async_hooks_are_awaited(quart_backend: Backend) -> None:
    _check_async_hooks(quart_backend)


def test_flask_async_hooks_run_through_ensure_sync(
        flask_backend: Backend) -> None:
    _check_async_hooks(flask_backend)


# --- FSA_CHECK: views no authorization check ran for --------------------


def _unchecked_app(backend: Backend, **config: Any) -> Any:
    app = _app(backend, **config)

    async def plain_view() -> str:
        return "unchecked"

    async def failing_view() -> Any:
        return "missing", 404

    app.add_url_rule("/plain", "plain_view", plain_view)
    app.add_url_rule("/failing", "failing_view", failing_view)
    bp = backend.framework.Blueprint("raw", "raw")

    @bp.route("/raw")
    async def raw() -> str:
        return "raw blueprint"

    app.register_blueprint(bp, url_prefix="/bp")

    @app.get("/declared", authorize=ANY)
    async def declared() -> str:
        return "declared"

    return app


@pytest.mark.parametrize("path", [
    pytest.param("/plain", id="add_url_rule"),
    pytest.param("/bp/raw", id="plain-blueprint"),
])
def test_check_turns_unchecked_success_into_500(
        backend: Backend, path: str,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="fsa_common")
    r = backend.client(_unchecked_app(backend)).get(path)
    assert r.status == 500
    assert r.headers["Content-Type"].startswith("text/plain")
    assert "unchecked" not in r.text and "raw blueprint" not in r.text
    assert "authorization" in caplog.text


@pytest.mark.parametrize(("path", "body"), [
    pytest.param("/plain", "unchecked", id="add_url_rule"),
    pytest.param("/bp/raw", "raw blueprint", id="plain-blueprint"),
])
def test_check_disabled(backend: Backend, path: str, body: str) -> None:
    r = backend.client(_unchecked_app(backend, FSA_CHECK=False)).get(path)
    assert r.status == 200 and r.text == body


def test_check_leaves_declared_routes_alone(backend: Backend) -> None:
    r = backend.client(_unchecked_app(backend)).get("/declared")
    assert r.status == 200 and r.text == "declared"


def test_check_leaves_errors_alone(backend: Backend) -> None:
    r = backend.client(_unchecked_app(backend)).get("/failing")
    assert r.status == 404 and r.text == "missing"


@pytest.mark.parametrize("path", [
    pytest.param("/plain", id="add_url_rule"),
    pytest.param("/declared", id="declared"),
])
def test_check_spares_options(backend: Backend, path: str) -> None:
    r = backend.client(_unchecked_app(backend)).options(path)
    assert r.status == 200
    assert "GET" in r.headers["Allow"]
