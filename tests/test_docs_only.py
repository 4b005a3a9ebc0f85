"""A repo of docs alone (scaffold.toml with [docs] and no [server]), and `check --only docs`.

tests/fixtures/docs-tree is shaped like Mattermost's `api/` directory: a Makefile build list,
tags whose names differ from their files (`data retention` in dataretention.yaml, `OAuth` in
oauth.yaml), `x-tagGroups`, a path outside /api/v4, a CRLF fragment (oauth.yaml), shared
definitions, and one invalid operation in bookmarks.yaml (a stray `body:` key and a `$ref` to
a parameter that does not exist, so its `{bookmark_id}` is not declared either).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scaffold.commands.guards import apply_checked
from scaffold.model.changes import Change, ChangeSet
from scaffold.repo.open import open_repo
from scaffold.spec.problems import SpecInvalid
from tests.conftest import Cli, tree_digest
from tests.edits import edit

FIXTURE = Path(__file__).parent / "fixtures" / "docs-tree"
SOURCE = "api/v4/source"


@pytest.fixture
def docs_repo(tmp_path: Path) -> Path:
    target = tmp_path / "docs-tree"
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns(".scaffold"))
    return target


def raw_edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of `old`, every other byte (CRLF included) kept."""
    data = path.read_bytes()
    assert data.count(old.encode()) == 1, f"{old!r} occurs {data.count(old.encode())} times in {path}"
    path.write_bytes(data.replace(old.encode(), new.encode()))


def line(repo: Path, fragment: str, needle: str, after: str = "") -> int:
    """The 1-based line of the first `needle` at or after the first line holding `after`."""
    lines = (repo / SOURCE / fragment).read_text(encoding="utf-8").splitlines()
    start = next(n for n, text in enumerate(lines) if after in text)
    return next(n for n, text in enumerate(lines[start:], start + 1) if needle in text)


def findings(cli: Cli, repo: Path, *args: str) -> tuple[int, list[tuple[str, str, int]]]:
    result = cli("check", "--repo", str(repo), "--format", "json", *args)
    found = json.loads(result.stdout)["findings"]
    return result.exit_code, sorted((f["rule"], f["path"], f["line"]) for f in found)


INVALID = [
    ("invalid-spec", f"{SOURCE}/bookmarks.yaml", 28),  # "/…/{bookmark_id}": the parameter is not declared
    ("invalid-spec", f"{SOURCE}/bookmarks.yaml", 40),  # - $ref: "#/components/parameters/BookmarkId"
    ("invalid-spec", f"{SOURCE}/bookmarks.yaml", 41),  # body:
]


# -- every command works on docs alone -------------------------------------------------------


def test_list_shows_the_docs_and_a_path_outside_the_prefix_as_written(cli: Cli, docs_repo: Path) -> None:
    result = cli("endpoint", "list", "--repo", str(docs_repo))
    assert result.exit_code == 0
    header, *rows, total = result.stdout.splitlines()
    assert header.split() == ["method", "path", "operationId", "docs"]
    assert total == "12 endpoints"
    assert "GET     /files/{file_id}/public" in result.stdout
    assert "/api/v4/files/{file_id}/public" not in result.stdout
    listed = json.loads(cli("endpoint", "list", "--repo", str(docs_repo), "--format", "json").stdout)
    assert {e["path"] for e in listed} >= {"/files/{file_id}/public", "/api/v4/files/{file_id}"}


def test_check_on_docs_alone_runs_only_the_docs_rules(cli: Cli, docs_repo: Path) -> None:
    """No "documented but no route serves it", no advice to delete operations, nothing to generate."""
    code, found = findings(cli, docs_repo)
    assert (code, found) == (1, INVALID)
    text = cli("check", "--repo", str(docs_repo)).stdout
    assert "12 documented operations (docs rules only); 3 errors, 0 warnings" in text
    assert "route" not in text.splitlines()[0]


def test_checklist_of_docs_alone_is_the_doc(cli: Cli, docs_repo: Path) -> None:
    result = cli("checklist", "GET", "/files/{file_id}/public", "--repo", str(docs_repo))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "GET /files/{file_id}/public  (GetFilePublic)",
        f"1. ✓ done    Document it  {SOURCE}/files.yaml:31",
    ]


