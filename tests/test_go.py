"""A Go server: `endpoint list`, `check` and `checklist` read it; add, remove and fix refuse it.

tests/fixtures/go-server is a small server shaped like Mattermost's — a Routes registry, three
resource files and a local one, a sectioned Client4, tests with the Check*Status helpers, a
docs tree — with one gap planted for each rule (`PLANTED`). No Go toolchain is needed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scaffold.errors import RepoLayoutError
from scaffold.model.golayout import GoLayout
from scaffold.repo.cache import code_sources
from scaffold.scan.go import tests as go_tests
from scaffold.scan.go.driver import driver_facts
from scaffold.scan.go.syntax import parse_go, string_value
from scaffold.scan.go.template import documented_paths
from tests.conftest import Cli
from tests.edits import edit, line_of

FIXTURE = Path(__file__).parent / "fixtures" / "go-server"
API4 = "server/channels/api4"
DRIVER = "server/public/model/client4.go"


@pytest.fixture
def go_repo(tmp_path: Path) -> Path:
    target = tmp_path / "go-server"
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns(".scaffold"))
    return target


def at(repo: Path, path: str, needle: str) -> tuple[str, int]:
    return path, line_of(repo / path, needle)


def doc(repo: Path, fragment: str, path_key: str) -> tuple[str, int]:
    """Where a fragment documents the (only) operation of a path: its method's line."""
    where = f"api/v4/source/{fragment}"
    return where, line_of(repo / where, f"{path_key}:") + 1


def planted(repo: Path) -> list[tuple[str, str, int]]:
    """(rule, path, line) of each gap planted in the fixture, and of nothing else."""
    return sorted([
        ("undocumented-route", *at(repo, f"{API4}/user.go", 'Handle("/nudge",')),
        ("stale-doc", *doc(repo, "teams.yaml", '"/api/v4/teams/{team_id}/stats"')),
        ("missing-driver", *at(repo, f"{API4}/widget.go", "(deleteWidget)")),
        ("missing-tests", *at(repo, f"{API4}/widget.go", "(deleteWidget)")),
        ("missing-tests", *at(repo, f"{API4}/team.go", "(getTeams)")),
        ("orphan-driver", *at(repo, DRIVER, "func (c *Client4) GetWidgetHistory(")),
        ("missing-status-case", *at(repo, f"{API4}/user_test.go", "func TestGetUser(")),
        ("doc-status-mismatch", *doc(repo, "teams.yaml", '"/api/v4/teams/{team_id}"')),
        ("path-params-mismatch", *doc(repo, "widgets.yaml", '"/api/v4/widgets/{id}"')),
        ("operation-id", *at(repo, "api/v4/source/teams.yaml", "operationId: JoinTeamByInvite")),
    ])


