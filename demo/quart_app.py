"""The demo service on Quart, through ``fsa_quart``.

The routes are those of :mod:`demo.flask_app`, written as coroutines:
library methods that may call a hook or hash a password are awaited, and
every :mod:`demo.db` call runs in a worker thread through Quart's own
``ensure_async``, so SQLite never blocks the event loop.

The database is created and seeded in a ``before_serving`` hook, which a
server runs at startup; a test client must enter ``app.test_app()`` for
it to run.
"""

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from demo import config, db
from fsa_quart import Quart, Response, jsonify

P = ParamSpec("P")
T = TypeVar("T")


class _Store:
    """Calls :mod:`demo.db` functions on the app's database, in a thread."""

    def __init__(self, app: Quart) -> None:
        self._app = app

    async def __call__(
        self,
        fn: Callable[Concatenate[str, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        call = self._app.ensure_async(fn)
        return await call(self._app.config["DEMO_DB"], *args, **kwargs)


def create_app(
    config_name: str, *, db_path: str | None = None, init_db: bool = True
) -> Quart:
    """Build the demo application for configuration ``config_name``.

    :param config_name: one of :data:`demo.config.CONFIG_NAMES`.
    :param db_path: SQLite file, overriding ``DEMO_DB``.
    :param init_db: create and seed the database when serving starts; turn
        it off for an application used only to sign tokens.
    :raises ValueError: unknown configuration name.
    """
    app = Quart(config.APP_NAME)
    config.load(app.config, config_name, db_path)
    store = _Store(app)
    _add_hooks(app, store)
    _add_account_routes(app, store)
    _add_stuff_routes(app, store)
    if init_db:
        _add_db_init(app, store)

    return app


def _add_db_init(app: Quart, store: _Store) -> None:
    """Create the tables and seed users when the server starts."""

    @app.before_serving
    async def init_db() -> None:
        missing = await store(db.init)
        rows = [
            (login, await app.hash_password(password), admin)
            for login, password, admin in missing
        ]
        if rows:
            await store(db.seed, rows)


def _add_hooks(app: Quart, store: _Store) -> None:
    """Register the password and group hooks and the store error handler."""

    @app.get_user_pass
    async def get_user_pass(login: str) -> str | None:
        return await store(db.get_pass, login)

    @app.user_in_group
    async def user_in_group(login: str, group: str) -> bool:
        # Every registered user is a writer; admins are flagged in users.
        if group == "writer":
            return await store(db.user_exists, login)

        return group == "admin" and await store(db.is_admin, login)

    @app.errorhandler(db.DemoError)
    async def demo_error(error: db.DemoError) -> tuple[Response, int]:
        return jsonify({"error": str(error)}), error.status


def _add_account_routes(app: Quart, store: _Store) -> None:
    """Register, log in, tell who I am, change my password, list users."""

    @app.post("/register", authorize="ANY")
    async def post_register(login: str, password: str) -> tuple[Response, int]:
        await store(db.add_user, login, await app.hash_password(password))
        app.clear_caches()
        return jsonify({"login": login}), 201

    @app.get("/login", authorize="ALL")
    async def get_login() -> Response:
        return jsonify(await app.create_token())

    @app.get("/whoami", authorize="ALL")
    async def get_whoami() -> Response:
        return jsonify(await app.get_user())

    @app.put("/password", authorize="ALL")
    async def put_password(old: str, new: str) -> tuple[str, int]:
        # A wrong old password is a refusal to an authenticated user: 403.
        login = await app.get_user()
        stored = await store(db.get_pass, login)
        if stored is None or not await app.check_password(old, stored):
            raise db.ForbiddenError("old password does not match")

        await store(db.set_pass, login, await app.hash_password(new), stored)
        app.clear_caches()
        return "", 204

    @app.get("/admin/users", authorize="admin")
    async def get_admin_users() -> Response:
        return jsonify(await store(db.list_users))


def _add_stuff_routes(app: Quart, store: _Store) -> None:
    """List, read, create, change and delete stuff."""

    @app.get("/stuff", authorize="ALL")
    async def get_stuff_list() -> Response:
        return jsonify(await store(db.list_stuff))

    @app.get("/stuff/<id>", authorize="ALL")
    async def get_stuff(id: int) -> Response:
        return jsonify(await store(db.get_stuff, id))

    @app.post("/stuff", authorize="writer")
    async def post_stuff(
        name: str, count: int, price: float = 0.0
    ) -> tuple[Response, int, dict[str, str]]:
        owner = await app.get_user()
        item = await store(db.add_stuff, name, count, price, owner)
        return jsonify(item), 201, {"Location": f"/stuff/{item['id']}"}

    @app.patch("/stuff/<id>", authorize="writer")
    async def patch_stuff(
        id: int,
        name: str | None = None,
        count: int | None = None,
        price: float | None = None,
    ) -> Response:
        changes: dict[str, Any] = {
            "name": name, "count": count, "price": price,
        }
        login = await app.get_user()
        return jsonify(await store(db.update_stuff, id, login, changes))

    @app.delete("/stuff/<id>", authorize="admin")
    async def delete_stuff(id: int) -> tuple[str, int]:
        await store(db.delete_stuff, id)
        return "", 204
