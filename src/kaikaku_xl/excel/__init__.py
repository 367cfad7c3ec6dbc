"""The Excel front doors: the xlwings engine (classic COM and xlwings Server books), the macros the 更新 button
and the Office.js task pane run, the macro-enabled master (.xlsm) and the xlwings Server app.

Nothing here holds a rule of DOMAIN.md: every figure comes from `kaikaku_xl.metrics` through the workflows.
The UDFs live in the top-level `udfs/kaikaku_udfs` package (importable as `kaikaku_udfs`) and use the
argument helpers of `kaikaku_xl.excel.cells`.
"""
