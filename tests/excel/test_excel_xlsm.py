"""The macro-enabled master (`create_xlsm`), checked as a file: no Excel runs here, so nothing is mocked either.

The VBA project must be xlwings' template's byte for byte (read with oletools), the button must call a macro that
exists in it, the .py beside it must carry the workbook's name, the xlwings.conf sheet must work unedited, and
openpyxl, LibreOffice and our own refresh must all handle the file without losing the VBA or the button.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import warnings
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
import xlwings
from helpers.workbook import FIXED_NOW, parts
from lxml import etree
from openpyxl import load_workbook

from kaikaku_xl.app.init import create_master
from kaikaku_xl.cli.program import main as cli
from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.excel import macros
from kaikaku_xl.excel.xlsm import VBA_PART, create_xlsm, template_path
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.builder import layout_of
from kaikaku_xl.master.contract import excel as n
from kaikaku_xl.plan import load_plan
from kaikaku_xl.xlsx.package import _relationships, inspect

with warnings.catch_warnings():  # oletools' pyparsing deprecation warnings
    warnings.simplefilter("ignore")
    from oletools.olevba import VBA_Parser

REPO = Path(__file__).resolve().parents[2]
NOW = datetime.fromisoformat(FIXED_NOW)
VML_NS = {"x": "urn:schemas-microsoft-com:office:excel", "v": "urn:schemas-microsoft-com:vml"}


@pytest.fixture(scope="module")
def xlsm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_xlsm(
        load_plan(), tmp_path_factory.mktemp("xlsm") / "omitama_master.xlsm", sample=True, now=NOW
    )


def vba_modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def button(path: Path) -> etree._Element:
    """The VML shape on the 操作 sheet (followed through the package's relationships)."""
    package = inspect(path)
    sheet_part = package.sheets[n.SHEET_ACTIONS]
    with zipfile.ZipFile(path) as zf:
        targets = [t for kind, t in _relationships(zf, sheet_part).values() if kind.endswith("/vmlDrawing")]
        assert len(targets) == 1, targets
        assert b"<legacyDrawing" in zf.read(sheet_part)
        shapes = etree.fromstring(zf.read(targets[0])).findall(".//v:shape", VML_NS)
    assert len(shapes) == 1
    return shapes[0]


def test_vba_project_is_the_templates_byte_for_byte(xlsm: Path) -> None:
    with zipfile.ZipFile(template_path()) as template, zipfile.ZipFile(xlsm) as built:
        assert built.read(VBA_PART) == template.read(VBA_PART)
        types = built.read("[Content_Types].xml").decode()
    assert (
        "macroEnabled.main+xml" in types
        and 'Extension="bin" ContentType="application/vnd.ms-office.vbaProject"' in types
    )
    assert vba_modules(xlsm) == vba_modules(template_path())


def test_the_button_calls_samplecall_which_imports_the_workbooks_module(xlsm: Path) -> None:
    shape = button(xlsm)
    client = shape.find("x:ClientData", VML_NS)
    assert client.get("ObjectType") == "Button"
    macro = client.findtext("x:FmlaMacro", namespaces=VML_NS)
    assert macro == f"[0]!{n.BUTTON_MACRO}"
    assert n.BUTTON_CAPTION in "".join(shape.itertext())
    modules = vba_modules(xlsm)
    callers = [code for code in modules.values() if re.search(rf"^Sub {n.BUTTON_MACRO}\(\)", code, re.M)]
    assert len(callers) == 1
    assert 'RunPython "import " & mymodule & ";" & mymodule & ".main()"' in callers[0]
    assert "Left(ThisWorkbook.Name" in callers[0]  # the module is named after the workbook
    xlwings_vba = "\n".join(modules.values())
    assert f"xlwings64-{xlwings.__version__}.dll" in xlwings_vba  # the DLL of the pinned xlwings


def test_the_py_beside_it_has_its_name_and_runs_the_chosen_action(
    xlsm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module_path = xlsm.with_suffix(".py")
    assert module_path.exists() and module_path.stem == xlsm.stem and xlsm.stem.isidentifier()
    calls: list[str] = []
    monkeypatch.setattr(macros, "main", lambda: calls.append("main"))  # Excel's Book.caller() is not here
    spec = importlib.util.spec_from_file_location(xlsm.stem, module_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main()
    assert calls == ["main"]


def test_xlwings_conf_sheet_needs_no_editing(xlsm: Path) -> None:
    ws = load_workbook(xlsm)[n.CONF_SHEET]
    conf, row = {}, 1
    while ws.cell(row=row, column=1).value:  # what the VBA reads: A1 down to the first empty cell
        conf[ws.cell(row=row, column=1).value] = ws.cell(row=row, column=2).value
        row += 1
    assert conf == {"UDF Modules": n.UDF_MODULE}  # no empty row: it would override IT's own settings
    assert all(ws.cell(row=r, column=2).value not in (None, "") for r in range(1, row))
    sys.path.insert(0, str(REPO / "udfs"))
    try:
        spec = importlib.util.find_spec(n.UDF_MODULE)
    finally:
        sys.path.remove(str(REPO / "udfs"))
    assert spec is not None and Path(spec.origin).is_relative_to(REPO / "udfs")


def test_openpyxl_opens_it_with_every_table_the_actions_and_the_names(xlsm: Path) -> None:
    wb = load_workbook(xlsm, keep_vba=True)
    assert wb.sheetnames[0] == n.SHEET_ACTIONS and wb.active.title == n.SHEET_ACTIONS
    assert wb[n.CONF_SHEET].sheet_state == "hidden"
    found = {name: ws.title for ws in wb.worksheets for name in ws.tables}
    layout = layout_of(load_plan())
    assert {spec.name: spec.sheet for spec in (*layout.inputs, *layout.outputs)}.items() <= found.items()
    ws = wb[n.SHEET_ACTIONS]
    cells = n.ACTION_CELLS
    assert ws[cells.action].value == n.ACTION_REFRESH
    lists = [dv for dv in ws.data_validations.dataValidation if cells.action in str(dv.sqref)]
    assert lists and lists[0].formula1 == '"' + ",".join(n.ACTIONS) + '"'
    for name, address in (
        (n.NAME_ACTION, cells.action),
        (n.NAME_STATUS, cells.status),
        (n.NAME_EXPORT_DIR, cells.export_dir),
    ):
        sheet, ref = next(iter(wb.defined_names[name].destinations))
        assert (sheet, ref.replace("$", "")) == (n.SHEET_ACTIONS, address)


def test_outputs_equal_those_of_the_xlsx_master(xlsm: Path, tmp_path: Path) -> None:
    xlsx = tmp_path / "master.xlsx"
    create_master(load_plan(), xlsx, sample=True, now=NOW)
    a, b = load_workbook(xlsm, data_only=True), load_workbook(xlsx, data_only=True)
    for sheet in layout_of(load_plan()).output_sheets:
        assert [list(r) for r in a[sheet].values] == [list(r) for r in b[sheet].values], sheet


def test_refresh_keeps_vba_and_button_byte_identical(xlsm: Path, tmp_path: Path) -> None:
    copy = shutil.copy2(xlsm, tmp_path / xlsm.name)
    before = parts(copy)
    assert cli(["refresh", str(copy), "--now", "2026-06-01T10:00:00"]) == 0
    after = parts(copy)
    package = inspect(copy)
    layout = layout_of(load_plan())
    owned = {package.sheets[s] for s in layout.output_sheets} | {
        package.tables[t.name].part for t in layout.outputs
    }
    owned.add("xl/workbook.xml")
    assert set(before) == set(after)
    changed = {name for name in before if before[name] != after[name]}
    assert changed and changed <= owned, changed - owned
    kept = [
        VBA_PART,
        "[Content_Types].xml",
        "xl/_rels/workbook.xml.rels",
        package.sheets[n.SHEET_ACTIONS],
        "xl/drawings/vmlDrawing1.vml",
    ]
    assert all(before[p] == after[p] for p in kept)
    assert b'codeName="ThisWorkbook"' in after["xl/workbook.xml"]
    assert load_workbook(copy)[c.REFRESH_LOG.sheet].max_row == c.REFRESH_LOG.anchor_row + 2


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_it(xlsm: Path, tmp_path: Path) -> None:
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
            str(tmp_path),
            str(xlsm),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    text = (tmp_path / f"{xlsm.stem}.csv").read_text(encoding="utf-8")
    assert n.ACTION_REFRESH in text and "状態" in text  # the first sheet: 操作


@pytest.mark.parametrize(
    "name", ["bad-name.xlsm", "小美玉.xlsm", "xlwings.xlsm", "json.xlsm", "class.xlsm", "master.xlsx"]
)
def test_names_the_button_cannot_import_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(WorkbookError):
        create_xlsm(load_plan(), tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_existing_files_are_kept_unless_forced(xlsm: Path, tmp_path: Path) -> None:
    target = tmp_path / xlsm.name
    target.with_suffix(".py").write_text("# staff's own code\n", encoding="utf-8")
    with pytest.raises(WorkbookError, match="--force"):
        create_xlsm(load_plan(), target)
    assert not target.exists()
    assert create_xlsm(load_plan(), target, force=True, now=NOW) == target
    assert "kaikaku_xl.excel.macros" in target.with_suffix(".py").read_text(encoding="utf-8")
