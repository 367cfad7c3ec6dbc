"""財政効果額 (DOMAIN.md, "財政効果額"): per measure and year, ledger entries, single-year and cumulative totals,
the planned effect and 効果額達成率, and 参考換算."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

import numpy as np
import pandas as pd

from kaikaku_xl.metrics.cumulative import is_cumulative
from kaikaku_xl.plan import MONEY_KINDS
from kaikaku_xl.plan.money import YEN, difference_in_yen, to_yen, yen_factor
from kaikaku_xl.plan.settings import Settings

REFERENCE = "参考"


def improvement(values: pd.Series, baseline: pd.Series, direction: pd.Series) -> pd.Series:
    """How far a value moved from the baseline in the good direction (lower-is-better measures flip sign)."""
    delta = values - baseline
    return delta.where(direction != "減少", -delta)


def measure_effects(
    long: pd.DataFrame, settings: Settings, value_column: str, start_year: int | None = None
) -> pd.DataFrame:
    """Effect in 円 of each measure-year row of `long` (measure columns + year + value_column).

    歳出削減: baseline − value; 歳入増加: value − baseline; 参考: improvement × unit price (hourly/paper); a
    measure kept in 千円・百万円… is converted to 円 exactly (plan.money), its own figures staying in its unit.
    Adds `effect` (円, NaN when the value is missing or no price applies) and `counted` (does it enter
    財政効果額: the measure's include flag, and for 参考 the include_reference setting).
    start_year: the first plan year; in 初年度のみ mode it is measured from the baseline, not from an
    earlier (pre-plan) year's value.
    A 累計 measure's yearly amount is itself the effect of that year (歳出削減 saved, 歳入増加 earned; 参考 × the unit
    price), in either mode: its `year_<value_column>` (metrics.cumulative) is used, never its running total.
    """
    out = long.copy()
    kind = out["effect_kind"]
    prices = unit_prices(out["unit"], settings)
    out["effect"] = effect_amounts(
        out[value_column], out["baseline"], kind.to_numpy(object), out["direction"].to_numpy(object), prices
    )
    is_money = kind.isin(MONEY_KINDS)
    out["counted"] = out["include_in_effect"].astype(bool) & (
        is_money | ((kind == REFERENCE) & settings.include_reference)
    )
    if settings.effect_mode == "初年度のみ":
        out["effect"] = first_year_only(out, "effect", start_year)
    cumulative = is_cumulative(out)
    if cumulative.any():
        amounts = out[f"year_{value_column}"].to_numpy(dtype=float)
        kinds = kind.to_numpy(object)
        yearly = np.where(np.isin(kinds, MONEY_KINDS) | (kinds == REFERENCE), in_yen(amounts, prices), np.nan)
        out["effect"] = np.where(cumulative, yearly, out["effect"].to_numpy(dtype=float))
    return out


def yen_per_unit(unit: Any, settings: Settings) -> float | None:
    """How many 円 one unit of a measure is: a money unit's factor (千円 → 1,000), else its 参考換算 price
    (時間 → hourly cost, 枚 → paper); None where the unit cannot become 円 (件, ㎡ …)."""
    factor = yen_factor(unit)
    return float(factor) if factor is not None else settings.unit_cost(str(unit or "").strip())


def unit_prices(units: Any, settings: Settings) -> np.ndarray:
    """yen_per_unit of each row's unit; NaN where none applies."""
    values = np.asarray(units, dtype=object).tolist()  # pandas' string arrays are slow to iterate
    prices = {u: yen_per_unit(u, settings) for u in set(values)}
    return np.array([prices[u] for u in values], dtype=float)


def stated_units(units: Any, kinds: Any) -> np.ndarray:
    """Each row's unit, a 歳出削減/歳入増加 row without one read as 円 (KK_EFFECT's unit is optional for money)."""
    out = np.asarray(units, dtype=object).copy()
    blank = np.array([u is None or str(u).strip() == "" for u in out.tolist()], dtype=bool)
    out[blank & np.isin(np.asarray(kinds, dtype=object), MONEY_KINDS)] = YEN
    return out


