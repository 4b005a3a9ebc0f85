"""scaffold.scan.tags and the naming of tags: tags read from the docs, where a path belongs."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold.model.layout import parse_layout
from scaffold.naming import edits_apart, fragment_name, looks_mistyped, module_name
from scaffold.scan.docs import DocOperation
from scaffold.scan.facts import Location
from scaffold.scan.tags import TagIndex

CONFIG = """\
[docs]
source = "src"
output = "out.yaml"
build = ["introduction.yaml", "users.yaml", "teams.yaml", "dataretention.yaml", "limits.yaml", "definitions.yaml"]

[server]
routes = "s/api.py"
handlers = "s/{resource}.py"
tests = "s/{resource}_test.py"
app = "a/{resource}.py"
context = "s/context.py"
driver = "s/client4.py"
"""

DOCS = [
    ("/users", "users.yaml", "users"),
    ("/users/{user_id}", "users.yaml", "users"),
    ("/users/{user_id}/threads", "users.yaml", "threads"),
    ("/users/{user_id}/teams", "teams.yaml", "teams"),
    ("/users/{user_id}/teams/{team_id}/channels", "teams.yaml", "teams"),
    ("/teams/{team_id}", "teams.yaml", "teams"),
    ("/data_retention/policy", "dataretention.yaml", "data retention"),
    ("/data_retention/policies", "dataretention.yaml", "data retention"),
    ("/limits/server", "limits.yaml", "users"),
]


def index(extra: str = "") -> TagIndex:
    layout = parse_layout(Path("/r"), CONFIG + extra)
    docs = [
        DocOperation("GET", path, None, (200,), (), False, tag, Location(f"src/{fragment}", 1))
        for path, fragment, tag in DOCS
    ]
    return TagIndex(layout, docs)


def test_each_fragment_has_the_tag_most_of_its_operations_carry() -> None:
    tags = index().tags
    assert (tags["dataretention"].name, tags["dataretention"].fragment) == ("data retention", "dataretention.yaml")
    assert (tags["limits"].name, tags["limits"].fragment) == ("users", "limits.yaml")
    assert tags["threads"].fragment == "users.yaml"  # a tag no fragment is named for
    assert index().layout.tag("data retention").fragment == "dataretention.yaml"
    assert index().layout.tag("users").fragment == "users.yaml"  # where it is used most


@pytest.mark.parametrize(
    ("path", "fragment", "tag"),
    [
        pytest.param("/data_retention/policies/{policy_id}", "dataretention.yaml", "data retention", id="sibling-not-prefix"),
        pytest.param("/users/{user_id}/threads/{thread_id}", "users.yaml", "users", id="the-fragments-tag"),
        pytest.param("/users/{user_id}/teams/members", "teams.yaml", "teams", id="deepest-sibling"),
        pytest.param("/users/{id}/teams", "teams.yaml", "teams", id="parameters-by-shape"),
        pytest.param("/limits/users", "limits.yaml", "users", id="a-fragment-of-another-tag"),
        pytest.param("/widgets", "widgets.yaml", "widgets", id="new"),
    ],
)
def test_a_path_goes_beside_its_nearest_siblings(path: str, fragment: str, tag: str) -> None:
    placement = index().place(path)
    assert (placement.tag.fragment, placement.tag.name) == (fragment, tag)
    assert placement.new == (fragment == "widgets.yaml")


def test_a_configured_prefix_as_deep_as_the_sibling_wins() -> None:
    extra = '\n[tags.teams]\npaths = ["/users/{user_id}/teams/{team_id}"]\n'
    assert index().place("/users/{user_id}/teams/{team_id}/x").tag.name == "teams"
    placement = index(extra.replace("teams]", "users]")).place("/users/{user_id}/teams/{team_id}/x")
    assert placement.tag.name == "users" and placement.tag.fragment == "users.yaml"


def test_a_table_keyed_by_its_file_takes_the_docs_name() -> None:
    tags = index('\n[tags.dataretention]\npaths = ["/retention"]\n').tags
    assert tags["dataretention"].name == "data retention" and tags["dataretention"].configured
    assert index('\n[tags.dataretention]\npaths = ["/retention"]\n').place("/retention/x").tag.name == "data retention"


def test_typos_are_told_apart_from_new_names() -> None:
    placement = index().place("/usres/{user_id}")
    assert placement.new and placement.near == ("users",)
    assert index().place("/users/{userid}/threads").params == (("userid", "user_id"),)
    assert index().place("/users/{user_ids}/threads").params == ()
    assert index().place("/imports").near == ()


@pytest.mark.parametrize(
    ("tag", "module", "fragment"),
    [
        ("users", ("user", None), "users.yaml"),
        ("data retention", ("data_retention", None), "data_retention.yaml"),
        ("OAuth", ("oauth", None), "oauth.yaml"),
        ("imports", ("imports", "import is a Python keyword"), "imports.yaml"),
        ("class", (None, None), "class.yaml"),
        ("123", (None, None), "123.yaml"),
    ],
)
def test_a_tags_module_and_fragment(tag: str, module: tuple[str | None, str | None], fragment: str) -> None:
    assert module_name(tag) == module
    assert fragment_name(tag) == fragment


@pytest.mark.parametrize(
    ("a", "b", "distance", "mistyped"),
    [
        ("usres", "users", 1, True),
        ("imports", "posts", 3, False),
        ("userid", "user_id", 1, True),
        ("chanels", "channels", 1, True),
        ("widgets", "webhooks", 6, False),
        ("users", "users", 0, False),
    ],
)
def test_edits_apart(a: str, b: str, distance: int, mistyped: bool) -> None:
    assert edits_apart(a, b) == distance
    assert looks_mistyped(a, b) is mistyped
