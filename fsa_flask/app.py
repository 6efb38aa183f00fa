"""``Flask`` and ``Blueprint`` with the extended route decorator."""

from __future__ import annotations

import flask

from fsa_common.extension import BlueprintMixin, HostAppMixin

from .extension import FlaskSimpleAuth, make_view


class Flask(HostAppMixin, flask.Flask):
    """A ``flask.Flask`` with the library installed as ``self.fsa``.

    ``route`` and its shortcuts take ``authorize``, ``auth``, ``required``
    and ``allparams``; the methods of :class:`FlaskSimpleAuth` are
    available on the application, with plain (not async) results.
    """

    extension_class = FlaskSimpleAuth


class Blueprint(BlueprintMixin, flask.Blueprint):
    """A ``flask.Blueprint`` whose ``route`` takes the extended keywords.

    Its views are checked by the extension of the application the
    blueprint is registered on.
    """

    make_view = staticmethod(make_view)
