"""Japanese era names of years and dates: people read 西暦 and 和暦 together (2026年度 = 令和8年度); data stores 西暦.

All 和暦 logic of kaikaku-xl is here: the workbook, the exports and the CLI call these functions.
"""

from __future__ import annotations

import datetime

# First day of each era, newest first: (era, first day). A fiscal year (年度) takes the era of its 1 April…
# except that 2019年度 is 令和元年度 by the government's usage (the era changed on 1 May 2019).
ERAS = (
    ("令和", datetime.date(2019, 5, 1)),
    ("平成", datetime.date(1989, 1, 8)),
    ("昭和", datetime.date(1926, 12, 25)),
)


def _name(era: str, first_year: int, year: int) -> str:
    n = year - first_year + 1
    return f"{era}{'元' if n == 1 else n}"


def wareki_year(year: int) -> str:
    """和暦 of a 年度 / 年: 2026 -> 令和8, 2019 -> 令和元, 2018 -> 平成30."""
    era, first = next(((e, d) for e, d in ERAS if year >= d.year), ERAS[-1])
    return _name(era, first.year, year)


def wareki_date(day: datetime.date) -> str:
    """和暦 year of a date: 2019-04-30 -> 平成31, 2019-05-01 -> 令和元, 1989-01-07 -> 昭和64."""
    era, first = next(((e, d) for e, d in ERAS if day >= d), ERAS[-1])
    return _name(era, first.year, day.year)


def year_header(year: int) -> str:
    return f"{year}年度"


def wareki(year: int) -> str:
    """2026 -> 令和8年度."""
    return f"{wareki_year(year)}年度"


WEEKDAYS = "月火水木金土日"


def wareki_day(day: datetime.date) -> str:
    """A date as Japanese documents write it: 2027-05-31 -> 令和9年5月31日（月）."""
    return f"{wareki_date(day)}年{day.month}月{day.day}日（{WEEKDAYS[day.weekday()]}）"
