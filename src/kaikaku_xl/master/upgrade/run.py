"""Upgrading a master to this release's schema (contract/upgrades.py), in place, keeping all that staff typed.

The master's version (管理情報: schema_version, schema_release) says which steps it has had; a master without one
(built before versions were recorded) is checked step by step for what it has. Every step the master lacks is
applied to a scratch copy, each by part surgery; then the version is recorded and each step logged in 変更履歴,
and the master is replaced once, atomically, with a backup, by the parts that differ: a refused step or a failure
leaves it as it was. A master from a newer release is refused, naming the release to install.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.contract.cycle import LOG_UPGRADE, SCHEMA_RELEASE_KEY, SCHEMA_VERSION_KEY
from kaikaku_xl.master.contract.upgrades import RELEASE, SCHEMA_VERSION, UPGRADE_STEPS
from kaikaku_xl.master.records import ChangeLog, InfoEntry, read_records, timestamp, write_records
from kaikaku_xl.master.required import require_tables
from kaikaku_xl.master.upgrade.book import Book
from kaikaku_xl.master.upgrade.kinds import apply, pending
from kaikaku_xl.text import cell_text
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.saving import save_atomically
from kaikaku_xl.xlsx.zipcopy import REMOVED

logger = logging.getLogger(__name__)
MASTER_TABLES = (c.PLAN_INFO, c.SETTINGS, c.ITEMS, c.MEASURES)


@dataclass
class Upgrade:
    """What an upgrade changed (or, --dry-run, would change)."""

    version: int | None  # the master's schema version before (None: not recorded)
    changes: list[str] = field(default_factory=list)  # one line per step (Japanese)
    written: bool = False
    notes: list[str] = field(default_factory=list)  # from the save (a corrupt old backup removed …)

    def message(self, name: str) -> str:
        before = "記録なし" if self.version is None else str(self.version)
        done = "更新しました" if self.written else "更新します（--dry-run: 変更していません）"
        lines = [
            f"{name} を kaikaku-xl {RELEASE} のマスターの版 {SCHEMA_VERSION} に{done}（元の版: {before}）。"
        ]
        lines += [f"  - {change}" for change in self.changes]
        if self.written:
            lines.append(
                "  入力・独自のシートなど他の内容は変更していません（変更前のファイルは backup フォルダーにあります。"
                "変更内容はシート「変更履歴」に記録しました）。"
            )
        return "\n".join([*lines, *self.notes])


def recorded_version(engine: FileEngine) -> tuple[int | None, str]:
    """(schema version, release) as the master records them; (None, "") where it does not."""
    if not engine.has_table(c.CYCLE_INFO.name):
        return None, ""
    info = {cell_text(row.key): cell_text(row.value) for row in read_records(engine, InfoEntry)}
    version = info.get(SCHEMA_VERSION_KEY, "")
    return (int(version) if version.isdigit() else None), info.get(SCHEMA_RELEASE_KEY, "")


def refuse_newer(engine: FileEngine) -> int | None:
    """The master's recorded version; a master from a newer release than this one is refused, untouched."""
    version, release = recorded_version(engine)
    if version is not None and version > SCHEMA_VERSION:
        raise WorkbookError(
            f"{engine.path.name} は新しい kaikaku-xl（{release or '不明な版'}、マスターの版 {version}）で作成または"
            f"更新されています。インストールされている kaikaku-xl {RELEASE} はマスターの版 {SCHEMA_VERSION} までしか"
            f"扱えません。kaikaku-xl {release or 'の新しい版'} 以降をインストールしてから実行してください"
            "（マスターは変更していません）。"
        )
    return version


def require_master(path: Path) -> None:
    """Refuse a workbook that is not a master (`kaikaku upgrade` names it; the other commands' readers do)."""
    engine = FileEngine(path)
    try:
        require_tables(
            engine,
            MASTER_TABLES,
            f"{path.name} はマスターワークブックではありません（表 {{names}} がありません）。"
            "kaikaku init で作成したマスターを指定してください。",
        )
    finally:
        engine.close()


