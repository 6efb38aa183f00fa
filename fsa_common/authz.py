"""Authorization rules declared with ``authorize=`` on a route.

A rule is one of the special values ``ANY`` (no authentication needed),
``ALL`` (any authenticated user), ``NONE`` (closed, 403), or one or more
groups (names or integers) checked with the ``user_in_group`` hook: the
user needs to belong to at least one of them.  Mixing a special value with
groups is a declaration error.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from .config import ALL, ANY, NONE
from .errors import ConfigError

log = logging.getLogger("fsa_common")

SPECIALS = (ANY, ALL, NONE)


@dataclasses.dataclass(frozen=True, slots=True)
class Authorization:
    """A parsed ``authorize=`` value.

    ``kind`` is ``ANY``, ``ALL``, ``NONE`` or ``"groups"``; ``groups``
    holds the groups for the latter.
    """

    kind: str
    groups: tuple[str | int, ...] = ()

    @property
    def needs_user(self) -> bool:
        """Whether an authenticated user is needed."""
        return self.kind in (ALL, "groups")


def parse_authorize(value: Any, where: str = "route") -> Authorization:
    """Check and normalize an ``authorize=`` value.

    :param value: a group name or number, a special value, or a list.
    :param where: the route, for messages.
    :return: the parsed rule.
    :raises ConfigError: (500) on an empty list, a value of the wrong type
        or a special value mixed with others.
    """
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    if not items:
        raise ConfigError(f"{where}: authorize is an empty list")

    for item in items:
        if isinstance(item, bool) or not isinstance(item, (str, int)):
            raise ConfigError(f"{where}: authorize expects group names, "
                              f"numbers or ANY/ALL/NONE, got {item!r:.40}")

    specials = [i for i in items if i in SPECIALS]
    if specials:
        if len(items) > 1:
            raise ConfigError(f"{where}: {specials[0]} cannot be combined "
                              "with other authorize values")
        # the constant itself, so that callers may compare by identity
        return Authorization(SPECIALS[SPECIALS.index(specials[0])])

    return Authorization("groups", tuple(dict.fromkeys(items)))
