"""The command speaks Japanese (usage, help, argparse's own errors), takes -v/--debug/-q on every subcommand,
has --version, logs through `logging`, and pads its table by display width."""

from __future__ import annotations

import argparse
import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

from kaikaku_xl.cli.program import build_parser, main
from kaikaku_xl.terminal import clip, display_width, pad

ENGLISH = (
    "usage:",
    "positional arguments",
    "optional arguments",
    "options:",
    "show this help",
    "error:",
    "the following arguments",
    "invalid",
    "required",
)


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kaikaku_xl.cli", *args], capture_output=True, text=True)


@pytest.mark.parametrize("command", [None, *_subcommands()])
def test_help_is_japanese_and_every_argument_explained(
    command: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*([command] if command else []), "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("使い方: kaikaku") and "オプション:" in out
    assert not [w for w in ENGLISH if w in out]
    parser = _subcommands()[command] if command else build_parser()
    unexplained = [
        a.dest for a in parser._actions if not a.help and not isinstance(a, argparse._SubParsersAction)
    ]
    assert unexplained == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["refresh"], "次の引数が必要です: path"),
        (["export", "m.xlsx", "--out", "o", "--year", "abc"], "引数 --year: 'abc' は整数になっていません"),
        (["nosuch"], "は選べません"),
        (["report", "m.xlsx", "--bogus"], "使えない引数です: --bogus"),
    ],
)
def test_argparse_errors_are_japanese_with_exit_code_2(args: list[str], expected: str) -> None:
    result = _run(*args)
    assert result.returncode == 2
    assert result.stderr.startswith("使い方: kaikaku") and expected in result.stderr
    assert "エラー: " in result.stderr and not [w for w in ("usage:", "error:") if w in result.stderr]


@pytest.mark.parametrize("command", list(_subcommands()))
def test_every_subcommand_takes_verbose_debug_and_quiet(command: str) -> None:
    parser = build_parser()
    required = {"plan": [], "serve": []}.get(command, ["m.xlsx"]) + (
        ["--out", "o"] if command == "export" else []
    )
    required += {
        "distribute": ["--out", "o"],
        "collect": ["r.xlsx"],
        "close-year": ["--year", "2026"],
        "reopen-year": ["--year", "2026", "--reason", "理由"],
        "accept": ["--department", "人事課"],
        "send-back": ["--department", "人事課", "--reason", "理由"],
        "revise": ["--from-year", "2027", "--reason", "理由", "--date", "2027-03-01"],
    }.get(command, [])
    args = parser.parse_args([command, *required, "-vv", "--debug", "-q"])
    assert (args.verbose, args.debug, args.quiet) == (2, True, True)
    args = parser.parse_args(["--debug", command, *required])  # before the command's name: not reset by it
    assert (args.verbose, args.debug, args.quiet) == (0, True, False)


def test_version_is_the_packages() -> None:
    result = _run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"kaikaku {importlib.metadata.version('kaikaku-xl')}"


def test_verbose_shows_the_course_of_the_work_in_japanese(tmp_path: Path) -> None:
    master = tmp_path / "m.xlsx"
    assert _run("init", "-q", str(master)).returncode == 0
    quiet = _run("refresh", "-q", str(master))
    verbose = _run("refresh", "-q", "-v", str(master))
    assert "更新を保存しました" not in quiet.stderr
    assert "入力を読みました" in verbose.stderr and "更新を保存しました" in verbose.stderr
    debug = _run("refresh", "-q", "--debug", str(master))
    assert "kaikaku_xl.app.refresh: 表 Evaluation" in debug.stderr


def test_display_width_pads_japanese_as_two_columns() -> None:
    assert display_width("評価ab") == 6 and display_width("ｱｲ") == 2  # half-width kana: one column each
    assert pad("指標", 6) == "指標  " and pad("1.0%", 6, ">") == "  1.0%"
    assert clip("時間外勤務総時間", 9) == "時間外勤…" and display_width(clip("時間外勤務総時間", 9)) == 9


def test_report_table_columns_line_up(tmp_path: Path) -> None:
    master = tmp_path / "m.xlsx"
    assert _run("init", "-q", "--sample", str(master)).returncode == 0
    out = _run("report", str(master)).stdout
    assert "累計効果額 −" in out and "−円" not in out  # an amount not known is −, never −円
    lines = out.splitlines()
    table = [
        line
        for line in lines[1:]
        if line.endswith((" S", " A", " B", " C", " D", " −", " 評価")) and not line.startswith("基本方針")
    ]  # a policy line may end in − too (累計効果額 not known)
    assert len(table) > 5
    assert (
        len({display_width(line[: line.rindex(" ")]) for line in table}) == 1
    )  # the grade column starts at one place
