"""Property tests: whatever is typed, `endpoint add` refuses in one line or plans valid files,
and whatever it writes passes the repo's own `check` and its tests.

The inputs are generated: methods, paths (parameters that are ids and ones that are not, other
API prefixes), tags, operation names (words YAML reads as booleans among them), success
statuses (204 among them) and free text full of what breaks naive code generators (quotes,
newlines, `{{ }}`, `\"\"\"`, backslashes, non-ASCII, control characters, lone surrogates).
`--dry-run --format json` must then either refuse (exit 2, one line on stderr) or print a plan
whose every Python file compiles, every YAML file loads and whose merged spec validates, with
the user's text read back unchanged — and the repo with the plan in place passes `check`. A
few of the plans are applied for real, and the repo's own suite must stay green.
"""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, assume, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from scaffold.cli.app import app
from scaffold.model.layout import parse_layout
from scaffold.spec.merge import merge, read_fragments
from scaffold.spec.problems import validate
from tests.conftest import check_errors, run_repo_tests, tree_digest
from tests.edits import apply_diff

Tally = Callable[[str, int], None]

# ---------------------------------------------------------------------------------------------
# Strategies


def mostly(good: st.SearchStrategy[str], bad: st.SearchStrategy[str], bad_in: int = 8) -> st.SearchStrategy[str]:
    """`good` most of the time, `bad` one time in `bad_in`."""
    return st.sampled_from(range(bad_in)).flatmap(lambda i: bad if i == 0 else good)


NASTY = [
    '"', "'", '"""', "'''", "\\", "\\n", "\\u0041", "{{", "}}", "{{ x }}", "{%", "%}", "{#", "#}",
    "\n", "\r\n", "\r", "\t", "\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\u2028", "\ufeff",
    "\udce9", "é", "日本語", "🙂", "#", " # not a comment", ": ", "- ", "? ", "&anchor", "*alias",
    "!!python/object:os.system", "---", "...", "|", ">", "%TAG", "@", "`", "yes", "no", "null",
    "~", "1e3", "0x1F", " ", "  ", "${HOME}", "$(id)", "<br>", "##### Permissions", "`manage_system`",
]
free_text = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=6)), max_size=8).map("".join)
identifier = st.from_regex(r"[a-z][a-z0-9]{0,7}(_[a-z0-9]{1,4}){0,2}", fullmatch=True)
pascal = identifier.map(lambda name: "".join(part.capitalize() for part in name.split("_")))

