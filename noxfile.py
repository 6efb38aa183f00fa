"""Development sessions: ``python3 -m nox -s tests`` runs the whole suite.

Each session installs what it needs in its own virtual environment.
"""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint"]
nox.options.default_venv_backend = "venv"

RUNTIME = ".[all]"
SERVERS = ["waitress>=3", "hypercorn>=0.16"]
TESTING = ["pytest>=8", "pytest-cov>=5", "asgiref>=3.7", "httpx>=0.27"]


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite on both backends, with coverage of the core."""
    session.install(RUNTIME, *SERVERS, *TESTING)
    session.run("pytest", "--cov", "--cov-report=", *session.posargs)
    session.run("coverage", "report", "--include=fsa_common/*",
                "--fail-under=90")
    session.run("coverage", "report", "--include=fsa_flask/*,fsa_quart/*")


@nox.session
def lint(session: nox.Session) -> None:
    """Check style with ruff."""
    session.install("ruff>=0.5")
    session.run("ruff", "check", "fsa_common", "fsa_flask", "fsa_quart",
                "tests", "bench", "demo", "docs", "noxfile.py")


@nox.session
def demo(session: nox.Session) -> None:
    """Serve the demo: ``-- --backend quart --config jwt --port 5000``."""
    session.install(RUNTIME, *SERVERS)
    session.run("python", "-m", "demo", "serve", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Request rates of protected routes as ratios to bare routes."""
    session.install(RUNTIME)
    session.run("python", "bench/bench.py", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site; any warning fails the build."""
    session.install(RUNTIME, "mkdocs>=1.6")
    session.run("python", "docs/gen_reference.py")
    session.run("mkdocs", "build", "--strict", "--site-dir", "site")
