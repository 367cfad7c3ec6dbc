"""What `kaikaku serve` requires before it answers anyone: a shared secret (or xlwings Server's own auth providers)
whenever it listens beyond this PC, a request-size limit, Japanese 400s for malformed requests (never a traceback
to the caller), and UDFs/scripts run in worker threads so one heavy call does not stop every other caller.

    app = guard(main_app)            # an ASGI wrapper around xlwings Server
    require_auth_for(host)          # before listening: refuses 0.0.0.0 etc. without a secret

Settings (environment, set by the administrator):
    KAIKAKU_SERVER_SECRET    the shared secret; Excel's add-in sends it as `Authorization: Bearer <secret>`
    XLWINGS_AUTH_PROVIDERS   xlwings Server's own auth (e.g. ["entraid"]): accepted instead of the secret
    KAIKAKU_SERVER_MAX_MB    the largest request body accepted (default 20 MB)
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import inspect
import ipaddress
import json
import logging
import math
import os
import weakref
from collections.abc import Awaitable, Callable, MutableMapping
from types import ModuleType
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from kaikaku_xl.errors import KaikakuError

if TYPE_CHECKING:  # the `server` extra: imported only when xlwings Server runs
    from fastapi import FastAPI
    from starlette.requests import Request
    from starlette.responses import Response

SECRET_ENV = "KAIKAKU_SERVER_SECRET"
MAX_MB_ENV = "KAIKAKU_SERVER_MAX_MB"
DEFAULT_MAX_MB = 20.0
MIN_SECRET_CHARS = 16
PUBLIC_GET = (
    "/static/",
    "/manifest",
    "/taskpane",
    "/favicon",
    "/xlwings/custom-functions-meta",
    "/xlwings/custom-functions-code",
    "/xlwings/custom-scripts-meta",
    "/",
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

P = ParamSpec("P")
R = TypeVar("R")

logger = logging.getLogger("kaikaku_xl.server")


class ServerGuardError(KaikakuError):
    """The server must not start as configured; the message says what to set (Japanese)."""


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve to anything


AUTH_PROVIDERS_ENV = "XLWINGS_AUTH_PROVIDERS"


def _auth_providers(env: MutableMapping[str, str]) -> list[str]:
    """The auth providers xlwings Server is given: a JSON list of names (as it reads the variable; anything else
    stops it at start with a traceback). An empty name is no provider."""
    raw = env.get(AUTH_PROVIDERS_ENV, "").strip()
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ServerGuardError(
            f"環境変数 {AUTH_PROVIDERS_ENV} の値 {raw!r} を読めません。JSON の配列で指定してください"
            f"（例: PowerShell で $env:{AUTH_PROVIDERS_ENV} = '[\"entraid\"]'）。使わない場合は設定を削除してください。"
        )
    return [v for v in value if v.strip()]


def require_auth_for(host: str, env: MutableMapping[str, str] | None = None) -> None:
    """Refuse to listen beyond loopback without a secret or an xlwings auth provider; refuse an auth provider
    setting xlwings Server cannot read, wherever it listens."""
    env = os.environ if env is None else env
    providers = _auth_providers(env)
    if is_loopback(host):
        return
    secret = env.get(SECRET_ENV, "")
    if secret and len(secret) < MIN_SECRET_CHARS:
        raise ServerGuardError(f"{SECRET_ENV} が短すぎます（{MIN_SECRET_CHARS} 文字以上にしてください）。")
    if not secret and not providers:
        raise ServerGuardError(
            f"--host {host} はこの PC 以外からも接続できるため、認証なしでは起動しません。"
            f"共有シークレットを環境変数 {SECRET_ENV} に設定する（例: PowerShell で "
            f'$env:{SECRET_ENV} = "<16文字以上のランダムな文字列>"）か、xlwings Server の認証'
            '（XLWINGS_AUTH_PROVIDERS、例: ["entraid"]）を設定してから起動してください。'
            "この PC だけで使う場合は --host 127.0.0.1 にしてください。"
        )


def _max_bytes(env: MutableMapping[str, str]) -> int:
    """The request-size limit in bytes; the default where the setting is not a positive, finite number."""
    try:
        mb = float(env.get(MAX_MB_ENV, DEFAULT_MAX_MB))
    except ValueError:
        mb = DEFAULT_MAX_MB
    if not math.isfinite(mb) or mb <= 0:
        mb = DEFAULT_MAX_MB
    return int(mb * 1024 * 1024)


async def _reply(
    send: Send, status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps({"detail": message}, ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


BAD_JSON = "リクエストの形式が正しくありません（JSON として読めません）。アドインを再読み込みしてから、もう一度実行してください。"
BODY_NOT_PARSED = "There was an error parsing the body"  # FastAPI's detail when the body is not JSON
BAD_REQUEST = "リクエストの内容が正しくありません（必要な項目がないか、型が違います）。アドインを再読み込みしてから、もう一度実行してください。"
TOO_LARGE = "送信されたデータが大きすぎます（上限 {mb:g} MB）。範囲を小さくするか、管理者に {env} の設定を相談してください。"
UNAUTHORIZED = "認証されていません。アドインに設定された共有シークレット（管理者が配布）を確認してください。"
FAILED = (
    "サーバーで処理できませんでした。しばらくしてからもう一度実行し、続く場合は管理者に連絡してください。"
)


def guard(app: ASGIApp, env: MutableMapping[str, str] | None = None) -> ASGIApp:
    """Wrap an ASGI app: secret check, size limit, JSON check, and no traceback ever reaches the caller."""
    env = os.environ if env is None else env
    secret = env.get(SECRET_ENV, "")
    limit = _max_bytes(env)

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await _pass_other(app, scope, receive, send, secret)
            return
        refusal = _refusal(scope, secret, limit)
        if refusal is not None:
            await _reply(send, *refusal)
            return
        if scope.get("method", "GET") in WITH_BODY:
            body = await _read_body(receive, send, limit)
            if body is None:
                return
            receive = _replaying(body, receive)
        await _answer(app, scope, receive, send)

    return guarded


WITH_BODY = ("POST", "PUT", "PATCH")


async def _pass_other(app: ASGIApp, scope: Scope, receive: Receive, send: Send, secret: str) -> None:
    """Lifespan and websocket scopes: a websocket (socket.io) needs the same secret, or gets no connection."""
    if scope["type"] == "websocket" and secret and not _authorized(scope, secret):
        await send({"type": "websocket.close", "code": 1008})
        return
    await app(scope, receive, send)


def _refusal(scope: Scope, secret: str, limit: int) -> tuple[int, str, list[tuple[bytes, bytes]]] | None:
    """(status, message, headers) of a request refused before its body is read: no secret, or too large."""
    method, path = scope.get("method", "GET"), scope.get("path", "")
    if secret and not (method in ("GET", "HEAD") and _public(path)) and not _authorized(scope, secret):
        return 401, UNAUTHORIZED, [(b"www-authenticate", b"Bearer")]
    declared = _content_length(scope)
    if declared is not None and declared > limit:
        return 413, _too_large(limit), []
    return None


def _too_large(limit: int) -> str:
    return TOO_LARGE.format(mb=limit / 1024 / 1024, env=MAX_MB_ENV)


async def _read_body(receive: Receive, send: Send, limit: int) -> bytes | None:
    """The whole body, read up to the limit; None when the caller left or the body passed the limit (answered
    413 here: a chunked body declares no Content-Length).

    Malformed JSON is answered by the handlers below when FastAPI parses the body: parsing it here too cost a
    second parse and a full garbage collection (+60 ms per 10,000-row call, bench/udfs.py)."""
    chunks: list[bytes] = []
    size, more = 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            await _reply(send, 413, _too_large(limit))
            return None
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the app the body already read, once, then whatever the client sends next."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _answer(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Run the app; a failure is logged in one line and the caller gets a sentence, never a traceback (a 500
    only where the app had not started its answer)."""
    started = False

    async def tracking_send(message: Message) -> None:
        nonlocal started
        if message["type"] == "http.response.start":
            started = True
        await send(message)

    try:
        await app(scope, receive, tracking_send)
    except Exception as exc:
        logger.warning(
            "request %s %s failed: %s", scope.get("method", "GET"), scope.get("path", ""), type(exc).__name__
        )
        if not started:
            await _reply(send, 500, FAILED)


