"""The demo service on Flask, through ``fsa_flask``.

Nothing here says how users authenticate: the configuration file chosen
in :func:`create_app` does.  Each route only declares who may call it
(``authorize``) and which typed parameters it takes; the library answers
401, 403 or 400 before the view runs.  Store failures (404, 409, ...)
come from :mod:`demo.db` and are rendered as JSON by one error handler.

:mod:`demo.quart_app` is the same service written with ``async def``.
"""

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from demo import config, db
from fsa_flask import Flask, Response, jsonify

P = ParamSpec("P")
T = TypeVar("T")


class _Store:
    """Calls :mod:`demo.db` functions on the application's database."""

    def __init__(self, app: Flask) -> None:
        self._app = app

    def __call__(
        self,
        fn: Callable[Concatenate[str, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        return fn(self._app.config["DEMO_DB"], *args, **kwargs)


def create_app(
    config_name: str, *, db_path: str | None = None, init_db: bool = True
) -> Flask:
    """Build the demo application for configuration ``config_name``.

    :param config_name: one of :data:`demo.config.CONFIG_NAMES`.
    :param db_path: SQLite file, overriding ``DEMO_DB``.
    :param init_db: create and seed the database now; turn it off for an
        application used only to sign tokens.  Seeding hashes passwords,
        which makes the library read its ``FSA_*`` keys at once: change
        them in ``demo/conf``, not on the returned application.
    :raises ValueError: unknown configuration name.
    """
    app = Flask(config.APP_NAME)
    config.load(app.config, config_name, db_path)
    store = _Store(app)
    _add_hooks(app, store)
    _add_account_routes(app, store)
    _add_stuff_routes(app, store)
    if init_db:
        _init_db(app, store)

    return app


def _init_db(app: Flask, store: _Store) -> None:
    """Create the tables and the seed users, hashed with the app's scheme."""
    missing = store(db.init)
    if not missing:
        return

    with app.app_context():
        rows = [
            (login, app.hash_password(password), admin)
            for login, password, admin in missing
        ]

    store(db.seed, rows)


def _add_hooks(app: Flask, store: _Store) -> None:
    """Register the password and group hooks and the store error handler."""

    @app.get_user_pass
    def get_user_pass(login: str) -> str | None:
        return store(db.get_pass, login)

    @app.user_in_group
    def user_in_group(login: str, group: str) -> bool:
        # Every registered user is a writer; admins are flagged in users.
        if group == "writer":
            return store(db.user_exists, login)

        return group == "admin" and store(db.is_admin, login)

    @app.errorhandler(db.DemoError)
    def demo_error(error: db.DemoError) -> tuple[Response, int]:
        return jsonify({"error": str(error)}), error.status


def _add_account_routes(app: Flask, store: _Store) -> None:
    """Register, log in, tell who I am, change my password, list users."""

    @app.post("/register", authorize="ANY")
    def post_register(login: str, password: str) -> tuple[Response, int]:
        store(db.add_user, login, app.hash_password(password))
        app.clear_caches()
        return jsonify({"login": login}), 201

    @app.get("/login", authorize="ALL")
    def get_login() -> Response:
        return jsonify(app.create_token())

    @app.get("/whoami", authorize="ALL")
    def get_whoami() -> Response:
        return jsonify(app.get_user())

    @app.put("/password", authorize="ALL")
    def put_password(old: str, new: str) -> tuple[str, int]:
        # A wrong old password is a refusal to an authenticated user: 403.
        login = app.get_user()
        stored = store(db.get_pass, login)
        if stored is None or not app.check_password(old, stored):
            raise db.ForbiddenError("old password does not match")

        store(db.set_pass, login, app.hash_password(new), stored)
        app.clear_caches()
        return "", 204

    @app.get("/admin/users", authorize="admin")
    def get_admin_users() -> Response:
        return jsonify(store(db.list_users))


def _add_stuff_routes(app: Flask, store: _Store) -> None:
    """List, read, create, change and delete stuff."""

    @app.get("/stuff", authorize="ALL")
    def get_stuff_list() -> Response:
        return jsonify(store(db.list_stuff))

    @app.get("/stuff/<id>", authorize="ALL")
    def get_stuff(id: int) -> Response:
        return jsonify(store(db.get_stuff, id))

    @app.post("/stuff", authorize="writer")
    def post_stuff(
        name: str, count: int, price: float = 0.0
    ) -> tuple[Response, int, dict[str, str]]:
        item = store(db.add_stuff, name, count, price, app.get_user())
        return jsonify(item), 201, {"Location": f"/stuff/{item['id']}"}

    @app.patch("/stuff/<id>", authorize="writer")
    def patch_stuff(
        id: int,
        name: str | None = None,
        count: int | None = None,
        price: float | None = None,
    ) -> Response:
        changes: dict[str, Any] = {
            "name": name, "count": count, "price": price,
        }
        return jsonify(store(db.update_stuff, id, app.get_user(), changes))

    @app.delete("/stuff/<id>", authorize="admin")
    def delete_stuff(id: int) -> tuple[str, int]:
        store(db.delete_stuff, id)
        return "", 204