def test_docs_build_reports_every_problem_at_its_key_and_writes_nothing(cli: Cli, docs_repo: Path) -> None:
    result = cli("docs", "build", "--repo", str(docs_repo))
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    where = sorted(int(e.split(":")[2]) for e in errors)
    assert where == [28, 40, 41]
    assert "nothing was written" in result.stderr
    assert not (docs_repo / "api/v4/html").exists()


def test_docs_build_allow_invalid_writes_the_spec_and_still_fails(cli: Cli, docs_repo: Path) -> None:
    """What it writes is what api/Makefile's `cat` makes, CRLF fragment included."""
    result = cli("docs", "build", "--repo", str(docs_repo), "--allow-invalid")
    assert result.exit_code == 1
    assert result.stderr.count("error:") == 3
    assert "wrote api/v4/html/static/openapi-v4.yaml, which does not validate (3 problems)" in result.stderr
    written = (docs_repo / "api/v4/html/static/openapi-v4.yaml").read_bytes()
    makefile = (docs_repo / "api/Makefile").read_text(encoding="utf-8")
    order = [line.split("/")[1].split()[0] for line in makefile.splitlines() if "@cat $(SOURCE)/" in line]
    assert written == b"".join((docs_repo / SOURCE / name).read_bytes() for name in order)


# -- endpoint add and remove: the doc operation only ------------------------------------------


def add_then_remove(cli: Cli, repo: Path, method: str, path: str, *options: str) -> tuple[str, set[str]]:
    """Add METHOD PATH, then remove it: what the add printed and the files it changed; the
    repo is byte-identical afterwards."""
    before = tree_digest(repo)
    added = cli("endpoint", "add", method, path, *options, "--repo", str(repo))
    assert added.exit_code == 0, added.output
    after = tree_digest(repo)
    removed = cli("endpoint", "remove", method, path, "--repo", str(repo))
    assert removed.exit_code == 0, removed.output
    assert tree_digest(repo) == before
    return added.stdout, {p for p in after if after[p] != before.get(p)}


def test_add_then_remove_into_an_existing_tag_is_byte_identical(cli: Cli, docs_repo: Path) -> None:
    said, changed = add_then_remove(
        cli, docs_repo, "GET", "/users/{user_id}/sessions", "--summary", "Get a user's sessions",
        "--permission", "edit_other_users",
    )
    assert "only the docs are changed" in said
    assert changed == {f"{SOURCE}/users.yaml"}


def test_add_into_an_invalid_fragment_gates_only_on_what_it_changes(cli: Cli, docs_repo: Path) -> None:
    """bookmarks.yaml is invalid already: an operation added beside the broken one is accepted,
    and the output says the spec's problems were left as they were."""
    said, changed = add_then_remove(
        cli, docs_repo, "GET", "/channels/{channel_id}/bookmarks/{bookmark_id}", "--summary", "Get a bookmark",
        "--permission", "read_channel",
    )
    assert "the spec was already invalid: this change brings no new problem and leaves 3" in said
    assert changed == {f"{SOURCE}/bookmarks.yaml"}


def test_a_change_that_brings_a_problem_into_an_invalid_spec_is_refused(docs_repo: Path) -> None:
    layout = open_repo(docs_repo)
    path = f"{SOURCE}/users.yaml"
    text = (docs_repo / path).read_text(encoding="utf-8")
    broken = text.replace("      operationId: GetUser\n", "      operationId: GetUser\n      bogus: 1\n")
    with pytest.raises(SpecInvalid) as raised:
        apply_checked(layout, ChangeSet([Change(path, text, broken)]))
    assert [(p.path, p.line) for p in raised.value.problems] == [(path, 46)]
    assert (docs_repo / path).read_text(encoding="utf-8") == text


def test_add_refuses_code_artifacts_in_a_repo_of_docs_alone(cli: Cli, docs_repo: Path) -> None:
    result = cli(
        "endpoint", "add", "GET", "/users/{user_id}/sessions", "--permission", "none", "--only", "docs,route",
        "--repo", str(docs_repo),
    )
    assert result.exit_code == 2
    assert "--only route: this repo has docs alone" in result.stderr


