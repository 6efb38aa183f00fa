"""Signing a token for a user without asking the server.

With the token-only configuration the server checks no password, so a
first token must come from somebody holding the secret.  This module
builds the application in-process (without touching the database) and
asks the library to sign a token for the given user, exactly as the
server would.  ``python -m demo token`` and :mod:`demo.client` both use it.

Signing does not check that the user exists: the secret is the proof.
"""

import asyncio

BACKENDS: tuple[str, ...] = ("flask", "quart")


def make_token(login: str, config_name: str, backend: str = "flask") -> str:
    """Return a token for ``login`` under configuration ``config_name``.

    :param backend: which library signs it; both accept either's tokens
        because the configurations share secret, realm and token type.
    :raises ValueError: unknown configuration or backend.
    """
    if backend == "flask":
        return _flask_token(login, config_name)

    if backend == "quart":
        return asyncio.run(_quart_token(login, config_name))

    raise ValueError(f"unknown backend {backend!r}")


def _flask_token(login: str, config_name: str) -> str:
    """Sign with ``fsa_flask`` inside an application context."""
    from demo import flask_app

    app = flask_app.create_app(config_name, init_db=False)
    with app.app_context():
        return app.create_token(login)


async def _quart_token(login: str, config_name: str) -> str:
    """Sign with ``fsa_quart`` inside an application context."""
    from demo import quart_app

    app = quart_app.create_app(config_name, init_db=False)
    async with app.app_context():
        return await app.create_token(login)
