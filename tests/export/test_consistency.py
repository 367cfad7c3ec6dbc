"""Issue 20: the council materials say the same thing in every table and say what is missing (an oracle of the
report against what the HTML page and the workbook print).

A year exported mid-collection: two counted measures without their 2026 actual, one item without measures whose
department left the grade blank. For every item graded in the report, its grade appears in every table of the
HTML and the xlsx that lists the item; every rate printed beside its parts equals their ratio, parsed from the
printed figures; missing inputs are counted beside the totals they affect and the rates are marked 暫定.
"""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from helpers.export import GENERATED, NO_SOFFICE
from openpyxl import load_workbook

from kaikaku_xl.app.report import build_report
from kaikaku_xl.export import ExportResult, ItemStatus, export_all
from kaikaku_xl.export.cells import PROVISIONAL
from kaikaku_xl.export.report import Report
from kaikaku_xl.metrics.evaluate import evaluate
from kaikaku_xl.metrics.frames import Inputs, items_frame, measures_frame
from kaikaku_xl.plan import Plan, load_plan
from kaikaku_xl.plan.scale import NOT_ENTERED, NOT_GRADED
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.rounding import format_percent

BLANK_MEASURES = ("2-1", "21-1")  # counted in 財政効果額; their 2026 actual not collected yet


def mid_collection() -> tuple[Plan, Report, list[ItemStatus], int]:
    """The bundled plan in 2026 with two counted measures still blank and one department grade not entered; the
    last value is that item's number."""
    plan = load_plan()
    m = measures_frame(plan)
    acts = pd.DataFrame(
        [
            {"measure_id": r.measure_id, "year": y, "actual": r.baseline + (r.target - r.baseline) * f}
            for r in m.itertuples()
            for y, f in ((2025, 0.1), (2026, 0.3))
            if not (y == 2026 and r.measure_id in BLANK_MEASURES)
        ]
    )
    no_measure = [it.no for it in plan.items if not it.measures]
    blank_grade = no_measure[1]
    statuses = [
        ItemStatus(
            no=no,
            year=2026,
            status="実施中",
            grade="" if no == blank_grade else "SABCD"[i % 5],
            results="取組を進めた。",
        )
        for i, no in enumerate(no_measure)
    ]
    # items with measures have narratives too (the 定性評価 table lists them): their grade is the measures'
    with_measures = [it.no for it in plan.items if it.measures][:4]
    statuses += [
        ItemStatus(no=no, year=2026, status="実施中", results="実績を記入した。") for no in with_measures
    ]
    status = pd.DataFrame([{"item": s.no, "year": s.year, "grade": s.grade or None} for s in statuses])
    inputs = Inputs(
        measures=m,
        items=items_frame(plan),
        baseline_year=2024,
        start_year=2026,
        end_year=2030,
        actuals=acts,
        status=status,
    )
    return plan, build_report(plan, evaluate(inputs, Settings(evaluation_year=2026))), statuses, blank_grade


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, ExportResult, int]:
    plan, report, statuses, blank_grade = mid_collection()
    out = tmp_path_factory.mktemp("consistency")
    result = export_all(
        plan, report, statuses, out, display_unit="円", generated=GENERATED, soffice=NO_SOFFICE
    )
    return report, result, blank_grade


