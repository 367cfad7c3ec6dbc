"""Write a plan workbook: blank with an example row (a new city's start), or filled from a plan (round trip)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from kaikaku_xl import palette
from kaikaku_xl.master.measure_cells import in_order, measure_cells
from kaikaku_xl.master.sheets import first_sheet
from kaikaku_xl.palette import WORKBOOK_FONT as FONT
from kaikaku_xl.plan import AGGREGATIONS, DIRECTIONS, EFFECT_KINDS, Plan, plain_number
from kaikaku_xl.plan.scale import BASES, GradeScale
from kaikaku_xl.plan.scale_rows import scale_to_rows
from kaikaku_xl.plan.vocabulary import YES_NO
from kaikaku_xl.plan_io.contract import (
    PLAN_COLUMN_NOTES,
    PLAN_EFFECTS,
    PLAN_FIELDS,
    PLAN_GRADES,
    PLAN_HISTORY,
    PLAN_ITEMS,
    PLAN_MEASURES,
    PLAN_NOTES,
    PLAN_POLICIES,
    PLAN_REQUIRED,
    PLAN_SECTIONS,
    PLAN_SHEET,
    PLAN_TABLES,
    SETTING_CHOICES,
)
from kaikaku_xl.xlsx.styles import apply
from kaikaku_xl.xlsx.tablespec import FMT_GENERAL, TableSpec
from kaikaku_xl.xlsx.textcell import put_value
from kaikaku_xl.xlsx.validation import choice_list, whole_check

ROWS_WITH_DROPDOWNS = 500
EXAMPLES: dict[str, list[Any]] = {
    PLAN_POLICIES.name: [
        "例",
        "効率的な行政運営",
        "業務の見直しとデジタル化で、限られた資源を必要な分野へ振り向ける。",
    ],
    PLAN_ITEMS.name: [
        "例",
        1,
        "窓口手続のオンライン化",
        "申請手続をオンラインで完結できるようにする。",
        "対象手続の洗い出し\n電子申請システムへの登録",
        "DX推進課",
        "DX推進課、市民課",
        None,
        None,
        None,
    ],
    PLAN_MEASURES.name: [
        "例",
        "電子申請件数",
        "件",
        "増加",
        1200,
        3000,
        "",
        "",
        "年度末の累計ではなく各年度の件数",
        None,
    ],
    PLAN_HISTORY.name: ["例", 500000000, "2024", "定員管理の適正化\n使用料の見直し"],
    PLAN_EFFECTS.name: ["例", 2026, 1000000],
    PLAN_SECTIONS.name: ["例", 1, "窓口サービスの向上"],
}
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    (PLAN_MEASURES.name, "direction"): DIRECTIONS,
    (PLAN_MEASURES.name, "effect_kind"): tuple(k for k in EFFECT_KINDS if k),
    (PLAN_MEASURES.name, "include_in_effect"): YES_NO,
    (PLAN_GRADES.name, "basis"): BASES,
    (PLAN_GRADES.name, "explain"): YES_NO,
    (PLAN_MEASURES.name, "aggregation"): tuple(a for a in AGGREGATIONS if a),
}


def _head_rows(plan: Plan | None) -> list[list[Any]]:
    rows = []
    for f in PLAN_FIELDS:
        value = (
            ""
            if plan is None
            else str(plan.settings.get(f.key, "") if f.key in SETTING_CHOICES else getattr(plan, f.key))
        )
        label = f.label + ("*" if f.required else "")
        rows.append([label, value or None, f.note + (f"（例: {f.example}）" if f.example else "")])
    return rows


def _grade_rows(plan: Plan | None) -> list[list[Any]]:
    """The plan's grade scale, or the default S–D a new city starts from (kept as the default if unchanged)."""
    scale = plan.grade_scale if plan is not None and plan.grade_scale is not None else GradeScale()
    return [[row[col.key] for col in PLAN_GRADES.columns] for row in scale_to_rows(scale)]


def _rows(plan: Plan) -> dict[str, list[list[Any]]]:
    return {
        PLAN_POLICIES.name: [[p.no, p.name, "\n".join(p.bullets) or None] for p in plan.policies],
        PLAN_ITEMS.name: [
            [
                it.no,
                it.policy,
                it.title,
                it.summary or None,
                "\n".join(it.actions) or None,
                it.lead,
                "、".join(it.departments) or None,
                it.start_year,
                it.end_year,
                it.section,
            ]
            for it in plan.items
        ],
        PLAN_SECTIONS.name: [[x.no, x.policy, x.name] for x in plan.sections],
        # the master's cells, a text left empty as a blank cell
        PLAN_MEASURES.name: [
            [None if v == "" else v for v in in_order(PLAN_MEASURES, measure_cells(m))] for m in plan.measures
        ],
        PLAN_HISTORY.name: [
            [h.name, h.effect_yen, h.as_of or None, "\n".join(h.main_efforts) or None] for h in plan.history
        ],
        PLAN_EFFECTS.name: [
            [it.no, year, plain_number(amount)] for it in plan.items for year, amount in it.effect_plan
        ],
    }


