"""Drive a running demo server over real HTTP and check every answer.

    python -m demo.client --url http://127.0.0.1:5000 --config basic

``--config`` must name the server's configuration; it tells the client
how to log in:

- ``basic`` and ``jwt``: an ``Authorization: Basic`` header on GET /login;
- ``param``: ``USER`` and ``PASS`` in the query string of GET /login;
- ``token``: the server checks no password, so the client signs its first
  token in-process with :func:`demo.tokens.make_token` (the code behind
  ``python -m demo token``, which needs the library and the same
  configuration file as the server), then renews it on GET /login.

Every later call carries ``Authorization: Bearer <token>``.  HTTP goes
through ``urllib.request`` only, with proxies disabled.  Each step prints
``ok   METHOD PATH -> STATUS``; the first unexpected answer prints what was
expected and what came, with the body, and exits with status 1.
"""

import argparse
import base64
import json
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from demo import config

_PASSWORD_SCHEME = {"basic": "basic", "param": "param", "jwt": "basic"}


class StepError(Exception):
    """An answer differs from what the scenario expects."""


@dataclass
class Answer:
    """What the server sent back."""

    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        """Return the body decoded as UTF-8, undecodable bytes replaced."""
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        """Return the body parsed as JSON.

        :raises StepError: the body is not JSON.
        """
        try:
            return json.loads(self.body)
        except ValueError:
            raise StepError(f"body is not JSON: {self.text!r}") from None


@dataclass
class Credentials:
    """Headers and query parameters that authenticate a request."""

    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)


def basic(login: str, password: str) -> Credentials:
    """Return HTTP Basic credentials (RFC 7617, section 2)."""
    pair = f"{login}:{password}".encode()
    encoded = base64.b64encode(pair).decode("ascii")
    return Credentials(headers={"Authorization": f"Basic {encoded}"})


def param(login: str, password: str) -> Credentials:
    """Return credentials as the default ``USER``/``PASS`` parameters."""
    return Credentials(params={"USER": login, "PASS": password})


def bearer(token: str) -> Credentials:
    """Return a bearer token header (RFC 6750, section 2.1)."""
    return Credentials(headers={"Authorization": f"Bearer {token}"})


class Client:
    """Sends requests to one server and checks their status."""

    def __init__(self, url: str, timeout: float = 15.0) -> None:
        self._url = url.rstrip("/")
        self._timeout = timeout
        # An empty proxy map: never send the demo's traffic elsewhere.
        self._opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({})
        )

    def call(
        self,
        method: str,
        path: str,
        expect: int,
        *,
        auth: Credentials | None = None,
        query: Mapping[str, str] | None = None,
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
    ) -> Answer:
        """Send one request and return the answer.

        :raises StepError: the status is not ``expect``.
        """
        auth = auth or Credentials()
        request = self._request(method, path, auth, query, json_body, form)
        answer = self._send(request)
        if answer.status != expect:
            raise StepError(
                f"{method} {path}: expected {expect}, got {answer.status}"
                f"\n     body: {answer.text!r}"
            )

        print(f"ok   {method} {path} -> {answer.status}", flush=True)
        return answer

    def _request(
        self,
        method: str,
        path: str,
        auth: Credentials,
        query: Mapping[str, str] | None,
        json_body: Any,
        form: Mapping[str, str] | None,
    ) -> urllib.request.Request:
        """Build the request: query string, body and headers."""
        params = {**(query or {}), **auth.params}
        url = self._url + path
        if params:
            url += "?" + urllib.parse.urlencode(params)

        headers = dict(auth.headers)
        data = None
        if json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"

        return urllib.request.Request(url, data, headers, method=method)

    def _send(self, request: urllib.request.Request) -> Answer:
        """Send, turning HTTP error statuses into ordinary answers."""
        try:
            with self._opener.open(request, timeout=self._timeout) as reply:
                return Answer(reply.status, reply.headers, reply.read())
        except urllib.error.HTTPError as error:
            with error:
                return Answer(error.code, error.headers, error.read())


def check(what: str, expected: Any, got: Any, answer: Answer) -> None:
    """Compare one value of an answer.

    :raises StepError: ``got`` differs from ``expected``.
    """
    if got != expected:
        raise StepError(
            f"{what}: expected {expected!r}, got {got!r}"
            f"\n     body: {answer.text!r}"
        )


