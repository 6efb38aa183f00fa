"""HTTP Digest authentication, server side (RFC 7616).

Invariants:

- Nonces are stateless.  A nonce is the unpadded base64url encoding of
  ``issued (8 bytes) | random (12 bytes) | mac (16 bytes)``, 48 characters,
  where ``issued`` is the issue time in integer milliseconds (big-endian)
  and ``mac`` the first 16 bytes of HMAC-SHA256 keyed with the server
  secret over the algorithm, the realm, ``issued`` and ``random``.  Any
  process holding the same secret accepts the nonces of the others; no
  session store is involved.
- A nonce whose MAC does not verify is a bad credential (401).
- A nonce is *stale* when it verifies and the response matches the
  password, but it was issued more than ``nonce_delay`` seconds ago.  The
  client then gets a fresh challenge with ``stale=true`` and may retry
  without asking the user again (RFC 7616 §3.3).  A wrong response with an
  old nonce is reported as wrong credentials, not as stale.
- Replay: within one process, a nonce is accepted only with a nonce count
  (``nc``) strictly greater than the highest one already accepted for it
  (RFC 7616 §3.4 and §5.5).  The table of counts is bounded; when an entry
  is dropped to make room, every nonce issued at or before the dropped one
  becomes stale unless it is still in the table, so that forgetting a
  nonce never re-opens it to replay.  Counts are only recorded after a
  successful check, so forged requests cannot fill the table.  Processes do
  not share counts, so a request replayed to another process sharing the
  secret is accepted until the nonce gets stale.

Only ``qop=auth`` is supported: ``auth-int`` would need the body, and the
RFC 2069 mode without ``qop`` has no client nonce.  ``userhash`` is not
offered in the challenge and credentials using it are refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, unquote_to_bytes

from .errors import BadAuthError, ConfigError, HookError, NoAuthError

log = logging.getLogger("fsa_common")

__all__ = [
    "ALGORITHMS",
    "DigestCredentials",
    "DigestScheme",
    "StaleNonceError",
    "ha1",
    "parse_credentials",
    "quote_string",
    "response_digest",
]

# Algorithm names of RFC 7616 §3.3, without "-sess", mapped to hashlib
# names.  SHA-512-256 is left out: not every OpenSSL build provides it.
_HASHES: dict[str, str] = {"MD5": "md5", "SHA-256": "sha256"}

ALGORITHMS: tuple[str, ...] = ("MD5", "MD5-sess", "SHA-256", "SHA-256-sess")
"""Supported ``algorithm`` values, in their canonical spelling."""

_CANONICAL: dict[str, str] = {name.lower(): name for name in ALGORITHMS}

# Nonce layout, see the module docstring.
_NONCE_TIME = 8
_NONCE_RANDOM = 12
_NONCE_MAC = 16
_NONCE_CHARS = 4 * (_NONCE_TIME + _NONCE_RANDOM + _NONCE_MAC) // 3
_NONCE_RE = re.compile(f"[A-Za-z0-9_-]{{{_NONCE_CHARS}}}")

# Limits on untrusted input: a header or a value above them is garbage.
_MAX_HEADER = 8192
_MAX_PARAMS = 20
_MAX_CNONCE = 256

# RFC 9110 §5.6.2 token, §5.6.4 quoted-string and quoted-pair, §5.6.3 OWS.
# obs-text is widened to any character that UTF-8 can encode, since the
# values enter the hashes as UTF-8: lone surrogates are left out.
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_OBS_TEXT = r"\x80-\ud7ff\ue000-\U0010ffff"
_QUOTED = (rf'"(?:[\t \x21\x23-\x5b\x5d-\x7e{_OBS_TEXT}]'
           rf'|\\[\t \x21-\x7e{_OBS_TEXT}])*"')
_PARAM_RE = re.compile(
    rf"[ \t]*({_TOKEN})[ \t]*=[ \t]*({_TOKEN}|{_QUOTED})[ \t]*")
_LIST_SEP_RE = re.compile(r"[ \t]*(?:,[ \t]*)*")
_SCHEME_RE = re.compile(rf"[ \t]*({_TOKEN})(?:[ \t]+|$)")
_UNESCAPE_RE = re.compile(r"\\(.)")
_NC_RE = re.compile(r"[0-9A-Fa-f]{8}")
_HEX_RE = re.compile(r"[0-9a-f]+")

# RFC 8187 §3.2.1 ext-value, the successor of RFC 5987 named in RFC 7616.
_EXT_VALUE_RE = re.compile(
    r"(?i:utf-8)'[A-Za-z0-9-]*'((?:[A-Za-z0-9!#$&+.^_`|~-]|%[0-9A-Fa-f]{2})*)")

_REQUIRED = ("realm", "nonce", "uri", "response", "qop", "nc", "cnonce")


class StaleNonceError(BadAuthError):
    """The digest nonce is genuine and the response right, but old (401).

    Its ``headers`` carry a fresh challenge with ``stale=true`` so that the
    client can retry without asking the user again (RFC 7616 §3.3).
    """


@dataclass(frozen=True)
class DigestCredentials:
    """The parsed parameters of a ``Digest`` ``Authorization`` header.

    Values are unquoted; ``username`` is decoded from ``username*`` when
    the client sent that form (RFC 7616 §3.4, RFC 8187).  ``algorithm`` is
    in the canonical spelling of :data:`ALGORITHMS` and ``response`` in
    lower case; everything else is kept as sent, since it enters the
    hashes.
    """

    username: str
    realm: str
    nonce: str
    uri: str
    response: str
    algorithm: str
    qop: str
    nc: str
    cnonce: str
    opaque: str | None = None

    @property
    def count(self) -> int:
        """Return the nonce count ``nc`` as an integer."""
        return int(self.nc, 16)


def _hash(algorithm: str, text: str) -> str:
    """Return the lower-case hex digest of ``text`` in UTF-8.

    :raises ConfigError: the algorithm is not one of :data:`ALGORITHMS`.
    """
    base = _canonical_algorithm(algorithm).removesuffix("-sess")
    return hashlib.new(_HASHES[base], text.encode("utf-8")).hexdigest()


def _hex_size(algorithm: str) -> int:
    """Return the length of a hex digest for a canonical algorithm name."""
    base = algorithm.removesuffix("-sess")
    return 2 * hashlib.new(_HASHES[base]).digest_size


def _canonical_algorithm(algorithm: str) -> str:
    """Return the canonical spelling of a digest algorithm name.

    :raises ConfigError: the algorithm is not one of :data:`ALGORITHMS`.
    """
    canonical = _CANONICAL.get(algorithm.lower())
    if canonical is None:
        raise ConfigError(f"unknown digest algorithm: {algorithm!r}")
    return canonical


def ha1(username: str, realm: str, password: str,
        algorithm: str = "MD5") -> str:
    """Return ``H(username:realm:password)`` as lower-case hex.

    This is the value to store for ``use_ha1_pw``.  For the ``-sess``
    algorithms the stored value is the same as without ``-sess``: the
    session part depends on the nonces and is added per request
    (RFC 7616 §3.4.2).

    :raises ConfigError: the algorithm is not one of :data:`ALGORITHMS`.
    """
    return _hash(algorithm, f"{username}:{realm}:{password}")


def response_digest(
    *,
    algorithm: str,
    ha1: str,
    nonce: str,
    nc: str,
    cnonce: str,
    qop: str,
    method: str,
    uri: str,
) -> str:
    """Return the expected ``response`` value, lower-case hex.

    ``ha1`` is ``H(username:realm:password)`` in hex, as :func:`ha1`
    returns it.  With ``qop=auth`` (RFC 7616 §3.4.1)::

        response = KD(H(A1), nonce:nc:cnonce:qop:H(A2))
        KD(secret, data) = H(secret:data)
        A2 = method:uri

    and for the ``-sess`` algorithms ``H(A1)`` is
    ``H(ha1:nonce:cnonce)`` (RFC 7616 §3.4.2).  No nonce is verified here.

    :raises ConfigError: the algorithm is not one of :data:`ALGORITHMS`.
    """
    secret = ha1.lower()
    if _canonical_algorithm(algorithm).endswith("-sess"):
        secret = _hash(algorithm, f"{secret}:{nonce}:{cnonce}")

    ha2 = _hash(algorithm, f"{method}:{uri}")
    data = f"{nonce}:{nc}:{cnonce}:{qop}:{ha2}"
    return _hash(algorithm, f"{secret}:{data}")


def quote_string(value: str) -> str:
    """Return ``value`` as an RFC 9110 §5.6.4 quoted-string."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped + '"'