def _table(
    ws: Worksheet, spec: TableSpec, rows: Sequence[Sequence[Any]], example: Sequence[Any] | None
) -> None:
    apply(put_value(ws.cell(row=1, column=1), spec.sheet), "title")
    apply(put_value(ws.cell(row=2, column=1), PLAN_NOTES.get(spec.name, "")), "note")
    required = PLAN_REQUIRED.get(spec.name, ())
    top = spec.anchor_row
    for j, col in enumerate(spec.columns, start=1):
        cell = put_value(ws.cell(row=top, column=j), col.header)
        apply(cell, "header")
        note = PLAN_COLUMN_NOTES.get((spec.name, col.key))
        if note or col.key in required:
            cell.comment = Comment(
                ((note or "") + ("（必須）" if col.key in required else "")).strip(), "kaikaku-xl"
            )
        ws.column_dimensions[get_column_letter(j)].width = col.width
    body = ([list(example)] if example else []) + [list(r) for r in rows]
    body = body or [[None] * len(spec.columns)]
    for i, row in enumerate(body, start=top + 1):
        for j, col in enumerate(spec.columns, start=1):
            cell = put_value(ws.cell(row=i, column=j), row[j - 1])  # text never a formula
            apply(cell, "input", col.fmt if col.fmt != FMT_GENERAL else None, col.wrap)
            if example and i == top + 1:
                cell.font = Font(name=FONT, italic=True, color=palette.EXAMPLE_TEXT)
    last = get_column_letter(len(spec.columns))
    table = Table(displayName=spec.name, ref=f"A{top}:{last}{top + len(body)}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = ws.cell(row=top + 1, column=1).coordinate
    for j, col in enumerate(spec.columns, start=1):
        choices = CHOICES.get((spec.name, col.key))
        if choices:
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(choices) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="入力値",
                error="、".join(choices) + " から選んでください。",
            )
            letter = get_column_letter(j)
            dv.add(f"{letter}{top + 1}:{letter}{top + ROWS_WITH_DROPDOWNS}")
            ws.add_data_validation(dv)


def _head(ws: Worksheet, plan: Plan | None) -> None:
    spec = PLAN_SHEET
    ws.title = spec.sheet
    _table(ws, spec, _head_rows(plan), None)
    for i, f in enumerate(PLAN_FIELDS, start=spec.anchor_row + 1):
        apply(ws.cell(row=i, column=1), "reference")
        apply(ws.cell(row=i, column=3), "reference", wrap=True)
        if f.key.endswith("year"):
            dv = whole_check(1990, 2100, "西暦の年度（例: 2026）を入力してください。", title="年度")
            dv.add(f"B{i}")
            ws.add_data_validation(dv)
            ws.cell(row=i, column=2).number_format = "0"
        if f.key in SETTING_CHOICES:
            choices = [x for x in SETTING_CHOICES[f.key] if x]  # blank stays allowed: the default
            dv = choice_list(
                choices, "、".join(choices) + " から選んでください（空欄は " + choices[0] + "）。"
            )
            dv.add(f"B{i}")
            ws.add_data_validation(dv)


def build_plan_workbook(plan: Plan | None = None) -> Workbook:
    """The plan workbook: blank with an example row per sheet (plan=None), or holding `plan`."""
    wb = Workbook()
    _head(first_sheet(wb), plan)
    rows = _rows(plan) if plan is not None else {}
    rows[PLAN_GRADES.name] = _grade_rows(plan)
    for spec in PLAN_TABLES:
        ws = wb.create_sheet(spec.sheet)
        _table(ws, spec, rows.get(spec.name, []), EXAMPLES.get(spec.name) if plan is None else None)
    wb.properties.title = plan.name if plan else "行財政改革計画（記入用）"
    wb.properties.creator = "kaikaku-xl"
    return wb


def write_plan_workbook(path: str | Path, plan: Plan | None = None, *, force: bool = False) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        from kaikaku_xl.errors import InputError

        raise InputError("計画ワークブックは .xlsx で作成します。")
    if path.exists() and not force:
        raise FileExistsError(f"{path} は既にあります。上書きする場合は --force を付けてください。")
    path.parent.mkdir(parents=True, exist_ok=True)
    build_plan_workbook(plan).save(path)
    return path
