"""The plan as data: a typed model of a 行革・DX推進計画, its loader and its JSON form.

The plan itself lives in a TOML file (the bundled one is transcribed from the Omitama plan); this package only
knows its shape and refuses a file that does not fit, naming the item at fault. `model` holds the shapes,
`parts` and `load` the checks, `dump` the JSON; the grade scale (`scale`, `scale_rows`, `exact`), the words staff
choose from (`vocabulary`), the 設定 rules (`settings`, `plausibility`) and a measure's decimals (`numformat`)
are the plan's too. This face hands on the model and the loader.
"""

from kaikaku_xl.plan.dump import measure_to_dict, plain_number, plan_to_dict
from kaikaku_xl.plan.load import BUNDLED_PLAN, load_plan, plan_from_dict
from kaikaku_xl.plan.model import (
    AGGREGATIONS,
    CUMULATIVE,
    DIRECTIONS,
    EFFECT_KINDS,
    MONEY_KINDS,
    HistoricEffect,
    Item,
    ItemNo,
    Measure,
    Plan,
    Policy,
    Revision,
    Section,
    item_no,
    natural_key,
    section_no,
)
from kaikaku_xl.plan.parts import check_cumulative

__all__ = [
    "AGGREGATIONS",
    "BUNDLED_PLAN",
    "CUMULATIVE",
    "DIRECTIONS",
    "EFFECT_KINDS",
    "MONEY_KINDS",
    "HistoricEffect",
    "Item",
    "ItemNo",
    "Measure",
    "Plan",
    "Policy",
    "Revision",
    "Section",
    "check_cumulative",
    "item_no",
    "load_plan",
    "measure_to_dict",
    "natural_key",
    "plain_number",
    "plan_from_dict",
    "plan_to_dict",
    "section_no",
]