class Tables(HTMLParser):
    """Every table of the page by its id: the column titles and each body row's cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, dict[str, list]] = {}
        self.notes: list[str] = []
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._in_head = False
        self._note: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._table = a.get("id") or ""
            self.tables[self._table] = {"columns": [], "rows": []}
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None and a.get("scope") != "rowgroup":
            self._cell = []
        elif tag == "p" and a.get("class") == "note":
            self._note = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            if self._in_head:
                self.tables[self._table]["columns"] = self._row
            elif self._row:
                self.tables[self._table]["rows"].append(self._row)
            self._row = None
        elif tag == "thead":
            self._in_head = False
        elif tag == "table":
            self._table = None
        elif tag == "p" and self._note is not None:
            self.notes.append("".join(self._note))
            self._note = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._note is not None:
            self._note.append(data)


def html_tables(result: ExportResult) -> Tables:
    assert result.html is not None
    parser = Tables()
    parser.feed(result.html.read_text(encoding="utf-8"))
    return parser


def sheet_rows(result: ExportResult, sheet: str) -> tuple[list[str], list[list[str]]]:
    """(the header row, the rows below it) of a sheet of one table, as text (numbers as the cell shows them are
    not needed here: grades are text)."""
    assert result.xlsx is not None
    ws = load_workbook(result.xlsx)[sheet]
    rows = [["" if v is None else str(v) for v in r] for r in ws.iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(rows) if r and r[0] == "No")
    return rows[head], rows[head + 1 :]


def grades_in(columns: list[str], rows: list[list[str]]) -> dict[str, set[str]]:
    """Item number -> the grades a table prints for it (a row per measure may repeat the item)."""
    no, grade = columns.index("No"), columns.index("評価")
    out: dict[str, set[str]] = {}
    for r in rows:
        if len(r) > grade and r[no].strip():
            out.setdefault(r[no].strip(), set()).add(r[grade].strip())
    return out


# ── every item's grade, in every table ───────────────────────────────────────────────────────────────────────


def test_every_graded_item_shows_its_grade_in_every_table_of_the_html_and_the_xlsx(exported) -> None:
    report, result, _blank = exported
    tables = html_tables(result)
    listings = {
        "html items": grades_in(tables.tables["items"]["columns"], tables.tables["items"]["rows"]),
        "html qualitative": grades_in(
            tables.tables["qualitative"]["columns"], tables.tables["qualitative"]["rows"]
        ),
        "xlsx 取組一覧": grades_in(*sheet_rows(result, "取組一覧")),
        "xlsx 定性評価": grades_in(*sheet_rows(result, "定性評価")),
    }
    one_row_per_item = {"html qualitative", "xlsx 定性評価"}
    checked = 0
    for item in report.items:
        for name, listed in listings.items():
            printed = listed.get(str(item.no))
            if printed is None:
                assert name in one_row_per_item, f"No.{item.no} missing from {name}"
                continue
            if name in one_row_per_item:
                assert printed == {item.grade}, f"{name} No.{item.no}: {printed} != {item.grade}"
            else:
                # a row per measure: the item's grade is its 主指標's, one of them
                assert item.grade in printed, (name, item.no, printed)
            checked += 1
    # the 定性評価 table lists items graded by their measures too, with their grade (never − beside it)
    with_measures = {m.item for m in report.measures}
    listed = listings["html qualitative"]
    graded_by_measures = [
        i for i in report.items if i.no in with_measures and str(i.no) in listed and i.grade != NOT_GRADED
    ]
    assert graded_by_measures and all(listed[str(i.no)] == {i.grade} for i in graded_by_measures)
    assert checked > 2 * len(report.items)


def test_the_qualitative_table_says_what_each_grade_rests_on_and_a_blank_is_not_entered(exported) -> None:
    report, result, blank = exported
    for columns, rows in (
        (
            html_tables(result).tables["qualitative"]["columns"],
            html_tables(result).tables["qualitative"]["rows"],
        ),
        sheet_rows(result, "定性評価"),
    ):
        basis = columns.index("評価の根拠")
        by_no = {r[0].strip(): r for r in rows if r and r[0].strip()}
        item = next(i for i in report.items if i.no == blank)
        assert item.grade == NOT_GRADED and item.grade_label == NOT_ENTERED
        assert NOT_ENTERED in by_no[str(blank)][basis]  # − with 担当課評価：未入力, not 担当課の評価 alone
        for i in report.items:
            if str(i.no) in by_no and i.grade != NOT_GRADED:
                assert by_no[str(i.no)][basis] == i.grade_source


def test_the_items_table_says_a_blank_department_grade_is_not_entered(exported) -> None:
    _report, result, blank = exported
    tables = html_tables(result).tables["items"]
    note = tables["columns"].index("備考")
    row = next(r for r in tables["rows"] if r[0].strip() == str(blank))
    assert NOT_ENTERED in row[note] and row[note] != "担当課の評価"


# ── every printed rate is the ratio of the printed figures beside it ─────────────────────────────────────────

RATIOS = {  # table -> (numerator column, denominator column, rate column, missing-count column)
    "effects_by_year": [
        ("うち指標分", "計画効果額（指標分）", "効果額達成率（指標分÷計画）", "未入力の指標（件）"),
        ("うち指標分の累計", "計画累計効果額（指標分）", "累計達成率（指標分÷計画）", "未入力（累計・件）"),
    ],
}


def number(text: str) -> float | None:
    text = text.strip()
    if text in ("", "−"):
        return None
    sign = -1 if text.startswith("△") else 1
    return sign * float(text.lstrip("△").replace(",", ""))


def test_every_rate_beside_its_parts_is_their_ratio_and_provisional_while_inputs_are_missing(
    exported,
) -> None:
    report, result, _blank = exported
    tables = html_tables(result).tables
    checked = 0
    for key, triples in RATIOS.items():
        columns, rows = tables[key]["columns"], tables[key]["rows"]
        for num_col, den_col, rate_col, missing_col in triples:
            for row in rows:
                num, den = number(row[columns.index(num_col)]), number(row[columns.index(den_col)])
                rate, missing = row[columns.index(rate_col)], number(row[columns.index(missing_col)])
                if num is None or den is None or den == 0:
                    assert rate == "−"
                    continue
                expected = format_percent(num / den)
                assert rate.removesuffix(PROVISIONAL) == expected, (key, row[0], rate, num, den)
                assert rate.endswith(PROVISIONAL) == bool(missing), (key, row[0], rate, missing)
                checked += 1
    assert checked >= 2
    first = report.effects.by_year[0]
    assert first.missing == len(BLANK_MEASURES) and first.missing_cumulative == len(BLANK_MEASURES)


def test_grade_shares_are_the_ratio_of_the_printed_counts(exported) -> None:
    report, result, _blank = exported
    tables = html_tables(result).tables
    counts, shares = tables["grade_counts"], tables["grade_shares"]
    graded = counts["columns"].index("評価対象")
    for count_row, share_row in zip(counts["rows"], shares["rows"], strict=True):
        for g in report.scale.labels:
            head = next(c for c in counts["columns"] if c.startswith(g))
            n, total = number(count_row[counts["columns"].index(head)]), number(count_row[graded])
            share = share_row[shares["columns"].index(head)]
            assert share == ("−" if not total else format_percent((n or 0) / total))


# ── missing inputs are said, not hidden ──────────────────────────────────────────────────────────────────────


def test_missing_inputs_are_counted_beside_the_totals_and_not_listed_as_counted(exported) -> None:
    report, result, _blank = exported
    parsed = html_tables(result)
    shares = parsed.tables["grade_shares"]
    total = shares["rows"][-1]
    assert total[0] == "全体"
    assert number(total[shares["columns"].index("未入力の指標（件）")]) == len(BLANK_MEASURES)
    assert report.total.effect_year_missing == len(BLANK_MEASURES)
    counted = next(n for n in parsed.notes if "計上した指標" in n)
    blank = next(n for n in parsed.notes if "未入力の指標" in n and "含まれていません" in n)
    for measure in BLANK_MEASURES:
        assert measure not in re.split(r"[：、。（）]", counted)
        assert measure in blank
    assert any("直線" in n and "計画書に記載された金額ではありません" in n for n in parsed.notes)
    by_measure = parsed.tables["effects_by_measure"]
    status = by_measure["columns"].index("計上")
    for row in by_measure["rows"]:
        blank = any(row[2] == m.name for m in report.measures if m.id in BLANK_MEASURES)
        assert ("未入力" in row[status]) == blank, row


def test_this_plan_beside_earlier_plans_says_how_many_years_it_holds(exported) -> None:
    _report, result, _blank = exported
    history = html_tables(result).tables["effects_history"]
    assert history["rows"][-1][0] == "本計画（2026年度の1年分）"
    ws = load_workbook(result.xlsx)["財政効果額"]
    texts = {str(c.value) for row in ws.iter_rows() for c in row if c.value is not None}
    assert (
        "本計画（2026年度の1年分）" in texts and "本計画（1年分）" in texts
    )  # the table and the chart's bar


def test_a_later_year_says_how_many_years_this_plan_holds(tmp_path: Path) -> None:
    from kaikaku_xl.export.effect_tables import this_plan_label

    _plan, report, _statuses, _blank = mid_collection()
    later = replace(report, plan=replace(report.plan, evaluation_year=2028))
    assert this_plan_label(later) == "本計画（2026〜2028年度の3年分の累計）"


def test_the_workbook_stores_each_rate_as_the_ratio_of_the_stored_parts(exported) -> None:
    """The xlsx (and so the PDF rendered from it): each 効果額達成率 cell holds the rounded ratio of the two
    amounts it is printed beside, and its number format says 暫定 while inputs are missing."""
    _report, result, _blank = exported
    ws = load_workbook(result.xlsx)["財政効果額"]
    rows = [list(r) for r in ws.iter_rows()]
    head = next(i for i, r in enumerate(rows) if r[0].value == "年度")
    titles = [c.value for c in rows[head]]
    checked = 0
    for num_col, den_col, rate_col, missing_col in RATIOS["effects_by_year"]:
        for row in rows[head + 1 : head + 1 + len(_report.effects.by_year)]:
            num, den = row[titles.index(num_col)].value, row[titles.index(den_col)].value
            rate = row[titles.index(rate_col)]
            if not isinstance(num, int | float) or not isinstance(den, int | float) or not den:
                continue
            assert format_percent(rate.value) == format_percent(num / den)
            missing = row[titles.index(missing_col)].value
            assert (PROVISIONAL in rate.number_format) == bool(missing)
            checked += 1
    assert checked >= 2


def test_rates_against_the_effect_plan_are_provisional_while_inputs_are_missing() -> None:
    """The 効果額計画 tables (plans that have one): the whole plan's and each 基本方針's rate is marked 暫定, with
    the count beside it, while a counted measure of theirs has no value; the rate is still the printed ratio."""
    from kaikaku_xl.export.plan_tables import effect_plan_tables

    _plan, report, _statuses, _blank = mid_collection()
    total = replace(report.total, effect_plan_year=report.total.effect_year * 2)
    total = replace(total, effect_plan_attainment=total.effect_year / total.effect_plan_year)
    planned_item = replace(report.items[1], effect_plan_year=1_000_000)  # a plan has 効果額計画 on its items
    report = replace(report, total=total, items=(report.items[0], planned_item, *report.items[2:]))
    by_policy = effect_plan_tables(report, {}, "円")[0]
    titles = [c.title for c in by_policy.columns]
    last = by_policy.rows[-1]
    assert last[0].text == "全体"
    assert last[titles.index("効果額達成率")].text == "50.0%" + PROVISIONAL
    assert last[titles.index("未入力の指標（件）")].text == str(len(BLANK_MEASURES))
