"""`kaikaku serve` closes a connection whose request head does not arrive in time (issue 21, Low): uvicorn has no
such timeout (its keep-alive timeout runs only between requests), so an anonymous caller sending part of its
headers held a connection for over 80 s. A whole request is still answered, also a second one on the same
connection."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("uvicorn")
pytest.importorskip("h11")

import uvicorn  # noqa: E402

from kaikaku_xl.excel import server  # noqa: E402

DEADLINE = 0.5


async def _hello(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture
def port(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    monkeypatch.setattr(server, "HEADER_TIMEOUT_SECONDS", DEADLINE)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    config = uvicorn.Config(
        _hello,
        host="127.0.0.1",
        port=free,
        http=server.header_deadline_protocol(),
        log_level="error",
        lifespan="off",
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(200):
        if running.started:
            break
        time.sleep(0.02)
    yield free
    running.should_exit = True
    thread.join(timeout=5)


def _closed_after(conn: socket.socket, limit: float) -> float | None:
    """Seconds until the server closed the connection (None if still open after `limit`)."""
    started = time.monotonic()
    conn.settimeout(limit)
    try:
        while conn.recv(1024):
            pass
    except TimeoutError:
        return None
    return time.monotonic() - started


def test_an_unfinished_head_is_closed_at_the_deadline(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        time.sleep(DEADLINE / 2)
        conn.sendall(b"a")  # a trickled byte does not restart the deadline
        closed = _closed_after(conn, DEADLINE * 6)
    assert closed is not None and closed < DEADLINE * 3


def test_a_silent_connection_is_closed_at_the_deadline(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as conn:
        closed = _closed_after(conn, DEADLINE * 6)
    assert closed is not None


def test_whole_requests_are_answered_also_on_a_kept_alive_connection(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.settimeout(5)
        for _ in range(2):
            conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            reply = b""
            while not reply.endswith(b"ok"):
                reply += conn.recv(1024)
            assert reply.startswith(b"HTTP/1.1 200")
