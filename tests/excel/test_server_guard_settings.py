"""Server settings xlwings Server cannot read are refused before anything starts, with what to set (issue 21,
Low): XLWINGS_AUTH_PROVIDERS='""' stopped `kaikaku serve` with exit 3, and an empty provider name ('[""]') passed
for authentication. A request-size limit of inf no longer stops the guard either."""

from __future__ import annotations

import pytest

from kaikaku_xl.excel import server_guard
from kaikaku_xl.excel.server_guard import DEFAULT_MAX_MB, ServerGuardError, require_auth_for

ENV = server_guard.AUTH_PROVIDERS_ENV


@pytest.mark.parametrize("raw", ['""', "entraid", '{"a": 1}', "[1]", '"entraid"'])
@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_an_auth_provider_setting_xlwings_cannot_read_is_refused(raw: str, host: str) -> None:
    with pytest.raises(ServerGuardError, match=f"{ENV}.*JSON の配列"):
        require_auth_for(host, {ENV: raw})


@pytest.mark.parametrize("raw", ['[""]', '["  "]', "[]"])
def test_an_empty_provider_name_is_no_authentication(raw: str) -> None:
    with pytest.raises(ServerGuardError, match="認証なしでは起動しません"):
        require_auth_for("0.0.0.0", {ENV: raw})
    require_auth_for("127.0.0.1", {ENV: raw})


def test_a_named_provider_still_counts() -> None:
    require_auth_for("0.0.0.0", {ENV: '["entraid"]'})


@pytest.mark.parametrize("raw", ["inf", "-inf", "nan", "-3", "0", "abc"])
def test_a_size_limit_that_is_not_a_positive_number_keeps_the_default(raw: str) -> None:
    assert server_guard._max_bytes({server_guard.MAX_MB_ENV: raw}) == int(DEFAULT_MAX_MB * 1024 * 1024)
