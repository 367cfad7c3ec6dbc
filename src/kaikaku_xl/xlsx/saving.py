"""Saving a workbook safely: the new package written beside it, a verified backup kept, then one atomic rename;
the leftovers of a killed run removed; the backups rotated. Used by the file engine (file_engine.py)."""

from __future__ import annotations

import logging
import os
import re
import shutil
import struct
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from kaikaku_xl.errors import WorkbookError, os_reason
from kaikaku_xl.xlsx.zipcopy import rewrite_package

BACKUP_DIR = "backup"

logger = logging.getLogger(__name__)


def lock_holder(path: Path) -> str | None:
    """The lock file another program keeps beside an open workbook (Excel ~$, LibreOffice .~lock), if any."""
    name = path.name
    candidates = [f"~${name}", f"~${name[2:]}", f".~lock.{name}#"]
    for candidate in candidates:
        if (path.parent / candidate).exists():
            return candidate
    return None


def save_atomically(
    path: Path,
    replaced: dict[str, bytes | Iterable[bytes]],
    backups: int,
    *,
    sole_writer: bool = False,
    source: zipfile.ZipFile | None = None,
) -> list[str]:
    """Write the new package beside the workbook, keep a verified backup, then swap it in with one rename.

    sole_writer: the caller holds the writer lock (lock.py), so every temp file of this workbook is a dead run's.
    source: the workbook's zip already open (its parts are copied from it); closed here once the new package is
    written, before the file is replaced (Windows replaces no file that is open).
    Returns notes for the user (Japanese), e.g. a corrupt old backup that was removed.

    A workbook reached through a symbolic link (a shared copy linked into someone's folder) is written through to
    the link's target, atomically beside it, and the link is kept: replacing the link itself would leave the shared
    file unchanged and give one person a private copy.
    """
    target = written_path(path)
    if target != path and lock_holder(path):
        raise WorkbookError(
            f"{path.name} は他のプログラム（Excel など）で開かれています（{lock_holder(path)}）。"
            "閉じてからもう一度実行してください。"
        )
    try:
        # the writer lock of a link is its target's (lock.lock_path): sole_writer holds for the target too
        return _save_atomically(target, replaced, backups, sole_writer=sole_writer, source=source)
    finally:
        if source is not None:
            source.close()


def written_path(path: Path) -> Path:
    """The file a save replaces: the link's final target for a symbolic link (Path.resolve follows a chain of
    links), the path itself otherwise."""
    return path.resolve() if path.is_symlink() else path


def _save_atomically(
    path: Path,
    replaced: dict[str, bytes | Iterable[bytes]],
    backups: int,
    *,
    sole_writer: bool,
    source: zipfile.ZipFile | None,
) -> list[str]:
    holder = lock_holder(path)
    if holder:
        raise WorkbookError(
            f"{path.name} は他のプログラム（Excel など）で開かれています（{holder}）。閉じてからもう一度実行してください。"
        )
    try:
        with open(path, "r+b"):
            pass
    except PermissionError:
        raise WorkbookError(f"{path.name} に書き込めません（開かれているか、読み取り専用です）。") from None
    prefix = temp_prefix(path)
    remove_stale_temps(path, sole_writer=sole_writer)
    temp: Path | None = None
    try:
        fd, temp_name = tempfile.mkstemp(prefix=prefix, suffix=path.suffix, dir=path.parent)
        temp = Path(temp_name)
        with os.fdopen(fd, "wb") as handle:
            rewrite_package(path if source is None else source, handle, replaced)
            handle.flush()
            os.fsync(handle.fileno())
        if source is not None:
            source.close()
        os.chmod(temp, path.stat().st_mode & 0o7777)  # mkstemp makes 0600; the workbook keeps its own mode
        notes = keep_backup(path, backups)
        os.replace(temp, path)
        logger.debug("%s を一時ファイルから置き換えました（バックアップ %d 世代まで）", path.name, backups)
    except OSError as exc:
        if temp is not None:
            temp.unlink(missing_ok=True)
        raise WorkbookError(
            f"{path.name} を保存できませんでした（{os_reason(exc)}）。元のファイルは変更されていません。"
            "ディスクの空き容量や書き込み権限を確認してください。"
        ) from None
    except BaseException:
        if temp is not None:
            temp.unlink(missing_ok=True)
        raise
    return notes


