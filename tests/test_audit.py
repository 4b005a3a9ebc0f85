"""The rules of `check`, each on a small edit of a reference copy (the core, without the CLI)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scaffold.commands.audit import audit
from scaffold.model.findings import RULES, Finding
from scaffold.repo.open import open_repo
from scaffold.scan.catalog import catalog, required_statuses
from scaffold.scan.scanner import scan
from scaffold.spec import problems as spec_problems
from scaffold.spec.background import PendingValidation
from scaffold.spec.merge import read_fragments
from scaffold.spec.problems import SpecVerdict, judge_fragments
from tests.edits import drop_functions, edit, line_of

SYSTEM_YAML = "api/v4/source/system.yaml"
USERS_YAML = "api/v4/source/users.yaml"
DRIVER = "server/model/client4.py"


def findings(repo: Path, *, strict: bool = False) -> list[Finding]:
    layout = open_repo(repo)
    return audit(catalog(scan(layout), layout), layout, strict=strict)


def rules(found: list[Finding]) -> list[str]:
    return [f.rule for f in found]


def test_the_reference_has_no_findings(pristine: Path) -> None:
    assert findings(pristine) == []


def test_every_rule_has_a_summary_and_a_severity() -> None:
    assert all(rule.summary.endswith(".") for rule in RULES.values())
    assert {rule.severity for rule in RULES.values()} == {"error", "warning"}


def test_a_typo_in_a_doc_path_says_did_you_mean(repo: Path) -> None:
    edit(repo / SYSTEM_YAML, "  /api/v4/system/ping:", "  /api/v4/system/pong:")
    found = findings(repo)
    assert rules(found) == ["stale-doc", "undocumented-route"]
    undocumented = found[1]
    assert f"did you mean GET /api/v4/system/pong ({SYSTEM_YAML}:2)?" in undocumented.message


def test_renamed_path_parameters(repo: Path) -> None:
    text = (repo / USERS_YAML).read_text()
    start = text.index('  "/api/v4/users/{user_id}/patch":')
    end = text.index("\n\n", start)
    block = text[start:end].replace("{user_id}", "{id}").replace("- name: user_id", "- name: id")
    (repo / USERS_YAML).write_text(text[:start] + block + text[end:])
    [finding] = findings(repo)
    assert finding.rule == "path-params-mismatch"
    assert (finding.path, finding.line) == (
        USERS_YAML,
        line_of(repo / USERS_YAML, '"/api/v4/users/{id}/patch":') + 1,
    )
    assert "/api/v4/users/{user_id}/patch" in finding.fix


def test_a_driver_method_for_no_route_is_an_orphan(repo: Path) -> None:
    edit(
        repo / DRIVER,
        "    def get_ping(self)",
        "    def get_pong(self) -> tuple[Any, Response]:\n"
        '        return self.do_api_get(f"{self.system_route()}/pong")\n\n'
        "    def get_ping(self)",
    )
    [finding] = findings(repo)
    assert finding.rule == "orphan-driver"
    assert (finding.path, finding.line) == (DRIVER, line_of(repo / DRIVER, "def get_pong("))
    assert "GET /api/v4/system/pong" in finding.message


def test_a_deleted_route_is_one_finding_not_three(repo: Path) -> None:
    edit(
        repo / "server/api4/system.py",
        '    api.routes.system.handle("/ping", api.api_handler(get_ping), "GET")\n',
        "    pass\n",
    )
    assert rules(findings(repo)) == ["stale-doc"]  # no orphan driver, no untested route


def test_an_endpoint_without_tests(repo: Path) -> None:
    drop_functions(
        repo / "server/api4/system_test.py", {"test_get_ping", "test_get_ping_without_session"}
    )
    [finding] = findings(repo)
    assert finding.rule == "missing-tests" and finding.fixable
    assert (finding.path, finding.line) == (
        "server/api4/system.py",
        line_of(repo / "server/api4/system.py", "get_ping),"),
    )
    assert (
        finding.fix
        == "scaffold endpoint add GET /api/v4/system/ping --fill --auth public --name GetPing --response StatusOK"
    )


def test_cases_asserted_only_in_passing_are_fixed_by_the_generated_matrix(repo: Path) -> None:
    tests = repo / "server/api4/user_test.py"
    from tests.edits import operation_tests

    drop_functions(tests, operation_tests(tests, "get_user"))
    found = findings(repo)
    # Other tests still call get_user and assert 200 and 401 on it in passing.
    missing = {f.key.rsplit("#", 1)[1] for f in found if f.rule == "missing-status-case"}
    assert missing == {"304", "400", "404"}
    assert all(
        f.fixable and f.fix.startswith("scaffold endpoint add GET /api/v4/users/{user_id} --fill")
        for f in found
    )


def test_a_case_whose_test_name_is_taken_is_not_fixable(repo: Path) -> None:
    edit(
        repo / "server/api4/user_test.py",
        "    _, resp = th.client.delete_user(th.basic_user2.id)\n    check_forbidden_status(resp)\n",
        "    _, resp = th.client.delete_user(th.basic_user2.id)\n",
    )
    [finding] = findings(repo)
    assert finding.rule == "missing-status-case" and not finding.fixable
    assert finding.fix.startswith("assert check_forbidden_status(resp) on Client4.delete_user(...)")


def test_pending_cases_are_warnings_or_errors_when_strict(repo: Path) -> None:
    edit(
        repo / "server/api4/system_test.py",
        "def test_get_ping(",
        '@pytest.mark.xfail(strict=True, reason="implement it")\ndef test_get_ping(',
    )
    edit(
        repo / "server/api4/system_test.py",
        "from __future__ import annotations\n",
        "from __future__ import annotations\n\nimport pytest\n",
    )
    drop_functions(repo / "server/api4/system_test.py", {"test_get_ping_without_session"})
    [pending] = findings(repo)
    assert (pending.rule, pending.severity) == ("pending-status-case", "warning")
    # get_ping is written: `check --fix` finishes the case by running it.
    assert pending.fix.startswith("Run `scaffold check --fix`") and pending.fixable
    [strict] = findings(repo, strict=True)
    assert strict.severity == "error"


def test_a_doc_that_omits_a_required_code(repo: Path) -> None:
    text = (repo / USERS_YAML).read_text()
    start = text.index("    delete:\n")
    forbidden = '        "403":\n          $ref: "#/components/responses/Forbidden"\n'
    at = text.index(forbidden, start)
    (repo / USERS_YAML).write_text(text[:at] + text[at + len(forbidden) :])
    [finding] = findings(repo)
    assert finding.rule == "doc-status-mismatch"
    assert (
        "does not list 403" in finding.message
        and "set_permission_error('edit_other_users')" in finding.message
    )


def test_a_code_tests_assert_but_the_doc_omits(repo: Path) -> None:
    text = (repo / USERS_YAML).read_text()
    start = text.index("  /api/v4/users/login:")
    unauthorized = '        "401":\n          $ref: "#/components/responses/Unauthorized"\n'
    at = text.index(unauthorized, start)
    (repo / USERS_YAML).write_text(text[:at] + text[at + len(unauthorized) :])
    [finding] = findings(repo)
    assert finding.rule == "doc-status-mismatch"
    assert "asserts 401" in finding.message and "test_login_unauthorized" in finding.message


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        pytest.param("      operationId: GetPing\n", "", "has no operationId", id="missing"),
        pytest.param("operationId: GetPing", "operationId: getPing", "not PascalCase", id="case"),
        pytest.param(
            "operationId: GetPing",
            "operationId: GetHealth",
            "does not match handler get_ping",
            id="name",
        ),
        pytest.param("operationId: GetPing", "operationId: GetUser", "used twice", id="duplicate"),
    ],
)
def test_operation_ids(repo: Path, old: str, new: str, words: str) -> None:
    edit(repo / SYSTEM_YAML, old, new)
    found = [f for f in findings(repo) if f.rule == "operation-id"]
    assert any(words in f.message for f in found), [f.message for f in found]
    assert all(f.path == SYSTEM_YAML for f in found)


def test_spec_problems_are_located_in_their_fragment(repo: Path) -> None:
    edit(repo / SYSTEM_YAML, "          description: Status of the system\n", "")
    layout = open_repo(repo)
    problems = judge_fragments(read_fragments(layout, lambda p: (repo / p).read_text())).problems
    assert problems and problems[0].path == SYSTEM_YAML
    [finding] = audit(catalog(scan(layout), layout), layout, spec_problems=problems[:1])
    assert finding.rule == "invalid-spec" and finding.path == SYSTEM_YAML and finding.line > 1


def test_required_statuses_read_from_the_code(pristine: Path) -> None:
    layout = open_repo(pristine)
    by_name = {e.name: e for e in catalog(scan(layout), layout).endpoints}
    assert required_statuses(by_name["get_ping"]) == (200,)  # public: no 401
    assert required_statuses(by_name["create_user"]) == (201, 400, 413)  # a body, public
    # A 404 comes from the app layer, which the code does not show: the doc says it.
    assert required_statuses(by_name["get_user"]) == (200, 304, 400, 401)
    assert required_statuses(by_name["delete_user"]) == (200, 400, 401, 403)
    assert required_statuses(by_name["logout"]) == (200, 401)


@pytest.mark.skipif(
    not hasattr(os, "fork"), reason="a validation runs beside the scan only where the OS forks"
)
def test_a_validation_in_a_child_process_gives_the_same_problems(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(repo / SYSTEM_YAML, "          description: Status of the system\n", "")
    layout = open_repo(repo)
    fragments = read_fragments(layout, lambda p: (repo / p).read_text())
    inline = judge_fragments(fragments)
    assert PendingValidation(fragments, parallel=True).result() == inline

    # A child that dies is replaced by a validation in the parent.
    parent = os.getpid()
    real = spec_problems.judge_fragments

    def fail_in_child(fragments: list[tuple[str, str]]) -> SpecVerdict:
        if os.getpid() != parent:
            raise MemoryError
        return real(fragments)

    monkeypatch.setattr(spec_problems, "judge_fragments", fail_in_child)
    assert PendingValidation(fragments, parallel=True).result() == inline


@pytest.mark.skipif(
    not hasattr(os, "fork"), reason="a validation runs beside the scan only where the OS forks"
)
def test_a_cancelled_validation_leaves_no_child(repo: Path) -> None:
    layout = open_repo(repo)
    pending = PendingValidation(
        read_fragments(layout, lambda p: (repo / p).read_text()), parallel=True
    )
    pending.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_a_ref_to_nothing_is_an_invalid_spec_finding(repo: Path) -> None:
    edit(
        repo / SYSTEM_YAML,
        '$ref: "#/components/schemas/StatusOK"',
        '$ref: "#/components/schemas/Nothing"',
    )
    layout = open_repo(repo)
    [problem] = judge_fragments(read_fragments(layout, lambda p: (repo / p).read_text())).problems
    assert "points to nothing" in problem.message and problem.path == SYSTEM_YAML
