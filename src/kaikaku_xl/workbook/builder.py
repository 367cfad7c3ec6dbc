"""`kaikaku init`: build a new master workbook from a plan (openpyxl; the file does not exist yet)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from copy import copy
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ..metrics.grades import EXCLUDED
from ..metrics.scale import BASES, GradeScale
from ..metrics.scale_rows import scale_to_rows
from ..numformat import MAX_DECIMALS, MEASURE_FORMATS, number_format
from ..palette import EFFECT_SERIES
from ..plan import EFFECT_KINDS, Plan, plain_number
from ..plausibility import NO_LIMIT
from ..settings import SETTING_SPECS, Settings, settings_rows
from ..textfit import row_height, table_row_height
from . import contract as c
from .grade_fills import paint_grades
from .guide import guide_lines
from .package import check_row_limit
from .sample import SAMPLE_MARK
from .styles import apply
from .titles import DASHBOARD_NOTE, TITLES, dashboard_title

# Output tables too wide for one A4 page at a readable size print as views side by side: (the columns ending a
# view, the last column repeated on the left of every view). 評価結果: the measure | values, rates, grade |
# effect and notes. 基本方針別/担当課別: counts | shares | effects.
_SUMMARY_VIEWS = ([col.key for col in c.POLICY_SUMMARY.columns if col.key.startswith("n_")][-1:] + ["mean_progress"],
                  "name")
PRINT_VIEWS: dict[str, tuple[list[str], str]] = {
    c.EVALUATION.name: (["direction", "grade_basis"], "item"),
    c.POLICY_SUMMARY.name: _SUMMARY_VIEWS,
    c.DEPARTMENT_SUMMARY.name: _SUMMARY_VIEWS,
}
LEDGER_ROWS = 200  # blank rows of the 効果額台帳 table (blank rows are not read)
VALIDATION_ROWS = 2000  # rows below a table that keep their dropdowns when staff add rows


# Columns staff type into, per input table (the rest are reference keys from the plan).
INPUT_KEYS = {
    c.SETTINGS.name: {"value"},
    c.ITEMS.name: set(),
    c.MEASURES.name: {"effect_kind", "include_in_effect", "note", "decimals", "allowed_min", "allowed_max"},
    c.STATUS.name: {"status", "grade", "results", "issues", "next"},
    c.LEDGER.name: {"item", "year", "kind", "amount", "what", "basis"},
    c.GRADE_SCALE.name: {"name", "color", "basis", "threshold", "explain"},  # the labels name the roll-up columns
}


def _input_keys(spec: c.TableSpec) -> set[str]:
    if spec.name in ("Actuals", "Targets", "EffectPlan"):
        return {col.key for col in spec.columns if col.key.startswith("y")}
    return INPUT_KEYS.get(spec.name, set())


def _sheet(wb: Workbook, name: str) -> Worksheet:
    return wb[name] if name in wb.sheetnames else wb.create_sheet(name)


def write_table(ws: Worksheet, spec: c.TableSpec, rows: Sequence[Sequence[Any]], *, title: bool = True,
                row_formats: Sequence[str] | None = None, editable: Callable[[int, str], bool] | None = None) -> None:
    """Title, note, header and rows of one table, styled by role, as an Excel table named spec.name.

    row_formats: the number format of each row's per-measure columns (its measure's decimals).
    editable(row index, column key) overrides which cells are input cells (department files: one year only).
    """
    check_row_limit(f"シート「{ws.title}」の表「{spec.name}」", spec.anchor_row + max(len(rows), 1))
    if title:
        heading, note = TITLES.get(spec.name, (spec.sheet, ""))
        ws.cell(row=1, column=spec.anchor_col, value=heading)
        apply(ws.cell(row=1, column=spec.anchor_col), "title")
        ws.cell(row=2, column=spec.anchor_col, value=note)
        apply(ws.cell(row=2, column=spec.anchor_col), "note")
    inputs = _input_keys(spec)
    top, left = spec.anchor_row, spec.anchor_col
    for j, col in enumerate(spec.columns):
        cell = ws.cell(row=top, column=left + j, value=col.header)
        apply(cell, "header")
        ws.column_dimensions[get_column_letter(left + j)].width = col.width
    header_height = row_height([(col.header, col.width) for col in spec.columns])
    if header_height:
        ws.row_dimensions[top].height = max(header_height, ws.row_dimensions[top].height or 0)
    body = list(rows) or [[None] * len(spec.columns)]
    for i, row in enumerate(body, start=1):
        for j, col in enumerate(spec.columns):
            cell = ws.cell(row=top + i, column=left + j, value=row[j])
            is_input = editable(i - 1, col.key) if editable else col.key in inputs
            role = "output" if spec.output else ("input" if is_input else "reference")
            fmt = row_formats[i - 1] if col.per_measure and row_formats and i <= len(row_formats) else col.fmt
            apply(cell, role, fmt, col.wrap)
        height = table_row_height(((col.width, col.wrap) for col in spec.columns), row)
        if height:
            ws.row_dimensions[top + i].height = height
    if spec.output:
        register_measure_formats(ws, spec, top + 1)
    ref = f"{get_column_letter(left)}{top}:{get_column_letter(left + len(spec.columns) - 1)}{top + len(body)}"
    table = Table(displayName=spec.name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)


def register_measure_formats(ws: Worksheet, spec: c.TableSpec, row: int) -> None:
    """Put into the workbook's styles the template cell's style with each measure format, so that refresh can
    give each row its measure's decimals by choosing an existing style (it never edits styles.xml)."""
    for j, col in enumerate(spec.columns):
        if not col.per_measure:
            continue
        template = ws.cell(row=row, column=spec.anchor_col + j)
        scratch = ws.cell(row=ws.max_row + 1, column=spec.anchor_col + j)
        for fmt in MEASURE_FORMATS:
            scratch._style = copy(template._style)
            scratch.number_format = fmt
            _ = scratch.style_id  # adds the style to the workbook's list (openpyxl writes every listed style)
        del ws._cells[(scratch.row, scratch.column)]


