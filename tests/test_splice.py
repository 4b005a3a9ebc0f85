"""Text edits at `ast` positions: line ends, indentation and strings of the module are kept."""

from __future__ import annotations

import ast
import difflib
from pathlib import Path

import pytest

from scaffold.text.python import Source, indented, split_lines
from tests.conftest import Cli, tree_digest

HANDLERS = "server/api4/user.py"
DRIVER = "server/model/client4.py"
USER_TESTS = "server/api4/user_test.py"
ENDPOINT = ("endpoint", "add", "GET", "/users/{user_id}/sessions", "--permission", "edit_other_users")


def test_lines_end_where_python_ends_them() -> None:
    text = "a = 1\r\nb = '\x0c\u2028'\rc = 3\nd = 4"
    assert split_lines(text) == ["a = 1\r\n", "b = '\x0c\u2028'\r", "c = 3\n", "d = 4"]
    assert "".join(split_lines(text)) == text
    tree = ast.parse(text)
    assert [node.lineno for node in tree.body] == [1, 2, 3, 4]


def test_insertion_keeps_the_module_line_end_and_a_missing_last_one() -> None:
    source = Source.parse("def f():\r\n    pass\r\n\r\n\r\ndef g():\r\n    pass", "m.py")
    text = source.insert_after(6, "\n\ndef h():\n    pass\n")
    assert text == "def f():\r\n    pass\r\n\r\n\r\ndef g():\r\n    pass\r\n\r\n\r\ndef h():\r\n    pass"
    ast.parse(text)


def test_indented_leaves_the_inside_of_strings_alone() -> None:
    code = 'def f(self):\n    """Doc.\n\n    more\n    """\n    return (\n        1\n    )\n'
    assert indented(code, "    ", "    ") == (
        '    def f(self):\n        """Doc.\n\n    more\n    """\n        return (\n            1\n        )\n'
    )
    assert indented(code, "\t", "\t").splitlines()[5] == "\t\treturn ("


def _only_added(before: str, after: str) -> list[str]:
    """The lines `after` adds to `before`; fails if any line of `before` changed or went."""
    added = []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        assert not line.startswith("- "), f"changed: {line!r}"
        if line.startswith("+ "):
            added.append(line[2:])
    return added


def _crlf(path: Path) -> str:
    text = path.read_bytes().decode().replace("\r\n", "\n").replace("\n", "\r\n")
    path.write_bytes(text.encode())
    return text


def test_an_add_into_crlf_modules_writes_crlf_lines_and_changes_nothing_else(cli: Cli, repo: Path) -> None:
    before = {name: _crlf(repo / name) for name in (HANDLERS, DRIVER)}
    result = cli(*ENDPOINT, "--repo", str(repo), "--yes")
    assert result.exit_code == 0, result.output
    for name, old in before.items():
        new = (repo / name).read_bytes().decode()
        assert _only_added(old, new), name
        assert "\n" not in new.replace("\r\n", ""), f"{name}: a line that does not end in CRLF"
        compile(new, name, "exec")


def test_an_add_into_a_tab_indented_driver_indents_with_tabs(cli: Cli, repo: Path) -> None:
    driver = repo / DRIVER
    tabbed = "".join(
        "\t" * ((len(line) - len(line.lstrip(" "))) // 4) + line.lstrip(" ") for line in driver.read_text().splitlines(True)
    )
    compile(tabbed, DRIVER, "exec")
    driver.write_text(tabbed)
    result = cli(*ENDPOINT, "--repo", str(repo), "--yes", "--only", "driver")
    assert result.exit_code == 0, result.output
    added = _only_added(tabbed, driver.read_text())
    assert "\tdef get_user_sessions(self, user_id: str) -> tuple[Any, Response]:" in added
    assert all(not line.startswith(" ") for line in added)


@pytest.mark.parametrize("ending", ["", "\n\n# the end\n"])
def test_a_handler_after_the_last_function_of_the_module(cli: Cli, repo: Path, ending: str) -> None:
    handlers = repo / HANDLERS
    text = handlers.read_text().rstrip("\n") + ending
    handlers.write_text(text)
    # Served by the last route of the module: its handler is the module's last function.
    endpoint = ("endpoint", "add", "GET", "/users/username/{username}/sessions", "--auth", "public")
    result = cli(*endpoint, "--repo", str(repo), "--yes", "--only", "route,handler")
    assert result.exit_code == 0, result.output
    new = handlers.read_text()
    compile(new, HANDLERS, "exec")
    added = "\n".join(_only_added(text, new))
    # The module ends as it ended: with the same comment, or with no line end at all.
    assert (new.endswith(ending) if ending else not new.endswith("\n")) and not new.endswith("\n\n\n")
    last = ast.parse(new).body[-1]
    assert isinstance(last, ast.FunctionDef) and f"def {last.name}(" in added


def _edit(path: Path, old: str, new: str) -> str:
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))
    return path.read_text()


def test_comments_closing_a_body_stay_in_it(cli: Cli, repo: Path) -> None:
    closings = {  # the last line of the body before the new code, and a comment closing it
        HANDLERS: (
            "    user_app.delete_user(c.app, c.params.user_id)\n\n    # 5. Write the response.\n"
            + "    return c.status_ok()\n",
            "    # closes the body\n",
        ),
        DRIVER: ("        return self.do_api_get(self.user_by_username_route(username))\n",
                 "        # closes the body\n"),
    }
    before = {path: _edit(repo / path, closing, closing + comment) for path, (closing, comment) in closings.items()}
    assert cli(*ENDPOINT, "--repo", str(repo), "--yes").exit_code == 0
    for path, (closing, comment) in closings.items():
        new = (repo / path).read_text()
        _only_added(before[path], new)
        # The comment still closes the body it closed; the new code comes after it.
        assert new.index(closing + comment) < new.index("def get_user_sessions("), path


