"""xlwings Server (Office.js) with kaikaku-xl's UDFs and scripts, in-process through FastAPI's TestClient.

The request bodies are those Excel's Office.js client sends: custom-functions-call with 2-D arguments (a column
is [[v], [v], ...], an empty cell "", an error cell an Error object), custom-scripts-call with the book payload.
Results are compared with `kaikaku report --json` on the same workbook. Only Excel is absent; the server runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("xlwings_server")

from book_model import apply_actions, book_json, function_call  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from helpers.workbook import edit_cells, make_master  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from kaikaku_xl.excel import server  # noqa: E402
from kaikaku_xl.master import contract as c  # noqa: E402
from kaikaku_xl.master.contract import excel as n  # noqa: E402
from kaikaku_xl.metrics.rollups import WHOLE_PLAN  # noqa: E402
from kaikaku_xl.udfs.cells import EMPTY, ERROR_PREFIX  # noqa: E402

YEAR = 2026
ERRORS = {"#N/A": "NotAvailable", "#DIV/0!": "Div0", "#VALUE!": "Value"}
UDFS = ("KK_PLANNED", "KK_PROGRESS", "KK_ATTAINMENT", "KK_GRADE", "KK_EFFECT", "KK_CUMULATIVE", "KK_ROLLUP")


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(server.app())


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = make_master(tmp_path_factory.mktemp("server"))
    edit_cells(path, {"実績": {"E4": "未定", "E5": "#N/A", "E6": None}})
    run = [sys.executable, "-m", "kaikaku_xl.cli"]
    subprocess.run([*run, "refresh", str(path)], check=True, capture_output=True, timeout=120)
    report = json.loads(
        subprocess.run(
            [*run, "report", str(path), "--json"], check=True, capture_output=True, text=True, timeout=120
        ).stdout
    )
    return {"path": path, "report": report}


def office_js(value: Any) -> Any:
    """A cell value in a custom-function argument, as Office.js sends it."""
    if value is None:
        return ""
    if isinstance(value, str) and value in ERRORS:
        return {"type": "Error", "errorType": ERRORS[value], "basicValue": value}
    return value


def columns(path: Path, name: str) -> dict[str, list[list[Any]]]:
    """A table's columns as Office.js passes them: each a 2-D [[v], [v], ...] array."""
    wb = load_workbook(path, data_only=True)
    ws = next(ws for ws in wb.worksheets if name in ws.tables)
    rows = [[cell.value for cell in row] for row in ws[ws.tables[name].ref]]
    return {h: [[office_js(r[j])] for r in rows[1:]] for j, h in enumerate(rows[0])}


def rows_of(path: Path, name: str) -> list[list[Any]]:
    wb = load_workbook(path, data_only=True)
    ws = next(ws for ws in wb.worksheets if name in ws.tables)
    return [[office_js(cell.value) for cell in row] for row in ws[ws.tables[name].ref]][1:]


def call(client: TestClient, func: str, *args: Any) -> Any:
    body = function_call(func, *args)
    response = client.post("/xlwings/custom-functions-call", json=body)
    assert response.status_code == 200, response.text
    return response.json()["result"]


def flat(result: list[list[Any]]) -> list[Any]:
    return [row[0] for row in result]


def report_column(book: dict[str, Any], key: str) -> list[Any]:
    return [EMPTY if m[key] is None else m[key] for m in book["report"]["measures"]]


def test_every_udf_is_served_with_japanese_help(client: TestClient) -> None:
    meta = client.get("/xlwings/custom-functions-meta").json()
    functions = {f["name"]: f for f in meta["functions"]}
    assert set(functions) == set(UDFS)
    assert meta["allowErrorForDataTypeAny"] is True  # error cells reach the function (and become "−")
    for f in functions.values():
        assert f["description"] and len(f["description"]) <= 255
        assert all(
            p["description"] and not p["description"].startswith("Positional") for p in f["parameters"]
        )
    optional = {p["name"] for p in functions["KK_GRADE"]["parameters"] if p.get("optional")}
    assert optional == {"planned", "settings", "baseline_year", "target_year", "scale"}