def findings(cli: Cli, repo: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    result = cli("check", "--repo", str(repo), "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)["findings"]


# -- endpoint list ---------------------------------------------------------------------------


def test_list_finds_every_registered_route_in_its_documented_form(cli: Cli, go_repo: Path) -> None:
    result = cli("endpoint", "list", "--repo", str(go_repo), "--format", "json")
    assert result.exit_code == 0
    routed = {
        (e["method"], e["path"]) for e in json.loads(result.stdout) if e["artifacts"]["route"]
    }
    assert routed == {
        ("POST", "/api/v4/users"),
        ("POST", "/api/v4/users/login"),  # registered through a wrapper of a wrapper
        ("DELETE", "/api/v4/users"),  # only on the local socket
        ("GET", "/api/v4/users/{user_id}"),  # `{user_id:[A-Za-z0-9]+}` as documented
        ("GET", "/api/v4/users/{user_id}/image"),  # "GET", "HEAD": HEAD comes with GET
        ("POST", "/api/v4/users/{user_id}/nudge"),  # over two lines, with http.MethodPost
        ("GET", "/api/v4/teams"),
        ("GET", "/api/v4/teams/{team_id}"),
        ("POST", "/api/v4/teams/{team_id}/members"),
        ("POST", "/api/v4/teams/{team_id}/open/join"),  # `{join_kind:open|invite}`: two paths
        ("POST", "/api/v4/teams/{team_id}/invite/join"),
        ("GET", "/api/v4/widgets/{widget_id}"),  # the code's prefix, not the stale comment's
        ("DELETE", "/api/v4/widgets/{widget_id}"),
        ("PUT", "/api/v4/widgets/{widget_id}/pin"),
        ("DELETE", "/api/v4/widgets/{widget_id}/pin"),
    }


def test_list_places_each_artifact(cli: Cli, go_repo: Path) -> None:
    result = cli("endpoint", "list", "--repo", str(go_repo), "--format", "json")
    entry = next(
        e
        for e in json.loads(result.stdout)
        if (e["method"], e["path"]) == ("GET", "/api/v4/users/{user_id}")
    )
    where = {name: (a["path"], a["line"]) for name, a in entry["artifacts"].items()}
    assert where == {
        "docs": doc(go_repo, "users.yaml", '"/api/v4/users/{user_id}"'),
        "route": at(go_repo, f"{API4}/user.go", "(getUser)).Methods"),
        "handler": at(go_repo, f"{API4}/user.go", "func getUser("),
        "driver": at(go_repo, DRIVER, "func (c *Client4) GetUser("),
        "tests": at(go_repo, f"{API4}/user_test.go", "func TestGetUser("),
    }


def test_a_handler_belongs_to_the_package(cli: Cli, go_repo: Path) -> None:
    result = cli("endpoint", "list", "--repo", str(go_repo), "--format", "json")
    entry = next(
        e for e in json.loads(result.stdout) if (e["method"], e["path"]) == ("DELETE", "/api/v4/users")
    )
    assert (entry["artifacts"]["route"]["path"], entry["artifacts"]["handler"]["path"]) == (
        f"{API4}/user_local.go",
        f"{API4}/user.go",
    )


def test_the_status_matrix_is_read_from_the_go_code(cli: Cli, go_repo: Path) -> None:
    result = cli("check", "--repo", str(go_repo), "--format", "json")
    required = {
        (e["method"], e["path"]): [c["status"] for c in e["cases"] if c["required"]]
        for e in json.loads(result.stdout)["endpoints"]
    }
    # an Etag (304), a permission (403), a path parameter (400), a session (401); a 404 comes
    # from the app layer, which the code does not show: the doc promises it
    assert required["GET", "/api/v4/users/{user_id}"] == [200, 304, 400, 401, 403]
    # w.WriteHeader(http.StatusCreated), a body read (400), a public route (no 401)
    assert required["POST", "/api/v4/users"] == [201, 400]
    # the local socket has no session: no 401
    assert required["DELETE", "/api/v4/users"] == [200]
    # a handler that writes no status answers 200, even to a POST
    assert required["POST", "/api/v4/teams/{team_id}/open/join"] == [200, 400, 401]


# -- check -----------------------------------------------------------------------------------


def test_check_reports_exactly_the_planted_gaps(cli: Cli, go_repo: Path) -> None:
    code, found = findings(cli, go_repo)
    assert code == 1
    # A list, not a set: two findings of one rule at one line are two gaps.
    assert sorted((f["rule"], f["path"], f["line"]) for f in found) == planted(go_repo)
    assert not any(f["fixable"] for f in found)  # scaffold writes no Go


def test_findings_name_go_code(cli: Cli, go_repo: Path) -> None:
    _, found = findings(cli, go_repo)
    by_rule = {f["rule"]: f for f in found}
    case = by_rule["missing-status-case"]
    assert "getUser calls c.SetPermissionError('view_members')" in case["message"]
    assert case["fix"] == "assert CheckForbiddenStatus(t, resp) on Client4.GetUser(...) in TestGetUser"
    assert "expected Client4.DeleteWidget" in by_rule["missing-driver"]["message"]
    assert "register GET /api/v4/widgets/{widgetID}/history in an Init function" in by_rule["orphan-driver"]["fix"]


def test_a_status_asserted_through_another_driver_method_counts(cli: Cli, go_repo: Path) -> None:
    # TestGetUser asserts 401 only of Client4.GetMe, which requests GET /users/me.
    test = go_repo / API4 / "user_test.go"
    edit(test, "CheckUnauthorizedStatus(t, resp)\n}\n\nfunc TestGetUserImage", "}\n\nfunc TestGetUserImage")
    _, found = findings(cli, go_repo)
    assert ("missing-status-case", "GET /api/v4/users/{}#401") in {(f["rule"], f["key"]) for f in found}


def test_the_app_layer_is_no_client(cli: Cli, go_repo: Path) -> None:
    test = go_repo / API4 / "team_test.go"
    edit(
        test,
        "_, resp, err = th.Client.GetTeam(context.Background(), th.CreateTeam().Id)",
        "_, resp, err = th.App.GetTeam(context.Background(), th.CreateTeam().Id)",
    )
    _, found = findings(cli, go_repo)
    assert ("missing-status-case", "GET /api/v4/teams/{}#403") in {(f["rule"], f["key"]) for f in found}


def test_a_route_only_on_the_local_socket_needs_no_doc(cli: Cli, go_repo: Path) -> None:
    local = go_repo / API4 / "user_local.go"
    edit(local, "api.APILocal(deleteAllUsers)", "api.APISessionRequired(deleteAllUsers)")
    _, found = findings(cli, go_repo)
    assert ("undocumented-route", "DELETE /api/v4/users") in {(f["rule"], f["key"]) for f in found}


def test_baseline_then_a_removed_doc_fails_at_its_route(cli: Cli, go_repo: Path) -> None:
    baseline = go_repo / "baseline.json"
    assert cli("check", "--repo", str(go_repo), "--write-baseline", str(baseline)).exit_code == 0
    assert cli("check", "--repo", str(go_repo), "--baseline", str(baseline)).exit_code == 0
    docs = go_repo / "api/v4/source/users.yaml"
    text = docs.read_text(encoding="utf-8")
    docs.write_text(text[: text.index('  "/api/v4/users/{user_id}/image":')], encoding="utf-8")
    code, found = findings(cli, go_repo, "--baseline", str(baseline))
    assert code == 1
    assert [(f["rule"], f["path"], f["line"]) for f in found] == [
        ("undocumented-route", *at(go_repo, f"{API4}/user.go", "(getUserImage)"))
    ]


def test_checklist_shows_the_items_of_a_go_endpoint(cli: Cli, go_repo: Path) -> None:
    result = cli("checklist", "GET", "/users/<user_id>", "--repo", str(go_repo), "--format", "json")
    assert result.exit_code == 0
    items = {item["number"]: item for item in json.loads(result.stdout)["items"]}
    assert [items[n]["state"] for n in (1, 2, 3)] == ["done", "done", "done"]
    assert items[4]["state"] == "missing"
    assert "403: missing — no test asserts CheckForbiddenStatus(t, resp)" in items[4]["details"]
    assert all("scaffold endpoint add" not in (item["command"] or "") for item in items.values())


# -- what stays Python-only, and bad input ---------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["endpoint", "add", "GET", "/widgets/{widget_id}/owner"], id="add"),
        pytest.param(["endpoint", "remove", "GET", "/widgets/{widget_id}"], id="remove"),
        pytest.param(["check", "--fix"], id="fix"),
    ],
)
def test_writing_commands_refuse_a_go_server(cli: Cli, go_repo: Path, args: list[str]) -> None:
    before = {p: p.read_bytes() for p in go_repo.rglob("*") if p.is_file()}
    result = cli(*args, "--repo", str(go_repo))
    assert result.exit_code == 2
    line = line_of(go_repo / "scaffold.toml", 'language = "go"')
    assert result.stderr.startswith("error: ") and f"scaffold.toml:{line}: " in result.stderr
    assert "writes Python only" in result.stderr and result.stderr.count("\n") == 1
    assert {p: p.read_bytes() for p in before} == before


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        pytest.param('language = "go"', 'language = "rust"', "language must be one of", id="language"),
        pytest.param("APILocal = \"local\"", "APILocal = \"nobody\"", "[go.wrappers] APILocal", id="wrapper"),
        pytest.param("[go.wrappers]", "[go]\nroutes_registry = 1\n[go.wrappers]", "no setting", id="unknown-key"),
    ],
)
def test_a_bad_go_layout_is_one_located_error(
    cli: Cli, go_repo: Path, old: str, new: str, fragment: str
) -> None:
    edit(go_repo / "scaffold.toml", old, new)
    result = cli("check", "--repo", str(go_repo))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "scaffold.toml:" in result.stderr
    assert fragment in result.stderr and result.stderr.count("\n") == 1


