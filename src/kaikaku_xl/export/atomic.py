"""One run's set, or the previous one: council materials are written into a fresh folder beside the target and
swapped in with two renames, so the PDF in a folder is never older than the data published with it.

    with staged_export(out_dir, year) as stage:
        ...write the files into stage.path...
        stage.publish(MasterSource(fingerprint=...))  # manifest, then the swap

The run's namespace in the folder is every name starting with `kaikaku_{year}_`: the new set replaces it whole
(a PDF that could not be made this time leaves no older PDF behind). Anything else in the folder (other years'
sets, staff's own files) is carried over into the new folder by hard link (copy where links are not possible).
A kill between the two renames leaves the folder missing and the old one parked beside it; the next export (or
`recover`) puts it back. Exports to one folder take the writer lock (xlsx/lock.py), so this is safe.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kaikaku_xl.errors import ExportError, os_reason
from kaikaku_xl.xlsx.lock import writer_lock

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class MasterSource:
    """What the manifest says about the master: its input fingerprint (every door) and, for a master file, its
    name and SHA-256 (a door without a file, such as the workbook open in Excel, gives none)."""

    fingerprint: str
    name: str = ""
    sha256: str = ""

    @classmethod
    def of(cls, fingerprint: str, path: Path | None) -> MasterSource:
        if path is not None and path.is_file():
            return cls(fingerprint, path.name, sha256_of(path))
        return cls(fingerprint)

    def as_dict(self) -> dict[str, str]:
        own = {"name": self.name, "sha256": self.sha256} if self.name else {}
        return {"fingerprint": self.fingerprint, **own}


def manifest_name(year: int) -> str:
    return f"kaikaku_{year}_manifest.json"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _parked(out_dir: Path, kind: str) -> list[Path]:
    return sorted(out_dir.parent.glob(f".kaikaku-{kind}-{out_dir.name}-*"))


def recover(out_dir: Path) -> None:
    """Undo what a killed export left (call with the folder's lock held): a parked old folder goes back when the
    folder is missing; unfinished new folders and parked copies are removed."""
    parked = _parked(out_dir, "old")
    if not out_dir.exists() and parked:
        os.rename(parked[-1], out_dir)
        parked = parked[:-1]
    for leftover in [*parked, *_parked(out_dir, "new")]:
        shutil.rmtree(leftover, ignore_errors=True)


def _carry(entry: Path, into: Path) -> None:
    target = into / entry.name
    if entry.is_dir() and not entry.is_symlink():
        shutil.copytree(entry, target, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(entry, target)


def _link_or_copy(src: str | Path, dst: str | Path) -> None:
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        shutil.copy2(src, dst, follow_symlinks=False)


@dataclass
class Stage:
    path: Path  # write this run's files here
    out_dir: Path
    year: int
    published: bool = False

    def write_manifest(self, source: MasterSource | None) -> Path:
        files = [
            {"name": p.name, "sha256": sha256_of(p), "bytes": p.stat().st_size}
            for p in sorted(self.path.iterdir())
            if p.name.startswith(f"kaikaku_{self.year}_")
        ]
        manifest = {
            "version": MANIFEST_VERSION,
            "evaluation_year": self.year,
            "master": source.as_dict() if source is not None else {},
            "files": files,
        }
        target = self.path / manifest_name(self.year)
        target.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return target

    def publish(self, source: MasterSource | None = None) -> None:
        """Write the manifest, carry over what is not this run's, and swap the folders."""
        self.write_manifest(source)
        own = f"kaikaku_{self.year}_"
        if self.out_dir.exists():
            for entry in self.out_dir.iterdir():
                if not entry.name.startswith(own):
                    _carry(entry, self.path)
            old = Path(tempfile.mkdtemp(prefix=f".kaikaku-old-{self.out_dir.name}-", dir=self.out_dir.parent))
            old.rmdir()  # only the unique name is wanted: rename needs a free target on Windows
            os.rename(self.out_dir, old)
            try:
                os.rename(self.path, self.out_dir)
            except OSError:
                os.rename(old, self.out_dir)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(self.path, self.out_dir)
        self.published = True


def _os_message(out_dir: Path, exc: OSError) -> str:
    return (
        f"出力フォルダー「{out_dir}」に書き出せませんでした（{os_reason(exc)}）。前回の出力はそのまま残っています。"
        "フォルダー内のファイルを開いているプログラム（PDF ビューアー、Excel など）を閉じ、空き容量と書き込み権限を"
        "確認してから、もう一度実行してください。"
    )


def fresh_folder(parent: Path, prefix: str) -> Path:
    """A new folder with a unique name, made with the default mode (the umask decides, as for any folder the user
    makes): mkdtemp's private 0700 would become the published folder, which colleagues on a shared drive could
    not open."""
    for _ in range(100):
        candidate = parent / f"{prefix}{secrets.token_hex(4)}"
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(f"{parent}: no free name for {prefix}")


@contextmanager
def staged_export(out_dir: Path, year: int) -> Iterator[Stage]:
    """A fresh folder beside `out_dir` for one run; removed unless published."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(
            f"出力先「{out_dir}」はフォルダーではなくファイルです。別のフォルダー名を指定してください。"
        )
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise ExportError(
            f"出力先「{out_dir}」の途中にフォルダーではなくファイルがあります。別のフォルダー名を"
            "指定してください。"
        ) from None
    except OSError as exc:
        raise ExportError(_os_message(out_dir, exc)) from None
    with writer_lock(out_dir, action="出力"):
        stage = None
        try:
            recover(out_dir)
            stage = Stage(fresh_folder(out_dir.parent, f".kaikaku-new-{out_dir.name}-"), out_dir, year)
            yield stage
        except OSError as exc:
            raise ExportError(_os_message(out_dir, exc)) from None
        finally:
            if stage is not None and not stage.published:
                shutil.rmtree(stage.path, ignore_errors=True)
