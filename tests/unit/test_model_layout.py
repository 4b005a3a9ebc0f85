"""scaffold.model.layout: scaffold.toml → RepoLayout, each error at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold.errors import RepoLayoutError
from scaffold.model.layout import DEFAULT_WRAPPERS, Auth, RepoLayout, TagLayout, parse_layout
from scaffold.model.reader import line_of

ROOT = Path("/repo")
REFERENCE = (Path(__file__).parents[2] / "reference" / "scaffold.toml").read_text(encoding="utf-8")

BASE = """\
[docs]
source = "api/v4/source"
build = ["introduction.yaml", "definitions.yaml"]
output = "api/v4/html/openapi.yaml"

[server]
routes = "server/api4/api.py"
handlers = "server/api4/{resource}.py"
tests = "server/api4/{resource}_test.py"
app = "server/app/{resource}.py"
context = "server/web/context.py"
driver = "server/model/client4.py"
"""


def _edit(old: str, new: str) -> str:
    assert old in BASE
    return BASE.replace(old, new)


# ---------------------------------------------------------------------------------------------
# parse_layout: what is read, and the defaults


def test_defaults_of_a_minimal_file() -> None:
    layout = parse_layout(ROOT, BASE)
    assert layout == RepoLayout(
        root=ROOT,
        docs_prefix="/api/v4",
        docs_source="api/v4/source",
        build=("introduction.yaml", "definitions.yaml"),
        docs_output="api/v4/html/openapi.yaml",
        routes="server/api4/api.py",
        handlers="server/api4/{resource}.py",
        tests="server/api4/{resource}_test.py",
        app="server/app/{resource}.py",
        context="server/web/context.py",
        driver="server/model/client4.py",
        driver_class="Client4",
        tags={},
        fixtures={},
        line_length=100,
        formatter=None,
        wrappers=DEFAULT_WRAPPERS,
    )
    assert layout.local_packages == frozenset({"server"})
    assert layout.config_path == ROOT / "scaffold.toml"


@pytest.mark.parametrize(
    ("text", "attribute", "expected"),
    [
        pytest.param(
            _edit("[docs]\n", '[docs]\nprefix = "/api/v5/"\n'),
            "docs_prefix",
            "/api/v5",
            id="prefix-without-slash",
        ),
        pytest.param(
            _edit('"api/v4/source"', '"api/v4/source/"'),
            "docs_source",
            "api/v4/source",
            id="source-without-slash",
        ),
        pytest.param(
            _edit("[server]\n", '[server]\ndriver_class = "Driver"\n'),
            "driver_class",
            "Driver",
            id="driver-class",
        ),
        pytest.param(
            BASE + '\n[server.wrappers]\npublic = "open"\n',
            "wrappers",
            {**DEFAULT_WRAPPERS, Auth.PUBLIC: "open"},
            id="one-wrapper-configured",
        ),
        pytest.param(
            BASE
            + '\n[tags.users]\nresource = "user"\nsection = "Users"\npaths = ["/users", "/me"]\n',
            "tags",
            {"users": TagLayout("users", "user", "Users", ("/users", "/me"))},
            id="tag-table",
        ),
        pytest.param(
            BASE + "\n[tags.api-keys]\n",
            "tags",
            {"api-keys": TagLayout("api-keys", "api_key", "ApiKey", ())},
            id="tag-defaults-from-its-name",
        ),
        pytest.param(
            BASE + '\n[tests]\nfixtures = { user_id = "th.basic_user.id" }\n',
            "fixtures",
            {"user_id": "th.basic_user.id"},
            id="fixtures-inline",
        ),
        pytest.param(
            BASE + '\n[tests.fixtures]\nteam_id = "th.basic_team.id"\n',
            "fixtures",
            {"team_id": "th.basic_team.id"},
            id="fixtures-table",
        ),
        pytest.param(BASE + "\n[format]\nline_length = 88\n", "line_length", 88, id="line-length"),
        pytest.param(
            BASE + "\n[format]\nline_length = 40\n", "line_length", 40, id="line-length-lowest"
        ),
        pytest.param(
            BASE + "\n[format]\nline_length = 200\n", "line_length", 200, id="line-length-highest"
        ),
        pytest.param(
            BASE + '\n[format]\ncommand = "black -q -"\n',
            "formatter",
            "black -q -",
            id="format-command",
        ),
    ],
)
def test_parse_layout_reads(text: str, attribute: str, expected: object) -> None:
    assert getattr(parse_layout(ROOT, text), attribute) == expected


def test_parse_layout_of_the_reference() -> None:
    layout = parse_layout(ROOT, REFERENCE)
    assert layout.build[0] == "introduction.yaml" and layout.build[-1] == "definitions.yaml"
    assert sorted(layout.tags) == ["channels", "posts", "status", "system", "teams", "users"]
    assert layout.tags["channels"].paths == ("/channels", "/teams/{team_id}/channels")
    assert layout.fixtures["username"] == "th.basic_user.username"


# ---------------------------------------------------------------------------------------------
# parse_layout: errors, each at its line of scaffold.toml

ERRORS = [
    pytest.param(
        "[docs\n",
        "invalid TOML: Expected ']' at the end of a table declaration",
        1,
        id="toml-syntax",
    ),
    pytest.param(BASE + "x = \n", "invalid TOML: Invalid value", 13, id="toml-syntax-late"),
    pytest.param(
        _edit('"introduction.yaml", "definitions.yaml"', ""),
        "[docs] build must list at least one fragment",
        3,
        id="build-empty",
    ),
    pytest.param(
        _edit('"definitions.yaml"]', "1]"),
        "[docs] build must be a list of strings",
        3,
        id="build-not-strings",
    ),
    pytest.param(
        _edit('"definitions.yaml"]', '"../x.yaml"]'),
        "[docs] build names '../x.yaml', outside [docs] source",
        3,
        id="build-parent",
    ),
    pytest.param(
        _edit('"definitions.yaml"]', '"/x.yaml"]'),
        "[docs] build names '/x.yaml', outside [docs] source",
        3,
        id="build-absolute",
    ),
    pytest.param(
        _edit('"definitions.yaml"]', '"a\\\\x.yaml"]'),
        "[docs] build names 'a\\\\x.yaml', outside [docs] source",
        3,
        id="build-backslash",
    ),
    pytest.param(
        _edit('output = "api/v4/html/openapi.yaml"\n', ""),
        "[docs] output must be a non-empty string",
        1,
        id="missing-key-at-its-table-header",
    ),
    pytest.param(
        _edit('routes = "server/api4/api.py"', 'routes = ""'),
        "[server] routes must be a non-empty string",
        7,
        id="empty-string",
    ),
    pytest.param(
        _edit('routes = "server/api4/api.py"', 'routes = "../api.py"'),
        "[server] routes = '../api.py' points outside the repo",
        7,
        id="path-outside",
    ),
    pytest.param(
        _edit('routes = "server/api4/api.py"', 'routes = "/srv/api.py"'),
        "[server] routes = '/srv/api.py' points outside the repo",
        7,
        id="path-absolute",
    ),
    pytest.param(
        _edit('handlers = "server/api4/{resource}.py"', 'handlers = "server/api4/user.py"'),
        "[server] handlers must contain {resource}",
        8,
        id="pattern-without-resource",
    ),
    pytest.param(
        _edit('app = "server/app/{resource}.py"', 'app = "../{resource}.py"'),
        "[server] app = '../{resource}.py' points outside the repo",
        10,
        id="pattern-outside",
    ),
    pytest.param(
        _edit("[server]\n", "[server]\ndriver_class = 3\n"),
        "[server] driver_class must be a non-empty string",
        7,
        id="not-a-string",
    ),
    pytest.param(
        BASE + '\n[server.wrappers]\npublic = ""\n',
        "[server.wrappers] public must be a non-empty string",
        15,
        id="wrapper-empty",
    ),
    pytest.param(
        BASE + '\n[tags.users]\nresource = "User"\n',
        "resource 'User' is not a snake_case identifier",
        15,
        id="tag-resource",
    ),
    pytest.param(
        BASE + '\n[tags.users]\npaths = "/users"\n',
        "[tags.users] paths must be a list of strings",
        15,
        id="tag-paths",
    ),
    pytest.param(
        BASE + "\n[tags]\nusers = 1\n", "[tags.users] must be a table", 15, id="tag-not-a-table"
    ),
    pytest.param(
        BASE + "\n[tests]\nfixtures = 1\n",
        "[tests] fixtures must be a table",
        15,
        id="fixtures-not-a-table",
    ),
    pytest.param(
        BASE + '\n[tests.fixtures]\nuser_id = ""\n',
        "[tests.fixtures] user_id must be a Python expression",
        15,
        id="fixture-empty",
    ),
    pytest.param(
        BASE + "\n[format]\nline_length = 39\n",
        "[format] line_length must be a number from 40 to 200",
        15,
        id="line-length-too-small",
    ),
    pytest.param(
        BASE + "\n[format]\nline_length = 201\n",
        "[format] line_length must be a number from 40 to 200",
        15,
        id="line-length-too-big",
    ),
    pytest.param(
        BASE + '\n[format]\nline_length = "100"\n',
        "[format] line_length must be a number from 40 to 200",
        15,
        id="line-length-string",
    ),
    pytest.param(
        BASE + '\n[format]\ncommand = " "\n',
        '[format] command must be a command line, such as "black -q -"',
        15,
        id="format-command-blank",
    ),
    # The table written inline in its parent: the error is at the parent's key.
    pytest.param(
        BASE + '\n[tests]\nfixtures = { user_id = "" }\n',
        "[tests.fixtures] user_id must be a Python expression",
        15,
        id="inline-fixtures",
    ),
    pytest.param(
        BASE.replace("[server]\n", '[server]\nwrappers = { session = "" }\n'),
        "[server.wrappers] session must be a non-empty string",
        7,
        id="inline-wrappers",
    ),
    pytest.param(
        BASE + '\n[tags]\nusers = { resource = "User" }\n',
        "resource 'User' is not a snake_case identifier",
        15,
        id="inline-tag",
    ),
    # Headers as TOML allows them: spaced, or followed by a comment.
    pytest.param(
        _edit("[server]\n", "[server]  # the code\n").replace(
            'routes = "server/api4/api.py"', 'routes = ""'
        ),
        "[server] routes must be a non-empty string",
        7,
        id="header-with-comment",
    ),
    pytest.param(
        _edit("[server]\n", "[ server ]\n").replace('routes = "server/api4/api.py"\n', ""),
        "[server] routes must be a non-empty string",
        6,
        id="header-with-spaces",
    ),
]


@pytest.mark.parametrize(("text", "message", "line"), ERRORS)
def test_parse_layout_errors(text: str, message: str, line: int) -> None:
    with pytest.raises(RepoLayoutError) as raised:
        parse_layout(ROOT, text)
    error = raised.value
    assert (error.message, error.line, error.path) == (message, line, ROOT / "scaffold.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("x = 1\n", "missing table [docs]", id="no-docs"),
        pytest.param("server = 1\n" + BASE.split("[server]")[0], "missing table [server]", id="server-not-a-table"),
        pytest.param("docs = 1\n", "missing table [docs]", id="docs-not-a-table"),
    ],
)
def test_parse_layout_missing_tables(text: str, message: str) -> None:
    with pytest.raises(RepoLayoutError) as raised:
        parse_layout(ROOT, text)
    assert (raised.value.message, raised.value.hint) == (
        message,
        "see the reference repo's scaffold.toml",
    )


def test_docs_alone_is_a_layout_of_docs_only() -> None:
    """No [server]: the docs are read as ever, nothing of code is named, nothing is generated."""
    layout = parse_layout(ROOT, BASE.split("[server]")[0] + '[tags.OAuth]\nresource = "oauth"\n')
    assert layout.docs_only and not layout.generates
    assert (layout.docs_source, layout.build) == ("api/v4/source", ("introduction.yaml", "definitions.yaml"))
    assert [key for key, _ in layout.configured_paths()] == ["docs.source", "docs.output"]
    assert layout.local_packages == frozenset()
    assert list(layout.tags) == ["OAuth"]


def test_docs_alone_refuses_a_table_about_code() -> None:
    """A misspelt [server] would otherwise turn a server repo into docs alone, silently."""
    text = BASE.split("[server]")[0] + "[servers]\nroutes = \"x.py\"\n"
    with pytest.raises(RepoLayoutError) as raised:
        parse_layout(ROOT, text)
    assert raised.value.line == 6
    assert raised.value.message.startswith("missing table [server] (a repo of docs alone has [docs] and [tags.*] only")


def test_a_server_repo_is_not_docs_only() -> None:
    assert not parse_layout(ROOT, BASE).docs_only


def test_docs_alone_still_checks_the_docs_table() -> None:
    with pytest.raises(RepoLayoutError) as raised:
        parse_layout(ROOT, BASE.split("[server]")[0].replace('build = ["introduction.yaml", "definitions.yaml"]', "build = []"))
    assert (raised.value.message, raised.value.line) == ("[docs] build must list at least one fragment", 3)


# ---------------------------------------------------------------------------------------------
# line_of

LINES = """\
[docs]
build_dir = "x"
build = []