def print_setup(ws: Worksheet, header_row: int, landscape: bool = True) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.oddFooter.center.text = "&P / &N"
    ws.oddHeader.right.text = "&A"
    ws.print_options.horizontalCentered = True


def _printed_views(ws: Worksheet, spec: c.TableSpec) -> None:
    """Views side by side at 90% (about 10 pt on A4), each repeating the identifying columns on the left."""
    breaks, repeat_until = PRINT_VIEWS[spec.name]
    keys = [col.key for col in spec.columns]
    for key in breaks:
        ws.col_breaks.append(Break(id=spec.anchor_col + keys.index(key)))  # id: the last column of a view
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = 90
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_title_cols = f"A:{get_column_letter(spec.anchor_col + keys.index(repeat_until))}"


def protect_sheet(ws: Worksheet) -> None:
    """Protection against slips (password documented): unlocked (yellow) cells stay editable, staff may still
    sort, filter and resize rows and columns to read long texts."""
    ws.protection.sheet = True
    ws.protection.password = c.PASSWORD_NOTE
    ws.protection.autoFilter = False
    ws.protection.sort = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _validation(ws: Worksheet, spec: c.TableSpec, key: str, dv: DataValidation, rows: int = VALIDATION_ROWS) -> None:
    col = spec.anchor_col + [k.key for k in spec.columns].index(key)
    letter = get_column_letter(col)
    dv.add(f"{letter}{spec.anchor_row + 1}:{letter}{spec.anchor_row + rows}")
    ws.add_data_validation(dv)


def _list(values: Iterable[str], prompt: str) -> DataValidation:
    return DataValidation(
        type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
        showErrorMessage=True, errorTitle="入力値", error=prompt, promptTitle="入力", prompt=prompt,
        showInputMessage=True,
    )


def _number(prompt: str) -> DataValidation:
    # "information" style: staff may still type 1.2万 or ３，０００円; refresh reads those and reports the rest.
    return DataValidation(
        type="decimal", operator="between", formula1="-1E+15", formula2="1E+15", allow_blank=True,
        showErrorMessage=True, errorStyle="information", errorTitle="数値", error=prompt,
    )


def _whole(low: int, high: int, prompt: str) -> DataValidation:
    return DataValidation(type="whole", operator="between", formula1=str(low), formula2=str(high),
                          allow_blank=True, showErrorMessage=True, errorTitle="入力値", error=prompt)