def _unquote(value: str) -> str:
    """Return a token unchanged, or the content of a quoted-string."""
    if value.startswith('"'):
        return _UNESCAPE_RE.sub(r"\1", value[1:-1])
    return value


def _redecode(value: str) -> str:
    """Return ``value`` re-decoded as UTF-8 when it looks mis-decoded.

    Servers following PEP 3333 hand header bytes over decoded as
    ISO-8859-1; RFC 7616 §4 has clients send UTF-8 when the challenge says
    ``charset=UTF-8``.  A value whose characters all fit in one byte and
    whose bytes are valid UTF-8 is decoded again; anything else is kept.
    """
    if value.isascii():
        return value

    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _skip_separators(text: str, pos: int) -> int:
    """Return the position after the commas and blanks at ``pos``."""
    match = _LIST_SEP_RE.match(text, pos)
    return match.end() if match else pos


def _split_params(text: str) -> dict[str, str] | None:
    """Return the auth-params of ``text`` by lower-case name, or None.

    The list syntax is RFC 9110 §11.2 / RFC 7235 §2.1: comma-separated
    ``name=token`` or ``name="quoted"``, empty elements allowed.  A
    duplicate name, or anything that does not fit, gives None.
    """
    params: dict[str, str] = {}
    pos = _skip_separators(text, 0)
    while pos < len(text):
        match = _PARAM_RE.match(text, pos)
        if match is None or len(params) >= _MAX_PARAMS:
            return None

        name = match.group(1).lower()
        if name in params:
            return None

        params[name] = _unquote(match.group(2))
        pos = match.end()
        if pos < len(text) and text[pos] != ",":
            return None

        pos = _skip_separators(text, pos)

    return params


