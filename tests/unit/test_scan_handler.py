"""scaffold.scan.handler: what a handler answers, read from its code."""

from __future__ import annotations

import pytest

from scaffold.scan.handler import handlers_facts

HANDLER = """
def delete_widget(c: Context) -> Response | None:
    c.require_widget_id()
    if c.err:
        return None
    widget_app.delete_widget(c.app, c.params.widget_id)
    return {answer}
"""


@pytest.mark.parametrize(
    ("answer", "success"),
    [
        pytest.param("Response(status_code=204)", 204, id="no-content"),
        pytest.param("c.status_ok()", 200, id="status-ok"),
        pytest.param("c.json(result, status=201)", 201, id="created"),
        pytest.param("Response(status_code=code)", None, id="not-a-constant"),
        pytest.param("Response(status_code=500)", None, id="not-a-success"),
    ],
)
def test_the_success_status_of_a_handler(answer: str, success: int | None) -> None:
    _, (handler,) = handlers_facts(HANDLER.format(answer=answer), "server/api4/widget.py")
    assert handler.success == success
