"""Who has answered: per 主要担当課, the distribution and collection of the year, the inputs still missing, and
the narratives (取組実績・課題・今後の方向性) missing where they matter. Read by `kaikaku status`, refresh (the
提出状況 sheet) and validate (narrative warnings)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from kaikaku_xl.cycle.accept import NOT_COLLECTED, Standing, standing, standings
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.load import Loaded, count_inputs, load
from kaikaku_xl.master.recorded import evaluate_kept
from kaikaku_xl.master.records import Distribution, read_records
from kaikaku_xl.metrics.frames import Results
from kaikaku_xl.metrics.items import ExclusionProposal, accepted_exclusions, exclusion_proposals, running
from kaikaku_xl.metrics.narratives import narrative_gaps
from kaikaku_xl.metrics.revisions import inactive_items
from kaikaku_xl.plan.scale import GradeScale
from kaikaku_xl.plan.vocabulary import NARRATIVE_KEYS
from kaikaku_xl.progress import SILENT, Progress
from kaikaku_xl.text import cell_text
from kaikaku_xl.xlsx.engine import Engine
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.rows import table_rows
from kaikaku_xl.xlsx.typed import whole_number
from kaikaku_xl.years import wareki_day

NARRATIVE_LABELS = {key: c.STATUS.column(key).header for key in NARRATIVE_KEYS}
# Where a department writes why it proposes 対象外 (any of the narratives counts as the reason).
EXCLUSION_REASON = "・".join(NARRATIVE_LABELS.values()) + "のいずれか"


@dataclass
class DepartmentStatus:
    department: str
    year: int
    distributed: str | None = None
    due: str | None = None
    collected_at: str | None = None
    missing_cells: list[str] = field(default_factory=list)
    narratives: list[str] = field(default_factory=list)
    due_label: str | None = None  # 令和9年5月31日（月）
    overdue: bool = False  # not collected and the due date has passed (against --now / today)
    exclusion_proposals: list[str] = field(default_factory=list)  # 対象外 proposed, not yet decided
    # whom to chase: {name, phone, approved_by, year} of this year's return, else the latest earlier one
    contact: dict[str, Any] | None = None
    # the coordinator's check (cycle/accept.py): 未回収 / 回収済 / 差戻し / 確定, when accepted, {reason, at} of a
    # send-back awaiting a new return, and the latest step as the 提出状況 sheet words it
    state: str = NOT_COLLECTED
    accepted: str | None = None
    sent_back: dict[str, str] | None = None
    acceptance: str = ""

    @property
    def collected(self) -> bool:
        return bool(self.collected_at)

    @property
    def missing(self) -> int:
        """Every gap listed: the inputs and the narratives (a 対象外 proposal's missing reason among them)."""
        return len(self.missing_cells) + len(self.narratives)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(collected=self.collected, missing=self.missing)
        return out


def _distributions(engine: Engine) -> list[Distribution]:
    if not engine.has_table(c.DISTRIBUTIONS.name):
        return []
    return read_records(engine, Distribution)


def _latest_distributions(engine: Engine, year: int) -> dict[str, Distribution]:
    """Department -> its latest distribution of `year` (later rows are later distributions)."""
    return _latest_of(_distributions(engine), year)


def _latest_of(records: list[Distribution], year: int) -> dict[str, Distribution]:
    return {str(d.department): d for d in records if whole_number(d.year) == year}


def latest_contacts(records: list[Distribution], year: int) -> dict[str, dict[str, Any]]:
    """Department -> the contact of its latest return that gave one: of `year`, or else of the latest earlier
    year (a later year's return is not that year's contact); later rows are later distributions."""
    out: dict[str, tuple[int, dict[str, Any]]] = {}
    for record in records:
        given = whole_number(record.year)
        contact = {
            "name": cell_text(record.contact_name),
            "phone": cell_text(record.contact_phone),
            "approved_by": cell_text(record.approved_by),
        }
        if given is None or given > year or not any(contact.values()):
            continue
        department = str(record.department)
        if department not in out or given >= out[department][0]:
            out[department] = (given, {**contact, "year": given})
    return {department: contact for department, (_, contact) in out.items()}


def blank(value: Any) -> bool:
    """A cell nobody filled: None, NaN (a frame's blank after collect) or empty text."""
    return not cell_text(value)


def _due(entry: DepartmentStatus, today: date) -> None:
    """The due date in 和暦 and whether it has passed (a due date that is not a date is shown as typed)."""
    try:
        day = date.fromisoformat(entry.due or "")
    except ValueError:
        entry.due_label = entry.due
        return
    entry.due_label = wareki_day(day)
    entry.overdue = not entry.collected and today > day


@dataclass(frozen=True)
class _YearInputs:
    """What the year's status needs from the master, read once for every department."""

    year: int
    have: set[Any]  # measure IDs with an actual this year
    status: dict[Any, dict[Hashable, Any]]  # item -> its 進捗状況 row this year
    gaps: dict[Any, tuple[str, list[str]]]  # item -> (why, the narrative keys missing)
    proposals: dict[Any, ExclusionProposal]  # item -> its undecided 対象外 proposal
    n_measures: dict[Any, int]
    typed: bool  # the departments grade every item
    # items a plan revision takes out of the year (ended, not yet added, 対象外): nothing is asked of them
    out: set[Any]


def _year_inputs(loaded: Loaded, results: Results, year: int) -> _YearInputs:
    actuals = loaded.inputs.actuals
    have = set(actuals.loc[(actuals["year"] == year) & actuals["actual"].notna(), "measure_id"])
    status = loaded.status[loaded.status["year"] == year] if len(loaded.status) else pd.DataFrame()
    rows = {r["item"]: r for r in status.drop_duplicates("item").to_dict("records")} if len(status) else {}
    scale = GradeScale.of(loaded.settings)
    gaps = {}
    if year == results.evaluation_year:
        gaps = {gap.item: (gap.why, gap.missing) for gap in narrative_gaps(loaded.status, results, scale)}
    proposals = {p.item: p for p in exclusion_proposals(loaded.status, loaded.inputs.revisions, year)}
    items = loaded.inputs.items
    n_measures = dict(zip(items["item"], items["n_measures"], strict=True))
    revisions = loaded.inputs.revisions
    out = accepted_exclusions(revisions, year) | set(inactive_items(revisions, items["item"], year))
    return _YearInputs(year, have, rows, gaps, proposals, n_measures, scale.typed, out)


def _item_gaps(entry: DepartmentStatus, year: _YearInputs, item: Any) -> None:
    """One item's missing 進捗状況, grade, narratives and 対象外 proposal into its department's entry."""
    row = year.status.get(item)
    if row is None or blank(row["status"]):
        entry.missing_cells.append(f"進捗状況 No.{item}")
    if (year.n_measures.get(item, 0) == 0 or year.typed) and (row is None or blank(row["grade"])):
        entry.missing_cells.append(f"評価 No.{item}")
    if item in year.gaps:
        why, missing = year.gaps[item]
        entry.narratives.append(f"No.{item}（{why}）: " + "・".join(NARRATIVE_LABELS[k] for k in missing))
    proposal = year.proposals.get(item)
    if proposal is not None:
        entry.exclusion_proposals.append(f"No.{item}（理由: {proposal.reason or '未記入'}）")
        if not proposal.reason:
            entry.narratives.append(f"No.{item}（対象外の提案）: 理由（{EXCLUSION_REASON}）")


def department_status(
    engine: Engine,
    loaded: Loaded,
    results: Results,
    year: int | None = None,
    now: datetime | None = None,
) -> list[DepartmentStatus]:
    year = year or results.evaluation_year
    items = loaded.inputs.items
    departments = list(dict.fromkeys(str(d) for d in items["lead"] if str(d)))
    records = _distributions(engine)
    latest = _latest_of(records, year)
    contacts = latest_contacts(records, year)
    checked = standings(engine, year)
    inputs = _year_inputs(loaded, results, year)
    measures = loaded.inputs.measures
    today = (now or datetime.now()).date()
    out = []
    for department in departments:
        record = latest.get(department)
        entry = DepartmentStatus(department, year, contact=contacts.get(department))
        if record is not None:
            entry.distributed = cell_text(record.distributed_at) or None
            entry.due = cell_text(record.due) or None
            entry.collected_at = cell_text(record.collected_at) or None
            _due(entry, today)
        _checked_by(entry, checked.get(department) or standing(None, entry.collected))
        own = [
            item
            for item in items.loc[(items["lead"] == department) & running(items, year), "item"]
            if item not in inputs.out
        ]  # not before its start, nor in a year a revision takes it out of
        for m in measures[measures["item"].isin(own)].itertuples():
            if m.measure_id not in inputs.have:
                entry.missing_cells.append(f"実績 No.{m.item}「{m.name}」")
        for item in own:
            _item_gaps(entry, inputs, item)
        out.append(entry)
    return out


def _checked_by(entry: DepartmentStatus, step: Standing) -> None:
    entry.state, entry.accepted, entry.sent_back, entry.acceptance = (
        step.state,
        step.accepted,
        step.sent_back,
        step.note,
    )


def contact_line(contact: dict[str, Any], year: int) -> str:
    """Whom to chase, as status prints it: the 記入者 and 電話 of the latest return, and its 課長確認 when it is
    the year's own (an earlier year's return says which year)."""
    line = f"記入者: {contact['name'] or '未記入'} / 電話・内線: {contact['phone'] or '未記入'}"
    if contact["year"] != year:
        return line + f"（{contact['year']}年度の提出による）"
    return line + f" / 課長確認: {contact['approved_by'] or '空欄'}"


def status_summary(statuses: list[DepartmentStatus]) -> dict[str, Any]:
    """The totals the chase starts from: 回収 3/6 課, 期限超過, every gap listed, the undecided 対象外 proposals."""
    return {
        "year": statuses[0].year if statuses else None,
        "departments": len(statuses),
        "collected": sum(s.collected for s in statuses),
        "accepted": sum(s.state == c.ACCEPT_ACCEPTED for s in statuses),
        "sent_back": sum(s.state == c.ACCEPT_SENT_BACK for s in statuses),
        "overdue": sum(s.overdue for s in statuses),
        "missing": sum(s.missing for s in statuses),
        "exclusion_proposals": sum(len(s.exclusion_proposals) for s in statuses),
    }


def submission_totals(statuses: list[DepartmentStatus]) -> str:
    """The 提出状況 sheet's totals: 「2026年度: 確定 4/6 課・回収 5/6 課・差戻し 1 課」."""
    summary = status_summary(statuses)
    n = summary["departments"]
    return (
        f"{summary['year']}年度: 確定 {summary['accepted']}/{n} 課・回収 {summary['collected']}/{n} 課・"
        f"差戻し {summary['sent_back']} 課"
    )


def year_has_inputs(loaded: Loaded, year: int) -> bool:
    """Has anything been entered for `year`: an actual, a 進捗状況 cell or a 効果額台帳 row?"""
    actuals, status, ledger = loaded.inputs.actuals, loaded.status, loaded.ledger
    if len(actuals) and actuals.loc[actuals["year"] == year, "actual"].notna().any():
        return True
    if len(ledger) and (ledger["year"] == year).any():
        return True
    this_year = status[status["year"] == year] if len(status) else status
    return any(cell_text(v) for key in c.STATUS_KEYS if key in this_year for v in this_year[key].tolist())


def awaited_departments(
    loaded: Loaded,
    year: int,
    distributions: dict[str, Distribution] | None = None,
    now: datetime | None = None,
) -> frozenset[str]:
    """The departments whose inputs of `year` are not due yet, so that their gaps are information, not warnings:
    distributed, not collected, before the due date (or none given); without a distribution, every department
    while nothing at all has been entered for the year (a fresh master on day one). distributions: the latest
    of the year per department (None: not read, the day-one rule alone)."""
    leads = {str(d) for d in loaded.inputs.items["lead"] if str(d)}
    started = year_has_inputs(loaded, year)
    today = (now or datetime.now()).date()
    out = set()
    for department in leads:
        record = (distributions or {}).get(department)
        if record is None:
            if not started:
                out.add(department)
        elif not cell_text(record.collected_at):
            try:
                due: date | None = date.fromisoformat(cell_text(record.due))
            except ValueError:
                due = None
            if due is None or today <= due:
                out.add(department)
    return frozenset(out)


def awaited_in(engine: Engine, loaded: Loaded, year: int, now: datetime | None = None) -> frozenset[str]:
    """awaited_departments with the master's distributions of the year."""
    return awaited_departments(loaded, year, _latest_distributions(engine, year), now)


def submission_rows(statuses: list[DepartmentStatus]) -> list[list[Any]]:
    """The rows of the 提出状況 sheet, built by column key from its TableSpec (SUBMISSIONS)."""
    return table_rows(
        c.SUBMISSIONS,
        (
            {
                "department": s.department,
                "year": s.year,
                "distributed_at": s.distributed or "",
                "due": s.due_label or "",  # 令和9年5月31日（月）, as the department file says it
                "collected_at": s.collected_at or "",
                "collected": "済" if s.collected else "未",
                "missing": s.missing,
                "missing_cells": "、".join(s.missing_cells),
                "narratives": "、".join(s.narratives),
                "state": s.state,
                "acceptance": s.acceptance,
            }
            for s in statuses
        ),
    )


def cycle_status(
    master: Path, year: int | None = None, progress: Progress = SILENT, now: datetime | None = None
) -> list[DepartmentStatus]:
    """`kaikaku status`: read-only; progress: the 読み込み / 計算 lines; now: what 期限超過 is judged against."""
    engine = FileEngine(master)
    try:
        loaded = load(engine, progress)
        with progress.phase("計算") as phase:
            count_inputs(phase, loaded)
            results = evaluate_kept(loaded, loaded.settings)
            statuses = department_status(engine, loaded, results, year, now)
            phase.count("課", len(statuses))
        return statuses
    finally:
        engine.close()
