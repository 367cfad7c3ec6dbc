"""kaikaku-xl のワークシート関数（UDF）: 計画値・進捗率・達成率・評価・財政効果額・集計。

Thin wrappers over `kaikaku_xl.metrics`, for classic xlwings (UDF Modules = kaikaku_udfs, "Import Python UDFs":
udfs/kaikaku_udfs re-exports this package under that name) and for xlwings Server (re-exported by its
custom_functions package). Each function takes a single cell or a
whole table column (one formula per column: the result spills), reads cells as the workbook's refresh does, and
returns "−" (評価対象外) for what cannot be computed, or one cell "エラー: ..." when the arguments do not fit.
Results are in full precision, as `kaikaku report --json`; the cell's number format rounds what is shown.

One module per family: rates (計画値・進捗率・達成率・累計), grades (評価・財政効果額), rollup (区分ごとの集計);
xlwings registers what this package exports (every attribute with an `__xlfunc__`), so the names stay here.
"""

from kaikaku_xl.udfs.grades import kk_effect, kk_grade
from kaikaku_xl.udfs.rates import kk_attainment, kk_cumulative, kk_planned, kk_progress
from kaikaku_xl.udfs.rollup import kk_rollup

__all__ = [
    "kk_attainment",
    "kk_cumulative",
    "kk_effect",
    "kk_grade",
    "kk_planned",
    "kk_progress",
    "kk_rollup",
]
