"""Kits built once per session by tools/build_kit.py as a process (as the vendor runs it), downloads cached.

The downloads go through pip to the package index; pip's cache is KAIKAKU_KIT_CACHE when set (CI may keep it
between runs), else a folder beside pytest's temporary folders, kept from one session to the next.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from kit_support import build_kit


@pytest.fixture(scope="session")
def kit_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("KAIKAKU_KIT_CACHE")
    path = Path(given) if given else tmp_path_factory.getbasetemp().parent / "kaikaku-kit-cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def windows_kit(tmp_path_factory: pytest.TempPathFactory, kit_cache: Path) -> Path:
    return build_kit(tmp_path_factory.mktemp("kit-windows") / "kit", kit_cache)
