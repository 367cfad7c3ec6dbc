"""The master's 評価区分 table (GradeScale): the plan's own grade scale, read back with every mistake named by cell.

A master built from a plan with its own scale keeps the scale here; staff may change a colour or a threshold. A
broken scale cannot grade anything, so it stops the run with every mistake listed (the master is not changed).
"""

from __future__ import annotations

from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.master import contract as c
from kaikaku_xl.plan.scale import GradeScale
from kaikaku_xl.plan.scale_rows import scale_from_rows
from kaikaku_xl.xlsx.engine import RawTable


def read_scale(table: RawTable) -> GradeScale:
    """The scale the table holds; WorkbookError naming every wrong cell otherwise."""
    pos = {col.key: table.column_index(col.header) for col in c.GRADE_SCALE.columns}
    missing = [c.GRADE_SCALE.column(k).header for k in ("label", "basis") if pos[k] is None]
    if missing:
        raise WorkbookError(
            f"{c.GRADE_SCALE.sheet}シートの表 {c.GRADE_SCALE.name} に列「{'・'.join(missing)}」がありません。"
            "kaikaku init で作成したブックから列を戻してください。"
        )
    rows = [
        {k: (raw[i] if i is not None else None) for k, i in pos.items()}
        for raw in table.rows
        if any(v not in (None, "") for v in raw)
    ]
    kept = [i for i, raw in enumerate(table.rows) if any(v not in (None, "") for v in raw)]
    scale, found = scale_from_rows(rows)
    if scale is None and not found:
        found = [(0, "label", "評価が1つもありません。")]
    if found or scale is None:
        lines = []
        for i, key, message in found:
            col = pos.get(key)
            cell = table.address(kept[i], col) if kept and i < len(kept) and col is not None else ""
            lines.append(f"・{table.sheet}!{cell}: {message}" if cell else f"・{table.sheet}: {message}")
        raise WorkbookError(
            f"評価区分に {len(found)} 件の誤りがあるため評価できません。ブックは変更していません。\n"
            + "\n".join(lines)
        )
    return scale
