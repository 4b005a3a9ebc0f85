"""`check --fix`: every gap the add engine can fill, filled in one transaction; docs first."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import Cli, run_repo_tests, tree_digest
from tests.edits import check_json, drop_functions, edit, operation_tests

DRIVER = "server/model/client4.py"

# Five operations written by hand, for new paths: what a contributor writes docs-first.
HAND_WRITTEN = {
    "api/v4/source/users.yaml": """
  "/api/v4/users/{user_id}/sessions":
    get:
      tags:
        - users
      summary: Get a user's sessions
      description: |
        Get the sessions of a user.
        ##### Permissions
        Must be logged in as the user or have the `edit_other_users` permission.
      operationId: GetUserSessions
      parameters:
        - name: user_id
          in: path
          required: true
          schema:
            type: string
      responses:
        "200":
          description: Sessions retrieval successful
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "403":
          $ref: "#/components/responses/Forbidden"
        "404":
          $ref: "#/components/responses/NotFound"
""",
    "api/v4/source/teams.yaml": """
  "/api/v4/teams/{team_id}/invite":
    post:
      tags:
        - teams
      summary: Invite users to a team
      description: |
        Invite users to a team by email.
        ##### Permissions
        Must have the `invite_user` permission for the team.
      operationId: InviteUsersToTeam
      parameters:
        - name: team_id
          in: path
          required: true
          schema:
            type: string
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required:
                - emails
              properties:
                emails:
                  type: string
        required: true
      responses:
        "200":
          description: Invitation successful
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "403":
          $ref: "#/components/responses/Forbidden"
        "404":
          $ref: "#/components/responses/NotFound"
        "413":
          $ref: "#/components/responses/TooLarge"
""",
    "api/v4/source/channels.yaml": """
  "/api/v4/channels/{channel_id}/stats":
    get:
      tags:
        - channels
      summary: Get channel statistics
      description: |
        Get the member count of a channel.
        ##### Permissions
        Must have the `read_channel` permission for the channel.
      operationId: GetChannelStats
      parameters:
        - name: channel_id
          in: path
          required: true
          schema:
            type: string
      responses:
        "200":
          description: Statistics retrieval successful
        "304":
          $ref: "#/components/responses/NotModified"
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "403":
          $ref: "#/components/responses/Forbidden"
        "404":
          $ref: "#/components/responses/NotFound"
""",
    "api/v4/source/posts.yaml": """
  "/api/v4/posts/{post_id}/pin":
    post:
      tags:
        - posts
      summary: Pin a post
      description: |
        Pin a post to its channel.
        ##### Permissions
        Must be authenticated.
      operationId: PinPost
      parameters:
        - name: post_id
          in: path
          required: true
          schema:
            type: string
      responses:
        "200":
          description: Pin successful
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "404":
          $ref: "#/components/responses/NotFound"
""",
    "api/v4/source/system.yaml": """
  /api/v4/system/version:
    get:
      tags:
        - system
      summary: Get the server version
      description: |
        Get the version of the server.
        ##### Permissions
        No permission required.
      operationId: GetServerVersion
      security: []
      responses:
        "200":
          description: Version retrieval successful
