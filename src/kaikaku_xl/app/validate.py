"""Every problem a refresh would list: the readers' problems, why a measure is not graded, the grades and
narratives still missing, the 対象外 proposals awaiting the 推進本部, and closed years' recorded figures that no
longer match (`kaikaku validate`, 検証).

A gap of a department whose inputs are not due yet (a fresh master on day one, a department distributed to and
before its due date) is information (情報), not a warning: warnings are what needs action now."""

from __future__ import annotations

from datetime import datetime

from kaikaku_xl.cycle.status import EXCLUSION_REASON, NARRATIVE_LABELS, awaited_departments, awaited_in
from kaikaku_xl.errors import shown
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.load import Loaded, count_inputs, load
from kaikaku_xl.master.recorded import evaluate_kept, recorded_problems
from kaikaku_xl.metrics.frames import Results
from kaikaku_xl.metrics.items import exclusion_proposals, running
from kaikaku_xl.metrics.narratives import narrative_gaps
from kaikaku_xl.plan.scale import EXCLUDED, NOT_GRADED, GradeScale
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.problems import INFO, WARNING, Problem
from kaikaku_xl.progress import SILENT, Progress
from kaikaku_xl.text import cell_text
from kaikaku_xl.xlsx.engine import Engine

NOT_DUE = "（提出期限前）"  # what an information line of a gap adds to its message


def _severity(lead: object, awaited: frozenset[str]) -> str:
    return INFO if str(lead) in awaited else WARNING


def _excluded(results: Results) -> set[object]:
    """The items a plan revision takes out of the evaluation year (ended, not yet added, 対象外): nothing is due."""
    items = results.items
    return set(items.loc[items["grade"] == EXCLUDED, "item"])


def metric_problems(loaded: Loaded, results: Results, awaited: frozenset[str] = frozenset()) -> list[Problem]:
    """Why a measure is 評価対象外 (−) for the evaluation year: DOMAIN.md sends the reason to the problems list.
    A missing actual of a department not due yet is information."""
    spec = loaded.layout.table(c.ACTUALS_TABLE)
    typed = GradeScale.of(loaded.settings).typed
    leads = loaded.inputs.items.set_index("item")["lead"]
    out_of_year = _excluded(results)
    m = results.measures
    out = []
    for item, name, grade, unknown, reason in zip(
        m["item"].tolist(),
        m["name"].tolist(),
        m["grade"].tolist(),
        m["actual"].isna().tolist(),
        m["reason"].tolist(),
        strict=True,
    ):
        if grade != NOT_GRADED or (typed and not unknown) or item in out_of_year:  # typed: no measure graded
            continue
        severity = _severity(leads.get(item, ""), awaited) if unknown else WARNING
        out.append(
            Problem(
                severity,
                spec.sheet,
                "",
                f"No.{item}「{shown(name)}」{results.evaluation_year}年度: {reason}"
                + (NOT_DUE if severity == INFO else ""),
                "実績を入力すると評価されます。",
            )
        )
    return out


def grade_problems(loaded: Loaded, results: Results, awaited: frozenset[str] = frozenset()) -> list[Problem]:
    """A blank 評価 where the department grades the item (no measures, or a typed scale): it would reach the
    council as 未入力."""
    year = results.evaluation_year
    typed = GradeScale.of(loaded.settings).typed
    items = loaded.inputs.items
    status = loaded.status
    rows = {r["item"]: r for r in status[status["year"] == year].to_dict("records")} if len(status) else {}
    problems = []
    on = running(items, year).tolist()
    out_of_year = _excluded(results)
    for item, lead, n, runs in zip(
        items["item"].tolist(), items["lead"].tolist(), items["n_measures"].tolist(), on, strict=True
    ):
        row = rows.get(item)
        if (
            not runs
            or item in out_of_year
            or (n and not typed)
            or (row is not None and cell_text(row["grade"]))
        ):
            continue
        cells = row["cells"] if row is not None and isinstance(row.get("cells"), dict) else {}
        severity = _severity(lead, awaited)
        problems.append(
            Problem(
                severity,
                c.STATUS.sheet,
                cells.get("grade", ""),
                f"No.{item}（{lead}）{year}年度の評価が未入力です。" + (NOT_DUE if severity == INFO else ""),
                f"{c.STATUS.sheet}シートの {year}年度の行の評価を選んでください（空欄のままでは「未入力」と載ります）。",
            )
        )
    return problems


