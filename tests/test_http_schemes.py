"""The http-* schemes end to end: digest, http-basic and http-token.

The digest client below is written from RFC 7616 section 3.4 alone: it
reads the ``WWW-Authenticate`` challenge of a 401, computes the response
with ``qop=auth`` and a client nonce, and sends ``Authorization: Digest``.
It uses none of the library's digest helpers, so that a mistake shared
by the server and its own helpers would still show.  Old nonces are
minted with an injected clock; nothing sleeps.  Every behaviour test runs
on Flask and on Quart.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import logging
import re
import secrets
import time
from typing import Any
from urllib.parse import quote

import pytest
from conftest import Answer, Backend, Client, aw, basic, bearer

from fsa_common import Guard
from fsa_common.digest import DigestScheme

SECRET = "http-schemes-secret-0123456789abcdef"
OTHER_SECRET = "another-server-secret-0123456789abcdef"
REALM = "test"
USERS = {
    "calvin": "hobbes",
    "susie": "derkins",
    "Jäsøn Doe": "pässwörd ✓",
    "日本語": "パスワード",
}
LOGIN_FAILED = "invalid user or password"


# --- a digest client, from RFC 7616 section 3.4 ----------------------------

_HASH_NAMES = {"MD5": "md5", "SHA-256": "sha256"}
# auth-param of RFC 7235 section 2.1: token = ( token / quoted-string )
_AUTH_PARAM = re.compile(
    r'([!#$%&\'*+.^_`|~0-9A-Za-z-]+)\s*=\s*'
    r'("(?:[^"\\]|\\.)*"|[^,\s]*)')


def digest_hash(algorithm: str, text: str) -> str:
    """H(data): the hex digest of the UTF-8 bytes of ``text``."""
    name = _HASH_NAMES[algorithm.removesuffix("-sess")]
    return hashlib.new(name, text.encode("utf-8")).hexdigest()


def stored_ha1(user: str, password: str, algorithm: str = "MD5",
               realm: str = REALM) -> str:
    """H(username:realm:password), what use_ha1_pw stores (3.4.2)."""
    return digest_hash(algorithm, f"{user}:{realm}:{password}")


def quoted(value: str) -> str:
    """A quoted-string, with backslash escapes (RFC 9110 5.6.4)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_challenge(value: str) -> dict[str, str]:
    """The parameters of one ``Digest`` challenge, unquoted, by
    lower-case name."""
    word, _, rest = value.strip().partition(" ")
    assert word.lower() == "digest", value
    params = {}
    for name, raw in _AUTH_PARAM.findall(rest):
        if raw.startswith('"'):
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        params[name.lower()] = raw
    return params


def digest_challenge(answer: Answer) -> dict[str, str]:
    """The single Digest challenge of a 401 answer."""
    assert answer.status == 401, answer
    values = [v for v in answer.headers.getlist("WWW-Authenticate")
              if v.lower().startswith("digest ")]
    assert len(values) == 1, answer.headers
    return parse_challenge(values[0])


def on_the_wire(client: Client, header: str) -> str:
    """The header to give ``client`` so that the server receives the
    UTF-8 bytes of ``header``.

    Quart's test client encodes header text as UTF-8 itself; Werkzeug's
    puts the text in the WSGI environ as is, where a real server would
    put the bytes decoded as ISO-8859-1 (PEP 3333), so it gets that.
    """
    if client.backend.name == "flask":
        return header.encode("utf-8").decode("latin-1")
    return header


