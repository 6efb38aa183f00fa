"""The public API: names, application and extension forms, blueprints,
route shortcuts and the methods an application calls."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FAST_PASSWORDS, Backend, aw, basic, bearer

from fsa_common import ALL, ANY, NONE, CacheOK, Reference, path, string

USERS = {"calvin": "hobbes", "susie": "derkins"}
CONFIG = {"FSA_AUTH": "basic", "FSA_TOKEN_TYPE": None, **FAST_PASSWORDS}

# --- names --------------------------------------------------------------

LIBRARY_NAMES = ["Blueprint", "ANY", "ALL", "NONE", "path", "string",
                 "Reference", "CacheOK"]
FRAMEWORK_NAMES = ["request", "session", "g", "current_app", "jsonify",
                   "redirect", "url_for", "make_response", "abort",
                   "render_template", "Response"]
OWN_NAMES = {"fsa_flask": ["Flask", "FlaskSimpleAuth"],
             "fsa_quart": ["Quart", "QuartSimpleAuth"]}
IMPORT_CASES = [
    pytest.param(module, name, id=f"{module}.{name}")
    for module in ("fsa_flask", "fsa_quart")
    for name in LIBRARY_NAMES + FRAMEWORK_NAMES + OWN_NAMES[module]
]


@pytest.mark.parametrize(("module", "name"), IMPORT_CASES)
def test_public_name_importable(module: str, name: str) -> None:
    namespace: dict[str, Any] = {}
    exec(f"from {module} import {name}", namespace)
    assert namespace[name] is not None


@pytest.mark.parametrize("module", ["fsa_flask", "fsa_quart"])
@pytest.mark.parametrize("name", FRAMEWORK_NAMES)
def test_framework_names_are_reexported(module: str, name: str) -> None:
    framework = {"fsa_flask": "flask", "fsa_quart": "quart"}[module]
    ours = importlib.import_module(module)
    assert getattr(ours, name) is getattr(importlib.import_module(framework),
                                          name)


@pytest.mark.parametrize("module", ["fsa_flask", "fsa_quart"])
def test_library_names_are_shared(module: str) -> None:
    ours = importlib.import_module(module)
    assert (ours.ANY, ours.ALL, ours.NONE) == ("ANY", "ALL", "NONE")
    assert (ours.ANY, ours.ALL, ours.NONE) == (ANY, ALL, NONE)
    assert ours.path is path and ours.string is string
    assert ours.Reference is Reference and ours.CacheOK is CacheOK
    assert issubclass(ours.path, str) and issubclass(ours.string, str)


def test_core_imports_no_framework() -> None:
    code = ("import sys, fsa_common, fsa_common.guard, fsa_common.params\n"
            "bad = [m for m in ('flask', 'quart', 'werkzeug')"
            " if m in sys.modules]\n"
            "print(','.join(bad))")
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, timeout=30, check=True, cwd=root)
    assert out.stdout.strip() == ""


APP_METHODS = ["route", "get", "post", "put", "patch", "delete",
               "get_user", "current_user", "create_token", "hash_password",
               "check_password", "clear_caches", "register_cast",
               "get_user_pass", "user_in_group"]


@pytest.mark.parametrize("method", APP_METHODS)
def test_app_and_extension_methods(backend: Backend, method: str) -> None:
    assert issubclass(backend.App, backend.Plain)
    assert callable(getattr(backend.App, method))
    assert callable(getattr(backend.Extension, method))


@pytest.mark.parametrize("method", ["route", "get", "post", "put",
                                    "patch", "delete"])
def test_blueprint_methods(backend: Backend, method: str) -> None:
    assert issubclass(backend.Blueprint, backend.framework.Blueprint)
    assert callable(getattr(backend.Blueprint, method))


def test_extension_registers_blueprints(backend: Backend) -> None:
    assert callable(backend.Extension.register_blueprint)


@pytest.mark.parametrize("method", ["get_user", "current_user",
                                    "create_token", "hash_password",
                                    "check_password"])
def test_quart_methods_are_coroutines(method: str) -> None:
    from fsa_quart import QuartSimpleAuth

    assert inspect.iscoroutinefunction(getattr(QuartSimpleAuth, method))


@pytest.mark.parametrize("method", ["clear_caches", "register_cast"])
def test_quart_plain_methods(method: str) -> None:
    from fsa_quart import Quart

    app = Quart("plain")
    if method == "clear_caches":
        assert app.clear_caches() is None
    else:
        assert app.register_cast(complex, complex) is None


# --- the application subclass -------------------------------------------


def _hooks(target: Any) -> Any:
    target.get_user_pass(USERS.get)
    target.user_in_group(lambda user, group: user == "calvin")
    return target


@pytest.mark.parametrize("verb", ["get", "post", "put", "patch", "delete"])
def test_method_shortcuts_on_app(backend: Backend, verb: str) -> None:
    app = _hooks(backend.app(**CONFIG))

    async def view(n: int = 0) -> str:
        return f"{verb} {n}"

    getattr(app, verb)("/thing", authorize=ANY)(view)
    client = backend.client(app)
    r = client.open(verb.upper(), "/thing", query={"n": "2"})
    assert r.status == 200 and r.text == f"{verb} 2"
    other = "POST" if verb != "post" else "GET"
    assert client.open(other, "/thing").status == 405


def test_route_with_methods(backend: Backend) -> None:
    app = _hooks(backend.app(**CONFIG))

    @app.route("/both", methods=["GET", "POST"], authorize="admin")
    async def both() -> str:
        return "both"

    client = backend.client(app)
    headers = basic("calvin", "hobbes")
    assert client.get("/both", headers=headers).text == "both"
    assert client.post("/both", headers=headers).text == "both"
    assert client.put("/both", headers=headers).status == 405
    assert client.get("/both", headers=basic("susie", "derkins")
                      ).status == 403


def test_route_keeps_framework_options(backend: Backend) -> None:
    app = _hooks(backend.app(**CONFIG))

    @app.get("/named/<int:id>", authorize=ANY, endpoint="named",
             strict_slashes=False)
    async def view(id: int) -> str:
        return f"id {id}"

    assert "named" in app.view_functions
    assert backend.client(app).get("/named/3").text == "id 3"


def test_decorator_returns_the_view(backend: Backend) -> None:
    app = _hooks(backend.app(**CONFIG))

    async def view() -> str:
        return "v"

    assert app.get("/v", authorize=ANY)(view) is view


def test_plain_def_view(backend: Backend) -> None:
    app = _hooks(backend.app(**CONFIG))

    @app.get("/sync/<id>", authorize="admin")
    def sync_view(id: int, flag: bool = False) -> Any:
        return {"id": id, "flag": flag}

    client = backend.client(app)
    r = client.get("/sync/5", query={"flag": "1"},
                   headers=basic("calvin", "hobbes"))
    assert r.status == 200 and r.json == {"id": 5, "flag": True}
    assert client.get("/sync/5").status == 401


def test_configuration_read_at_first_request(backend: Backend) -> None:
    app = backend.App("late")
    app.config.update(TESTING=True)

    @app.get("/who", authorize=ALL)
    async def who() -> str:
        return await aw(app.get_user())

    app.config.update(FSA_AUTH="param", FSA_TOKEN_TYPE=None,
                      **FAST_PASSWORDS)
    app.get_user_pass(USERS.get)
    r = backend.client(app).get("/who", query={"USER": "susie",
                                               "PASS": "derkins"})
    assert r.status == 200 and r.text == "susie"


# --- current_user, get_user, tokens -------------------------------------


def _user_app(backend: Backend, **config: Any) -> Any:
    app = _hooks(backend.app(**{**CONFIG, **config}))

    @app.get("/current", authorize=ANY)
    async def current() -> Any:
        return {"user": await aw(app.current_user())}

    @app.get("/get", authorize=ANY)
    async def get() -> Any:
        return {"user": await aw(app.get_user())}

    return app


@pytest.mark.parametrize(("headers", "user"), [
    pytest.param({}, None, id="no-credentials"),
    pytest.param(basic("calvin", "hobbes"), "calvin", id="good"),
    pytest.param(basic("calvin", "tiger"), None, id="bad-password"),
    pytest.param(basic("nobody", "x"), None, id="unknown-user"),
    pytest.param({"Authorization": "Basic !!!"}, None, id="malformed"),
])
def test_current_user(backend: Backend, headers: dict[str, str],
                      user: str | None) -> None:
    r = backend.client(_user_app(backend)).get("/current", headers=headers)
    assert r.status == 200 and r.json == {"user": user}


@pytest.mark.parametrize(("headers", "status"), [
    pytest.param({}, 401, id="no-credentials"),
    pytest.param(basic("calvin", "hobbes"), 200, id="good"),
    pytest.param(basic("calvin", "tiger"), 401, id="bad-password"),
])
def test_get_user(backend: Backend, headers: dict[str, str],
                  status: int) -> None:
    r = backend.client(_user_app(backend)).get("/get", headers=headers)
    assert r.status == status
    if status == 200:
        assert r.json == {"user": "calvin"}
    else:
        assert r.headers["WWW-Authenticate"].startswith("Basic")


def test_create_token_for_named_user(backend: Backend) -> None:
    app = _user_app(backend, FSA_TOKEN_TYPE="fsa",
                    FSA_TOKEN_SECRET="a secret long enough for tests")

    @app.post("/tokens", authorize=ANY)
    async def tokens(user: str) -> str:
        return await aw(app.create_token(user))

    client = backend.client(app)
    token = client.post("/tokens", form={"user": "susie"}).text
    assert token.split(":")[1] == "susie"
    r = client.get("/get", headers=bearer(token))
    assert r.status == 200 and r.json == {"user": "susie"}


# --- passwords ----------------------------------------------------------


def test_bcrypt_round_trip(backend: Backend) -> None:
    # the default scheme, once: bcrypt with few rounds
    app = backend.app(FSA_AUTH="basic", FSA_TOKEN_TYPE=None)
    stored = backend.run(app.hash_password("hobbes"))
    assert stored.startswith("$2") and "hobbes" not in stored
    assert backend.run(app.hash_password("hobbes")) != stored  # salted
    assert backend.run(app.check_password("hobbes", stored)) is True
    assert backend.run(app.check_password("tiger", stored)) is False
    assert backend.run(app.check_password("x" * 100, stored)) is False
    assert backend.run(app.check_password("hobbes", None)) is False
    assert backend.run(app.check_password("hobbes", "garbage")) is False

    app.get_user_pass({"calvin": stored}.get)

    @app.get("/who", authorize=ALL)
    async def who() -> str:
        return await aw(app.get_user())

    client = backend.client(app)
    r = client.get("/who", headers=basic("calvin", "hobbes"))
    assert r.status == 200 and r.text == "calvin"
    assert client.get("/who", headers=basic("calvin", "tiger")).status == 401
    # over 72 bytes bcrypt refuses the password: a failed login, not a 500
    for long in ("hobbes" + "x" * 80, "é" * 40):
        r = client.get("/who", headers=basic("calvin", long))
        assert r.status == 401, r
    r = client.get("/who", headers=basic("nobody", "x" * 100))
    assert r.status == 401


def test_plaintext_round_trip_in_views(backend: Backend) -> None:
    app = backend.app(**CONFIG)
    users: dict[str, str] = {}
    app.get_user_pass(users.get)

    @app.post("/register", authorize=ANY)
    async def register(user: str, password: str) -> Any:
        if user in users:
            return f"cannot create {user}", 409
        users[user] = await aw(app.hash_password(password))
        return "", 201

    @app.get("/check", authorize=ALL)
    async def check(password: str) -> Any:
        stored = users[await aw(app.get_user())]
        return {"ok": await aw(app.check_password(password, stored))}

    client = backend.client(app)
    form = {"user": "hobbes", "password": "tuna fish"}
    assert client.post("/register", form=form).status == 201
    assert client.post("/register", form=form).status == 409
    headers = basic("hobbes", "tuna fish")
    r = client.get("/check", query={"password": "tuna fish"},
                   headers=headers)
    assert r.json == {"ok": True}
    r = client.get("/check", query={"password": "salmon"}, headers=headers)
    assert r.json == {"ok": False}


@pytest.fixture
def quart_backend() -> Iterator[Backend]:
    b = Backend("quart")
    yield b
    b.close()


def test_quart_hashing_runs_off_the_event_loop(quart_backend: Backend
                                               ) -> None:
    app = quart_backend.app(**CONFIG)
    loop_thread = threading.get_ident()

    @app.get("/hash", authorize=ANY)
    async def hash_it() -> str:
        guard = app.fsa.guard
        original = guard.passwords.hash
        threads: list[int] = []

        def spy(password: str) -> str:
            threads.append(threading.get_ident())
            return original(password)

        guard.passwords.hash = spy
        try:
            stored = await app.hash_password("secret")
        finally:
            guard.passwords.hash = original
        return f"{stored} {threads[0] != loop_thread}"

    r = quart_backend.client(app).get("/hash")
    assert r.status == 200 and r.text == "secret True"


# --- the extension form -------------------------------------------------


def test_extension_on_plain_app(backend: Backend) -> None:
    app = backend.Plain("demo")
    app.config.update(TESTING=True, **CONFIG)
    fsa = _hooks(backend.Extension(app))

    @fsa.route("/users", methods=["GET"], authorize=ALL)
    async def get_what(flt: str = None) -> Any:  # type: ignore[assignment]
        return {"user": await aw(fsa.get_user()), "flt": flt}

    @fsa.delete("/users/<id>", authorize="admin")
    async def del_user(id: int) -> Any:
        return "", 204

    client = backend.client(app)
    r = client.get("/users", query={"flt": "a*"},
                   headers=basic("susie", "derkins"))
    assert r.status == 200 and r.json == {"user": "susie", "flt": "a*"}
    assert client.get("/users").status == 401
    headers = basic("calvin", "hobbes")
    assert client.delete("/users/3", headers=headers).status == 204
    assert client.delete("/users/x", headers=headers).status == 404
    assert client.delete("/users/3", headers=basic("susie", "derkins")
                         ).status == 403


def test_extension_current_user(backend: Backend) -> None:
    app = backend.Plain("ext")
    app.config.update(TESTING=True, **CONFIG)
    fsa = _hooks(backend.Extension(app))

    @fsa.get("/me", authorize=ANY)
    async def me() -> Any:
        return {"user": await aw(fsa.current_user())}

    client = backend.client(app)
    assert client.get("/me").json == {"user": None}
    assert client.get("/me", headers=basic("calvin", "hobbes")).json == \
        {"user": "calvin"}


def test_init_app_factory(backend: Backend) -> None:
    fsa = _hooks(backend.Extension())
    bp = backend.Blueprint("api", "api")

    @bp.get("/who", authorize=ALL)
    async def who() -> str:
        return await aw(fsa.get_user())

    def create_app() -> Any:
        app = backend.Plain("factory")
        app.config.update(TESTING=True, **CONFIG)
        fsa.init_app(app)
        app.register_blueprint(bp, url_prefix="/api")
        return app

    app = create_app()

    @fsa.get("/direct", authorize="admin")
    async def direct() -> str:
        return "direct"

    client = backend.client(app)
    r = client.get("/api/who", headers=basic("susie", "derkins"))
    assert r.status == 200 and r.text == "susie"
    assert client.get("/direct", headers=basic("calvin", "hobbes")
                      ).text == "direct"
    assert client.get("/direct", headers=basic("susie", "derkins")
                      ).status == 403


def test_init_app_factory_keeps_each_app_config(backend: Backend) -> None:
    fsa = _hooks(backend.Extension())
    bp = backend.Blueprint("api", "api")

    @bp.get("/who", authorize=ALL)
    async def who() -> str:
        return await aw(fsa.get_user())

    def create_app(auth: str) -> Any:
        app = backend.Plain(f"factory-{auth}")
        app.config.update(TESTING=True, **{**CONFIG, "FSA_AUTH": auth})
        fsa.init_app(app)
        app.register_blueprint(bp)
        return app

    by_basic = backend.client(create_app("basic"))
    assert by_basic.get("/who", headers=basic("calvin", "hobbes")
                        ).text == "calvin"
    by_param = backend.client(create_app("param"))
    r = by_param.get("/who", query={"USER": "susie", "PASS": "derkins"})
    assert r.status == 200 and r.text == "susie"
    r = by_param.get("/who", headers=basic("calvin", "hobbes"))
    assert r.status == 401
    # the first application is still served with its own configuration
    assert by_basic.get("/who", headers=basic("calvin", "hobbes")
                        ).text == "calvin"


def test_extension_without_app_refuses_routes(backend: Backend) -> None:
    fsa = backend.Extension()
    with pytest.raises(RuntimeError, match="init_app"):
        @fsa.get("/early", authorize=ANY)
        async def early() -> str:
            return "early"


# --- blueprints ---------------------------------------------------------


def _blueprint(backend: Backend, name: str = "sub") -> Any:
    bp = backend.Blueprint(name, __name__)

    @bp.get("/item/<id>", authorize="admin")
    async def item(id: int, q: str = "none") -> Any:
        return {"id": id, "q": q}

    @bp.post("/open", authorize=ANY)
    async def opened(n: int) -> Any:
        return {"n": n}

    @bp.route("/closed", methods=["GET"])
    async def closed() -> str:
        return "closed"

    return bp


@pytest.mark.parametrize("register_on", ["app", "extension"])
def test_blueprint_routes(backend: Backend, register_on: str) -> None:
    if register_on == "app":
        app = _hooks(backend.app(**CONFIG))
        app.register_blueprint(_blueprint(backend), url_prefix="/sub")
    else:
        app = backend.Plain("plain")
        app.config.update(TESTING=True, **CONFIG)
        fsa = _hooks(backend.Extension(app))
        fsa.register_blueprint(_blueprint(backend), url_prefix="/sub")

    client = backend.client(app)
    headers = basic("calvin", "hobbes")
    r = client.get("/sub/item/12", query={"q": "x"}, headers=headers)
    assert r.status == 200 and r.json == {"id": 12, "q": "x"}
    assert client.get("/sub/item/12").status == 401
    assert client.get("/sub/item/twelve", headers=headers).status == 404
    assert client.get("/sub/item/12", headers=basic("susie", "derkins")
                      ).status == 403
    assert client.post("/sub/open", form={"n": "0b11"}).json == {"n": 3}
    r = client.post("/sub/open")
    assert r.status == 400 and r.text == 'missing parameter "n"'
    assert client.get("/sub/closed", headers=headers).status == 403


def test_blueprint_on_two_apps(backend: Backend) -> None:
    bp = _blueprint(backend)
    one = _hooks(backend.app("one", **CONFIG))
    two = _hooks(backend.app("two", **CONFIG))
    one.register_blueprint(bp, url_prefix="/a")
    two.register_blueprint(bp, url_prefix="/b")
    headers = basic("calvin", "hobbes")
    assert backend.client(one).get("/a/item/1", headers=headers
                                   ).json == {"id": 1, "q": "none"}
    assert backend.client(two).get("/b/item/2", headers=headers
                                   ).json == {"id": 2, "q": "none"}


@pytest.mark.parametrize("verb", ["get", "post", "put", "patch", "delete"])
def test_blueprint_shortcuts(backend: Backend, verb: str) -> None:
    bp = backend.Blueprint("verbs", __name__)

    async def view() -> str:
        return verb

    getattr(bp, verb)("/v", authorize=ANY)(view)
    app = backend.app(**CONFIG)
    app.register_blueprint(bp)
    client = backend.client(app)
    assert client.open(verb.upper(), "/v").text == verb
    other = "POST" if verb != "post" else "GET"
    assert client.open(other, "/v").status == 405


@pytest.mark.parametrize("verb", ["get", "post", "put", "patch", "delete"])
def test_extension_shortcuts(backend: Backend, verb: str) -> None:
    app = backend.Plain("verbs")
    app.config.update(TESTING=True, **CONFIG)
    fsa = backend.Extension(app)

    async def view(n: int = 1) -> str:
        return f"{verb} {n}"

    getattr(fsa, verb)("/v", authorize=ANY)(view)
    client = backend.client(app)
    assert client.open(verb.upper(), "/v", query={"n": "7"}
                       ).text == f"{verb} 7"
    other = "POST" if verb != "post" else "GET"
    assert client.open(other, "/v").status == 405


def test_blueprint_with_reference(backend: Backend) -> None:
    stuff = Reference()
    sub = backend.Blueprint("stuff", __name__)

    @sub.get("/stuff", authorize=ALL)
    async def get_stuff() -> Any:
        return str(stuff), 200

    app = _hooks(backend.app(**CONFIG))
    app.register_blueprint(sub, url_prefix="/sub")
    stuff.set({"initialized": True})
    r = backend.client(app).get("/sub/stuff",
                                headers=basic("susie", "derkins"))
    assert r.status == 200 and r.text == "{'initialized': True}"
