"""The yearly cycle's tables (distribute / collect / status / close a year) and the department workbook's: part of
the contract (the package face hands every name on)."""

from __future__ import annotations

from kaikaku_xl.master.contract.inputs import ACTUALS_TABLE, LEDGER, STATUS
from kaikaku_xl.xlsx.tablespec import FMT_INT, FMT_NUM, FMT_TEXT, Column, TableSpec


def key_value_spec(name: str, sheet: str) -> TableSpec:
    """A hidden table of キー/値 rows (text values: an ID is never read as a number)."""
    return TableSpec(
        name, sheet, (Column("キー", "key", width=16), Column("値", "value", FMT_TEXT, 40)), anchor_row=1
    )


# ---- the yearly cycle (distribute / collect / status / close a year) --------------------------------------
# Every record of the cycle lives in worksheet tables of the master (hidden where staff need not see them), so a
# master saved by Excel, LibreOffice or openpyxl keeps the cycle working. Each hidden table has a sheet of its own.
CYCLE_INFO = key_value_spec("CycleInfo", "管理情報")
MASTER_ID_KEY = "master_id"
# The key of the department files' identity fingerprints (HMAC-SHA256): random, made on the first distribute (an
# old master gets one on its next), never written into a department file.
IDENTITY_SECRET_KEY = "identity_secret"
# The master's schema (master/upgrade/): the number of upgrade steps it has had (a new master: all of them) and
# the kaikaku-xl release that built or last upgraded it (named when a newer master is refused).
SCHEMA_VERSION_KEY, SCHEMA_RELEASE_KEY = "schema_version", "schema_release"

DISTRIBUTIONS = TableSpec(
    "Distributions",
    "配布記録",
    (
        Column("配布ID", "distribution_id", FMT_TEXT, 14),
        Column("主要担当課", "department", width=18),
        Column("年度", "year", "0", 8),
        Column("配布日時", "distributed_at", width=20),
        Column("提出期限", "due", width=12),
        Column("ファイル", "file", width=40),
        Column("フィンガープリント", "fingerprint", FMT_TEXT, 20),
        Column("回収日時", "collected_at", width=20),
        Column("回収ファイル", "collected_file", width=40),
        # whom to chase: the 記入方法 sheet's fields of the latest file collected (text: a phone keeps its 0)
        Column("記入者", "contact_name", FMT_TEXT, 24),
        Column("電話・内線", "contact_phone", FMT_TEXT, 16),
        Column("課長確認", "approved_by", FMT_TEXT, 24),
    ),
    anchor_row=1,
)

# The value of each cell a department owns, as distributed and as last synchronised: the base of the
# three-way merge (base / master now / returned file). Once a returned file moved the base, 配布した値 keeps the
# value sent and 取込元 names that file: an older copy returned later (the value sent again) is then seen as stale.
DISTRIBUTED_VALUES = TableSpec(
    "DistributedValues",
    "配布時の値",
    (
        Column("配布ID", "distribution_id", FMT_TEXT, 14),
        Column("表", "table", width=14),
        Column("行", "row_key", FMT_TEXT, 14),
        Column("列", "column", width=12),
        Column("値", "value", width=40),
        Column("配布した値", "sent", width=40),
        Column("取込元", "source", width=40),
    ),
    anchor_row=1,
)

CHANGE_LOG = TableSpec(
    "ChangeLog",
    "変更履歴",
    (
        Column("日時", "time", width=20),
        Column("種別", "kind", width=8),
        Column("主要担当課", "department", width=16),
        Column("ファイル", "file", width=30),
        Column("シート", "sheet", width=12),
        Column("セル", "cell", width=8),
        Column("変更前", "old", width=20, wrap=True),
        Column("変更後", "new", width=20, wrap=True),
        Column("内容", "note", width=50, wrap=True),
    ),
)
LOG_APPLIED, LOG_CONFLICT, LOG_REFUSED, LOG_CLOSE, LOG_REOPEN = "適用", "競合", "拒否", "年度締め", "締め解除"
LOG_REVISION = "見直し"
LOG_DECISION = (
    "推進本部確認"  # the 推進本部's verification recorded on a year already closed (cycle/decision.py)
)
LOG_UPGRADE = "版の更新"  # a step of `kaikaku upgrade` (master/upgrade/)

CLOSED_YEARS = TableSpec(
    "ClosedYears",
    "締めた年度",
    (
        Column("年度", "year", "0", 8),
        Column("締めた日時", "closed_at", width=20),
        Column("利用者", "user", width=14),
        Column("入力フィンガープリント", "fingerprint", FMT_TEXT, 20),
        # SHA-256 over the year's 年度確定値 rows (master/closed.py): a record edited by hand is an error.
        Column("チェックサム", "checksum", FMT_TEXT, 20),
        Column("未入力のまま締めた理由", "reason", width=40, wrap=True),
        # The 推進本部's verification of the year (plan §7): the materials print it; blank = 速報 (cycle/decision.py).
        # The date is text YYYY-MM-DD (a date cell is read too): LibreOffice or Excel keep it as typed.
        Column("推進本部確認日", "decided_on", FMT_TEXT, 14),
        Column("会議名", "meeting", width=36, wrap=True),
    ),
    anchor_row=1,
)

