"""Read a master workbook (through any engine) into the plan, metric inputs, settings and problems.

The loader reads in named steps, one table (or one check) each, in the manner of openpyxl's `ExcelReader.read()`:
a failure the user can act on (KaikakuError) keeps its message, the system's refusal of the file (OSError) stays
what it is for the doors to explain, and anything else is a bug re-raised as LoadStepFailed naming the step that
broke (「取組項目の読み込み」で失敗しました), chained to the original.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pandas as pd

from kaikaku_xl.errors import KaikakuError
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.closed import (
    ClosedYears,
    apply_closed_years,
    pin_closed_plan,
    read_closed_years,
    recorded_inputs,
)
from kaikaku_xl.master.contract.inputs import OPINIONS, PERIOD_REVIEW
from kaikaku_xl.master.readers.base import ProblemLog
from kaikaku_xl.master.readers.effect_plan import read_effect_plan
from kaikaku_xl.master.readers.grade_scale import read_scale
from kaikaku_xl.master.readers.items import read_items
from kaikaku_xl.master.readers.ledger import read_ledger
from kaikaku_xl.master.readers.measures import read_measures
from kaikaku_xl.master.readers.opinions import OPINION_FRAME_COLUMNS, read_opinions
from kaikaku_xl.master.readers.period import PERIOD_FRAME_COLUMNS, read_period, typed_part
from kaikaku_xl.master.readers.plan_info import history_effects, info_year, plan_info
from kaikaku_xl.master.readers.revisions import read_revisions
from kaikaku_xl.master.readers.settings import read_settings
from kaikaku_xl.master.readers.status import read_status
from kaikaku_xl.master.readers.yearly import read_yearly
from kaikaku_xl.master.recorded import RecordedFigure, recorded_results
from kaikaku_xl.master.records import YearResult
from kaikaku_xl.master.required import require_tables
from kaikaku_xl.master.workbook_plan import workbook_plan
from kaikaku_xl.metrics.effect_plan import comparable_plan
from kaikaku_xl.metrics.frames import (
    ACTUAL_COLUMNS,
    EFFECT_PLAN_COLUMNS,
    ITEM_COLUMNS,
    LEDGER_COLUMNS,
    STATUS_COLUMNS,
    TARGET_COLUMNS,
    Inputs,
    empty_revisions,
)
from kaikaku_xl.plan import HistoricEffect, Plan, Revision
from kaikaku_xl.plan.scale import GradeScale
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
    reader_measures: pd.DataFrame | None = None  # measures as the readers read values (with their ranges)
    recorded: dict[int, list[RecordedFigure]] = field(default_factory=dict)  # closed years' recorded results
    # 計画期間の総括評価 as typed (item, grade, comment, cells); empty for a master made before the sheet
    period: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PERIOD_FRAME_COLUMNS))
    # 懇談会意見 (key, year, date, item, opinion, department, response, state, cells); empty without the sheet
    opinions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OPINION_FRAME_COLUMNS))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]


class LoadStepFailed(RuntimeError):
    """A step of the loader broke on something it did not expect (a bug): the message names the step."""


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
STATUS_FRAME_COLUMNS = [*STATUS_COLUMNS, "status", "results", "issues", "next"]


def load(engine: Engine, progress: Progress = SILENT) -> Loaded:
    """The workbook's inputs; progress gets the 読み込み line (tables, rows, seconds)."""
    with progress.phase("読み込み", total=INPUT_TABLES) as phase:
        loaded = MasterLoader(engine, phase).read()
    logger.info(
        "入力を読みました: 指標 %d・取組項目 %d、問題 %d 件（うちエラー %d 件）、フィンガープリント %s",
        len(loaded.inputs.measures),
        len(loaded.inputs.items),
        len(loaded.problems),
        len(loaded.errors),
        loaded.fingerprint,
    )
    return loaded