STALE_SECONDS = (
    3600  # leftovers of a run that did not use the writer lock (an older version) are judged by age
)


def temp_prefix(path: Path) -> str:
    return f".kaikaku-{path.stem}-"


def _is_own_temp(candidate: Path, path: Path) -> bool:
    """mkstemp names: prefix + 8 random characters + the workbook's suffix (so book.v2's are not book's)."""
    return bool(
        re.fullmatch(
            re.escape(temp_prefix(path)) + r"[A-Za-z0-9_]{8}" + re.escape(path.suffix), candidate.name
        )
    )


def remove_stale_temps(path: Path, *, sole_writer: bool = False) -> None:
    """Half-written files left by a save that was killed (power cut, task manager): never the workbook itself.

    They are provably stale when no live process holds the workbook's writer lock (or we hold it ourselves):
    only a lock holder writes them. Otherwise only those older than an hour go.
    """
    from kaikaku_xl.xlsx.lock import is_locked

    free = sole_writer or not is_locked(path)
    now = time.time()
    partial_backups = [
        p
        for p in (path.parent / BACKUP_DIR).glob(PARTIAL + "*")
        if is_backup_of(p.with_name(p.name[len(PARTIAL) :]), path)
    ]
    for leftover in [*path.parent.glob(temp_prefix(path) + "*"), *partial_backups]:
        if leftover.parent == path.parent and not _is_own_temp(leftover, path):
            continue
        try:
            if free or now - leftover.stat().st_mtime > STALE_SECONDS:
                leftover.unlink()
        except OSError:
            pass  # another process holds it: leave it


PARTIAL = ".partial-"  # a backup being written (renamed to its final name once verified)
_BACKUP_STAMP = r"\d{8}-\d{6}-\d{6}"


def backup_name(path: Path, moment: datetime) -> str:
    return f"{path.stem}.{moment.strftime('%Y%m%d-%H%M%S-%f')}{path.suffix}"


def is_backup_of(candidate: Path, path: Path) -> bool:
    """Exactly stem + "." + timestamp + suffix: book.xlsx's backups are not book.v2.xlsx's."""
    return bool(
        re.fullmatch(re.escape(path.stem) + r"\." + _BACKUP_STAMP + re.escape(path.suffix), candidate.name)
    )


def opens_as_zip(path: Path) -> bool:
    """A readable zip: its central directory parses (a truncated file fails)."""
    try:
        with zipfile.ZipFile(path):
            return True
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False


_END_RECORD = struct.Struct("<4s4H2LH")  # end of central directory: signature, disks, counts, size, offset


END_SIGNATURE = b"PK\x05\x06"  # what starts the end of central directory record (APPNOTE.TXT 4.3.16)


DIRECTORY_SIGNATURE = b"PK\x01\x02"  # what starts each central directory header (APPNOTE.TXT 4.3.12)


def ends_as_zip(path: Path) -> bool:
    """The file ends with a zip's end record whose central directory lies inside the file and starts where it
    says: what a truncated or overwritten copy lacks. Reads the file's tail only (opening a zip of 10,000
    parts reads all 10,000 entries); a zip64 file is opened as a whole."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            tail_start = max(0, size - _END_RECORD.size - 0xFFFF)  # the record, then a comment of < 64 KB
            handle.seek(tail_start)
            tail = handle.read()
            at = tail.rfind(END_SIGNATURE)
            if at < 0 or len(tail) - at < _END_RECORD.size:
                return False
            fields = _END_RECORD.unpack_from(tail, at)
            directory_size, directory_offset = fields[5], fields[6]
            if 0xFFFFFFFF in (directory_size, directory_offset) or fields[3] == 0xFFFF:
                return opens_as_zip(path)
            end = tail_start + at
            if directory_offset + directory_size != end:
                return False
            if fields[4] == 0:  # an empty zip: no entry to look at
                return directory_size == 0
            handle.seek(directory_offset)
            return handle.read(4) == DIRECTORY_SIGNATURE
    except OSError:
        return False


def _crc_of_file(path: Path) -> tuple[int, int]:
    """(CRC-32, size) of a file's bytes, read in pieces."""
    crc, size = 0, 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
    return crc, size