@dataclasses.dataclass
class DigestClient:
    """The client side of RFC 7616 section 3.4, with ``qop=auth``.

    ``ha1``, when given, replaces H(A1) computed from the password;
    ``star`` sends the user name as ``username*`` (RFC 8187 encoding,
    section 3.4.4).
    """

    user: str
    password: str
    star: bool = False
    ha1: str | None = None

    def response(self, challenge: dict[str, str], method: str, uri: str,
                 nc: str, cnonce: str) -> str:
        """``response`` = KD(H(A1), nonce:nc:cnonce:qop:H(A2)) (3.4.1)."""
        algorithm = challenge.get("algorithm", "MD5")
        realm, nonce = challenge["realm"], challenge["nonce"]
        ha1 = self.ha1 or stored_ha1(self.user, self.password, algorithm,
                                     realm)
        if algorithm.endswith("-sess"):
            # 3.4.2: H(A1) = H(H(user:realm:pass):nonce:cnonce)
            ha1 = digest_hash(algorithm, f"{ha1}:{nonce}:{cnonce}")
        ha2 = digest_hash(algorithm, f"{method}:{uri}")
        return digest_hash(algorithm,
                           f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")

    def authorization(self, challenge: dict[str, str], method: str,
                      uri: str, nc: int = 1, cnonce: str | None = None
                      ) -> str:
        """The ``Authorization`` value answering ``challenge``."""
        offered = [q.strip() for q in challenge["qop"].split(",")]
        assert "auth" in offered, challenge
        cnonce = cnonce or secrets.token_hex(8)
        count = f"{nc:08x}"
        if self.star:
            name = "username*=UTF-8''" + quote(self.user, safe="")
        else:
            name = "username=" + quoted(self.user)
        parts = [
            name,
            "realm=" + quoted(challenge["realm"]),
            "uri=" + quoted(uri),
            "algorithm=" + challenge.get("algorithm", "MD5"),
            "nonce=" + quoted(challenge["nonce"]),
            "nc=" + count,
            "cnonce=" + quoted(cnonce),
            "qop=auth",
            "response=" + quoted(self.response(challenge, method, uri,
                                               count, cnonce)),
        ]
        if "opaque" in challenge:
            parts.append("opaque=" + quoted(challenge["opaque"]))
        return "Digest " + ", ".join(parts)


# --- applications ----------------------------------------------------------


def make_app(backend: Backend, auth: str = "http-digest",
             users: dict[str, str] | None = None, **config: Any) -> Any:
    """An app over ``users`` (default USERS) with /who and /login."""
    app = backend.app(**{"FSA_AUTH": auth, "FSA_TOKEN_SECRET": SECRET,
                         "FSA_PASSWORD_SCHEME": "plaintext",
                         "FSA_PASSWORD_OPTIONS": {}, **config})
    app.get_user_pass((USERS if users is None else users).get)

    @app.route("/who", methods=["GET", "POST"], authorize="ALL")
    async def who(a: str = "", b: str = "") -> str:
        user = await aw(app.get_user())
        return user + (f" {a} {b}" if a or b else "")

    @app.get("/login", authorize="ALL")
    async def login() -> str:
        return await aw(app.create_token())

    @app.get("/token/<user>", authorize="ANY")
    async def token_for(user: str) -> str:
        return await aw(app.create_token(user))

    return app


def first_challenge(client: Client, path: str = "/who") -> dict[str, str]:
    """Ask ``path`` without credentials; return its Digest challenge."""
    return digest_challenge(client.get(path))


def send(client: Client, header: str, path: str = "/who",
         method: str = "GET") -> Answer:
    """Send ``header``, in UTF-8, as the Authorization of a request."""
    return client.open(method, path,
                       headers={"Authorization": on_the_wire(client, header)})


def digest_login(client: Client, user: str = "calvin",
                 password: str | None = None, path: str = "/who",
                 **options: Any) -> Answer:
    """The two steps of a digest login on ``path``."""
    challenge = first_challenge(client, path)
    dc = DigestClient(user, USERS[user] if password is None else password,
                      **options)
    return send(client, dc.authorization(challenge, "GET", path), path)


def assert_fresh_challenge(answer: Answer, used_nonce: str,
                           stale: bool = False) -> None:
    """A 401 with a new Digest challenge, ``stale=true`` only if told."""
    assert answer.headers["Content-Type"].startswith("text/plain"), answer
    challenge = digest_challenge(answer)
    assert challenge["nonce"] != used_nonce
    assert (challenge.get("stale", "false").lower() == "true") is stale


def minted_challenge(age: float, algorithm: str = "MD5",
                     secret: str = SECRET) -> dict[str, str]:
    """A challenge whose nonce was issued ``age`` seconds ago by a server
    holding ``secret`` (a server-side scheme with an injected clock)."""
    guard = Guard.from_mapping({"FSA_TOKEN_SECRET": secret}, "test")
    then = time.time() - age
    scheme = DigestScheme(realm=REALM, secret=guard.digest_secret,
                          algorithm=algorithm, clock=lambda: then)
    return parse_challenge(scheme.challenge())


# --- digest: logins --------------------------------------------------------

ALGORITHM_CASES = [
    pytest.param({}, "MD5", id="md5-default"),
    pytest.param({"algorithm": "SHA-256"}, "SHA-256", id="sha256"),
    pytest.param({"algorithm": "SHA-256-sess"}, "SHA-256-sess",
                 id="sha256-sess"),
]


@pytest.mark.parametrize("auth", ["digest", "http-digest"])
@pytest.mark.parametrize(("opts", "algorithm"), ALGORITHM_CASES)
@pytest.mark.parametrize("ha1", [False, True], ids=["plain", "ha1"])
def test_digest_login(backend: Backend, auth: str, opts: dict[str, Any],
                      algorithm: str, ha1: bool) -> None:
    users = USERS
    if ha1:
        users = {u: stored_ha1(u, p, algorithm) for u, p in USERS.items()}
        opts = {**opts, "use_ha1_pw": True}
    client = backend.client(make_app(backend, auth, users,
                                     FSA_HTTP_AUTH_OPTS=opts))
    challenge = first_challenge(client)
    assert challenge["algorithm"] == algorithm
    assert challenge["realm"] == REALM
    assert "auth" in [q.strip() for q in challenge["qop"].split(",")]
    header = DigestClient("calvin", "hobbes").authorization(
        challenge, "GET", "/who")
    r = send(client, header)
    assert r.status == 200 and r.text == "calvin", r


def test_digest_challenge_uses_realm_and_fresh_nonces(backend: Backend
                                                      ) -> None:
    client = backend.client(make_app(backend, FSA_REALM="Back Office"))
    first, second = first_challenge(client), first_challenge(client)
    assert first["realm"] == "Back Office"
    # RFC 7616 3.3: UTF-8 is announced for user names and passwords
    assert first["charset"].upper() == "UTF-8"
    assert first["nonce"] != second["nonce"]
    assert first["opaque"] == second["opaque"]
    header = DigestClient("susie", "derkins").authorization(
        second, "GET", "/who")
    r = send(client, header)
    assert r.status == 200 and r.text == "susie"


def test_digest_realm_with_quotes_and_backslash(backend: Backend) -> None:
    realm = 'Say "hi" \\ there'
    client = backend.client(make_app(backend, FSA_REALM=realm))
    challenge = first_challenge(client)
    assert challenge["realm"] == realm
    r = send(client, DigestClient("calvin", "hobbes").authorization(
        challenge, "GET", "/who"))
    assert r.status == 200 and r.text == "calvin"


@pytest.mark.parametrize("mode", ["always", "all"])
def test_digest_in_before_request_modes(backend: Backend, mode: str
                                        ) -> None:
    client = backend.client(make_app(backend, FSA_MODE=mode))
    r = digest_login(client, "susie")
    assert r.status == 200 and r.text == "susie"


def test_digest_needs_no_password_hashing(backend: Backend) -> None:
    # FSA_PASSWORD_SCHEME keeps its default (bcrypt): digest compares
    # the stored plaintext itself
    app = make_app(backend)
    del app.config["FSA_PASSWORD_SCHEME"], app.config["FSA_PASSWORD_OPTIONS"]
    r = digest_login(backend.client(app))
    assert r.status == 200 and r.text == "calvin"


@pytest.mark.parametrize("segment", ["a%20b", "caf%C3%A9"],
                         ids=["space", "utf8"])
def test_digest_percent_encoded_path(backend: Backend, segment: str
                                     ) -> None:
    app = make_app(backend)

    @app.get("/item/<name>", authorize="ALL")
    async def item(name: str) -> str:
        return name + " " + await aw(app.get_user())

    path = "/item/" + segment
    r = digest_login(backend.client(app), path=path)
    assert r.status == 200, r
    assert r.text.endswith(" calvin") and "%" not in r.text


def test_digest_ha1_option_with_plain_stored_password_is_500(
        backend: Backend, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="fsa_common")
    # use_ha1_pw, but the hook answers plaintext: the app's mistake
    client = backend.client(make_app(
        backend, FSA_HTTP_AUTH_OPTS={"use_ha1_pw": True}))
    r = digest_login(client)
    assert r.status == 500 and r.text == "internal error"
    assert r.headers["Content-Type"].startswith("text/plain")
    assert "HA1" in caplog.text


def test_digest_single_scheme_accepts_tokens_too(backend: Backend) -> None:
    client = backend.client(make_app(backend, "digest"))
    r = client.get("/who")
    words = sorted(v.split()[0] for v in
                   r.headers.getlist("WWW-Authenticate"))
    assert r.status == 401 and words == ["Bearer", "Digest"]
    token = digest_login(client, path="/login").text
    r = client.get("/who", headers=bearer(token))
    assert r.status == 200 and r.text == "calvin"


def test_digest_uri_with_query_string(backend: Backend) -> None:
    client = backend.client(make_app(backend))
    path = "/who?a=1&b=x%20y"
    challenge = first_challenge(client, path)
    header = DigestClient("calvin", "hobbes").authorization(
        challenge, "GET", path)
    r = send(client, header, path)
    assert r.status == 200 and r.text == "calvin 1 x y", r


@pytest.mark.parametrize(("signed", "sent"), [
    pytest.param("/who?a=1", "/who?a=2", id="other-query"),
    pytest.param("/other", "/who", id="other-path"),
])
def test_digest_uri_must_name_the_request(backend: Backend, signed: str,
                                          sent: str) -> None:
    client = backend.client(make_app(backend))
    challenge = first_challenge(client)
    header = DigestClient("calvin", "hobbes").authorization(
        challenge, "GET", signed)
    r = send(client, header, sent)
    assert r.status == 401
    assert_fresh_challenge(r, challenge["nonce"])


def test_digest_method_enters_the_response(backend: Backend) -> None:
    client = backend.client(make_app(backend))
    dc = DigestClient("calvin", "hobbes")
    r = send(client, dc.authorization(first_challenge(client), "POST",
                                      "/who"), method="POST")
    assert r.status == 200 and r.text == "calvin"
    # signed for GET, sent as POST
    challenge = first_challenge(client)
    r = send(client, dc.authorization(challenge, "GET", "/who"),
             method="POST")
    assert r.status == 401
    assert_fresh_challenge(r, challenge["nonce"])


@pytest.mark.parametrize("user", ["Jäsøn Doe", "日本語"],
                         ids=["latin", "cjk"])
@pytest.mark.parametrize("star", [False, True],
                         ids=["utf8-quoted", "username-star"])
def test_digest_utf8_user_name(backend: Backend, user: str,
                               star: bool) -> None:
    client = backend.client(make_app(backend))
    r = digest_login(client, user, star=star)
    assert r.status == 200 and r.text == user, r


@pytest.mark.parametrize(("user", "password"), [
    pytest.param("calvin", "wrong", id="wrong-password"),
    pytest.param("nobody", "hobbes", id="unknown-user"),
    pytest.param("nobody", "", id="unknown-user-empty-password"),
    pytest.param("calvin", "", id="empty-password"),
])
def test_digest_bad_credentials(backend: Backend, user: str,
                                password: str) -> None:
    client = backend.client(make_app(backend))
    challenge = first_challenge(client)
    header = DigestClient(user, password).authorization(
        challenge, "GET", "/who")
    r = send(client, header)
    assert r.status == 401, r
    assert_fresh_challenge(r, challenge["nonce"])
    # a fresh challenge is usable at once
    header = DigestClient("calvin", "hobbes").authorization(
        digest_challenge(r), "GET", "/who")
    assert send(client, header).status == 200


@pytest.mark.parametrize("digit", ["0", "f"])
def test_digest_unknown_user_with_guessable_ha1_is_refused(
        backend: Backend, digit: str) -> None:
    users = {u: stored_ha1(u, p) for u, p in USERS.items()}
    client = backend.client(make_app(
        backend, users=users, FSA_HTTP_AUTH_OPTS={"use_ha1_pw": True}))
    challenge = first_challenge(client)
    header = DigestClient("nobody", "", ha1=digit * 32).authorization(
        challenge, "GET", "/who")
    r = send(client, header)
    assert r.status == 401, r
    assert_fresh_challenge(r, challenge["nonce"])


def test_digest_unknown_user_reads_like_wrong_password(backend: Backend
                                                       ) -> None:
    client = backend.client(make_app(backend))
    texts = {digest_login(client, user, "bad").text
             for user in ("calvin", "nobody")}
    assert len(texts) == 1


# --- digest: nonce counts, replay, staleness -------------------------------


def test_digest_replayed_request_is_refused(backend: Backend) -> None:
    client = backend.client(make_app(backend))
    challenge = first_challenge(client)
    header = DigestClient("calvin", "hobbes").authorization(
        challenge, "GET", "/who")
    assert send(client, header).status == 200
    r = send(client, header)
    assert r.status == 401, r
    assert_fresh_challenge(r, challenge["nonce"])


def test_digest_increasing_nonce_count_is_accepted(backend: Backend
                                                   ) -> None:
    client = backend.client(make_app(backend))
    challenge = first_challenge(client)
    dc = DigestClient("calvin", "hobbes")
    for nc in (1, 2, 3, 7, 0x10):
        r = send(client, dc.authorization(challenge, "GET", "/who", nc))
        assert r.status == 200, (nc, r)
    # going back, even with a new client nonce, is a replay
    r = send(client, dc.authorization(challenge, "GET", "/who", 8))
    assert r.status == 401


def test_digest_stale_nonce(backend: Backend) -> None:
    client = backend.client(make_app(backend))
    old = minted_challenge(age=3600)
    dc = DigestClient("calvin", "hobbes")
    r = send(client, dc.authorization(old, "GET", "/who"))
    assert r.status == 401, r
    assert_fresh_challenge(r, old["nonce"], stale=True)
    # RFC 7616 3.3: the client retries with the new nonce, same password
    r = send(client, dc.authorization(digest_challenge(r), "GET", "/who"))
    assert r.status == 200 and r.text == "calvin"


def test_digest_stale_nonce_with_wrong_password_is_not_stale(
        backend: Backend) -> None:
    client = backend.client(make_app(backend))
    old = minted_challenge(age=3600)
    r = send(client, DigestClient("calvin", "bad").authorization(
        old, "GET", "/who"))
    assert_fresh_challenge(r, old["nonce"], stale=False)


@pytest.mark.parametrize(("opts", "stale"), [
    pytest.param({}, False, id="default-delay"),
    pytest.param({"nonce_delay": 5}, True, id="nonce-delay-5s"),
    pytest.param({"nonce_delay": 60}, False, id="nonce-delay-60s"),
])
def test_digest_nonce_delay_option(backend: Backend, opts: dict[str, Any],
                                   stale: bool) -> None:
    client = backend.client(make_app(backend, FSA_HTTP_AUTH_OPTS=opts))
    old = minted_challenge(age=30)
    r = send(client, DigestClient("calvin", "hobbes").authorization(
        old, "GET", "/who"))
    if stale:
        assert_fresh_challenge(r, old["nonce"], stale=True)
    else:
        assert r.status == 200 and r.text == "calvin", r


def test_digest_nonce_of_another_server_is_refused(backend: Backend
                                                   ) -> None:
    ours = backend.client(make_app(backend))
    theirs = backend.client(make_app(backend, FSA_TOKEN_SECRET=OTHER_SECRET))
    challenge = first_challenge(ours)
    foreign = first_challenge(theirs)
    # their nonce, our opaque: only the nonce is foreign
    mixed = {**challenge, "nonce": foreign["nonce"]}
    r = send(ours, DigestClient("calvin", "hobbes").authorization(
        mixed, "GET", "/who"))
    assert r.status == 401, r
    assert_fresh_challenge(r, foreign["nonce"], stale=False)
    # and the foreign server's own challenge works there
    r = send(theirs, DigestClient("calvin", "hobbes").authorization(
        foreign, "GET", "/who"))
    assert r.status == 200


def test_digest_minted_nonce_of_another_secret_is_refused(backend: Backend
                                                          ) -> None:
    client = backend.client(make_app(backend))
    good = first_challenge(client)
    forged = {**good, "nonce": minted_challenge(0, secret=OTHER_SECRET)[
        "nonce"]}
    r = send(client, DigestClient("calvin", "hobbes").authorization(
        forged, "GET", "/who"))
    assert_fresh_challenge(r, forged["nonce"], stale=False)


# --- digest: malformed headers ---------------------------------------------


def _valid(challenge: dict[str, str]) -> str:
    return DigestClient("calvin", "hobbes").authorization(
        challenge, "GET", "/who", cnonce="0a4f113b")


def _replace(name: str, value: str) -> Any:
    """Set parameter ``name`` to the raw text ``value``."""
    pattern = re.compile(rf'(?<![\w*]){name}=("[^"]*"|[^,]*)')

    def change(challenge: dict[str, str]) -> str:
        header, count = pattern.subn(f"{name}={value}", _valid(challenge))
        assert count == 1, header
        return header

    return change


def _drop(name: str) -> Any:
    """Remove parameter ``name``."""
    pattern = re.compile(rf'(, )?(?<![\w*]){name}=("[^"]*"|[^,]*)')

    def change(challenge: dict[str, str]) -> str:
        header, count = pattern.subn("", _valid(challenge), count=1)
        assert count == 1, header
        return header.replace("Digest , ", "Digest ")

    return change


def _const(value: str) -> Any:
    return lambda challenge: value


MALFORMED: dict[str, Any] = {
    "word-only": _const("Digest"),
    "word-and-space": _const("Digest "),
    "garbage": _const("Digest !!!@@@###"),
    "no-equals": _const('Digest username "calvin"'),
    "unterminated-quote": lambda c: _valid(c) + ', extra="oops',
    "duplicate-param": lambda c: _valid(c) + ', nc=00000002',
    "missing-response": _drop("response"),
    "missing-nonce": _drop("nonce"),
    "missing-uri": _drop("uri"),
    "missing-cnonce": _drop("cnonce"),
    "missing-username": _drop("username"),
    "missing-qop": _drop("qop"),
    "empty-username": _replace("username", '""'),
    "qop-auth-int": _replace("qop", "auth-int"),
    "qop-unknown": _replace("qop", "fancy"),
    "algorithm-unknown": _replace("algorithm", "SHA-1"),
    "algorithm-other": _replace("algorithm", "SHA-256"),
    "nc-not-hex": _replace("nc", "0000000z"),
    "nc-too-long": _replace("nc", "000000001"),
    "nc-zero": _replace("nc", "00000000"),
    "response-short": _replace("response", '"abc123"'),
    "response-not-hex": _replace("response", '"' + "z" * 32 + '"'),
    "nonce-not-base64": _replace("nonce", '"' + "!" * 48 + '"'),
    "nonce-short": _replace("nonce", '"AAAA"'),
    "nonce-zeros": _replace("nonce", '"' + "A" * 48 + '"'),
    "realm-other": _replace("realm", '"elsewhere"'),
    "opaque-other": _replace("opaque", '"not-ours"'),
    "userhash-true": lambda c: _valid(c) + ", userhash=true",
    "both-username-forms": lambda c: _valid(c) +
    ", username*=UTF-8''calvin",
    "username-star-bad-escape": lambda c: _drop("username")(c) +
    ", username*=UTF-8''%ZZ",
    "username-star-bad-utf8": lambda c: _drop("username")(c) +
    ", username*=UTF-8''%C3%28",
    "control-character": lambda c: _valid(c).replace(
        'realm="test"', 'realm="te\x01st"'),
    "latin1-junk": lambda c: _valid(c).replace(
        'username="calvin"', 'username="\xe9\xff\xfe"'),
    "huge": lambda c: _valid(c) + ", x=" + '"' + "a" * 20000 + '"',
    "many-params": lambda c: _valid(c) + "".join(
        f", p{i}=v" for i in range(100)),
    "trailing-junk": lambda c: _valid(c) + " junk",
}


@pytest.mark.parametrize("make", list(MALFORMED.values()),
                         ids=list(MALFORMED))
def test_digest_malformed_header_is_401(backend: Backend, make: Any
                                        ) -> None:
    app = make_app(backend)
    client = backend.client(app)
    challenge = first_challenge(client)
    r = send(client, make(challenge))
    assert r.status == 401, r
    assert r.headers["Content-Type"].startswith("text/plain")
    assert "Traceback" not in r.text
    assert digest_challenge(r)["nonce"] != challenge["nonce"]
    # the server is still fine afterwards
    assert send(client, _valid(first_challenge(client))).status == 200


def test_digest_valid_header_of_the_malformed_table(backend: Backend
                                                    ) -> None:
    # the table's starting point is a good header, so each case tests
    # only its own change
    client = backend.client(make_app(backend))
    r = send(client, _valid(first_challenge(client)))
    assert r.status == 200 and r.text == "calvin"


# --- http-basic (RFC 7617) -------------------------------------------------


def _basic_challenges(answer: Answer) -> list[str]:
    return [v for v in answer.headers.getlist("WWW-Authenticate")
            if v.lower().startswith("basic ")]


def assert_basic_401(answer: Answer, realm: str) -> None:
    """A text/plain 401 carrying a Basic challenge for ``realm``."""
    assert answer.status == 401, answer
    assert answer.headers["Content-Type"].startswith("text/plain")
    challenges = _basic_challenges(answer)
    assert len(challenges) == 1, answer.headers
    assert challenges[0].startswith(f"Basic realm={quoted(realm)}")
    assert 'charset="UTF-8"' in challenges[0]


@pytest.mark.parametrize("user", list(USERS),
                         ids=["ascii", "ascii-2", "latin", "cjk"])
def test_http_basic_login(backend: Backend, user: str) -> None:
    client = backend.client(make_app(backend, "http-basic"))
    r = client.get("/who", headers=basic(user, USERS[user]))
    assert r.status == 200 and r.text == user


@pytest.mark.parametrize(("config", "realm"), [
    pytest.param({}, "test", id="default"),
    pytest.param({"FSA_REALM": "Back Office"}, "Back Office", id="realm"),
])
def test_http_basic_challenge_realm(backend: Backend,
                                    config: dict[str, Any],
                                    realm: str) -> None:
    client = backend.client(make_app(backend, "http-basic", **config))
    assert_basic_401(client.get("/who"), realm)
    r = client.get("/who", headers=basic("calvin", "nope"))
    assert_basic_401(r, realm)
    assert r.text == LOGIN_FAILED
    r = client.get("/who", headers=basic("nobody", "hobbes"))
    assert_basic_401(r, realm)
    assert r.text == LOGIN_FAILED


def _raw(payload: bytes, word: str = "Basic") -> str:
    return f"{word} {base64.b64encode(payload).decode()}"


MALFORMED_BASIC = {
    "bad-base64": "Basic %%%not-base64%%%",
    "bad-base64-padding": "Basic Y2FsdmluOmhvYmJlcw",
    "no-colon": _raw(b"calvinhobbes"),
    "empty-user": _raw(b":hobbes"),
    "not-utf8": _raw(b"calvin:\xff\xfe"),
    "empty-credentials": "Basic ",
    "word-only": "Basic",
    "wrong-word": _raw(b"calvin:hobbes", "Basik"),
    "other-scheme": "Negotiate abcdef",
    "empty": "",
    "blank": "   ",
    "spaces-inside": "Basic Y2Fs dmlu OmhvYmJlcw==",
}


@pytest.mark.parametrize("value", list(MALFORMED_BASIC.values()),
                         ids=list(MALFORMED_BASIC))
def test_http_basic_malformed_header_is_401(backend: Backend,
                                            value: str) -> None:
    client = backend.client(make_app(backend, "http-basic",
                                     FSA_REALM="Zone"))
    r = client.get("/who", headers={"Authorization": value})
    assert_basic_401(r, "Zone")
    assert "Traceback" not in r.text


# --- http-token ------------------------------------------------------------


def test_http_token_bearer(backend: Backend) -> None:
    client = backend.client(make_app(backend, "http-token"))
    token = client.get("/token/calvin").text
    r = client.get("/who", headers=bearer(token))
    assert r.status == 200 and r.text == "calvin"
    r = client.get("/who")
    assert r.status == 401
    assert r.headers.getlist("WWW-Authenticate") == [
        f"Bearer realm={quoted(REALM)}"]
    r = client.get("/who", headers=bearer(token + "0"))
    assert r.status == 401
    # http-token is alone: no password scheme is tried
    assert client.get("/who", headers=basic("calvin", "hobbes")).status \
        == 401


def test_http_token_header_carrier(backend: Backend) -> None:
    client = backend.client(make_app(
        backend, "http-token", FSA_HTTP_AUTH_OPTS={"header": "X-Token"}))
    token = client.get("/token/susie").text
    r = client.get("/who", headers={"X-Token": token})
    assert r.status == 200 and r.text == "susie"
    # header names are case-insensitive
    r = client.get("/who", headers={"x-token": token})
    assert r.status == 200 and r.text == "susie"
    assert client.get("/who", headers=bearer(token)).status == 401
    assert client.get("/who", headers={"X-Token": "bad"}).status == 401
    assert client.get("/who").status == 401


# --- only one http-* scheme at a time -------------------------------------


@pytest.mark.parametrize("auth", [
    pytest.param(["http-basic", "http-digest"], id="basic+digest"),
    pytest.param(["http-basic", "http-token"], id="basic+token"),
    pytest.param(["digest", "http-token"], id="digest+token"),
    pytest.param(["token", "http-digest", "http-basic"],
                 id="token+digest+basic"),
])
def test_two_http_schemes_are_a_config_error(
        backend: Backend, auth: list[str],
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="fsa_common")
    client = backend.client(make_app(backend, auth))
    r = client.get("/token/calvin")
    assert r.status == 500, r
    assert r.headers["Content-Type"].startswith("text/plain")
    assert r.text == "internal error"
    errors = [rec.getMessage() for rec in caplog.records
              if rec.levelno >= logging.ERROR]
    assert any("ConfigError" in m and "FSA_AUTH" in m and "only one" in m
               for m in errors), errors


@pytest.mark.parametrize("auth", [
    pytest.param(["digest", "http-digest"], id="digest-twice"),
    pytest.param(["token", "http-digest", "param"], id="with-others"),
])
def test_digest_aliases_and_other_schemes_combine(backend: Backend,
                                                  auth: list[str]) -> None:
    client = backend.client(make_app(backend, auth))
    r = digest_login(client)
    assert r.status == 200 and r.text == "calvin"