KNOWN_TAGS = ["users", "status", "teams", "channels", "posts", "system"]
first_segment = st.one_of(st.sampled_from(KNOWN_TAGS), st.sampled_from(["widgets", "gadget-boxes", "api-keys"]), identifier)
literal = st.one_of(
    st.sampled_from(["me", "members", "pin", "search", "patch", "login", "status", "stats", "v2", "by-name", "x.y"]),
    identifier,
    st.from_regex(r"[a-z0-9][a-z0-9._-]{0,8}", fullmatch=True),
)
#: Words YAML reads as something else than text (a boolean, a null): names that must stay names.
YAML_WORDS = ["yes", "no", "on", "off", "y", "n", "true", "false", "null"]
param_name = st.one_of(
    st.sampled_from(["user_id", "team_id", "channel_id", "post_id", "username", "widget_id", "c", "th", "resp",
                     "result", "api", "app", "err", "page", "id", "fields", "self", "a", "body", "etag", "new_id",
                     "slug", "request", "name", *YAML_WORDS]),
    identifier,
)
param = st.tuples(param_name, st.booleans()).map(lambda t: f"{{{t[0]}}}" if t[1] else f"<{t[0]}>")
well_formed_path = st.tuples(
    st.booleans(), first_segment, st.lists(st.one_of(literal, param), max_size=3)
).map(lambda t: ("/api/v4/" if t[0] else "/") + "/".join([t[1], *t[2]]))
#: Prefixes of another API (or this one twice): `endpoint add` refuses them.
OTHER_PREFIXES = ["/api/v3", "/api/v4/api/v4", "/api/v1", "/v2", "/api"]
other_prefix_path = st.tuples(st.sampled_from(OTHER_PREFIXES), well_formed_path).map(
    lambda t: t[0] + "/" + t[1].removeprefix("/api/v4/").removeprefix("/")
)
any_path = mostly(
    st.one_of(well_formed_path, well_formed_path, well_formed_path, other_prefix_path),
    st.one_of(
        st.text(max_size=12),
        st.lists(st.one_of(literal, param, st.text(max_size=3)), min_size=1, max_size=4).map(lambda s: "/" + "/".join(s)),
        well_formed_path.map(lambda p: p + "/"),
        well_formed_path.map(lambda p: p.replace("/", "//", 1)),
    ),
)
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
any_method = mostly(
    st.sampled_from(METHODS).flatmap(lambda m: st.sampled_from([m, m.lower(), m.capitalize()])),
    st.one_of(st.sampled_from(["HEAD", "OPTIONS", "TRACE", "", "GET ", "G\u0130T"]), st.text(max_size=4)),
)
field_type = st.sampled_from(["string", "str", "integer", "int", "number", "float", "boolean", "bool", "string?", "int?", ""])
fields = st.lists(
    st.tuples(mostly(identifier, st.text(max_size=3)), mostly(field_type, st.text(max_size=4))), min_size=1, max_size=3
).map(lambda fs: ",".join(f"{name}:{kind}" if kind else name for name, kind in fs))
operation_name = mostly(
    st.one_of(pascal, identifier, st.sampled_from([w.capitalize() for w in YAML_WORDS])),
    st.one_of(
        st.sampled_from(["GetUser", "get_users", "user_app", "Context", "Response", "TestHelper", "AppError",
                         "init_user", "None", "True", "match", "class", "Def", "get_user_route", "self"]),
        st.text(max_size=6),
    ),
)
tag_name = mostly(st.one_of(st.sampled_from([*KNOWN_TAGS, "widgets", "api-keys"]), identifier), st.text(max_size=5))
permission = mostly(st.one_of(identifier, st.sampled_from(["none", "manage_system", "edit_other_users"])), free_text)
schema = st.sampled_from(["User", "Team", "Channel", "Post", "StatusOK", "AppError", "Nope", "lower"])


def option(name: str, values: st.SearchStrategy[Any]) -> st.SearchStrategy[str]:
    # `--name=value`: a value that starts with `-` stays a value.
    return values.map(lambda value: f"--{name}={value}")


any_options = st.lists(
    st.one_of(
        option("summary", free_text),
        option("description", free_text),
        option("name", operation_name),
        option("tag", tag_name),
        option("permission", permission),
        option("auth", mostly(st.sampled_from(["session", "public", "trust-requester"]), st.text(max_size=4))),
        option("query", fields),
        option("body", st.one_of(fields, schema)),
        option("response", schema),
        option("status", st.sampled_from([200, 201, 202, 204, 0, 302, 500, -1])),
        st.sampled_from(["--etag", "--no-etag"]),
    ),
    max_size=6,
    unique_by=lambda item: item.split("=")[0].replace("--no-", "--"),
)

# ---------------------------------------------------------------------------------------------
# Running the CLI and reading its plan back


def run_add(runner: CliRunner, repo: Path, method: str, path: str, options: list[str], *extra: str) -> Result:
    # Options first, then `--`: a METHOD or PATH that starts with `-` is still an argument.
    # Off a terminal a permission must be said: most generated inputs say none.
    if not any(item.startswith("--permission") for item in [*options, *extra]):
        options = ["--permission=none", *options]
    args = ["endpoint", "add", "--repo", str(repo), "--format", "json", *extra, *options, "--", method, path]
    return runner.invoke(app, args, catch_exceptions=False)


