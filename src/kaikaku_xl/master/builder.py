"""`kaikaku init`: build a new master workbook from a plan (openpyxl; the file does not exist yet).

The table writer is sheets.py, the dropdowns validation.py, the ダッシュボード and 推移 charts dashboard.py.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.dashboard import write_dashboard, write_trend_charts
from kaikaku_xl.master.grade_fills import paint_grades
from kaikaku_xl.master.guide import guide_lines
from kaikaku_xl.master.measure_cells import in_order, measure_cells
from kaikaku_xl.master.sample import SAMPLE_MARK, sample_rows
from kaikaku_xl.master.sheets import (
    PRINT_VIEWS,
    first_sheet,
    print_setup,
    printed_views,
    protect_sheet,
    sheet,
    write_table,
)
from kaikaku_xl.master.validation import add_input_validations, setting_specs
from kaikaku_xl.plan import Plan
from kaikaku_xl.plan.numformat import input_format
from kaikaku_xl.plan.scale_rows import scale_to_rows
from kaikaku_xl.plan.settings import Settings, initial_settings, settings_rows
from kaikaku_xl.textfit import row_height
from kaikaku_xl.xlsx.styles import apply
from kaikaku_xl.xlsx.textcell import put_value
from kaikaku_xl.xlsx.validation import add_validation, choice_list, whole_check

REVISION_ROWS = 30  # blank rows of the 計画の見直し table
LEDGER_ROWS = 200  # blank rows of the 効果額台帳 table (blank rows are not read)


def input_rows(plan: Plan, layout: c.Layout, settings: Settings) -> dict[str, list[list[Any]]]:
    """The rows of each input table for a new master of this plan."""
    policy_name = {p.no: p.name for p in plan.policies}
    section_name = {x.no: x.name for x in plan.sections}
    measures = plan.measures
    blank_years = [None] * len(layout.years)
    return {
        c.SETTINGS.name: [
            list(r) for r in settings_rows(settings) if r[0] in {s.key for s in setting_specs(plan)}
        ],
        **(
            {
                c.GRADE_SCALE.name: [
                    [r[col.key] for col in c.GRADE_SCALE.columns] for r in scale_to_rows(plan.grade_scale)
                ]
            }
            if plan.grade_scale is not None
            else {}
        ),
        c.PLAN_INFO.name: [[key, label, str(getattr(plan, key))] for key, label in c.PLAN_INFO_KEYS],
        c.HISTORY.name: [[h.name, h.effect_yen, h.as_of] for h in plan.history],
        c.ITEMS.name: [
            [
                it.no,
                it.policy,
                policy_name[it.policy],
                it.title,
                it.summary,
                "\n".join(it.actions),
                it.lead,
                "、".join(it.departments),
                it.start_year,
                it.end_year,
                it.section,
                None if it.section is None else section_name.get(it.section),
            ]
            for it in plan.items
        ],
        c.MEASURES.name: [in_order(c.MEASURES, measure_cells(m)) for m in measures],
        c.ACTUALS_TABLE: [[m.item, m.name, m.unit, *blank_years] for m in measures],
        c.TARGETS_TABLE: [[m.item, m.name, m.unit, *blank_years] for m in measures],
        c.STATUS.name: [
            [it.no, it.title, y, None, None, None, None, None]
            for it in plan.items
            for y in plan.years
            if it.runs_in(y)  # an item added mid-plan has no rows (and no count) before its start
        ],
        c.LEDGER.name: [],
        # Planned 財政効果額 per item and year: a sheet only where the plan has one (others load without it).
        **(
            {
                c.EFFECT_PLAN_TABLE: [
                    [it.no, it.title, *(dict(it.effect_plan).get(y) for y in layout.plan_years)]
                    for it in plan.items
                ]
            }
            if any(it.effect_plan for it in plan.items)
            else {}
        ),
    }


def _write_inputs(
    wb: Workbook, plan: Plan, layout: c.Layout, rows: dict[str, list[list[Any]]], protect: bool
) -> None:
    formats = [input_format(m.unit, m.shown_decimals) for m in plan.measures]
    for spec in (*layout.inputs, *(t for t in layout.optional_inputs if t.name in rows)):
        ws = sheet(wb, spec.sheet)
        body = rows[spec.name]
        if spec.name == c.LEDGER.name:  # a protected sheet cannot grow a table: blank yellow rows to fill in
            body = list(body) + [[None] * len(spec.columns)] * max(0, LEDGER_ROWS - len(body))
        write_table(ws, spec, body, title=spec.anchor_col == 1, row_formats=formats)
        if protect:
            protect_sheet(ws)
        ws.freeze_panes = ws.cell(
            row=spec.anchor_row + 1,
            column=spec.anchor_col
            + (
                3
                if spec.name in (c.ACTUALS_TABLE, c.TARGETS_TABLE)
                else 2
                if spec.name == c.EFFECT_PLAN_TABLE
                else 0
            ),
        ).coordinate
        print_setup(ws, spec.anchor_row)
    add_input_validations(wb, plan, layout)


def _write_cycle(wb: Workbook, layout: c.Layout, protect: bool) -> None:
    """The cycle's record tables (empty): hidden sheets, except the change log staff may read."""
    for spec in layout.cycle:
        ws = sheet(wb, spec.sheet)
        blank = [[None] * len(spec.columns)] * (REVISION_ROWS if spec is c.REVISIONS else 0)
        write_table(ws, spec, blank, title=spec.anchor_row > 1)
        print_setup(ws, spec.anchor_row)
        if protect:
            protect_sheet(ws)
        if spec.sheet in c.HIDDEN_CYCLE_SHEETS:
            ws.sheet_state = "hidden"
    rv = c.REVISIONS
    add_validation(
        wb[rv.sheet],
        rv,
        "kind",
        choice_list(c.REVISION_KINDS, c.REVISION_CHOICES),
        rows=REVISION_ROWS,
    )
    add_validation(
        wb[rv.sheet],
        rv,
        "year",
        whole_check(
            layout.years[0],
            layout.years[-1],
            f"{layout.years[0]}〜{layout.years[-1]} の年度を入力してください。",
        ),
        rows=REVISION_ROWS,
    )