class MasterLoader:
    """Reads one master, step by step; each step reads one table (or checks one thing) into the loader's state."""

    def __init__(self, engine: Engine, phase: Phase) -> None:
        self.engine, self.phase = engine, phase
        self.log = ProblemLog()
        self.tables: list[RawTable] = []  # every input table read, in order (the fingerprint)
        self.info: dict[str, str] = {}
        self.years = (0, 0, 0)  # baseline, start and end year
        self.scale: GradeScale | None = None  # the plan's own grade scale (None: the default S–D)
        self.layout = c.Layout(years=[], plan_years=[])
        self.settings = Settings()
        self.history: tuple[HistoricEffect, ...] = ()
        self.items = pd.DataFrame(columns=ITEM_COLUMNS)
        self.policy_names: dict[int, str] = {}
        self.measures = pd.DataFrame()
        self.actual_table: RawTable | None = None
        self.actuals = pd.DataFrame(columns=ACTUAL_COLUMNS)
        self.targets = pd.DataFrame(columns=TARGET_COLUMNS)
        self.status = pd.DataFrame(columns=STATUS_FRAME_COLUMNS)
        self.ledger = pd.DataFrame(columns=[*LEDGER_COLUMNS, "what"])
        self.effect_plan = pd.DataFrame(columns=EFFECT_PLAN_COLUMNS)
        self.period = pd.DataFrame(columns=PERIOD_FRAME_COLUMNS)
        self.opinions = pd.DataFrame(columns=OPINION_FRAME_COLUMNS)
        self.closed = ClosedYears()
        self.closed_inputs: dict[int, list[YearResult]] = {}  # closed year -> its recorded input rows
        self.revisions = empty_revisions()
        self.revision_list: tuple[Revision, ...] = ()

    def steps(self) -> tuple[tuple[str, Callable[[], None]], ...]:
        """(the step's name in messages, the step), in the order they run."""
        return (
            ("必要な表の確認", self.require_tables),
            ("計画情報の読み込み", self.read_plan_info),
            ("評価区分の読み込み", self.read_grade_scale),
            ("入力の表の確認", self.require_inputs),
            ("設定の読み込み", self.read_settings),
            ("これまでの効果額の読み込み", self.read_history),
            ("取組項目の読み込み", self.read_items),
            ("指標の読み込み", self.read_measures),
            ("実績の読み込み", self.read_actuals),
            ("年度目標の読み込み", self.read_targets),
            ("進捗状況の読み込み", self.read_status),
            ("効果額台帳の読み込み", self.read_ledger),
            ("効果額計画の読み込み", self.read_effect_plan),
            ("計画期間の総括評価の読み込み", self.read_period),
            ("懇談会意見の読み込み", self.read_opinions),
            ("締めた年度の読み込み", self.read_closed_years),
            ("計画の見直しの読み込み", self.read_revisions),
            ("評価年度の確認", self.check_evaluation_year),
        )

    def read(self) -> Loaded:
        """Every step in order, then what they read as one Loaded."""
        action = ""
        try:
            for name, step in self.steps():
                action = name
                step()
            action = "計画の組み立て"
            return self.loaded()
        except (KaikakuError, OSError):
            raise
        except Exception as exc:
            raise LoadStepFailed(f"「{action}」で失敗しました（{type(exc).__name__}: {exc}）。") from exc

    # -- reading tables -----------------------------------------------------------------------------------
    def table(self, spec: TableSpec) -> RawTable | None:
        """An input table, counted on the 読み込み line; None (and an error) when the workbook lacks it."""
        if not self.engine.has_table(spec.name):
            self.log.problems.append(
                Problem(
                    ERROR,
                    spec.sheet,
                    "",
                    f"表 {spec.name} が見つかりません。",
                    "kaikaku init で作成したブックから表を戻してください。",
                )
            )
            return None
        return self.read_counted(spec)

    def read_counted(self, spec: TableSpec) -> RawTable:
        table = self.engine.read_table(spec)
        self.tables.append(table)
        self.phase.step()
        self.phase.count("表", 1)
        self.phase.count("行", len(table.rows))
        return table

    # -- the steps ----------------------------------------------------------------------------------------
    def require_tables(self) -> None:
        require_tables(
            self.engine,
            (c.PLAN_INFO, c.ITEMS, c.MEASURES, c.SETTINGS),
            "マスターワークブックに必要な表がありません: {names}。kaikaku init で作成したブックか確認してください。",
        )

    def read_plan_info(self) -> None:
        self.info = plan_info(self.read_counted(c.PLAN_INFO))
        self.years = (
            info_year(self.info, "baseline_year", "基準年度"),
            info_year(self.info, "start_year", "計画開始年度"),
            info_year(self.info, "end_year", "計画終了年度"),
        )

    def read_grade_scale(self) -> None:
        # the plan's own grade scale (the default S–D has no table)
        if self.engine.has_table(c.GRADE_SCALE.name):
            table = self.engine.read_table(c.GRADE_SCALE)
            self.tables.append(table)
            self.scale = self.log.scale = read_scale(table)
        baseline_year, start_year, end_year = self.years
        years, plan_years = (
            list(range(baseline_year + 1, end_year + 1)),
            list(range(start_year, end_year + 1)),
        )
        if self.scale is None:
            self.layout = c.Layout(years=years, plan_years=plan_years)
        else:
            self.layout = c.Layout(
                years=years,
                plan_years=plan_years,
                grades=self.scale.labels,
                own_scale=True,
                points=self.scale.points is not None,
            )

    def require_inputs(self) -> None:
        require_input_tables(self.engine, self.layout)

    def read_settings(self) -> None:
        table = self.table(c.SETTINGS)
        settings = read_settings(self.log, table) if table else Settings()
        self.settings = replace(settings, grade_scale=self.scale) if self.scale is not None else settings

    def read_history(self) -> None:
        table = self.table(c.HISTORY)
        self.history = history_effects(table) if table else ()

    def read_items(self) -> None:
        self.items, self.policy_names = read_items(self.read_counted(c.ITEMS))  # required: it exists

    def read_measures(self) -> None:
        self.measures = read_measures(self.log, self.read_counted(c.MEASURES), self.items)
        per_item = self.measures.groupby("item").size()
        self.items["n_measures"] = self.items["item"].map(per_item).fillna(0).astype(int)

    def read_actuals(self) -> None:
        spec = self.layout.table(c.ACTUALS_TABLE)
        self.actual_table = table = self.table(spec)
        if table:
            self.actuals = read_yearly(
                self.log, table, spec, self.measures, self.layout.years, "actual", required=True
            )

    def read_targets(self) -> None:
        spec = self.layout.table(c.TARGETS_TABLE)
        table = self.table(spec)
        if table:
            self.targets = read_yearly(
                self.log, table, spec, self.measures, self.layout.years, "planned", required=False
            )

    def read_status(self) -> None:
        table = self.table(c.STATUS)
        if table:
            self.status = read_status(self.log, table, self.items, self.layout.plan_years)

    def read_ledger(self) -> None:
        table = self.table(c.LEDGER)
        if table:
            self.ledger = read_ledger(self.log, table, self.items, self.layout.plan_years)

    def read_effect_plan(self) -> None:
        if self.engine.has_table(c.EFFECT_PLAN_TABLE):  # optional: only plans with planned 財政効果額
            table = self.read_counted(self.layout.table(c.EFFECT_PLAN_TABLE))
            self.effect_plan = read_effect_plan(self.log, table, self.items, self.layout.plan_years)

    def read_period(self) -> None:
        if self.engine.has_table(PERIOD_REVIEW.name):  # optional: masters made before it load without it
            table = self.engine.read_table(PERIOD_REVIEW)
            self.tables.append(typed_part(table))  # refresh writes the computed columns: not inputs
            self.period = read_period(self.log, table, self.items)

    def read_opinions(self) -> None:
        # optional: masters made before it load without it; not in the fingerprint (not a metric input, and
        # refresh writes its 担当課)
        if self.engine.has_table(OPINIONS.name):
            table = self.engine.read_table(OPINIONS)
            self.opinions = read_opinions(self.log, table, self.items, self.layout.years)

    def read_closed_years(self) -> None:
        """A closed year's recorded inputs replace what the sheets now say (closed.py)."""
        self.closed = read_closed_years(self.engine)
        self.log.problems.extend(self.closed.problems)  # a record edited or gone (its checksum, its row)
        self.closed_inputs = recorded_inputs(self.closed)
        self.actuals, self.status, self.ledger = apply_closed_years(
            self.closed_inputs,
            self.actual_table,
            self.measures,
            self.actuals,
            self.status,
            self.ledger,
            self.log.problems,
        )

    def read_revisions(self) -> None:
        if self.engine.has_table(c.REVISIONS.name):  # masters made before plan revisions have none
            table = self.engine.read_table(c.REVISIONS)
            self.tables.append(table)
            self.revisions, self.revision_list = read_revisions(
                self.log, table, self.measures, self.items, self.layout.years
            )
        self.revisions = pin_closed_plan(
            self.closed_inputs, self.measures, self.items, self.revisions, self.log.problems
        )

    def check_evaluation_year(self) -> None:
        years = self.layout.years
        if self.settings.evaluation_year not in years:
            self.log.problems.append(
                Problem(
                    ERROR,
                    c.SETTINGS.sheet,
                    "",
                    f"評価年度 {self.settings.evaluation_year} は計画期間外です。",
                    f"{years[0]}〜{years[-1]} の年度を設定してください。",
                )
            )

    # -- what the steps read, as one Loaded -----------------------------------------------------------------
    def loaded(self) -> Loaded:
        plan = workbook_plan(
            self.info, self.items, self.policy_names, self.measures, self.history, self.effect_plan
        )
        baseline_year, start_year, end_year = self.years
        inputs = Inputs(
            measures=self.measures.drop(columns=["row", "decimals", "low", "high"], errors="ignore"),
            items=self.items[ITEM_COLUMNS],
            baseline_year=baseline_year,
            start_year=start_year,
            end_year=end_year,
            actuals=self.actuals,
            targets=self.targets,
            status=self.status[STATUS_COLUMNS],
            ledger=self.ledger[LEDGER_COLUMNS],
            effect_plan=comparable_plan(  # as the 財政効果額 it is compared with counts
                self.effect_plan, self.settings.effect_plan_counting, self.settings.effect_mode
            ),
            revisions=self.revisions,
        )
        return Loaded(
            plan=replace(plan, grade_scale=self.scale, revisions=self.revision_list),
            layout=self.layout,
            settings=self.settings,
            inputs=inputs,
            status=self.status,
            ledger=self.ledger,
            problems=self.log.problems,
            fingerprint=fingerprint(self.tables),
            reader_measures=self.measures,
            recorded=recorded_results(self.closed),
            period=self.period,
            opinions=self.opinions,
        )


def count_inputs(phase: Phase, loaded: Loaded) -> None:
    phase.count("指標", len(loaded.inputs.measures))
    phase.count("取組項目", len(loaded.inputs.items))
