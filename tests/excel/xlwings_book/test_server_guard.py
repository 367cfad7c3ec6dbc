"""xlwings Server behind kaikaku-xl's guard (server_guard.py), in-process on the real app: the shared secret,
a request-size limit, Japanese 400s without a traceback for malformed requests, heavy calls off the event loop.
(The start-up refusal beyond loopback is a process test: tests/excel/test_server_guard.py.)"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import pytest

pytest.importorskip("xlwings_server")

import httpx  # noqa: E402
from book_model import function_call  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from kaikaku_xl.excel import server, server_guard  # noqa: E402

SECRET = "s3cret-for-tests-0123456789"


@pytest.fixture(scope="module")
def inner() -> Any:
    return server.app()


@pytest.fixture(scope="module")
def client(inner: Any) -> TestClient:
    return TestClient(inner, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def locked(inner: Any) -> TestClient:
    """The same app as it runs beyond loopback: with the shared secret set."""
    return TestClient(
        server_guard.guard(inner, {server_guard.SECRET_ENV: SECRET}), raise_server_exceptions=False
    )


# ---- the secret --------------------------------------------------------------------------------------------
def test_calls_without_the_secret_are_refused(locked: TestClient) -> None:
    response = locked.post(
        "/xlwings/custom-functions-call", json=function_call("kk_progress", [[150]], [[100]], [[200]])
    )
    assert response.status_code == 401
    assert "認証" in response.json()["detail"]
    wrong = locked.post(
        "/xlwings/custom-functions-call",
        json=function_call("kk_progress", [[150]], [[100]], [[200]]),
        headers={"Authorization": "Bearer wrong"},
    )
    assert wrong.status_code == 401
    right = locked.post(
        "/xlwings/custom-functions-call",
        json=function_call("kk_planned", [[100]], [[200]], [[2026]]),
        headers={"Authorization": f"Bearer {SECRET}"},
    )
    assert right.status_code == 200, right.text
    assert (
        locked.get("/manifest").status_code == 200
    )  # the manifest and task pane stay public (no data in them)


# ---- size limit ----------------------------------------------------------------------------------------------
def test_a_body_over_the_limit_is_refused_before_it_is_read(inner: Any) -> None:
    small = TestClient(
        server_guard.guard(inner, {server_guard.MAX_MB_ENV: "0.01"}), raise_server_exceptions=False
    )
    response = small.post(
        "/xlwings/custom-functions-call",
        content=b"[" + b"1," * 20_000 + b"1]",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert "大きすぎます" in response.json()["detail"]

    def chunks():  # noqa: ANN202 (no Content-Length: the guard counts as it reads)
        for _ in range(100):
            yield b" " * 1024

    response = small.post(
        "/xlwings/custom-functions-call", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


# ---- malformed requests --------------------------------------------------------------------------------------
@pytest.mark.parametrize("content", [b"{not json", b'{"func_name": ', b'{"a": "\xff"}'])
def test_malformed_json_is_a_japanese_400(
    client: TestClient, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        response = client.post(
            "/xlwings/custom-functions-call", content=content, headers={"content-type": "application/json"}
        )
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"] and "Traceback" not in response.text
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("payload", [{}, {"func_name": "KK_GRADE"}, [], {"func_name": 5, "args": "x"}])
def test_json_of_the_wrong_shape_is_a_japanese_400(
    client: TestClient, payload: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        response = client.post("/xlwings/custom-functions-call", json=payload)
    assert response.status_code == 400, response.text
    assert "リクエスト" in response.json()["detail"]
    assert "Traceback" not in response.text and "Traceback" not in caplog.text


# ---- heavy calls off the event loop ------------------------------------------------------------------------
def test_a_heavy_call_does_not_block_other_callers(inner: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from xlwings_server.routers import xlwings as router

    functions = [f for f in vars(router.custom_functions).values() if hasattr(f, "__xlfunc__")]
    scripts = [f for f in vars(router.custom_scripts).values() if hasattr(f, "__xlscript__")]
    assert functions and scripts
    assert all(server_guard.is_offloaded(f) for f in functions + scripts)  # server.app() did it
    slow = router.custom_functions.kk_planned
    original = slow.__wrapped__ if hasattr(slow, "__wrapped__") else slow

    def heavy(*args: Any, **kwargs: Any) -> Any:  # stands in for a 2.5 MB call's computation
        time.sleep(1.5)
        return original(*args, **kwargs)

    heavy.__xlfunc__ = original.__xlfunc__  # type: ignore[attr-defined]
    heavy.__signature__ = __import__("inspect").signature(original)  # type: ignore[attr-defined]
    monkeypatch.setattr(router.custom_functions, "kk_planned", heavy)
    server_guard.off_the_event_loop(router.custom_functions)

    async def both() -> tuple[float, float]:
        transport = httpx.ASGITransport(app=inner)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            began = time.monotonic()

            async def timed(payload: dict[str, Any]) -> float:
                response = await http.post("/xlwings/custom-functions-call", json=payload)
                assert response.status_code == 200, response.text
                return time.monotonic() - began

            heavy_task = asyncio.create_task(timed(function_call("kk_planned", [[100]], [[200]], [[2026]])))
            await asyncio.sleep(0.2)
            light = await timed(function_call("kk_progress", [[150]], [[100]], [[200]]))
            return await heavy_task, light

    heavy_time, light_time = asyncio.run(both())
    assert heavy_time >= 1.5
    assert light_time < 1.2, f"the light call waited for the heavy one ({light_time:.2f} s)"