def _public(path: str) -> bool:
    return path == "/" or any(path.startswith(p) for p in PUBLIC_GET if p != "/")


def _authorized(scope: Scope, secret: str) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            token = value.decode("latin-1").strip()
            token = token[7:].strip() if token.lower().startswith("bearer ") else token
            return hmac.compare_digest(token.encode(), secret.encode())
    return False


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def install_bad_request_handlers(fastapi_app: FastAPI) -> None:
    """Malformed requests answer 400 in Japanese: a body that is not JSON (FastAPI's own parse of it), and JSON
    that lacks fields (KeyError, TypeError...). Other HTTP errors keep FastAPI's own answer."""
    from fastapi.exception_handlers import http_exception_handler
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from starlette.exceptions import HTTPException

    async def bad_request(_request: Request, exc: Exception) -> Response:
        unreadable = isinstance(exc, RequestValidationError) and any(
            error.get("type") == "json_invalid" for error in exc.errors()
        )
        logger.warning("bad request: %s", "json_invalid" if unreadable else type(exc).__name__)
        return JSONResponse({"detail": BAD_JSON if unreadable else BAD_REQUEST}, status_code=400)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)  # registered for HTTPException only
        if exc.status_code == 400 and exc.detail == BODY_NOT_PARSED:  # e.g. bytes that are not UTF-8
            logger.warning("bad request: body not parsed")
            return JSONResponse({"detail": BAD_JSON}, status_code=400)
        return await http_exception_handler(request, exc)

    for kind in (KeyError, TypeError, IndexError, AttributeError, ValueError, RequestValidationError):
        fastapi_app.add_exception_handler(kind, bad_request)
    fastapi_app.add_exception_handler(HTTPException, http_error)


