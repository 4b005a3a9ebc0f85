"""A fast, read-only scan of a repo: every route, doc operation, driver method and test case.

Nothing of the target code is imported: Python is read with the stdlib `ast`, YAML is composed
with libyaml (nodes only, never constructed), so a repo the size of Mattermost's scans in about
the time it takes to parse it. `add`, `remove`, `list`, `check` and `checklist` all read this
one view; `scaffold.scan.catalog` joins it per endpoint.

Each file is read on its own into its *facts* (a pure function of its path and text, by the
reader of its checklist item), and the facts are joined afterwards: so a cache can hand back
the facts of a file whose text it has seen before, and only changed files are parsed again
(see `scaffold.repo.cache`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol, TypeVar

from scaffold.errors import RepoLayoutError
from scaffold.model.layout import RepoLayout
from scaffold.repo.cache import CheckCache
from scaffold.repo.files import (
    Reader,
    disk_reader,
    handler_modules,
    matching_files,
    unbuilt_fragments,
)
from scaffold.repo.forked import Forked
from scaffold.scan.docs import DocFacts, DocOperation, docs_facts, resolve_docs
from scaffold.scan.driver import DriverMethod, RouteHelper, driver_facts
from scaffold.scan.facts import Location, required_file, shape
from scaffold.scan.handler import AppFunction, Handler, app_facts, context_facts, handlers_facts
from scaffold.scan.route import Route, routes_facts
from scaffold.scan.security import SecurityTable, security_facts
from scaffold.scan.tag_groups import TagFacts
from scaffold.scan.tests import TestCase, tests_facts


@dataclass
class Inventory:
    """What exists in a repo, artifact by artifact."""

    routers: dict[str, str] = field(default_factory=dict)  # name → full path (with prefix)
    routes: list[Route] = field(default_factory=list)
    handlers: dict[tuple[str, str], Handler] = field(default_factory=dict)  # (module, name)
    docs: list[DocOperation] = field(default_factory=list)
    driver_methods: list[DriverMethod] = field(default_factory=list)
    route_helpers: list[RouteHelper] = field(default_factory=list)
    driver_sections: dict[str, Location] = field(default_factory=dict)
    tests: list[TestCase] = field(default_factory=list)
    app_functions: dict[tuple[str, str], AppFunction] = field(default_factory=dict)
    context_helpers: frozenset[str] = frozenset()
    init_calls: tuple[str, ...] = ()
    #: the security cases' table of operations (None: the repo has none)
    security: SecurityTable | None = None
    #: the tags the docs declare and group, the shared responses they define, and the
    #: fragments of the docs source that the build list leaves out
    doc_tags: TagFacts = field(default_factory=TagFacts)
    doc_responses: frozenset[str] = frozenset()
    unbuilt_fragments: tuple[str, ...] = ()
    #: every file the scan read, in the order it read them (for reports and caches)
    files: tuple[str, ...] = ()

    @property
    def param_validators(self) -> frozenset[str]:
        """The path parameters the Context has a check of their own for (`require_username`)."""
        return frozenset(h.removeprefix("require_") for h in self.context_helpers if h.startswith("require_"))

    def routes_for(self, method: str, path: str) -> list[Route]:
        return [r for r in self.routes if r.method == method and shape(r.path) == shape(path)]

    def docs_for(self, method: str, path: str) -> list[DocOperation]:
        return [d for d in self.docs if d.method == method and shape(d.path) == shape(path)]

    def driver_for(self, method: str, path: str) -> list[DriverMethod]:
        return [
            d
            for d in self.driver_methods
            if d.method == method and d.path and shape(d.path) == shape(path)
        ]

    def driver_named(self, name: str) -> DriverMethod | None:
        return next((d for d in self.driver_methods if d.name == name), None)

    def tests_calling(self, driver_method: str) -> list[TestCase]:
        return [t for t in self.tests if driver_method in t.driver_calls]

    def tests_asserting(self, driver_method: str) -> list[TestCase]:
        """The tests that assert a status of a response of `driver_method`."""
        return [t for t in self.tests if any(c.driver_method == driver_method for c in t.checks)]

    def handler_of(self, route: Route) -> Handler | None:
        return self.handlers.get((route.module, route.handler))

    def permissions_used(self) -> list[str]:
        """The permissions the handlers check and the docs name, most checked first."""
        counts: dict[str, int] = {}
        for handler in self.handlers.values():
            for permission in handler.permissions:
                counts[permission] = counts.get(permission, 0) + 1
        for operation in self.docs:
            for permission in operation.permissions:
                counts.setdefault(permission, 0)
        return sorted(counts, key=lambda p: (-counts[p], p))



_T = TypeVar("_T")


class FactsMemo(Protocol):
    """Returns the facts of one file: `compute()`, or what it returned before for the same text.

    `kind` names the fact extractor and every setting it depends on, so equal (kind, text)
    always give equal facts.
    """

    def __call__(self, kind: str, path: str, text: str, compute: Callable[[], _T]) -> _T: ...


def _lacks(memo: FactsMemo, kind: str, path: str, text: str) -> bool:
    """Whether `memo` would compute the facts (one that cannot say, `knows`, is taken to)."""
    knows = getattr(memo, "knows", None)
    return knows is None or not knows(kind, path, text)


def _no_memo(kind: str, path: str, text: str, compute: Callable[[], _T]) -> _T:
    return compute()


class TextMemo:
    """A FactsMemo in memory: scans of texts seen before in this process parse nothing again."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, str], object] = {}

    def __call__(self, kind: str, path: str, text: str, compute: Callable[[], _T]) -> _T:
        key = (kind, path, text)
        if key not in self._seen:
            self._seen[key] = compute()
        return self._seen[key]  # type: ignore[return-value]


