"""Typed parameters: casts, view signatures and request parameters.

The casts and the signature compiler are checked alone, then the
parameter flow of the core with hand-made requests, then the behaviour on
both backends, including garbage inputs that must never give a 500.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any, Optional

import pytest
from conftest import FAST_PASSWORDS, Backend, aw, basic

from fsa_common import (
    ANY,
    ConfigError,
    Guard,
    HookCall,
    NotFoundError,
    ParamError,
    RequestState,
    RouteSpec,
    SimpleRequest,
    path,
    run_sync,
    string,
)
from fsa_common.cache import MISSING
from fsa_common.params import (
    BUILTIN_CASTS,
    GLOBAL_CASTS,
    CastError,
    cast_any,
    cast_bool,
    cast_float,
    cast_int,
    cast_str,
    compile_params,
    find_cast,
    rule_names,
    type_name,
)

# --- casts, alone -------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    pytest.param("17", 17, id="decimal"),
    pytest.param("0x11", 17, id="hex"),
    pytest.param("0X11", 17, id="hex-upper"),
    pytest.param("0o21", 17, id="octal"),
    pytest.param("0b10001", 17, id="binary"),
    pytest.param("017", 17, id="leading-zero"),
    pytest.param("0", 0, id="zero"),
    pytest.param("00", 0, id="zeros"),
    pytest.param("-5", -5, id="negative"),
    pytest.param("-0x11", -17, id="negative-hex"),
    pytest.param("+3", 3, id="plus"),
    pytest.param(17, 17, id="json-int"),
    pytest.param(-2, -2, id="json-negative"),
])
def test_cast_int(value: Any, expected: int) -> None:
    result = cast_int(value)
    assert result == expected and type(result) is int


@pytest.mark.parametrize("value", [
    pytest.param("x", id="word"),
    pytest.param("", id="empty"),
    pytest.param("1.5", id="decimal-point"),
    pytest.param("0x", id="bare-prefix"),
    pytest.param("0b2", id="bad-binary"),
    pytest.param("17a", id="trailing-junk"),
    pytest.param("9" * 5000, id="too-many-digits"),
    pytest.param(True, id="json-true"),
    pytest.param(1.0, id="json-float"),
    pytest.param(None, id="json-null"),
    pytest.param([1], id="json-list"),
    pytest.param({"a": 1}, id="json-object"),
])
def test_cast_int_refuses(value: Any) -> None:
    with pytest.raises((CastError, ValueError, TypeError)):
        cast_int(value)


@pytest.mark.parametrize(("value", "expected"), [
    pytest.param("1.5", 1.5, id="decimal"),
    pytest.param("-2", -2.0, id="negative"),
    pytest.param("1e3", 1000.0, id="exponent"),
    pytest.param(".5", 0.5, id="leading-point"),
    pytest.param(1.5, 1.5, id="json-float"),
    pytest.param(2, 2.0, id="json-int"),
])
def test_cast_float(value: Any, expected: float) -> None:
    result = cast_float(value)
    assert result == expected and type(result) is float


@pytest.mark.parametrize("value", [
    pytest.param("x", id="word"),
    pytest.param("", id="empty"),
    pytest.param("0x10", id="hex"),
    pytest.param("1,5", id="comma"),
    pytest.param(True, id="json-true"),
    pytest.param(None, id="json-null"),
    pytest.param([1.5], id="json-list"),
    pytest.param(10 ** 400, id="json-huge-int"),
])
def test_cast_float_refuses(value: Any) -> None:
    with pytest.raises((CastError, ValueError, TypeError, OverflowError)):
        cast_float(value)


@pytest.mark.parametrize(("value", "expected"), [
    pytest.param("", False, id="empty"),
    pytest.param("0", False, id="zero"),
    pytest.param("False", False, id="False"),
    pytest.param("F", False, id="F"),
    pytest.param("false", False, id="false"),
    pytest.param("f", False, id="f"),
    pytest.param("FALSE", False, id="FALSE"),
    pytest.param("1", True, id="one"),
    pytest.param("True", True, id="True"),
    pytest.param("true", True, id="true"),
    pytest.param("T", True, id="T"),
    pytest.param("yes", True, id="yes"),
    pytest.param("no", True, id="no-is-not-a-false-value"),
    pytest.param("2", True, id="two"),
    pytest.param(True, True, id="json-true"),
    pytest.param(False, False, id="json-false"),
    pytest.param(1, True, id="json-one"),
    pytest.param(0, False, id="json-zero"),
])
def test_cast_bool(value: Any, expected: bool) -> None:
    assert cast_bool(value) is expected


@pytest.mark.parametrize("value", [
    pytest.param(2, id="json-two"),
    pytest.param(0.0, id="json-float"),
    pytest.param(None, id="json-null"),
    pytest.param([], id="json-list"),
])
def test_cast_bool_refuses(value: Any) -> None:
    with pytest.raises(CastError):
        cast_bool(value)


@pytest.mark.parametrize("value", ["", "x", " a b ", "café", "12"])
def test_cast_str_keeps_text(value: str) -> None:
    assert cast_str(value) is value


@pytest.mark.parametrize("value", [
    pytest.param(12, id="int"),
    pytest.param(True, id="bool"),
    pytest.param(1.5, id="float"),
    pytest.param(None, id="null"),
    pytest.param(["x"], id="list"),
])
def test_cast_str_refuses_json_values(value: Any) -> None:
    with pytest.raises(CastError):
        cast_str(value)


@pytest.mark.parametrize(("kind", "text", "expected"), [
    pytest.param(dt.date, "2021-03-04", dt.date(2021, 3, 4), id="date"),
    pytest.param(dt.time, "12:34:56", dt.time(12, 34, 56), id="time"),
    pytest.param(dt.time, "12:34", dt.time(12, 34), id="time-short"),
    pytest.param(dt.datetime, "2021-03-04T12:34:56",
                 dt.datetime(2021, 3, 4, 12, 34, 56), id="datetime"),
    pytest.param(dt.datetime, "2021-03-04 12:34:56+00:00",
                 dt.datetime(2021, 3, 4, 12, 34, 56, tzinfo=dt.UTC),
                 id="datetime-utc"),
])
def test_cast_iso(kind: type, text: str, expected: Any) -> None:
    assert BUILTIN_CASTS[kind](text) == expected


@pytest.mark.parametrize(("kind", "value"), [
    pytest.param(dt.date, "2021-13-01", id="date-month-13"),
    pytest.param(dt.date, "yesterday", id="date-word"),
    pytest.param(dt.date, 20210304, id="date-json-int"),
    pytest.param(dt.time, "25:00", id="time-hour-25"),
    pytest.param(dt.datetime, "2021-03-04T12:61", id="datetime-minute"),
    pytest.param(dt.datetime, "", id="datetime-empty"),
])
def test_cast_iso_refuses(kind: type, value: Any) -> None:
    with pytest.raises((CastError, ValueError)):
        BUILTIN_CASTS[kind](value)


def test_cast_any_keeps_value() -> None:
    value = {"a": [1, 2]}
    assert cast_any(value) is value


class EmailAddr:
    """The custom class of the documentation, with a validity check."""

    def __init__(self, addr: str) -> None:
        if "@" not in addr:
            raise ValueError("not an e-mail address")
        self.addr = addr

    def __str__(self) -> str:
        return self.addr


class Pair:
    """A type whose constructor does not take one string."""

    def __init__(self, left: int, right: int) -> None:
        self.left, self.right = left, right

    def __str__(self) -> str:
        return f"{self.left}+{self.right}"


def str_to_pair(text: str) -> Pair:
    """The cast of :class:`Pair`: ``"1+2"``."""
    left, right = text.split("+")
    return Pair(int(left), int(right))


def test_find_cast_order() -> None:
    def mine(value: Any) -> int:
        return 42

    assert find_cast(int, {}) is cast_int
    assert find_cast(int, {int: mine}) is mine
    assert find_cast(list[int], {})([1]) == [1]
    assert find_cast(dict[str, int], {})({"a": 1}) == {"a": 1}
    made = find_cast(EmailAddr, {})("a@b")
    assert isinstance(made, EmailAddr) and made.addr == "a@b"


def test_find_cast_refuses_non_callable() -> None:
    with pytest.raises(ConfigError):
        find_cast(3, {})


def test_type_name() -> None:
    assert type_name(int) == "int"
    assert type_name(EmailAddr) == "EmailAddr"


# --- signatures, alone --------------------------------------------------


def test_compile_seed_example() -> None:
    def patch_whatever(id: int, some: int, stuff: str = "wow") -> None:
        pass

    sig = compile_params(patch_whatever, "/whatever/<id>")
    assert [(p.name, p.kind, p.in_path) for p in sig.path] == [
        ("id", int, True)]
    request = {p.name: (p.kind, p.required, p.default)
               for p in sig.request}
    assert request == {"some": (int, True, MISSING),
                       "stuff": (str, False, "wow")}
    assert sig.keys == frozenset({"some", "stuff"})
    assert not sig.allparams


def test_compile_underscore_name() -> None:
    def login(user: str, _pass: str, _def: int = 0) -> None:
        pass

    sig = compile_params(login, "/login")
    assert [(p.name, p.key) for p in sig.request] == [
        ("user", "user"), ("_pass", "pass"), ("_def", "def")]


@pytest.mark.parametrize(("required", "expected"), [
    pytest.param(None, {"a": (True, None), "b": (False, 2),
                        "c": (False, None)}, id="guess"),
    pytest.param(True, {"a": (True, None), "b": (True, 2),
                        "c": (True, None)}, id="all-required"),
    pytest.param(False, {"a": (False, None), "b": (False, 2),
                         "c": (False, None)}, id="all-optional"),
])
def test_compile_required(required: bool | None,
                          expected: dict[str, tuple[bool, Any]]) -> None:
    def view(a: int, c: int | None, b: int = 2) -> None:
        pass

    sig = compile_params(view, "/r", required=required)
    found = {p.name: p.required for p in sig.request}
    assert found == {k: v[0] for k, v in expected.items()}
    for p in sig.request:
        if not p.required:
            assert p.default == expected[p.name][1]


@pytest.mark.parametrize("annotation", [
    pytest.param(Optional[int], id="Optional"),  # noqa: UP045
    pytest.param(int | None, id="union-none"),
    pytest.param(None | int, id="none-union"),
])
def test_compile_optional(annotation: Any) -> None:
    def view(n: Any) -> None:
        pass

    view.__annotations__ = {"n": annotation, "return": None}
    (param,) = compile_params(view, "/o").request
    assert param.kind is int and not param.required
    assert param.default is None


def test_compile_infers_type_from_default() -> None:
    # unannotated on purpose: the types come from the defaults
    def view(n=3, flag=False, name=None, text="x") -> None:  # type: ignore
        pass

    kinds = {p.name: p.kind for p in compile_params(view, "/i").request}
    assert kinds == {"n": int, "flag": bool, "name": str, "text": str}


def test_compile_allparams_needs_kwargs() -> None:
    def view(a: int) -> None:
        pass

    with pytest.raises(ConfigError, match="kwargs"):
        compile_params(view, "/a", allparams=True)


def test_compile_allparams() -> None:
    def view(a: int = 0, **kwargs: Any) -> None:
        pass

    sig = compile_params(view, "/a", allparams=True)
    assert sig.allparams and sig.keys == frozenset({"a"})


def _positional_only(a: int, /, b: int) -> None:
    pass


def _var_positional(a: int, *args: Any) -> None:
    pass


@pytest.mark.parametrize(("fn", "name"), [
    pytest.param(_positional_only, "a", id="positional-only"),
    pytest.param(_var_positional, "args", id="var-positional"),
])
def test_compile_refuses_positional(fn: Callable[..., Any],
                                    name: str) -> None:
    with pytest.raises(ConfigError, match=name) as info:
        compile_params(fn, "/p", where="route /p")
    assert "/p" in info.value.message


@pytest.mark.parametrize(("rule", "expected"), [
    pytest.param("/a/<x>", {"x": None}, id="plain"),
    pytest.param("/a/<int:x>/<y>", {"x": "int", "y": None}, id="typed"),
    pytest.param("/a/<path:p>", {"p": "path"}, id="path"),
    pytest.param("/a/<any(u, v):k>", {"k": "any"}, id="converter-args"),
    pytest.param("/static", {}, id="none"),
])
def test_rule_names(rule: str, expected: dict[str, str | None]) -> None:
    assert rule_names(rule) == expected


@pytest.mark.parametrize(("rule", "expected"), [
    pytest.param("/f/<p>", "/f/<path:p>", id="plain-variable"),
    pytest.param("/f/<p>/<n>", "/f/<path:p>/<n>", id="only-path-typed"),
    pytest.param("/f/<string:p>", "/f/<string:p>", id="explicit-kept"),
])
def test_path_type_rewrites_rule(rule: str, expected: str) -> None:
    def view(p: path, n: int = 0) -> None:
        pass

    assert RouteSpec(view, rule, authorize=ANY).rule == expected


def test_string_type_keeps_rule() -> None:
    def view(s: string) -> None:
        pass

    assert RouteSpec(view, "/s/<s>", authorize=ANY).rule == "/s/<s>"


# --- the parameter flow of the core -------------------------------------

CORE = {"FSA_AUTH": "none", "FSA_TOKEN_TYPE": None}


def _prepare(fn: Callable[..., Any], rule: str = "/r", *,
             path_args: dict[str, Any] | None = None,
             guard: Guard | None = None, required: bool | None = None,
             allparams: bool = False, **request: Any) -> dict[str, Any]:
    guard = guard or Guard.from_mapping(CORE, "core")
    spec = RouteSpec(fn, rule, authorize=ANY, required=required,
                     allparams=allparams)
    req = SimpleRequest(path=rule, **request)
    return run_sync(guard.prepare(spec, req, RequestState(),
                                  dict(path_args or {})))


def _seed(id: int, some: int, stuff: str = "wow") -> None:
    pass


def test_core_seed_example() -> None:
    kwargs = _prepare(_seed, "/whatever/<id>", path_args={"id": "12"},
                      query={"some": "0x10"})
    assert kwargs == {"id": 12, "some": 16, "stuff": "wow"}


@pytest.mark.parametrize(("sources", "expected"), [
    pytest.param({"query": {"some": "1"}}, 1, id="query"),
    pytest.param({"form": {"some": "2"}}, 2, id="form"),
    pytest.param({"json": {"some": 3}}, 3, id="json"),
    pytest.param({"query": {"some": "1"}, "form": {"some": "2"}}, 2,
                 id="form-over-query"),
    pytest.param({"query": {"some": "1"}, "json": {"some": 3}}, 3,
                 id="json-over-query"),
    pytest.param({"form": {"some": "2"}, "json": {"some": 3}}, 3,
                 id="json-over-form"),
    pytest.param({"query": {"some": "1"}, "json": [1, 2]}, 1,
                 id="json-array-ignored"),
])
def test_core_sources(sources: dict[str, Any], expected: int) -> None:
    kwargs = _prepare(_seed, "/w/<id>", path_args={"id": "1"}, **sources)
    assert kwargs["some"] == expected


def test_core_missing_parameter() -> None:
    with pytest.raises(ParamError) as info:
        _prepare(_seed, "/w/<id>", path_args={"id": "1"})
    assert info.value.status == 400
    assert info.value.message == 'missing parameter "some"'


def test_core_json_null_is_missing() -> None:
    with pytest.raises(ParamError, match='missing parameter "some"'):
        _prepare(_seed, "/w/<id>", path_args={"id": "1"},
                 json={"some": None})


def test_core_bad_parameter() -> None:
    with pytest.raises(ParamError) as info:
        _prepare(_seed, "/w/<id>", path_args={"id": "1"},
                 query={"some": "x"})
    assert info.value.status == 400
    assert info.value.message == "parameter \"some\": invalid int value 'x'"


def test_core_error_message_is_bounded() -> None:
    with pytest.raises(ParamError) as info:
        _prepare(_seed, "/w/<id>", path_args={"id": "1"},
                 query={"some": "z" * 10000})
    assert info.value.message.startswith('parameter "some"')
    assert len(info.value.message) < 120


def test_core_bad_path_value() -> None:
    with pytest.raises(NotFoundError) as info:
        _prepare(_seed, "/w/<id>", path_args={"id": "one"},
                 query={"some": "1"})
    assert info.value.status == 404


def test_core_allparams() -> None:
    def view(a: int = 0, **kwargs: Any) -> None:
        pass

    kwargs = _prepare(view, allparams=True,
                      query={"a": "5", "b": "x"}, json={"c": [1]})
    assert kwargs == {"a": 5, "b": "x", "c": [1]}


async def _async_pair(text: str) -> Pair:
    return str_to_pair(text)


def _pair_view(p: Pair) -> None:
    pass


def _async_cast_flow(query: dict[str, str]) -> Any:
    guard = Guard.from_mapping(CORE, "core")
    guard.register_cast(Pair, _async_pair)
    spec = RouteSpec(_pair_view, "/pair", authorize=ANY)
    req = SimpleRequest(query=query)
    return guard.prepare(spec, req, RequestState(), {})


def test_core_async_cast_is_a_hook_call() -> None:
    flow = _async_cast_flow({"p": "1+2"})
    effect = flow.send(None)
    assert isinstance(effect, HookCall)
    assert effect.name == "cast" and effect.args == ("1+2",)
    with pytest.raises(StopIteration) as stop:
        flow.send(Pair(1, 2))
    assert str(stop.value.value["p"]) == "1+2"


def test_core_async_cast_error_thrown_back_is_400() -> None:
    flow = _async_cast_flow({"p": "1-2"})
    flow.send(None)
    with pytest.raises(ParamError, match='parameter "p"'):
        flow.throw(ValueError("bad pair"))


# --- end to end, both backends ------------------------------------------


def _app(backend: Backend, **config: Any) -> Any:
    return backend.app(**{"FSA_AUTH": "none", "FSA_TOKEN_TYPE": None,
                          **config})


def _show(value: Any) -> dict[str, str]:
    return {"type": type(value).__name__, "repr": repr(value)}


def _typed_app(backend: Backend, **config: Any) -> Any:
    """One GET/POST route per type, answering the converted value."""
    app = _app(backend, **config)
    kinds: dict[str, Any] = {
        "int": int, "float": float, "bool": bool, "str": str,
        "date": dt.date, "time": dt.time, "datetime": dt.datetime,
        "email": EmailAddr,
    }
    for name, kind in kinds.items():
        def make(kind: Any = kind) -> Callable[..., Any]:
            async def view(v: Any) -> Any:
                return _show(v)

            view.__annotations__ = {"v": kind, "return": Any}
            view.__name__ = f"typed_{kind.__name__}"
            return view

        app.route(f"/{name}", methods=["GET", "POST"], authorize=ANY)(make())

    return app


@pytest.fixture
def typed(backend: Backend) -> Iterator[Any]:
    yield backend.client(_typed_app(backend))


QUERY_CASES = [
    ("int", "17", 17), ("int", "0x11", 17), ("int", "0o21", 17),
    ("int", "0b10001", 17), ("int", "017", 17), ("int", "-5", -5),
    ("float", "1.5", 1.5), ("float", "-2", -2.0), ("float", "1e3", 1e3),
    ("bool", "", False), ("bool", "0", False), ("bool", "False", False),
    ("bool", "F", False), ("bool", "false", False), ("bool", "f", False),
    ("bool", "1", True), ("bool", "True", True), ("bool", "true", True),
    ("bool", "yes", True), ("bool", "T", True),
    ("str", "hello", "hello"), ("str", "", ""), ("str", "café", "café"),
    ("str", "a b&c=d", "a b&c=d"),
    ("date", "2021-03-04", dt.date(2021, 3, 4)),
    ("time", "12:34:56", dt.time(12, 34, 56)),
    ("datetime", "2021-03-04T12:34:56",
     dt.datetime(2021, 3, 4, 12, 34, 56)),
]


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [pytest.param(k, t, e, id=f"{k}-{t!r}") for k, t, e in QUERY_CASES])
def test_query_values(typed: Any, kind: str, text: str,
                      expected: Any) -> None:
    r = typed.get(f"/{kind}", query={"v": text})
    assert r.status == 200, r
    assert r.json == _show(expected)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [pytest.param(k, t, e, id=f"{k}-{t!r}") for k, t, e in QUERY_CASES
     if k in ("int", "bool", "date")])
def test_form_values(typed: Any, kind: str, text: str,
                     expected: Any) -> None:
    r = typed.post(f"/{kind}", form={"v": text})
    assert r.status == 200, r
    assert r.json == _show(expected)


BAD_QUERY_CASES = [
    ("int", "x"), ("int", "1.5"), ("int", ""), ("int", "0x"),
    ("int", "12abc"), ("float", "x"), ("float", ""), ("float", "0x10"),
    ("date", "2021-13-01"), ("date", "tomorrow"), ("date", ""),
    ("time", "25:00"), ("datetime", "2021-03-04T25:00"),
    ("datetime", "now"), ("email", "nobody"),
]


@pytest.mark.parametrize(
    ("kind", "text"),
    [pytest.param(k, t, id=f"{k}-{t!r}") for k, t in BAD_QUERY_CASES])
def test_bad_query_values(typed: Any, kind: str, text: str) -> None:
    r = typed.get(f"/{kind}", query={"v": text})
    assert r.status == 400, r
    assert r.headers["Content-Type"].startswith("text/plain")
    assert r.text.startswith('parameter "v"')


@pytest.mark.parametrize("kind", ["int", "float", "bool", "str", "date",
                                  "email"])
def test_missing_value(typed: Any, kind: str) -> None:
    r = typed.get(f"/{kind}")
    assert r.status == 400
    assert r.text == 'missing parameter "v"'
    assert r.headers["Content-Type"].startswith("text/plain")


JSON_CASES = [
    ("int", 1, 1), ("int", -7, -7), ("int", "0x11", 17),
    ("bool", True, True), ("bool", False, False),
    ("float", 1.5, 1.5), ("float", 2, 2.0),
    ("str", "text", "text"), ("date", "2021-03-04", dt.date(2021, 3, 4)),
]


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [pytest.param(k, v, e, id=f"{k}-{v!r}") for k, v, e in JSON_CASES])
def test_json_values(typed: Any, kind: str, value: Any,
                     expected: Any) -> None:
    r = typed.post(f"/{kind}", json={"v": value})
    assert r.status == 200, r
    assert r.json == _show(expected)


BAD_JSON_CASES = [
    ("int", "yes"), ("int", True), ("int", 1.5), ("int", [1]),
    ("int", {"a": 1}), ("str", 12), ("str", True), ("str", ["a"]),
    ("float", "x"), ("float", True), ("bool", [True]),
    ("date", 20210304),
]


@pytest.mark.parametrize(
    ("kind", "value"),
    [pytest.param(k, v, id=f"{k}-{v!r}") for k, v in BAD_JSON_CASES])
def test_bad_json_values(typed: Any, kind: str, value: Any) -> None:
    r = typed.post(f"/{kind}", json={"v": value})
    assert r.status == 400, r
    assert r.text.startswith('parameter "v"')


def test_json_null_is_missing(typed: Any) -> None:
    r = typed.post("/int", json={"v": None})
    assert r.status == 400 and r.text == 'missing parameter "v"'


def test_invalid_json_body(typed: Any) -> None:
    r = typed.post("/int", data='{"v": 1', content_type="application/json")
    assert r.status == 400 and r.text == "invalid JSON body"
    assert r.headers["Content-Type"].startswith("text/plain")


def test_sources_and_precedence(typed: Any) -> None:
    assert typed.post("/int", query={"v": "1"}).json == _show(1)
    assert typed.post("/int", form={"v": "2"}).json == _show(2)
    assert typed.post("/int", json={"v": 3}).json == _show(3)
    r = typed.post("/int", query={"v": "1"}, form={"v": "2"})
    assert r.json == _show(2)
    r = typed.post("/int", query={"v": "1"}, json={"v": 3})
    assert r.json == _show(3)


def _seed_app(backend: Backend) -> Any:
    app = _app(backend, FSA_AUTH="basic", **FAST_PASSWORDS)
    app.get_user_pass({"calvin": "hobbes", "susie": "derkins"}.get)
    app.user_in_group(lambda u, g: u == "calvin" and g == "patcher")
    seen: list[tuple[int, int, str]] = []

    @app.patch("/whatever/<id>", authorize="patcher")
    async def patch_whatever(id: int, some: int, stuff: str = "wow"
                             ) -> Any:
        seen.append((id, some, stuff))
        return "", 204

    app.seen = seen
    return app


@pytest.mark.parametrize(("path", "params", "status", "seen"), [
    pytest.param("/whatever/12", {"some": "5"}, 204, (12, 5, "wow"),
                 id="default"),
    pytest.param("/whatever/3", {"some": "0x11", "stuff": "x"}, 204,
                 (3, 17, "x"), id="hex-and-stuff"),
    pytest.param("/whatever/12", {}, 400, None, id="missing-some"),
    pytest.param("/whatever/12", {"some": "five"}, 400, None,
                 id="bad-some"),
    pytest.param("/whatever/twelve", {"some": "5"}, 404, None,
                 id="bad-id"),
])
def test_seed_example(backend: Backend, path: str, params: dict[str, str],
                      status: int, seen: Any) -> None:
    app = _seed_app(backend)
    r = backend.client(app).patch(path, form=params,
                                  headers=basic("calvin", "hobbes"))
    assert r.status == status, r
    assert app.seen == ([seen] if seen else [])
    if status == 400:
        assert '"some"' in r.text


def test_seed_example_checks_authorization_first(backend: Backend) -> None:
    app = _seed_app(backend)
    client = backend.client(app)
    r = client.patch("/whatever/twelve", form={"some": "x"})
    assert r.status == 401
    r = client.patch("/whatever/12", form={"some": "x"},
                     headers=basic("susie", "derkins"))
    assert r.status == 403
    assert app.seen == []


def _path_app(backend: Backend) -> Any:
    app = _app(backend)

    @app.get("/item/<id>", authorize=ANY)
    async def item(id: int) -> Any:
        return _show(id)

    @app.get("/ratio/<r>", authorize=ANY)
    async def ratio(r: float) -> Any:
        return _show(r)

    @app.get("/conv/<int:id>", authorize=ANY)
    async def conv(id: int) -> Any:
        return _show(id)

    @app.get("/day/<d>", authorize=ANY)
    async def day(d: dt.date) -> Any:
        return _show(d)

    @app.get("/files/<p>", authorize=ANY)
    async def files(p: path) -> Any:
        return _show(str(p))

    @app.get("/seg/<s>", authorize=ANY)
    async def seg(s: string) -> Any:
        return _show(str(s))

    @app.get("/mail/<addr>", authorize=ANY)
    async def mail(addr: EmailAddr) -> Any:
        return _show(str(addr))

    @app.get("/raw/<name>", authorize=ANY)
    async def raw(name) -> Any:  # type: ignore[no-untyped-def]
        return _show(name)

    return app


@pytest.mark.parametrize(("url", "expected"), [
    pytest.param("/item/17", 17, id="int"),
    pytest.param("/ratio/1.5", 1.5, id="float"),
    pytest.param("/conv/5", 5, id="int-converter"),
    pytest.param("/day/2021-03-04", dt.date(2021, 3, 4), id="date"),
    pytest.param("/files/a/b/c.txt", "a/b/c.txt", id="path-slashes"),
    pytest.param("/files/one", "one", id="path-single"),
    pytest.param("/seg/abc", "abc", id="string"),
    pytest.param("/mail/calvin@example.org", "calvin@example.org",
                 id="custom-class"),
    pytest.param("/raw/x", "x", id="unannotated"),
])
def test_path_values(backend: Backend, url: str, expected: Any) -> None:
    r = backend.client(_path_app(backend)).get(url)
    assert r.status == 200, r
    assert r.json == _show(expected)


@pytest.mark.parametrize("url", [
    pytest.param("/item/abc", id="int"),
    pytest.param("/item/1.5", id="int-decimal"),
    pytest.param("/ratio/x", id="float"),
    pytest.param("/conv/abc", id="int-converter"),
    pytest.param("/day/2021-13-45", id="date"),
    pytest.param("/seg/a/b", id="string-slash"),
    pytest.param("/mail/nobody", id="custom-class"),
])
def test_bad_path_values(backend: Backend, url: str) -> None:
    r = backend.client(_path_app(backend)).get(url)
    assert r.status == 404, r


def test_custom_class_in_query(backend: Backend) -> None:
    app = _app(backend)

    @app.get("/mail", authorize=ANY)
    async def mail(addr: EmailAddr) -> Any:
        assert isinstance(addr, EmailAddr)
        return _show(str(addr))

    client = backend.client(app)
    r = client.get("/mail", query={"addr": "susie@example.org"})
    assert r.status == 200 and r.json == _show("susie@example.org")
    r = client.get("/mail", query={"addr": "susie"})
    assert r.status == 400 and r.text.startswith('parameter "addr"')


class Oops(Exception):
    """An exception no cast is expected to raise."""


class Fragile:
    """A class whose constructor raises an exception of its own."""

    def __init__(self, text: str) -> None:
        if text != "ok":
            raise Oops(text)


def test_custom_class_raising_any_exception_is_400(backend: Backend
                                                   ) -> None:
    app = _app(backend, PROPAGATE_EXCEPTIONS=False)

    @app.get("/fragile", authorize=ANY)
    async def fragile(f: Fragile) -> str:
        return "fine"

    @app.get("/fragile/<f>", authorize=ANY)
    async def fragile_path(f: Fragile) -> str:
        return "fine"

    client = backend.client(app)
    assert client.get("/fragile", query={"f": "ok"}).status == 200
    r = client.get("/fragile", query={"f": "ko"})
    assert r.status == 400, r
    assert r.text.startswith('parameter "f"')
    assert client.get("/fragile/ko").status == 404


def _pair_app(backend: Backend) -> Any:
    app = _app(backend)

    @app.get("/pair", authorize=ANY)
    async def pair(p: Pair) -> Any:
        return _show(str(p))

    @app.get("/pair/<p>", authorize=ANY)
    async def pair_path(p: Pair) -> Any:
        return _show(str(p))

    return app


def test_register_cast_on_app(backend: Backend) -> None:
    app = _pair_app(backend)
    app.register_cast(Pair, str_to_pair)
    client = backend.client(app)
    assert client.get("/pair", query={"p": "1+2"}).json == _show("1+2")
    assert client.get("/pair/3+4").json == _show("3+4")
    r = client.get("/pair", query={"p": "1-2"})
    assert r.status == 400 and r.text.startswith('parameter "p"')
    assert client.get("/pair/1-2").status == 404


def test_register_async_cast(backend: Backend) -> None:
    app = _pair_app(backend)
    app.register_cast(Pair, _async_pair)
    client = backend.client(app)
    assert client.get("/pair", query={"p": "5+6"}).json == _show("5+6")
    assert client.get("/pair", query={"p": "56"}).status == 400
    assert client.get("/pair/x").status == 404


def test_register_cast_after_first_request(backend: Backend) -> None:
    app = _pair_app(backend)
    client = backend.client(app)
    # the constructor takes two arguments: no way to convert yet
    assert client.get("/pair", query={"p": "1+2"}).status == 400
    app.register_cast(Pair, str_to_pair)
    assert client.get("/pair", query={"p": "1+2"}).json == _show("1+2")


class Celsius:
    """A type made by registered casts only."""

    def __init__(self, degrees: float, source: str) -> None:
        self.degrees, self.source = degrees, source


def test_register_cast_on_class(backend: Backend) -> None:
    backend.Extension.register_cast(
        Celsius, lambda text: Celsius(float(text), "class"))
    try:
        app = _app(backend)

        @app.get("/temp", authorize=ANY)
        async def temp(t: Celsius) -> Any:
            return {"degrees": t.degrees, "source": t.source}

        other = _app(backend)
        other.route("/temp", authorize=ANY)(temp)
        other.register_cast(Celsius,
                            lambda text: Celsius(float(text), "app"))
        r = backend.client(app).get("/temp", query={"t": "21.5"})
        assert r.json == {"degrees": 21.5, "source": "class"}
        r = backend.client(other).get("/temp", query={"t": "3"})
        assert r.json == {"degrees": 3.0, "source": "app"}
        r = backend.client(app).get("/temp", query={"t": "hot"})
        assert r.status == 400
    finally:
        GLOBAL_CASTS.pop(Celsius, None)


@pytest.mark.parametrize(("required", "query", "status", "expected"), [
    pytest.param(None, {"a": "1"}, 200, [1, 2, None], id="guess-defaults"),
    pytest.param(None, {}, 400, 'missing parameter "a"', id="guess-missing"),
    pytest.param(True, {"a": "1", "c": "3"}, 400, 'missing parameter "b"',
                 id="required-default-not-enough"),
    pytest.param(True, {"a": "1", "b": "2", "c": "3"}, 200, [1, 2, 3],
                 id="required-all-given"),
    pytest.param(False, {}, 200, [None, 2, None], id="optional-none"),
    pytest.param(False, {"a": "4"}, 200, [4, 2, None], id="optional-some"),
])
def test_required(backend: Backend, required: bool | None,
                  query: dict[str, str], status: int, expected: Any) -> None:
    app = _app(backend)

    @app.get("/req", authorize=ANY, required=required)
    async def req(a: int, c: int | None, b: int = 2) -> Any:
        return [a, b, c]

    r = backend.client(app).get("/req", query=query)
    assert r.status == status, r
    assert (r.json if status == 200 else r.text) == expected


@pytest.mark.parametrize("annotation", [
    pytest.param(Optional[int], id="Optional"),  # noqa: UP045
    pytest.param(int | None, id="union-none"),
])
def test_optional_types(backend: Backend, annotation: Any) -> None:
    app = _app(backend)

    async def opt(n: Any) -> Any:
        return {"n": n}

    opt.__annotations__ = {"n": annotation, "return": Any}
    app.get("/opt", authorize=ANY)(opt)
    client = backend.client(app)
    assert client.get("/opt").json == {"n": None}
    assert client.get("/opt", query={"n": "0x10"}).json == {"n": 16}
    r = client.get("/opt", query={"n": "ten"})
    assert r.status == 400 and r.text.startswith('parameter "n"')


def test_default_none_is_optional(backend: Backend) -> None:
    app = _app(backend)

    @app.route("/users", methods=["GET"], authorize=ANY)
    async def get_what(flt: str = None) -> Any:  # type: ignore[assignment]
        return {"flt": flt}

    client = backend.client(app)
    assert client.get("/users").json == {"flt": None}
    assert client.get("/users", query={"flt": "a*"}).json == {"flt": "a*"}


def test_type_inferred_from_default(backend: Backend) -> None:
    app = _app(backend)

    @app.get("/infer", authorize=ANY)
    async def infer(n=3, flag=True) -> Any:  # type: ignore[no-untyped-def]
        return _show([n, flag])

    client = backend.client(app)
    assert client.get("/infer").json == _show([3, True])
    r = client.get("/infer", query={"n": "0x10", "flag": "F"})
    assert r.json == _show([16, False])
    assert client.get("/infer", query={"n": "many"}).status == 400


@pytest.mark.parametrize(("send", "expected"), [
    pytest.param({"form": {"n": "3", "other": "x", "more": "y"}},
                 {"n": 3, "kwargs": {"other": "x", "more": "y"}},
                 id="form"),
    pytest.param({"json": {"n": 4, "list": [1, 2], "flag": True}},
                 {"n": 4, "kwargs": {"list": [1, 2], "flag": True}},
                 id="json"),
    pytest.param({"query": {"q": "1"}}, {"n": 0, "kwargs": {"q": "1"}},
                 id="query"),
    pytest.param({}, {"n": 0, "kwargs": {}}, id="nothing"),
])
def test_allparams(backend: Backend, send: dict[str, Any],
                   expected: dict[str, Any]) -> None:
    app = _app(backend)

    @app.put("/awesome", authorize=ANY, allparams=True)
    async def put_awesome(n: int = 0, **kwargs: Any) -> Any:
        return {"n": n, "kwargs": kwargs}

    r = backend.client(app).put("/awesome", **send)
    assert r.status == 200, r
    assert r.json == expected


def test_allparams_without_kwargs_raises(backend: Backend) -> None:
    app = _app(backend)
    with pytest.raises(ConfigError, match="kwargs"):
        @app.put("/awesome", authorize=ANY, allparams=True)
        async def put_awesome(n: int = 0) -> Any:
            return "never"


def test_kwargs_without_allparams_get_declared_only(backend: Backend
                                                    ) -> None:
    app = _app(backend)

    @app.get("/some", authorize=ANY)
    async def some(n: int = 0, **kwargs: Any) -> Any:
        return {"n": n, "kwargs": kwargs}

    r = backend.client(app).get("/some", query={"n": "1", "x": "2"})
    assert r.json == {"n": 1, "kwargs": {}}


def test_python_keyword_parameter(backend: Backend) -> None:
    app = _app(backend)

    @app.post("/login", authorize=ANY)
    async def login(user: str, _pass: str, _def: int = 0) -> Any:
        return {"user": user, "pass": _pass, "def": _def}

    client = backend.client(app)
    r = client.post("/login", form={"user": "calvin", "pass": "hobbes",
                                    "def": "0x2"})
    assert r.json == {"user": "calvin", "pass": "hobbes", "def": 2}
    r = client.post("/login", json={"user": "calvin", "pass": "x"})
    assert r.json == {"user": "calvin", "pass": "x", "def": 0}
    r = client.post("/login", form={"user": "calvin", "_pass": "hobbes"})
    assert r.status == 400 and r.text == 'missing parameter "pass"'


@pytest.mark.parametrize("declare", [
    pytest.param(_positional_only, id="positional-only"),
    pytest.param(_var_positional, id="var-positional"),
])
def test_positional_view_raises(backend: Backend,
                                declare: Callable[..., Any]) -> None:
    app = _app(backend)
    with pytest.raises(ConfigError, match="/positional"):
        app.get("/positional", authorize=ANY)(declare)
    assert backend.client(app).get("/positional").status == 404


# --- garbage never makes a 500 ------------------------------------------

GARBAGE = [
    "", " ", "1e999", "-1e999", "\x00", "1\x00", "٣", "١٢", "9" * 5000,
    "1" * 100000, "nan", "NaN", "inf", "-inf", "True ", " 0 ", "0x",
    "0b2", "1_000", "\u200b", "💥", "%", "%00", "' OR 1=1 --", "null",
    "[]", "{}", "\n", "\r\n", "\t1", "2021-02-30", "9999-99-99T99:99",
    "@", "a@", "\ud7ff",
]
KINDS = ["int", "float", "bool", "str", "date", "time", "datetime",
         "email"]


@pytest.fixture
def sturdy(backend: Backend) -> Iterator[Any]:
    # unhandled errors become a 500 answer on both backends
    yield backend.client(_typed_app(backend, PROPAGATE_EXCEPTIONS=False))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "text", [pytest.param(t, id=repr(t)[:24]) for t in GARBAGE])
def test_garbage_query_is_never_500(sturdy: Any, kind: str,
                                    text: str) -> None:
    r = sturdy.get(f"/{kind}", query={"v": text})
    assert r.status in (200, 400), r
    if r.status == 400:
        assert r.text.startswith('parameter "v"')


@pytest.mark.parametrize("kind", ["int", "float", "bool", "str", "date"])
@pytest.mark.parametrize("value", [
    pytest.param(10 ** 400, id="huge-int"),
    pytest.param(-10 ** 400, id="huge-negative"),
    pytest.param(1e308, id="big-float"),
    pytest.param(float("inf"), id="infinity"),
    pytest.param(float("nan"), id="nan"),
    pytest.param([[[[]]]], id="nested-lists"),
    pytest.param({"a": {"b": None}}, id="object"),
    pytest.param("", id="empty-string"),
    pytest.param("x" * 100000, id="long-string"),
    pytest.param(False, id="false"),
])
def test_garbage_json_is_never_500(sturdy: Any, kind: str,
                                   value: Any) -> None:
    r = sturdy.post(f"/{kind}", json={"v": value})
    assert r.status in (200, 400), r


@pytest.mark.parametrize("body", [
    pytest.param("{", id="truncated"),
    pytest.param("{'v': 1}", id="single-quotes"),
    pytest.param('{"v": 1}}', id="trailing-brace"),
    pytest.param("[" * 100000, id="deeply-nested"),
    pytest.param(b"\xff\xfe{", id="not-utf8"),
    pytest.param("\x00", id="nul"),
    pytest.param('{"v": 1e99999}', id="overflowing-number"),
])
def test_garbage_json_body_is_never_500(sturdy: Any, body: Any) -> None:
    r = sturdy.post("/int", data=body, content_type="application/json")
    assert r.status == 400, r


@pytest.mark.parametrize("url", [
    pytest.param("/item/%00", id="nul"),
    pytest.param("/item/" + "9" * 5000, id="many-digits"),
    pytest.param("/item/%F0%9F%92%A5", id="emoji"),
    pytest.param("/item/%FF", id="bad-utf8"),
    pytest.param("/day/9999-99-99", id="bad-date"),
    pytest.param("/ratio/1e999", id="infinite-float"),
    pytest.param("/mail/%00", id="custom-class"),
])
def test_garbage_path_is_never_500(backend: Backend, url: str,
                                   caplog: pytest.LogCaptureFixture
                                   ) -> None:
    caplog.set_level(logging.ERROR)
    app = _path_app(backend)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    r = backend.client(app).get(url)
    assert r.status in (200, 404), r


def test_json_content_type_with_charset(typed: Any) -> None:
    r = typed.post("/int", data=json.dumps({"v": 5}),
                   content_type="application/json; charset=utf-8")
    assert r.status == 200 and r.json == _show(5)


def test_plain_def_view_with_params(backend: Backend) -> None:
    app = _app(backend)

    @app.get("/plain/<id>", authorize=ANY)
    def plain(id: int, n: int = 1) -> Any:
        return {"id": id, "n": n}

    r = backend.client(app).get("/plain/4", query={"n": "0b11"})
    assert r.status == 200 and r.json == {"id": 4, "n": 3}


def test_view_reads_user_with_params(backend: Backend) -> None:
    app = _app(backend, FSA_AUTH="basic", **FAST_PASSWORDS)
    app.get_user_pass({"calvin": "hobbes"}.get)

    @app.get("/me", authorize="ALL")
    async def me(n: int) -> Any:
        return {"user": await aw(app.get_user()), "n": n}

    r = backend.client(app).get("/me", query={"n": "2"},
                                headers=basic("calvin", "hobbes"))
    assert r.json == {"user": "calvin", "n": 2}