def _decode_ext_value(value: str) -> str | None:
    """Return the text of an RFC 8187 UTF-8 ext-value, or None."""
    match = _EXT_VALUE_RE.fullmatch(value)
    if match is None:
        return None

    try:
        return unquote_to_bytes(match.group(1)).decode("utf-8")
    except UnicodeError:
        return None


def _username(params: dict[str, str]) -> str | None:
    """Return the username from ``username`` or ``username*``, or None.

    RFC 7616 §3.4: exactly one of the two forms is present.
    """
    plain = params.get("username")
    extended = params.get("username*")
    if extended is None:
        return plain or None
    if plain is not None:
        return None
    return _decode_ext_value(extended) or None


def _credentials(params: dict[str, str]) -> DigestCredentials | None:
    """Return credentials from parsed auth-params, or None if invalid."""
    username = _username(params)
    algorithm = _CANONICAL.get(params.get("algorithm", "MD5").lower())
    if username is None or algorithm is None:
        return None
    if not _acceptable(params, algorithm):
        return None

    return DigestCredentials(
        username=username, realm=params["realm"], nonce=params["nonce"],
        uri=params["uri"], response=params["response"].lower(),
        algorithm=algorithm, qop=params["qop"], nc=params["nc"],
        cnonce=params["cnonce"], opaque=params.get("opaque"))


def _acceptable(params: dict[str, str], algorithm: str) -> bool:
    """Tell whether the parameters other than the username are usable."""
    if any(not params.get(name) for name in _REQUIRED):
        return False
    # Only qop=auth is offered; userhash is never offered (RFC 7616 §3.3).
    if params["qop"] != "auth":
        return False
    if params.get("userhash", "false").lower() != "false":
        return False

    response = params["response"].lower()
    return (_NC_RE.fullmatch(params["nc"]) is not None
            and len(params["cnonce"]) <= _MAX_CNONCE
            and len(response) == _hex_size(algorithm)
            and _HEX_RE.fullmatch(response) is not None)