[tags.users]  # a comment
resource = "user"

[[hooks]]
resource = "h"
"""


@pytest.mark.parametrize(
    ("table", "key", "expected"),
    [
        pytest.param("docs", "", 1, id="header"),
        pytest.param("docs", "build", 3, id="key-not-a-longer-key-it-begins"),
        pytest.param("docs", "build_dir", 2, id="key"),
        pytest.param("docs", "resource", None, id="key-of-another-table"),
        pytest.param("tags.users", "resource", 6, id="dotted-header-with-comment"),
        pytest.param("tags", "", None, id="parent-without-header"),
        pytest.param("hooks", "resource", None, id="array-of-tables-is-not-a-table"),
        pytest.param("nope", "", None, id="missing"),
    ],
)
def test_line_of(table: str, key: str, expected: int | None) -> None:
    assert line_of(LINES, table, key) == expected


# ---------------------------------------------------------------------------------------------
# RepoLayout: tags, resources, wrappers


@pytest.mark.parametrize(
    ("path", "tag"),
    [
        pytest.param("/users", "users", id="prefix"),
        pytest.param("/users/{user_id}", "users", id="under-prefix"),
        pytest.param("/users/{user_id}/status", "status", id="longest-prefix"),
        pytest.param("/users/{user_id}/status/custom", "status", id="under-longest-prefix"),
        pytest.param("/users/{user_id}/statuses", "users", id="whole-segments-only"),
        pytest.param("/teams/{team_id}", "teams", id="teams"),
        pytest.param("/teams/{team_id}/channels", "channels", id="nested-resource"),
        pytest.param("/channels/{channel_id}/posts", "posts", id="posts-of-a-channel"),
        pytest.param("/widgets/{widget_id}", "widgets", id="unknown-first-segment"),
        pytest.param("/api-keys", "api-keys", id="unknown-with-dash"),
    ],
)
def test_tag_for_path(path: str, tag: str) -> None:
    assert parse_layout(ROOT, REFERENCE).tag_for_path(path) == tag


def test_tag_for_path_tie_goes_to_the_first_configured() -> None:
    text = BASE + '\n[tags.people]\npaths = ["/users"]\n\n[tags.users]\npaths = ["/users"]\n'
    assert parse_layout(ROOT, text).tag_for_path("/users/{user_id}") == "people"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("users", TagLayout("users", "user", "User", ("/users",)), id="configured"),
        pytest.param(
            "widgets",
            TagLayout("widgets", "widget", "Widget", ("/widgets",), configured=False),
            id="derived",
        ),
        pytest.param(
            "policies",
            TagLayout("policies", "policy", "Policy", ("/policies",), configured=False),
            id="ies",
        ),
        pytest.param(
            "api-keys",
            TagLayout("api-keys", "api_key", "ApiKey", ("/api-keys",), configured=False),
            id="dash",
        ),
    ],
)
def test_tag(name: str, expected: TagLayout) -> None:
    assert parse_layout(ROOT, REFERENCE).tag(name) == expected


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        pytest.param("server/api4/{resource}.py", "server/api4/user.py", "user", id="match"),
        pytest.param(
            "server/api4/{resource}_test.py", "server/api4/team_test.py", "team", id="suffix"
        ),
        pytest.param(
            "server/api4/{resource}_test.py", "server/api4/user.py", None, id="other-suffix"
        ),
        pytest.param("server/api4/{resource}.py", "server/app/user.py", None, id="other-directory"),
        pytest.param("server/api4/{resource}.py", "server/api4/.py", None, id="empty-resource"),
        pytest.param("{resource}/handlers.py", "user/handlers.py", "user", id="resource-first"),
    ],
)
def test_resource_of(pattern: str, path: str, expected: str | None) -> None:
    assert parse_layout(ROOT, REFERENCE).resource_of(pattern, path) == expected


@pytest.mark.parametrize(
    ("text", "wrapper", "auth"),
    [
        pytest.param(BASE, "api_session_required", Auth.SESSION, id="session"),
        pytest.param(BASE, "api_handler", Auth.PUBLIC, id="public"),
        pytest.param(
            BASE, "api_session_required_trust_requester", Auth.TRUST_REQUESTER, id="trust-requester"
        ),
        pytest.param(BASE, "my_wrapper", Auth.SESSION, id="unknown-needs-a-session"),
        pytest.param(
            BASE + '\n[server.wrappers]\npublic = "open"\n', "open", Auth.PUBLIC, id="configured"
        ),
        pytest.param(
            BASE + '\n[server.wrappers]\npublic = "open"\n',
            "api_handler",
            Auth.SESSION,
            id="default-replaced",
        ),
    ],
)
def test_auth_of(text: str, wrapper: str, auth: Auth) -> None:
    layout = parse_layout(ROOT, text)
    assert layout.auth_of(wrapper) is auth
    assert layout.wrapper(auth) == wrapper or auth is Auth.SESSION
