"""Every problem a refresh would list: the readers' problems, why a measure is not graded, the narratives the
plan's scale asks for, and closed years' recorded figures that no longer match (`kaikaku validate`, 検証)."""

from __future__ import annotations

from kaikaku_xl.cycle.status import NARRATIVE_LABELS
from kaikaku_xl.errors import shown
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.load import Loaded, count_inputs, load
from kaikaku_xl.master.recorded import evaluate_kept, recorded_problems
from kaikaku_xl.metrics.frames import Results
from kaikaku_xl.metrics.narratives import narrative_gaps
from kaikaku_xl.plan.scale import NOT_GRADED, GradeScale
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.problems import WARNING, Problem
from kaikaku_xl.progress import SILENT, Progress
from kaikaku_xl.xlsx.engine import Engine


def metric_problems(loaded: Loaded, results: Results) -> list[Problem]:
    """Why a measure is 評価対象外 (−) for the evaluation year: DOMAIN.md sends the reason to the problems list."""
    spec = loaded.layout.table(c.ACTUALS_TABLE)
    typed = GradeScale.of(loaded.settings).typed
    m = results.measures
    return [
        Problem(
            WARNING,
            spec.sheet,
            "",
            f"No.{item}「{shown(name)}」{results.evaluation_year}年度: {reason}",
            "実績を入力すると評価されます。",
        )
        for item, name, grade, unknown, reason in zip(
            m["item"].tolist(),
            m["name"].tolist(),
            m["grade"].tolist(),
            m["actual"].isna().tolist(),
            m["reason"].tolist(),
            strict=True,
        )
        if grade == NOT_GRADED and (not typed or unknown)  # a typed scale grades no measure
    ]


def all_problems(loaded: Loaded, results: Results) -> list[Problem]:
    return [
        *loaded.problems,
        *metric_problems(loaded, results),
        *narrative_problems(loaded, results),
        *recorded_problems(loaded),
    ]


def compute(loaded: Loaded, settings: Settings, progress: Progress = SILENT) -> Results:
    """The metrics, with the 計算 line (measures, items, seconds)."""
    with progress.phase("計算") as phase:
        count_inputs(phase, loaded)
        return evaluate_kept(loaded, settings)


def validate(engine: Engine, progress: Progress = SILENT) -> tuple[Loaded, list[Problem]]:
    """Every problem a refresh would list, without writing anything (`kaikaku validate`, the 検証 button)."""
    loaded = load(engine, progress)
    return loaded, all_problems(loaded, compute(loaded, loaded.settings, progress))


def narrative_problems(loaded: Loaded, results: Results) -> list[Problem]:
    year = results.evaluation_year
    leads = loaded.inputs.items.set_index("item")["lead"]
    problems = []
    for gap in narrative_gaps(loaded.status, results, GradeScale.of(loaded.settings)):
        item, why, missing, cells = gap.item, gap.why, gap.missing, gap.cells
        labels = "・".join(NARRATIVE_LABELS[k] for k in missing)
        problems.append(
            Problem(
                WARNING,
                c.STATUS.sheet,
                cells.get(missing[0], ""),
                f"No.{item}（{leads.get(item, '')}）{year}年度は{why}のため、{labels}の記入が必要です。",
                f"{c.STATUS.sheet}シートの {year}年度の行に記入してください。",
            )
        )
    return problems