def test_udfs_called_like_office_js_equal_the_report(client: TestClient, book: dict[str, Any]) -> None:
    path = book["path"]
    m, actual = columns(path, c.MEASURES.name), columns(path, "Actuals")[f"{YEAR}年度"]
    settings = rows_of(path, c.SETTINGS.name)
    assert actual[1] == [{"type": "Error", "errorType": "NotAvailable", "basicValue": "#N/A"}] and actual[
        2
    ] == [""]
    assert flat(call(client, "kk_progress", actual, m["基準値"], m["目標値"])) == report_column(
        book, "progress"
    )
    assert flat(call(client, "kk_attainment", actual, m["目標値"], m["方向"])) == report_column(
        book, "attainment"
    )
    assert flat(call(client, "kk_planned", m["基準値"], m["目標値"], [[YEAR]])) == report_column(
        book, "planned"
    )
    grades = call(client, "kk_grade", actual, m["基準値"], m["目標値"], m["方向"], [[YEAR]], [[""]], settings)
    assert flat(grades) == report_column(book, "grade")
    effects = call(client, "kk_effect", actual, m["基準値"], m["効果区分"], m["単位"], m["方向"], settings)
    assert flat(effects) == report_column(book, "effect")


def test_rollup_spills_with_a_header(client: TestClient, book: dict[str, Any]) -> None:
    path = book["path"]
    items, m = columns(path, c.ITEM_RESULTS.name), columns(path, c.MEASURES.name)
    progress = call(client, "kk_progress", columns(path, "Actuals")[f"{YEAR}年度"], m["基準値"], m["目標値"])
    table = call(
        client,
        "kk_rollup",
        items["基本方針"],
        items["評価"],
        items["単年度効果額"],
        items["No"],
        m["No"],
        progress,
    )
    assert table[0][:3] == ["区分", "項目数", "評価対象"]
    got = {row[0]: row[1:] for row in table[1:]}
    report = book["report"]
    for group in [*report["policies"], {**report["total"], "policy": WHOLE_PLAN}]:
        want = [
            group["items"],
            group["graded"],
            *group["counts"].values(),
            *group["shares"].values(),
            group["mean_progress"],
            group["effect_year"],
        ]
        assert got[group["policy"]] == [EMPTY if v is None else v for v in want]


def test_formula_mistakes_come_back_as_a_message(client: TestClient) -> None:
    result = call(client, "kk_progress", [[1], [2], [3]], [[1], [2]], [[5]])
    assert result[0][0].startswith(ERROR_PREFIX)


def test_script_call_returns_the_refresh_as_actions(client: TestClient, tmp_path: Path) -> None:
    path = make_master(tmp_path)
    payload = book_json(path)
    response = client.post("/xlwings/custom-scripts-call/refresh", json=payload)
    assert response.status_code == 200, response.text
    actions = response.json()["actions"]
    after = apply_actions(payload, actions)
    evaluation = after["cells"][c.EVALUATION.sheet]
    grade_col = c.EVALUATION.anchor_col + [col.key for col in c.EVALUATION.columns].index("grade")
    first = c.EVALUATION.anchor_row + 1
    expected = [
        m["grade"]
        for m in json.loads(
            subprocess.run(
                [sys.executable, "-m", "kaikaku_xl.cli", "report", str(path), "--json"],
                check=True,
                capture_output=True,
                text=True,
                timeout=120,
            ).stdout
        )["measures"]
    ]
    assert [evaluation[(first + i, grade_col)] for i in range(len(expected))] == expected
    assert [a["args"][0] for a in actions if a["func"] == "alert"][0].startswith(
        f"{n.ACTION_REFRESH}しました"
    )


def test_scripts_are_listed_for_the_task_pane(client: TestClient) -> None:
    scripts = {s["function_name"] for s in client.get("/xlwings/custom-scripts-meta").json()}
    assert scripts == {"refresh", "validate", "export", "run_action"}
    page = client.get("/taskpane").text
    assert 'xw-click="refresh"' in page and 'xw-click="validate"' in page and n.ACTION_REFRESH in page


def test_manifest_download_names_the_add_in_over_https(client: TestClient) -> None:
    response = client.get("/manifest/download", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response.headers["content-disposition"] == "attachment; filename=kaikaku-xl-prod.xml"
    text = response.text
    assert "kaikaku-xl" in text and 'DefaultValue="KAIKAKU"' in text
    assert "https://testserver/taskpane.html" in text and "http://testserver" not in text


def test_serve_starts_uvicorn_with_this_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """`kaikaku serve`: uvicorn itself (a blocking network server) is replaced by a recorder here."""
    import uvicorn

    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda application, **options: calls.append((application, options)))
    server.serve("127.0.0.1", 8443, certfile="server.crt", keyfile="server.key")
    assert len(calls) == 1
    application, options = calls[0]
    protocol = options.pop(
        "http"
    )  # h11 with a deadline on each request head (tests/excel/test_server_header_deadline.py)
    assert application == server.app() and protocol.__name__ == "HeaderDeadlineProtocol"
    assert options == {
        "host": "127.0.0.1",
        "port": 8443,
        "ssl_certfile": "server.crt",
        "ssl_keyfile": "server.key",
    }
