"""The Excel front doors: the xlwings engine (classic COM and xlwings Server books), the macros the 更新 button
and the Office.js task pane run, the macro-enabled master (.xlsm) and the xlwings Server app.

Nothing here holds a rule of DOMAIN.md: every figure comes from `kaikaku_xl.metrics` through app/ and cycle/.
The UDFs live in `kaikaku_xl.udfs` and depend on the library only (their argument helpers are
`kaikaku_xl.udfs.cells`); of this package only the xlwings Server project (officejs/custom_functions) imports them,
and nothing in the library imports the repository's `udfs/` folder (the name classic Excel imports, a re-export).
"""
