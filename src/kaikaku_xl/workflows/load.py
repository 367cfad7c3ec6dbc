"""Read a master workbook (through any engine) into the plan, metric inputs, settings and problems."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field, replace

import pandas as pd

from ..errors import shown
from ..metrics import NOT_GRADED, Inputs, Results
from ..metrics.frames import ITEM_COLUMNS, TARGET_COLUMNS
from ..metrics.revisions import empty_revisions
from ..metrics.scale import GradeScale
from ..plan import HistoricEffect, Item, ItemNo, Measure, Plan, Policy, Section, item_no, section_no
from ..progress import SILENT, Phase, Progress
from ..settings import Settings
from ..workbook import contract as c
from ..workbook.effect_plans import EFFECT_PLAN_COLUMNS, read_effect_plan
from ..workbook.engine import Engine, RawTable, WorkbookError
from ..workbook.inputs import ERROR, WARNING, NotANumber, Problem, Reader, parse_number
from ..workbook.revision_reader import read_revisions
from .closed import apply_closed_years, pin_closed_plan
from .recorded import RecordedFigure, evaluate_kept, recorded_problems, recorded_results
from .scale_table import read_scale

logger = logging.getLogger(__name__)


@dataclass
class Loaded:
    plan: Plan
    layout: c.Layout
    settings: Settings
    inputs: Inputs
    status: pd.DataFrame  # item, year, grade, status, results, issues, next
    ledger: pd.DataFrame  # item, year, kind, amount, what
    problems: list[Problem] = field(default_factory=list)
    fingerprint: str = ""
    reader_measures: pd.DataFrame | None = None  # measures as the Reader reads values (with their ranges)
    recorded: dict[int, list[RecordedFigure]] = field(default_factory=dict)  # closed years' recorded results

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]


def _plan_info(table: RawTable) -> dict[str, str]:
    key, value = table.column_index("キー"), table.column_index("値")
    if key is None or value is None:
        raise WorkbookError("計画情報シートの表 PlanInfo に「キー」「値」列がありません。")
    return {
        str(r[key]).strip(): "" if r[value] is None else str(r[value]).strip() for r in table.rows if r[key]
    }


def _year(info: dict[str, str], key: str, label: str) -> int:
    try:
        return int(float(info[key]))
    except (KeyError, ValueError):
        raise WorkbookError(f"計画情報シート: 「{label}」が年（西暦）になっていません。") from None


def _history(table: RawTable) -> tuple[HistoricEffect, ...]:
    out = []
    for row in table.rows:
        if row[0] is None:
            continue
        amount = parse_number(row[1]) if row[1] is not None else None
        out.append(HistoricEffect(name=str(row[0]), effect_yen=int(amount or 0), as_of=str(row[2] or "")))
    return tuple(out)


def _items_frame(table: RawTable) -> tuple[pd.DataFrame, dict[int, str]]:
    h = {col.key: table.column_index(col.header) for col in c.ITEMS.columns}
    if any(v is None for v in (h["item"], h["policy"], h["title"], h["lead"])):
        raise WorkbookError("取組項目シートの表 Items に No・基本方針・取組項目・主要担当課の列が必要です。")
    rows, policy_names = [], {}
    for r in table.rows:
        try:
            no, policy = item_no(r[h["item"]]), int(r[h["policy"]])
        except (TypeError, ValueError):
            continue
        if no is None:
            continue
        if h["policy_name"] is not None and r[h["policy_name"]]:
            policy_names[policy] = str(r[h["policy_name"]])
        rows.append(
            {
                "item": no,
                "policy": policy,
                "lead": str(r[h["lead"]] or ""),
                "title": str(r[h["title"]] or ""),
                "summary": str(r[h["summary"]] or "") if h["summary"] is not None else "",
                "actions": str(r[h["actions"]] or "") if h["actions"] is not None else "",
                "departments": str(r[h["departments"]] or "") if h["departments"] is not None else "",
                **{
                    key: _year_or_none(r[h[key]]) if h[key] is not None else None
                    for key in ("start_year", "end_year")
                },
                "section": section_no(r[h["section"]]) if h["section"] is not None else None,
                "section_name": str(r[h["section_name"]] or "") if h["section_name"] is not None else "",
            }
        )
    return pd.DataFrame(
        rows, columns=[*ITEM_COLUMNS, "summary", "actions", "departments", "section_name"]
    ), policy_names


def _year_or_none(value: object) -> int | None:
    """開始年度/終了年度 of an item: a year, or None (blank or unreadable: the whole plan period)."""
    try:
        number = parse_number(value)
    except NotANumber:
        return None
    return int(number) if number is not None and float(number).is_integer() else None


def fingerprint(tables: list[RawTable]) -> str:
    """A short hash of every input value, so the log shows whether two refreshes saw the same inputs."""
    digest = hashlib.sha256()
    for table in tables:
        digest.update(
            json.dumps([table.sheet, table.headers, table.rows], default=str, ensure_ascii=False).encode()
        )
    return digest.hexdigest()[:16]


def require_input_tables(engine: Engine, layout: c.Layout) -> None:
    """Every input table of the contract must exist: a table turned into a plain range (Excel's 「範囲に変換」) or
    renamed would otherwise read as empty and replace every evaluation with −."""
    missing = [spec for spec in layout.inputs if not engine.has_table(spec.name)]
    if missing:
        names = "、".join(f"シート「{s.sheet}」の表「{s.name}」" for s in missing)
        raise WorkbookError(
            f"入力の表が見つかりません: {names}。ブックは変更していません。表が「範囲に変換」されたか名前が変わっています。"
            "Excel でその範囲（見出し行を含む）を選び「挿入 → テーブル」でテーブルに戻し、「テーブル デザイン → テーブル名」を"
            "上の名前にしてから、もう一度実行してください（バックアップ（backup フォルダー）から戻すこともできます）。"
        )


INPUT_TABLES = 9  # PlanInfo, Settings, History, Items, Measures, Actuals, Targets, Status, EffectLedger


def load(engine: Engine, progress: Progress = SILENT) -> Loaded:
    """The workbook's inputs; progress gets the 読み込み line (tables, rows, seconds)."""
    with progress.phase("読み込み", total=INPUT_TABLES) as phase:
        loaded = _load(engine, phase)
    logger.info(
        "入力を読みました: 指標 %d・取組項目 %d、問題 %d 件（うちエラー %d 件）、フィンガープリント %s",
        len(loaded.inputs.measures),
        len(loaded.inputs.items),
        len(loaded.problems),
        len(loaded.errors),
        loaded.fingerprint,
    )
    return loaded


def _load(engine: Engine, phase: Phase) -> Loaded:
    missing = [
        spec for spec in (c.PLAN_INFO, c.ITEMS, c.MEASURES, c.SETTINGS) if not engine.has_table(spec.name)
    ]
    if missing:
        names = "、".join(f"{s.name}（{s.sheet}）" for s in missing)
        raise WorkbookError(
            f"マスターワークブックに必要な表がありません: {names}。kaikaku init で作成したブックか確認してください。"
        )
    info_table = engine.read_table(c.PLAN_INFO)
    phase.step()
    phase.count("表", 1)
    phase.count("行", len(info_table.rows))
    info = _plan_info(info_table)
    baseline_year = _year(info, "baseline_year", "基準年度")
    start_year, end_year = _year(info, "start_year", "計画開始年度"), _year(info, "end_year", "計画終了年度")
    reader = Reader()
    tables: list[RawTable] = [info_table]
    scale = None
    if engine.has_table(c.GRADE_SCALE.name):  # the plan's own grade scale (the default S–D has no table)
        scale_table = engine.read_table(c.GRADE_SCALE)
        tables.append(scale_table)
        scale = read_scale(scale_table, reader.problems)
    layout = c.Layout(
        years=list(range(baseline_year + 1, end_year + 1)),
        plan_years=list(range(start_year, end_year + 1)),
        **({"grades": scale.labels, "own_scale": True} if scale is not None else {}),
    )
    require_input_tables(engine, layout)

    def read(spec: c.TableSpec) -> RawTable | None:
        if not engine.has_table(spec.name):
            reader.problems.append(
                Problem(
                    ERROR,
                    spec.sheet,
                    "",
                    f"表 {spec.name} が見つかりません。",
                    "kaikaku init で作成したブックから表を戻してください。",
                )
            )
            return None
        table = engine.read_table(spec)
        tables.append(table)
        phase.step()
        phase.count("表", 1)
        phase.count("行", len(table.rows))
        return table

    settings_table = read(c.SETTINGS)
    settings = reader.settings(settings_table) if settings_table else Settings()
    if scale is not None:
        settings = replace(settings, grade_scale=scale)
        reader.scale = scale
    history_table = read(c.HISTORY)
    items_table = read(c.ITEMS)
    items, policy_names = _items_frame(items_table)  # type: ignore[arg-type]
    measures = reader.measures(read(c.MEASURES), items)  # type: ignore[arg-type]
    items["n_measures"] = items["item"].map(measures.groupby("item").size()).fillna(0).astype(int)
    actual_spec, target_spec = layout.table("Actuals"), layout.table("Targets")
    actual_table, target_table = read(actual_spec), read(target_spec)
    actuals = (
        reader.yearly(actual_table, actual_spec, measures, layout.years, "actual", required=True)
        if actual_table
        else pd.DataFrame(columns=["measure_id", "year", "actual"])
    )
    targets = (
        reader.yearly(target_table, target_spec, measures, layout.years, "planned", required=False)
        if target_table
        else pd.DataFrame(columns=TARGET_COLUMNS)
    )
    status_table, ledger_table = read(c.STATUS), read(c.LEDGER)
    status = (
        reader.status(status_table, items, layout.plan_years)
        if status_table
        else pd.DataFrame(columns=["item", "year", "grade", "status", "results", "issues", "next"])
    )
    ledger = (
        reader.ledger(ledger_table, items, layout.plan_years)
        if ledger_table
        else pd.DataFrame(columns=["item", "year", "kind", "amount", "what"])
    )
    plan_table = read(layout.table("EffectPlan")) if engine.has_table("EffectPlan") else None
    effect_plan = (
        read_effect_plan(reader, plan_table, items, layout.plan_years)
        if plan_table
        else pd.DataFrame(columns=EFFECT_PLAN_COLUMNS)
    )
    actuals, status, ledger = apply_closed_years(
        engine, actual_table, measures, actuals, status, ledger, reader.problems
    )
    revisions, revision_list = empty_revisions(), ()
    if engine.has_table(c.REVISIONS.name):  # masters made before plan revisions have none
        revision_table = engine.read_table(c.REVISIONS)
        tables.append(revision_table)
        revisions, revision_list = read_revisions(
            revision_table, measures, items, layout.years, reader.problems, settings.value_ceiling
        )
    revisions = pin_closed_plan(engine, measures, items, revisions, reader.problems)
    if settings.evaluation_year not in layout.years:
        reader.problems.append(
            Problem(
                ERROR,
                c.SETTINGS.sheet,
                "",
                f"評価年度 {settings.evaluation_year} は計画期間外です。",
                f"{layout.years[0]}〜{layout.years[-1]} の年度を設定してください。",
            )
        )
    plan = replace(
        _plan(
            info, items, policy_names, measures, _history(history_table) if history_table else (), effect_plan
        ),
        grade_scale=scale,
        revisions=revision_list,
    )
    inputs = Inputs(
        measures=measures.drop(columns=["row", "decimals", "low", "high"], errors="ignore"),
        items=items[ITEM_COLUMNS],
        baseline_year=baseline_year,
        start_year=start_year,
        end_year=end_year,
        actuals=actuals,
        targets=targets,
        status=status[["item", "year", "grade"]],
        ledger=ledger[["item", "year", "kind", "amount"]],
        effect_plan=effect_plan,
        revisions=revisions,
    )
    return Loaded(
        plan=plan,
        layout=layout,
        settings=settings,
        inputs=inputs,
        status=status,
        ledger=ledger,
        problems=reader.problems,
        fingerprint=fingerprint(tables),
        reader_measures=measures,
        recorded=recorded_results(engine),
    )


def _decimals(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _plan(
    info: dict[str, str],
    items: pd.DataFrame,
    policy_names: dict[int, str],
    measures: pd.DataFrame,
    history: tuple[HistoricEffect, ...],
    effect_plan: pd.DataFrame | None = None,
) -> Plan:
    """The plan as the workbook holds it (so exports of another city's master need no plan file)."""
    planned: dict[ItemNo, list[tuple[int, float]]] = {}
    for r in (
        effect_plan if effect_plan is not None else pd.DataFrame(columns=EFFECT_PLAN_COLUMNS)
    ).itertuples():
        planned.setdefault(r.item, []).append((int(r.year), float(r.planned)))
    by_item: dict[ItemNo, list[Measure]] = {}
    for m in measures.itertuples():
        by_item.setdefault(m.item, []).append(
            Measure(
                item=m.item,
                seq=int(m.seq),
                name=m.name,
                unit=m.unit,
                direction=m.direction,
                baseline=float(m.baseline),
                target=float(m.target),
                effect_kind=m.effect_kind,
                include_in_effect=bool(m.include_in_effect),
                decimals=_decimals(getattr(m, "decimals", None)),
                aggregation=str(getattr(m, "aggregation", "") or ""),
            )
        )
    plan_items = tuple(
        Item(
            no=r.item,
            policy=int(r.policy),
            title=r.title,
            summary=r.summary,
            actions=tuple(a for a in r.actions.split("\n") if a),
            lead=r.lead,
            departments=tuple(d for d in r.departments.split("、") if d) or (r.lead,),
            measures=tuple(by_item.get(r.item, ())),
            start_year=_year_or_none(r.start_year),
            end_year=_year_or_none(r.end_year),
            effect_plan=tuple(sorted(planned.get(r.item, ()))),
            section=r.section if isinstance(r.section, str) else None,
        )
        for r in items.itertuples()
    )
    sections: dict[str, Section] = {}
    for r in items.itertuples():
        if isinstance(r.section, str) and r.section not in sections:
            sections[r.section] = Section(
                no=r.section, policy=int(r.policy), name=r.section_name or r.section
            )
    policies = tuple(
        Policy(no=p, name=policy_names.get(p, f"基本方針{p}"), bullets=())
        for p in sorted(set(items["policy"]))
    )
    return Plan(
        name=info.get("name", ""),
        city=info.get("city", ""),
        city_code=info.get("city_code", ""),
        start_year=int(float(info["start_year"])),
        end_year=int(float(info["end_year"])),
        baseline_year=int(float(info["baseline_year"])),
        policies=policies,
        items=plan_items,
        history=history,
        subtitle=info.get("subtitle", ""),
        sections=tuple(sections.values()),
    )


def metric_problems(loaded: Loaded, results: Results) -> list[Problem]:
    """Why a measure is 評価対象外 (−) for the evaluation year: DOMAIN.md sends the reason to the problems list."""
    spec = loaded.layout.table("Actuals")
    typed = GradeScale.of(loaded.settings).typed
    return [
        Problem(
            WARNING,
            spec.sheet,
            "",
            f"No.{r.item}「{shown(r.name)}」{results.evaluation_year}年度: {r.reason}",
            "実績を入力すると評価されます。",
        )
        for r in results.measures.itertuples()
        if r.grade == NOT_GRADED and (not typed or pd.isna(r.actual))  # a typed scale grades no measure
    ]


def all_problems(loaded: Loaded, results: Results) -> list[Problem]:
    from .status import narrative_problems  # status reads Loaded: imported here to keep the modules acyclic

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


def count_inputs(phase: Phase, loaded: Loaded) -> None:
    phase.count("指標", len(loaded.inputs.measures))
    phase.count("取組項目", len(loaded.inputs.items))


def validate(engine: Engine, progress: Progress = SILENT) -> tuple[Loaded, list[Problem]]:
    """Every problem a refresh would list, without writing anything (`kaikaku validate`, the 検証 button)."""
    loaded = load(engine, progress)
    return loaded, all_problems(loaded, compute(loaded, loaded.settings, progress))