def exclusion_problems(loaded: Loaded, results: Results) -> list[Problem]:
    """Each 対象外 a department proposed for the evaluation year that no 計画の見直し row has decided yet: the
    item stays graded meanwhile (docs/decisions.md)."""
    year = results.evaluation_year
    leads = loaded.inputs.items.set_index("item")["lead"]
    grades = dict(zip(results.items["item"].tolist(), results.items["grade"].tolist(), strict=True))
    problems = []
    for p in exclusion_proposals(loaded.status, loaded.inputs.revisions, year):
        reason = (
            f"理由: {p.reason}" if p.reason else f"理由が未記入です（{EXCLUSION_REASON}に書いてください）"
        )
        problems.append(
            Problem(
                WARNING,
                c.STATUS.sheet,
                p.cell,
                f"No.{p.item}（{leads.get(p.item, '')}）{year}年度: 担当課が「対象外」を提案しています（{reason}）。"
                f"推進本部が決めるまで評価に含めています（評価 {grades.get(p.item, NOT_GRADED)}）。",
                f"対象外と決まったら kaikaku revise --item {p.item} --exclude --from-year {year} --reason 理由 "
                f"--date 決定日 で{c.REVISIONS.sheet}に記録してください（その年度だけ分母から除きます）。"
                "対象外としないなら、進捗状況と評価を直してもらってください。",
            )
        )
    return problems


def all_problems(loaded: Loaded, results: Results, awaited: frozenset[str] | None = None) -> list[Problem]:
    """awaited: the departments whose inputs are not due yet (awaited_departments; None: the day-one rule, from
    the inputs alone)."""
    if awaited is None:
        awaited = awaited_departments(loaded, results.evaluation_year)
    return [
        *loaded.problems,
        *metric_problems(loaded, results, awaited),
        *grade_problems(loaded, results, awaited),
        *narrative_problems(loaded, results, awaited),
        *exclusion_problems(loaded, results),
        *recorded_problems(loaded),
    ]


def compute(loaded: Loaded, settings: Settings, progress: Progress = SILENT) -> Results:
    """The metrics, with the 計算 line (measures, items, seconds)."""
    with progress.phase("計算") as phase:
        count_inputs(phase, loaded)
        return evaluate_kept(loaded, settings)


def validate(
    engine: Engine, progress: Progress = SILENT, now: datetime | None = None
) -> tuple[Loaded, list[Problem]]:
    """Every problem a refresh would list, without writing anything (`kaikaku validate`, the 検証 button); the
    master's distributions and `now` (today) tell which departments' inputs are not due yet."""
    loaded = load(engine, progress)
    results = compute(loaded, loaded.settings, progress)
    awaited = awaited_in(engine, loaded, results.evaluation_year, now)
    return loaded, all_problems(loaded, results, awaited)


def narrative_problems(
    loaded: Loaded, results: Results, awaited: frozenset[str] = frozenset()
) -> list[Problem]:
    year = results.evaluation_year
    leads = loaded.inputs.items.set_index("item")["lead"]
    problems = []
    for gap in narrative_gaps(loaded.status, results, GradeScale.of(loaded.settings)):
        item, why, missing, cells = gap.item, gap.why, gap.missing, gap.cells
        labels = "・".join(NARRATIVE_LABELS[k] for k in missing)
        severity = _severity(leads.get(item, ""), awaited)
        problems.append(
            Problem(
                severity,
                c.STATUS.sheet,
                cells.get(missing[0], ""),
                f"No.{item}（{leads.get(item, '')}）{year}年度は{why}のため、{labels}の記入が必要です。"
                + (NOT_DUE if severity == INFO else ""),
                f"{c.STATUS.sheet}シートの {year}年度の行に記入してください。",
            )
        )
    return problems
