"""Render every sheet of a master workbook or a department file to PNG (LibreOffice -> PDF -> pdftoppm), to look
at before a release.

    python tools/render_master.py                      # a fresh sample master (init --sample), into out/render/
    python tools/render_master.py MASTER.xlsx --out DIR [--dpi 70]
    python tools/render_master.py --department [人事課]   # a department file distributed from the sample master
    python tools/render_master.py 2026年度_実績報告_人事課.xlsx   # any workbook: a department file as it is

Each printed page becomes DIR/NN_<sheet>.png (the sheet name is read from the page header that every sheet
prints, "&A"); DIR/master.pdf is kept. Needs LibreOffice (soffice) and poppler-utils (pdftoppm, pdftotext).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def sample_master(folder: Path) -> Path:
    from kaikaku_xl.app.init import create_master
    from kaikaku_xl.plan import load_plan

    path = folder / "master_sample.xlsx"
    create_master(load_plan(), path, sample=True, force=True, now=datetime(2027, 4, 1, 9, 0))
    return path


def department_file(folder: Path, department: str = "") -> Path:
    """A department file of the sample master, distributed as a coordinator would (FY2026, due 2027-05-31); the
    first department's unless one is named."""
    from kaikaku_xl.cycle.distribute import distribute

    master = sample_master(folder)
    sent = distribute(
        master, folder / "配布", due="2027-05-31", force=True, now=datetime(2027, 4, 1, 9, 0)
    ).sent
    chosen = [s for s in sent if s.department == department] if department else sent[:1]
    if not chosen:
        raise SystemExit(f"{department} には配布していません（{'、'.join(s.department for s in sent)}）。")
    return chosen[0].path


def to_pdf(master: Path, out: Path) -> Path:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                str(master),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    produced = out / (master.stem + ".pdf")
    pdf = out / "master.pdf"
    produced.replace(pdf)
    return pdf


def page_sheets(pdf: Path, sheets: list[str]) -> list[str]:
    """The sheet of each page, from the header text (the longest sheet name that the page's text contains)."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    names = []
    for page in text.split("\f")[:-1] if text.endswith("\f") else text.split("\f"):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        header = lines[0] if lines else ""  # the page header: the sheet name alone, top right
        found = [s for s in sheets if header == s] or [s for s in sheets if s in header]
        names.append(max(found, key=len) if found else "page")
    return names


def render(master: Path, out: Path, dpi: int = 70) -> list[Path]:
    from openpyxl import load_workbook

    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    pdf = to_pdf(master, out)
    sheets = load_workbook(master, read_only=True).sheetnames
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(out / "page")],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pages = sorted(out.glob("page-*.png"), key=lambda p: int(re.findall(r"\d+", p.stem)[-1]))
    names = page_sheets(pdf, sheets)
    written = []
    for i, (page, sheet) in enumerate(zip(pages, names + ["page"] * len(pages), strict=False), start=1):
        safe = re.sub(r"[^\w.-]+", "_", sheet)
        target = out / f"{i:02d}_{safe}.png"
        page.replace(target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("master", nargs="?", type=Path, help="the workbook (default: a fresh sample master)")
    parser.add_argument("--out", type=Path, default=REPO / "out" / "render")
    parser.add_argument("--dpi", type=int, default=70)
    parser.add_argument(
        "--department",
        nargs="?",
        const="",
        default=None,
        metavar="課",
        help="render a department file instead",
    )
    args = parser.parse_args(argv)
    for tool in ("soffice", "pdftoppm", "pdftotext"):
        if shutil.which(tool) is None:
            print(f"{tool} が見つかりません（LibreOffice と poppler-utils が必要です）。", file=sys.stderr)
            return 2
    args.out.mkdir(parents=True, exist_ok=True)
    if args.department is not None:
        master = department_file(args.out, args.department)
    else:
        master = args.master or sample_master(args.out)
    for path in render(master, args.out, args.dpi):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
