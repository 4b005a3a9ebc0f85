"""Tags as a real docs tree names them: a display name, a fragment and a module apart; a path
beside its nearest documented siblings; the Makefile as a build list; a new tag in its group."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scaffold.model.layout import parse_layout
from scaffold.repo.open import open_repo
from scaffold.scan.scanner import scan
from tests.conftest import tree_digest
from tests.tagtree import SOURCE, docs_tree, read_exact, write_exact

DOCS_ONLY = ("--only", "docs", "--permission", "none", "--yes")


@pytest.fixture
def tree(repo: Path) -> Path:
    return docs_tree(repo)


def operation(repo: Path, fragment: str, path: str, method: str = "get") -> dict:
    data = yaml.safe_load(read_exact(repo / SOURCE / fragment))
    return data[f"/api/v4{path}"][method]


def add(cli, repo: Path, *args: str):  # type: ignore[no-untyped-def]
    return cli("endpoint", "add", *args, "--repo", str(repo))


# ---------------------------------------------------------------------------------------------
# Where a path goes, and its tag


def test_tags_are_read_from_the_fragments(tree: Path) -> None:
    from scaffold.scan.tags import TagIndex

    layout = open_repo(tree)
    tags = TagIndex(layout, scan(layout).docs).tags
    named = {tag.name: tag.fragment for tag in tags.values()}
    assert named["data retention"] == "dataretention.yaml"
    assert named["OAuth"] == "oauth.yaml"
    assert tags["dataretention"].resource == "data_retention"
    assert tags["oauth"].name == "OAuth" and tags["oauth"].resource == "oauth"


def test_a_path_goes_to_its_nearest_siblings_fragment_with_its_tag(cli, tree: Path) -> None:
    result = add(cli, tree, "GET", "/data_retention/policies/{policy_id}", "--name", "GetPolicyById", *DOCS_ONLY)
    assert result.exit_code == 0, result.output
    assert operation(tree, "dataretention.yaml", "/data_retention/policies/{policy_id}")["tags"] == ["data retention"]
    assert not (tree / SOURCE / "data_retention.yaml").exists()
    result = add(cli, tree, "POST", "/oauth/apps/{app_id}/regenerate_secret", *DOCS_ONLY)
    assert result.exit_code == 0, result.output
    assert operation(tree, "oauth.yaml", "/oauth/apps/{app_id}/regenerate_secret", "post")["tags"] == ["OAuth"]
    # No fragment is named for /channels: the siblings' is bookmarks.yaml.
    result = add(cli, tree, "POST", "/channels/{channel_id}/bookmarks/{bookmark_id}/sort_order", *DOCS_ONLY)
    assert result.exit_code == 0, result.output
    assert operation(tree, "bookmarks.yaml", "/channels/{channel_id}/bookmarks/{bookmark_id}/sort_order", "post")["tags"] == ["bookmarks"]


def test_a_tag_is_given_by_its_display_name(cli, tree: Path) -> None:
    before = read_exact(tree / "api/Makefile"), read_exact(tree / "scaffold.toml")
    result = add(cli, tree, "GET", "/retention/summary", "--tag", "data retention", *DOCS_ONLY)
    assert result.exit_code == 0, result.output
    assert operation(tree, "dataretention.yaml", "/retention/summary")["tags"] == ["data retention"]
    assert (read_exact(tree / "api/Makefile"), read_exact(tree / "scaffold.toml")) == before


@pytest.mark.parametrize(
    "table",
    [
        pytest.param('[tags.retention]\nname = "data retention"\nfragment = "dataretention.yaml"\n', id="named"),
        pytest.param('[tags.dataretention]\npaths = ["/retention"]\n', id="keyed-by-its-file"),
    ],
)
def test_a_table_describes_a_tag_named_otherwise_than_its_file(cli, repo: Path, table: str) -> None:
    tree = docs_tree(repo, tables="\n" + table)
    result = add(cli, tree, "GET", "/retention/other", *DOCS_ONLY) if "paths" in table else add(
        cli, tree, "GET", "/retention/other", "--tag", "retention", *DOCS_ONLY
    )
    assert result.exit_code == 0, result.output
    assert operation(tree, "dataretention.yaml", "/retention/other")["tags"] == ["data retention"]


def test_a_configured_prefix_wins_over_as_deep_a_sibling() -> None:
    from scaffold.scan.tags import TagIndex

    text = read_exact(Path(__file__).parents[1] / "reference" / "scaffold.toml")
    layout = parse_layout(Path("/r"), text)
    index = TagIndex(layout, [])
    assert index.place("/users/{user_id}/status/custom").tag.name == "status"
    assert index.place("/teams/{team_id}/channels/search").tag.name == "channels"


# ---------------------------------------------------------------------------------------------
# A new tag: the Makefile, scaffold.toml, the introduction's tags and groups


def test_a_new_tag_joins_the_makefile_and_a_tag_group(cli, tree: Path) -> None:
    before = tree_digest(tree)
    result = add(cli, tree, "GET", "/widgets/{widget_id}", *DOCS_ONLY)
    assert result.exit_code == 0, result.output
    makefile = read_exact(tree / "api/Makefile")
    assert "\t@cat $(SOURCE)/bookmarks.yaml >> $(SPEC)\n\t@cat $(SOURCE)/widgets.yaml >> $(SPEC)\n\t@cat $(SOURCE)/definitions.yaml" in makefile
    intro = yaml.safe_load(read_exact(tree / SOURCE / "introduction.yaml"))
    assert "widgets" in [t["name"] for t in intro["tags"]]
    assert "widgets" in next(g for g in intro["x-tagGroups"] if g["name"] == "Endpoints")["tags"]
    if shutil.which("make"):
        # Built as the Makefile builds it, the spec has the new operation.
        subprocess.run(["make", "-s", "-C", str(tree / "api"), "build-v4"], check=True, capture_output=True)
        spec = yaml.safe_load(read_exact(tree / "api/v4/html/static/openapi-v4.yaml"))
        assert spec["paths"]["/api/v4/widgets/{widget_id}"]["get"]["tags"] == ["widgets"]
        shutil.rmtree(tree / "api/v4/html")
    result = cli("endpoint", "remove", "GET", "/widgets/{widget_id}", "--yes", "--repo", str(tree))
    assert result.exit_code == 0, result.output
    assert tree_digest(tree) == before


def test_a_new_tag_in_a_repo_with_both_build_lists_edits_both(cli, repo: Path) -> None:
    tree = docs_tree(repo)
    config = read_exact(tree / "scaffold.toml").replace(
        "[docs]\n",
        '[docs]\nbuild = ["introduction.yaml", "users.yaml", "files.yaml", "dataretention.yaml", '
        '"oauth.yaml", "bookmarks.yaml", "definitions.yaml"]\n',
    )
    write_exact(tree / "scaffold.toml", config)
    before = tree_digest(tree)
    assert add(cli, tree, "GET", "/widgets", *DOCS_ONLY).exit_code == 0
    layout = open_repo(tree)
    assert layout.build[-2:] == ("widgets.yaml", "definitions.yaml") and layout.makefile == "api/Makefile"
    assert cli("endpoint", "remove", "GET", "/widgets", "--yes", "--repo", str(tree)).exit_code == 0
    assert tree_digest(tree) == before


def test_the_makefile_is_the_build_list_when_scaffold_toml_has_none(tree: Path) -> None:
    layout = open_repo(tree)
    assert layout.makefile == "api/Makefile"
    assert layout.build == (
        "introduction.yaml", "users.yaml", "files.yaml", "dataretention.yaml", "oauth.yaml",
        "bookmarks.yaml", "definitions.yaml",
    )


def test_a_makefile_that_disagrees_with_scaffold_toml_is_refused(cli, tree: Path) -> None:
    config = read_exact(tree / "scaffold.toml").replace(
        "[docs]\n", '[docs]\nbuild = ["introduction.yaml", "users.yaml", "oauth.yaml", "files.yaml", '
        '"dataretention.yaml", "bookmarks.yaml", "definitions.yaml"]\n'
    )
    write_exact(tree / "scaffold.toml", config)
    before = tree_digest(tree)
    result = cli("endpoint", "list", "--repo", str(tree))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "api/Makefile:15: api/Makefile concatenates files.yaml where [docs] build of scaffold.toml has oauth.yaml" in result.stderr
    assert tree_digest(tree) == before


def test_a_tag_group_that_would_not_round_trip_is_refused_whole(cli, tree: Path) -> None:
    intro = tree / SOURCE / "introduction.yaml"
    # Flow sequences with odd spacing: ruamel.yaml would write the node back otherwise.
    write_exact(intro, read_exact(intro).replace("    tags:\n      - introduction\n", "    tags: [ introduction ,  users ]\n"))
    before = tree_digest(tree)
    result = add(cli, tree, "GET", "/widgets", *DOCS_ONLY)
    assert result.exit_code == 2
    assert "introduction.yaml:28: cannot edit the node at this line in place" in result.stderr
    assert tree_digest(tree) == before


# ---------------------------------------------------------------------------------------------
# Typos, and tags that cannot hold an endpoint (issue 12, items 4, 6, 7 and 16)


def test_a_mistyped_first_segment_is_refused_off_a_terminal_with_the_nearest(cli, tree: Path) -> None:
    before = tree_digest(tree)
    result = add(cli, tree, "GET", "/usres/{user_id}/sessions", *DOCS_ONLY)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "would start a new tag 'usres'" in result.stderr and "did you mean /users?" in result.stderr
    assert "pass --tag usres" in result.stderr
    assert tree_digest(tree) == before
    result = add(cli, tree, "GET", "/usres/{user_id}/sessions", "--tag", "usres", *DOCS_ONLY)
    assert result.exit_code == 0, result.output
    assert (tree / SOURCE / "usres.yaml").is_file()


def test_a_mistyped_parameter_is_refused_with_its_siblings_name(cli, tree: Path) -> None:
    before = tree_digest(tree)
    result = add(cli, tree, "GET", "/users/{userid}/sessions", *DOCS_ONLY)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "{userid}: the documented paths beside it call it {user_id}" in result.stderr
    assert "write /api/v4/users/{user_id}/sessions" in result.stderr
    assert tree_digest(tree) == before


def test_a_new_first_segment_unlike_any_other_still_makes_a_tag(cli, tree: Path) -> None:
    assert add(cli, tree, "GET", "/gadgets", *DOCS_ONLY).exit_code == 0
    assert (tree / SOURCE / "gadgets.yaml").is_file()


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        pytest.param("introduction", "introduction.yaml, the introduction (the spec's header), not a path fragment", id="introduction"),
        pytest.param("definitions", "definitions.yaml, the definitions (the shared components), not a path fragment", id="definitions"),
        pytest.param("api", "server/api4/api.py, the routes module ([server] routes)", id="routes-module"),
        pytest.param("client4", "server/model/client4.py", id="not-the-driver"),
        pytest.param("user_test", "server/api4/user_test.py, the tests module of the resource 'user'", id="tests-module"),
        pytest.param("class", "gives no usable module name", id="keyword"),
        pytest.param("", "is empty", id="empty"),
    ],
)
def test_a_tag_that_cannot_hold_an_endpoint_is_refused_in_one_line(cli, repo: Path, tag: str, message: str) -> None:
    before = tree_digest(repo)
    result = add(cli, repo, "GET", "/things/{thing_id}", "--tag", tag, "--permission", "none", "--yes")
    if tag == "client4":
        assert result.exit_code == 0, result.output  # server/api4/client4.py: no clash
        return
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert message in result.stderr
    assert tree_digest(repo) == before


def test_the_tag_imports_gets_a_module_and_says_which(cli, repo: Path) -> None:
    result = add(cli, repo, "GET", "/imports/{import_id}", "--permission", "none", "--yes")
    assert result.exit_code == 0, result.output
    assert "tag 'imports': its code goes in module imports (import is a Python keyword)" in result.output
    assert (repo / "server/api4/imports.py").is_file()
    assert 'resource = "imports"' in read_exact(repo / "scaffold.toml")


def spawn(tree: Path, path: str):  # type: ignore[no-untyped-def]
    pexpect = pytest.importorskip("pexpect")
    return pexpect.spawn(
        sys.executable,
        ["-m", "scaffold", "endpoint", "add", "GET", path, "--only", "docs",
         "--summary", "Sessions", "--auth", "session", "--permission", "none", "--repo", str(tree)],
        encoding="utf-8", timeout=60, dimensions=(40, 200),
        env={"PATH": "/usr/bin:/bin", "TERM": "dumb", "NO_COLOR": "1", "PYTHONPATH": str(Path.cwd())},
    )


def test_on_a_terminal_a_new_tag_is_asked_for_with_the_nearest(tree: Path) -> None:
    child = spawn(tree, "/usres/{user_id}/sessions")
    child.expect("starts a new tag 'usres'; did you mean /users\\?")
    child.expect(r"Tag \(new, or one of .*\) \(usres\): ")
    child.sendline("users")
    child.expect(r"Apply these changes\? \[y/n\] \(y\): ")
    child.sendline("y")
    child.expect("added")
    child.wait()
    assert operation(tree, "users.yaml", "/usres/{user_id}/sessions")["tags"] == ["users"]


def test_on_a_terminal_a_mistyped_parameter_is_offered_its_siblings_name(tree: Path) -> None:
    child = spawn(tree, "/users/{userid}/sessions")
    child.expect(r"call \{userid\} \{user_id\}: write \{user_id\}\? \[y/n\] \(y\): ")
    child.sendline("y")
    child.expect(r"Apply these changes\? \[y/n\] \(y\): ")
    child.sendline("y")
    child.expect("added")
    child.wait()
    assert operation(tree, "users.yaml", "/users/{user_id}/sessions")["tags"] == ["users"]