def test_a_go_syntax_error_is_one_located_error(cli: Cli, go_repo: Path) -> None:
    edit(go_repo / API4 / "team.go", "func getTeams(c *Context", "func getTeams(c *Context,,")
    result = cli("check", "--repo", str(go_repo))
    assert result.exit_code == 2
    line = line_of(go_repo / API4 / "team.go", "func getTeams(")
    assert result.stderr.startswith("error: ") and f"{API4}/team.go:{line}: Go syntax error" in result.stderr
    assert result.stderr.count("\n") == 1


# -- the readers, on small inputs ------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "paths"),
    [
        pytest.param("/users/{user_id:[A-Za-z0-9]+}", ["/users/{user_id}"], id="pattern"),
        pytest.param("/users/{user_id}", ["/users/{user_id}"], id="plain"),
        pytest.param("/x/{code:[0-9]{4}}/y", ["/x/{code}/y"], id="braces-in-pattern"),
        pytest.param("/g/{kind:teams|channels}/{id}", ["/g/teams/{id}", "/g/channels/{id}"], id="words"),
        pytest.param("/{ws:websocket(?:\\/)?}", ["/websocket"], id="optional-slash"),
        pytest.param("/e/{name:.+\\.zip}", ["/e/{name}"], id="regex"),
    ],
)
def test_documented_paths(template: str, paths: list[str]) -> None:
    assert documented_paths(template, "api.go", 1) == paths


