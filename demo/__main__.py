"""Command line of the demo: serve it, or sign a token.

    python -m demo serve --backend flask|quart --config NAME --port 5000
    python -m demo token USER --config token

``serve`` listens on 127.0.0.1 only, with waitress for Flask and hypercorn
for Quart, and logs one ``ready on http://...`` line once requests can be
answered.  ``--port 0`` picks a free port, shown in that line.
"""

import argparse
import asyncio
import logging
import signal
import socket
import sys
from types import FrameType

from demo import config, tokens

HOST = "127.0.0.1"

log = logging.getLogger("demo")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the process exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(message)s"
    )
    if args.command == "token":
        print(tokens.make_token(args.user, args.config, args.backend))
        return 0

    try:
        if args.backend == "flask":
            _serve_flask(args.config, args.port, args.db)
        else:
            asyncio.run(_serve_quart(args.config, args.port, args.db))
    except OSError as error:
        log.error("cannot listen on %s:%s (%s); choose another port with "
                  "--port, or --port 0 for any free one", HOST, args.port,
                  error.strerror or error)
        return 1

    return 0


def _parser() -> argparse.ArgumentParser:
    """Describe both sub-commands."""
    parser = argparse.ArgumentParser(prog="python -m demo")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the demo server")
    serve.add_argument("--backend", choices=tokens.BACKENDS, default="flask")
    serve.add_argument("--config", choices=config.CONFIG_NAMES,
                       default="basic")
    serve.add_argument("--port", type=int, default=5000,
                       help="port on 127.0.0.1, 0 for any free one")
    serve.add_argument("--db", help="SQLite file (default: DEMO_DB or a "
                       "per-config file in the temporary directory)")
    token = commands.add_parser("token", help="print a token for a user")
    token.add_argument("user")
    token.add_argument("--config", choices=config.CONFIG_NAMES,
                       default="token")
    token.add_argument("--backend", choices=tokens.BACKENDS, default="flask")
    return parser


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    """Turn SIGTERM into a normal exit so that the server closes."""
    sys.exit(0)


def _serve_flask(config_name: str, port: int, db_path: str | None) -> None:
    """Serve the Flask app with waitress until SIGINT or SIGTERM."""
    import waitress

    from demo import flask_app

    app = flask_app.create_app(config_name, db_path=db_path)
    server = waitress.create_server(app, host=HOST, port=port, threads=8)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    log.info("flask backend, %s config, db %s", config_name,
             app.config["DEMO_DB"])
    log.info("ready on http://%s:%s", HOST, server.effective_port)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


async def _serve_quart(
    config_name: str, port: int, db_path: str | None
) -> None:
    """Serve the Quart app with hypercorn until SIGINT or SIGTERM."""
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    from demo import quart_app

    app = quart_app.create_app(config_name, db_path=db_path)
    # Bind here rather than in hypercorn, to know the port before it runs.
    sock = socket.create_server((HOST, port))
    url = f"http://{HOST}:{sock.getsockname()[1]}"
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)

    async def ready_until_stopped() -> None:
        # Hypercorn awaits its shutdown trigger once the app has started
        # (seeding done) and its listeners accept connections.
        log.info("ready on %s", url)
        await stop.wait()

    hyper = Config()
    hyper.bind = [f"fd://{sock.detach()}"]
    # A logger, not a file name: lines go through our root handler once.
    hyper.errorlog = logging.getLogger("hypercorn.error")
    log.info("quart backend, %s config, db %s", config_name,
             app.config["DEMO_DB"])
    await serve(app, hyper, shutdown_trigger=ready_until_stopped)


if __name__ == "__main__":
    sys.exit(main())