def assert_refused_cleanly(result: Result) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("error: "), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr


def planned_files(repo: Path, report: dict[str, Any]) -> dict[str, str]:
    """Every file the plan writes, as it would be written."""
    planned = {}
    for change in report["changes"]:
        assert change["action"] in ("create", "update"), change
        target = repo / change["path"]
        before = target.read_text(encoding="utf-8") if change["action"] == "update" else None
        assert (before is None) == (not target.exists()), change["path"]
        planned[change["path"]] = apply_diff(before, change["diff"])
    return planned


def assert_plan_is_valid(repo: Path, report: dict[str, Any]) -> None:
    planned = planned_files(repo, report)
    for path, text in planned.items():
        text.encode("utf-8")
        if path.endswith(".py"):
            compile(text, path, "exec", dont_inherit=True)
        elif path.endswith((".yaml", ".yml")):
            yaml.safe_load(text)
        elif path.endswith(".toml"):
            tomllib.loads(text)

    def read(path: str) -> str | None:
        if path in planned:
            return planned[path]
        target = repo / path
        return target.read_text(encoding="utf-8") if target.is_file() else None

    config = read("scaffold.toml")
    assert config is not None
    merged = merge(read_fragments(parse_layout(repo, config), read))
    validate(merged)
    # The user's text went through the YAML emitter and reads back exactly.
    endpoint = report["endpoint"]
    if any(path.endswith(".yaml") for path in planned):
        operation = merged.data["paths"][endpoint["path"]][endpoint["method"].lower()]
        assert operation["summary"] == endpoint["summary"]
        assert operation["operationId"] == endpoint["operation_id"]


def has_other_prefix(path: str) -> bool:
    """Whether `path`, once this server's prefix is taken off, starts with an API prefix."""
    rest = path[len("/api/v4") :] if path.startswith("/api/v4/") else path
    return re.match(r"/(?:api|v[0-9]+)(?:/|$)", rest) is not None


def assert_plan_passes_check(runner: CliRunner, repo: Path, report: dict[str, Any], scratch: Path) -> None:
    """The repo with the plan in place (a copy of it) passes `check`."""
    target = scratch / "planned"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(repo, target)
    for path, text in planned_files(repo, report).items():
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        (target / path).write_text(text, encoding="utf-8")
    errors = check_errors(target)
    assert errors == [], (report["endpoint"]["method"], report["endpoint"]["path"], errors)


