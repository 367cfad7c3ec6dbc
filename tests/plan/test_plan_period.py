"""A plan's years are bounded (issue 21, findings 12 and Low): 計画終了年度 9999 took init over 400 s and 1.1 GB, and
令和 years typed as 6, 8 or 12 (or negative years) built a master for AD 7–12. A plan longer than MAX_PLAN_YEARS,
a 基準年度 too far before its start, or a year before 1989 is refused at once with the year's key and a hint."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from kaikaku_xl.cli.program import main
from kaikaku_xl.errors import PlanError
from kaikaku_xl.plan import load_plan
from kaikaku_xl.plan.period import EARLIEST_YEAR, MAX_BASELINE_LEAD, MAX_PLAN_YEARS

BUNDLED = Path(__file__).resolve().parents[2] / "src" / "kaikaku_xl" / "data" / "omitama_2026.toml"


def _plan(tmp_path: Path, **years: int) -> Path:
    text = BUNDLED.read_text(encoding="utf-8")
    for key, year in years.items():
        text = re.sub(rf"^{key} = \d+$", f"{key} = {year}", text, count=1, flags=re.M)
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("years", "key", "says"),
    [
        ({"end_year": 9999}, "end_year", f"{MAX_PLAN_YEARS} 年まで"),
        ({"end_year": 2026 + MAX_PLAN_YEARS}, "end_year", f"{MAX_PLAN_YEARS} 年まで"),
        ({"baseline_year": 2026 - MAX_BASELINE_LEAD - 1}, "baseline_year", f"{MAX_BASELINE_LEAD} 年前まで"),
        ({"baseline_year": 6, "start_year": 8, "end_year": 12}, "baseline_year", "令和8年度 → 2026"),
        ({"start_year": 8}, "start_year", "西暦で入力してください"),
        ({"baseline_year": -5}, "baseline_year", "西暦で入力してください"),
    ],
)
def test_a_plan_toml_with_years_out_of_bounds_is_refused(
    tmp_path: Path, years: dict[str, int], key: str, says: str
) -> None:
    with pytest.raises(PlanError) as refused:
        load_plan(_plan(tmp_path, **years))
    assert f"[plan] {key}:" in str(refused.value) and says in str(refused.value)


def test_the_longest_plan_allowed_still_loads(tmp_path: Path) -> None:
    plan = load_plan(
        _plan(tmp_path, end_year=2026 + MAX_PLAN_YEARS - 1, baseline_year=2026 - MAX_BASELINE_LEAD)
    )
    assert plan.end_year - plan.start_year + 1 == MAX_PLAN_YEARS and EARLIEST_YEAR < plan.baseline_year


def test_an_item_year_typed_in_reiwa_is_refused_with_the_hint(tmp_path: Path) -> None:
    path = _plan(tmp_path)
    text = path.read_text(encoding="utf-8").replace(
        "no = 1\npolicy = 1\n", "no = 1\npolicy = 1\nstart_year = 8\n", 1
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError, match="取組項目 No.1: 開始年度.*令和8年度 → 2026"):
        load_plan(path)


def test_init_with_end_year_9999_is_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    code = main(["init", str(tmp_path / "m.xlsx"), "--plan", str(_plan(tmp_path, end_year=9999)), "-q"])
    assert code == 2 and time.monotonic() - started < 10
    assert "end_year" in capsys.readouterr().err
    assert not (tmp_path / "m.xlsx").exists()
