"""SQLite storage shared by the Flask and Quart demo applications.

Every function takes the database file path and opens its own connection,
because sqlite3 connections must not be shared between threads.  SQL is
parameterized throughout; the only names spliced into a statement come
from the fixed :data:`_STUFF_FIELDS` tuple.  A write runs in one
``BEGIN IMMEDIATE`` transaction, committed as a whole or rolled back, so a
failed request leaves nothing half-written.

Failures a client can cause raise a :class:`DemoError` subclass carrying
the HTTP status to answer; the applications render them as JSON.
"""

from __future__ import annotations

import contextlib
import math
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

SEED_USERS: tuple[tuple[str, str, bool], ...] = (
    ("calvin", "hobbes-pass", True),
    ("susie", "derkins-pass", False),
)
"""Users created on first start: login, clear password, is_admin."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users(
    login TEXT PRIMARY KEY,
    pass_hash TEXT NOT NULL,
    is_admin INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS stuff(
    id INTEGER PRIMARY KEY,
    name TEXT UNIQUE NOT NULL,
    count INTEGER NOT NULL,
    price REAL NOT NULL,
    owner TEXT NOT NULL REFERENCES users(login)
);
"""

_STUFF_FIELDS = ("name", "count", "price")

# 64 bits signed: larger Python integers do not fit an SQLite INTEGER.
_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1


class DemoError(Exception):
    """A request the store refuses; ``status`` is the HTTP answer."""

    status = 400


class InvalidError(DemoError):
    """A value is well typed but not acceptable (400)."""

    status = 400


class ForbiddenError(DemoError):
    """The user may not touch this object (403)."""

    status = 403


class NotFoundError(DemoError):
    """No such object (404)."""

    status = 404


class ConflictError(DemoError):
    """A unique name is already taken (409)."""

    status = 409


