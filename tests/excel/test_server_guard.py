"""`kaikaku serve` beyond loopback refuses to start without a shared secret or an xlwings auth provider (a real
process; the request guards are tested in-process in tests/excel/xlwings_book/test_server_guard.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kaikaku_xl.excel import server_guard

SECRET = "s3cret-for-tests-0123456789"


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XLWINGS", "KAIKAKU_SERVER"))}
    return {**env, **extra}


def test_serving_beyond_loopback_without_a_secret_is_refused() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kaikaku_xl.cli", "serve", "--host", "0.0.0.0", "--port", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        env=clean_env(),
    )
    assert result.returncode == 2
    assert (
        server_guard.SECRET_ENV in result.stderr and "認証" in result.stderr and "127.0.0.1" in result.stderr
    )
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("host", "env", "ok"),
    [
        ("127.0.0.1", {}, True),
        ("localhost", {}, True),
        ("::1", {}, True),
        ("0.0.0.0", {}, False),
        ("192.168.1.10", {}, False),
        ("kaikaku.example.jp", {}, False),
        ("0.0.0.0", {server_guard.SECRET_ENV: SECRET}, True),
        ("0.0.0.0", {server_guard.SECRET_ENV: "short"}, False),
        ("0.0.0.0", {"XLWINGS_AUTH_PROVIDERS": '["entraid"]'}, True),
    ],
)
def test_which_hosts_need_auth(host: str, env: dict[str, str], ok: bool) -> None:
    if ok:
        server_guard.require_auth_for(host, env)
    else:
        with pytest.raises(server_guard.ServerGuardError):
            server_guard.require_auth_for(host, env)
