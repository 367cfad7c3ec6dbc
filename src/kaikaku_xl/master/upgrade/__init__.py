"""Upgrading a master built by an earlier release: the steps are declared in master/contract/upgrades.py, each
kind applied by kinds.py to a scratch copy (book.py), the master replaced once by run.py."""

from kaikaku_xl.master.upgrade.run import Upgrade, check_release, require_master, upgrade_master

__all__ = ["Upgrade", "check_release", "require_master", "upgrade_master"]
