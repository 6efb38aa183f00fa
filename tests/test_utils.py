"""Utilities: the Reference object wrapper and the CacheOK decorator."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest
from conftest import FAST_PASSWORDS, Backend, basic

from fsa_common import CacheOK, Reference

# --- Reference ----------------------------------------------------------


class Box:
    """A small object with attributes, a method and a context."""

    def __init__(self, value: int) -> None:
        self.value = value
        self.entered = 0
        self.exited = 0

    def double(self) -> int:
        return 2 * self.value

    def __enter__(self) -> Box:
        self.entered += 1
        return self

    def __exit__(self, *args: Any) -> None:
        self.exited += 1


class Settable:
    """An object with a ``set`` method of its own."""

    def __init__(self) -> None:
        self.items: list[Any] = []

    def set(self, item: Any) -> str:
        self.items.append(item)
        return "own set"


def test_reference_starts_empty() -> None:
    ref = Reference()
    assert not ref
    assert str(ref) == "None" and repr(ref) == "None"
    assert ref == None  # noqa: E711 (forwarded equality)


def test_reference_initial_object() -> None:
    ref = Reference(Box(3))
    assert ref.value == 3 and ref.double() == 6


def test_reference_set_returns_object() -> None:
    ref = Reference()
    box = Box(4)
    assert ref.set(box) is box
    assert ref.double() == 8
    ref.set(Box(5))
    assert ref.value == 5


def test_reference_forwards_attribute_writes() -> None:
    box = Box(1)
    ref = Reference(box)
    ref.value = 10
    assert box.value == 10 and ref.double() == 20
    ref.extra = "x"
    assert box.extra == "x"  # type: ignore[attr-defined]
    del ref.extra
    assert not hasattr(box, "extra")


def test_reference_missing_attribute() -> None:
    ref = Reference(Box(1))
    with pytest.raises(AttributeError):
        ref.nothing_here  # noqa: B018


def test_reference_call() -> None:
    ref = Reference(lambda a, b=1: a + b)
    assert ref(1) == 2 and ref(1, b=5) == 6
    ref.set(len)
    assert ref("abc") == 3


def test_reference_container_operations() -> None:
    ref = Reference([3, 1, 2])
    assert len(ref) == 3
    assert list(ref) == [3, 1, 2]
    assert ref[0] == 3 and ref[-1] == 2 and ref[0:2] == [3, 1]
    assert 1 in ref and 5 not in ref
    ref[0] = 9
    del ref[1]
    assert ref == [9, 2]
    ref.append(7)
    assert sorted(ref) == [2, 7, 9]


def test_reference_mapping_operations() -> None:
    ref = Reference({"a": 1})
    ref["b"] = 2
    assert ref["b"] == 2 and set(ref) == {"a", "b"}
    assert ref.get("c", 0) == 0 and "a" in ref
    del ref["a"]
    assert ref == {"b": 2}
    with pytest.raises(KeyError):
        ref["a"]  # noqa: B018


@pytest.mark.parametrize(("obj", "truth", "text"), [
    pytest.param(0, False, "0", id="zero"),
    pytest.param(7, True, "7", id="int"),
    pytest.param("", False, "", id="empty-str"),
    pytest.param("hello", True, "hello", id="str"),
    pytest.param([], False, "[]", id="empty-list"),
    pytest.param([1], True, "[1]", id="list"),
])
def test_reference_bool_and_str(obj: Any, truth: bool, text: str) -> None:
    ref = Reference(obj)
    assert bool(ref) is truth and str(ref) == text
    assert f"<{ref}>" == f"<{text}>"


def test_reference_equality_and_hash() -> None:
    ref = Reference("key")
    assert ref == "key" and ref != "other"
    assert hash(ref) == hash("key")
    assert {ref: 1}["key"] == 1


def test_reference_context_manager() -> None:
    box = Box(1)
    with Reference(box) as inside:
        assert inside is box and box.entered == 1
    assert box.exited == 1


def test_reference_set_name() -> None:
    target = Settable()
    ref = Reference(set_name="set_object")
    assert ref.set_object(target) is target
    # set now reaches the wrapped object's own method
    assert ref.set("item") == "own set"
    assert target.items == ["item"]
    ref.set_object(Box(2))
    assert ref.value == 2


def test_references_are_independent() -> None:
    one, two = Reference(), Reference()
    one.set(Box(1))
    two.set(Box(2))
    assert one.value == 1 and two.value == 2
    three = Reference(set_name="put")
    three.put("three")
    assert one.value == 1 and str(three) == "three"
    one.set(Box(11))
    assert two.value == 2


SHARED = Reference()


def _read_shared() -> int:
    return SHARED.value


def test_reference_deferred_initialization() -> None:
    try:
        SHARED.set(Box(42))
        assert _read_shared() == 42
        SHARED.set(Box(43))
        assert _read_shared() == 43
    finally:
        SHARED.set(None)


def test_reference_in_views(backend: Backend) -> None:
    stuff = Reference()
    app = backend.app(FSA_AUTH="none", FSA_TOKEN_TYPE=None)

    @app.get("/stuff", authorize="ANY")
    async def get_stuff() -> Any:
        return str(stuff), 200

    client = backend.client(app)
    assert client.get("/stuff").text == "None"
    stuff.set("initialized later")
    assert client.get("/stuff").text == "initialized later"


def test_reference_exported_by_adapters(backend: Backend) -> None:
    assert backend.module.Reference is Reference


# --- CacheOK ------------------------------------------------------------


class Counter:
    """A predicate counting its calls."""

    def __init__(self, answers: dict[Any, Any]) -> None:
        self.answers = answers
        self.calls: list[tuple[Any, ...]] = []

    def __call__(self, *args: Any) -> Any:
        self.calls.append(args)
        return self.answers.get(args, False)


def test_cacheok_keeps_true_answers() -> None:
    counter = Counter({("calvin", "admin"): True})
    check = CacheOK(counter)
    for _ in range(3):
        assert check("calvin", "admin") is True
    assert counter.calls == [("calvin", "admin")]


def test_cacheok_retries_false_answers() -> None:
    counter = Counter({})
    check = CacheOK(counter)
    for _ in range(3):
        assert check("susie", "admin") is False
    assert counter.calls == [("susie", "admin")] * 3
    counter.answers[("susie", "admin")] = True
    assert check("susie", "admin") is True
    assert check("susie", "admin") is True
    assert len(counter.calls) == 4


@pytest.mark.parametrize("answer", [
    pytest.param("yes", id="str"),
    pytest.param([1, 2], id="list"),
    pytest.param(3, id="int"),
])
def test_cacheok_returns_the_true_answer(answer: Any) -> None:
    check = CacheOK(Counter({("x",): answer}))
    assert check("x") is answer
    assert check("x") is answer


@pytest.mark.parametrize("answer", [
    pytest.param(None, id="none"),
    pytest.param(0, id="zero"),
    pytest.param("", id="empty"),
])
def test_cacheok_returns_false_answers(answer: Any) -> None:
    counter = Counter({("x",): answer})
    check = CacheOK(counter)
    assert check("x") is answer and check("x") is answer
    assert len(counter.calls) == 2


def test_cacheok_keys_on_arguments() -> None:
    counter = Counter({("a",): True, ("b",): True})
    check = CacheOK(counter)
    check("a")
    check("b")
    check("a")
    check("b")
    assert counter.calls == [("a",), ("b",)]


def test_cacheok_cache_clear() -> None:
    counter = Counter({("a",): True})
    check = CacheOK(counter)
    check("a")
    check.cache_clear()
    check("a")
    check("a")
    assert counter.calls == [("a",), ("a",)]


def test_cacheok_keeps_name_and_doc() -> None:
    def user_in_group(user: str, group: str) -> bool:
        """Tell whether user is in group."""
        return False

    wrapped = CacheOK(user_in_group)
    assert wrapped.__name__ == "user_in_group"
    assert wrapped.__doc__ == "Tell whether user is in group."


def test_cacheok_async() -> None:
    calls: list[tuple[str, str]] = []
    members = {("calvin", "admin")}

    @CacheOK
    async def user_in_group(user: str, group: str) -> bool:
        calls.append((user, group))
        await asyncio.sleep(0)
        return (user, group) in members

    assert inspect.iscoroutinefunction(user_in_group)

    async def scenario() -> list[bool]:
        return [await user_in_group("calvin", "admin"),
                await user_in_group("calvin", "admin"),
                await user_in_group("susie", "admin"),
                await user_in_group("susie", "admin")]

    assert asyncio.run(scenario()) == [True, True, False, False]
    assert calls == [("calvin", "admin"), ("susie", "admin"),
                     ("susie", "admin")]
    user_in_group.cache_clear()
    assert asyncio.run(user_in_group("calvin", "admin")) is True
    assert len(calls) == 4


def test_cacheok_exception_is_not_cached() -> None:
    answers = iter([RuntimeError("down"), True])

    def flaky(x: str) -> bool:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    check = CacheOK(flaky)
    with pytest.raises(RuntimeError):
        check("a")
    assert check("a") is True
    assert check("a") is True  # cached: the iterator is exhausted


def test_cacheok_as_group_hook(backend: Backend) -> None:
    calls: list[tuple[str, str]] = []

    @CacheOK
    def user_in_group(user: str, group: str) -> bool:
        calls.append((user, group))
        return user == "calvin"

    # the library's own caches are off: CacheOK alone remembers
    app = backend.app(FSA_AUTH="basic", FSA_TOKEN_TYPE=None,
                      FSA_CACHE_SIZE=0, **FAST_PASSWORDS)
    app.get_user_pass({"calvin": "hobbes", "susie": "derkins"}.get)
    app.user_in_group(user_in_group)

    @app.get("/admin", authorize="admin")
    async def admin() -> str:
        return "admin"

    client = backend.client(app)
    for _ in range(2):
        assert client.get("/admin", headers=basic("calvin", "hobbes")
                          ).status == 200
        assert client.get("/admin", headers=basic("susie", "derkins")
                          ).status == 403
    assert calls == [("calvin", "admin"), ("susie", "admin"),
                     ("susie", "admin")]


def test_cacheok_exported_by_adapters(backend: Backend) -> None:
    assert backend.module.CacheOK is CacheOK
