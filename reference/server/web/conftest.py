from __future__ import annotations

from collections.abc import Iterator

import pytest

from server.api4.apitestlib import TestHelper, setup


@pytest.fixture
def th() -> Iterator[TestHelper]:
    """th is a TestHelper with the basic users, team, channels and posts, on a fresh database."""
    helper = setup()
    try:
        yield helper.init_basic()
    finally:
        helper.tear_down()
