"""`kaikaku serve` started as a real process on a free loopback port, fetched over HTTP like Excel would.

The in-process tests (tests/excel/xlwings_book/test_server.py) build the app after configuring it, so they missed that
the command imported xlwings Server before kaikaku-xl's settings were in place and served xlwings' defaults.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("xlwings_server")

from kaikaku_xl.excel import server  # noqa: E402

KAIKAKU = [sys.executable, "-m", "kaikaku_xl.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env() -> dict[str, str]:
    """The environment of a fresh shell: no XLWINGS_* left over from this test process."""
    return {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS")}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("wb") as out:
        # cwd is an empty folder: nothing there may stand in for kaikaku-xl's project
        proc = subprocess.Popen(
            [*KAIKAKU, "serve", "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=log.parent,
            env=clean_env(),
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/manifest", timeout=5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"kaikaku serve did not start:\n{log.read_text(errors='replace')}")
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        return response.read().decode("utf-8")


def test_manifest_names_kaikaku_with_its_own_id(base_url: str) -> None:
    text = fetch(f"{base_url}/manifest")
    assert re.search(r"<Id>(.*?)</Id>", text).group(1) == server.MANIFEST_IDS["prod"]
    assert '<DisplayName DefaultValue="kaikaku-xl" />' in text
    assert 'id="Functions.Namespace" DefaultValue="KAIKAKU"' in text
    assert "xlwings Server" not in text and "XLWINGS" not in text
    assert f"{base_url}/taskpane.html" in text


def test_taskpane_has_the_kaikaku_buttons(base_url: str) -> None:
    page = fetch(f"{base_url}/taskpane.html")
    assert 'xw-click="refresh"' in page and 'xw-click="validate"' in page
    assert "更新" in page and "検証" in page


def test_manifest_ids_are_valid_and_distinct() -> None:
    ids = list(server.MANIFEST_IDS.values())
    assert len(set(ids)) == len(ids) == 5
    assert all(
        re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", i) for i in ids
    )


def test_app_refuses_an_xlwings_server_configured_before_it(tmp_path: Path) -> None:
    """Imported first with its defaults, xlwings Server would serve its own add-in: a clear message instead."""
    code = (
        "import xlwings_server\nfrom kaikaku_xl.excel import server\n"
        "try:\n    server.app()\nexcept server.ServerSetupError as e:\n    print('REFUSED', e)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=clean_env(),
    )
    assert done.stdout.startswith("REFUSED") and "kaikaku serve" in done.stdout, done.stderr
