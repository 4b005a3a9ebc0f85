"""Whatever `endpoint add` or `check --fix` writes passes the repo's own `check` and its tests.

Each case here is an input that once broke that promise: a path parameter that is not an id, a
204, a path under another API prefix, a name YAML reads as a boolean, a name another endpoint
has, a handler the scan does not count. The generated inputs of the same promise are in
tests/reliability/test_properties.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import Cli, check_errors, run_repo_tests, tree_digest


def add(cli: Cli, repo: Path, *args: str) -> dict[str, Any]:
    result = cli("endpoint", "add", *args, "--repo", str(repo), "--format", "json")
    assert result.exit_code == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def written_tests(report: dict[str, Any]) -> list[str]:
    return [c["path"] for c in report["changes"] if c["path"].endswith("_test.py")]


def assert_refused(result: Any, fragment: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert fragment in result.stderr, result.stderr


# -- item 5: what add writes passes check -------------------------------------------------------

NOT_IDS = [
    pytest.param(["GET", "/teams/name/{slug}"], id="slug"),
    pytest.param(["POST", "/gadgets/{c}"], id="c"),
    pytest.param(["PUT", "/gadgets/{request}"], id="request"),
]


@pytest.mark.parametrize("args", NOT_IDS)
def test_a_parameter_that_is_not_an_id_passes_check(cli: Cli, repo: Path, args: list[str]) -> None:
    report = add(cli, repo, *args, "--permission", "none")
    assert check_errors(repo) == []
    # Nothing of such a parameter can be refused, so nothing promises a 400 for it.
    name = report["endpoint"]["name"]
    assert not [c for c in written_tests(report) if f"def test_{name}_bad_{args[1].rsplit('{')[-1][:-1]}" in (repo / c).read_text()]


def test_a_parameter_the_repo_checks_is_validated(cli: Cli, repo: Path) -> None:
    # The Context has require_username(): the handler calls it, the doc lists 400, a test asserts it.
    report = add(cli, repo, "GET", "/users/username/{username}/stuff", "--permission", "none")
    assert 400 in report["endpoint"]["statuses"]
    assert "c.require_username()" in (repo / "server/api4/user.py").read_text()
    assert "def test_get_users_username_stuff_bad_username(" in (repo / "server/api4/user_test.py").read_text()
    assert check_errors(repo) == []


@pytest.mark.parametrize(
    ("args", "module", "answer"),
    [
        pytest.param(
            ["DELETE", "/teams/{team_id}/icon", "--permission", "manage_team", "--status", "204"],
            "team", "return Response(status_code=204)", id="204",
        ),
        pytest.param(
            ["DELETE", "/widgets", "--auth", "public", "--status", "202", "--body", "Team"],
            "widget", 'return c.json({"status": "OK"}, status=202)', id="202-status-ok",
        ),
        pytest.param(
            ["POST", "/channels/{channel_id}/pin", "--permission", "none", "--status", "201"],
            "channel", 'return c.json({"status": "OK"}, status=201)', id="201-action",
        ),
    ],
)
def test_the_success_status_said_passes_check(cli: Cli, repo: Path, args: list[str], module: str, answer: str) -> None:
    report = add(cli, repo, *args)
    name = report["endpoint"]["name"]
    handler = (repo / f"server/api4/{module}.py").read_text().split(f"def {name}(")[1].split("\ndef ")[0]
    assert answer in handler
    assert check_errors(repo) == []


def test_an_etag_on_a_204_is_refused(cli: Cli, repo: Path) -> None:
    before = tree_digest(repo)
    result = cli("endpoint", "add", "GET", "/widgets/{widget_id}", "--status", "204", "--etag", "--permission", "none", "--repo", str(repo))
    assert_refused(result, "a 204 answers no body")
    assert tree_digest(repo) == before


def test_what_add_writes_passes_the_repo_tests(cli: Cli, repo: Path) -> None:
    """Every case of this module in one repo, and its own suite run once."""
    reports = [
        add(cli, repo, "GET", "/teams/name/{slug}", "--permission", "none"),
        add(cli, repo, "POST", "/gadgets/{c}/x/{request}", "--permission", "none", "--body", "yes:string,n:int"),
        add(cli, repo, "DELETE", "/teams/{team_id}/icon", "--permission", "manage_team", "--status", "204"),
        add(cli, repo, "DELETE", "/gadgets/{c}/x/{request}", "--auth", "public", "--status", "202"),
        add(cli, repo, "POST", "/widgets", "--status", "204", "--permission", "none"),
        add(cli, repo, "GET", "/users/username/{username}/stuff", "--permission", "none"),
        add(cli, repo, "GET", "/emoji", "--permission", "none", "--name", "Off"),
        add(cli, repo, "GET", "/emoji/{emoji_id}", "--permission", "none"),
        add(cli, repo, "GET", "/emoji/{emoji_id}/{on}", "--permission", "none"),
    ]
    assert check_errors(repo) == []
    modules = sorted({path for report in reports for path in written_tests(report)})
    tests = run_repo_tests(repo, *modules)
    assert tests.returncode == 0, tests.stdout[-3000:]


# -- item 4: another API prefix, the route's place, check --fix idempotent ----------------------


@pytest.mark.parametrize(
    ("path", "why"),
    [
        pytest.param("/api/v3/users/{user_id}/sessions", "/api/v3 is not this server's API prefix", id="v3"),
        pytest.param("/api/v4/api/v4/users/{user_id}/sessions", "it repeats the API prefix /api/v4", id="doubled"),
        pytest.param("/api/users", "it starts with /api", id="api-tag"),
        pytest.param("/v2/widgets", "/v2 is an API version", id="version"),
    ],
)
def test_another_api_prefix_is_refused(cli: Cli, repo: Path, path: str, why: str) -> None:
    before = tree_digest(repo)
    for extra in (["--dry-run"], []):
        result = cli("endpoint", "add", "GET", path, "--permission", "none", "--repo", str(repo), *extra)
        assert_refused(result, why)
    assert tree_digest(repo) == before


def test_a_route_is_never_placed_after_the_init_functions_return(cli: Cli, repo: Path) -> None:
    module = repo / "server/api4/widget.py"
    module.write_text(
        "from __future__ import annotations\n\n"
        "from typing import TYPE_CHECKING\n\n"
        "from starlette.responses import Response\n\n"
        "from server.web.context import Context\n\n"
        "if TYPE_CHECKING:\n    from server.api4.api import API\n\n\n"
        "def init_widget(api: API) -> None:\n    \"\"\"No routes yet.\"\"\"\n    return None\n"
    )
    routes = repo / "server/api4/api.py"
    text = routes.read_text()
    text = text.replace("from server.api4.user import init_user\n", "from server.api4.user import init_user\nfrom server.api4.widget import init_widget\n")
    routes.write_text(text.replace("    init_system(api)\n", "    init_system(api)\n    init_widget(api)\n"))
    report = add(cli, repo, "GET", "/widgets/{widget_id}", "--permission", "none")
    init = module.read_text().split("def init_widget(")[1].split("\n\n")[0]
    assert init.index(".handle(") < init.index("return None"), init
    assert check_errors(repo) == []
    tests = run_repo_tests(repo, *written_tests(report))
    assert tests.returncode == 0, tests.stdout[-3000:]


def _fix_twice(cli: Cli, repo: Path) -> tuple[Any, Any, dict[str, str]]:
    first = cli("check", "--fix", "--repo", str(repo), "--no-cache")
    after_first = tree_digest(repo)
    second = cli("check", "--fix", "--dry-run", "--repo", str(repo), "--no-cache")
    return first, second, after_first


def test_check_fix_never_defines_a_handler_twice(cli: Cli, repo: Path) -> None:
    # A doc without its route, and a function of the handler's name the scan does not count as
    # a handler (it takes no `c`): a second definition would shadow it, on every run.
    add(cli, repo, "GET", "/users/{user_id}/sessions", "--permission", "none", "--only", "docs")
    module = repo / "server/api4/user.py"
    module.write_text(module.read_text() + "\n\ndef get_user_sessions(ctx: Context) -> None:\n    return None\n")
    first, second, after_first = _fix_twice(cli, repo)
    assert module.read_text().count("def get_user_sessions(") == 1
    assert "get_user_sessions is defined already" in first.stderr
    assert second.stdout == "", second.stdout  # the second run plans nothing
    assert tree_digest(repo) == after_first


def test_check_fix_is_idempotent_where_a_path_read_another_prefix(cli: Cli, repo: Path) -> None:
    """The state an add of `/api/v3/...` once left: a tag `api` whose module is the routes
    module, its route after `return root.asgi_app()`, its handler below."""
    config = repo / "scaffold.toml"
    text = config.read_text().replace('    "definitions.yaml",\n', '    "api.yaml",\n    "definitions.yaml",\n', 1)
    config.write_text(text + '\n[tags.api]\nresource = "api"\nsection = "Api"\npaths = ["/api"]\n')
    (repo / "api/v4/source/api.yaml").write_text(
        '  "/api/v4/api/v3/users/{user_id}/sessions":\n    get:\n      tags:\n        - api\n'
        "      summary: Get api v3 user sessions\n      description: |\n        Get them.\n"
        "        ##### Permissions\n        Must be authenticated.\n      operationId: GetApiV3UserSessions\n"
        '      parameters:\n        - $ref: "#/components/parameters/UserId"\n      responses:\n'
        '        "200":\n          description: Sessions retrieval successful\n'
        '        "400":\n          $ref: "#/components/responses/BadRequest"\n'
        '        "401":\n          $ref: "#/components/responses/Unauthorized"\n'
        '        "404":\n          $ref: "#/components/responses/NotFound"\n'
    )
    routes = repo / "server/api4/api.py"
    routes.write_text(
        routes.read_text()
        + '    api.routes.api_root.handle(\n        "/api/v3/users/{user_id}/sessions",\n'
        + '        api.api_session_required(get_api_v3_user_sessions),\n        "GET",\n    )\n\n\n'
        + "def get_api_v3_user_sessions(c: Context) -> Response | None:\n    return None\n"
    )
    before = routes.read_text()
    first, second, after_first = _fix_twice(cli, repo)
    assert routes.read_text() == before  # once: three definitions of the handler after two runs
    # Refused as another prefix where the route is read, or left as a stale doc where it is not.
    assert "/api/v3 is not this server's API prefix" in first.stderr or "fixed GET" not in first.stdout
    assert second.stdout == "", second.stdout
    assert tree_digest(repo) == after_first


# -- item 10: every scalar through the emitter; a dry run validates ------------------------------


@pytest.mark.parametrize("name", ["Yes", "True", "No", "Off", "On", "Y", "N", "Null"])
def test_a_name_yaml_reads_as_a_boolean_stays_a_name(cli: Cli, repo: Path, name: str) -> None:
    report = add(cli, repo, "GET", "/widgets", "--permission", "none", "--name", name)
    text = (repo / "api/v4/source/widgets.yaml").read_text()
    assert yaml.safe_load(text)["/api/v4/widgets"]["get"]["operationId"] == name == report["endpoint"]["operation_id"]
    # Quoted for every reader: some YAML 1.1 readers take `Y` and `N` for booleans too.
    assert f"operationId: '{name}'\n" in text


def test_parameter_and_field_names_yaml_reads_otherwise_stay_names(cli: Cli, repo: Path) -> None:
    add(cli, repo, "POST", "/gadgets/{on}", "--permission", "none", "--body", "yes:string,null:int?", "--query", "off:bool")
    operation = yaml.safe_load((repo / "api/v4/source/gadgets.yaml").read_text())["/api/v4/gadgets/{on}"]["post"]
    assert [p["name"] for p in operation["parameters"]] == ["on", "off"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["yes"] and list(schema["properties"]) == ["yes", "null"]
    assert check_errors(repo) == []


def test_a_dry_run_refuses_what_the_real_run_refuses(cli: Cli, repo: Path) -> None:
    # An override that writes the name unquoted: the plan does not validate.
    template = (Path(__file__).parents[1] / "templates/doc_operation.yaml.jinja").read_text()
    overrides = repo / ".scaffold/templates"
    overrides.mkdir(parents=True)
    (overrides / "doc_operation.yaml.jinja").write_text(template.replace("{{ operation_id | yaml }}", "{{ operation_id }}"))
    before = tree_digest(repo)
    args = ["endpoint", "add", "GET", "/widgets", "--name", "Yes", "--permission", "none", "--repo", str(repo)]
    dry, real = cli(*args, "--dry-run"), cli(*args, "--yes")
    assert dry.exit_code == real.exit_code == 1
    assert dry.stderr == real.stderr
    assert re.match(r"error: .*api/v4/source/widgets.yaml:\d+: invalid OpenAPI .*operationId", dry.stderr), dry.stderr
    assert dry.stdout == ""
    assert tree_digest(repo) == before


# -- item 11: names another endpoint has -----------------------------------------------------------


def test_a_list_and_its_item_get_distinct_names(cli: Cli, repo: Path) -> None:
    assert add(cli, repo, "GET", "/emoji", "--permission", "none")["endpoint"]["operation_id"] == "GetEmoji"
    item = add(cli, repo, "GET", "/emoji/{emoji_id}", "--permission", "none")
    assert item["endpoint"]["operation_id"] == "GetEmojiById"
    assert check_errors(repo) == []


def test_a_list_added_after_its_item_is_named_a_list(cli: Cli, repo: Path) -> None:
    assert add(cli, repo, "GET", "/emoji/{emoji_id}", "--permission", "none")["endpoint"]["operation_id"] == "GetEmoji"
    result = cli("endpoint", "add", "GET", "/emoji", "--permission", "none", "--repo", str(repo))
    assert result.exit_code == 0, result.stderr
    assert "added GET /api/v4/emoji (GetEmojiList)" in result.stdout
    assert "GetEmoji is the name of GET /api/v4/emoji/{emoji_id}" in result.stdout
    assert check_errors(repo) == []


def test_a_path_whose_name_another_endpoint_has_is_named_by_its_parameter(cli: Cli, repo: Path) -> None:
    report = add(cli, repo, "GET", "/users/{user_id}/{thing}", "--permission", "none")
    assert report["endpoint"]["operation_id"] == "GetUserByThing"
    assert check_errors(repo) == []


def test_a_name_said_that_another_endpoint_has_is_refused_saying_which(cli: Cli, repo: Path) -> None:
    before = tree_digest(repo)
    result = cli("endpoint", "add", "GET", "/users/{user_id}/{thing}", "--name", "GetUser", "--permission", "none", "--repo", str(repo))
    assert_refused(result, "the name GetUser is taken by GET /api/v4/users/{user_id} (server/api4/user.py:")
    assert "already exists" not in result.stderr
    assert "--name GetUserByThing" in result.stderr
    assert tree_digest(repo) == before
