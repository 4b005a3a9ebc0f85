"""scaffold.text.format: new code formatted as black would, here or in a child beside."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from scaffold.text import format as formatting
from scaffold.text.format import UnformattableCode, format_code, formatting_beside

SNIPPETS = [
    ("def f(c):\n  x=c.app.get_user( c.params.user_id )\n  return c.json(x)\n", 100, 0),
    ("call(argument_one, argument_two, argument_three, argument_four, argument_five)\n", 60, 1),
    ("table = {\n    'a':1,\n}\n", 88, 1),
    ("x = 'ünï' \n", 40, 3),
]


def _child_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_child_formats_exactly_as_black_does_here() -> None:
    inline = [format_code(*snippet) for snippet in SNIPPETS]
    with formatting_beside():
        assert formatting._beside is not None and formatting._beside._pid is not None
        beside = [format_code(*snippet) for snippet in SNIPPETS]
    assert beside == inline
    assert "def f(c):\n    x = c.app.get_user(c.params.user_id)\n" in inline[0]


def test_code_black_refuses_is_refused_with_its_line_beside_or_not() -> None:
    bad = "def f(:\n    pass\n"
    with pytest.raises(UnformattableCode) as here:
        format_code(bad, 88)
    with formatting_beside(), pytest.raises(UnformattableCode) as beside:
        format_code(bad, 88)
    assert here.value.line == beside.value.line == 1


def test_a_child_that_died_leaves_the_formatting_to_this_process() -> None:
    with formatting_beside():
        child = formatting._beside
        assert child is not None and child._pid is not None
        os.kill(child._pid, 9)
        assert format_code(*SNIPPETS[0]) == "def f(c):\n    x = c.app.get_user(c.params.user_id)\n    return c.json(x)\n"
        assert child._pid is None  # reaped, and not asked again


def test_no_child_outlives_the_block() -> None:
    with formatting_beside():
        child = formatting._beside
        assert child is not None
        pid = child._pid
        assert pid is not None and _child_alive(pid)
    assert formatting._beside is None and not _child_alive(pid)


def test_beside_black_is_never_imported_by_the_command_itself() -> None:
    program = textwrap.dedent(
        """
        import sys
        from scaffold.text.format import format_code, formatting_beside
        with formatting_beside():
            print(format_code("x=1\\n", 88), end="")
            print("black" in sys.modules)
        print(format_code("y=2\\n", 88), end="")
        print("black" in sys.modules)
        """
    )
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert run.stdout == "x = 1\nFalse\ny = 2\nTrue\n"