def effect_amounts(
    values: Any, baseline: Any, kind: np.ndarray, direction: np.ndarray, price: np.ndarray
) -> np.ndarray:
    """財政効果額 in 円 of each row, on arrays (shared by refresh and the KK_EFFECT function).

    歳出削減: baseline − value; 歳入増加: value − baseline; 参考: improvement; each × the unit's 円 (`price`:
    unit_prices; 1 for 円); NaN where the unit has none or the kind is none. A money unit other than 円 is
    converted exactly (plan.money), so 3,297 百万円 − 2,273 百万円 is 1,024,000,000 円 to the yen.
    """
    v, b = np.asarray(values, dtype=float), np.asarray(baseline, dtype=float)
    price = np.asarray(price, dtype=float)
    revenue = v - b
    improved = np.where(direction == "減少", -revenue, revenue)  # lower is better: the improvement is a fall
    out = np.select(
        [kind == "歳出削減", kind == "歳入増加", kind == REFERENCE],
        [(b - v) * price, revenue * price, improved * price],
        default=np.nan,
    )
    falls = (kind == "歳出削減") | ((kind == REFERENCE) & (np.asarray(direction) == "減少"))
    for i in np.flatnonzero(np.isfinite(out) & (price != 1)):
        exact = _money_factor(price[i])
        if exact is not None:  # a money unit: the difference in decimal, then × its factor
            high, low = (b[i], v[i]) if falls[i] else (v[i], b[i])
            out[i] = difference_in_yen(high, low, exact)
    return out


def in_yen(amounts: np.ndarray, price: np.ndarray) -> np.ndarray:
    """Amounts in their units × the unit's 円 (unit_prices), exactly where the unit is money."""
    out = np.asarray(amounts, dtype=float) * price
    for i in np.flatnonzero(np.isfinite(out) & (price != 1)):
        exact = _money_factor(price[i])
        if exact is not None:
            out[i] = to_yen(amounts[i], exact)
    return out


def _money_factor(price: float) -> int | None:
    """A money unit's factor (a power of ten) as an int; None for a 参考換算 price (kept as the float product)."""
    whole = int(price)
    return whole if whole == price and whole > 1 and str(whole).rstrip("0") == "1" else None


def first_year_only(long: pd.DataFrame, column: str, start_year: int | None = None) -> pd.Series:
    """Count each improvement only in the year it first appears: the change from the last known level.

    The first plan year is measured from the baseline, so the sum over the period equals the latest level.
    A year without a value stays NaN and the next known year is measured from the last known level.
    Years before start_year (e.g. FY2025, between baseline and plan start) keep their level and do not
    become the reference of the first plan year.
    """
    result = pd.Series(np.nan, index=long.index)
    for _, group in long.sort_values("year").groupby("measure_id", sort=False):
        previous = 0.0
        for idx, year, value in zip(group.index, group["year"], group[column], strict=True):
            if start_year is not None and year < start_year:
                result[idx] = value
                continue
            if pd.notna(value):
                result[idx] = value - previous
                previous = value
    return result


