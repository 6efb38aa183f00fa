"""fsa_quart: authentication, authorization and typed parameters for
Quart, driven by ``FSA_*`` configuration, with async hooks.

One import line serves a small application: the library's names and the
Quart names an application usually needs next to them.
"""

from quart import (
    Response,
    abort,
    current_app,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from fsa_common import (
    ALL,
    ANY,
    NONE,
    CacheOK,
    ConfigError,
    FSAError,
    Reference,
    path,
    string,
)

from .app import Blueprint, Quart
from .extension import QuartSimpleAuth

__all__ = [
    "ALL", "ANY", "NONE", "Blueprint", "CacheOK", "ConfigError", "FSAError",
    "QuartSimpleAuth", "Quart", "Reference", "Response", "abort",
    "current_app", "g", "jsonify", "make_response", "path", "redirect",
    "render_template", "request", "session", "string", "url_for",
]
