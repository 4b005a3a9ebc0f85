"""`scaffold endpoint remove`: the exact inverse of `add`, and careful with hand-edited code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffold.commands.add import plan_add
from scaffold.commands.remove import plan_remove
from scaffold.errors import ConflictError, UsageError
from scaffold.model.changes import ChangeSet
from scaffold.model.options import EndpointOptions, parse_endpoint
from scaffold.repo.open import open_repo
from scaffold.repo.transaction import apply_changes
from tests.conftest import Cli, run_repo_tests, tree_digest
from tests.test_add import ISSUE_ENDPOINTS


@pytest.mark.parametrize("args", ISSUE_ENDPOINTS)
def test_add_then_remove_is_byte_identical(cli: Cli, repo: Path, args: list[str]) -> None:
    before = tree_digest(repo)
    assert cli("endpoint", "add", *args, "--repo", str(repo)).exit_code == 0
    assert tree_digest(repo) != before
    result = cli("endpoint", "remove", args[0], args[1], "--repo", str(repo))
    assert result.exit_code == 0, result.output
    assert tree_digest(repo) == before


def test_many_adds_removed_in_another_order(cli: Cli, repo: Path) -> None:
    before = tree_digest(repo)
    for args in ISSUE_ENDPOINTS:
        assert cli("endpoint", "add", *args.values[0], "--repo", str(repo)).exit_code == 0
    assert cli("endpoint", "add", "POST", "/widgets", "--permission", "none", "--body", "name:string", "--repo", str(repo)).exit_code == 0
    order = [("GET", "/widgets/{widget_id}"), ("GET", "/system/time"), ("POST", "/widgets"),
             ("POST", "/channels/{channel_id}/pin"), ("DELETE", "/teams/{team_id}/members/{user_id}"),
             ("GET", "/users/{user_id}/sessions")]
    for method, path in order:
        result = cli("endpoint", "remove", method, path, "--repo", str(repo))
        assert result.exit_code == 0, result.output
    assert tree_digest(repo) == before


def test_hand_edited_handler_survives_without_force(cli: Cli, repo: Path) -> None:
    args = ["GET", "/users/{user_id}/sessions", "--permission", "edit_other_users", "--repo", str(repo)]
    assert cli("endpoint", "add", *args).exit_code == 0
    module = repo / "server/api4/user.py"
    module.write_text(module.read_text().replace(
        "    result = user_app.get_user_sessions(c.app, c.params.user_id)\n",
        "    result = user_app.get_user_sessions(c.app, c.params.user_id)\n    result.sort()\n",
    ))
    edited = tree_digest(repo)
    result = cli("endpoint", "remove", "GET", "/users/{user_id}/sessions", "--repo", str(repo))
    assert result.exit_code == 2
    assert "handler at server/api4/user.py:" in result.stderr and "--force" in result.stderr
    assert "+    result.sort()" in result.stderr  # the diff shows the hand edit
    assert tree_digest(repo) == edited
    forced = cli("endpoint", "remove", "GET", "/users/{user_id}/sessions", "--repo", str(repo), "--force")
    assert forced.exit_code == 0, forced.output
    assert "get_user_sessions" not in module.read_text()
    assert run_repo_tests(repo, "server/api4/user_test.py").returncode == 0


def test_implemented_app_function_is_kept(cli: Cli, repo: Path) -> None:
    assert cli("endpoint", "add", "GET", "/system/time", "--auth", "public", "--repo", str(repo)).exit_code == 0
    app = repo / "server/app/system.py"
    app.write_text(app.read_text().replace(
        '    raise AppError.not_implemented("server.app.system.get_system_time")\n',
        '    return {"time": 0}\n',
    ))
    result = cli("endpoint", "remove", "GET", "/system/time", "--repo", str(repo), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["kept"] and "get_system_time is implemented" in report["kept"][0]
    assert "def get_system_time" in app.read_text()
    assert "get_system_time" not in (repo / "server/api4/system.py").read_text()


def test_hand_written_endpoint_needs_force(cli: Cli, repo: Path) -> None:
    before = tree_digest(repo)
    result = cli("endpoint", "remove", "GET", "/system/ping", "--repo", str(repo))
    assert result.exit_code == 2 and "edited by hand" in result.stderr
    assert tree_digest(repo) == before


def test_dry_run_and_unknown_endpoint(cli: Cli, repo: Path) -> None:
    assert cli("endpoint", "add", "GET", "/widgets/{widget_id}", "--permission", "none", "--repo", str(repo)).exit_code == 0
    before = tree_digest(repo)
    dry = cli("endpoint", "remove", "GET", "/widgets/{widget_id}", "--repo", str(repo), "--dry-run")
    assert dry.exit_code == 0 and "+++ /dev/null" in dry.stdout
    assert tree_digest(repo) == before
    missing = cli("endpoint", "remove", "GET", "/nothing/here", "--repo", str(repo))
    assert missing.exit_code == 2 and "no endpoint GET /api/v4/nothing/here" in missing.stderr


def test_remove_with_only_some_artifacts(cli: Cli, repo: Path) -> None:
    before = tree_digest(repo)
    assert cli("endpoint", "add", "GET", "/users/{user_id}/sessions", "--permission", "none", "--only", "docs,driver", "--repo", str(repo)).exit_code == 0
    assert cli("endpoint", "remove", "GET", "/users/{user_id}/sessions", "--repo", str(repo)).exit_code == 0
    assert tree_digest(repo) == before


segment = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8)
resources = st.sampled_from(["users", "teams", "channels", "posts", "system", "gadgets", "hooks"])


@st.composite
def endpoints(draw: st.DrawFn) -> tuple[str, str, EndpointOptions]:
    resource = draw(resources)
    parts = [resource]
    if draw(st.booleans()):
        parts.append("{" + ("user" if resource == "users" else draw(segment)) + "_id}")
    parts += draw(st.lists(segment, min_size=0 if len(parts) > 1 else 1, max_size=2))
    method = draw(st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]))
    auth = draw(st.sampled_from(["session", "public", "trust-requester"]))
    permission = None if auth == "public" else draw(st.sampled_from([None, "manage_system", "edit_other_users"]))
    body = draw(st.sampled_from([None, "name:string", "name:string,count:integer?"])) if method != "GET" else None
    summary = draw(st.text(min_size=1, max_size=30).filter(lambda s: s.strip()))
    return method, "/" + "/".join(parts), EndpointOptions(summary=summary, auth=auth, permission=permission, body=body)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(endpoints())
def test_add_then_remove_is_byte_identical_for_generated_endpoints(pristine: Path, tmp_path_factory: pytest.TempPathFactory, case: tuple[str, str, EndpointOptions]) -> None:
    import shutil

    method, path, options = case
    repo = tmp_path_factory.mktemp("prop") / "repo"
    shutil.copytree(pristine, repo)
    layout = open_repo(repo)
    try:
        endpoint = parse_endpoint(method, path, options, layout)
        plan = plan_add(layout, endpoint)
    except (UsageError, ConflictError):
        return
    before = tree_digest(repo)
    apply_changes(repo, plan.changes)
    removal = plan_remove(open_repo(repo), method, path)
    assert not removal.edited, [part.diff for part in removal.edited]
    assert_said_to_compile_compiles(removal.changes)
    apply_changes(repo, removal.changes)
    assert tree_digest(repo) == before


def assert_said_to_compile_compiles(changes: ChangeSet) -> None:
    """A module a removal says compiles as before (its syntax check skipped) does compile."""
    for change in changes.changes:
        if change.compiles_as_before:
            assert change.after is not None
            compile(change.after, change.path, "exec", dont_inherit=True)


def test_a_removal_says_which_modules_only_lost_definitions(cli: Cli, repo: Path) -> None:
    endpoints = ISSUE_ENDPOINTS[:2]  # GET with a parameter, POST with a body
    for args in endpoints:
        assert cli("endpoint", "add", *args.values[0], "--repo", str(repo)).exit_code == 0
    for args in endpoints:
        method, path = args.values[0][:2]
        removal = plan_remove(open_repo(repo), method, path)
        said = {change.path for change in removal.changes.changes if change.compiles_as_before}
        # The test module loses the endpoint's tests and the imports only they used: whole
        # definitions and a new head, not compiled again. The driver loses a method of its
        # class, the security table a row of a list: those are compiled.
        if path != "/widgets/{widget_id}":  # its own modules go whole
            assert any(p.endswith("_test.py") for p in said), (method, path, said)
        assert not [p for p in said if p.endswith(("client4.py", "securitytestlib.py"))], said
        assert_said_to_compile_compiles(removal.changes)
        apply_changes(repo, removal.changes)


SESSIONS = ["GET", "/users/{user_id}/sessions"]
USER_TESTS = "server/api4/user_test.py"


def plan_parsing_whole(repo: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object, list[int]]:
    """The removal of SESSIONS planned as it is, and with every module parsed whole; and the
    lengths of the texts of the test module parsed whole by the first."""
    from scaffold.text import python

    whole: list[int] = []
    real_parse = python.parse_python

    def parse(text: str, path: str) -> object:
        if path == USER_TESTS:
            whole.append(len(text))
        return real_parse(text, path)

    with monkeypatch.context() as patch:
        patch.setattr(python, "parse_python", parse)
        planned = plan_remove(open_repo(repo), *SESSIONS)
    with monkeypatch.context() as patch:
        patch.setattr(python.Source, "parse_from", classmethod(lambda cls, text, path, line: cls.parse(text, path)))
        reference = plan_remove(open_repo(repo), *SESSIONS)
    return (planned.changes, planned.edited), (reference.changes, reference.edited), whole


def add(cli: Cli, repo: Path, method: str, path: str) -> None:
    result = cli("endpoint", "add", method, path, "--permission", "edit_other_users", "--yes", "--repo", str(repo))
    assert result.exit_code == 0, result.output


def test_a_removal_parses_the_test_module_from_the_test_before_its_own(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(cli, repo, *SESSIONS)
    add(cli, repo, "GET", "/users/{user_id}/devices")  # tests after the ones cut
    planned, reference, whole = plan_parsing_whole(repo, monkeypatch)
    assert planned == reference
    assert whole == []  # the module was never parsed whole


def test_a_coroutine_of_a_cut_tests_name_above_is_found_as_a_whole_parse_finds_it(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(cli, repo, *SESSIONS)
    tests = repo / USER_TESTS
    text = tests.read_text(encoding="utf-8")
    generated = text[text.index("\ndef test_get_user_sessions") + 1 :]
    first = generated[: generated.index("\n\n\n") + 3]
    # The first of the endpoint's tests, as a coroutine by hand, above every test: the scan
    # has no facts of it, and a whole parse finds it first (so the removal stops there).
    anchor = text.index("\n\n\ndef test_")
    tests.write_text(f"{text[:anchor]}\n\n\nasync {first}{text[anchor + 3 :]}", encoding="utf-8")
    planned, reference, whole = plan_parsing_whole(repo, monkeypatch)
    assert planned == reference and whole
    assert reference[1]  # the coroutine is not what scaffold generates
