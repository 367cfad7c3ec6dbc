"""kaikaku-xl's worksheet functions for xlwings Server (Office.js): the same UDFs as classic Excel."""

from kaikaku_xl.excel.server import ensure_udfs_importable

ensure_udfs_importable()

from kaikaku_udfs import *  # noqa: E402,F403
from kaikaku_udfs import __all__  # noqa: E402,F401
