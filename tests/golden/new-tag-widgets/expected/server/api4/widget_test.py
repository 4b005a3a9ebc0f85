from __future__ import annotations

import pytest

from server.api4.apitestlib import (
    TestHelper,
    check_bad_request_status,
    check_documented,
    check_etag,
    check_not_found_status,
    check_ok_status,
    check_unauthorized_status,
)
from server.model.ids import new_id


@pytest.mark.xfail(
    strict=True,
    reason="implement server.app.widget.get_widget, then create the widget this test reads",
)
def test_get_widget(th: TestHelper) -> None:
    widget_id = new_id()
    result, resp = th.guest_client.get_widget(widget_id)
    check_ok_status(resp)
    check_documented(result, resp, "GetWidget")


@pytest.mark.xfail(
    strict=True,
    reason="implement server.app.widget.get_widget, then create the widget this test reads",
)
def test_get_widget_etag(th: TestHelper) -> None:
    widget_id = new_id()
    _, resp = th.guest_client.get_widget(widget_id)
    result, resp = th.guest_client.get_widget(widget_id, etag=resp.etag)
    check_etag(result, resp)


def test_get_widget_bad_widget_id(th: TestHelper) -> None:
    _, resp = th.guest_client.get_widget("junk")
    check_bad_request_status(resp)


def test_get_widget_unauthorized(th: TestHelper) -> None:
    widget_id = new_id()
    th.client.logout()
    _, resp = th.client.get_widget(widget_id)
    check_unauthorized_status(resp)


@pytest.mark.xfail(strict=True, reason="implement server.app.widget.get_widget")
def test_get_widget_not_found(th: TestHelper) -> None:
    widget_id = new_id()
    _, resp = th.guest_client.get_widget(widget_id)
    check_not_found_status(resp)
