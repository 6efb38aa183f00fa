"""The demo under its real servers (waitress, hypercorn) on loopback,
driven over HTTP by its client script, for every backend and
configuration."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
READY = re.compile(r"ready on (http://127\.0\.0\.1:\d+)")


def _start(backend: str, config: str, db: Path, log: Path
           ) -> tuple[subprocess.Popen[bytes], str]:
    out = log.open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "demo", "serve", "--backend", backend,
         "--config", config, "--port", "0", "--db", str(db)],
        cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        match = READY.search(log.read_text(errors="replace"))
        if match:
            return server, match.group(1)
        if server.poll() is not None:
            break
        time.sleep(0.1)
    server.kill()
    raise AssertionError("demo server did not start:\n" + log.read_text())


@pytest.mark.parametrize("config", ["basic", "param", "token", "jwt"])
@pytest.mark.parametrize("backend", ["flask", "quart"])
def test_demo_client_passes(backend: str, config: str,
                            tmp_path: Path) -> None:
    server, url = _start(backend, config, tmp_path / "demo.db",
                         tmp_path / "server.log")
    try:
        client = subprocess.run(
            [sys.executable, "-m", "demo.client", "--url", url,
             "--config", config],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
            env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()

    assert client.returncode == 0, client.stdout + client.stderr
    assert "ok   POST /register -> 201" in client.stdout
    assert "401" in client.stdout and "403" in client.stdout
