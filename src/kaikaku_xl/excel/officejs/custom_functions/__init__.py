"""kaikaku-xl's worksheet functions for xlwings Server (Office.js): the same UDFs as classic Excel."""

from kaikaku_udfs import *  # noqa: F403  (installed with kaikaku-xl: pyproject's packages.find)
from kaikaku_udfs import __all__  # noqa: F401
