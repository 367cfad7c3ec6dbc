"""Every colour and font of kaikaku-xl, in one place: the master workbook, the council xlsx/PDF, the web page
and its SVG charts all read them from here, so one blue is one blue everywhere.

Colours are RRGGBB without '#', the form openpyxl takes; `css()` gives the '#RRGGBB' form for HTML and SVG.
"""

from __future__ import annotations

# --- colours -------------------------------------------------------------------------------------------------
NAVY = "1F4E78"  # headers, titles, grade S, chart outlines (the exports once used 1F4E79 by accident)
BLUE = "2E75B6"  # grade A, the history chart's bars, the third effect series
SKY = "9DC3E6"  # grade B
LIGHT_BLUE = "BDD7EE"  # the planned effect series
PALE_BLUE = "DDEBF7"  # group rows (基本方針) of the council tables
ORANGE = "F4B183"  # grade C
RED = "C00000"  # grade D
WHITE = "FFFFFF"
BLACK = "000000"
INK = "1A1A1A"  # body text of the web page
DARK_GREY = "404040"  # notes of the council materials, the zero line of charts
MID_GREY = "595959"  # notes of the master workbook
BORDER_GREY = "808080"  # table borders of the council materials
LIGHT_GREY = "BFBFBF"  # table borders of the master workbook, chart grid of the grade chart
GRID_GREY = "D9D9D9"  # chart grid of the effect chart

HEADER_FILL = NAVY  # table headers in the master and in the council materials
HEADER_TEXT = WHITE
TITLE_TEXT = NAVY
INPUT_FILL = "FFF2CC"  # the one colour of every cell staff type into
REFERENCE_FILL = "EDEDED"  # keys copied from the plan: read, do not type
GROUP_FILL = PALE_BLUE
EXAMPLE_TEXT = BORDER_GREY  # the example row of the plan workbook (never read)

# Grade colours (fill) and the text colour readable on each; keys are the grades of `metrics.GRADES`.
GRADE_FILL = {"S": NAVY, "A": BLUE, "B": SKY, "C": ORANGE, "D": RED}
GRADE_TEXT = {"S": WHITE, "A": WHITE, "B": BLACK, "C": BLACK, "D": WHITE}
# 未評価 (items running without a grade yet): the grey band of the dashboard's grade chart
NOT_GRADED_FILL = LIGHT_GREY

EFFECT_SERIES = (NAVY, LIGHT_BLUE, BLUE)  # 実績, 計画, (a third series) in the effect charts
SERIES_OUTLINE = NAVY

# --- fonts ---------------------------------------------------------------------------------------------------
WORKBOOK_FONT = "Meiryo UI"  # the master workbook (installed with every Japanese Windows)
# BIZ UDPゴシック ships with Windows 10 (1809) and later and is a universal-design face many cities use for
# printed material. The PDF is rendered from a copy that names a font installed where LibreOffice runs.
PRINT_FONT = "BIZ UDPゴシック"
# Faces fontconfig may know where LibreOffice renders the PDF, in order of preference.
PDF_FONTS = ("BIZ UDPGothic", "Noto Sans CJK JP", "IPAexGothic", "IPAPGothic", "TakaoPGothic", "VL PGothic")
# The web page and its SVG charts: no web font, so the reader's installed faces, best first.
WEB_FONTS = (
    "'BIZ UDPGothic','BIZ UDPゴシック','Noto Sans CJK JP','Hiragino Sans','Yu Gothic','Meiryo',sans-serif"
)


def css(color: str) -> str:
    """'#RRGGBB' for HTML and SVG."""
    return f"#{color}"
