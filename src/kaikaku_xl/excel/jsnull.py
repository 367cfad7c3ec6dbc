"""A guard for xlwings 0.37.8 on a normal Python server: `xlwings.utils.is_jsnull` imports per cell.

xlwings 0.37.8 checks every cell of a custom-function argument with `is_jsnull`, which runs
`from pyodide.ffi import JsNull` each time. Outside Pyodide that import fails every time, and a failed import
searches sys.path anew: 30,000 failed imports for a 3-column call of 10,000 rows (about 2.5 s of a 2.6 s call).
Outside Pyodide no value can be a JsNull, so the guard answers False at once. Under Pyodide (xlwings Lite,
sys.platform "emscripten", or wherever pyodide is importable) nothing is changed.

Upstream: to be reported to xlwings (the import could be done once at module import). The test
tests/excel/test_server_jsnull.py fails as soon as an xlwings release stops importing per call: then delete this module.
"""

from __future__ import annotations

import importlib.util
import sys

APPLIES_TO = "0.37.8"  # the xlwings version this guard was written for (pyproject pins it exactly)


def _never_jsnull(value: object) -> bool:
    """Outside Pyodide there is no JsNull: nothing is one."""
    return False


def under_pyodide() -> bool:
    return (
        sys.platform == "emscripten"
        or "pyodide" in sys.modules
        or importlib.util.find_spec("pyodide") is not None
    )


def install() -> bool:
    """Replace xlwings' per-cell check where it cannot matter; True when installed."""
    if under_pyodide():
        return False
    import xlwings.conversion.standard as standard
    import xlwings.utils as utils

    utils.is_jsnull = _never_jsnull  # read through the module by xlwings.pro._xlofficejs
    standard.is_jsnull = _never_jsnull  # imported by name there
    return True
