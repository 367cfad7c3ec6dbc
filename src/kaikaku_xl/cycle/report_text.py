"""collect's report as the command line prints it: the summary first, then what needs attention (files not taken,
refused values, open conflicts, errors), then what to check (warnings), and the applied values last; every value
as the sheets show it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kaikaku_xl.problems import ERROR

if TYPE_CHECKING:
    from kaikaku_xl.cycle.collect import CollectReport


def _place(entry: dict[str, Any]) -> str:
    if entry.get("cell"):
        return f"{entry['sheet']}!{entry['cell']}"
    return entry.get("sheet") or "ファイル全体"


def _who(entry: dict[str, Any]) -> str:
    return " ".join(part for part in (entry.get("department"), entry.get("file")) if part)


def summary(report: CollectReport) -> str:
    open_conflicts = sum(not x["resolved"] for x in report.conflicts)
    not_taken = sum(s["blocking"] for s in report.skipped)
    state = "マスターを更新しました" if report.written else "マスターは変更していません"
    parts = [f"{len(report.files)} ファイルを照合"]
    if not_taken:
        parts.append(f"取り込めないファイル {not_taken} 件")
    return (
        f"回収: {'、'.join(parts)}。適用 {len(report.applied)} 件、競合 {len(report.conflicts)} 件"
        f"（未解決 {open_conflicts} 件）、拒否 {len(report.refused)} 件。{state}。"
    )


def attention(report: CollectReport) -> list[str]:
    """What needs the coordinator's action, worst first."""
    lines = []
    for s in report.skipped:
        if s["blocking"]:
            lines.append(f"[取り込めないファイル] {s['file']}: {s['reason']}。{s['action']}")
    for r in report.refused:
        value = f"「{r['value_text']}」" if r.get("value_text") else ""
        lines.append(f"[拒否] {_who(r)} {_place(r)}{value}: {r['reason']}")
    for x in report.conflicts:
        if not x["resolved"]:
            lines.append(
                f"[競合] {_who(x)} {_place(x)}: マスター {x.get('master_text', x['master'])} / 返送 "
                f"{x.get('returned_text', x['returned'])}（{x['source']}）{x.get('reason', '')}"
            )
    for p in report.problems:
        if p["severity"] == ERROR:
            lines.append(f"[{p['severity']}] {_who(p)} {_place(p)}: {p['message']}{p.get('action', '')}")
    return lines


def notes(report: CollectReport) -> list[str]:
    """What to check but not act on: warnings, conflicts resolved by --prefer returned, files skipped by rule."""
    lines = []
    for p in report.problems:
        if p["severity"] != ERROR:
            lines.append(f"[{p['severity']}] {_who(p)} {_place(p)}: {p['message']}{p.get('action', '')}")
    for x in report.conflicts:
        if x["resolved"]:
            lines.append(
                f"[競合・返送を採用] {_who(x)} {_place(x)}: マスター {x.get('master_text', x['master'])} → "
                f"{x.get('returned_text', x['returned'])}（{x['source']}）"
            )
    for s in report.skipped:
        if not s["blocking"]:
            lines.append(f"[読まないファイル] {s['file']}: {s['reason']}。{s['action']}".rstrip("。") + "。")
    return lines


def collect_lines(report: CollectReport) -> list[str]:
    lines = [summary(report)]
    needed = attention(report)
    if needed:
        lines += ["", f"■ 対応が必要なもの（{len(needed)} 件）", *needed]
    checks = notes(report)
    if checks:
        lines += ["", f"■ 確認してください（{len(checks)} 件）", *checks]
    if report.applied:
        lines += ["", f"■ 適用した値（{len(report.applied)} 件）"]
        lines += [
            f"[適用] {a['department']} {_place(a)}: {a.get('old_text', a['old'])} → {a.get('new_text', a['new'])}"
            f"（返送 {a['source']}）"
            for a in report.applied
        ]
    return lines