def _limit_cell(limit: float | None) -> Any:
    """A measure's own plausible limit as the 指標 table shows it: blank = the unit's rule, なし = no limit."""
    if limit is None:
        return None
    return NO_LIMIT if math.isinf(limit) else plain_number(limit)


def input_rows(plan: Plan, layout: c.Layout, settings: Settings) -> dict[str, list[list[Any]]]:
    """The rows of each input table for a new master of this plan."""
    policy_name = {p.no: p.name for p in plan.policies}
    section_name = {x.no: x.name for x in plan.sections}
    measures = plan.measures
    blank_years = [None] * len(layout.years)
    return {
        c.SETTINGS.name: [list(r) for r in settings_rows(settings) if r[0] in {s.key for s in setting_specs(plan)}],
        **({c.GRADE_SCALE.name: [[r[col.key] for col in c.GRADE_SCALE.columns] for r in scale_to_rows(plan.grade_scale)]}
           if plan.grade_scale is not None else {}),
        c.PLAN_INFO.name: [[key, label, str(getattr(plan, key))] for key, label in c.PLAN_INFO_KEYS],
        c.HISTORY.name: [[h.name, h.effect_yen, h.as_of] for h in plan.history],
        c.ITEMS.name: [
            [it.no, it.policy, policy_name[it.policy], it.title, it.summary, "\n".join(it.actions), it.lead,
             "、".join(it.departments), it.start_year, it.end_year, it.section, section_name.get(it.section)]
            for it in plan.items
        ],
        c.MEASURES.name: [
            [m.measure_id, m.item, m.name, m.unit, m.direction, plain_number(m.baseline), plain_number(m.target),
             m.effect_kind, "はい" if m.include_in_effect else "いいえ", m.note, m.shown_decimals,
             _limit_cell(m.allowed_min), _limit_cell(m.allowed_max), m.aggregation or None]
            for m in measures
        ],
        "Actuals": [[m.item, m.name, m.unit, *blank_years] for m in measures],
        "Targets": [[m.item, m.name, m.unit, *blank_years] for m in measures],
        c.STATUS.name: [
            [it.no, it.title, y, None, None, None, None, None] for it in plan.items for y in plan.years
            if it.runs_in(y)  # an item added mid-plan has no rows (and no count) before its start
        ],
        c.LEDGER.name: [],
        # Planned 財政効果額 per item and year: a sheet only where the plan has one (others load without it).
        **({"EffectPlan": [[it.no, it.title, *(dict(it.effect_plan).get(y) for y in layout.plan_years)]
                           for it in plan.items]} if any(it.effect_plan for it in plan.items) else {}),
    }