def _write_outputs(wb: Workbook, layout: c.Layout, protect: bool) -> None:
    for spec in layout.outputs:
        if spec.sheet == c.SHEET_DASHBOARD:
            continue
        ws = sheet(wb, spec.sheet)
        write_table(ws, spec, [], title=spec.anchor_col == 1)
        ws.freeze_panes = ws.cell(row=spec.anchor_row + 1, column=1).coordinate
        print_setup(ws, spec.anchor_row)
        if spec.name in PRINT_VIEWS:
            printed_views(ws, spec)
        if protect:
            protect_sheet(ws)


def _write_guide(wb: Workbook, plan: Plan, sample: bool, macro: bool, protect: bool) -> None:
    ws = first_sheet(wb)
    ws.title = c.SHEET_GUIDE
    ws.column_dimensions["A"].width = 110
    apply(put_value(ws["A1"], f"{plan.name}（{plan.city}） 管理ワークブック"), "title")
    if sample:
        sample_note = (
            "このブックの実績・進捗状況・効果額台帳は説明用の架空データです。実際の値ではありません。"
        )
        apply(put_value(ws["A2"], SAMPLE_MARK + sample_note), "title")
    lines = guide_lines(macro=macro, protect=protect, plan=plan)
    for i, line in enumerate(lines, start=3):
        apply(put_value(ws.cell(row=i, column=1), line), "body")
        height = row_height([(line, ws.column_dimensions["A"].width)])
        if height:
            ws.row_dimensions[i].height = height
    print_setup(ws, 1, landscape=False)
    ws.print_title_rows = None


def build_workbook(
    plan: Plan,
    settings: Settings | None = None,
    rows: dict[str, list[list[Any]]] | None = None,
    sample: bool = False,
    protect: bool = True,
    macro: bool = False,
) -> Workbook:
    """A new master workbook of this plan. `rows` overrides the input rows (used for sample data).

    protect=False leaves every sheet unprotected: Office.js (xlwings Server) cannot write to protected sheets.
    macro: the 使い方 sheet explains the .xlsm's button instead of the command and the add-in.
    """
    settings = settings or initial_settings(plan.start_year, plan.settings)
    layout = layout_of(plan)
    wb = Workbook()
    _write_guide(wb, plan, sample, macro, protect)
    write_dashboard(wb, plan, layout, protect)
    _write_inputs(wb, plan, layout, rows or input_rows(plan, layout, settings), protect)
    _write_outputs(wb, layout, protect)
    write_trend_charts(wb[c.SHEET_TREND], plan, layout)
    _write_cycle(wb, layout, protect)
    if plan.grade_scale is not None:
        paint_grades(wb, layout, plan.grade_scale)
    for name, value in (
        (c.NAME_PLAN, f'"{plan.name}"'),
        (c.NAME_CITY_CODE, f'"{plan.city_code}"'),
        (c.NAME_SAMPLE, "TRUE" if sample else "FALSE"),
    ):
        wb.defined_names[name] = DefinedName(name, attr_text=value)
    wb.properties.title = plan.name
    wb.properties.creator = "kaikaku-xl"
    return wb


def new_master(plan: Plan, *, sample: bool = False, protect: bool = True, macro: bool = False) -> Workbook:
    """A new master of the plan (its first year to evaluate), with the sample inputs where asked."""
    settings = initial_settings(plan.start_year, plan.settings)
    layout = layout_of(plan)
    rows = input_rows(plan, layout, settings)
    if sample:
        rows = sample_rows(plan, rows, layout)
    return build_workbook(plan, settings, rows, sample=sample, protect=protect, macro=macro)


def layout_of(plan: Plan) -> c.Layout:
    """The tables of this plan's master: its years, and its own grade scale where it has one."""
    years = list(range(plan.baseline_year + 1, plan.end_year + 1))
    if plan.grade_scale is None:
        return c.Layout(years=years, plan_years=plan.years)
    return c.Layout(years=years, plan_years=plan.years, grades=plan.grade_scale.labels, own_scale=True)
