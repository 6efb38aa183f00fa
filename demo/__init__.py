"""A small demonstration application for fsa-auth.

The same REST service (users, a ``stuff`` resource, an admin listing and
a self-service password change) is written twice, once on ``fsa_flask``
(:mod:`demo.flask_app`) and once on ``fsa_quart`` (:mod:`demo.quart_app`),
over one SQLite store (:mod:`demo.db`).  The authentication scheme lives
only in the configuration files under ``demo/conf``.

Run ``python -m demo serve`` for a server and ``python -m demo.client``
to drive it over HTTP; see ``demo/README.md``.  Importing this package
imports neither Flask nor Quart, so the client stays standard-library
only except where the token configuration needs to sign a token.
"""