def parse_credentials(header_value: str) -> DigestCredentials | None:
    """Return the credentials of a ``Digest`` ``Authorization`` value.

    The scheme name matches case-insensitively (RFC 7235 §2.1).  Returns
    None, without raising, for anything else: another scheme, bad syntax,
    a missing or duplicated parameter, a ``qop`` other than ``auth``, an
    unknown algorithm, an ``nc`` that is not 8 hex digits, a ``response``
    of the wrong size, or a value above the length limits.  Whether the
    credentials are right is :meth:`DigestScheme.check`'s business.
    """
    if not isinstance(header_value, str) or len(header_value) > _MAX_HEADER:
        return None

    match = _SCHEME_RE.match(header_value)
    if match is None or match.group(1).lower() != "digest":
        return None

    params = _split_params(_redecode(header_value[match.end():]))
    return _credentials(params) if params else None


def _percent_decoded(text: str) -> str | None:
    """Return ``text`` with %XX escapes decoded as UTF-8, or None."""
    try:
        return unquote(text, errors="strict")
    except UnicodeError:
        return None


def _uri_matches(uri: str, path: str, query: str) -> bool:
    """Tell whether the ``uri`` parameter names the request target.

    RFC 7616 §3.4.6 asks the server to check that ``uri`` designates the
    requested resource (and suggests 400 otherwise; we answer 401 as for
    any unusable credentials).  The path part must equal ``path``, raw or
    percent-decoded, since adapters may hold either form.  A ``uri``
    without a query is accepted, as some clients drop it; one with a query
    must carry the request's query.
    """
    uri_path, mark, uri_query = uri.partition("?")
    if uri_path != path and _percent_decoded(uri_path) != path:
        return False
    if not mark:
        return True
    if uri_query == query:
        return True

    decoded = _percent_decoded(uri_query)
    return decoded is not None and decoded == _percent_decoded(query)


def _check_realm(realm: object) -> str:
    """Return ``realm`` if it can appear in a header.

    :raises ConfigError: the realm is not a string or has control
        characters, which could split the header.
    """
    if not isinstance(realm, str) or not realm.isprintable():
        raise ConfigError(
            f"digest realm must be a printable string: {realm!r}")
    return realm


def _check_secret(secret: object) -> bytes:
    """Return ``secret`` if usable as the nonce key, warn if short.

    :raises ConfigError: the secret is not non-empty bytes.
    """
    if not isinstance(secret, bytes) or not secret:
        raise ConfigError("digest secret must be non-empty bytes")
    if len(secret) < 16:
        log.warning("digest secret is short (%d bytes), use 16 or more",
                    len(secret))
    return secret


