"""Read a master workbook (through any engine) into the plan, metric inputs, settings and problems."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field, replace

import pandas as pd

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.closed import apply_closed_years, pin_closed_plan
from kaikaku_xl.master.readers.effect_plan import read_effect_plan
from kaikaku_xl.master.readers.grade_scale import read_scale
from kaikaku_xl.master.readers.items import items_frame
from kaikaku_xl.master.readers.plan_info import history_effects, info_year, plan_info
from kaikaku_xl.master.readers.reader import Reader
from kaikaku_xl.master.readers.revisions import read_revisions
from kaikaku_xl.master.recorded import RecordedFigure, recorded_results
from kaikaku_xl.master.required import require_tables
from kaikaku_xl.master.workbook_plan import workbook_plan
from kaikaku_xl.metrics.frames import EFFECT_PLAN_COLUMNS, ITEM_COLUMNS, TARGET_COLUMNS, Inputs
from kaikaku_xl.metrics.revisions import empty_revisions
from kaikaku_xl.plan import Plan
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.problems import ERROR, Problem
from kaikaku_xl.progress import SILENT, Phase, Progress
from kaikaku_xl.xlsx.engine import Engine, RawTable
from kaikaku_xl.xlsx.tablespec import TableSpec

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
    require_tables(
        engine,
        layout.inputs,
        "入力の表が見つかりません: {names}。ブックは変更していません。表が「範囲に変換」されたか名前が変わっています。"
        "Excel でその範囲（見出し行を含む）を選び「挿入 → テーブル」でテーブルに戻し、「テーブル デザイン → テーブル名」を"
        "上の名前にしてから、もう一度実行してください（バックアップ（backup フォルダー）から戻すこともできます）。",
        named=lambda s: f"シート「{s.sheet}」の表「{s.name}」",
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
    require_tables(
        engine,
        (c.PLAN_INFO, c.ITEMS, c.MEASURES, c.SETTINGS),
        "マスターワークブックに必要な表がありません: {names}。kaikaku init で作成したブックか確認してください。",
    )
    info_table = engine.read_table(c.PLAN_INFO)
    phase.step()
    phase.count("表", 1)
    phase.count("行", len(info_table.rows))
    info = plan_info(info_table)
    baseline_year = info_year(info, "baseline_year", "基準年度")
    start_year, end_year = (
        info_year(info, "start_year", "計画開始年度"),
        info_year(info, "end_year", "計画終了年度"),
    )
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

    def read(spec: TableSpec) -> RawTable | None:
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
    items, policy_names = items_frame(items_table)  # type: ignore[arg-type]
    measures = reader.measures(read(c.MEASURES), items)  # type: ignore[arg-type]
    items["n_measures"] = items["item"].map(measures.groupby("item").size()).fillna(0).astype(int)
    actual_spec, target_spec = layout.table(c.ACTUALS_TABLE), layout.table(c.TARGETS_TABLE)
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
    plan_table = read(layout.table(c.EFFECT_PLAN_TABLE)) if engine.has_table(c.EFFECT_PLAN_TABLE) else None
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
        workbook_plan(
            info,
            items,
            policy_names,
            measures,
            history_effects(history_table) if history_table else (),
            effect_plan,
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


def count_inputs(phase: Phase, loaded: Loaded) -> None:
    phase.count("指標", len(loaded.inputs.measures))
    phase.count("取組項目", len(loaded.inputs.items))