def _write_inputs(wb: Workbook, plan: Plan, layout: c.Layout, rows: dict[str, list[list[Any]]],
                  protect: bool) -> None:
    formats = [number_format(m.shown_decimals) for m in plan.measures]
    for spec in (*layout.inputs, *(t for t in layout.optional_inputs if t.name in rows)):
        ws = _sheet(wb, spec.sheet)
        body = rows[spec.name]
        if spec.name == c.LEDGER.name:  # a protected sheet cannot grow a table: blank yellow rows to fill in
            body = list(body) + [[None] * len(spec.columns)] * max(0, LEDGER_ROWS - len(body))
        write_table(ws, spec, body, title=spec.anchor_col == 1, row_formats=formats)
        if protect:
            protect_sheet(ws)
        ws.freeze_panes = ws.cell(row=spec.anchor_row + 1, column=spec.anchor_col + (3 if spec.name in (
            "Actuals", "Targets") else 2 if spec.name == "EffectPlan" else 0))
        print_setup(ws, spec.anchor_row)
    settings_ws = wb[c.SETTINGS.sheet]
    for i, spec in enumerate(setting_specs(plan), start=c.SETTINGS.anchor_row + 1):
        if spec.choices:
            dv = _list(spec.choices, "、".join(spec.choices) + " から選んでください。")
            dv.add(f"C{i}")
            settings_ws.add_data_validation(dv)
    numbers = [it.no for it in plan.items]
    for name in ("Actuals", "Targets"):
        spec = layout.table(name)
        for y in layout.years if plan.measures else ():  # a plan without measures has no rows to check
            _validation(wb[spec.sheet], spec, f"y{y}", _number("数値を入力してください（単位は「単位」列）。"),
                        rows=len(plan.measures))
    ms = c.MEASURES
    _validation(wb[ms.sheet], ms, "effect_kind", _list([k for k in EFFECT_KINDS if k], "効果区分を選んでください。"))
    _validation(wb[ms.sheet], ms, "include_in_effect", _list(("はい", "いいえ"), "はい／いいえ"))
    _validation(wb[ms.sheet], ms, "decimals", _whole(0, MAX_DECIMALS, f"表示する小数の桁数（0〜{MAX_DECIMALS}）。"
                                                                     "空欄は単位から決めます。"))
    st = c.STATUS
    _validation(wb[st.sheet], st, "status", _list(c.STATUS_VALUES, "未着手・実施中・完了・対象外から選んでください。"
                                                                   "対象外の項目は割合の分母から除きます。"))
    scale = plan.grade_scale or GradeScale()
    _validation(wb[st.sheet], st, "grade", _list((*scale.labels, EXCLUDED), grade_prompt(scale)))
    if plan.grade_scale is not None:
        gs = c.GRADE_SCALE
        _validation(wb[gs.sheet], gs, "basis", _list(BASES, "・".join(BASES) + " から選んでください。"))
        _validation(wb[gs.sheet], gs, "explain", _list(("はい", "いいえ"), "はい／いいえ"))
    lg = c.LEDGER
    if all(isinstance(n, int) for n in numbers):
        low, high = min(numbers), max(numbers)  # type: ignore[type-var]
        _validation(wb[lg.sheet], lg, "item", _whole(low, high, f"取組項目の No（{low}〜{high}）を入力してください。"))
    elif len(",".join(map(str, numbers))) < 250:  # Excel's limit for a list typed into the rule
        _validation(wb[lg.sheet], lg, "item", _list(map(str, numbers), "取組項目の No を選んでください。"))
    _validation(wb[lg.sheet], lg, "year", _whole(plan.start_year, plan.end_year,
                                                 f"{plan.start_year}〜{plan.end_year} の年度を入力してください。"))
    _validation(wb[lg.sheet], lg, "kind", _list(c.LEDGER_KINDS, "歳出削減・歳入増加から選んでください。"))
    _validation(wb[lg.sheet], lg, "amount", _number("金額（円）を数値で入力してください。"))


def _write_cycle(wb: Workbook, layout: c.Layout, protect: bool) -> None:
    """The cycle's record tables (empty): hidden sheets, except the change log staff may read."""
    for spec in layout.cycle:
        ws = _sheet(wb, spec.sheet)
        write_table(ws, spec, [], title=spec.anchor_row > 1)
        print_setup(ws, spec.anchor_row)
        if protect:
            protect_sheet(ws)
        if spec.sheet in c.HIDDEN_CYCLE_SHEETS:
            ws.sheet_state = "hidden"


def _write_trend_charts(ws: Worksheet, plan: Plan, layout: c.Layout) -> None:
    """One small line chart per measure (actual against the planned path) over the TrendMeasures rows that
    refresh writes in the plan's measure order (two rows each), anchored below the tables."""
    items, measures = layout.table("TrendItems"), layout.table("TrendMeasures")
    n = len(plan.measures)
    top = measures.anchor_row + max(len(plan.items), 2 * n) + 3
    left = measures.anchor_col
    first_year = left + 4
    for k, m in enumerate(plan.measures):
        row = measures.anchor_row + 1 + 2 * k
        chart = LineChart()
        chart.title = f"No.{m.item} {m.name}（{m.unit}）"
        chart.add_data(Reference(ws, min_col=first_year - 1, max_col=first_year + len(layout.years) - 1,
                                 min_row=row, max_row=row + 1), from_rows=True, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=first_year, max_col=first_year + len(layout.years) - 1,
                                       min_row=measures.anchor_row))
        chart.height, chart.width = 5.5, 9
        chart.legend.position = "b"
        ws.add_chart(chart, f"{get_column_letter(1 + (k % 3) * 6)}{top + (k // 3) * 12}")
    del items