@pytest.fixture(scope="module")
def shared_repo(pristine: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One copy for every dry run of this module: dry runs must leave it as it was."""
    target = tmp_path_factory.mktemp("properties") / "repo"
    shutil.copytree(pristine, target)
    before = tree_digest(target)
    yield target
    assert tree_digest(target) == before, "a dry run wrote to the repo"


def examples(thorough: bool, quick: int, long: int, *, shrink: bool = True) -> settings:
    return settings(
        max_examples=long if thorough else quick,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
        # An example that runs the repo's suite costs seconds: no shrinking, report it as
        # found. A failure found once is replayed first on the next run (.hypothesis/).
        phases=list(Phase) if shrink else [Phase.explicit, Phase.reuse, Phase.generate],
    )


# ---------------------------------------------------------------------------------------------
# The properties


def test_dry_run_refuses_in_one_line_or_plans_valid_files(
    shared_repo: Path, tmp_path: Path, thorough: bool, tally: Tally
) -> None:
    runner = CliRunner()
    outcomes = {"planned": 0, "refused": 0}

    @examples(thorough, quick=16, long=450)
    @given(method=any_method, path=any_path, options=any_options)
    # Sixteen generated inputs may all be refused: one input that plans is always tried too,
    # so the quick pass checks a plan every time (the long run reaches hundreds on its own).
    @example(method="GET", path="/widgets/{widget_id}/parts", options=["--summary=Get the parts"])
    def dry_run(method: str, path: str, options: list[str]) -> None:
        tally("inputs tried", 1)
        result = run_add(runner, shared_repo, method, path, options, "--dry-run")
        if has_other_prefix(path):
            assert result.exit_code == 2, (path, result.stdout[:300])
        if result.exit_code != 0:
            assert_refused_cleanly(result)
            outcomes["refused"] += 1
            return
        report = json.loads(result.stdout)
        assert report["applied"] is False
        assert report["changes"], "a plan with nothing in it for a new endpoint"
        assert_plan_is_valid(shared_repo, report)
        assert_plan_passes_check(runner, shared_repo, report, tmp_path)
        tally("plans that pass check", 1)
        outcomes["planned"] += 1

    dry_run()
    # The generators reach both outcomes, or the property says little.
    assert outcomes["planned"] and outcomes["refused"], outcomes


def test_junk_arguments_are_refused_in_one_line(shared_repo: Path, thorough: bool, tally: Tally) -> None:
    runner = CliRunner()

    @examples(thorough, quick=20, long=500)
    @given(method=st.text(max_size=8), path=st.text(max_size=16), options=any_options)
    def junk(method: str, path: str, options: list[str]) -> None:
        tally("inputs tried", 1)
        result = run_add(runner, shared_repo, method, path, options, "--dry-run")
        if result.exit_code == 0:
            assert_plan_is_valid(shared_repo, json.loads(result.stdout))
        else:
            assert_refused_cleanly(result)

    junk()


@pytest.mark.parametrize(
    ("option", "value"),
    [
        pytest.param("--summary", "caf\udce9", id="summary-not-utf8"),
        pytest.param("--description", "\ud800", id="description-lone-surrogate"),
    ],
)
def test_text_that_is_not_unicode_is_refused(shared_repo: Path, tally: Tally, option: str, value: str) -> None:
    # Bytes that are not UTF-8 reach argv as lone surrogates; no file can hold them.
    tally("inputs tried", 1)
    result = run_add(CliRunner(), shared_repo, "GET", "/widgets", [f"{option}={value}"], "--dry-run")
    assert_refused_cleanly(result)
    assert f"{option} is not valid UTF-8 text" in result.stderr


@pytest.mark.parametrize("name", ["self", "a", "body", "etag", "new_id"])
@pytest.mark.parametrize("where", ["path", "query"])
def test_names_the_generated_code_binds_are_refused(shared_repo: Path, tally: Tally, name: str, where: str) -> None:
    tally("inputs tried", 1)
    path, options = (f"/widgets/{{{name}}}", []) if where == "path" else ("/widgets", [f"--query={name}:string"])
    result = run_add(CliRunner(), shared_repo, "GET", path, options, "--dry-run")
    assert_refused_cleanly(result)
    assert f"{name!r} is a name the generated code uses for itself" in result.stderr


# Inputs to apply for real: well formed, so that most are planned.
apply_method = st.sampled_from(METHODS)
apply_options = st.lists(
    st.one_of(
        option("summary", free_text),
        option("description", free_text),
        option("permission", st.sampled_from(["edit_other_users", "manage_system", "create_post", "none"])),
        option("auth", st.sampled_from(["session", "public", "trust-requester"])),
        option("body", st.one_of(fields, st.sampled_from(["User", "Team"]))),
        option("status", st.sampled_from([200, 201, 202, 204])),
        option("name", st.sampled_from([w.capitalize() for w in YAML_WORDS])),
    ),
    max_size=4,
    unique_by=lambda item: item.split("=")[0],
)
apply_path = well_formed_path


def test_well_formed_adds_plan_what_passes_check(shared_repo: Path, tmp_path: Path, thorough: bool, tally: Tally) -> None:
    """Inputs that are mostly planned: each plan, put in place in a copy, passes `check`."""
    runner = CliRunner()

    @examples(thorough, quick=8, long=300)
    @given(method=apply_method, path=st.one_of(apply_path, apply_path, other_prefix_path), options=apply_options)
    def planned(method: str, path: str, options: list[str]) -> None:
        tally("inputs tried", 1)
        result = run_add(runner, shared_repo, method, path, options, "--dry-run")
        if has_other_prefix(path):
            assert_refused_cleanly(result)  # as another API's path, unless another option is bad
            return
        if result.exit_code != 0:
            assert_refused_cleanly(result)
            return
        report = json.loads(result.stdout)
        assert_plan_is_valid(shared_repo, report)
        assert_plan_passes_check(runner, shared_repo, report, tmp_path)
        tally("plans that pass check", 1)

    planned()


def test_applied_plans_keep_the_repo_tests_green(
    pristine: Path, tmp_path_factory: pytest.TempPathFactory, thorough: bool, tally: Tally
) -> None:
    runner = CliRunner()

    @examples(thorough, quick=1, long=8, shrink=False)
    @given(method=apply_method, path=apply_path, options=apply_options, query=st.one_of(st.none(), fields))
    def apply(method: str, path: str, options: list[str], query: str | None) -> None:
        if query is not None:
            options = [*options, f"--query={query}"]
        repo = tmp_path_factory.mktemp("apply") / "repo"
        shutil.copytree(pristine, repo)
        before = tree_digest(repo)
        dry = run_add(runner, repo, method, path, options, "--dry-run")
        if dry.exit_code != 0:
            assert_refused_cleanly(dry)
        assume(dry.exit_code == 0)
        tally("inputs tried", 1)
        result = run_add(runner, repo, method, path, options)
        assert result.exit_code == 0, (method, path, options, result.stderr)
        report = json.loads(result.stdout)
        assert report["applied"] is True
        assert json.loads(dry.stdout)["changes"] == report["changes"]
        assert tree_digest(repo) != before
        assert check_errors(repo) == [], (method, path, options)
        # The long run runs the whole suite; the quick pass the test modules the plan wrote.
        written = [c["path"] for c in report["changes"] if c["path"].endswith("_test.py")]
        tests = run_repo_tests(repo, *([] if thorough else written))
        assert tests.returncode == 0, (method, path, options, tests.stdout[-3000:])

    apply()


# ---------------------------------------------------------------------------------------------
# What the properties found, kept as cases of their own: each generated add runs its tests.


def _add_and_run_its_tests(pristine: Path, tmp_path: Path, *args: str) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(pristine, repo)
    result = CliRunner().invoke(
        app,
        ["endpoint", "add", "--repo", str(repo), "--format", "json", "--permission", "none", *args],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    assert check_errors(repo) == []
    written = [c["path"] for c in json.loads(result.stdout)["changes"] if c["path"].endswith("_test.py")]
    tests = run_repo_tests(repo, *written)
    assert tests.returncode == 0, tests.stdout[-2000:]


def test_query_parameters_on_a_post(pristine: Path, tmp_path: Path) -> None:
    _add_and_run_its_tests(pristine, tmp_path, "POST", "/widgets", "--query", "dry_run:bool")


def test_path_parameters_named_like_context_helpers(pristine: Path, tmp_path: Path, tally: Tally) -> None:
    # `Context` has require_id(name) and require_fields(body, ...): a parameter named `id` or
    # `fields` must not make the handler call them as if they were require_<param>().
    tally("inputs tried", 1)
    _add_and_run_its_tests(pristine, tmp_path, "GET", "/gadgets/{id}/fields/{fields}")


@pytest.mark.parametrize("status", ["202", "204"])
def test_success_status_202_or_204(pristine: Path, tmp_path: Path, status: str) -> None:
    # The generated tests check these statuses with helpers the repo must provide.
    _add_and_run_its_tests(pristine, tmp_path, "POST", "/widgets", "--status", status)