# A closed year's results and the inputs they came from, one value per row. A closed year is evaluated from the
# recorded inputs; the figures recomputed from them are compared with the recorded results (a difference is a
# warning naming the cell here) and the outputs keep the recorded figures (master/recorded.py).
YEAR_RESULTS = TableSpec(
    "YearResults",
    "年度確定値",
    (
        Column("年度", "year", "0", 8),
        Column("区分", "kind", width=10),
        Column("キー", "key", FMT_TEXT, 14),
        Column("項目", "field", width=16),
        Column("値", "value", width=30),
    ),
    anchor_row=1,
)
# Its 区分: an input the year was computed from, a locked cell's former style, or a result of one kind.
RECORD_INPUT, RECORD_STYLE = "入力", "書式"
RECORD_MEASURE, RECORD_ITEM, RECORD_POLICY = "指標", "項目", "基本方針"
RECORD_LEAD, RECORD_TOTAL, RECORD_EFFECTS = "担当課", "全体", "財政効果"

SUBMISSIONS = TableSpec(
    "Submissions",
    "提出状況",
    (
        Column("主要担当課", "department", width=18),
        Column("年度", "year", "0", 8),
        Column("配布日時", "distributed_at", width=20),
        Column("提出期限", "due", width=20),  # 令和9年5月31日（月）
        Column("回収日時", "collected_at", width=20),
        Column("回収済", "collected", width=8),
        Column("未入力数", "missing", FMT_INT, 9),
        Column("未入力", "missing_cells", width=50, wrap=True),
        Column("記述の不足", "narratives", width=50, wrap=True),
        # 未回収 / 回収済 / 差戻し / 確定 (cycle/accept.py), and when and why it was accepted or sent back
        Column("確認", "state", width=8),
        Column("確定・差戻し", "acceptance", width=40, wrap=True),
    ),
    output=True,
)

# Plan revisions (見直し, plan §7): from a year on, a measure's target or baseline is changed, or an item is added
# or ended, with the reason and the date the 推進本部 decided it. Staff may type rows; `kaikaku revise` adds one.
REVISION_TARGET, REVISION_BASELINE, REVISION_ADDED, REVISION_ENDED = (
    "目標値",
    "基準値",
    "取組追加",
    "取組終了",
)
# 対象外: the 推進本部 takes an item out of one year's evaluation (that year only); a department's 対象外 in
# 進捗状況 is only a proposal until such a row exists (docs/decisions.md).
REVISION_EXCLUDED = "対象外"
REVISION_KINDS = (REVISION_TARGET, REVISION_BASELINE, REVISION_ADDED, REVISION_ENDED, REVISION_EXCLUDED)
REVISION_CHOICES = "・".join(REVISION_KINDS) + "から選んでください。"
REVISION_MEASURE_KINDS = (REVISION_TARGET, REVISION_BASELINE)
REVISIONS = TableSpec(
    "Revisions",
    "計画の見直し",
    (
        Column("適用開始年度", "year", "0", 12),
        Column("区分", "kind", width=10),
        Column("指標ID", "measure_id", FMT_TEXT, 9),
        Column("No", "item", FMT_INT, 6),
        Column("変更前", "old", FMT_NUM, 16),
        Column("変更後", "new", FMT_NUM, 16),
        Column("理由", "reason", width=50, wrap=True),
        Column("推進本部決定日", "decided", "yyyy-mm-dd", 14),
    ),
)

# The coordinator's check of each department's return (確定 / 差戻し, plan §7), one row per event and never
# rewritten, so a send-back, the return that followed and the acceptance all stay visible; a department's state in
# a year is its latest row (cycle/accept.py). 再回収: a new return collected after a 確定 or 差戻し.
ACCEPT_ACCEPTED, ACCEPT_SENT_BACK, ACCEPT_RECOLLECTED = "確定", "差戻し", "再回収"
ACCEPTANCES = TableSpec(
    "Acceptances",
    "確定記録",
    (
        Column("年度", "year", "0", 8),
        Column("主要担当課", "department", width=18),
        Column("状態", "state", width=8),
        Column("日時", "at", width=20),
        Column("理由", "reason", width=50, wrap=True),
        Column("利用者", "user", width=14),
        Column("配布ID", "distribution_id", FMT_TEXT, 14),
    ),
    anchor_row=1,
)

CYCLE_TABLES = (
    CYCLE_INFO,
    DISTRIBUTIONS,
    DISTRIBUTED_VALUES,
    CHANGE_LOG,
    CLOSED_YEARS,
    YEAR_RESULTS,
    REVISIONS,
    ACCEPTANCES,
)
HIDDEN_CYCLE_SHEETS = tuple(t.sheet for t in CYCLE_TABLES if t not in (CHANGE_LOG, REVISIONS))

# The department workbook: the same input tables (names, headers) as the master, a guide and a hidden identity.
SHEET_DEPARTMENT_GUIDE = "記入方法"
IDENTITY = key_value_spec("KaikakuIdentity", "配布情報")
# fingerprint: HMAC-SHA256 keyed with the master's IDENTITY_SECRET_KEY ("K…"); "F…" is the unkeyed digest of files
# distributed before the master had a secret (still accepted, with a note).
IDENTITY_KEYS = ("master_id", "distribution_id", "department", "year", "distributed_at", "due", "fingerprint")
DEPARTMENT_TABLES = (ACTUALS_TABLE, STATUS.name, LEDGER.name)


# The 進捗状況 columns a department fills for its items (sent, merged back, locked and recorded when a year closes).
STATUS_KEYS = ("status", "grade", "results", "issues", "next")
