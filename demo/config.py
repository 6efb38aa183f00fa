"""Choosing and loading one of the demo configurations.

A configuration is a plain Python file of upper-case keys under
``demo/conf``, read with ``config.from_pyfile`` by either framework.  Only
the names listed in :data:`CONFIG_NAMES` are accepted, so a name coming
from the command line can never point at another file.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any, Protocol

CONFIG_NAMES: tuple[str, ...] = ("basic", "param", "token", "jwt")
"""The configurations shipped in ``demo/conf``."""

APP_NAME = "demo"
"""Import name given to both applications.

The token realm defaults to a simplified application name; the configs
also set ``FSA_REALM`` so that a token signed by one backend is accepted
by the other.
"""

_CONF_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "conf")


class ConfigLike(Protocol):
    """The part of Flask's and Quart's config objects the demo uses."""

    def from_pyfile(self, filename: str, silent: bool = False) -> bool:
        """Load upper-case keys from a Python file."""

    def __setitem__(self, key: str, value: Any) -> None:
        """Set one key."""

    def get(self, key: str, default: Any = None) -> Any:
        """Read one key."""


def config_file(name: str) -> str:
    """Return the path of configuration ``name``.

    :raises ValueError: ``name`` is not one of :data:`CONFIG_NAMES`.
    """
    if name not in CONFIG_NAMES:
        known = ", ".join(CONFIG_NAMES)
        raise ValueError(f"unknown config {name!r}, expecting one of {known}")

    return os.path.join(_CONF_DIR, f"{name}.py")


def default_db_path(name: str) -> str:
    """Return where the SQLite file of configuration ``name`` goes.

    The file lives in the system temporary directory, one per configuration,
    so that running the demo writes nothing inside the source tree.
    """
    return os.path.join(tempfile.gettempdir(), f"fsa-demo-{name}.db")


def load(config: ConfigLike, name: str, db: str | None = None) -> None:
    """Fill an application's ``config`` from configuration ``name``.

    ``DEMO_DB``, the SQLite file path, comes from ``db`` when given, else
    from the configuration file, else from the ``DEMO_DB`` environment
    variable, else from :func:`default_db_path`.

    :raises ValueError: unknown configuration name.
    """
    config.from_pyfile(config_file(name))
    path = db or config.get("DEMO_DB") or os.environ.get("DEMO_DB")
    config["DEMO_DB"] = path or default_db_path(name)
