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

import os
import sys
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().with_name("officejs")
REPO_UDFS = Path(__file__).resolve().parents[3] / "udfs"  # source checkout: <repo>/udfs/kaikaku_udfs

DEFAULTS = {
    "XLWINGS_LICENSE_KEY": "noncommercial",  # PolyForm Noncommercial 1.0.0: government use is permitted
    "XLWINGS_FUNCTIONS_NAMESPACE": "KAIKAKU",  # Office.js formulas: =KAIKAKU.KK_PROGRESS(...)
    "XLWINGS_PROJECT_NAME": "kaikaku-xl",
    "XLWINGS_ENVIRONMENT": "prod",
    "XLWINGS_ENABLE_EXAMPLES": "false",
}


class ServerSetupError(RuntimeError):
    """xlwings Server cannot start in this process; the message says why (Japanese)."""


def ensure_udfs_importable() -> None:
    """`kaikaku_udfs` is installed with the package; in a source checkout not yet reinstalled, use <repo>/udfs."""
    try:
        import kaikaku_udfs  # noqa: F401
    except ModuleNotFoundError:
        if (REPO_UDFS / "kaikaku_udfs").is_dir() and str(REPO_UDFS) not in sys.path:
            sys.path.append(str(REPO_UDFS))


def configure(environ: MutableMapping[str, str] | None = None) -> Path:
    """Point xlwings Server at our project folder and set its defaults; returns the project folder."""
    env = os.environ if environ is None else environ
    if "xlwings" in sys.modules and env.get("XLWINGS_ON_SERVER") != "true":
        raise ServerSetupError("xlwings が先に読み込まれているため、サーバーとして起動できません。"
                               "新しいプロセスで kaikaku serve を実行してください。")
    env.setdefault("XLWINGS_PROJECT_DIR", str(PROJECT_DIR))
    for key, value in DEFAULTS.items():
        env.setdefault(key, value)
    env["XLWINGS_ON_SERVER"] = "true"
    ensure_udfs_importable()
    return Path(env["XLWINGS_PROJECT_DIR"])


def app() -> Any:
    """The ASGI app of xlwings Server with kaikaku-xl's functions and scripts (for uvicorn or TestClient)."""
    configure()
    import xlwings_server.config  # noqa: F401  (must come before xlwings)
    from xlwings_server.main import main_app

    return main_app


def serve(host: str = "127.0.0.1", port: int = 8000, *, certfile: str | None = None,
          keyfile: str | None = None) -> None:
    """Run the server (uvicorn). Without certfile/keyfile it speaks HTTP: put an HTTPS proxy in front."""
    try:
        import uvicorn
        import xlwings_server  # noqa: F401
    except ModuleNotFoundError:
        raise ServerSetupError("xlwings Server がインストールされていません: pip install \"kaikaku-xl[server]\"") from None
    application = app()
    scheme = "https" if certfile and keyfile else "http"
    print(f"kaikaku-xl サーバー: {scheme}://{host}:{port}/  （マニフェスト: {scheme}://{host}:{port}/manifest/download）")
    if scheme == "http":
        print("注意: Office.js のアドインは HTTPS が必要です。証明書を指定するか、HTTPS のリバースプロキシ経由で公開してください。")
    uvicorn.run(application, host=host, port=port, ssl_certfile=certfile, ssl_keyfile=keyfile)
