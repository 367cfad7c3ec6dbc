"""Japanese era names of years: people read 西暦 and 和暦 together (2026年度 = 令和8年度); data stores 西暦."""


def wareki_year(year: int) -> str:
    """和暦 of a 年度 / 年: 2026 -> 令和8, 2019 -> 令和元, 2018 -> 平成30."""
    if year >= 2019:
        era, n = "令和", year - 2018
    elif year >= 1989:
        era, n = "平成", year - 1988
    else:
        era, n = "昭和", year - 1925
    return f"{era}{'元' if n == 1 else n}"
