"""The council PDF: the report workbook rendered headless by LibreOffice.

LibreOffice renders a copy of the workbook whose font is one installed on this machine (fontconfig), so that the
Japanese glyphs come from one real Japanese face and are embedded in the PDF; the copy is otherwise the same
workbook, built from the same view. Each run gets its own LibreOffice profile and a timeout; a missing or failing
LibreOffice gives a Japanese warning, never an exception.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from kaikaku_xl.export.view import Document
from kaikaku_xl.export.xlsx import XLSX_FONT, write_xlsx
from kaikaku_xl.palette import PDF_FONTS
from kaikaku_xl.textfit import LIBREOFFICE

TIMEOUT_SECONDS = 180

# Another program's rendering of the values-only workbook into the PDF, (xlsx, pdf) -> None: from Excel, Excel's
# own PDF export of the same sheets. Without one, LibreOffice renders it (write_pdf).
PdfRenderer = Callable[[Path, Path], None]


def japanese_font() -> str | None:
    """The first installed face of PDF_FONTS, or None when fontconfig knows none of them."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return None
    try:
        out = subprocess.run(
            [fc_list, ":lang=ja", "family"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    families = {name.strip() for line in out.splitlines() for name in line.split(",")}
    return next((f for f in PDF_FONTS if f in families), None)


def find_soffice(soffice: str | None) -> str | None:
    if soffice:
        return soffice if (os.path.exists(soffice) or shutil.which(soffice)) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def _run(cmd: list[str], cwd: Path, timeout: int) -> tuple[int | None, str]:
    """Run LibreOffice in its own process group; on timeout end that group. Returns (exit code, output)."""
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        text=True,
        errors="replace",
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
        return proc.returncode, out
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, _ = proc.communicate()
        return None, out


def write_pdf(
    doc: Document,
    xlsx_name: str,
    path: Path,
    soffice: str | None,
    warnings: list[str],
    timeout: int = TIMEOUT_SECONDS,
) -> bool:
    """Render the report to `path`; on any failure add a warning and return False."""
    exe = find_soffice(soffice)
    if exe is None:
        where = f"（指定: {soffice}）" if soffice else ""
        warnings.append(
            f"LibreOffice（soffice）が見つからないため、PDF（懇談会資料）を作成できませんでした{where}。"
            "Excel ファイル・HTML・CSV は出力済みです。LibreOffice をインストールして再実行するか、"
            "Excel ファイルを開いて PDF に保存してください。"
        )
        return False
    font = japanese_font()
    if font is None:
        warnings.append(
            "日本語フォント（BIZ UDPゴシック・Noto Sans CJK JP・IPAex ゴシックなど）が見つかりません。"
            "PDF の文字が正しく表示されない可能性があります。"
        )
    with tempfile.TemporaryDirectory(prefix="kaikaku_pdf_") as tmp:
        work = Path(tmp)
        source = work / xlsx_name
        write_xlsx(doc, source, font=font or XLSX_FONT, metrics=LIBREOFFICE)
        profile = work / "profile"
        cmd = [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nofirststartwizard",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ]
        try:
            code, output = _run(cmd, work, timeout)
        except OSError as exc:
            warnings.append(f"LibreOffice を起動できませんでした（{exc}）。PDF は作成されていません。")
            return False
        produced = source.with_suffix(".pdf")
        if code is None:
            warnings.append(
                f"LibreOffice の PDF 変換が {timeout} 秒で終わらなかったため中止しました。PDF は作成されていません。"
            )
            return False
        if code != 0 or not produced.exists() or produced.stat().st_size == 0:
            detail = " ".join(output.split())[:300]
            warnings.append(
                f"LibreOffice の PDF 変換に失敗しました（終了コード {code}）。PDF は作成されていません。{detail}"
            )
            return False
        shutil.move(str(produced), path)
    return True