def _write_outputs(wb: Workbook, layout: c.Layout, protect: bool) -> None:
    for spec in layout.outputs:
        if spec.sheet == c.SHEET_DASHBOARD:
            continue
        ws = _sheet(wb, spec.sheet)
        write_table(ws, spec, [], title=spec.anchor_col == 1)
        ws.freeze_panes = ws.cell(row=spec.anchor_row + 1, column=1)
        print_setup(ws, spec.anchor_row)
        if spec.name in PRINT_VIEWS:
            _printed_views(ws, spec)
        if protect:
            protect_sheet(ws)


def _write_dashboard(wb: Workbook, plan: Plan, layout: c.Layout, protect: bool) -> None:
    ws = _sheet(wb, c.SHEET_DASHBOARD)
    ws["A1"] = dashboard_title(plan.name)
    apply(ws["A1"], "title")
    ws["A2"] = DASHBOARD_NOTE
    apply(ws["A2"], "note")
    for kpi in c.DASHBOARD_KPIS:
        ws[kpi.label_cell] = kpi.label
        apply(ws[kpi.label_cell], "kpi_label")
        apply(ws[kpi.cell], "kpi", kpi.fmt)
    grades, effects = c.DASHBOARD_GRADES, c.DASHBOARD_EFFECTS
    n_policy = len(plan.policies)
    n_effect = len(plan.history) + len(layout.plan_years)
    scale = plan.grade_scale or GradeScale()
    grades = layout.table(grades.name)
    write_table(ws, grades, [[p.name, *[None] * len(scale.labels)] for p in plan.policies], title=False)
    write_table(ws, effects, [[None, None] for _ in range(n_effect)], title=False)
    for j, col in enumerate(grades.columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = col.width
    ws.column_dimensions["B"].width = 24  # the figures above the table need the room
    chart_row = grades.anchor_row + max(n_policy, n_effect) + 3

    shares = BarChart()
    shares.type, shares.grouping, shares.overlap, shares.gapWidth = "bar", "percentStacked", 100, 60
    shares.title = "基本方針別の評価の割合"
    data = Reference(ws, min_col=2, max_col=1 + len(scale.labels), min_row=grades.anchor_row,
                     max_row=grades.anchor_row + n_policy)
    cats = Reference(ws, min_col=1, min_row=grades.anchor_row + 1, max_row=grades.anchor_row + n_policy)
    shares.add_data(data, titles_from_data=True)
    shares.set_categories(cats)
    for series, grade in zip(shares.series, scale.labels, strict=True):  # the plan's colours (S..D by default)
        if scale.fill(grade):
            _fill(series, scale.fill(grade))
    _bars_top_down(shares)
    shares.y_axis.number_format = "0%"
    shares.legend.position = "b"
    shares.height, shares.width = 9, 17
    ws.add_chart(shares, f"A{chart_row}")

    money = BarChart()
    money.type, money.gapWidth = "bar", 50  # horizontal: the plans' long names read on one line
    money.title = "財政効果額（これまでの計画と本計画の年度別）"
    left = effects.anchor_col
    data = Reference(ws, min_col=left + 1, min_row=effects.anchor_row, max_row=effects.anchor_row + n_effect)
    cats = Reference(ws, min_col=left, min_row=effects.anchor_row + 1, max_row=effects.anchor_row + n_effect)
    money.add_data(data, titles_from_data=True)
    money.set_categories(cats)
    _fill(money.series[0], EFFECT_SERIES[0])
    _bars_top_down(money)
    money.y_axis.number_format = MILLION_YEN
    money.y_axis.title = "百万円"
    money.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False, showLegendKey=False,
                                     showPercent=False, numFmt=MILLION_YEN)
    money.legend = None
    money.height, money.width = 9, 19
    ws.add_chart(money, f"{get_column_letter(left)}{chart_row}")
    print_setup(ws, grades.anchor_row)
    ws.page_setup.fitToHeight = 1  # the manager's one page
    ws.print_title_rows = None
    if protect:
        protect_sheet(ws)


MILLION_YEN = '#,##0,,"百万円"'  # yen shown in millions (two thousands separators after the digits)


def _fill(series: Any, color: str) -> None:
    series.graphicalProperties = GraphicalProperties(solidFill=color)
    series.graphicalProperties.line.solidFill = color


