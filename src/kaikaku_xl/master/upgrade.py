"""Upgrading a master built before the yearly cycle's tables existed (配布記録, 変更履歴, 締めた年度, 計画の見直し …):
the missing sheets and their empty tables are added part by part, under the writer lock, atomically and with a
backup; nothing else in the file changes. refresh, distribute, collect, close-year and revise call it first."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.titles import TITLES
from kaikaku_xl.xlsx.add_tables import added_table_parts
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.saving import save_atomically

logger = logging.getLogger(__name__)
BLANK_ROWS = {c.REVISIONS.name: 30}  # like a new master: blank rows to type revisions into


def upgrade_master(path: Path) -> str | None:
    """Add the cycle tables a master lacks; a message saying what was added (None: nothing was missing)."""
    engine = FileEngine(path)
    try:
        if all(engine.has_table(t.name) for t in c.CYCLE_TABLES):
            return None
        if not all(engine.has_table(t.name) for t in (c.PLAN_INFO, c.SETTINGS, c.ITEMS, c.MEASURES)):
            return None  # not a master: the command itself refuses it, untouched
        with engine.writing("表の追加"):
            missing = [t for t in c.CYCLE_TABLES if not engine.has_table(t.name)]
            if not missing:
                return None  # another run added them while we waited
            taken = [t.sheet for t in missing if t.sheet in engine.package.sheets]
            if taken:
                raise WorkbookError(
                    f"シート「{'」「'.join(taken)}」はありますが表がないため、年度サイクルの表を追加できません。"
                    "シート名を変えるか削除してから、もう一度実行してください。"
                )
            parts: dict[str, bytes | Iterable[bytes]] = dict(
                added_table_parts(path, missing, set(c.HIDDEN_CYCLE_SHEETS), BLANK_ROWS, TITLES)
            )
            notes = save_atomically(
                path, parts, 5 if engine.backups is None else engine.backups, sole_writer=True
            )
            names = "、".join(f"{t.sheet}（{t.name}）" for t in missing)
            logger.info("マスターに表を追加しました: %s", names)
            message = (
                f"このマスターは年度サイクル（配布・回収・締め・計画の見直し）の表がない版で作成されていたため、"
                f"表を追加しました: {names}。他の内容は変更していません（変更前のファイルは backup フォルダーにあります）。"
            )
            return " ".join([message, *notes])
    finally:
        engine.close()