def check_mentions(answer: Answer, word: str) -> None:
    """Check that an error body names ``word`` (e.g. the bad parameter)."""
    if word not in answer.text:
        raise StepError(
            f"error body should name {word!r}\n     body: {answer.text!r}"
        )


class Scenario:
    """The whole walk through the API for one configuration."""

    def __init__(
        self, client: Client, config_name: str, token_backend: str
    ) -> None:
        self.client = client
        self.config_name = config_name
        self.token_backend = token_backend
        self.scheme = _PASSWORD_SCHEME.get(config_name)
        suffix = secrets.token_hex(4)
        self.login = f"user-{suffix}"
        self.password = f"first-{secrets.token_hex(6)}"
        self.name = f"thing-{suffix}"

    def run(self) -> None:
        """Run every step in order; stop at the first failure."""
        self.register()
        token = self.authenticate()
        me = bearer(token)
        item = self.create_and_read(me)
        self.bad_requests(me, item)
        self.refusals(me, item)
        self.admin(item)
        self.change_password(me)
        print(f"all checks passed ({self.config_name})", flush=True)

    def password_auth(self, login: str, password: str) -> Credentials:
        """Return password credentials in this configuration's scheme."""
        return basic(login, password) if self.scheme == "basic" \
            else param(login, password)

    def get_token(self, login: str, password: str) -> str:
        """Log in on GET /login and return the token it sends."""
        if self.scheme is None:
            from demo.tokens import make_token

            first = make_token(login, self.config_name, self.token_backend)
            print(f"ok   token for {login} signed in-process", flush=True)
            auth = bearer(first)
        else:
            auth = self.password_auth(login, password)

        answer = self.client.call("GET", "/login", 200, auth=auth)
        token = answer.json()
        check("token type", str, type(token), answer)
        if self.config_name == "jwt":
            check("JWT parts", 3, len(token.split(".")), answer)

        return token

    def register(self) -> None:
        """Register a new user, twice, then without a password."""
        account = {"login": self.login, "password": self.password}
        answer = self.client.call("POST", "/register", 201, form=account)
        check("registered login", self.login, answer.json()["login"], answer)
        self.client.call("POST", "/register", 409, json_body=account)
        answer = self.client.call(
            "POST", "/register", 400, json_body={"login": self.login + "x"}
        )
        check_mentions(answer, "password")

    def authenticate(self) -> str:
        """Check 401 answers, log in, and check who the server sees."""
        call = self.client.call
        refusals = [call("GET", "/whoami", 401)]
        call("GET", "/whoami", 401, auth=bearer("not-a-token"))
        if self.scheme is not None:
            wrong = self.password_auth(self.login, "wrong-password")
            refusals.append(call("GET", "/whoami", 401, auth=wrong))
            call("GET", "/login", 401, auth=wrong)

        if self.scheme == "basic":
            # RFC 7235, section 3.1: a 401 carries a challenge; there may
            # be several, one per scheme, each in its own header line.
            for answer in refusals:
                found = answer.headers.get_all("WWW-Authenticate") or []
                schemes = [value.split(" ", 1)[0].lower() for value in found]
                check("Basic challenge", True, "basic" in schemes, answer)

        token = self.get_token(self.login, self.password)
        if self.scheme is not None:
            auth = self.password_auth(self.login, self.password)
            answer = call("GET", "/whoami", 200, auth=auth)
            check("whoami (password)", self.login, answer.json(), answer)

        answer = call("GET", "/whoami", 200, auth=bearer(token))
        check("whoami (token)", self.login, answer.json(), answer)
        return token

    def create_and_read(self, me: Credentials) -> dict[str, Any]:
        """Create a stuff, read it back, list it, change it twice."""
        call = self.client.call
        new = {"name": self.name, "count": 3, "price": 1.5}
        answer = call("POST", "/stuff", 201, auth=me, json_body=new)
        item = answer.json()
        expected = {**new, "id": item.get("id"), "owner": self.login}
        check("created stuff", expected, item, answer)
        path = f"/stuff/{item['id']}"
        check("Location", path, answer.headers.get("Location"), answer)
        answer = call("GET", path, 200, auth=me)
        check("stuff read back", item, answer.json(), answer)
        answer = call("GET", "/stuff", 200, auth=me)
        check("stuff listed", True, item in answer.json(), answer)
        answer = call("PATCH", path, 200, auth=me, json_body={"count": 5})
        item = {**item, "count": 5}
        check("patched count", item, answer.json(), answer)
        # A form value is a string the library converts to the float.
        answer = call("PATCH", path, 200, auth=me, form={"price": "2.25"})
        item = {**item, "price": 2.25}
        check("patched price", item, answer.json(), answer)
        answer = call("GET", path, 200, auth=me)
        check("stuff after patches", item, answer.json(), answer)
        return item

    def bad_requests(self, me: Credentials, item: dict[str, Any]) -> None:
        """Check 400 on bad parameters, 404 and 409."""
        call = self.client.call
        other = f"{self.name}-other"
        answer = call("POST", "/stuff", 400, auth=me,
                      json_body={"name": other, "count": "abc"})
        check_mentions(answer, "count")
        answer = call("POST", "/stuff", 400, auth=me,
                      form={"name": other, "count": "abc"})
        check_mentions(answer, "count")
        answer = call("POST", "/stuff", 400, auth=me,
                      json_body={"count": 1})
        check_mentions(answer, "name")
        call("GET", "/stuff/999999999", 404, auth=me)
        call("PATCH", "/stuff/999999999", 404, auth=me,
             json_body={"count": 1})
        call("POST", "/stuff", 409, auth=me,
             json_body={"name": self.name, "count": 1})
        call("POST", "/stuff", 201, auth=me,
             json_body={"name": other, "count": 1})
        call("PATCH", f"/stuff/{item['id']}", 409, auth=me,
             json_body={"name": other})

    def refusals(self, me: Credentials, item: dict[str, Any]) -> None:
        """Check 403 for a non-admin and for somebody else's stuff."""
        call = self.client.call
        path = f"/stuff/{item['id']}"
        call("DELETE", path, 403, auth=me)
        call("GET", "/admin/users", 403, auth=me)
        susie = bearer(self.get_token("susie", "derkins-pass"))
        call("PATCH", path, 403, auth=susie, json_body={"count": 0})
        answer = call("GET", path, 200, auth=me)
        check("stuff untouched", item, answer.json(), answer)

    def admin(self, item: dict[str, Any]) -> None:
        """As calvin: list users, delete the stuff."""
        call = self.client.call
        calvin = bearer(self.get_token("calvin", "hobbes-pass"))
        answer = call("GET", "/admin/users", 200, auth=calvin)
        users = answer.json()
        check("calvin listed as admin", True,
              {"login": "calvin", "is_admin": True} in users, answer)
        check("new user listed", True,
              {"login": self.login, "is_admin": False} in users, answer)
        path = f"/stuff/{item['id']}"
        call("DELETE", path, 204, auth=calvin)
        call("GET", path, 404, auth=calvin)
        call("DELETE", path, 404, auth=calvin)

    def change_password(self, me: Credentials) -> None:
        """Change the password, then log in with the new one only."""
        call = self.client.call
        new = f"second-{secrets.token_hex(6)}"
        call("PUT", "/password", 403, auth=me,
             json_body={"old": "wrong-password", "new": new})
        call("PUT", "/password", 204, auth=me,
             json_body={"old": self.password, "new": new})
        # A token stays valid until it expires, whatever the password.
        call("GET", "/whoami", 200, auth=me)
        if self.scheme is None:
            print("skip password login: the token config checks none",
                  flush=True)
            return

        call("GET", "/login", 401,
             auth=self.password_auth(self.login, self.password))
        self.password = new
        token = self.get_token(self.login, new)
        answer = call("GET", "/whoami", 200, auth=bearer(token))
        check("whoami after change", self.login, answer.json(), answer)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the scenario, return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m demo.client")
    parser.add_argument("--url", default="http://127.0.0.1:5000")
    parser.add_argument("--config", choices=config.CONFIG_NAMES,
                        default="basic", help="the server's configuration")
    parser.add_argument("--token-backend", choices=("flask", "quart"),
                        default="flask",
                        help="library signing tokens for --config token")
    args = parser.parse_args(argv)
    scenario = Scenario(Client(args.url), args.config, args.token_backend)
    try:
        scenario.run()
    except StepError as error:
        print(f"\n!!!! FAIL {error}", file=sys.stderr, flush=True)
        return 1
    except OSError as error:
        print(f"\n!!!! FAIL cannot talk to {args.url}: {error}",
              file=sys.stderr, flush=True)
        return 2

    return 0


if __name__ == "__main__":
    sys.exit(main())
