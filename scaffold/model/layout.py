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
from scaffold.naming import is_snake_identifier, singular, to_pascal

CONFIG_NAME = "scaffold.toml"

#: The languages a server may be written in (`[server] language`); scaffold writes Python only.
LANGUAGES = ("python", "go")


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
class TagLayout:
    """One documentation tag and the Python resource that implements it."""

    name: str
    #: the module stem of the resource: `user` for the tag `users`
    resource: str
    #: the driver section title: `User` for `# User Section`
    section: str
    #: path prefixes (without the API prefix) that belong to this tag
    paths: tuple[str, ...] = ()
    #: False for a tag derived from a path rather than read from scaffold.toml
    configured: bool = True


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
    #: the schema of components/schemas every id has
    id_schema: str = "Id"
    #: what opening undid of a command killed while writing, as sentences for the user
    recovered: tuple[str, ...] = ()
    #: the language of the server's code (`[server] language`), and how Go code is read (`[go]`)
    language: str = "python"
    go: GoLayout | None = None

    @property
    def generates(self) -> bool:
        """True when scaffold can write endpoints into this repo (add, remove, check --fix)."""
        return self.language == "python"

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
        """The layout of a tag: as configured, or derived from its name for a new one."""
        if name in self.tags:
            return self.tags[name]
        resource = singular(name).replace("-", "_")
        return TagLayout(name, resource, to_pascal(resource), (f"/{name}",), configured=False)

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
    server = reader.table(data, "server")
    build = reader.string_list(docs, "docs", "build")
    if not build:
        raise reader.error("docs", "build", "[docs] build must list at least one fragment")
    for name in build:
        if Path(name).is_absolute() or ".." in Path(name).parts or "\\" in name:
            raise reader.error("docs", "build", f"[docs] build names {name!r}, outside [docs] source")
    tags: dict[str, TagLayout] = {}
    for name, table in reader.table(data, "tags", required=False).items():
        if not isinstance(table, dict):
            raise reader.error("tags", name, f"[tags.{name}] must be a table")
        resource = reader.string(
            table, f"tags.{name}", "resource", default=singular(name).replace("-", "_")
        )
        if not is_snake_identifier(resource):
            raise reader.error(
                f"tags.{name}", "resource", f"resource {resource!r} is not a snake_case identifier"
            )
        tags[name] = TagLayout(
            name=name,
            resource=resource,
            section=reader.string(table, f"tags.{name}", "section", default=to_pascal(resource)),
            paths=tuple(reader.string_list(table, f"tags.{name}", "paths", default=[])),
        )
    prefix = reader.string(docs, "docs", "prefix", default="/api/v4").rstrip("/")
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
    return RepoLayout(
        root=root,
        docs_prefix=prefix,
        docs_source=reader.repo_path(docs, "docs", "source"),
        build=tuple(build),
        docs_output=reader.repo_path(docs, "docs", "output"),
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
        actors=parse_actors(reader, tests, permissions),
        anonymous=reader.string(tests, "tests", "anonymous", default="th.create_client()"),
        values=values,
        # A Go server says nothing of a body limit unless told: its bodies answer no 413.
        body_limit=reader.string(tests, "tests", "body_limit", default="server.web.handlers.MAX_BODY_SIZE")
        if language == "python" or "body_limit" in tests
        else "",
        id_schema=reader.string(docs, "docs", "id_schema", default="Id"),
        language=language,
        go=go,
    )


def _expressions(reader: TableReader, tests: dict[str, Any], key: str) -> dict[str, str]:
    """`[tests.<key>]`: names → Python expressions."""
    table = tests.get(key, {})
    if not isinstance(table, dict):
        raise reader.error("tests", key, f"[tests] {key} must be a table")
    for name, value in table.items():
        if not isinstance(value, str) or not value:
            raise reader.error(f"tests.{key}", name, f"[tests.{key}] {name} must be a Python expression")
    return dict(table)
