"""What each `kaikaku` subcommand does (program.py parses the arguments from table.py and catches errors once)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kaikaku_xl.errors import EXIT_OK, EXIT_PROBLEMS, InputError
from kaikaku_xl.plan import Plan, plan_to_dict
from kaikaku_xl.progress import Progress

if TYPE_CHECKING:
    from kaikaku_xl.app.refresh import RefreshOutcome


def _fixed_now(value: str | None) -> datetime | None:
    """--now or SOURCE_DATE_EPOCH: a fixed timestamp for reproducible outputs."""
    if value:
        return datetime.fromisoformat(value)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    if not epoch.isascii() or not epoch.isdigit():
        raise InputError(f"環境変数 SOURCE_DATE_EPOCH「{epoch[:30]}」は秒数（0 以上の整数）ではありません。")
    return datetime.fromtimestamp(int(epoch), tz=UTC).replace(tzinfo=None)


def _progress(args: argparse.Namespace) -> Progress:
    """The phase lines on stderr; -q silences them."""
    return Progress(quiet=args.quiet)


def cmd_plan(args: argparse.Namespace) -> int:
    if args.action == "template":
        return _plan_template(args)
    if args.action is not None:
        raise InputError(
            "kaikaku plan の後に書けるのは template だけです（例: kaikaku plan template 計画.xlsx）。"
        )
    from kaikaku_xl.plan_io.reader import read_plan  # openpyxl only where a plan workbook may be read

    plan = read_plan(args.plan)
    data = plan_to_dict(plan)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(f"{plan.name}（{plan.city}） {plan.start_year}〜{plan.end_year}年度")
        for item in plan.items:
            measures = " / ".join(
                f"{m.name} {m.baseline:,.0f}→{m.target:,.0f}{m.unit}" + ("（累計）" if m.cumulative else "")
                for m in item.measures
            )
            level = (
                f"{item.policy}・{item.section}" if item.section else f"{item.policy}"
            )  # 推進項目 where the plan has them
            print(f"{item.no:>3} [{level}] {item.title}（{item.lead}） {measures}")
    return EXIT_OK


def _plan_template(args: argparse.Namespace) -> int:
    from kaikaku_xl.plan_io import write_plan_workbook

    if not args.path:
        raise InputError("作成するファイル名を指定してください（例: kaikaku plan template 計画.xlsx）。")
    progress = _progress(args)
    plan = _load_plan(args, progress) if args.plan else None
    with progress.phase("書き込み") as phase:
        path = write_plan_workbook(args.path, plan, force=args.force)
        phase.count("ファイル", 1)
    if plan is None:
        print(f"計画ワークブック（記入用）を作成しました: {path}")
        print(
            "  黄色のセルに計画を記入し、kaikaku init マスター.xlsx --plan "
            f"{path.name} でマスターを作成します。"
        )
    else:
        print(f"{plan.name} を計画ワークブックに書き出しました: {path}")
    return EXIT_OK


def _load_plan(args: argparse.Namespace, progress: Progress) -> Plan:
    """The plan of --plan (the bundled one without it), with the 計画の読み込み line: a plan workbook of
    thousands of measures takes seconds to read."""
    with progress.phase("計画の読み込み") as phase:
        from kaikaku_xl.plan_io.reader import read_plan

        plan = read_plan(args.plan)
        phase.count("取組項目", len(plan.items))
        phase.count("指標", len(plan.measures))
    return plan


def cmd_init(args: argparse.Namespace) -> int:
    from kaikaku_xl.app.init import create_master

    progress = _progress(args)
    plan = _load_plan(args, progress)
    options = {
        "sample": args.sample,
        "force": args.force,
        "now": _fixed_now(args.now),
        "protect": not args.no_protect,
        "progress": progress,
    }
    if args.xlsm:
        from kaikaku_xl.excel.xlsm import create_xlsm

        path = create_xlsm(plan, Path(args.path), **options)
        print(f"マクロ付きマスターを作成しました: {path}")
        print(
            f"  同じフォルダーに {path.with_suffix('.py').name} も作成しました（ブックと一緒に移動してください）。"
        )
        return EXIT_OK
    outcome = create_master(plan, Path(args.path), **options)
    kind = "サンプル入り" if args.sample else "空の"
    print(f"{kind}マスターワークブックを作成し、更新しました: {args.path}")
    _print_summary(outcome)
    return EXIT_OK


def _print_summary(outcome: RefreshOutcome) -> None:
    from kaikaku_xl.rounding import format_yen

    s = outcome.summary
    print(
        f"  評価年度 {s.evaluation_year}年度 / 評価した項目 {s.graded} / 単年度効果額 {format_yen(s.single_year)} / "
        f"累計 {format_yen(s.cumulative)} / エラー {s.errors} 件・警告 {s.warnings} 件"
    )


def _upgrade(path: str) -> None:
    """A master built by an earlier release gains what this one has (backup taken; a newer master is refused);
    the message goes to stderr so that stdout keeps the command's results (--json)."""
    from kaikaku_xl.master.upgrade import upgrade_master

    done = upgrade_master(Path(path))
    if done:
        print(done.message(Path(path).name), file=sys.stderr)


