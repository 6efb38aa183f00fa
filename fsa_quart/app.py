"""``Quart`` and ``Blueprint`` with the extended route decorator."""

from __future__ import annotations

import quart

from fsa_common.extension import BlueprintMixin, HostAppMixin

from .extension import QuartSimpleAuth, make_view


class Quart(HostAppMixin, quart.Quart):
    """A ``quart.Quart`` with the library installed as ``self.fsa``.

    ``route`` and its shortcuts take ``authorize``, ``auth``, ``required``
    and ``allparams``.  ``get_user``, ``current_user``, ``create_token``,
    ``hash_password`` and ``check_password`` are coroutines.
    """

    extension_class = QuartSimpleAuth


class Blueprint(BlueprintMixin, quart.Blueprint):
    """A ``quart.Blueprint`` whose ``route`` takes the extended keywords.

    Its views are checked by the extension of the application the
    blueprint is registered on.
    """

    make_view = staticmethod(make_view)
