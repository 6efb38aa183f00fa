"""docs/examples/plain_wsgi.py: the core reused by a plain WSGI callable.

The example is imported from its path and called with environs built by
``wsgiref.util.setup_testing_defaults``, through ``wsgiref.validate`` so
that it also keeps to PEP 3333.  No server, no framework.
"""

from __future__ import annotations

import base64
import importlib.util
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" \
    / "plain_wsgi.py"
FRAMEWORKS = ("flask", "quart", "werkzeug")


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("plain_wsgi", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def example() -> ModuleType:
    """The example module, loaded once from its file."""
    return _load()


class Answer:
    """What the WSGI callable answered."""

    def __init__(self, status: str, headers: list[tuple[str, str]],
                 body: bytes) -> None:
        self.status = int(status.split()[0])
        self.headers = headers
        self.text = body.decode()

    def header(self, name: str) -> list[str]:
        """Every value of header ``name``."""
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def json(self) -> Any:
        return json.loads(self.text)

    def __repr__(self) -> str:
        return f"<Answer {self.status} {self.text[:80]!r}>"


def call(example: ModuleType, method: str, path: str, query: str = "",
         headers: dict[str, str] | None = None, body: bytes = b"",
         content_type: str | None = None) -> Answer:
    """Call the example's WSGI application once."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": path,
        "QUERY_STRING": query, "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(body)}
    if body:
        environ["CONTENT_LENGTH"] = str(len(body))
    if content_type:
        environ["CONTENT_TYPE"] = content_type
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    setup_testing_defaults(environ)

    started: list[Any] = []

    def start(status: str, headers: list[tuple[str, str]],
              exc_info: Any = None) -> Any:
        started.extend((status, headers))
        return lambda data: None

    result = validator(example.app)(environ, start)
    try:
        data = b"".join(result)
    finally:
        result.close()

    return Answer(started[0], started[1], data)


def basic(user: str, password: str) -> dict[str, str]:
    raw = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": "Basic " + raw}


def test_example_is_short_and_framework_free() -> None:
    text = EXAMPLE.read_text()
    assert len(text.splitlines()) < 100
    imports = re.findall(r"^\s*(?:from|import)\s+([\w.]+)", text, re.M)
    assert imports, "no import found: the pattern is wrong"
    assert not [m for m in imports if m.split(".")[0] in FRAMEWORKS]


def test_example_loads_no_framework_module() -> None:
    code = ("import runpy, sys\n"
            "runpy.run_path(sys.argv[1])\n"
            "print(sorted(m for m in sys.modules\n"
            "             if m.split('.')[0] in sys.argv[2:]))\n")
    done = subprocess.run(
        [sys.executable, "-c", code, str(EXAMPLE), *FRAMEWORKS],
        capture_output=True, text=True, timeout=60,
        cwd=EXAMPLE.parent.parent.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(("query", "total"), [
    ("a=2&b=3", 5), ("a=0x10", 16), ("a=017&b=-1", 16), ("a=1&a=9", 1),
], ids=["decimal", "hex-default-b", "leading-zero", "first-value-wins"])
def test_basic_auth_and_typed_params(example: ModuleType, query: str,
                                     total: int) -> None:
    answer = call(example, "GET", "/add", query,
                  headers=basic("calvin", "hobbes"))
    assert answer.status == 200, answer
    assert answer.header("Content-Type") == ["application/json"]
    assert answer.json == total


@pytest.mark.parametrize(("body", "content_type"), [
    (b"a=4&b=5", "application/x-www-form-urlencoded"),
    (b'{"a": 4, "b": 5}', "application/json"),
    (b'{"a": "4", "b": 5}', "application/json; charset=utf-8"),
], ids=["form", "json", "json-text-value"])
def test_params_from_the_body(example: ModuleType, body: bytes,
                              content_type: str) -> None:
    answer = call(example, "GET", "/add", "b=1", basic("susie", "derkins"),
                  body, content_type)
    assert answer.status == 200, answer
    assert answer.json == 9


def test_no_credentials_is_401_with_challenges(example: ModuleType) -> None:
    answer = call(example, "GET", "/add", "a=1")
    assert answer.status == 401, answer
    assert answer.header("Content-Type")[0].startswith("text/plain")
    challenges = answer.header("WWW-Authenticate")
    assert any(c.startswith("Basic realm=") for c in challenges), challenges
    assert any(c.startswith("Bearer realm=") for c in challenges), challenges
    assert answer.text == "authentication required"


@pytest.mark.parametrize(("user", "password"), [
    ("calvin", "tiger"), ("hobbes", "hobbes"),
], ids=["wrong-password", "unknown-user"])
def test_bad_credentials_are_401(example: ModuleType, user: str,
                                 password: str) -> None:
    answer = call(example, "GET", "/add", "a=1", basic(user, password))
    assert answer.status == 401, answer
    assert answer.text == "invalid user or password"
    assert answer.header("WWW-Authenticate")[0].startswith("Basic realm=")


def test_group_route(example: ModuleType) -> None:
    ok = call(example, "GET", "/admin/moe", headers=basic("calvin", "hobbes"))
    assert ok.status == 200, ok
    assert ok.json == "hello moe, from calvin"
    denied = call(example, "GET", "/admin/moe",
                  headers=basic("susie", "derkins"))
    assert denied.status == 403, denied
    assert denied.header("Content-Type")[0].startswith("text/plain")
    assert denied.text == "access denied"


@pytest.mark.parametrize(("query", "name", "message"), [
    ("a=foo", "a", 'parameter "a": invalid int value'),
    ("a=1&b=2.5", "b", 'parameter "b": invalid int value'),
    ("b=2", "a", 'missing parameter "a"'),
], ids=["bad-a", "bad-b", "missing-a"])
def test_bad_param_is_400_naming_it(example: ModuleType, query: str,
                                    name: str, message: str) -> None:
    answer = call(example, "GET", "/add", query, basic("calvin", "hobbes"))
    assert answer.status == 400, answer
    assert f'"{name}"' in answer.text
    assert answer.text.startswith(message), answer.text


def test_invalid_json_body_is_400(example: ModuleType) -> None:
    answer = call(example, "GET", "/add", "", basic("calvin", "hobbes"),
                  b"{not json", "application/json")
    assert answer.status == 400, answer
    assert answer.text == "invalid JSON body"


def test_unknown_route_is_404(example: ModuleType) -> None:
    assert call(example, "GET", "/nowhere").status == 404
    assert call(example, "DELETE", "/add").status == 404


def test_token_login_then_bearer(example: ModuleType) -> None:
    login = call(example, "POST", "/login",
                 headers=basic("susie", "derkins"))
    assert login.status == 200, login
    token = login.json["token"]
    assert token.startswith("plain-wsgi:susie:")

    bearer = {"Authorization": "Bearer " + token}
    answer = call(example, "GET", "/add", "a=20&b=22", bearer)
    assert answer.status == 200, answer
    assert answer.json == 42
    assert call(example, "GET", "/admin/x", headers=bearer).status == 403

    forged = {"Authorization": "Bearer " + token[:-2] + "00"}
    bad = call(example, "GET", "/add", "a=1", forged)
    assert bad.status == 401, bad
    assert bad.header("WWW-Authenticate")[0].startswith("Bearer realm=")


def test_login_takes_basic_only(example: ModuleType) -> None:
    token = call(example, "POST", "/login",
                 headers=basic("calvin", "hobbes")).json["token"]
    again = call(example, "POST", "/login",
                 headers={"Authorization": "Bearer " + token})
    assert again.status == 401, again