def cached_inventory(layout: RepoLayout) -> Inventory:
    """The repo's inventory, from the facts `check` cached for unchanged files (read, never
    written: a command that edits the repo keeps the facts of what it wrote, `WrittenFacts`)."""
    return scan(layout, memo=CheckCache(layout.root))


def scan(
    layout: RepoLayout, read: Reader | None = None, memo: FactsMemo | None = None
) -> Inventory:
    """Scan the repo (or the texts `read` returns, e.g. a Workspace with planned edits)."""
    scanner = _Scanner(layout, read or disk_reader(layout.root), memo or _no_memo)
    return scanner.run()


def _facts_into(found: dict[str, list[TestCase]], path: str, text: str) -> list[TestCase]:
    found[path] = tests_facts(text, path)
    return found[path]


#: Above this many characters of test modules, their facts are read beside the rest ...
TESTS_BESIDE_THRESHOLD = 1_000_000
#: ... about this part of them (the rest of the scan, and the spec validation in a child of
#: its own, take the other part of two cores' time).
TESTS_BESIDE_SHARE = 0.55


@dataclass
class _TestsBeside:
    """The texts of the test modules, and the child computing what the memo lacks of them."""

    texts: dict[str, str | None]
    child: Forked[dict[str, list[TestCase]]] | None


