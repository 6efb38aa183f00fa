"""fsa_flask: authentication, authorization and typed parameters for
Flask, driven by ``FSA_*`` configuration.

One import line serves a small application: the library's names and the
Flask names an application usually needs next to them.
"""

from flask import (
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

from .app import Blueprint, Flask
from .extension import FlaskSimpleAuth

__all__ = [
    "ALL", "ANY", "NONE", "Blueprint", "CacheOK", "ConfigError", "FSAError",
    "Flask", "FlaskSimpleAuth", "Reference", "Response", "abort",
    "current_app", "g", "jsonify", "make_response", "path", "redirect",
    "render_template", "request", "session", "string", "url_for",
]
