"""The master's schema history: every change a release made to the master (a table, columns, rows of a key table,
validations, a defined name), declared once, in the order they came, as data. master/upgrade/ applies the steps a
master lacks; the schema version is the number of steps, so a new step is one line here (appended, never inserted)
and a new master records the version it was built at (管理情報, SCHEMA_VERSION_KEY).

Tables and columns are named as the contract names them (table names, column keys); the headers, formats, widths,
validations and default rows come from the contract and from what `kaikaku init` builds for the master's own plan,
so an upgraded master gains exactly what a new one has.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaikaku_xl import __version__

RELEASE = __version__  # recorded beside the schema version, named when a newer master is refused


@dataclass(frozen=True)
class AddTables:
    """New sheets with their empty tables (tables naming the same sheet share it)."""

    tables: tuple[str, ...]


@dataclass(frozen=True)
class AddColumns:
    """Columns added at the right of a table, blank (a blank cell is the column's default for every reader)."""

    table: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class AddKeyRows:
    """Rows of a キー table (設定) a new master has and the master lacks, with a new master's values."""

    table: str


@dataclass(frozen=True)
class SyncValidations:
    """A table's columns get the data validations (dropdowns, number checks, messages) a new master has."""

    table: str


@dataclass(frozen=True)
class AddDefinedName:
    """A workbook-level defined name, with the value a new master of the same plan has."""

    name: str


@dataclass(frozen=True)
class RenameHeaders:
    """Columns a master heads with an earlier header (the contract's Column.also) take the current one."""

    table: str
    keys: tuple[str, ...]


Step = AddTables | AddColumns | AddKeyRows | SyncValidations | AddDefinedName | RenameHeaders

# What the master built by the first release (2026-11-26, commit 2898c4b) lacks against the release before
# versioning (2026-12-07, commit 4ce04b2), found by comparing the masters they build. Append new steps at the end.
UPGRADE_STEPS: tuple[Step, ...] = (
    # the yearly cycle's records (distribute, collect, close a year, revise)
    AddTables(
        (
            "CycleInfo",
            "Distributions",
            "DistributedValues",
            "ChangeLog",
            "ClosedYears",
            "YearResults",
            "Revisions",
        )
    ),
    AddColumns("DistributedValues", ("sent", "source")),  # stale returns
    AddColumns("ClosedYears", ("checksum", "reason")),  # a closed year's record checked; closed with blanks
    AddColumns("Distributions", ("contact_name", "contact_phone", "approved_by")),  # whom to chase
    AddTables(("Submissions",)),  # 提出状況
    AddTables(("TrendItems", "TrendMeasures")),  # 年度推移
    AddColumns("Items", ("start_year", "end_year")),  # items added or ended mid-plan
    AddColumns("Items", ("section", "section_name")),  # 推進項目 (three-level plans)
    AddColumns("Measures", ("decimals",)),
    AddColumns("Measures", ("allowed_min", "allowed_max")),
    AddColumns("Measures", ("aggregation",)),  # 累計
    AddKeyRows("Settings"),  # plausibility ranges, folders
    SyncValidations("Settings"),
    SyncValidations("Measures"),
    SyncValidations("Actuals"),  # a message instead of a decimal check: 388,500千円 is read
    SyncValidations("Targets"),
    SyncValidations("Status"),  # 対象外
    SyncValidations("EffectLedger"),
    SyncValidations("Revisions"),
    SyncValidations("GradeScale"),  # plans with their own grade scale
    AddDefinedName("kaikaku_plan"),
    AddDefinedName("kaikaku_city_code"),
    AddDefinedName("kaikaku_sample"),
    AddTables(("PeriodReview", "PeriodSummary")),  # 計画期間の総括評価
    SyncValidations("PeriodReview"),
    AddColumns("GradeScale", ("points",)),  # grades worth points (plans with their own grade scale)
    AddKeyRows("Settings"),  # 削減額の符号, 効果額計画の数え方
    SyncValidations("Settings"),
    RenameHeaders("EffectLedger", ("amount",)),  # 金額 → 金額（円）: the ledger says its unit
    AddTables(("CouncilOpinions",)),  # 懇談会意見 (issue 23)
    SyncValidations("CouncilOpinions"),
    AddTables(("Summary",)),  # 総括: drafted paragraphs and staff's 採用文 (issue 23)
    AddColumns("ClosedYears", ("decided_on", "meeting")),  # the 推進本部's verification of a closed year
    AddTables(("Acceptances",)),  # 確定記録: each department's return accepted or sent back
    AddColumns("Submissions", ("state", "acceptance")),  # 提出状況: 未回収 / 回収済 / 差戻し / 確定
)
SCHEMA_VERSION = len(UPGRADE_STEPS)