# -- the docs rules --------------------------------------------------------------------------


def plant_gaps(repo: Path) -> list[tuple[str, str, int]]:
    """One gap for each docs rule; (rule, path, line) of each finding it should give."""
    users, oauth = repo / SOURCE / "users.yaml", repo / SOURCE / "oauth.yaml"
    files, retention = repo / SOURCE / "files.yaml", repo / SOURCE / "dataretention.yaml"
    intro = repo / SOURCE / "introduction.yaml"
    # GetUser needs a session but no longer lists 401; Login is public and lists one.
    edit(users, '        "401":\n          $ref: "#/components/responses/Unauthorized"\n        "404":\n'
         '          $ref: "#/components/responses/NotFound"\n    delete:',
         '        "404":\n          $ref: "#/components/responses/NotFound"\n    delete:')
    edit(users, '        "400":\n          $ref: "#/components/responses/BadRequest"\n  "/api/v4/users/{user_id}":',
         '        "400":\n          $ref: "#/components/responses/BadRequest"\n        "401":\n'
         '          $ref: "#/components/responses/Unauthorized"\n  "/api/v4/users/{user_id}":')
    # GetOAuthApp (CRLF) names manage_oauth but no longer lists 403, and its id is not PascalCase.
    raw_edit(oauth, '        "403":\r\n          $ref: "#/components/responses/Forbidden"\r\n        "404":',
             '        "404":')
    raw_edit(oauth, "operationId: GetOAuthApp\r\n", "operationId: getOAuthApp\r\n")
    # GetFile has no summary, no Permissions section; the public file link has no tag.
    edit(files, "      summary: Get a file\n", "")
    edit(files, "        The bytes of an uploaded file.\n        ##### Permissions\n"
         "        Must have `read_channel` permission in the channel the file was posted to.\n",
         "        The bytes of an uploaded file.\n")
    edit(files, "      tags:\n        - files\n      summary: Get a public file", "      summary: Get a public file")
    # The retention policy count is tagged `compliance`, declared nowhere and in no group.
    edit(retention, "        - data retention\n      summary: Count", "        - compliance\n      summary: Count")
    # `bookmarks` is declared but in no group; a fragment is left out of the build list.
    edit(intro, "      - OAuth\n      - bookmarks\n", "      - OAuth\n")
    (repo / SOURCE / "emoji.yaml").write_text("  /api/v4/emoji:\n    get:\n      summary: x\n", encoding="utf-8")
    return sorted([
        ("public-unauthorized", f"{SOURCE}/users.yaml", line(repo, "users.yaml", '"401":', "Sign in")),
        ("unauthorized-response", f"{SOURCE}/users.yaml", line(repo, "users.yaml", "responses:", "Get a user")),
        ("forbidden-response", f"{SOURCE}/oauth.yaml", line(repo, "oauth.yaml", "responses:", "Get an OAuth app")),
        ("operation-id", f"{SOURCE}/oauth.yaml", line(repo, "oauth.yaml", "operationId: getOAuthApp")),
        ("missing-summary", f"{SOURCE}/files.yaml", line(repo, "files.yaml", "get:")),
        ("missing-permissions", f"{SOURCE}/files.yaml", line(repo, "files.yaml", "description:")),
        ("missing-tag", f"{SOURCE}/files.yaml", line(repo, "files.yaml", "get:", "/public")),
        ("undeclared-tag", f"{SOURCE}/dataretention.yaml", line(repo, "dataretention.yaml", "- compliance")),
        ("ungrouped-tag", f"{SOURCE}/dataretention.yaml", line(repo, "dataretention.yaml", "- compliance")),
        ("ungrouped-tag", f"{SOURCE}/introduction.yaml", line(repo, "introduction.yaml", "name: bookmarks")),
        ("unbuilt-fragment", f"{SOURCE}/emoji.yaml", 1),
    ])


