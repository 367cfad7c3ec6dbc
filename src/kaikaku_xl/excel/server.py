"""`kaikaku serve`: the UDFs and macros for Excel through Office.js, served by xlwings Server (PyPI xlwings-server).

xlwings Server finds a project through the environment: XLWINGS_PROJECT_DIR names a folder that it puts on
sys.path, from which it imports `custom_functions` and `custom_scripts` and takes templates/taskpane.html. Ours is
`officejs/` beside this file: its two packages only re-export `kaikaku_udfs` and `kaikaku_xl.excel.macros`.
Other settings come from XLWINGS_* variables (set here only where the administrator has not set them).
xlwings must not have been imported before: it chooses its server decorators at import (XLWINGS_ON_SERVER).

Office.js only talks to HTTPS: give a certificate (certfile/keyfile) or run behind an HTTPS reverse proxy.
xlwings Server and its xlwings PRO parts are licensed under PolyForm Noncommercial 1.0.0, which counts use by a
government institution as a permitted purpose; the key "noncommercial" says so (docs/office_js_ja.md).
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import sys
from collections.abc import MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING

from kaikaku_xl.errors import KaikakuError

if TYPE_CHECKING:
    from kaikaku_xl.excel.server_guard import ASGIApp

PROJECT_DIR = Path(__file__).resolve().with_name("officejs")

DEFAULTS = {
    "XLWINGS_LICENSE_KEY": "noncommercial",  # PolyForm Noncommercial 1.0.0: government use is permitted
    "XLWINGS_FUNCTIONS_NAMESPACE": "KAIKAKU",  # Office.js formulas: =KAIKAKU.KK_PROGRESS(...)
    "XLWINGS_PROJECT_NAME": "kaikaku-xl",
    "XLWINGS_ENVIRONMENT": "prod",
    "XLWINGS_ENABLE_EXAMPLES": "false",
}
# The add-in's own ids (generated once for kaikaku-xl, kept here): xlwings Server's built-in ids are shared by
# every xlwings add-in, which would clash in the city's Microsoft 365 add-in catalogue.
MANIFEST_IDS = {
    "dev": "92d3fb8d-9cd8-40a1-9086-a162acef8bfc",
    "qa": "680bf1c2-3e16-4235-b321-880d4bf20f48",
    "uat": "8bfe6617-2eb9-4792-bd1a-2cc397c9aa6e",
    "staging": "a67b785e-96c8-4408-8cb5-a7869c9635c1",
    "prod": "7333e6da-793a-421f-bc54-4e04ff52cdcd",
}
DEFAULTS |= {f"XLWINGS_MANIFEST_ID_{env.upper()}": uid for env, uid in MANIFEST_IDS.items()}


# uvicorn has no timeout for a request's head (its timeout_keep_alive runs only between requests, and any byte
# received cancels it; uvicorn issue #157 "--timeout-request-start" is still open): a caller that sends part of
# its headers and then trickles or waits would hold a connection for as long as it likes. The server's own
# protocol (header_deadline_protocol) closes a connection whose request head is not complete this many seconds
# after the connection was made or the previous response was sent.
HEADER_TIMEOUT_SECONDS = 10.0


def header_deadline_protocol() -> type[asyncio.Protocol]:
    """uvicorn's h11 protocol with a deadline for each request head (HEADER_TIMEOUT_SECONDS)."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeaderDeadlineProtocol(H11Protocol):
        _head_deadline: asyncio.TimerHandle | None = None

        def _arm(self) -> None:
            self._disarm()
            self._head_deadline = self.loop.call_later(HEADER_TIMEOUT_SECONDS, self._head_too_slow)

        def _disarm(self) -> None:
            if self._head_deadline is not None:
                self._head_deadline.cancel()
                self._head_deadline = None

        def _head_too_slow(self) -> None:
            self._head_deadline = None
            if not self.transport.is_closing():
                self.logger.warning(
                    "リクエストの見出しが %s 秒以内に届かないため、接続を閉じました。", HEADER_TIMEOUT_SECONDS
                )
                self.transport.close()

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE:  # the whole head arrived (h11 holds a partial one back)
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
                self._arm()  # the next request's head on this kept-alive connection

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

    return HeaderDeadlineProtocol


class ServerSetupError(KaikakuError, RuntimeError):
    """xlwings Server cannot start in this process; the message says why (Japanese)."""


def configure(environ: MutableMapping[str, str] | None = None) -> Path:
    """Point xlwings Server at our project folder and set its defaults; returns the project folder."""
    env = os.environ if environ is None else environ
    if "xlwings" in sys.modules and env.get("XLWINGS_ON_SERVER") != "true":
        raise ServerSetupError(
            "xlwings が先に読み込まれているため、サーバーとして起動できません。"
            "新しいプロセスで kaikaku serve を実行してください。"
        )
    env.setdefault("XLWINGS_PROJECT_DIR", str(PROJECT_DIR))
    for key, value in DEFAULTS.items():
        env.setdefault(key, value)
    env["XLWINGS_ON_SERVER"] = "true"
    return Path(env["XLWINGS_PROJECT_DIR"])


def check_not_configured_elsewhere(project_dir: Path) -> None:
    """xlwings Server reads its settings once, at its first import: refuse to serve its defaults silently."""
    config = sys.modules.get("xlwings_server.config")
    if config is not None and Path(config.PROJECT_DIR).resolve() != project_dir.resolve():
        raise ServerSetupError(
            "xlwings Server が kaikaku-xl の設定より先に読み込まれています（マニフェストと作業ウィンドウが"
            "xlwings の既定のものになります）。新しいプロセスで kaikaku serve を実行してください。"
        )


def app() -> ASGIApp:
    """The ASGI app of xlwings Server with kaikaku-xl's functions and scripts (for uvicorn or TestClient)."""
    check_not_configured_elsewhere(configure())
    import xlwings_server.config  # noqa: F401  (must come before xlwings)
    from xlwings_server.main import main_app

    from kaikaku_xl.excel.jsnull import install
    from kaikaku_xl.excel.server_guard import protect

    install()  # xlwings 0.37.8 tries a failing import per cell outside Pyodide: jsnull.py
    return protect(main_app)


def serve(
    host: str = "127.0.0.1", port: int = 8000, *, certfile: str | None = None, keyfile: str | None = None
) -> None:
    """Run the server (uvicorn). Without certfile/keyfile it speaks HTTP: put an HTTPS proxy in front."""
    # Only look for the packages here: importing xlwings_server would fix its settings before configure() runs.
    if importlib.util.find_spec("xlwings_server") is None or importlib.util.find_spec("uvicorn") is None:
        raise ServerSetupError(
            'xlwings Server がインストールされていません: pip install "kaikaku-xl[server]"'
        )
    from kaikaku_xl.excel.server_guard import require_auth_for

    require_auth_for(host)  # before anything listens: beyond loopback only with a secret or auth provider
    application = app()
    import uvicorn

    scheme = "https" if certfile and keyfile else "http"
    print(
        f"kaikaku-xl サーバー: {scheme}://{host}:{port}/  （マニフェスト: {scheme}://{host}:{port}/manifest/download）"
    )
    if scheme == "http":
        print(
            "注意: Office.js のアドインは HTTPS が必要です。証明書を指定するか、HTTPS のリバースプロキシ経由で公開してください。"
        )
    uvicorn.run(
        application,
        host=host,
        port=port,
        ssl_certfile=certfile,
        ssl_keyfile=keyfile,
        http=header_deadline_protocol(),  # a deadline for every request's head: see HEADER_TIMEOUT_SECONDS
    )