def _bars_top_down(chart: BarChart) -> None:
    """Horizontal bars in the table's order (first row on top), value axis at the bottom, axes shown in Excel."""
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.crosses = "max"
    chart.x_axis.delete = False
    chart.y_axis.delete = False


def _write_guide(wb: Workbook, plan: Plan, sample: bool, macro: bool, protect: bool) -> None:
    ws = wb.active
    ws.title = c.SHEET_GUIDE
    ws.column_dimensions["A"].width = 110
    ws["A1"] = f"{plan.name}（{plan.city}） 管理ワークブック"
    apply(ws["A1"], "title")
    if sample:
        ws["A2"] = SAMPLE_MARK + "このブックの実績・進捗状況・効果額台帳は説明用の架空データです。実際の値ではありません。"
        apply(ws["A2"], "title")
    lines = guide_lines(macro=macro, protect=protect, scale=plan.grade_scale,
                        cumulative=any(m.cumulative for m in plan.measures))
    for i, line in enumerate(lines, start=3):
        apply(ws.cell(row=i, column=1, value=line), "body")
        height = row_height([(line, ws.column_dimensions["A"].width)])
        if height:
            ws.row_dimensions[i].height = height
    print_setup(ws, 1, landscape=False)
    ws.print_title_rows = None


def build_workbook(plan: Plan, settings: Settings | None = None,
                   rows: dict[str, list[list[Any]]] | None = None, sample: bool = False,
                   protect: bool = True, macro: bool = False) -> Workbook:
    """A new master workbook of this plan. `rows` overrides the input rows (used for sample data).

    protect=False leaves every sheet unprotected: Office.js (xlwings Server) cannot write to protected sheets.
    macro: the 使い方 sheet explains the .xlsm's button instead of the command and the add-in.
    """
    settings = settings or Settings(evaluation_year=plan.start_year)
    layout = layout_of(plan)
    wb = Workbook()
    _write_guide(wb, plan, sample, macro, protect)
    _write_dashboard(wb, plan, layout, protect)
    _write_inputs(wb, plan, layout, rows or input_rows(plan, layout, settings), protect)
    _write_outputs(wb, layout, protect)
    _write_trend_charts(wb[c.SHEET_TREND], plan, layout)
    _write_cycle(wb, layout, protect)
    if plan.grade_scale is not None:
        paint_grades(wb, layout, plan.grade_scale)
    wb.defined_names["kaikaku_plan"] = DefinedName("kaikaku_plan", attr_text=f'"{plan.name}"')
    wb.defined_names["kaikaku_city_code"] = DefinedName("kaikaku_city_code", attr_text=f'"{plan.city_code}"')
    wb.defined_names["kaikaku_sample"] = DefinedName("kaikaku_sample", attr_text="TRUE" if sample else "FALSE")
    wb.properties.title = plan.name
    wb.properties.creator = "kaikaku-xl"
    return wb


def layout_of(plan: Plan) -> c.Layout:
    own = {"grades": plan.grade_scale.labels, "own_scale": True} if plan.grade_scale is not None else {}
    return c.Layout(years=list(range(plan.baseline_year + 1, plan.end_year + 1)), plan_years=plan.years, **own)


GRADE_SETTINGS = ("grade_s_progress", "grade_a_ratio", "grade_b_ratio")  # the default scale's thresholds


def setting_specs(plan: Plan) -> tuple[Any, ...]:
    """The 設定 rows of this plan's master: a plan with its own scale keeps its thresholds in 評価区分, not here."""
    return tuple(s for s in SETTING_SPECS if plan.grade_scale is None or s.key not in GRADE_SETTINGS)


def grade_prompt(scale: GradeScale) -> str:
    """The dropdown's prompt for the 評価 column (Excel allows 255 characters)."""
    labels = "・".join(scale.labels) if scale.custom else "S〜D"  # the default master's text, unchanged
    who = "全ての項目の評価" if scale.typed else "指標のない項目の評価"
    return f"{who}（{labels}）を選んでください。対象外は全ての項目で選べます。空欄は未入力です。"[:250]


def save_new(wb: Workbook, path: Path) -> None:
    if path.exists():
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