def test_each_docs_rule_finds_its_gap_at_the_offending_key(cli: Cli, docs_repo: Path) -> None:
    expected = plant_gaps(docs_repo)
    code, found = findings(cli, docs_repo)
    assert code == 1
    assert [f for f in found if f[0] != "invalid-spec"] == expected


def test_checklist_shows_the_docs_findings_of_an_endpoint(cli: Cli, docs_repo: Path) -> None:
    plant_gaps(docs_repo)
    login = cli("checklist", "POST", "/users/login", "--repo", str(docs_repo)).stdout
    assert "1. … pending Document it" in login and "lists 401, but it is public" in login
    app = cli("checklist", "GET", "/oauth/apps/{app_id}", "--repo", str(docs_repo)).stdout
    assert "1. ✗ missing Document it" in app
    assert "does not list 403" in app and "operationId getOAuthApp is not PascalCase" in app
    files = cli("checklist", "GET", "/files/{file_id}", "--repo", str(docs_repo)).stdout
    assert "has no summary" in files and "has no `##### Permissions` section" in files


def test_check_fix_makes_the_mechanical_docs_fixes_and_keeps_every_other_byte(cli: Cli, docs_repo: Path) -> None:
    plant_gaps(docs_repo)
    result = cli("check", "--fix", "--repo", str(docs_repo), "--format", "json")
    assert result.exit_code == 1  # the gaps no command fixes remain
    fixed = sorted(line.split()[-1] for line in result.stderr.splitlines() if line.startswith("fixed "))
    assert fixed == ["forbidden-response", "operation-id", "unauthorized-response"]
    _, found = findings(cli, docs_repo)
    assert {rule for rule, _, _ in found} == {
        "invalid-spec", "missing-summary", "missing-permissions", "missing-tag", "undeclared-tag", "ungrouped-tag",
        "unbuilt-fragment", "public-unauthorized",  # a login may answer 401: said, never removed
    }
    oauth = (docs_repo / SOURCE / "oauth.yaml").read_bytes()
    assert oauth == (FIXTURE / SOURCE / "oauth.yaml").read_bytes()  # 403 back, renamed back, CRLF kept
    users = (docs_repo / SOURCE / "users.yaml").read_bytes()
    planted = (FIXTURE / SOURCE / "users.yaml").read_text(encoding="utf-8").replace(
        '        "400":\n          $ref: "#/components/responses/BadRequest"\n  "/api/v4/users/{user_id}":',
        '        "400":\n          $ref: "#/components/responses/BadRequest"\n        "401":\n'
        '          $ref: "#/components/responses/Unauthorized"\n  "/api/v4/users/{user_id}":',
    )
    assert users.decode() == planted  # GetUser's 401 back where it was; Login's left alone
    assert not list(docs_repo.rglob("*.py"))


def test_check_fix_on_docs_alone_never_generates_code(cli: Cli, docs_repo: Path) -> None:
    result = cli("check", "--fix", "--dry-run", "--repo", str(docs_repo))
    assert result.exit_code == 0
    assert "0 findings would be fixed" in result.stderr
    assert "writes Python only" not in result.stderr


# -- check --only docs on a server repo ------------------------------------------------------


def test_only_docs_restricts_a_server_repo_to_the_docs_rules(cli: Cli, repo: Path) -> None:
    """With a route line gone the full check reports the stale doc; the docs rules do not read
    code, and find the docs as good as ever — and a docs gap in both."""
    edit(repo / "server/api4/user.py", '    api.routes.user.handle("/patch", api.api_session_required(patch_user), "PUT")\n', "")
    edit(repo / "api/v4/source/system.yaml", "      summary: ", "      x-summary: ")
    full_code, full = findings(cli, repo)
    docs_code, docs = findings(cli, repo, "--only", "docs")
    assert {rule for rule, _, _ in full} >= {"stale-doc", "missing-summary"}
    # The reference's login is public and answers 401 for bad credentials: a warning, no more.
    assert (docs_code, [rule for rule, _, _ in docs]) == (1, ["missing-summary", "public-unauthorized"])
    bad = cli("check", "--repo", str(repo), "--only", "routes")
    assert bad.exit_code == 2 and "--only: unknown scope 'routes'" in bad.stderr
