"""scaffold.text.format and .beside: new code formatted as black would, here or in a child
beside; templates compiled there as here."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scaffold.text import beside as formatting
from scaffold.text.beside import working_beside as formatting_beside
from scaffold.text.format import UnformattableCode, format_code

pytestmark = pytest.mark.helper

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
        from scaffold.text.beside import working_beside
        from scaffold.text.format import format_code
        with working_beside():
            print(format_code("x=1\\n", 88), end="")
            print("black" in sys.modules)
        print(format_code("y=2\\n", 88), end="")
        print("black" in sys.modules)
        """
    )
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert run.stdout == "x = 1\nFalse\ny = 2\nTrue\n"


def test_the_child_compiles_each_template_as_jinja_does_here(tmp_path: Path) -> None:
    import marshal

    import jinja2

    from scaffold.text.render import Renderer

    override = tmp_path / ".scaffold/templates/route.py.jinja"
    override.parent.mkdir(parents=True)
    override.write_text("{{ name | py }} = {{ value }}\n", encoding="utf-8")
    renderer = Renderer(tmp_path)
    loader = renderer.env.loader
    assert loader is not None
    names = sorted({*loader.list_templates()})
    assert "route.py.jinja" in names and len(names) > 5
    with formatting_beside():
        for name in names:
            source, filename, _ = loader.get_source(renderer.env, name)
            code = formatting.ask("template", name, filename, source)
            assert isinstance(code, bytes), name
            assert marshal.loads(code) == jinja2.Environment.compile(renderer.env, source, name, filename), name
    # A built-in template and an override, rendered from the child's code: as ever.
    assert renderer.render("route.py.jinja", name="x", value=1) == "\"x\" = 1\n"


def test_beside_this_process_compiles_no_template(monkeypatch: pytest.MonkeyPatch) -> None:
    import jinja2

    from scaffold.text.render import Renderer

    with formatting_beside():

        def compiling(*args: object, **kwargs: object) -> None:
            raise AssertionError("compiled here")

        monkeypatch.setattr(jinja2.Environment, "compile", compiling)
        Renderer().env.get_template("handler.py.jinja")
    with pytest.raises(AssertionError, match="compiled here"):
        Renderer().env.get_template("handler.py.jinja")


def test_where_no_child_can_start_the_work_is_done_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", failing)
    before = len(os.listdir("/proc/self/fd"))
    with formatting_beside():
        assert formatting.ask("format", "x=1\n", 88, 0) is None
        assert format_code("x=1\n", 88) == "x = 1\n"
    assert len(os.listdir("/proc/self/fd")) == before


def test_a_request_interrupted_before_its_reply_is_never_answered_by_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with formatting_beside():
        child = formatting._beside
        assert child is not None and child._pid is not None
        real = formatting._receive
        calls = []

        def interrupted(fd: int) -> object:
            if not calls:
                calls.append(fd)
                raise KeyboardInterrupt
            return real(fd)

        monkeypatch.setattr(formatting, "_receive", interrupted)
        with pytest.raises(KeyboardInterrupt):
            format_code("a=1\n", 88)
        assert child._pid is None  # stopped: its pending reply is never read as another's
        assert format_code("b=2\n", 88) == "b = 2\n"


def test_a_child_forked_meanwhile_never_writes_to_the_helper() -> None:
    from scaffold.repo.forked import Forked

    with formatting_beside():
        assert formatting._beside is not None
        assert Forked(lambda: formatting._beside is None).result() == (True, True)


def test_the_templates_compiled_as_the_child_starts_are_built_in_ones() -> None:
    from scaffold.resources import templates_dir
    from scaffold.text.render import _EVERY_ENDPOINTS

    assert set(_EVERY_ENDPOINTS) <= {path.name for path in templates_dir().iterdir()}


def test_the_console_script_plans_an_add_with_its_helper(pristine: Path, tmp_path: Path) -> None:
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(pristine, repo)
    program = textwrap.dedent(
        """
        import atexit, sys
        atexit.register(lambda: print("black loaded:", "black" in sys.modules))
        sys.argv = ["scaffold", "endpoint", "add", "GET", "/users/{user_id}/sessions",
                    "--permission", "edit_other_users", "--dry-run", "--repo", sys.argv[1]]
        from scaffold.cli.entry import main
        main()
        """
    )
    run = subprocess.run([sys.executable, "-c", program, str(repo)], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert "def get_user_sessions" in run.stdout
    assert run.stdout.rstrip().endswith("black loaded: False")