def _check_release(path: str) -> None:
    """A command that only reads a master refuses one from a newer release."""
    from kaikaku_xl.master.upgrade import check_release

    check_release(Path(path))


def cmd_upgrade(args: argparse.Namespace) -> int:
    from kaikaku_xl.master.contract.upgrades import RELEASE, SCHEMA_VERSION
    from kaikaku_xl.master.upgrade import require_master, upgrade_master

    path = Path(args.path)
    require_master(path)
    done = upgrade_master(path, dry_run=args.dry_run, now=_fixed_now(args.now))
    if done is None:
        print(f"{path.name} は kaikaku-xl {RELEASE} のマスターの版 {SCHEMA_VERSION} です。変更はありません。")
        return EXIT_OK
    print(done.message(path.name))
    return EXIT_OK


def cmd_refresh(args: argparse.Namespace) -> int:
    from kaikaku_xl.app.refresh import refresh
    from kaikaku_xl.xlsx.file_engine import FileEngine

    _upgrade(args.path)
    engine = FileEngine(Path(args.path))
    outcome = refresh(engine, now=_fixed_now(args.now), progress=_progress(args))
    print(f"更新しました: {args.path}")
    for note in engine.notes:
        print(f"注意: {note}", file=sys.stderr)
    _print_summary(outcome)
    if outcome.loaded.errors:
        print(
            "入力に問題があります。「問題点」シートまたは kaikaku validate で確認してください。",
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from kaikaku_xl.app.validate import validate
    from kaikaku_xl.problems import WARNING
    from kaikaku_xl.xlsx.file_engine import FileEngine

    _check_release(args.path)
    engine = FileEngine(Path(args.path))
    try:
        loaded, problems = validate(engine, _progress(args), now=_fixed_now(args.now))
    finally:
        engine.close()
    if args.json:
        print(json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2))
    elif not problems:
        print("問題は見つかりませんでした。")
    else:
        for p in problems:
            place = f"{p.sheet}!{p.cell}" if p.cell else p.sheet
            print(f"[{p.severity}] {place}: {p.message} → {p.action}")
        warnings = sum(p.severity == WARNING for p in problems)
        notes = len(problems) - len(loaded.errors) - warnings
        print(f"エラー {len(loaded.errors)} 件、警告 {warnings} 件" + (f"、情報 {notes} 件" if notes else ""))
    return EXIT_PROBLEMS if loaded.errors else EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from kaikaku_xl.app.report import print_table, report_from_file

    _check_release(args.path)
    report = report_from_file(Path(args.path), progress=_progress(args))
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_table(report)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from kaikaku_xl.app.export import export_file

    _check_release(args.path)
    result = export_file(
        Path(args.path), Path(args.out), year=args.year, now=_fixed_now(args.now), progress=_progress(args)
    )
    for path in result.paths:
        print(f"書き出しました: {path}")
    for warning in result.warnings:
        print(f"注意: {warning}", file=sys.stderr)
    return EXIT_OK