@dataclass
class _Scanner:
    layout: RepoLayout
    read: Reader
    memo: FactsMemo
    inventory: Inventory = field(default_factory=Inventory)
    files: list[str] = field(default_factory=list)

    def text(self, path: str) -> str | None:
        text = self.read(path)
        if text is not None:
            self.files.append(path)
        return text

    def run(self) -> Inventory:
        if self.layout.docs_only:
            self._docs()
            self.inventory.files = tuple(self.files)
            return self.inventory
        if self.layout.go is not None:
            return self._run_go()
        tests = self._tests_beside()
        try:
            self._routes()
            self._docs()
            self._driver()
        except BaseException:
            if tests.child is not None:
                tests.child.cancel()  # a bad repo, or Ctrl-C: no child is left behind
            raise
        self._tests(tests)
        self._security()
        self._app()
        context = self.text(self.layout.context)
        if context is not None:
            compute = partial(context_facts, context, self.layout.context)
            self.inventory.context_helpers = self.memo(
                "context", self.layout.context, context, compute
            )
        self.inventory.files = tuple(self.files)
        return self.inventory

    def _run_go(self) -> Inventory:
        """A Go server: its code read by `scaffold.scan.go`, its docs as any server's."""
        from scaffold.scan.go import reader

        inventory = self.inventory
        routers, inventory.init_calls, inventory.routes, inventory.handlers = reader.read_routes(
            self.layout, self.text, self.memo
        )
        inventory.routers = routers
        self._docs()
        methods, helpers, sections = reader.read_driver(self.layout, self.text, self.memo)
        inventory.driver_methods, inventory.route_helpers, inventory.driver_sections = (
            methods,
            helpers,
            sections,
        )
        inventory.tests = reader.read_tests(self.layout, self.text, self.memo)
        inventory.files = tuple(self.files)
        return inventory

    def _routes(self) -> None:
        layout, inventory = self.layout, self.inventory
        text = required_file(self.text, layout, "routes")
        routers, init_calls = self.memo(
            "routers", layout.routes, text, partial(routes_facts, text, layout.routes)
        )
        inventory.routers = dict(routers)
        inventory.init_calls = init_calls
        prefix = layout.docs_prefix
        for path in handler_modules(layout):
            module_text = self.text(path)
            if module_text is None:
                continue
            raw_routes, handlers = self.memo(
                "handlers", path, module_text, partial(handlers_facts, module_text, path)
            )
            for raw in raw_routes:
                route = raw.resolve(inventory.routers, prefix, path)
                if route is not None:
                    inventory.routes.append(route)
            for handler in handlers:
                inventory.handlers[(path, handler.name)] = handler

    def _docs(self) -> None:
        layout = self.layout
        operations: list[DocOperation] = []
        parameters: dict[str, object] = {}
        schemas: dict[str, object] = {}
        for name in layout.build:
            fragment = layout.fragment_path(name)
            text = self.text(fragment)
            if text is None:
                raise RepoLayoutError(
                    f"the build list names {name}, which does not exist",
                    hint=f"create {fragment} or remove it from [docs] build",
                    path=layout.config_path,
                )
            compute = partial(docs_facts, text, fragment, layout.docs_prefix)
            facts = self.memo(f"docs:{layout.docs_prefix}", fragment, text, compute)
            operations += facts.operations
            parameters.update(facts.parameters)
            schemas.update(facts.schemas)
            self._tags(facts)
        self.inventory.unbuilt_fragments = tuple(unbuilt_fragments(layout))
        # Parameters and fields may `$ref` the components of another fragment.
        self.inventory.docs += resolve_docs(operations, parameters, schemas, layout.id_schema)

    def _tags(self, facts: DocFacts) -> None:
        inventory = self.inventory
        inventory.doc_responses |= frozenset(facts.responses)
        tags, found = inventory.doc_tags, facts.tags
        inventory.doc_tags = TagFacts(
            tags.declared + found.declared, tags.grouped + found.grouped, tags.groups_at or found.groups_at
        )

    def _driver(self) -> None:
        layout = self.layout
        text = required_file(self.text, layout, "driver")
        compute = partial(driver_facts, text, layout.driver, layout.driver_class)
        methods, helpers, sections = self.memo(
            f"driver:{layout.driver_class}", layout.driver, text, compute
        )
        self.inventory.driver_methods += methods
        self.inventory.route_helpers += helpers
        self.inventory.driver_sections.update(sections)

    def _tests_beside(self) -> _TestsBeside:
        """The test modules, read now; where the memo lacks the facts of many of them, those
        of the bigger ones (about half the text: this process reads the routes, docs and
        driver meanwhile, then the rest) are computed in a child process."""
        texts = {path: self.read(path) for path, _ in matching_files(self.layout, self.layout.tests)}
        sizes = {
            path: len(text)
            for path, text in texts.items()
            if text is not None and _lacks(self.memo, "tests", path, text)
        }
        if sum(sizes.values()) < TESTS_BESIDE_THRESHOLD:
            return _TestsBeside(texts, None)
        share, given = sum(sizes.values()) * TESTS_BESIDE_SHARE, 0
        theirs: dict[str, str] = {}
        for path in sorted(sizes, key=sizes.__getitem__, reverse=True):
            if given + sizes[path] <= share:
                theirs[path] = texts[path] or ""
                given += sizes[path]
        if not theirs:
            return _TestsBeside(texts, None)
        memo = self.memo

        def computed() -> dict[str, list[TestCase]]:
            found: dict[str, list[TestCase]] = {}
            for path, text in theirs.items():
                memo("tests", path, text, partial(_facts_into, found, path, text))
            return found

        return _TestsBeside(texts, Forked(computed))

    def _tests(self, beside: _TestsBeside) -> None:
        done, computed = beside.child.result() if beside.child is not None else (False, None)
        for path, text in beside.texts.items():
            if text is None:
                continue
            self.files.append(path)
            if done and computed is not None and path in computed:
                compute = partial(computed.__getitem__, path)
            else:
                compute = partial(tests_facts, text, path)
            self.inventory.tests += self.memo("tests", path, text, compute)

    def _security(self) -> None:
        security = self.layout.security
        text = None if security is None else self.text(security.table)
        if security is not None and text is not None:
            compute = partial(security_facts, security.table, text, security)
            self.inventory.security = self.memo(f"security:{security!r}", security.table, text, compute)

    def _app(self) -> None:
        for path, _ in matching_files(self.layout, self.layout.app):
            text = self.text(path)
            if text is not None:
                for function in self.memo("app", path, text, partial(app_facts, text, path)):
                    self.inventory.app_functions[(path, function.name)] = function