def keep_backup(path: Path, backups: int) -> list[str]:
    """Copy the workbook to backup/ (verified), then keep the newest `backups` valid backups of this workbook.

    The copy is written under a temp name and renamed once it reads back byte for byte as the workbook (CRC-32
    and size of the whole file, after fsync) and ends as a zip, so a full disk never leaves a truncated backup
    that would count towards the number kept. (Reading the copy back is as strict as inflating every part and
    far faster: a workbook with 10,000 charts has 10,000 parts.)
    """
    if backups <= 0:
        return []
    folder = path.parent / BACKUP_DIR
    if not folder.is_dir():
        os.mkdir(folder)
    final = folder / backup_name(path, datetime.now())
    partial = folder / (PARTIAL + final.name)
    try:
        with open(path, "rb") as src, open(partial, "wb") as dst:
            shutil.copyfileobj(src, dst)
            dst.flush()
            os.fsync(dst.fileno())
        if _crc_of_file(partial) != _crc_of_file(path) or not ends_as_zip(partial):
            raise WorkbookError(
                f"{path.name} のバックアップを正しく書き込めませんでした（書き込んだファイルが壊れています）。"
                "壊れたバックアップは削除しました。元のファイルは変更されていません。ディスクの空き容量を確認してください。"
            )
        os.replace(partial, final)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise WorkbookError(
            f"{path.name} のバックアップを作れませんでした（{os_reason(exc)}）。元のファイルは変更されていません。"
            "ディスクの空き容量や backup フォルダーの書き込み権限を確認してください。"
        ) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return rotate_backups(path, folder, backups)


DAILY_BACKUPS = 14  # besides the newest `backups`, the first backup of each of this many latest days is kept


def kept_backups(names: list[Path], backups: int, days: int = DAILY_BACKUPS) -> set[Path]:
    """Which backups to keep (names sorted oldest first, their timestamps in their names): the newest `backups`,
    and the first of each of the latest `days` days, so that a busy afternoon of saves cannot rotate away
    yesterday's state."""
    keep = set(names[-backups:]) if backups > 0 else set()
    first_of_day: dict[str, Path] = {}
    for name in names:
        stamp = re.search(r"\.(\d{8})-\d{6}-\d{6}" + re.escape(name.suffix) + "$", name.name)
        if stamp:
            first_of_day.setdefault(stamp.group(1), name)
    for day in sorted(first_of_day)[-days:]:
        keep.add(first_of_day[day])
    return keep


def rotate_backups(path: Path, folder: Path, backups: int) -> list[str]:
    """Keep the newest `backups` valid backups of this workbook and the first of each of the latest days
    (kept_backups); a corrupt one (an older version's truncated copy) is removed and never counted. Files of
    other workbooks and people's own are never touched."""
    mine = sorted(p for p in folder.iterdir() if is_backup_of(p, path))
    valid, notes = [], []
    for candidate in mine:
        if ends_as_zip(candidate):
            valid.append(candidate)
        else:
            candidate.unlink(missing_ok=True)
            notes.append(f"壊れたバックアップ {candidate.name} を削除しました（数に含めていません）。")
    keep = kept_backups(valid, backups)
    for stale in valid:
        if stale not in keep:
            stale.unlink(missing_ok=True)
    return notes