def _connect(path: str) -> sqlite3.Connection:
    """Open a connection in autocommit mode, transactions being explicit."""
    conn = sqlite3.connect(path, timeout=10.0, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


@contextlib.contextmanager
def _reading(path: str) -> Iterator[sqlite3.Connection]:
    """Yield a connection for reads, closed afterwards."""
    conn = _connect(path)
    try:
        yield conn
    finally:
        conn.close()


@contextlib.contextmanager
def _writing(path: str) -> Iterator[sqlite3.Connection]:
    """Yield a connection inside one transaction, closed afterwards.

    The transaction commits when the block ends normally and rolls back
    when it raises.  ``IMMEDIATE`` takes the write lock at once, so that a
    read-then-write block cannot be interleaved with another writer.
    """
    conn = _connect(path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise

        conn.execute("COMMIT")
    finally:
        conn.close()


def _is_unique_violation(error: sqlite3.IntegrityError) -> bool:
    """Tell a duplicate key from other integrity failures."""
    return "UNIQUE" in str(error) or "PRIMARY KEY" in str(error)


def _check_id(stuff_id: int) -> None:
    """Refuse an id SQLite cannot hold, which no stuff can have (404)."""
    if not _INT_MIN <= stuff_id <= _INT_MAX:
        raise NotFoundError(f"no stuff {stuff_id}")


def _stuff_dict(row: sqlite3.Row) -> dict[str, Any]:
    """Return a stuff row as a JSON-ready dict."""
    return {key: row[key] for key in ("id", "name", "count", "price", "owner")}


# Schema and first start.


def init(path: str) -> list[tuple[str, str, bool]]:
    """Create the tables if needed.

    :return: the :data:`SEED_USERS` not yet stored, for the caller to hash
        their passwords with the application's scheme and pass to
        :func:`seed`.
    """
    with _writing(path) as conn:
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)

        known = {row[0] for row in conn.execute("SELECT login FROM users")}

    return [user for user in SEED_USERS if user[0] not in known]


def seed(path: str, users: Iterable[tuple[str, str, bool]]) -> None:
    """Store ``(login, pass_hash, is_admin)`` rows, keeping existing ones.

    Two processes starting together may both seed; the second one's rows
    are ignored.
    """
    with _writing(path) as conn:
        conn.executemany(
            "INSERT OR IGNORE INTO users(login, pass_hash, is_admin)"
            " VALUES (?, ?, ?)",
            [(login, hashed, int(admin)) for login, hashed, admin in users],
        )


# Users.


def check_login(login: str) -> None:
    """Check that ``login`` can be used as a user name.

    A colon cannot appear in an HTTP Basic user name (RFC 7617, section 2).

    :raises InvalidError: empty name or a colon in it (400).
    """
    if not login or ":" in login:
        raise InvalidError("login must be non-empty and without ':'")


def get_pass(path: str, login: str) -> str | None:
    """Return the password hash of ``login``, or None if unknown."""
    with _reading(path) as conn:
        row = conn.execute(
            "SELECT pass_hash FROM users WHERE login = ?", (login,)
        ).fetchone()

    return None if row is None else row[0]


def is_admin(path: str, login: str) -> bool:
    """Tell whether ``login`` exists and is an administrator."""
    with _reading(path) as conn:
        row = conn.execute(
            "SELECT is_admin FROM users WHERE login = ?", (login,)
        ).fetchone()

    return row is not None and bool(row[0])


def user_exists(path: str, login: str) -> bool:
    """Tell whether ``login`` is a registered user."""
    return get_pass(path, login) is not None


def add_user(path: str, login: str, pass_hash: str) -> None:
    """Register a non-admin user.

    :raises InvalidError: unusable login (400).
    :raises ConflictError: the login is taken (409).
    """
    check_login(login)
    try:
        with _writing(path) as conn:
            conn.execute(
                "INSERT INTO users(login, pass_hash) VALUES (?, ?)",
                (login, pass_hash),
            )
    except sqlite3.IntegrityError as error:
        if not _is_unique_violation(error):
            raise
        raise ConflictError(f"user {login!r} already exists") from None


def set_pass(path: str, login: str, pass_hash: str, old_hash: str) -> None:
    """Replace the password hash of ``login``, if it is still ``old_hash``.

    The comparison and the write are one statement, so of two changes
    checked against the same old password only the first one lands.

    :raises ForbiddenError: the password changed meanwhile (403).
    """
    with _writing(path) as conn:
        cursor = conn.execute(
            "UPDATE users SET pass_hash = ? WHERE login = ? AND pass_hash = ?",
            (pass_hash, login, old_hash),
        )
        if cursor.rowcount == 0:
            raise ForbiddenError("old password does not match")


def list_users(path: str) -> list[dict[str, Any]]:
    """Return every user as ``{"login", "is_admin"}``, by login."""
    with _reading(path) as conn:
        rows = conn.execute(
            "SELECT login, is_admin FROM users ORDER BY login"
        ).fetchall()

    return [{"login": row[0], "is_admin": bool(row[1])} for row in rows]


# Stuff.


def _check_stuff(changes: dict[str, Any]) -> None:
    """Check typed stuff fields before they reach SQLite.

    :raises InvalidError: empty name, count out of 64 bits, price not a
        finite number (400).
    """
    if "name" in changes and not changes["name"]:
        raise InvalidError("name must not be empty")

    count = changes.get("count", 0)
    if not _INT_MIN <= count <= _INT_MAX:
        raise InvalidError("count does not fit 64 bits")

    if not math.isfinite(changes.get("price", 0.0)):
        raise InvalidError("price must be a finite number")


def list_stuff(path: str) -> list[dict[str, Any]]:
    """Return all stuff, by id."""
    with _reading(path) as conn:
        rows = conn.execute("SELECT * FROM stuff ORDER BY id").fetchall()

    return [_stuff_dict(row) for row in rows]


def get_stuff(path: str, stuff_id: int) -> dict[str, Any]:
    """Return one stuff.

    :raises NotFoundError: no such id (404).
    """
    _check_id(stuff_id)
    with _reading(path) as conn:
        row = conn.execute(
            "SELECT * FROM stuff WHERE id = ?", (stuff_id,)
        ).fetchone()

    if row is None:
        raise NotFoundError(f"no stuff {stuff_id}")

    return _stuff_dict(row)


def add_stuff(
    path: str, name: str, count: int, price: float, owner: str
) -> dict[str, Any]:
    """Store a new stuff owned by ``owner`` and return it.

    :raises InvalidError: a value is not acceptable (400).
    :raises ConflictError: the name is taken (409).
    """
    _check_stuff({"name": name, "count": count, "price": price})
    try:
        with _writing(path) as conn:
            cursor = conn.execute(
                "INSERT INTO stuff(name, count, price, owner)"
                " VALUES (?, ?, ?, ?)",
                (name, count, price, owner),
            )
            new_id = cursor.lastrowid
    except sqlite3.IntegrityError as error:
        if not _is_unique_violation(error):
            raise
        raise ConflictError(f"stuff {name!r} already exists") from None

    return {
        "id": new_id, "name": name, "count": count, "price": price,
        "owner": owner,
    }


def update_stuff(
    path: str, stuff_id: int, login: str, changes: dict[str, Any]
) -> dict[str, Any]:
    """Change some fields of a stuff and return it.

    Only its owner or an administrator may change a stuff; the check and
    the update run in the same transaction.  Keys of ``changes`` outside
    ``name``, ``count`` and ``price`` are ignored, None values too.

    :raises InvalidError: nothing to change, or a bad value (400).
    :raises ForbiddenError: ``login`` is neither owner nor admin (403).
    :raises NotFoundError: no such id (404).
    :raises ConflictError: the new name is taken (409).
    """
    fields = {
        key: changes[key] for key in _STUFF_FIELDS
        if changes.get(key) is not None
    }
    if not fields:
        raise InvalidError("nothing to change: give name, count or price")

    _check_id(stuff_id)
    _check_stuff(fields)
    assignments = ", ".join(f"{key} = ?" for key in fields)
    try:
        with _writing(path) as conn:
            _check_owner(conn, stuff_id, login)
            conn.execute(
                f"UPDATE stuff SET {assignments} WHERE id = ?",
                (*fields.values(), stuff_id),
            )
    except sqlite3.IntegrityError as error:
        if not _is_unique_violation(error):
            raise
        raise ConflictError(f"stuff {fields['name']!r} already exists") \
            from None

    return get_stuff(path, stuff_id)


def _check_owner(conn: sqlite3.Connection, stuff_id: int, login: str) -> None:
    """Raise unless ``login`` owns stuff ``stuff_id`` or is an admin."""
    row = conn.execute(
        "SELECT s.owner, u.is_admin FROM stuff AS s"
        " LEFT JOIN users AS u ON u.login = ? WHERE s.id = ?",
        (login, stuff_id),
    ).fetchone()
    if row is None:
        raise NotFoundError(f"no stuff {stuff_id}")

    if row[0] != login and not row[1]:
        raise ForbiddenError(f"stuff {stuff_id} belongs to someone else")


def delete_stuff(path: str, stuff_id: int) -> None:
    """Remove one stuff.

    :raises NotFoundError: no such id (404).
    """
    _check_id(stuff_id)
    with _writing(path) as conn:
        cursor = conn.execute("DELETE FROM stuff WHERE id = ?", (stuff_id,))
        if cursor.rowcount == 0:
            raise NotFoundError(f"no stuff {stuff_id}")