def cmd_distribute(args: argparse.Namespace) -> int:
    from kaikaku_xl.cycle.distribute import distribute

    _upgrade(args.path)
    result = distribute(
        Path(args.path),
        Path(args.out),
        year=args.year,
        due=args.due or "",
        contact=args.contact or "",
        force=args.force,
        now=_fixed_now(args.now),
        progress=_progress(args),
        department=args.department or "",
    )
    for sent in result.sent:
        print(
            f"配布用ファイルを作成しました: {sent.path}（{sent.department}、取組項目 {len(sent.items)} 件）"
        )
    print(f"{result.year}年度の配布を {args.path} に記録しました（{len(result.sent)} 課）。")
    return EXIT_OK


def cmd_collect(args: argparse.Namespace) -> int:
    from kaikaku_xl.cycle.collect import collect

    _upgrade(args.path)
    report = collect(
        Path(args.path),
        [Path(p) for p in args.files],
        prefer=args.prefer,
        now=_fixed_now(args.now),
        progress=_progress(args),
    )
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        from kaikaku_xl.cycle.report_text import collect_lines

        for line in collect_lines(report):
            print(line)
    return EXIT_OK if report.clean else EXIT_PROBLEMS


def cmd_status(args: argparse.Namespace) -> int:
    from kaikaku_xl.cycle.status import contact_line, cycle_status, status_summary

    _check_release(args.path)
    now = _fixed_now(args.now)
    statuses = cycle_status(Path(args.path), year=args.year, progress=_progress(args), now=now)
    summary = status_summary(statuses)
    if args.json:
        out = {"departments": [s.as_dict() for s in statuses], "summary": summary}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(
        f"{summary['year']}年度: 確定 {summary['accepted']}/{summary['departments']} 課・"
        f"回収 {summary['collected']}/{summary['departments']} 課・差戻し {summary['sent_back']} 課・"
        f"期限超過 {summary['overdue']} 課・未入力 {summary['missing']:,} 件・"
        f"対象外の提案 {summary['exclusion_proposals']} 件"
    )
    for s in statuses:
        state = f"回収 {s.collected_at}" if s.collected else ("未回収" if s.distributed else "未配布")
        due = f" / 提出期限 {s.due_label}" + ("【期限超過】" if s.overdue else "") if s.due_label else ""
        print(
            f"{s.department}: 【{s.state}】配布 {s.distributed or '−'}{due} / {state} / 未入力 {s.missing} 件"
        )
        if s.accepted:
            print(f"    確定: {s.accepted}")
        if s.sent_back:
            print(f"    差戻し: {s.sent_back['at']} 理由: {s.sent_back['reason']}")
        if s.contact:
            print(f"    {contact_line(s.contact, s.year)}")
        for cell in s.missing_cells:
            print(f"    未入力: {cell}")
        for text in s.narratives:
            print(f"    記述の不足: {text}")
        for text in s.exclusion_proposals:
            print(f"    対象外の提案（推進本部の決定待ち、それまでは評価に含めます）: {text}")
    return EXIT_OK


def cmd_accept(args: argparse.Namespace) -> int:
    from kaikaku_xl.cycle.accept import accept

    _upgrade(args.path)
    step = accept(
        Path(args.path), args.department, year=args.year, now=_fixed_now(args.now), progress=_progress(args)
    )
    if step.already:
        print(
            f"{step.year}年度の{step.department}の返送内容は {step.at} に確定済みです（変更はありません）。"
        )
    else:
        print(
            f"{step.year}年度の{step.department}の返送内容を確定しました（{step.at}、確定記録と変更履歴に記録）。"
        )
    return EXIT_OK


