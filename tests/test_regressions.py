"""Behaviours fixed after review, kept from coming back."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from conftest import FAST_PASSWORDS, Backend, aw

from fsa_common import read_config
from fsa_common.params import GLOBAL_CASTS


def test_current_user_does_not_hide_hook_errors(backend: Backend) -> None:
    app = backend.app(FSA_AUTH="param", FSA_TOKEN_SECRET="s" * 32,
                      **FAST_PASSWORDS)
    app.get_user_pass(lambda user: 42)

    @app.get("/maybe", authorize="ANY")
    async def maybe() -> str:
        return str(await aw(app.current_user()))

    client = backend.client(app)
    assert client.get("/maybe").text == "None"
    r = client.get("/maybe", query={"USER": "calvin", "PASS": "x"})
    assert r.status == 500 and r.text == "internal error"


class Celsius:
    def __init__(self, degrees: float) -> None:
        self.degrees = degrees


def test_register_cast_on_the_app_class(backend: Backend) -> None:
    backend.App.register_cast(Celsius, lambda s: Celsius(float(s[:-1])))
    try:
        app = backend.app(FSA_AUTH="none")

        @app.get("/temp", authorize="ANY")
        async def temp(t: Celsius) -> str:
            return str(t.degrees)

        client = backend.client(app)
        assert client.get("/temp", query={"t": "21.5C"}).text == "21.5"
        assert client.get("/temp", query={"t": "hot"}).status == 400
    finally:
        GLOBAL_CASTS.pop(Celsius, None)


def test_unknown_http_auth_option_is_reported(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="fsa_common"):
        read_config({"FSA_HTTP_AUTH_OPTS": {"use_ha1_pass": True}})
    assert any("use_ha1_pass" in r.getMessage() and "use_ha1_pw" in
               r.getMessage() for r in caplog.records)


def test_digest_without_any_secret_uses_a_random_key(
        backend: Backend, caplog: pytest.LogCaptureFixture) -> None:
    app = backend.app(FSA_AUTH="digest", FSA_TOKEN_TYPE=None)
    app.get_user_pass({"calvin": "hobbes"}.get)

    @app.get("/me", authorize="ALL")
    async def me() -> Any:
        return await aw(app.get_user())

    with caplog.at_level(logging.WARNING, logger="fsa_common"):
        r = backend.client(app).get("/me")
    assert r.status == 401 and "Digest" in r.headers["WWW-Authenticate"]
    assert any("only valid in this process" in rec.getMessage()
               for rec in caplog.records)


def test_bcrypt_refusal_message_is_ours(backend: Backend) -> None:
    app = backend.app(FSA_AUTH="none")

    @app.post("/register", authorize="ANY")
    async def register(password: str) -> str:
        return await aw(app.hash_password(password))

    r = backend.client(app).post("/register", form={"password": "x" * 80})
    assert r.status == 400
    assert "72 bytes" in r.text and "my_password" not in r.text