def test_a_section_comment_inside_a_method_is_not_a_section(cli: Cli, repo: Path) -> None:
    _edit(
        repo / DRIVER,
        '        return self.do_api_put(f"{self.user_route(user_id)}/patch", patch)\n',
        '        return self.do_api_put(f"{self.user_route(user_id)}/patch", patch)\n        # Status Section\n',
    )
    assert cli(*ENDPOINT, "--repo", str(repo), "--yes", "--only", "driver").exit_code == 0
    text = (repo / DRIVER).read_text()
    # At the end of the User section, as without the comment.
    assert text.index("def get_user_by_username(") < text.index("def get_user_sessions(") < text.index(
        "\n    # Status Section\n"
    )


def test_a_one_line_init_function_is_refused_untouched(cli: Cli, repo: Path) -> None:
    system = repo / "server/api4/system.py"
    _edit(system, "-> None:\n    api.routes.system.handle(", "-> None: api.routes.system.handle(")
    before = tree_digest(repo)
    result = cli("endpoint", "add", "GET", "/system/time", "--auth", "public", "--repo", str(repo), "--yes")
    assert result.exit_code == 2
    assert "server/api4/system.py:14: init_system is written on one line" in result.stderr
    assert tree_digest(repo) == before


def test_a_tab_indented_handlers_module_gets_a_tab_indented_handler(cli: Cli, repo: Path) -> None:
    handlers = repo / HANDLERS
    tabbed = "".join(
        "\t" * ((len(line) - len(line.lstrip(" "))) // 4) + line.lstrip(" ") for line in handlers.read_text().splitlines(True)
    )
    handlers.write_text(tabbed)
    assert cli(*ENDPOINT, "--repo", str(repo), "--yes", "--only", "route,handler").exit_code == 0
    added = _only_added(tabbed, handlers.read_text())
    assert any(line.startswith("\t") for line in added)
    assert not any(line.startswith(" ") for line in added)


def test_async_definitions_are_anchors_too(cli: Cli, repo: Path) -> None:
    handlers = repo / HANDLERS
    _edit(handlers, "def init_user(api: API)", "async def init_user(api: API)")
    old = _edit(handlers, "def delete_user(c: Context)", "async def delete_user(c: Context)")
    assert cli(*ENDPOINT, "--repo", str(repo), "--yes", "--only", "route,handler").exit_code == 0
    new = handlers.read_text()
    _only_added(old, new)
    # Placed after the handler of the route before it, as for a plain def.
    assert new.index("async def delete_user(") < new.index("def get_user_sessions(") < new.index(
        "def get_user_by_username("
    )


def test_add_then_remove_is_byte_identical_in_crlf_and_tab_indented_modules(cli: Cli, repo: Path) -> None:
    _crlf(repo / HANDLERS)
    driver = repo / DRIVER
    driver.write_text(
        "".join(
            "\t" * ((len(line) - len(line.lstrip(" "))) // 4) + line.lstrip(" ")
            for line in driver.read_text().splitlines(True)
        )
    )
    before = tree_digest(repo)
    assert cli(*ENDPOINT, "--repo", str(repo), "--yes").exit_code == 0
    assert tree_digest(repo) != before
    result = cli("endpoint", "remove", "GET", "/users/{user_id}/sessions", "--repo", str(repo))
    assert result.exit_code == 0, result.output
    assert tree_digest(repo) == before


ROUND_TRIPS = {
    # A line of the module's docstring that reads like a definition.
    "a docstring line like a def": (
        USER_TESTS,
        lambda text: '"""Tests of users.\n\n@mentions and class names are tested elsewhere.\n"""\n\n' + text,
    ),
    # Editors leave indentation on blank lines; the body before keeps it.
    "spaces on the last line of a body": (USER_TESTS, lambda text: text + "    \n"),
    "no line end at the end": (HANDLERS, lambda text: text.rstrip("\n")),
}


@pytest.mark.parametrize("case", ROUND_TRIPS)
def test_add_then_remove_is_byte_identical_around_odd_lines(cli: Cli, repo: Path, case: str) -> None:
    path, change = ROUND_TRIPS[case]
    (repo / path).write_text(change((repo / path).read_text()))
    endpoint = ("GET", "/users/username/{username}/sessions")  # its handler goes last in user.py
    before = tree_digest(repo)
    assert cli("endpoint", "add", *endpoint, "--auth", "public", "--repo", str(repo), "--yes").exit_code == 0
    assert tree_digest(repo) != before
    result = cli("endpoint", "remove", *endpoint, "--repo", str(repo))
    assert result.exit_code == 0, result.output
    assert tree_digest(repo) == before


def test_a_comment_between_two_levels_leads_the_next_statement(cli: Cli, repo: Path) -> None:
    # Indented less than the body before it: it belongs to the test after it, which stays.
    tests = repo / USER_TESTS
    _edit(tests, "\n\n\ndef test_logout_revokes_the_token(", "\n\n\n  # kept\ndef test_logout_revokes_the_token(")
    result = cli("endpoint", "remove", "POST", "/users/logout", "--force", "--repo", str(repo))
    assert result.exit_code == 0, result.output
    text = tests.read_text()
    assert "def test_logout_unauthorized(" not in text
    assert "  # kept\ndef test_logout_revokes_the_token(" in text
