"""The xlwings book-model and xlwings Server tests: their own pytest process (see tests/excel/test_excel_book.py).

xlwings chooses its mode when it is first imported (XLWINGS_ON_SERVER): the server decorators, the remote book
model (`xw.Book(json=...)`) and the licence key must be in place before that. The main test process imports
xlwings in its plain mode, so these tests are only collected when tests/excel/test_excel_book.py starts a fresh
process with KAIKAKU_XLWINGS_BOOK=1 and XLWINGS_LICENSE_KEY=noncommercial; otherwise nothing here is imported.
"""

from __future__ import annotations

import os

ENABLED = os.environ.get("KAIKAKU_XLWINGS_BOOK") == "1" and bool(os.environ.get("XLWINGS_LICENSE_KEY"))

if ENABLED:
    from kaikaku_xl.excel.server import configure

    configure()  # XLWINGS_ON_SERVER, project folder, licence key default, before any xlwings import
    try:
        import xlwings_server.config  # noqa: F401  (xlwings Server's settings, then xlwings itself)
    except ModuleNotFoundError:  # the extra "server" is not installed: test_server.py skips itself
        pass
    import xlwings  # noqa: F401
else:
    collect_ignore_glob = ["test_*.py"]
