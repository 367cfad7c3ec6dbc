"""A plan written in Excel: the blank plan workbook (`kaikaku plan template`) and its reader.

The plan model stays in `kaikaku_xl.plan`; this package only turns a plan workbook into that model and back.
"""

from kaikaku_xl.plan_io.reader import read_plan, read_plan_workbook
from kaikaku_xl.plan_io.template import write_plan_workbook

__all__ = ["read_plan", "read_plan_workbook", "write_plan_workbook"]
