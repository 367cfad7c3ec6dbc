"""Helpers for the yearly-cycle tests: find and fill department files as staff would (openpyxl)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.master import contract as c

NOW = "2026-06-01T10:00:00"


def run_json(capsys: Any, *args: str) -> tuple[int, Any]:
    capsys.readouterr()
    code = main([*args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def department_file(folder: Path, department: str) -> Path:
    found = [p for p in folder.glob("*.xlsx") if department in p.name]
    assert len(found) == 1, (department, sorted(p.name for p in folder.glob("*.xlsx")))
    return found[0]


def row_of(ws: Any, **match: Any) -> int:
    """Row number of the first row below the header (row 3) whose columns (by header) match."""
    headers = [cell.value for cell in ws[3]]
    for row in range(4, ws.max_row + 1):
        if all(ws.cell(row=row, column=headers.index(h) + 1).value == v for h, v in match.items()):
            return row
    raise AssertionError(f"no row {match} in {ws.title}")


def col_of(ws: Any, header: str) -> int:
    return [cell.value for cell in ws[3]].index(header) + 1


def master_values(path: Path, sheet: str) -> list[list[Any]]:
    wb = load_workbook(path, data_only=True)
    return [list(r) for r in wb[sheet].iter_rows(min_row=4, values_only=True)]


def change_log(path: Path) -> list[dict[str, Any]]:
    wb = load_workbook(path, data_only=True)
    ws = wb[c.CHANGE_LOG.sheet]
    headers = [cell.value for cell in ws[c.CHANGE_LOG.anchor_row]]
    rows = ws.iter_rows(min_row=c.CHANGE_LOG.anchor_row + 1, values_only=True)
    return [dict(zip(headers, r, strict=False)) for r in rows if any(v is not None for v in r)]


YEAR = 2026
DEPT = "人事課"  # items 1-5; measures of items 2, 3 and 5
OTHER_MEASURE = (6, "BPRによる業務削減時間")  # 行革デジタル推進課's


def actual_in(master: Path, item: int, name: str, year: int = YEAR) -> object:
    """A measure's 実績 of `year` in a saved workbook, as the file holds it."""
    ws = load_workbook(master, data_only=True)["実績"]
    return ws.cell(row=row_of(ws, No=item, 指標名=name), column=col_of(ws, f"{year}年度")).value


def fill_as_personnel_section(path: Path) -> None:
    """What 人事課 types: an amount with 円 and commas, a status, a ledger row, and a row pasted from another課."""
    wb = load_workbook(path)
    ws = wb["実績"]
    year_col = col_of(ws, f"{YEAR}年度")
    ws.cell(
        row=row_of(ws, No=2, 指標名="人件費（会計年度任用職員以外）"),
        column=year_col,
        value="4,012,345,678円",
    )
    ws.cell(row=row_of(ws, No=3, 指標名="会計年度任用職員人件費"), column=year_col, value=650000000)
    pasted = ws.max_row + 1
    for j, value in enumerate([OTHER_MEASURE[0], OTHER_MEASURE[1], "時間"], start=1):
        ws.cell(row=pasted, column=j, value=value)
    ws.cell(row=pasted, column=year_col, value=1200)
    st = wb[c.STATUS.sheet]
    r = row_of(st, No=1, 年度=YEAR)
    st.cell(row=r, column=col_of(st, "進捗状況"), value="実施中")
    st.cell(row=r, column=col_of(st, "取組実績"), value="定員適正化計画の改定に着手")
    lg = wb[c.LEDGER.sheet]
    free = next(r for r in range(4, lg.max_row + 1) if lg.cell(row=r, column=1).value is None)
    for header, value in (
        ("No", 4),
        ("年度", YEAR),
        ("区分", "歳出削減"),
        ("金額（円）", "1,200,000円"),
        ("内容", "職員研修の内製化"),
        ("算定根拠", "委託料の差額"),
    ):
        lg.cell(row=free, column=col_of(lg, header), value=value)
    wb.save(path)
