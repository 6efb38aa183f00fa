"""Request rates of protected routes, as ratios to a bare route.

Each application is called directly through its WSGI or ASGI entry point
with a prepared request, so the figures measure the framework and the
library, not an HTTP client.  The bare application declares the same
rules as the protected one, with plain views, so that routing costs the
same on both sides; CPU time is measured, not wall time.  Rounds
alternate between the bare route and the measured ones, and each figure
is the median over rounds of the ratio of a route's rate to the bare
rate of the same round, so that a noisy shared machine affects both
sides alike.  Only ratios are reported:
absolute rates say more about the machine than about the code.

Usage: ``python bench/bench.py [--requests N] [--rounds R]``
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

SECRET = "bench-secret-" + "x" * 32
TYPED_QUERY = "a=0x2A&b=3.25&c=true"
RULES = ("/token", "/typed")


def _hello() -> str:
    return "hello"


async def _ahello() -> str:
    return "hello"


def flask_apps() -> dict[str, tuple[Any, dict[str, Any]]]:
    """The Flask applications and the WSGI environ of each request."""
    import flask
    from werkzeug.test import EnvironBuilder

    import fsa_flask

    bare = flask.Flask("bare")
    for rule in RULES:
        bare.add_url_rule(rule, rule, _hello)

    app = fsa_flask.Flask("bench")
    app.config.update(FSA_AUTH="token", FSA_TOKEN_SECRET=SECRET)
    app.user_in_group(lambda user, group: group == "users")

    @app.get("/token", authorize="users")
    def token() -> str:
        return "hello"

    @app.get("/typed", authorize="ANY")
    def typed(a: int, b: float, c: bool) -> str:
        return "hello"

    with app.app_context():
        bearer = "Bearer " + app.create_token("calvin")

    def environ(rule: str, query: str = "", **headers: str
                ) -> dict[str, Any]:
        return EnvironBuilder(path=rule, query_string=query,
                              headers=headers).get_environ()

    # for scale: the same three conversions written by hand in a view
    hand = flask.Flask("hand")
    hand.add_url_rule("/token", "token", _hello)

    @hand.get("/typed")
    def hand_typed() -> str:
        args = flask.request.args
        values = (int(args["a"], 0), float(args["b"]),
                  args["c"].lower() not in ("", "0", "false", "f"))
        return "hello" if values else ""

    return {
        "bare": (bare, environ("/token")),
        "token": (app, environ("/token", Authorization=bearer)),
        "typed": (app, environ("/typed", TYPED_QUERY)),
        "hand": (hand, environ("/typed", TYPED_QUERY)),
    }


def wsgi_rate(app: Any, environ: dict[str, Any], count: int) -> float:
    """Requests per second of ``count`` calls of a WSGI application."""
    status: list[str] = []

    def start_response(s: str, headers: Any, exc: Any = None) -> None:
        status.append(s)

    start = time.process_time()
    for _ in range(count):
        body = app(dict(environ), start_response)
        for _chunk in body:
            pass
        getattr(body, "close", lambda: None)()
    elapsed = time.process_time() - start
    if not status[-1].startswith("200"):
        raise SystemExit(f"benchmark request failed: {status[-1]}")
    return count / elapsed


def quart_apps() -> dict[str, tuple[Any, dict[str, Any]]]:
    """The Quart applications and the ASGI scope of each request."""
    import quart

    import fsa_quart

    bare = quart.Quart("bare")
    for rule in RULES:
        bare.add_url_rule(rule, rule, _ahello)

    app = fsa_quart.Quart("bench")
    app.config.update(FSA_AUTH="token", FSA_TOKEN_SECRET=SECRET)

    @app.user_in_group
    async def in_group(user: str, group: str) -> bool:
        return group == "users"

    @app.get("/token", authorize="users")
    async def token() -> str:
        return "hello"

    @app.get("/typed", authorize="ANY")
    async def typed(a: int, b: float, c: bool) -> str:
        return "hello"

    async def make_token() -> str:
        async with app.app_context():
            return await app.create_token("calvin")

    bearer = "Bearer " + asyncio.run(make_token())

    def scope(rule: str, query: str = "", **headers: str) -> dict[str, Any]:
        raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        return {
            "type": "http", "asgi": {"version": "3.0"},
            "http_version": "1.1", "method": "GET", "scheme": "http",
            "path": rule, "raw_path": rule.encode(),
            "query_string": query.encode(), "root_path": "",
            "headers": [(b"host", b"localhost")] + raw,
            "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80),
            "extensions": {},
        }

    return {
        "bare": (bare, scope("/token")),
        "token": (app, scope("/token", Authorization=bearer)),
        "typed": (app, scope("/typed", TYPED_QUERY)),
    }


async def _asgi_rate(app: Any, scope: dict[str, Any], count: int) -> float:
    status: list[int] = []

    async def one() -> None:
        done = asyncio.Event()
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": b"",
                        "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            elif not message.get("more_body", False):
                done.set()

        await app(dict(scope), receive, send)

    start = time.process_time()
    for _ in range(count):
        await one()
    elapsed = time.process_time() - start
    if status[-1] != 200:
        raise SystemExit(f"benchmark request failed: {status[-1]}")
    return count / elapsed


def measure(apps: dict[str, tuple[Any, dict[str, Any]]],
            rate: Callable[[Any, dict[str, Any], int], float],
            count: int, rounds: int) -> dict[str, float]:
    """Rates of each app over many short interleaved rounds.

    :return: for each app other than ``bare``, the median over rounds of
        its rate divided by the bare rate of the same round: pairing the
        two cancels the machine's slow drifts, the median its spikes.
    """
    for app, request in apps.values():  # warm up: first request setup
        rate(app, request, max(count // 10, 10))

    rates: dict[str, list[float]] = {name: [] for name in apps}
    for _ in range(rounds):
        for name, (app, request) in apps.items():
            # as timeit does: no collection pauses inside a measure
            gc.collect()
            gc.disable()
            try:
                rates[name].append(rate(app, request, count))
            finally:
                gc.enable()

    bare = rates["bare"]
    return {
        name: statistics.median(
            r / b for r, b in zip(series, bare, strict=True))
        for name, series in rates.items() if name != "bare"
    }


def report(backend: str, ratios: dict[str, float],
           targets: dict[str, float]) -> bool:
    """Print the ratios; return whether all targets are met."""
    ok = True
    if "hand" in ratios:
        print(f"{backend:6} {'hand':6} {ratios['hand']:5.2f} of bare "
              "(typed parameters converted by hand, for scale)")
    for name, target in targets.items():
        ratio = ratios[name]
        met = ratio >= target
        ok &= met
        print(f"{backend:6} {name:6} {ratio:5.2f} of bare "
              f"(target {target:.2f}) {'ok' if met else 'BELOW TARGET'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300,
                        help="requests per round")
    parser.add_argument("--rounds", type=int, default=61)
    args = parser.parse_args()

    ok = report("flask", measure(flask_apps(), wsgi_rate, args.requests,
                                 args.rounds),
                {"token": 0.85, "typed": 0.80})

    def asgi_rate(app: Any, scope: dict[str, Any], count: int) -> float:
        return loop.run_until_complete(_asgi_rate(app, scope, count))

    loop = asyncio.new_event_loop()
    ok &= report("quart", measure(quart_apps(), asgi_rate,
                                  args.requests // 3, args.rounds),
                 {"token": 0.85, "typed": 0.80})
    loop.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
