"""`kaikaku init`: build a new master workbook from a plan (openpyxl; the file does not exist yet).

The table writer is sheets.py, the dropdowns validation.py, the ダッシュボード and 推移 charts dashboard.py.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.contract.cycle import SCHEMA_RELEASE_KEY, SCHEMA_VERSION_KEY
from kaikaku_xl.master.contract.inputs import (
    OPINION_ROWS,
    OPINIONS,
    PERIOD_INPUT_KEYS,
    PERIOD_REVIEW,
    SUMMARY,
    SUMMARY_INPUT_KEYS,
    SUMMARY_PARAGRAPHS,
    period_summary_spec,
)
from kaikaku_xl.master.contract.upgrades import RELEASE, SCHEMA_VERSION
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
from kaikaku_xl.master.validation import add_input_validations, add_opinion_validations, setting_specs
from kaikaku_xl.plan import Plan
from kaikaku_xl.plan.numformat import input_format
from kaikaku_xl.plan.scale import EXCLUDED, GradeScale
from kaikaku_xl.plan.scale_rows import scale_to_rows
from kaikaku_xl.plan.settings import Settings, initial_settings, settings_rows, with_plan_figures
from kaikaku_xl.textfit import row_height
from kaikaku_xl.xlsx.styles import apply
from kaikaku_xl.xlsx.textcell import put_value
from kaikaku_xl.xlsx.validation import add_validation, choice_list, whole_check

# A new master has had every upgrade step: its schema version and release (master/upgrade/)
SCHEMA_ROWS = [[SCHEMA_VERSION_KEY, str(SCHEMA_VERSION)], [SCHEMA_RELEASE_KEY, RELEASE]]
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
            list(r) for r in settings_rows(settings, plan) if r[0] in {s.key for s in setting_specs(plan)}
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


def period_rows(plan: Plan) -> dict[str, list[list[Any]]]:
    """The rows of the 計画期間の総括評価 sheet: an item each (typed and computed cells blank), and a roll-up row
    per 基本方針 and for the plan (refresh fills the counts)."""
    summary = period_summary_spec(
        plan.grade_scale.labels if plan.grade_scale is not None else GradeScale().labels
    )
    blank = [None] * (len(summary.columns) - 1)
    return {
        PERIOD_REVIEW.name: [
            [it.no, it.policy, it.title, it.lead, *([None] * (len(PERIOD_REVIEW.columns) - 4))]
            for it in plan.items
        ],
        summary.name: [*([p.no, *blank] for p in plan.policies), ["全体", *blank]],
    }


def period_prompt(scale: GradeScale) -> str:
    """The dropdown's prompt of the period grade (対象外 there is the coordinator's own: no proposal step)."""
    labels = "・".join(scale.labels)
    who = "全ての項目" if scale.typed else "指標のない項目"
    return (
        f"{who}の計画期間全体の評価（{labels}）を選んでください。空欄は未入力です。"
        "対象外は計画期間の集計から除きます。"
    )[:250]


def _write_period(wb: Workbook, plan: Plan, protect: bool) -> None:
    """The 計画期間の総括評価 sheet: typed grade and comment (yellow) beside the cells refresh computes (grey)."""
    scale = plan.grade_scale or GradeScale()
    summary = period_summary_spec(scale.labels)
    rows = period_rows(plan)
    ws = sheet(wb, PERIOD_REVIEW.sheet)
    write_table(
        ws, PERIOD_REVIEW, rows[PERIOD_REVIEW.name], editable=lambda _i, key: key in PERIOD_INPUT_KEYS
    )
    write_table(ws, summary, rows[summary.name], editable=lambda _i, _key: False)
    add_validation(
        ws,
        PERIOD_REVIEW,
        "grade",
        choice_list((*scale.labels, EXCLUDED), period_prompt(scale)),
        rows=max(1, len(plan.items)),
    )
    ws.freeze_panes = ws.cell(row=PERIOD_REVIEW.anchor_row + 1, column=4).coordinate
    print_setup(ws, PERIOD_REVIEW.anchor_row)
    if protect:
        protect_sheet(ws)


def _write_opinions(wb: Workbook, plan: Plan, protect: bool) -> None:
    """The 懇談会意見 sheet: blank yellow rows to type opinions into (担当課 grey: refresh fills it)."""
    ws = sheet(wb, OPINIONS.sheet)
    write_table(ws, OPINIONS, [[None] * len(OPINIONS.columns)] * OPINION_ROWS)
    add_opinion_validations(ws, plan, OPINION_ROWS)
    ws.freeze_panes = ws.cell(row=OPINIONS.anchor_row + 1, column=1).coordinate
    print_setup(ws, OPINIONS.anchor_row)
    if protect:
        protect_sheet(ws)


def _write_summary(wb: Workbook, protect: bool) -> None:
    """The 総括 sheet (issue 23): a row per paragraph, the draft refresh writes (grey) beside 採用文 (yellow)."""
    ws = sheet(wb, SUMMARY.sheet)
    rows = [[no, heading, None, None] for no, _key, heading in SUMMARY_PARAGRAPHS]
    write_table(ws, SUMMARY, rows, editable=lambda _i, key: key in SUMMARY_INPUT_KEYS)
    print_setup(ws, SUMMARY.anchor_row)
    if protect:
        protect_sheet(ws)


def _write_cycle(wb: Workbook, layout: c.Layout, protect: bool) -> None:
    """The cycle's record tables (empty): hidden sheets, except the change log staff may read."""
    for spec in layout.cycle:
        ws = sheet(wb, spec.sheet)
        blank = [[None] * len(spec.columns)] * (REVISION_ROWS if spec is c.REVISIONS else 0)
        write_table(ws, spec, SCHEMA_ROWS if spec is c.CYCLE_INFO else blank, title=spec.anchor_row > 1)
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
    settings = settings or with_plan_figures(initial_settings(plan.start_year, plan.settings), plan)
    layout = layout_of(plan)
    wb = Workbook()
    _write_guide(wb, plan, sample, macro, protect)
    write_dashboard(wb, plan, layout, protect)
    _write_inputs(wb, plan, layout, rows or input_rows(plan, layout, settings), protect)
    _write_period(wb, plan, protect)
    _write_opinions(wb, plan, protect)
    _write_summary(wb, protect)
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
    settings = with_plan_figures(initial_settings(plan.start_year, plan.settings), plan)
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
    scale = plan.grade_scale
    return c.Layout(
        years=years,
        plan_years=plan.years,
        grades=scale.labels,
        own_scale=True,
        points=scale.points is not None,
        typed=scale.typed,
    )
