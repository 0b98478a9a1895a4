"""gunicorn run with the project's gunicorn.conf.py (as the production image runs it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import requests

from bench.common import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent


def test_gunicorn_sends_no_server_header():
    port = free_port()
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(  # noqa: S603 - our own config, loopback only
        [gunicorn, "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{port}", "-w", "1", "tests.fakes.hello_wsgi"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:

        def answers() -> bool:
            try:
                return requests.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200
            except requests.RequestException:
                return False

        assert wait_for(answers, 30)
        response = requests.get(f"http://127.0.0.1:{port}/", timeout=5)
        assert response.text == "ok"
        assert "Server" not in response.headers
        assert "gunicorn" not in str(response.headers).lower()
        assert response.headers["Date"] and response.headers["Connection"]
    finally:
        process.terminate()
        process.wait(timeout=10)
