"""The command line: exit codes, one-line errors, no tracebacks, the repo untouched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scaffold import __version__
from tests.conftest import Cli, tree_digest


def test_version(cli: Cli) -> None:
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"scaffold {__version__}"


def test_no_arguments_prints_a_tour(cli: Cli) -> None:
    result = cli()
    assert result.exit_code == 0
    assert "scaffold init" in result.stdout and "endpoint add" in result.stdout


def test_python_dash_m(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "scaffold", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and __version__ in result.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        pytest.param(["GET", "/users/<user_id"], "invalid path", id="unbalanced"),
        pytest.param(["GET", "//x"], "empty segment", id="double-slash"),
        pytest.param(["GET", "/x/{}"], "has no name", id="empty-param"),
        pytest.param(["GET", "/x/{a}/{a}"], "appears twice", id="duplicate-param"),
        pytest.param(["FETCH", "/x"], "unsupported method", id="method"),
        pytest.param(["GET", "/x", "--name", "def"], "not an operation name", id="keyword-name"),
        pytest.param(["GET", "/x", "--name", "9lives"], "not an operation name", id="digit-name"),
        pytest.param(["GET", "/x", "--auth", "sometimes"], "--auth", id="auth"),
        pytest.param(["GET", "/x", "--permission", "none", "--only", "docs,readme"], "--only", id="only"),
        pytest.param(["POST", "/x", "--body", "a:blob"], "unknown type", id="body-type"),
        pytest.param(["POST", "/x", "--permission", "none", "--body", "Unknown"], "no such schema", id="body-schema"),
        pytest.param(["GET", "/x", "--permission", "none", "--response", "Nope"], "no such schema", id="response-schema"),
        pytest.param(["GET", "/users/{user_id}", "--permission", "none"], "already exists", id="exists"),
        pytest.param(["GET", "/x"], "--permission is missing", id="no-permission-off-a-terminal"),
        pytest.param(["GET", "/x", "--permission", "read_chanel"], "did you mean read_channel", id="misspelt-permission"),
        pytest.param(["POST", "/x", "--permission", "none", "--body", "n:string{2,1}"], "wrong way round", id="body-bounds"),
        pytest.param(["GET", "/x", "--auth", "public", "--permission", "manage_system"], "public route", id="public-perm"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_touches_nothing(cli: Cli, repo: Path, args: list[str], fragment: str) -> None:
    before = tree_digest(repo)
    result = cli("endpoint", "add", *args, "--repo", str(repo))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ")
    assert fragment in result.stderr
    assert result.stderr.count("\n") == 1
    assert tree_digest(repo) == before


def test_bad_format_is_a_usage_error(cli: Cli, repo: Path) -> None:
    result = cli("docs", "build", "--repo", str(repo), "--format", "xml")
    assert result.exit_code == 2


def test_repo_without_config(cli: Cli, tmp_path: Path) -> None:
    result = cli("endpoint", "add", "GET", "/x", "--permission", "none", "--repo", str(tmp_path))
    assert result.exit_code == 2
    assert "has no scaffold.toml" in result.stderr and "scaffold init" in result.stderr


def test_repo_found_by_walking_up(cli: Cli, repo: Path) -> None:
    old = Path.cwd()
    os.chdir(repo / "server" / "api4")
    try:
        result = cli("endpoint", "add", "GET", "/widgets", "--permission", "none", "--dry-run")
    finally:
        os.chdir(old)
    assert result.exit_code == 0 and "b/api/v4/source/widgets.yaml" in result.stdout


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        pytest.param(lambda t: t.replace("[docs]", "[docs", 1), "scaffold.toml:", id="toml-syntax"),
        pytest.param(lambda t: t.replace('source = "api/v4/source"', 'source = "../elsewhere"'), "points outside the repo", id="escape"),
        pytest.param(lambda t: t.replace('"users.yaml",', '"nope.yaml",'), "nope.yaml", id="missing-fragment"),
        pytest.param(lambda t: t.replace("[server]", "[servers]"), "missing table [server]", id="missing-table"),
        pytest.param(lambda t: t.replace('line_length = 100', 'line_length = "long"'), "line_length", id="line-length"),
    ],
)
def test_broken_config_is_one_line(cli: Cli, repo: Path, edit, fragment: str) -> None:  # type: ignore[no-untyped-def]
    config = repo / "scaffold.toml"
    config.write_text(edit(config.read_text()))
    for args in (["docs", "build"], ["endpoint", "add", "GET", "/x"]):
        result = cli(*args, "--repo", str(repo))
        assert result.exit_code == 2, result.output
        assert fragment in result.stderr and result.stderr.count("\n") == 1


def test_toml_error_names_the_line(cli: Cli, repo: Path) -> None:
    config = repo / "scaffold.toml"
    lines = config.read_text().splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, start=1) if line.startswith("[server]"))
    lines[number - 1] = "[server\n"
    config.write_text("".join(lines))
    result = cli("docs", "build", "--repo", str(repo))
    assert f"scaffold.toml:{number}:" in result.stderr


def test_broken_fragment_names_fragment_and_line(cli: Cli, repo: Path) -> None:
    fragment = repo / "api/v4/source/teams.yaml"
    lines = fragment.read_text().splitlines(keepends=True)
    lines[5] = "      summary: [unclosed\n"
    fragment.write_text("".join(lines))
    result = cli("docs", "build", "--repo", str(repo))
    assert result.exit_code == 1
    assert "api/v4/source/teams.yaml:" in result.stderr and result.stderr.count("\n") == 1
    assert cli("endpoint", "add", "GET", "/x", "--permission", "none", "--repo", str(repo)).exit_code == 1


def test_broken_python_module_names_file_and_line(cli: Cli, repo: Path) -> None:
    module = repo / "server/api4/team.py"
    module.write_text(module.read_text() + "\ndef broken(:\n")
    before = tree_digest(repo)
    result = cli("endpoint", "add", "GET", "/teams/{team_id}/stats", "--permission", "none", "--repo", str(repo))
    assert result.exit_code == 2
    assert "server/api4/team.py:" in result.stderr and "syntax error" in result.stderr
    assert tree_digest(repo) == before


def test_missing_init_function(cli: Cli, repo: Path) -> None:
    module = repo / "server/api4/team.py"
    module.write_text(module.read_text().replace("def init_team(", "def setup_team("))
    result = cli("endpoint", "add", "GET", "/teams/{team_id}/stats", "--permission", "none", "--repo", str(repo), "--only", "route")
    assert result.exit_code == 2 and "no init_team()" in result.stderr


def test_init_refuses_a_non_empty_directory(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    result = cli("init", str(tmp_path))
    assert result.exit_code == 2 and "not empty" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_init_into_new_and_empty_directories(cli: Cli, tmp_path: Path) -> None:
    assert cli("init", str(tmp_path / "new")).exit_code == 0
    (tmp_path / "empty").mkdir()
    assert cli("init", str(tmp_path / "empty")).exit_code == 0
    assert (tmp_path / "empty/scaffold.toml").is_file()
    assert not list((tmp_path / "empty").rglob("__pycache__"))


def test_docs_build_json(cli: Cli, repo: Path) -> None:
    result = cli("docs", "build", "--repo", str(repo), "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report == {"output": "api/v4/html/static/openapi-v4.yaml", "paths": 20, "operations": 27}
    assert (repo / report["output"]).is_file()


def test_docs_build_refuses_a_path_documented_twice(cli: Cli, repo: Path) -> None:
    system = repo / "api/v4/source/system.yaml"
    ping = system.read_text()
    # The same path again, in another fragment: the validator alone would keep only one.
    posts = repo / "api/v4/source/posts.yaml"
    posts.write_text(posts.read_text() + "\n" + ping.replace("GetPing", "GetPingAgain"))
    result = cli("docs", "build", "--repo", str(repo))
    assert result.exit_code == 1
    assert "/api/v4/system/ping is defined twice" in result.stderr
    assert "api/v4/source/posts.yaml:" in result.stderr and "api/v4/source/system.yaml:1" in result.stderr


def test_docs_build_refuses_a_duplicate_operation_id(cli: Cli, repo: Path) -> None:
    fragment = repo / "api/v4/source/system.yaml"
    fragment.write_text(fragment.read_text().replace("GetPing", "GetUser"))
    result = cli("docs", "build", "--repo", str(repo))
    assert result.exit_code == 1
    assert "operationId GetUser is used twice" in result.stderr
    assert "api/v4/source/system.yaml:" in result.stderr


def test_docs_build_maps_validation_errors_to_the_fragment(cli: Cli, repo: Path) -> None:
    fragment = repo / "api/v4/source/teams.yaml"
    text = fragment.read_text()
    fragment.write_text(text.replace('        "400":\n          $ref: "#/components/responses/BadRequest"\n', '        "400":\n          descriptio: oops\n', 1))
    result = cli("docs", "build", "--repo", str(repo))
    assert result.exit_code == 1
    assert "api/v4/source/teams.yaml:" in result.stderr and "invalid OpenAPI" in result.stderr
    line = int(result.stderr.split("teams.yaml:")[1].split(":")[0])
    assert "400" in fragment.read_text().splitlines()[line - 1] or "descriptio" in fragment.read_text().splitlines()[line - 1]


def test_debug_shows_tracebacks(repo: Path) -> None:
    env = {**os.environ, "SCAFFOLD_DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "scaffold", "endpoint", "add", "GET", "//x", "--repo", str(repo)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode != 0 and "Traceback" in result.stderr