class DigestScheme:
    """Server side of HTTP Digest authentication for one realm (RFC 7616).

    The adapter calls :meth:`challenge` to build a ``WWW-Authenticate``
    value, :meth:`parse` or :meth:`require` on the ``Authorization`` value,
    looks up the stored password of ``credentials.username`` and hands it
    to :meth:`check`.

    :param realm: the protection space, sent in every challenge.
    :param secret: key of the nonce MAC; processes sharing it accept each
        other's nonces.
    :param algorithm: one of :data:`ALGORITHMS`, case-insensitive.
    :param use_ha1_pw: the stored value is the hex ``H(user:realm:pass)``
        (see :func:`ha1`) instead of the plaintext password.
    :param nonce_delay: seconds after which a nonce is stale.
    :param clock: returns the current time in seconds.
    :param random_bytes: returns that many random bytes for nonces.
    :param max_nonces: how many nonces the replay table remembers.
    :raises ConfigError: unknown algorithm, non-printable realm, empty or
        non-bytes secret, non-positive delay or table size.
    """

    def __init__(
        self,
        realm: str,
        secret: bytes,
        algorithm: str = "MD5",
        use_ha1_pw: bool = False,
        nonce_delay: float = 300.0,
        clock: Callable[[], float] = time.time,
        *,
        random_bytes: Callable[[int], bytes] = secrets.token_bytes,
        max_nonces: int = 10000,
    ) -> None:
        self.realm = _check_realm(realm)
        self.algorithm = _canonical_algorithm(algorithm)
        self.use_ha1_pw = use_ha1_pw
        if not nonce_delay > 0 or not max_nonces >= 1:
            raise ConfigError("digest nonce_delay and max_nonces must be "
                              "positive")

        self.nonce_delay = nonce_delay
        self._secret = _check_secret(secret)
        self._clock = clock
        self._random_bytes = random_bytes
        self._max_nonces = max_nonces
        self._context = b"%s\0%s\0" % (self.algorithm.encode("ascii"),
                                       self.realm.encode("utf-8"))
        self._opaque = self._encode(self._mac(b"opaque\0")[:12])
        # nonce -> (issue time in ms, highest nc accepted); see the module
        # docstring for ``_forgotten``, the newest issue time dropped.
        self._counts: dict[str, tuple[int, int]] = {}
        self._forgotten = -1
        self._lock = threading.Lock()

    def challenge(self, stale: bool = False) -> str:
        """Return a ``WWW-Authenticate`` value with a fresh nonce.

        The parameters are those of RFC 7616 §3.3; ``charset=UTF-8`` tells
        clients to send non-ASCII usernames and passwords in UTF-8, and
        ``stale=true`` is added when asked.
        """
        parts = [
            "Digest realm=" + quote_string(self.realm),
            'qop="auth"',
            "algorithm=" + self.algorithm,
            "nonce=" + quote_string(self._make_nonce()),
            "opaque=" + quote_string(self._opaque),
            "charset=UTF-8",
        ]
        if stale:
            parts.append("stale=true")
        return ", ".join(parts)

    def parse(self, header_value: str) -> DigestCredentials | None:
        """Return the credentials of an ``Authorization`` value, or None.

        See :func:`parse_credentials`; never raises.
        """
        return parse_credentials(header_value)

    def require(self, header_value: str | None) -> DigestCredentials:
        """Return the credentials of an ``Authorization`` value.

        :raises NoAuthError: no value, or another scheme (401).
        :raises BadAuthError: a ``Digest`` value that does not parse (401).
        """
        creds = parse_credentials(header_value or "")
        if creds is not None:
            return creds

        match = _SCHEME_RE.match(header_value or "")
        if match is None or match.group(1).lower() != "digest":
            raise NoAuthError("missing digest credentials",
                              headers=self._challenge_headers())
        raise self._bad("malformed digest credentials")

    def check(
        self,
        creds: DigestCredentials,
        method: str,
        path: str,
        stored: str | None,
        query: str = "",
    ) -> None:
        """Verify credentials for a request; return None if they are right.

        :param creds: as returned by :meth:`parse`.
        :param method: the request method, e.g. ``GET``.
        :param path: the request path, raw or percent-decoded.
        :param stored: the password of ``creds.username``, or its hex HA1
            with ``use_ha1_pw``, or None when the user is unknown.
        :param query: the raw query string, without ``?``.
        :raises StaleNonceError: right response but old nonce, with a
            ``stale=true`` challenge (401).
        :raises BadAuthError: realm, algorithm, opaque or uri mismatch,
            forged or future nonce, nonce count not above the last one,
            and "invalid credentials" for both an unknown user and a wrong
            password (401).  All carry a fresh challenge.
        :raises HookError: with ``use_ha1_pw``, ``stored`` is not a hex
            digest of the algorithm's size (500).
        """
        self._check_parameters(creds, path, query)
        issued = self._nonce_issued(creds.nonce)
        if issued is None:
            raise self._bad("invalid digest nonce")

        expected = response_digest(
            algorithm=self.algorithm, ha1=self._stored_ha1(creds, stored),
            nonce=creds.nonce, nc=creds.nc, cnonce=creds.cnonce,
            qop=creds.qop, method=method, uri=creds.uri)
        right = hmac.compare_digest(expected, creds.response)
        if not right or stored is None:
            raise self._bad("invalid credentials")

        # Staleness is only reported for a right response (RFC 7616 §3.3).
        age = self._clock() - issued / 1000
        if age > self.nonce_delay:
            raise self._stale_error()
        if age < -self.nonce_delay:
            raise self._bad("invalid digest nonce")

        self._record_count(creds, issued)

    def _check_parameters(self, creds: DigestCredentials, path: str,
                          query: str) -> None:
        """Check what does not depend on the password.

        :raises BadAuthError: realm, algorithm, opaque or uri mismatch.
        """
        if creds.realm != self.realm:
            raise self._bad("digest realm mismatch")
        if creds.algorithm != self.algorithm:
            raise self._bad("digest algorithm mismatch")
        if creds.opaque is not None and creds.opaque != self._opaque:
            raise self._bad("digest opaque mismatch")
        if not _uri_matches(creds.uri, path, query):
            raise self._bad("digest uri mismatch")

    def _stored_ha1(self, creds: DigestCredentials, stored: str | None
                    ) -> str:
        """Return the hex HA1 to check against, a dummy for unknown users.

        The dummy costs the same hashing, so that an unknown user and a
        wrong password take about the same time.

        :raises HookError: a stored HA1 is not hex of the right size.
        """
        if not self.use_ha1_pw:
            return ha1(creds.username, self.realm, stored or "",
                       self.algorithm)

        size = _hex_size(self.algorithm)
        if stored is None:
            return "0" * size
        if len(stored) != size or _HEX_RE.fullmatch(stored.lower()) is None:
            raise HookError(
                f"stored digest HA1 is not a {self.algorithm} hex digest")
        return stored

    def _record_count(self, creds: DigestCredentials, issued: int) -> None:
        """Remember ``nc`` for the nonce, refusing a replay.

        :raises BadAuthError: ``nc`` is not above the last accepted one.
        :raises StaleNonceError: the nonce may have been forgotten.
        """
        with self._lock:
            seen = self._counts.get(creds.nonce)
            forgotten = seen is None and issued <= self._forgotten
            # Counts start at 1 (RFC 7616 §3.4), so 0 is never accepted.
            replayed = creds.count <= (seen[1] if seen else 0)
            if not forgotten and not replayed:
                self._remember(creds.nonce, issued, creds.count)

        if forgotten:
            raise self._stale_error()
        if replayed:
            raise self._bad("digest nonce count not increasing")

    def _remember(self, nonce: str, issued: int, count: int) -> None:
        """Store a count, dropping the oldest entry if the table is full.

        Called with the lock held.
        """
        full = len(self._counts) >= self._max_nonces
        if full and nonce not in self._counts:
            oldest = next(iter(self._counts))
            dropped, _ = self._counts.pop(oldest)
            self._forgotten = max(self._forgotten, dropped)
        self._counts[nonce] = (issued, count)

    def _make_nonce(self) -> str:
        """Return a new signed nonce, see the module docstring."""
        millis = int(self._clock() * 1000)
        issued = min(max(millis, 0), 2 ** 64 - 1).to_bytes(_NONCE_TIME, "big")
        payload = issued + self._random_bytes(_NONCE_RANDOM)
        return self._encode(payload + self._mac(b"nonce\0" + payload))

    def _nonce_issued(self, nonce: str) -> int | None:
        """Return the issue time in ms of a genuine nonce, else None."""
        if _NONCE_RE.fullmatch(nonce) is None:
            return None

        raw = base64.urlsafe_b64decode(nonce)
        payload, mac = raw[:-_NONCE_MAC], raw[-_NONCE_MAC:]
        if not hmac.compare_digest(mac, self._mac(b"nonce\0" + payload)):
            return None
        return int.from_bytes(payload[:_NONCE_TIME], "big")

    def _mac(self, message: bytes) -> bytes:
        """Return the truncated HMAC-SHA256 of ``message`` in our realm."""
        data = b"fsa-auth digest\0" + self._context + message
        mac = hmac.new(self._secret, data, hashlib.sha256).digest()
        return mac[:_NONCE_MAC]

    @staticmethod
    def _encode(raw: bytes) -> str:
        """Return unpadded base64url text for ``raw``."""
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    def _challenge_headers(self, stale: bool = False) -> list[tuple[str, str]]:
        """Return the headers of a 401 answer: one fresh challenge."""
        return [("WWW-Authenticate", self.challenge(stale=stale))]

    def _bad(self, message: str) -> BadAuthError:
        """Return a 401 error with a fresh challenge."""
        log.debug("digest authentication failed: %s", message)
        return BadAuthError(message, headers=self._challenge_headers())

    def _stale_error(self) -> StaleNonceError:
        """Return the 401 error for a stale nonce, ``stale=true``."""
        log.debug("digest authentication failed: stale nonce")
        return StaleNonceError("stale digest nonce",
                               headers=self._challenge_headers(stale=True))