def test_an_unbalanced_template_is_located() -> None:
    with pytest.raises(RepoLayoutError) as raised:
        documented_paths("/users/{user_id", "server/api4/user.go", 7)
    assert raised.value.location == "server/api4/user.go:7"


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        pytest.param(r'"/users/{username:[A-Za-z0-9\\_\\-]+}"', r"/users/{username:[A-Za-z0-9\_\-]+}", id="escapes"),
        pytest.param('"tab\\there\\u00e9"', "tab\there\u00e9", id="unicode"),
        pytest.param("`/groups/{remote_id}/link`", "/groups/{remote_id}/link", id="raw"),
    ],
)
def test_string_literals(literal: str, value: str) -> None:
    tree = parse_go(f"package p\n\nvar x = {literal}\n", "p.go")
    node = tree.root_node.named_children[1].named_children[0].child_by_field_name("value").named_children[0]
    assert string_value(node) == value


_DRIVER = """package model

type Client4 struct{ APIURL string }

func (c *Client4) DoAPIRequest(ctx context.Context, method, url string) (*http.Response, error) {
	rq, _ := http.NewRequestWithContext(ctx, method, url, nil)
	return c.HTTPClient.Do(rq)
}

func (c *Client4) DoAPIGet(ctx context.Context, url string) (*http.Response, error) {
	return c.DoAPIRequest(ctx, http.MethodGet, c.APIURL+url)
}

func (c *Client4) thingRoute(id string) string {
	return fmt.Sprintf("/things/%s", id)
}

func (c *Client4) GetThing(ctx context.Context, thingID string) (*Response, error) {
	r, err := c.DoAPIGet(ctx, c.thingRoute(thingID))
	return BuildResponse(r), err
}

func (c *Client4) GetThings(ctx context.Context, page int) (*Response, error) {
	var query string
	if page > 0 {
		query = fmt.Sprintf("?page=%d", page)
	}
	r, err := c.DoAPIGet(ctx, "/things"+query)
	return BuildResponse(r), err
}

func (c *Client4) AnyURL(ctx context.Context, url string) (*Response, error) {
	r, err := c.DoAPIRequest(ctx, "POST", c.APIURL+url)
	return BuildResponse(r), err
}

func (c *Client4) Authorize(ctx context.Context) (*Response, error) {
	r, err := c.DoAPIRequest(ctx, http.MethodPost, c.URL+"/oauth/authorize")
	return BuildResponse(r), err
}
"""


def test_the_driver_finds_its_senders_and_evaluates_urls() -> None:
    bases = {"APIURL": "/api/v4", "URL": ""}
    methods, helpers, _ = driver_facts(_DRIVER, "client4.go", "Client4", bases, "/api/v4")
    assert [(m.name, m.method, m.path) for m in methods] == [
        ("GetThing", "GET", "/things/{thingID}"),
        ("GetThings", "GET", "/things"),  # the query string is no part of the path
        ("Authorize", "POST", None),  # outside the API: not matched to its routes
    ]  # DoAPIGet and AnyURL hand on a URL they are given: senders, not driver methods
    assert [(h.name, h.path) for h in helpers] == [("thingRoute", "/things/{id}")]


def test_a_driver_file_without_the_driver_type_is_located() -> None:
    with pytest.raises(RepoLayoutError) as raised:
        driver_facts("package model\n", "client4.go", "Client4", {}, "/api/v4")
    assert "no methods of Client4" in raised.value.message


def test_tests_follow_responses_through_clients_of_every_kind() -> None:
    source = """package api4

func TestThing(t *testing.T) {
	th := Setup(t)
	c := th.Client
	_, resp, err := c.GetThing(ctx, "junk")
	CheckBadRequestStatus(t, resp)
	th.TestForAllClients(t, func(t *testing.T, anyone *model.Client4) {
		_, resp, err = anyone.GetThing(ctx, id)
		CheckOKStatus(t, resp)
	})
	_, resp = th.App.GetThing(id)
	CheckNotFoundStatus(t, resp)
}

func helperNotATest(x int) {}
"""
    (case,) = go_tests.tests_facts(source, "thing_test.go", GoLayout().status_checks, GoLayout().clients, "Client4")
    assert case.name == "TestThing"
    assert case.driver_calls == ("GetThing",)
    assert [(c.driver_method, c.status) for c in case.checks] == [("GetThing", 400), ("GetThing", 200)]


def test_the_cache_key_covers_every_reader() -> None:
    sources = {p.as_posix() for p in code_sources()}
    assert any(p.endswith("scaffold/scan/go/driver.py") for p in sources)
    assert any(p.endswith("scaffold/commands/rules/coverage.py") for p in sources)
