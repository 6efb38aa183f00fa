"""Reference: a shareable stand-in for an object set up later."""

from __future__ import annotations

from typing import Any


class Reference:
    """Forward attribute access and common operations to a wrapped object.

    Modules can import a ``Reference`` at load time and the application
    sets the real object later with :meth:`set` (renamed by ``set_name``
    when the wrapped object has a ``set`` of its own).

    :param obj: the initial object, or None.
    :param set_name: the name of the setter method.
    """

    def __init__(self, obj: Any = None, set_name: str = "set") -> None:
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, "_set_name", set_name)
        object.__setattr__(self, set_name, self._set_obj)

    def _set_obj(self, obj: Any) -> Any:
        object.__setattr__(self, "_obj", obj)
        return obj

    def __getattr__(self, name: str) -> Any:
        return getattr(object.__getattribute__(self, "_obj"), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._obj, name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self._obj, name)

    def __str__(self) -> str:
        return str(self._obj)

    def __repr__(self) -> str:
        return repr(self._obj)

    def __bool__(self) -> bool:
        return bool(self._obj)

    def __len__(self) -> int:
        return len(self._obj)

    def __iter__(self) -> Any:
        return iter(self._obj)

    def __contains__(self, item: Any) -> bool:
        return item in self._obj

    def __getitem__(self, key: Any) -> Any:
        return self._obj[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        self._obj[key] = value

    def __delitem__(self, key: Any) -> None:
        del self._obj[key]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._obj(*args, **kwargs)

    def __eq__(self, other: Any) -> bool:
        return self._obj == other

    def __hash__(self) -> int:
        return hash(self._obj)

    def __enter__(self) -> Any:
        return self._obj.__enter__()

    def __exit__(self, *args: Any) -> Any:
        return self._obj.__exit__(*args)
