"""``moneytrail serve`` as a user runs it: a real process listening on loopback only."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx

from tests.web.conftest import Team


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_listens_on_loopback_and_serves_the_login_page(team: Team) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moneytrail", "serve", "-w", str(team.folder), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.communicate()[1]
                assert time.monotonic() < deadline, "server did not start in 60 s"
                time.sleep(0.3)
        assert answer.json() == {"status": "ok"}
        login = httpx.get(f"http://127.0.0.1:{port}/login", timeout=5)
        assert "Connexion" in login.text
        assert "Secure" in login.headers["set-cookie"] and "HttpOnly" in login.headers["set-cookie"]
        assert "script-src 'self'" in login.headers["content-security-policy"]
        listening = {c.laddr for c in _connections(server.pid)}
        assert all(addr.ip == "127.0.0.1" for addr in listening), listening
    finally:
        server.terminate()
        server.wait(timeout=30)


def _connections(pid: int) -> list:  # type: ignore[type-arg]
    import psutil

    return [c for c in psutil.Process(pid).net_connections("tcp") if c.status == "LISTEN"]


def test_serve_check_says_what_it_found(team: Team) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "moneytrail",
            "--lang",
            "en",
            "serve",
            "-w",
            str(team.folder),
            "--check",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Ready: workspace" in done.stdout and "5 accounts" in done.stdout
