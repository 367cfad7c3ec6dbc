"""pytest set-up: the hypothesis profile and session fixtures (the shared builders are in the package tests/helpers)."""

from __future__ import annotations

import pytest
from hypothesis import settings as hypothesis_settings

from kaikaku_xl.plan import Plan, load_plan

# No example database in the work tree, no flaky deadlines (the first pandas call is slow), fixed seed so
# that tests/mutation_check.py gives the same verdict on every run.
hypothesis_settings.register_profile("kaikaku", database=None, deadline=None, derandomize=True)
hypothesis_settings.load_profile("kaikaku")


@pytest.fixture(scope="session")
def bundled_plan() -> Plan:
    return load_plan()
