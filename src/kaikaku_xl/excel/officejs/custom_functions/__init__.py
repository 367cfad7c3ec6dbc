"""kaikaku-xl's worksheet functions for xlwings Server (Office.js): the same UDFs as classic Excel."""

from kaikaku_xl.udfs import *  # noqa: F403
from kaikaku_xl.udfs import __all__  # noqa: F401