""",
}


def test_fix_fills_deleted_drivers_and_tests_and_the_tests_pass(cli: Cli, repo: Path) -> None:
    operations = {"get_team": "team", "delete_channel": "channel", "get_post": "post"}
    drop_functions(repo / DRIVER, set(operations))
    for operation, resource in operations.items():
        tests = repo / f"server/api4/{resource}_test.py"
        drop_functions(tests, operation_tests(tests, operation))
    code, before = check_json(cli, repo)
    assert code == 1 and all(f["fixable"] for f in before["findings"])
    assert {f["rule"] for f in before["findings"]} >= {"missing-driver", "missing-status-case"}

    fixed = cli("check", "--repo", str(repo), "--fix", "--no-matrix")
    assert fixed.exit_code == 0, fixed.output
    assert "fixed GET /api/v4/teams/{team_id}" in fixed.stdout
    code, after = check_json(cli, repo)
    assert code == 0 and after["findings"] == []
    for operation, resource in operations.items():
        assert operation_tests(repo / f"server/api4/{resource}_test.py", operation)
    result = run_repo_tests(repo)
    assert result.returncode == 0, result.stdout[-3000:]


def test_fix_generates_everything_from_hand_written_docs(cli: Cli, repo: Path) -> None:
    for fragment, text in HAND_WRITTEN.items():
        path = repo / fragment
        path.write_text(path.read_text().rstrip("\n") + "\n" + text)
    code, before = check_json(cli, repo)
    assert code == 1
    assert [f["rule"] for f in before["findings"]] == ["stale-doc"] * 5

    fixed = cli("check", "--repo", str(repo), "--fix", "--no-matrix")
    assert fixed.exit_code == 0, fixed.output
    code, after = check_json(cli, repo)
    assert code == 0 and {f["rule"] for f in after["findings"]} == {"pending-status-case"}
    by_path = {e["path"]: e for e in after["endpoints"]}
    for path in (
        "/api/v4/users/{user_id}/sessions",
        "/api/v4/teams/{team_id}/invite",
        "/api/v4/channels/{channel_id}/stats",
        "/api/v4/posts/{post_id}/pin",
        "/api/v4/system/version",
    ):
        artifacts = by_path[path]["artifacts"]
        assert all(
            artifacts[name] is not None for name in ("route", "handler", "driver", "tests")
        ), path
    stats = {c["status"]: c for c in by_path["/api/v4/channels/{channel_id}/stats"]["cases"]}
    assert sorted(stats) == [200, 304, 400, 401, 403, 404] and stats[304]["state"] == "pending"
    assert [c["status"] for c in by_path["/api/v4/system/version"]["cases"]] == [
        200
    ]  # public: no 401
    assert (
        'api.api_handler(get_server_version), "GET"' in (repo / "server/api4/system.py").read_text()
    )
    handler = (repo / "server/api4/team.py").read_text()
    assert 'c.set_permission_error("invite_user")' in handler and '"emails": str' in handler
    names = "get_user_sessions or invite_users_to_team or get_channel_stats or pin_post or get_server_version"
    result = run_repo_tests(repo, "-k", names)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "xfailed" in result.stdout and "passed" in result.stdout


def test_docs_first_generates_what_endpoint_add_does(cli: Cli, repo: Path, tmp_path: Path) -> None:
    added = tmp_path / "added"
    shutil.copytree(repo, added)
    result = cli(
        "endpoint",
        "add",
        "GET",
        "/teams/{team_id}/stats",
        "--permission",
        "view_team",
        "--repo",
        str(added),
        "--yes",
    )
    assert result.exit_code == 0, result.output
    # Only the doc, as a contributor would write it: the rest comes from `check --fix`.
    shutil.copy(added / "api/v4/source/teams.yaml", repo / "api/v4/source/teams.yaml")
    fixed = cli("check", "--repo", str(repo), "--fix", "--no-matrix")
    assert fixed.exit_code == 0, fixed.output

    def source(root: Path) -> dict[str, str]:
        return {k: v for k, v in tree_digest(root).items() if not k.startswith(".scaffold/")}

    assert source(repo) == source(added)


def test_fix_dry_run_shows_the_diff_and_writes_nothing(cli: Cli, repo: Path) -> None:
    drop_functions(repo / DRIVER, {"get_ping"})
    before = tree_digest(repo)
    result = cli("check", "--repo", str(repo), "--fix", "--dry-run")
    assert result.exit_code == 1
    assert (
        "+++ b/server/model/client4.py" in result.stdout
        and "+    def get_ping(self)" in result.stdout
    )
    assert "nothing was written" in result.stderr
    assert tree_digest(repo) == before


def test_what_fix_cannot_fill_is_left_and_reported(cli: Cli, repo: Path) -> None:
    drop_functions(repo / DRIVER, {"get_ping"})
    edit(
        repo / "server/api4/user_test.py",
        "    _, resp = th.client.delete_user(th.basic_user2.id)\n    check_forbidden_status(resp)\n",
        "    _, resp = th.client.delete_user(th.basic_user2.id)\n",
    )
    result = cli("check", "--repo", str(repo), "--fix", "--format", "json")
    assert result.exit_code == 1
    assert "fixed GET /api/v4/system/ping: missing-driver" in result.stderr
    _, after = check_json(cli, repo)
    assert [f["rule"] for f in after["findings"]] == ["missing-status-case"]
