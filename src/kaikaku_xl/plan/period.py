"""The bounds of a plan's years, in one place for the TOML and the plan workbook alike.

A year before 平成 (1989) is a 和暦 year typed as a number (令和8 → 8) or a slip, not a 年度 of a plan. A plan
longer than MAX_PLAN_YEARS, or a 基準年度 more than MAX_BASELINE_LEAD years before its start, is a slip too (計画終了年度
9999): the master has a column per year, so such a plan would take minutes and gigabytes to build.
"""

from __future__ import annotations

EARLIEST_YEAR = 1989  # 平成元年
MAX_PLAN_YEARS = 20  # 計画開始年度〜計画終了年度, both included
MAX_BASELINE_LEAD = 10  # 基準年度 at most this many years before 計画開始年度

YEAR_HINT = "西暦で入力してください（令和8年度 → 2026）。"


def year_problem(year: int) -> str | None:
    """Why `year` cannot be a 年度 of a plan (Japanese, with the hint), or None."""
    if year < EARLIEST_YEAR:
        return f"{year} は年度として読めません（{EARLIEST_YEAR}年度より前）。{YEAR_HINT}"
    return None


def period_problems(baseline: int, start: int, end: int) -> dict[str, str]:
    """What is wrong with a plan's period, by the key of the year at fault (baseline_year / start_year /
    end_year); empty when it is fine. Each year's own problem first, then the order, then the lengths."""
    years = {"baseline_year": baseline, "start_year": start, "end_year": end}
    found = {key: message for key, year in years.items() if (message := year_problem(year))}
    if found:
        return found
    if not baseline < start <= end:
        return {"start_year": "基準年度 < 計画開始年度 ≦ 計画終了年度 になっていません。"}
    if end - start + 1 > MAX_PLAN_YEARS:
        return {
            "end_year": f"計画期間が {end - start + 1} 年あります（{start}〜{end}年度）。"
            f"計画期間は {MAX_PLAN_YEARS} 年までです。計画終了年度を確認してください。"
        }
    if start - baseline > MAX_BASELINE_LEAD:
        return {
            "baseline_year": f"基準年度 {baseline} が計画開始年度 {start} の {start - baseline} 年前です。"
            f"基準年度は計画開始年度の {MAX_BASELINE_LEAD} 年前までです。"
        }
    return {}