def off_the_event_loop(*modules: ModuleType) -> None:
    """xlwings Server calls plain (sync) functions on its event loop: one heavy call blocks every caller.
    Each @xw.func/@xw.script function of these modules is replaced by an async wrapper that runs it in a worker
    thread; functools.wraps keeps the xlwings metadata and the signature xlwings reads."""
    for module in modules:
        for name, func in list(vars(module).items()):
            if not callable(func) or not (hasattr(func, "__xlfunc__") or hasattr(func, "__xlscript__")):
                continue
            if hasattr(func, "__xlscript__"):
                _offload_script(func)
                continue
            if (
                inspect.iscoroutinefunction(func)
                or inspect.isasyncgenfunction(func)
                or inspect.isgeneratorfunction(func)
                or is_offloaded(func)
            ):
                continue
            setattr(module, name, _offloaded(func))


def _offload_script(wrapper: Callable[..., Any]) -> None:
    """@xw.script already returns an async wrapper that calls the sync script inline (on the event loop); the
    script it closes over (`func`) is swapped for a threaded one, which the wrapper awaits. Left alone if a later
    xlwings names it differently."""
    code = getattr(wrapper, "__code__", None)
    if code is None or "func" not in code.co_freevars or wrapper.__closure__ is None:
        return
    cell = wrapper.__closure__[code.co_freevars.index("func")]
    inner = cell.cell_contents
    if callable(inner) and not inspect.iscoroutinefunction(inner) and not inspect.isasyncgenfunction(inner):
        cell.cell_contents = _offloaded(inner)
    _OFFLOADED.add(wrapper)


def _offloaded(func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    @functools.wraps(func)
    async def run(*args: P.args, **kwargs: P.kwargs) -> R:
        return await asyncio.to_thread(func, *args, **kwargs)

    _OFFLOADED.add(run)
    return run


# The functions made to run in a worker thread (by off_the_event_loop), so that a second call leaves them alone.
_OFFLOADED: weakref.WeakSet[Callable[..., Any]] = weakref.WeakSet()


def is_offloaded(func: Callable[..., Any]) -> bool:
    """Whether off_the_event_loop already made `func` (a UDF or script of xlwings Server) run in a thread."""
    return func in _OFFLOADED


# One guarded app per process, like xlwings Server's own main_app: protect() answers the same one again.
_GUARDED: dict[ASGIApp, ASGIApp] = {}


def protect(main_app: ASGIApp, env: MutableMapping[str, str] | None = None) -> ASGIApp:
    """xlwings Server's app with every guard of this module (call after xlwings Server is imported)."""
    import sys

    if env is None and main_app in _GUARDED:
        return _GUARDED[main_app]
    from xlwings_server import main
    from xlwings_server.routers import xlwings as router

    install_bad_request_handlers(main.app)
    off_the_event_loop(router.custom_functions, router.custom_scripts)
    for name in ("custom_functions", "custom_scripts"):  # the same modules under their import names
        if name in sys.modules and sys.modules[name] not in (router.custom_functions, router.custom_scripts):
            off_the_event_loop(sys.modules[name])
    guarded = guard(main_app, env)
    if env is None:
        _GUARDED[main_app] = guarded
    return guarded