def yearly_totals(
    effects: pd.DataFrame, planned: pd.DataFrame, ledger: pd.DataFrame, years: list[int], evaluation_year: int
) -> pd.DataFrame:
    """One row per plan year: counted measure effects, ledger, 単年度効果額, 計画期間累計, planned, 達成率.

    `effects`/`planned` come from measure_effects on actual and planned values; `ledger` has year, amount.
    参考 amounts that are not counted are reported apart in `reference`. Every amount is summed exactly
    (`exact_sum`). 効果額達成率 is measures ÷ planned (the ledger has no plan): the documents print `measures`
    (うち指標分) beside it, so the rate is the ratio of the figures printed beside it (docs/decisions.md).
    `missing` counts the counted measures without a value in the year, `missing_cumulative` the counted
    measure-years without a value from the first plan year to the year (neither is in the totals).
    """
    counted = effects[effects["counted"]]
    by_year = exact_sums(counted["effect"], counted["year"])
    reference = exact_sums(effects.loc[effects["effect_kind"] == REFERENCE, "effect"], effects["year"])
    in_plan = planned[planned["counted"]]
    planned_by_year = exact_sums(in_plan["effect"], in_plan["year"])
    ledger_by_year = exact_sums(ledger["amount"], ledger["year"]) if len(ledger) else pd.Series(dtype=float)
    frame = pd.DataFrame({"year": years})
    # "Not known" is never 0 (DOMAIN.md): a total with no known part is NaN, one over some known parts is their
    # sum and `missing` says how many counted measures had no value that year.
    frame["measures"] = frame["year"].map(by_year).astype(float)
    frame["ledger"] = frame["year"].map(ledger_by_year).astype(float)
    frame["single_year"] = [exact_sum(pair) for pair in zip(frame["measures"], frame["ledger"], strict=True)]
    frame["cumulative"] = running_total(frame["single_year"])
    frame["planned"] = frame["year"].map(planned_by_year).astype(float)
    frame["planned_cumulative"] = running_total(frame["planned"])
    frame["measures_cumulative"] = running_total(frame["measures"])
    unknown = counted[counted["effect"].isna()].groupby("year")["measure_id"].nunique()
    frame["missing"] = frame["year"].map(unknown).fillna(0).astype(float)
    frame["missing_cumulative"] = frame["missing"].cumsum()
    frame["attainment"] = _ratio(frame["measures"], frame["planned"])
    frame["attainment_cumulative"] = _ratio(frame["measures_cumulative"], frame["planned_cumulative"])
    frame["reference"] = frame["year"].map(reference).astype(float)
    # Years after the evaluation year have a plan but no result yet: leave their results empty.
    future = frame["year"] > evaluation_year
    actual_columns = [
        "measures",
        "ledger",
        "single_year",
        "cumulative",
        "measures_cumulative",
        "attainment",
        "attainment_cumulative",
        "reference",
        "missing",
        "missing_cumulative",
    ]
    frame.loc[future, actual_columns] = np.nan
    return frame


# Amounts are summed in decimal (each float read as the shortest decimal that prints it, as staff typed it) and
# the total kept to 0.0001 円: far below the 1 円 any document shows, it drops the binary noise of summing
# thirds of a yen (110361735.00000016 becomes 110361735) and changes no figure beyond that noise.
MONEY_QUANTUM = Decimal("0.0001")


def exact_sum(values: Iterable[Any]) -> float:
    """The sum of the known amounts, exact to MONEY_QUANTUM; NaN when none is known (never 0)."""
    known = [float(v) for v in values if v is not None and v == v]
    if not known:
        return float("nan")
    with localcontext() as ctx:
        ctx.prec = 60
        total = sum((Decimal(repr(v)) for v in known), Decimal(0))
        rounded = total.quantize(MONEY_QUANTUM, rounding=ROUND_HALF_UP)  # half away from zero
    return float(rounded) + 0.0  # no -0.0


def exact_sums(values: pd.Series, keys: pd.Series) -> pd.Series:
    """exact_sum of `values` per key (keys aligned on values' index); NaN for a key with no known value."""
    if not len(values):
        return pd.Series(dtype=float)
    return values.groupby(keys.loc[values.index]).agg(exact_sum).astype(float)


def running_total(values: pd.Series) -> pd.Series:
    """Sum of the known values so far, exactly (exact_sum); NaN until the first known one (a gap keeps the sum
    before it)."""
    out, known = [], []
    for v in values.tolist():
        if v == v and v is not None:
            known.append(v)
        out.append(exact_sum(known))
    return pd.Series(out, index=values.index, dtype=float)


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    den = denominator.where(denominator != 0)
    return numerator / den