def check_release(path: Path) -> None:
    """Refuse a master from a newer release (the commands that only read a master call this)."""
    engine = FileEngine(path)
    try:
        if all(engine.has_table(t.name) for t in MASTER_TABLES):
            refuse_newer(engine)
    finally:
        engine.close()


def upgrade_master(path: Path, *, dry_run: bool = False, now: datetime | None = None) -> Upgrade | None:
    """Bring a master to this release's schema (None: it is a current master, or no master at all: the command
    itself refuses that one, untouched). dry_run: say what would change and write nothing."""
    engine = FileEngine(path)
    try:
        if not all(engine.has_table(t.name) for t in MASTER_TABLES):
            return None
        if refuse_newer(engine) == SCHEMA_VERSION:
            return None
        with nullcontext() if dry_run else engine.writing("版の更新"):
            version = refuse_newer(engine)  # what another run wrote while we waited
            if version == SCHEMA_VERSION:
                return None
            return _upgrade(engine, Upgrade(version), dry_run=dry_run, now=now)
    finally:
        engine.close()


def _upgrade(engine: FileEngine, upgrade: Upgrade, *, dry_run: bool, now: datetime | None) -> Upgrade:
    path = engine.path
    with tempfile.TemporaryDirectory(prefix="kaikaku-upgrade-") as folder:
        scratch = Path(folder) / f"master{path.suffix}"
        shutil.copyfile(path, scratch)
        book = Book(scratch, path.name)
        for step in UPGRADE_STEPS:
            change = pending(step, book)
            if change:
                upgrade.changes.append(change)
                apply(step, book)
        if not upgrade.changes:
            upgrade.changes.append("マスターの版を記録（足りない表・列などはありません）")
        _record(scratch, upgrade, now)
        if dry_run:
            return upgrade
        replaced = _changed_parts(path, scratch)
        engine.close()
        backups = book.loaded.settings.backups
        upgrade.notes = save_atomically(path, replaced, backups, sole_writer=True)
        upgrade.written = True
        logger.info("マスターを版 %s に更新しました: %s", SCHEMA_VERSION, " / ".join(upgrade.changes))
    return upgrade


def _record(scratch: Path, upgrade: Upgrade, now: datetime | None) -> None:
    """The version in 管理情報 and one 変更履歴 line per change, in the scratch copy."""
    engine = FileEngine(scratch, backups=0)
    try:
        info = [
            row
            for row in read_records(engine, InfoEntry)
            if cell_text(row.key) not in (SCHEMA_VERSION_KEY, SCHEMA_RELEASE_KEY)
        ]
        info += [InfoEntry(SCHEMA_VERSION_KEY, str(SCHEMA_VERSION)), InfoEntry(SCHEMA_RELEASE_KEY, RELEASE)]
        write_records(engine, InfoEntry, info)
        log = ChangeLog.read(engine, timestamp(now))
        before = "記録なし" if upgrade.version is None else str(upgrade.version)
        for change in upgrade.changes:
            log.add(
                LOG_UPGRADE, f"{change}（マスターの版 {before} → {SCHEMA_VERSION}、kaikaku-xl {RELEASE}）"
            )
        log.write(engine)
        engine.commit()
    finally:
        engine.close()


def _changed_parts(path: Path, scratch: Path) -> dict[str, bytes | Iterable[bytes]]:
    """The parts of the upgraded copy that differ from the master's (new, changed, or dropped)."""
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(scratch) as new:
        before = set(old.namelist())
        changed: dict[str, bytes | Iterable[bytes]] = {
            name: new.read(name)
            for name in new.namelist()
            if name not in before
            or old.getinfo(name).CRC != new.getinfo(name).CRC
            or old.read(name) != new.read(name)
        }
        changed.update({name: REMOVED for name in before - set(new.namelist())})
    return changed
