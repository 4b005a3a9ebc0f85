"""Repo-local templates and the repo's formatter."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

from scaffold.resources import templates_dir
from tests.conftest import Cli, tree_digest

ADD = ["endpoint", "add", "GET", "/users/{user_id}/sessions", "--permission", "edit_other_users"]


def planned(cli: Cli, repo: Path) -> dict[str, str]:
    result = cli(*ADD, "--repo", str(repo), "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    return {change["path"]: change["diff"] for change in json.loads(result.stdout)["changes"]}


def override(repo: Path, name: str, text: str) -> Path:
    target = repo / ".scaffold/templates" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    return target


def test_override_changes_exactly_its_artifact(cli: Cli, repo: Path) -> None:
    default = planned(cli, repo)
    builtin = (templates_dir() / "handler.py.jinja").read_text()
    marker = "    # Generated from this repo's own template.\n"
    override(repo, "handler.py.jinja", builtin.replace("def {{ name }}(c: Context) -> Response | None:\n", "def {{ name }}(c: Context) -> Response | None:\n" + marker, 1))
    custom = planned(cli, repo)
    assert custom.keys() == default.keys()
    changed = [path for path in default if custom[path] != default[path]]
    assert changed == ["server/api4/user.py"]
    assert "+" + marker in custom["server/api4/user.py"]
    def body(diff: str) -> list[str]:
        return [line for line in diff.splitlines(keepends=True) if not line.startswith("@@")]

    assert body(custom["server/api4/user.py"].replace("+" + marker, "")) == body(default["server/api4/user.py"])


def test_templates_list_shows_overrides(cli: Cli, repo: Path) -> None:
    override(repo, "route.py.jinja", (templates_dir() / "route.py.jinja").read_text())
    result = cli("templates", "list", "--repo", str(repo), "--format", "json")
    listed = {entry["name"]: entry["overridden"] for entry in json.loads(result.stdout)}
    assert listed["route.py.jinja"] is True and listed["handler.py.jinja"] is False
    assert set(listed) == {p.name for p in templates_dir().iterdir()}


def test_broken_template_syntax_names_the_file_and_line(cli: Cli, repo: Path) -> None:
    override(repo, "handler.py.jinja", "def {{ name }}(c):\n{% if %}\n    pass\n")
    before = tree_digest(repo)
    result = cli(*ADD, "--repo", str(repo))
    assert result.exit_code == 2
    assert ".scaffold/templates/handler.py.jinja:2" in result.stderr and "template syntax error" in result.stderr
    assert tree_digest(repo) == before


def test_template_that_renders_bad_python_is_refused(cli: Cli, repo: Path) -> None:
    override(repo, "driver_method.py.jinja", "def {{ name }}(self:\n    pass\n")
    before = tree_digest(repo)
    result = cli(*ADD, "--repo", str(repo))
    assert result.exit_code == 2
    assert "does not parse" in result.stderr and result.stderr.count("\n") == 1
    assert tree_digest(repo) == before


def test_template_with_undefined_variable_is_refused(cli: Cli, repo: Path) -> None:
    override(repo, "route.py.jinja", "api.routes.{{ nonsense }}.handle()\n")
    result = cli(*ADD, "--repo", str(repo))
    assert result.exit_code == 2 and "route.py.jinja" in result.stderr and "nonsense" in result.stderr


def configure_formatter(repo: Path, command: str) -> None:
    config = repo / "scaffold.toml"
    text = config.read_text().replace("line_length = 100\n", f"line_length = 100\ncommand = {json.dumps(command)}\n")
    config.write_text(text)


def test_formatter_runs_on_every_touched_python_file(cli: Cli, repo: Path, tmp_path: Path) -> None:
    tool = tmp_path / "fmt.py"
    tool.write_text("import sys\nsys.stdout.write(sys.stdin.read() + '# formatted: ' + sys.argv[1] + '\\n')\n")
    configure_formatter(repo, f"{shlex.quote(sys.executable)} {tool} {{path}}")
    result = cli(*ADD, "--repo", str(repo), "--format", "json")
    assert result.exit_code == 0, result.output
    touched = [c["path"] for c in json.loads(result.stdout)["changes"]]
    for path in touched:
        text = (repo / path).read_text()
        assert text.endswith(f"# formatted: {path}\n") == path.endswith(".py"), path
    assert not (repo / "server/api4/team.py").read_text().endswith("formatted: server/api4/team.py\n")


def test_failing_formatter_writes_nothing(cli: Cli, repo: Path) -> None:
    configure_formatter(repo, f"{shlex.quote(sys.executable)} -c 'import sys; sys.exit(\"cannot format\")'")
    before = tree_digest(repo)
    result = cli(*ADD, "--repo", str(repo))
    assert result.exit_code == 1
    assert "formatter" in result.stderr and "cannot format" in result.stderr
    assert tree_digest(repo) == before


def test_doc_template_rendering_an_invalid_operation_is_refused(cli: Cli, repo: Path) -> None:
    builtin = (templates_dir() / "doc_operation.yaml.jinja").read_text()
    broken = builtin.replace("      description: {{ r.description | yaml(6) }}\n", "      summary: {{ r.description | yaml(6) }}\n")
    assert broken != builtin
    override(repo, "doc_operation.yaml.jinja", broken)
    before = tree_digest(repo)
    result = cli(*ADD, "--repo", str(repo))
    assert result.exit_code == 1, result.output
    assert "api/v4/source/users.yaml:" in result.stderr and "invalid OpenAPI" in result.stderr
    assert tree_digest(repo) == before
