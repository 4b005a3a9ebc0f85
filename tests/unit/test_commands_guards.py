"""The syntax guard: what a command would write must compile, and a failure names its line."""

from __future__ import annotations

import pytest

from scaffold.commands.guards import check_syntax
from scaffold.errors import ValidationError
from scaffold.model.changes import Change, ChangeSet

MODULE = "import os\n\n\ndef handler():\n    return os.sep\n"


def refusal(before: str | None, after: str) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        check_syntax(ChangeSet([Change("server/api4/user.py", before, after)]))
    return refused.value


@pytest.mark.parametrize(
    "before",
    [
        MODULE,
        MODULE.replace("\n", "\r\n"),
        MODULE.replace("\n", "\r"),
        MODULE.replace("\n\n\n", "\r\r\n"),  # Python counts a lone \r as a line end too
    ],
    ids=["lf", "crlf", "cr", "mixed"],
)
def test_an_appended_error_is_placed_on_its_line_of_the_whole_module(before: str) -> None:
    after = before + "\n\ndef added(:\n    pass\n"
    with pytest.raises(SyntaxError) as whole:
        compile(after, "user.py", "exec")
    error = refusal(before, after)
    assert (str(error.path), error.line) == ("server/api4/user.py", whole.value.lineno)
    assert error.line > 5
    assert "does not compile" in error.message


@pytest.mark.parametrize(
    "appended",
    [
        "from __future__ import annotations\n",  # only at the top of a module
        "global sep\n",  # after `sep` is used at module level
    ],
)
def test_appended_code_that_is_wrong_only_beside_the_rest_is_refused(appended: str) -> None:
    before = MODULE + "sep = os.sep\n"
    error = refusal(before, before + appended)
    assert error.line == 7


def test_an_error_inside_the_module_is_found() -> None:
    error = refusal(MODULE, MODULE.replace("    return os.sep\n", "    return os.sep +\n") + "\nx = 1\n")
    assert error.line == 5


def test_a_module_that_compiles_passes() -> None:
    check_syntax(ChangeSet([Change("a.py", MODULE, MODULE + "\n\ndef added():\n    return 1\n"), Change("b.py", None, MODULE)]))


def test_a_module_that_only_lost_definitions_is_not_compiled_again() -> None:
    # What the removal planner vouches for (`Change.compiles_as_before`) costs no compile.
    check_syntax(ChangeSet([Change("a.py", MODULE, "this is not python (", compiles_as_before=True)]))
