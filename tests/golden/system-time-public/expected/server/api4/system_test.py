from __future__ import annotations

import pytest

from server.api4.apitestlib import TestHelper, check_documented, check_ok_status


def test_get_ping(th: TestHelper) -> None:
    status, resp = th.client.get_ping()
    check_ok_status(resp)
    assert status == {"status": "OK"}


def test_get_ping_without_session(th: TestHelper) -> None:
    client = th.create_client()
    status, resp = client.get_ping()
    check_ok_status(resp)
    assert status == {"status": "OK"}
    assert resp.header.get("X-Version-Id")


@pytest.mark.xfail(strict=True, reason="implement server.app.system.get_system_time")
def test_get_system_time(th: TestHelper) -> None:
    client = th.create_client()
    result, resp = client.get_system_time()
    check_ok_status(resp)
    check_documented(result, resp, "GetSystemTime")
