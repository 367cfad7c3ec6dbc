"""kaikaku-xl: the 行革・DX推進計画 master workbook, its metrics and its front doors."""

__version__ = "0.1.0"
