"""scaffold.toml → RepoLayout: where every artifact of an endpoint lives in a repo.

Parsing is a pure function of the file's text (and so is memoized: a command that reads the
layout as a plan leaves it parses each text once); opening a repo — finding it, rolling back a
killed command, refusing links out of it — is `scaffold.repo.open`.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from scaffold.errors import RepoLayoutError
from scaffold.model.dialect import Dialect, GoDialect
from scaffold.model.golayout import LOCAL, GoLayout, parse_go_layout
from scaffold.model.permissions import (
    DEFAULT_ACTORS,
    DEFAULT_PERMISSIONS,
    Actor,
    Permissions,
    parse_actors,
    parse_permissions,
)
from scaffold.model.reader import TableReader
from scaffold.model.security import SecurityLayout, parse_security
from scaffold.model.taglayout import TagLayout as TagLayout
from scaffold.model.taglayout import parse_tags
from scaffold.naming import module_name, to_pascal

CONFIG_NAME = "scaffold.toml"

#: The languages a server may be written in (`[server] language`); scaffold writes Python only.
LANGUAGES = ("python", "go")
#: The `language` of a repo whose scaffold.toml has no `[server]`: docs and nothing else.
DOCS_ONLY = "none"


class Auth(str, Enum):
    """Who may call an endpoint: a session, anyone, or a session from a trusted requester."""

    SESSION = "session"
    PUBLIC = "public"
    TRUST_REQUESTER = "trust-requester"


#: The handler wrapper that registers a route with each kind of auth (`[server.wrappers]`).
DEFAULT_WRAPPERS = {
    Auth.SESSION: "api_session_required",
    Auth.PUBLIC: "api_handler",
    Auth.TRUST_REQUESTER: "api_session_required_trust_requester",
}

_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")


@dataclass(frozen=True)
class RepoLayout:
    """Everything scaffold knows about a repo, read from its scaffold.toml."""

    root: Path
    docs_prefix: str
    docs_source: str
    build: tuple[str, ...]
    docs_output: str
    routes: str
    handlers: str
    tests: str
    app: str
    context: str
    driver: str
    driver_class: str
    tags: dict[str, TagLayout] = field(default_factory=dict)
    #: how generated tests name a valid value of a path parameter: `user_id` → `th.basic_user.id`
    fixtures: dict[str, str] = field(default_factory=dict)
    #: the line length generated Python code is formatted to
    line_length: int = 100
    #: a command that formats Python from stdin to stdout (`{path}` is the file's path)
    formatter: str | None = None
    #: the wrapper function of each kind of auth
    wrappers: dict[Auth, str] = field(default_factory=lambda: dict(DEFAULT_WRAPPERS))
    #: the roles, permissions and scopes of the repo's permission model
    permissions: Permissions = DEFAULT_PERMISSIONS
    #: who generated tests run as, least privileged first
    actors: tuple[Actor, ...] = DEFAULT_ACTORS
    #: the expression of a driver client without a session
    anonymous: str = "th.create_client()"
    #: how generated tests name a valid value of a body or query field: `password` → `th.password`
    values: dict[str, str] = field(default_factory=dict)
    #: the dotted name of the largest body the server accepts (413 above it; "": no limit)
    body_limit: str = "server.web.handlers.MAX_BODY_SIZE"
    #: the security cases' table of operations (`[tests.security]`; None: the repo has none)
    security: SecurityLayout | None = None
    #: the schema of components/schemas every id has
    id_schema: str = "Id"
    #: what opening undid of a command killed while writing, as sentences for the user
    recovered: tuple[str, ...] = ()
    #: the language of the server's code (`[server] language`), and how Go code is read (`[go]`)
    language: str = "python"
    go: GoLayout | None = None
    #: the Makefile that concatenates the fragments too, where the docs have one (`api/Makefile`)
    makefile: str = ""
    #: the interpreter that runs the repo's code (`[server] python`: inside the repo, or absolute)
    python: str | None = None

    @property
    def generates(self) -> bool:
        """True when scaffold can write endpoints into this repo (add, remove, check --fix)."""
        return self.language == "python"

    @property
    def docs_only(self) -> bool:
        """True for a repo of docs alone (no `[server]`): every command reads and writes docs only."""
        return self.language == DOCS_ONLY

    @property
    def dialect(self) -> Dialect:
        if self.go is None:
            return Dialect()
        helpers = {status: self.go.check_helper(status) for status in self.go.status_checks.values()}
        return GoDialect(helpers={status: name for status, name in helpers.items() if name})

    def serves_api(self, wrapper: str) -> bool:
        """False for a wrapper that serves its routes outside the documented API (Go's APILocal)."""
        return self.go is None or wrapper not in self.go.local_wrappers

    @property
    def local_packages(self) -> frozenset[str]:
        """The repo's own top-level Python packages (imports of these sort last)."""
        paths = (self.routes, self.handlers, self.tests, self.app, self.context, self.driver)
        return frozenset(p.split("/")[0] for p in paths if "/" in p)

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    def fragment_path(self, name: str) -> str:
        """The repo-relative path of a doc fragment named in the build list."""
        return f"{self.docs_source}/{name}"

    def handlers_module(self, resource: str) -> str:
        return self.handlers.format(resource=resource)

    def tests_module(self, resource: str) -> str:
        return self.tests.format(resource=resource)

    def app_module(self, resource: str) -> str:
        return self.app.format(resource=resource)

    def tag(self, name: str) -> TagLayout:
        """The layout of a tag: as configured (by its table's key or its name), or derived from
        its name for a new one."""
        if name in self.tags:
            return self.tags[name]
        named = next((t for t in self.tags.values() if t.name == name), None)
        if named is not None:
            return named
        resource = module_name(name)[0] or ""
        segment = "_".join(name.lower().split())
        return TagLayout(name, resource, to_pascal(resource), (f"/{segment}",), configured=False)

    def tag_for_path(self, path: str) -> str:
        """The tag a path (without the API prefix) belongs to: the longest configured prefix,
        else its first segment."""
        segments = path.strip("/").split("/")
        best, best_len = segments[0], 0
        for tag in self.tags.values():
            for prefix in tag.paths:
                prefix_segments = prefix.strip("/").split("/")
                n = len(prefix_segments)
                if n > best_len and segments[:n] == prefix_segments:
                    best, best_len = tag.name, n
        return best

    def tag_for_resource(self, resource: str) -> TagLayout | None:
        return next((t for t in self.tags.values() if t.resource == resource), None)

    def resource_of(self, pattern: str, path: str) -> str | None:
        """The resource a path of a `{resource}` pattern is for: `server/api4/user.py` → `user`."""
        head, _, tail = pattern.partition("{resource}")
        if path.startswith(head) and path.endswith(tail) and len(path) > len(head) + len(tail):
            return path[len(head) : len(path) - len(tail)]
        return None

    def wrapper(self, auth: Auth) -> str:
        return self.wrappers[auth]

    def auth_of(self, wrapper: str) -> Auth:
        """The auth a route's wrapper gives it; any wrapper not configured needs a session."""
        if self.go is not None and wrapper in self.go.wrappers:
            auth = self.go.wrappers[wrapper]
            return Auth.PUBLIC if auth == LOCAL else Auth(auth)  # the local socket has no session
        return next((auth for auth, name in self.wrappers.items() if name == wrapper), Auth.SESSION)

    def configured_paths(self) -> list[tuple[str, str]]:
        """(key, path) of every file or pattern scaffold.toml names, as repo-relative paths."""
        paths = [
            ("docs.source", self.docs_source),
            ("docs.output", self.docs_output),
            ("server.routes", self.routes),
            ("server.handlers", self.handlers),
            ("server.tests", self.tests),
            ("server.app", self.app),
            ("server.context", self.context),
            ("server.driver", self.driver),
        ]
        return [(key, path) for key, path in paths if path]  # a Go server names no app or context


@functools.lru_cache(maxsize=8)
def parse_layout(root: Path, text: str) -> RepoLayout:
    """The layout described by `text`, the content of `root/scaffold.toml`."""
    path = root / CONFIG_NAME
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        match = _TOML_POSITION.search(str(err))
        message = _TOML_POSITION.sub("", str(err)).strip()
        raise RepoLayoutError(
            f"invalid TOML: {message}",
            hint="fix the syntax of scaffold.toml",
            path=path,
            line=int(match.group(1)) if match else None,
        ) from None
    return _build_layout(root, path, text, data)


def _build_layout(root: Path, path: Path, text: str, data: dict[str, Any]) -> RepoLayout:
    reader = TableReader(root, path, text)
    docs = reader.table(data, "docs")
    # No [server]: a repo of docs alone.
    server = reader.table(data, "server", required="server" in data)
    tags = parse_tags(reader, reader.table(data, "tags", required=False))
    if "server" not in data:
        _only_docs_tables(reader, data)
        return _docs_layout(reader, docs, tags)
    tests = reader.table(data, "tests", required=False)
    fixtures = _expressions(reader, tests, "fixtures")
    values = _expressions(reader, tests, "values")
    permissions = parse_permissions(reader, data)
    formatting = reader.table(data, "format", required=False)
    line_length = formatting.get("line_length", 100)
    if not isinstance(line_length, int) or not 40 <= line_length <= 200:
        raise reader.error("format", "line_length", "[format] line_length must be a number from 40 to 200")
    formatter = formatting.get("command")
    if formatter is not None and (not isinstance(formatter, str) or not formatter.strip()):
        raise reader.error("format", "command", "[format] command must be a command line, such as \"black -q -\"")
    language = server.get("language", "python")
    if language not in LANGUAGES:
        raise reader.error("server", "language", f"[server] language must be one of {', '.join(LANGUAGES)}")
    go = None
    if language == "go":
        go = parse_go_layout(reader.table(data, "go", required=False), reader.error, tuple(a.value for a in Auth))
    # Where the app layer and the Context live matters only to what scaffold writes: Python.
    optional = language != "python"
    configured = reader.table(server, "server.wrappers", required=False)
    wrappers = {
        auth: reader.string(configured, "server.wrappers", auth.value, default=DEFAULT_WRAPPERS[auth])
        for auth in Auth
    }
    actors = parse_actors(reader, tests, permissions)
    return RepoLayout(
        **_docs_fields(reader, docs),
        routes=reader.repo_path(server, "server", "routes"),
        handlers=reader.repo_path(server, "server", "handlers", pattern=True),
        tests=reader.repo_path(server, "server", "tests", pattern=True),
        app=reader.repo_path(server, "server", "app", pattern=True) if not optional or "app" in server else "",
        context=reader.repo_path(server, "server", "context") if not optional or "context" in server else "",
        driver=reader.repo_path(server, "server", "driver"),
        driver_class=reader.string(server, "server", "driver_class", default="Client4"),
        tags=tags,
        fixtures=fixtures,
        line_length=line_length,
        formatter=formatter,
        wrappers=wrappers,
        permissions=permissions,
        actors=actors,
        anonymous=reader.string(tests, "tests", "anonymous", default="th.create_client()"),
        values=values,
        # A Go server says nothing of a body limit unless told: its bodies answer no 413.
        body_limit=reader.string(tests, "tests", "body_limit", default="server.web.handlers.MAX_BODY_SIZE")
        if language == "python" or "body_limit" in tests
        else "",
        security=parse_security(reader, tests, {actor.name for actor in actors}),
        language=language,
        go=go,
        python=_python(reader, server),
    )


def _docs_layout(reader: TableReader, docs: dict[str, Any], tags: dict[str, TagLayout]) -> RepoLayout:
    """A repo of docs alone: `[docs]` (and `[tags.*]`) with no `[server]`; the tables that
    describe code are not read, since there is none."""
    fields = _docs_fields(reader, docs)
    no_code: dict[str, Any] = dict.fromkeys(("routes", "handlers", "tests", "app", "context", "driver", "driver_class"), "")
    return RepoLayout(**fields, **no_code, tags=tags, body_limit="", language=DOCS_ONLY)


def _only_docs_tables(reader: TableReader, data: dict[str, Any]) -> None:
    """A repo of docs alone has [docs] and [tags.*] only: any other table is about code, or
    a misspelt [server], and is refused rather than ignored."""
    extra = next((name for name in data if name not in ("docs", "tags")), None)
    if extra is not None:
        raise RepoLayoutError(
            f"missing table [server] (a repo of docs alone has [docs] and [tags.*] only, and this one has [{extra}])",
            hint="add [server] (see the reference repo's scaffold.toml), or remove the tables about code",
            path=reader.path,
            line=reader.line_of(extra, ""),
        )


def _docs_fields(reader: TableReader, docs: dict[str, Any]) -> dict[str, Any]:
    """The fields of RepoLayout that `[docs]` gives."""
    return dict(
        root=reader.root,
        docs_prefix=reader.string(docs, "docs", "prefix", default="/api/v4").rstrip("/"),
        docs_source=reader.repo_path(docs, "docs", "source"),
        build=tuple(_build_list(reader, docs)),
        docs_output=reader.repo_path(docs, "docs", "output"),
        id_schema=reader.string(docs, "docs", "id_schema", default="Id"),
    )


def _build_list(reader: TableReader, docs: dict[str, Any]) -> list[str]:
    # Without it, the build list is the Makefile's that concatenates the fragments (repo.buildlist).
    build = reader.string_list(docs, "docs", "build", default=[])
    if not build and "build" in docs:
        raise reader.error("docs", "build", "[docs] build must list at least one fragment")
    for name in build:
        if Path(name).is_absolute() or ".." in Path(name).parts or "\\" in name:
            raise reader.error("docs", "build", f"[docs] build names {name!r}, outside [docs] source")
    return build

def _python(reader: TableReader, server: dict[str, Any]) -> str | None:
    """`[server] python`: a path relative to the repo that stays in it, or an absolute path."""
    if "python" not in server:
        return None
    value = reader.string(server, "server", "python")
    if not Path(value).is_absolute() and ".." in Path(value).parts:
        raise reader.error("server", "python", f"[server] python = {value!r} points outside the repo (name it by its absolute path)")
    return value


def _expressions(reader: TableReader, tests: dict[str, Any], key: str) -> dict[str, str]:
    """`[tests.<key>]`: names → Python expressions."""
    table = tests.get(key, {})
    if not isinstance(table, dict):
        raise reader.error("tests", key, f"[tests] {key} must be a table")
    for name, value in table.items():
        if not isinstance(value, str) or not value:
            raise reader.error(f"tests.{key}", name, f"[tests.{key}] {name} must be a Python expression")
    return dict(table)
