"""The request view helpers of the core."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from fsa_common import Headers, SimpleRequest
from fsa_common.request import (
    is_loopback,
    parse_plain_query,
    request_params,
)


def test_headers_ignore_case() -> None:
    headers = Headers({"Authorization": "Basic x"})
    assert headers.get("authorization") == "Basic x"
    assert headers["AUTHORIZATION"] == "Basic x"
    assert "aUtHoRiZaTiOn" in headers and "Other" not in headers


@pytest.mark.parametrize("query", [
    "", "a=1", "a=1&b=2", "a=1&a=2", "a", "a=", "a=1&&b=2", "=x",
    "a=1=2", "a=b&c", "&&", "x=0x2A&y=3.25&z=true",
])
def test_plain_query_reads_as_the_standard_parser(query: str) -> None:
    expected: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        expected.setdefault(name, value)
    assert parse_plain_query(query.encode()) == expected


@pytest.mark.parametrize("query", ["a=%20", "a=b+c", "caf\xe9=1"])
def test_queries_needing_decoding_go_to_the_host(query: str) -> None:
    assert parse_plain_query(query.encode("latin-1")) is None


def test_params_merge_query_form_and_json_later_wins() -> None:
    req = SimpleRequest(query={"a": "q", "b": "q"}, form={"b": "f"},
                        json={"c": 1})
    assert request_params(req) == {"a": "q", "b": "f", "c": 1}
    only = SimpleRequest(query={"a": "q"}, json=[1, 2])
    assert request_params(only) == {"a": "q"}


@pytest.mark.parametrize(("addr", "loopback"), [
    ("127.0.0.1", True), ("127.1.2.3", True), ("::1", True),
    ("::ffff:127.0.0.1", True), ("10.0.0.1", False), ("0.0.0.0", False),
    ("::ffff:10.0.0.1", False), ("localhost", False), ("", False),
    (None, False),
])
def test_loopback_addresses(addr: str | None, loopback: bool) -> None:
    assert is_loopback(addr) is loopback