def cmd_send_back(args: argparse.Namespace) -> int:
    from kaikaku_xl.cycle.accept import send_back

    _upgrade(args.path)
    step = send_back(
        Path(args.path),
        args.department,
        args.reason,
        year=args.year,
        now=_fixed_now(args.now),
        progress=_progress(args),
    )
    print(
        f"{step.year}年度の{step.department}の返送内容を差し戻しました（{step.at}、確定記録と変更履歴に記録）。"
        f"kaikaku distribute {args.path} --out フォルダー --department {step.department} --force で、"
        "理由を記入方法シートに載せたファイルを配布し直してください。"
    )
    return EXIT_OK


def cmd_close_year(args: argparse.Namespace) -> int:
    from kaikaku_xl.cycle.close import close_year
    from kaikaku_xl.master.closed import decision_line

    _upgrade(args.path)
    closed = close_year(
        Path(args.path),
        args.year,
        now=_fixed_now(args.now),
        progress=_progress(args),
        reason=args.reason or "",
        decided_on=args.decided_on,
        meeting=args.meeting,
    )
    if closed.decision_only:
        print(f"締めた{closed.year}年度に推進本部の確認を記録しました（変更履歴にも記録しました）。")
    else:
        print(
            f"{closed.year}年度を締めました: 結果 {closed.results:,} 件・入力 {closed.inputs:,} 件を記録し、"
            f"{closed.locked:,} セルをロックしました。"
        )
    if closed.missing:
        print(f"未入力 {closed.missing:,} 件のまま締めました（理由を締めた年度と変更履歴に記録しました）。")
    if closed.decision is not None:
        print(f"懇談会資料には「{decision_line(closed.decision)}」と印字します。")
    else:
        print(
            "推進本部の確認日は未記録です。資料は「速報（推進本部確認前）」になります（--decided-on で記録）。"
        )
    if closed.unaccepted:
        print(
            f"確定していない担当課（{'、'.join(closed.unaccepted)}）のまま締めました"
            "（理由を締めた年度と変更履歴に記録しました）。"
        )
    return EXIT_OK


def cmd_reopen_year(args: argparse.Namespace) -> int:
    from kaikaku_xl.cycle.close import reopen_year

    _upgrade(args.path)
    reopen_year(Path(args.path), args.year, args.reason, now=_fixed_now(args.now), progress=_progress(args))
    print(f"{args.year}年度の締めを解除しました（変更履歴に理由を記録しました）。")
    return EXIT_OK


def cmd_revise(args: argparse.Namespace) -> int:
    from kaikaku_xl.cycle.revise import revise
    from kaikaku_xl.master import contract as c

    _upgrade(args.path)
    done = revise(
        Path(args.path),
        year=args.from_year,
        reason=args.reason,
        decided=args.date,
        measure_id=args.measure,
        target=args.target,
        baseline=args.baseline,
        item=args.item,
        added=args.add,
        ended=args.end,
        excluded=args.exclude,
        now=_fixed_now(args.now),
        progress=_progress(args),
    )
    if done.kind == c.REVISION_EXCLUDED:
        print(
            f"{done.subject} を {done.year}年度だけ対象外にしました（{done.cell} に記録）。"
            "その年度の評価の分母から除きます。kaikaku refresh で評価に反映されます。"
        )
        return EXIT_OK
    change = done.shown or done.kind
    print(
        f"{done.subject} の{done.kind}を {done.year}年度から見直しました（{change}、{done.cell} に記録）。"
        f"{done.year}年度より前は元の値で評価します。kaikaku refresh で評価に反映されます。"
    )
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from kaikaku_xl.excel.server import serve

    serve(
        args.host, args.port, certfile=args.certfile, keyfile=args.keyfile
    )  # ServerSetupError: a KaikakuError
    return EXIT_OK
