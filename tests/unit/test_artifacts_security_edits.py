"""The security table's edits, planned on one parse: the text edits made one at a time give."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scaffold.artifacts import security as table
from scaffold.model.security import SecurityLayout
from scaffold.text.python import Source

LAYOUT = SecurityLayout(table="t.py", cases="c.py")

TABLES = {
    "plain": (
        'OPERATIONS = (\n    "GetA",\n    "GetB",\n)\nPUBLIC = ("GetB",)\nPENDING = ()\n\n\n'
        'def operations(owner, admin):\n    return {\n        "GetA": Req("GET", "/a"),\n'
        '        "GetB": Req("GET", "/b"),\n    }\n\n\nx = 1\n'
    ),
    "no-trailing-commas": (
        'OPERATIONS = ("GetA", "GetB")\nPUBLIC = ("GetB",)\nPENDING = ("GetA",)\n\n\n'
        'def operations(owner, admin):\n    return {\n        "GetA": Req("GET", "/a"),\n'
        '        "GetB": Req("GET", "/b")\n    }\n\n\nx = 1\n'
    ),
    "empty": 'OPERATIONS = ()\nPUBLIC = ()\nPENDING = ()\n\n\ndef operations(owner, admin):\n    return {\n    }\n\n\nx = 1\n',
    "crlf": (
        'OPERATIONS = (\r\n    "GetA",\r\n)\r\nPUBLIC = ()\r\nPENDING = ()\r\n\r\n\r\n'
        'def operations(owner, admin):\r\n    return {\r\n        "GetA": Req("GET", "/a"),\r\n    }\r\n\r\n\r\nx = 1\r\n'
    ),
}

Plan = Callable[[Source], "table._Edit | None"]


def one_at_a_time(text: str, plans: list[Plan]) -> str:
    for plan in plans:
        text = table._edited(Source.parse(text, "t.py"), [plan(Source.parse(text, "t.py"))])
    return text


def all_at_once(text: str, plans: list[Plan]) -> str:
    source = Source.parse(text, "t.py")
    return table._edited(source, [plan(source) for plan in plans])


ADDING: list[Plan] = [
    lambda s: table._entry_added(s, LAYOUT, '"PostC": Req("POST", "/c")'),
    lambda s: table._name_added(s, "OPERATIONS", "PostC", 88),
    lambda s: table._name_added(s, "PUBLIC", "PostC", 88),
    lambda s: table._name_added(s, "PENDING", "PostC", 88),
]
REMOVING: list[Plan] = [lambda s, listed=listed: table._name_removed(s, listed, "GetA", 88) for listed in LAYOUT.lists]


@pytest.mark.parametrize("name", TABLES)
@pytest.mark.parametrize("plans", [ADDING, REMOVING], ids=["adding", "removing"])
def test_edits_planned_on_one_parse_make_the_text_sequential_edits_make(name: str, plans: list[Plan]) -> None:
    text = TABLES[name]
    together = all_at_once(text, plans)
    assert together == one_at_a_time(text, plans)
    assert together != text or name == "empty" and plans is REMOVING
    Source.parse(together, "t.py")  # still Python
    assert ("\r\n" in together) == (name == "crlf") and "\r\r" not in together
