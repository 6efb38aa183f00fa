"""A first end-to-end check on both backends."""

from __future__ import annotations

from typing import Any

from conftest import FAST_PASSWORDS, Backend, aw, basic, bearer


def _app(backend: Backend) -> Any:
    app = backend.app(FSA_AUTH="basic", FSA_TOKEN_SECRET="s" * 32,
                      **FAST_PASSWORDS)
    app.get_user_pass({"calvin": "hobbes"}.get)

    @app.user_in_group
    def in_group(user: str, group: str) -> bool:
        return user == "calvin" and group == "admin"

    @app.patch("/whatever/<id>", authorize="admin")
    async def patch_whatever(id: int, some: int, stuff: str = "wow") -> Any:
        user = await aw(app.get_user())
        return {"id": id, "some": some, "stuff": stuff, "user": user}

    @app.get("/login", authorize="ALL")
    async def login() -> Any:
        return {"token": await aw(app.create_token())}

    return app


def test_basic_then_token(backend: Backend) -> None:
    client = backend.client(_app(backend))
    r = client.patch("/whatever/12", form={"some": "0x10"},
                     headers=basic("calvin", "hobbes"))
    assert r.status == 200, r
    assert r.json == {"id": 12, "some": 16, "stuff": "wow",
                      "user": "calvin"}

    token = client.get("/login", headers=basic("calvin", "hobbes")).json
    r = client.patch("/whatever/3", json={"some": 7, "stuff": "x"},
                     headers=bearer(token["token"]))
    assert r.status == 200 and r.json["some"] == 7

    r = client.patch("/whatever/3", json={"some": 7})
    assert r.status == 401
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
