"""Typed parameters: from a view's signature to converted arguments.

At declaration, :func:`compile_params` inspects the view once and makes a
:class:`Param` per argument: where it comes from (the path or the
request), its HTTP name (a leading ``_`` is dropped so that ``_pass``
reads ``pass``), whether it is required and how to convert it.  At request
time the route flow converts values with the prepared casts.

Conversion rules:

- ``int`` accepts decimal and ``0x``/``0o``/``0b`` forms; ``float`` any
  Python float syntax; ``bool`` is false for ``""``, ``0``, ``false`` and
  ``f`` (any case) and true otherwise; ``date``, ``time`` and ``datetime``
  take ISO 8601; ``str``, :class:`path` and :class:`string` keep the text.
- JSON values keep their native type when it fits (``1`` for an ``int``,
  ``true`` for a ``bool``); JSON strings convert like query text; any
  other JSON value (``true`` for an ``int``, ``12`` for a ``str``) is
  refused.
- Any other class is called with the text, unless a cast was registered
  for it; whatever exception it raises means "does not convert".

A missing required parameter, or one that does not convert, is a 400
naming it; a path value that does not convert is a 404.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import math
import re
import sys
import types
import typing
from collections.abc import Callable
from typing import Any

from .cache import MISSING
from .errors import ConfigError


class path(str):
    """A string that may contain ``/``, taken from the route path."""


class string(str):
    """A string path segment (no ``/``)."""


_FALSE = frozenset(("", "0", "false", "f"))
_MAX_DIGITS = sys.get_int_max_str_digits() or 4300
# as large as decimal allows: digits times log2(10)
_MAX_BITS = math.ceil(_MAX_DIGITS * math.log2(10))


class CastError(ValueError):
    """A value does not convert to the expected type."""


def cast_int(value: Any) -> int:
    """Convert a text or JSON value to ``int``; bases 2, 8, 16 accepted.

    Only ASCII digits are taken, and no more than Python takes in decimal
    (``sys.get_int_max_str_digits``) whatever the base, so that a huge
    value cannot reach the view.
    """
    if isinstance(value, str):
        if not value.isascii() or len(value) > _MAX_DIGITS:
            raise CastError("not an integer")
        try:
            number = int(value, 0)
        except ValueError:
            number = int(value, 10)  # leading zeros: "017"
        # hex digits weigh more than decimal ones: bound the value itself
        if number.bit_length() > _MAX_BITS:
            raise CastError("integer too large")
        return number

    if value.__class__ is int:
        return value

    raise CastError("not an integer")


def cast_float(value: Any) -> float:
    """Convert a text or JSON number to ``float``."""
    if value.__class__ is str or isinstance(value, (int, float, str)) \
            and not isinstance(value, bool):
        number = float(value)
        # NaN and infinities are no number a client means to send
        if math.isfinite(number):
            return number

    raise CastError("not a number")


def cast_bool(value: Any) -> bool:
    """Convert a text or JSON value to ``bool`` (see the module rules)."""
    if isinstance(value, str):
        return value.strip().lower() not in _FALSE

    if isinstance(value, bool):
        return value

    if isinstance(value, int) and value in (0, 1):
        return bool(value)

    raise CastError("not a boolean")


def cast_str(value: Any) -> str:
    """Accept a string as is; refuse other JSON values, and strings that
    are not valid Unicode text (JSON may carry lone surrogates)."""
    if isinstance(value, str) and is_text(value):
        return value

    raise CastError("not a string")


def is_text(value: Any) -> bool:
    """Tell whether ``value`` is a string that encodes to UTF-8."""
    if not isinstance(value, str):
        return False

    if value.isascii():
        return True

    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _iso(kind: type) -> Callable[[Any], Any]:
    def cast(value: Any) -> Any:
        if isinstance(value, kind):
            return value

        if isinstance(value, str):
            return kind.fromisoformat(value)  # type: ignore[attr-defined]

        raise CastError("not an ISO 8601 text")

    cast.__name__ = f"cast_{kind.__name__}"
    return cast


def _json_kind(kind: type) -> Callable[[Any], Any]:
    def cast(value: Any) -> Any:
        if isinstance(value, kind):
            return value

        raise CastError(f"not a JSON {kind.__name__}")

    return cast


def cast_any(value: Any) -> Any:
    """Keep the value as it came."""
    return value


BUILTIN_CASTS: dict[Any, Callable[[Any], Any]] = {
    int: cast_int,
    float: cast_float,
    bool: cast_bool,
    str: cast_str,
    path: cast_str,
    string: cast_str,
    dt.date: _iso(dt.date),
    dt.time: _iso(dt.time),
    dt.datetime: _iso(dt.datetime),
    dict: _json_kind(dict),
    list: _json_kind(list),
    Any: cast_any,
}


# casts registered on an adapter class, for every application of the
# process, whatever its framework; CASTS_VERSION changes with them so
# that guards forget the casts they had chosen
GLOBAL_CASTS: dict[Any, Callable[[Any], Any]] = {}
CASTS_VERSION = [0]


def _constructor_cast(kind: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def cast(value: Any) -> Any:
        if isinstance(kind, type) and isinstance(value, kind):
            return value

        return kind(value)

    return cast


def type_name(kind: Any) -> str:
    """A short readable name of a type, for error messages."""
    return getattr(kind, "__name__", None) or str(kind)


@dataclasses.dataclass(slots=True)
class Param:
    """One parameter of a view.

    ``name`` is the Python name, ``key`` the HTTP name, ``kind`` the
    declared type, ``default`` the default value or :data:`MISSING`.
    """

    name: str
    key: str
    kind: Any
    required: bool
    default: Any
    in_path: bool


@dataclasses.dataclass(slots=True)
class Signature:
    """All the parameters of a view, split by source."""

    path: list[Param]
    request: list[Param]
    allparams: bool
    keys: frozenset[str]


def _unwrap_optional(kind: Any) -> tuple[Any, bool]:
    """Return (type, optional) for ``X | None`` and ``Optional[X]``."""
    origin = typing.get_origin(kind)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        if len(args) == 1:
            return args[0], len(typing.get_args(kind)) != len(args)

    return kind, False


_RULE_VAR = re.compile(r"<(?:([a-zA-Z_][\w]*)(?:\([^>]*\))?:)?"
                       r"([a-zA-Z_]\w*)>")


def rule_names(rule: str) -> dict[str, str | None]:
    """Return the variables of a route rule and their converters."""
    return {m.group(2): m.group(1) for m in _RULE_VAR.finditer(rule)}


def rewrite_rule(rule: str, sig: Signature) -> str:
    """Give ``path`` typed variables the ``path`` converter in ``rule``."""
    wanted = {p.key for p in sig.path if p.kind is path}
    if not wanted:
        return rule

    def convert(m: re.Match[str]) -> str:
        if m.group(1) is None and m.group(2) in wanted:
            return f"<path:{m.group(2)}>"
        return m.group(0)

    return _RULE_VAR.sub(convert, rule)


def compile_params(
    fn: Callable[..., Any],
    rule: str,
    required: bool | None = None,
    allparams: bool = False,
    where: str = "route",
) -> Signature:
    """Inspect ``fn`` once and describe its parameters.

    :param rule: the route rule, whose variables come from the path.
    :param required: True makes every request parameter mandatory, False
        optional (None when there is no default), None guesses from
        defaults.
    :param allparams: pass every request parameter, declared or not.
    :raises ConfigError: (500) on a signature that cannot be served.
    """
    in_path = rule_names(rule)
    hints = _type_hints(fn, where)

    sig = inspect.signature(fn)
    path_params, request_params = [], []
    has_kwargs = False
    for p in sig.parameters.values():
        if p.kind is p.VAR_KEYWORD:
            has_kwargs = True
            continue

        if p.kind in (p.VAR_POSITIONAL, p.POSITIONAL_ONLY):
            raise ConfigError(f"{where}: parameter {p.name} cannot be "
                              "passed by name")

        kind = hints.get(p.name, p.annotation)
        default = MISSING if p.default is p.empty else p.default
        if kind is p.empty and in_path.get(p.name):
            kind = Any  # the rule's converter already typed the value
        elif kind is p.empty:
            kind = str if default in (MISSING, None) else type(default)

        kind, optional = _unwrap_optional(kind)
        if typing.get_origin(kind) in (typing.Union, types.UnionType):
            raise ConfigError(f"{where}: parameter {p.name}: unions of "
                              "several types are not supported; register "
                              "a cast for a class of your own instead")
        if p.name in in_path:
            path_params.append(Param(p.name, p.name, kind, True, MISSING,
                                     True))
            continue

        key = p.name[1:] if p.name.startswith("_") else p.name
        needed = (default is MISSING and not optional) \
            if required is None else required
        if not needed and default is MISSING:
            default = None

        request_params.append(Param(p.name, key, kind, needed, default,
                                    False))

    if allparams and not has_kwargs:
        raise ConfigError(f"{where}: allparams needs a **kwargs parameter")

    keys = frozenset(p.key for p in request_params)
    return Signature(path_params, request_params, allparams, keys)


_OWN_PACKAGES = ("fsa_common", "fsa_flask", "fsa_quart")


def _type_hints(fn: Callable[..., Any], where: str) -> dict[str, Any]:
    """The annotations of ``fn``, resolved.

    Text annotations (``from __future__ import annotations``) are looked
    up in the function's module, then in the scopes that are declaring
    the route (a class local to a function, say).

    :raises ConfigError: (500) at declaration, naming the parameter whose
        annotation names nothing known.
    """
    try:
        return typing.get_type_hints(fn)
    except Exception:
        pass

    # innermost first, as Python resolves names: the scopes declaring the
    # route (the library's own frames skipped), then the view's module
    scopes: list[dict[str, Any]] = []
    frame: types.FrameType | None = sys._getframe(1)
    for _ in range(32):
        if frame is None:
            break
        module = frame.f_globals.get("__name__", "")
        if not module.startswith(_OWN_PACKAGES):
            scopes.append(frame.f_locals)
        frame = frame.f_back
    scopes.append(getattr(fn, "__globals__", {}))

    hints = {}
    for name, text in getattr(fn, "__annotations__", {}).items():
        if not isinstance(text, str):
            hints[name] = text
            continue
        for scope in scopes:
            try:
                hints[name] = eval(text, dict(scope))  # noqa: S307
                break
            except Exception:
                continue
        else:
            if name != "return":
                raise ConfigError(f"{where}: cannot resolve the annotation "
                                  f"{text!r:.40} of parameter {name}")
    return hints


def find_cast(kind: Any, registered: dict[Any, Callable[[Any], Any]]
              ) -> Callable[[Any], Any]:
    """Return the converter for ``kind``: registered, builtin or
    constructor."""
    if kind in registered:
        return registered[kind]

    if kind in GLOBAL_CASTS:
        return GLOBAL_CASTS[kind]

    if kind in BUILTIN_CASTS:
        return BUILTIN_CASTS[kind]

    origin = typing.get_origin(kind)
    if origin in (list, dict):
        return BUILTIN_CASTS[origin]

    if callable(kind):
        return _constructor_cast(kind)

    raise ConfigError(f"no way to convert parameters to {kind!r:.40}")
