"""KK_ROLLUP with a 評価区分 whose grades have 点数 (issue 22): 得点・満点・得点率 per group and for the whole plan;
a group with nothing graded shows − (not known), never 0; − and 対象外 are out of 満点."""

from __future__ import annotations

from kaikaku_xl.master import contract as c
from kaikaku_xl.udfs.rollup import kk_rollup

SCALE = [
    c.GRADE_SCALE.headers,
    ["優", None, None, "入力", None, "いいえ", 10],
    ["良", None, None, "入力", None, "いいえ", 6],
    ["可", None, None, "入力", None, "はい", 1],
]


def test_scores_per_group_and_whole() -> None:
    frame = kk_rollup(
        [["企画課"], ["企画課"], ["企画課"], ["総務課"], ["総務課"]],
        [["優"], ["可"], ["対象外"], ["−"], [None]],
        scale=SCALE,
    )
    rows = {r["区分"]: r for r in frame.to_dict("records")}
    assert (rows["企画課"]["得点"], rows["企画課"]["満点"], rows["企画課"]["得点率"]) == (11, 20, 0.55)
    assert (rows["総務課"]["得点"], rows["総務課"]["満点"], rows["総務課"]["得点率"]) == ("−", "−", "−")
    assert (rows["全体"]["得点"], rows["全体"]["満点"], rows["全体"]["−"], rows["全体"]["対象外"]) == (
        11,
        20,
        2,
        1,
    )
    headers = list(frame.columns)
    assert headers.index("得点") == headers.index("可割合") + 1 and headers[-2:] == [
        "平均進捗率",
        "単年度効果額",
    ]
