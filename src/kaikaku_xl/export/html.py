"""One self-contained web page of the report: lang="ja", UTF-8, inline CSS, charts as data: URI SVG images.

No external request: no script, no web font, no link to another file. Every number cell carries the full-precision
report value (`data-value`) and its JSON pointer into the report (`data-ref`); its text is the value rounded by
kaikaku_xl.rounding, the same text as in the workbook and the PDF.
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path
from string import Template

from kaikaku_xl.export.cells import Cell, Table, date_label, fiscal_year_label
from kaikaku_xl.export.charts import bar_chart, grade_share_chart, line_chart
from kaikaku_xl.export.opinions_view import TITLE as OPINIONS_TITLE
from kaikaku_xl.export.trend_view import Trend
from kaikaku_xl.export.view import Document
from kaikaku_xl.palette import (
    BORDER_GREY,
    DARK_GREY,
    GROUP_FILL,
    HEADER_FILL,
    HEADER_TEXT,
    INK,
    NAVY,
    WEB_FONTS,
    css,
)
from kaikaku_xl.text import strip_bidi_controls

# Phones: each table row becomes a card of "column: value" lines (a wide table squeezed into 375 px would print
# one character per line); charts keep a readable size and scroll sideways inside their figure.
NARROW_SCREEN = "640px"
CHART_MIN_WIDTH = "560px"

CSS = Template("""
body{font-family:$fonts;
margin:0 auto;max-width:1200px;padding:1rem 1.5rem;color:$ink;line-height:1.6;font-size:16px}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.3rem;border-left:.4rem solid $navy;padding-left:.5rem;
margin-top:2.5rem}
.subtitle{margin:0;color:$note}dl.info{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}
dl.info dt{font-weight:bold}dl.info dd{margin:0}
.scroll{overflow-x:auto}
table{border-collapse:collapse;margin:1rem 0 .3rem;font-size:.9rem;min-width:50%}
caption{text-align:left;font-weight:bold;font-size:1.05rem;padding:.3rem 0}
caption .unit{font-weight:normal;font-size:.85rem;margin-left:1rem}
th,td{border:1px solid $border;padding:.3rem .5rem;vertical-align:top}
thead th{background:$header;color:$header_text;font-weight:bold;text-align:center}
tbody th[scope=rowgroup]{background:$group;text-align:left}
tbody th[scope=row]{font-weight:normal;text-align:left}
.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}.c{text-align:center}
p.note{font-size:.85rem;margin:.2rem 0;color:$note}
figure{margin:1rem 0}figure img{max-width:100%;height:auto}figcaption{font-size:.9rem}
.trend-charts{display:flex;flex-wrap:wrap;gap:0 1rem}.trend-charts figure{margin:.5rem 0}
.verification{border:1px solid $border;padding:.4rem .8rem;margin:.5rem 0;font-weight:bold}
.verification.provisional{border:2px solid $ink;position:sticky;top:0;background:#fff;z-index:1}
@media print{body{max-width:none;font-size:10pt}h2{break-before:page}table{break-inside:auto}
tr{break-inside:avoid}thead{display:table-header-group}}
@media screen and (max-width:$narrow){body{padding:.6rem .8rem}
.scroll table,.scroll caption,.scroll tbody,.scroll tr,.scroll th,.scroll td{display:block;width:auto}
.scroll table{min-width:0;border:0}
.scroll thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
.scroll tbody tr{border:1px solid $border;margin:0 0 .6rem}
.scroll tbody th[scope=rowgroup]{border:0;margin:.8rem 0 .4rem}
.scroll td,.scroll tbody th[scope=row]{border:0;border-bottom:1px solid $group;display:grid;
grid-template-columns:minmax(6.5em,40%) 1fr;gap:.6rem;text-align:left;white-space:normal}
.scroll td::before,.scroll tbody th[scope=row]::before{content:attr(data-label);font-weight:bold;color:$note}
.scroll td.num{font-variant-numeric:tabular-nums}
figure{overflow-x:auto}figure img{min-width:$chart_min;max-width:none}
.trend-charts figure img{min-width:0;max-width:100%}}
""").substitute(
    fonts=WEB_FONTS,
    ink=css(INK),
    navy=css(NAVY),
    note=css(DARK_GREY),
    border=css(BORDER_GREY),
    header=css(HEADER_FILL),
    header_text=css(HEADER_TEXT),
    group=css(GROUP_FILL),
    narrow=NARROW_SCREEN,
    chart_min=CHART_MIN_WIDTH,
)


def _cell_html(tag: str, cell: Cell, extra: str = "") -> str:
    classes = {"right": "num", "center": "c"}.get(cell.align, "")
    attrs = extra
    if classes:
        attrs += f' class="{classes}"'
    if cell.ref is not None:
        attrs += f' data-ref="{escape(cell.ref)}"'
        if cell.raw is not None:
            attrs += f' data-value="{escape(_value(cell.raw))}"'
    body = "<br>".join(escape(part) for part in strip_bidi_controls(cell.text).split("\n"))
    return f"<{tag}{attrs}>{body}</{tag}>"


def _value(raw: float | int) -> str:
    if isinstance(raw, bool):
        return str(int(raw))
    if isinstance(raw, int):
        return str(raw)
    return repr(float(raw))


def table_html(table: Table, row_header: bool = True) -> str:
    unit = f'<span class="unit">（{escape(table.unit_note)}）</span>' if table.unit_note else ""
    out = [
        f'<div class="scroll"><table id="{escape(table.key)}"><caption>{escape(table.caption)}{unit}</caption>',
        "<thead><tr>",
    ]
    out += [f'<th scope="col">{escape(c.title)}</th>' for c in table.columns]
    out.append("</tr></thead>")
    header_col = 1 if table.columns and table.columns[0].title == "No" else 0
    for group in table.groups:
        out.append("<tbody>")
        if group.label:
            out.append(
                f'<tr><th scope="rowgroup" colspan="{len(table.columns)}">{escape(group.label)}</th></tr>'
            )
        for row in group.rows:
            cells = []
            for i, cell in enumerate(row):
                label = f' data-label="{escape(table.columns[i].title)}"' if i < len(table.columns) else ""
                if row_header and i == header_col:
                    cells.append(_cell_html("th", cell, ' scope="row"' + label))
                else:
                    cells.append(_cell_html("td", cell, label))
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</tbody>")
    out.append("</table></div>")
    out += [f'<p class="note">※ {escape(n)}</p>' for n in table.notes]
    return "\n".join(out)


def _figure(svg: str, alt: str, caption: str) -> str:
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<figure><img src="data:image/svg+xml;base64,{data}" alt="{escape(alt)}">'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


def _head(doc: Document) -> list[str]:
    return [
        "<!DOCTYPE html>",
        '<html lang="ja">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="kaikaku-xl">',
        f"<title>{escape(doc.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
    ]


def _header(doc: Document) -> list[str]:
    """The plan's name and subtitle, then who reports on which year, when, in which unit."""
    info = [
        ("団体", doc.city),
        ("評価年度", fiscal_year_label(doc.evaluation_year)),
        ("計画期間", doc.period_label),
        ("作成日", date_label(doc.generated)),
        ("金額の単位", f"{doc.display_unit}（△は負の値）"),
    ]
    parts = ["<header>", f"<h1>{escape(doc.plan_name)} 取組状況報告</h1>"]
    if doc.subtitle:
        parts.append(f'<p class="subtitle">{escape(doc.subtitle)}</p>')
    parts.append(
        '<dl class="info">' + "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in info) + "</dl>"
    )
    return [*parts, "</header>"]


def _section(key: str, heading: str, body: list[str]) -> list[str]:
    return [f'<section aria-labelledby="h-{key}"><h2 id="h-{key}">{heading}</h2>', *body, "</section>"]


def _summary(doc: Document) -> list[str]:
    gc = doc.grade_chart
    figure = _figure(
        grade_share_chart(gc.categories, gc.series, "基本方針別の評価構成比", doc.scale),
        gc.alt,
        "図1　基本方針別の評価構成比",
    )
    legend = f'<p class="note">{escape(doc.grade_legend)}</p>'
    return _section("summary", "評価の概要", [legend, *(table_html(t) for t in doc.summary), figure])


def _items(doc: Document) -> list[str]:
    legend = f'<p class="note">{escape(doc.grade_legend)}。金額の単位：{escape(doc.display_unit)}</p>'
    return _section("items", "取組項目別の進捗状況", [legend, table_html(doc.items)])


def _effects(doc: Document) -> list[str]:
    ec, hc = doc.effect_year_chart, doc.history_chart
    year_fig = _figure(
        bar_chart(ec.categories, ec.series, "年度別の財政効果額", ec.unit),
        ec.alt,
        "図2　年度別の財政効果額（指標分の実績と計画。効果額台帳の分は表の単年度効果額に含む）",
    )
    hist_fig = _figure(
        bar_chart(hc.categories, hc.series, "これまでの財政効果額", hc.unit),
        hc.alt,
        "図3　これまでの行財政改革の財政効果額（各計画期間の累計）と本計画の累計（評価年度まで）",
    )
    return _section("effects", "財政効果額", [*(table_html(t) for t in doc.effects), year_fig, hist_fig])


def _trend(trend: Trend) -> list[str]:
    charts = [
        _figure(
            line_chart(
                ch.categories,
                {"実績": ch.actual, "計画値": ch.planned},
                ch.title,
                ch.unit,
                rate=ch.rate,
                decimals=ch.decimals,
            ),
            ch.alt,
            ch.title,
        )
        for ch in trend.charts
    ]
    body = [
        table_html(trend.items),
        table_html(trend.measures),
        '<div class="trend-charts">',
        *charts,
        "</div>",
    ]
    return _section("trend", "年度推移", body)


def _revisions(revisions: Table) -> list[str]:
    caption = f'<p class="note">{escape(revisions.caption)}</p>'
    return _section("revisions", "計画の見直し", [caption, table_html(revisions)])


def _opinions(opinions: Table) -> list[str]:
    caption = f'<p class="note">{escape(opinions.caption)}</p>'
    return _section("opinions", OPINIONS_TITLE, [caption, table_html(opinions)])


def _overview(doc: Document) -> list[str]:
    """総括: a paragraph per heading (the draft marked （下書き） where staff have not adopted a text)."""
    body = [
        f'<h3>{escape(p.heading)}</h3><p class="{"adopted" if p.adopted else "draft"}">{escape(p.text)}</p>'
        for p in doc.overview
    ]
    return _section("overview", "総括", body) if body else []


def render_html(doc: Document) -> str:
    """The page: head, header, then a section per part of the report (年度推移 and 計画の見直し where there
    are such), then the footer."""
    main = [
        *_overview(doc),
        *_summary(doc),
        *_items(doc),
        *_section("qual", "定性評価", [table_html(doc.qualitative)]),
        *_effects(doc),
        *(_trend(doc.trend) if doc.trend is not None else []),
        *(_revisions(doc.revisions) if doc.revisions is not None else []),
        *(
            _section("period", "計画期間の総括評価", [table_html(t) for t in doc.period_review])
            if doc.period_review
            else []
        ),
        *(_opinions(doc.opinions) if doc.opinions is not None else []),
    ]
    footer = (
        f'<footer><p class="note">{escape(doc.city)}　{escape(date_label(doc.generated))}作成</p></footer>'
    )
    parts = [
        *_head(doc),
        "<body>",
        verification_banner(doc),
        *_header(doc),
        "<main>",
        *main,
        "</main>",
        footer,
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def verification_banner(doc: Document) -> str:
    """On top of the page: 「速報（推進本部確認前）」 until the 推進本部 has verified the year (it stays in view while
    scrolling and is printed with every page), else the line of its verification."""
    kind = "verification provisional" if doc.provisional else "verification"
    return f'<p class="{kind}" role="note">{escape(doc.verification)}</p>'


def write_html(doc: Document, path: Path) -> None:
    path.write_bytes(render_html(doc).encode("utf-8"))
