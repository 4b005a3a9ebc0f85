"""Every file an add edits keeps its own line endings, and its neighbours' layout; add then
remove gives back every file byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import tree_digest
from tests.tagtree import EDITED, SOURCE, docs_tree, read_exact, write_exact


def to_crlf(repo: Path, paths: tuple[str, ...]) -> None:
    for path in paths:
        write_exact(repo / path, read_exact(repo / path).replace("\n", "\r\n"))


def lf_only_lines(text: str) -> int:
    return text.count("\n") - text.count("\r\n")


def test_crlf_files_stay_crlf_through_add_and_remove(cli, repo: Path) -> None:
    to_crlf(repo, EDITED)
    before = tree_digest(repo)
    for args in (
        ("GET", "/users/{user_id}/sessions", "--permission", "edit_other_users"),
        ("GET", "/widgets/{widget_id}", "--permission", "none"),
    ):
        result = cli("endpoint", "add", *args, "--yes", "--repo", str(repo))
        assert result.exit_code == 0, result.output
    for path in EDITED:
        text = read_exact(repo / path)
        assert text != "" and lf_only_lines(text) == 0, path
    for path in ("/widgets/{widget_id}", "/users/{user_id}/sessions"):
        result = cli("endpoint", "remove", "GET", path, "--yes", "--repo", str(repo))
        assert result.exit_code == 0, result.output
    assert tree_digest(repo) == before


def test_a_crlf_fragment_gets_crlf_lines(cli, repo: Path) -> None:
    tree = docs_tree(repo)
    oauth = tree / SOURCE / "oauth.yaml"
    assert "\r\n" in read_exact(oauth)  # the fixture keeps it so (.gitattributes)
    before = tree_digest(tree)
    result = cli("endpoint", "add", "GET", "/oauth/apps/{app_id}/secret", "--only", "docs", "--permission", "none", "--yes", "--repo", str(tree))
    assert result.exit_code == 0, result.output
    assert lf_only_lines(read_exact(oauth)) == 0
    result = cli("endpoint", "remove", "GET", "/oauth/apps/{app_id}/secret", "--yes", "--repo", str(tree))
    assert result.exit_code == 0, result.output
    assert tree_digest(tree) == before


def test_no_blank_line_before_a_path_item_where_the_neighbours_have_none(cli, repo: Path) -> None:
    tree = docs_tree(repo)
    result = cli("endpoint", "add", "GET", "/data_retention/policies/{policy_id}", "--name", "GetPolicyById",
                 "--only", "docs", "--permission", "none", "--yes", "--repo", str(tree))
    assert result.exit_code == 0, result.output
    text = read_exact(tree / SOURCE / "dataretention.yaml")
    assert '"403":\n          $ref: "#/components/responses/Forbidden"\n  "/api/v4/data_retention/policies/{policy_id}":\n' in text


def test_a_blank_line_before_a_path_item_where_the_neighbours_have_one(cli, repo: Path) -> None:
    result = cli("endpoint", "add", "GET", "/users/{user_id}/sessions", "--only", "docs", "--permission", "none", "--yes", "--repo", str(repo))
    assert result.exit_code == 0, result.output
    text = read_exact(repo / SOURCE / "users.yaml")
    assert '\n\n  "/api/v4/users/{user_id}/sessions":\n' in text


FOLDED = '''      description: >
        Long-winded.

        ##### Permissions

        Must have `manage_system`.
'''


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        pytest.param("folded", "      description: >\n        Get policy by id.\n\n        ##### Permissions\n\n        No permission required.\n", id="folded"),
        pytest.param("spaced", "      description: |\n        Get policy by id.\n\n        ##### Permissions\n        No permission required.\n", id="literal-spaced"),
        pytest.param("compact", "      description: |\n        Get policy by id.\n        ##### Permissions\n        No permission required.\n", id="literal"),
    ],
)
def test_a_description_is_laid_out_as_its_neighbours(cli, repo: Path, layout: str, expected: str) -> None:
    tree = docs_tree(repo)
    fragment = tree / SOURCE / "dataretention.yaml"
    text = read_exact(fragment)
    if layout == "folded":
        text = text.replace(
            "      description: |\n        How long messages and files are kept before they are purged.\n        ##### Permissions\n        Requires an active session.\n",
            FOLDED,
        ).replace(
            "      description: |\n        The number of team and channel policies besides the global one.\n        ##### Permissions\n        Must have the `manage_system` permission.\n",
            FOLDED,
        )
    elif layout == "spaced":
        text = text.replace("\n        ##### Permissions", "\n\n        ##### Permissions")
    write_exact(fragment, text)
    before = tree_digest(tree)
    result = cli("endpoint", "add", "GET", "/data_retention/policies/{policy_id}", "--name", "GetPolicyById", "--summary", "Get policy by id",
                 "--auth", "public", "--only", "docs", "--yes", "--repo", str(tree))
    assert result.exit_code == 0, result.output
    assert expected in read_exact(fragment)
    result = cli("endpoint", "remove", "GET", "/data_retention/policies/{policy_id}", "--yes", "--repo", str(tree))
    assert result.exit_code == 0, result.output
    assert tree_digest(tree) == before


def test_check_fix_adds_a_tested_response_inside_a_crlf_operation(cli, repo: Path) -> None:
    users = repo / SOURCE / "users.yaml"
    original = read_exact(users).replace("\n", "\r\n")
    listed = '        "401":\r\n          $ref: "#/components/responses/Unauthorized"\r\n        "404":\r\n          $ref: "#/components/responses/NotFound"\r\n    delete:'
    assert original.count(listed) == 1
    write_exact(users, original.replace(listed, listed.replace('        "404":\r\n          $ref: "#/components/responses/NotFound"\r\n', "")))
    found = cli("check", "--repo", str(repo), "--no-cache")
    assert found.exit_code == 1 and "asserts 404 for GET /api/v4/users/{user_id}, which the doc does not list" in found.output
    fixed = cli("check", "--fix", "--repo", str(repo), input="y\n")
    assert fixed.exit_code == 0, fixed.output
    assert read_exact(users) == original  # the response is back, and nothing else moved
    again = cli("check", "--fix", "--dry-run", "--repo", str(repo))
    assert "0 findings would be fixed" in again.output
