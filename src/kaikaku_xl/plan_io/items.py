"""The 基本方針 and 取組項目 sheets of a plan workbook: one policy or item per row, every mistake with its cell.

Apart from `reader.py` (the workbook as a whole) like `measures.py` and `effects.py`: each sheet has its own rules.
"""

from __future__ import annotations

from typing import Any

from openpyxl.workbook.workbook import Workbook

from kaikaku_xl.plan import section_no
from kaikaku_xl.plan.parts import file_name_key, same_file_name
from kaikaku_xl.plan_io.contract import PLAN_ITEMS, PLAN_POLICIES
from kaikaku_xl.plan_io.sheet import PlanReader, Row


def read_policies(reader: PlanReader, wb: Workbook) -> list[dict[str, Any]]:
    out, seen = [], set()
    for row in reader.rows(wb, PLAN_POLICIES):
        if not reader.required(row, PLAN_POLICIES):
            continue
        no = reader.integer(row, "no", "No")
        if no is None:
            continue
        if no in seen:
            reader.bad(row, "no", f"基本方針 No.{no} が重複しています。")
            continue
        seen.add(no)
        out.append({"no": no, "name": reader.text(row, "name"), "bullets": reader.lines(row, "bullets")})
    if not out and not any(p[0] == PLAN_POLICIES.sheet for p in reader.problems):
        reader.problems.append((PLAN_POLICIES.sheet, "", "基本方針が1つもありません。"))
    return out


def _section(reader: PlanReader, row: Row, sections: dict[str, int], policy: int) -> str | None | bool:
    """The row's 推進項目 (None: none; False: a mistake, reported)."""
    if "section" not in row.cells or reader.blank(row, "section"):
        return None
    no = section_no(row.value("section"))
    if no not in sections:
        reader.bad(row, "section", f"推進項目「{no}」は推進項目シートにありません。")
        return False
    if sections[no] != policy:
        reader.bad(
            row, "policy", f"基本方針 {policy} が推進項目「{no}」の基本方針 {sections[no]} と違います。"
        )
        return False
    return no


def _unknown_policy(reader: PlanReader, row: Row, policy: int, policy_nos: set[int]) -> bool:
    if policy_nos and policy not in policy_nos:
        reader.bad(row, "policy", f"基本方針「{policy}」は基本方針シートにありません。")
        return True
    return False


def _lead_clash(reader: PlanReader, row: Row, leads: dict[str, tuple[str, str]]) -> bool:
    """A 主要担当課 that makes the same department file name as another's (「総務 課」/「総務　課」): reported with both
    cells (distribute would write both departments into one file)."""
    lead = reader.text(row, "lead")
    where, other = leads.setdefault(file_name_key(lead), (row.where("lead"), lead))
    if not lead or other == lead:
        return False
    reader.bad(
        row,
        "lead",
        f"主要担当課「{lead}」と {where} の「{other}」は、" + same_file_name(lead),
    )
    return True


def _check_years(
    reader: PlanReader, row: Row, years: dict[str, int | None], period: tuple[int, int] | None
) -> None:
    """The item's own years against each other and against the plan's period, each mistake at its cell."""
    start, end = years["start_year"], years["end_year"]
    if start is not None and end is not None and start > end:
        reader.bad(row, "end_year", "終了年度が開始年度より前です。")
    if period is not None:
        first, last = period
        for key, year in years.items():
            if year is not None and not first <= year <= last:
                reader.bad(row, key, f"{year}年度は推進期間（{first}〜{last}年度）の外です。")


def _departments(reader: PlanReader, row: Row) -> list[str]:
    text = reader.text(row, "departments").replace("，", "、").replace(",", "、").replace("\n", "、")
    return [d.strip() for d in text.split("、") if d.strip()]


def read_items(
    reader: PlanReader,
    wb: Workbook,
    policy_nos: set[int],
    period: tuple[int, int] | None,
    sections: dict[str, int] | None = None,
) -> list[dict[str, Any]]:
    sections = sections or {}
    out, seen = [], set()
    leads: dict[str, tuple[str, str]] = {}  # file name key -> (cell, 主要担当課) of its first row
    for row in reader.rows(wb, PLAN_ITEMS):
        mark = reader.mark()  # every check of the row runs; the row is dropped after them if one failed
        complete = reader.required(row, PLAN_ITEMS)
        no, policy = reader.item_no(row, "no"), reader.integer(row, "policy", "基本方針")
        years = {
            key: reader.year(row, key, label) if key in row.cells else None
            for key, label in (("start_year", "開始年度"), ("end_year", "終了年度"))
        }
        _check_years(reader, row, years, period)
        if no is not None and no in seen:
            reader.bad(row, "no", f"取組項目 No.{no} が重複しています。")
        if no is not None:
            seen.add(no)
        section: str | None | bool = None
        if policy is not None and not _unknown_policy(reader, row, policy, policy_nos):
            section = _section(reader, row, sections, policy)
        _lead_clash(reader, row, leads)
        if reader.faulty_since(mark) or not complete or no is None or policy is None:
            continue
        out.append(
            {
                "no": no,
                "policy": policy,
                "title": reader.text(row, "title"),
                "section": section,
                "summary": reader.text(row, "summary"),
                "actions": reader.lines(row, "actions"),
                "lead": reader.text(row, "lead"),
                "departments": _departments(reader, row),
                "measures": [],
                **{k: v for k, v in years.items() if v is not None},
            }
        )
    if not out and not any(p[0] == PLAN_ITEMS.sheet for p in reader.problems):
        reader.problems.append((PLAN_ITEMS.sheet, "", "取組項目が1つもありません。"))
    return out
