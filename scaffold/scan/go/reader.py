"""The scan of a Go server's code: each file read into its facts (through the scan's memo, so
an unchanged file is not parsed again), then joined into the routes, handlers, driver methods
and tests of the whole package — the same facts `scaffold.scan.scanner` gathers from Python.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from scaffold.model.golayout import GoLayout
from scaffold.model.layout import RepoLayout
from scaffold.repo.files import handler_modules, matching_files
from scaffold.scan.driver import DriverMethod, RouteHelper
from scaffold.scan.facts import Location, required_file
from scaffold.scan.go.driver import driver_facts
from scaffold.scan.go.handler import handlers_facts
from scaffold.scan.go.route import registry_facts, resolve
from scaffold.scan.go.template import fixed_variables
from scaffold.scan.go.tests import tests_facts
from scaffold.scan.handler import Handler
from scaffold.scan.route import Route
from scaffold.scan.tests import TestCase

#: Reads a repo file's text (None when missing), noting that the scan read it.
Text = Callable[[str], "str | None"]
#: The scan's memo: (kind, path, text, compute) → the facts of the file.
Memo = Callable[[str, str, str, Callable[[], Any]], Any]


def _go(layout: RepoLayout) -> GoLayout:
    assert layout.go is not None, "a Go server's layout has its [go] settings"
    return layout.go


def read_routes(
    layout: RepoLayout, text: Text, memo: Memo
) -> tuple[dict[str, str], tuple[str, ...], list[Route], dict[tuple[str, str], Handler]]:
    """The sub-routers, Init calls, routes and handlers of the server.

    Routes served only on the local socket come after the others, so that an endpoint served
    on both is seen through its documented route. A handler belongs to the whole package: a
    route registered in `user_local.go` may name a handler of `user.go`.
    """
    go = _go(layout)
    routes_text = required_file(text, layout, "routes")
    registry = partial(registry_facts, routes_text, layout.routes, go.registry)
    routers, init_calls = memo(f"go-routers:{go.registry}", layout.routes, routes_text, registry)
    routes: list[Route] = []
    # (module, handler, variable) of each variable a route fixes to a word: not a parameter
    fixed: set[tuple[str, str, str]] = set()
    by_name: dict[str, Handler] = {}
    handlers: dict[tuple[str, str], Handler] = {}
    for path in handler_modules(layout):
        module_text = text(path)
        if module_text is None:
            continue
        compute = partial(handlers_facts, module_text, path, go.init_prefix)
        raw_routes, module_handlers = memo(f"go-handlers:{go.init_prefix}", path, module_text, compute)
        for raw in raw_routes:
            served = resolve(raw, routers, layout.docs_prefix, path)
            routes += served
            if served:
                fixed |= {(path, raw.handler, v) for v in fixed_variables(routers[raw.router] + raw.suffix)}
        for handler in module_handlers:
            by_name.setdefault(handler.name, handler)
            handlers[(path, handler.name)] = handler
    for route in routes:
        if (route.module, route.handler) not in handlers and route.handler in by_name:
            handlers[(route.module, route.handler)] = by_name[route.handler]
    for module, name, variable in fixed:
        handler = handlers.get((module, name))
        if handler is not None:
            # `c.RequireSyncableType()` reads a variable the documented paths spell out
            validates = tuple(v for v in handler.validates if v != variable)
            handlers[(module, name)] = replace(handler, validates=validates)
    local = go.local_wrappers
    routes.sort(key=lambda route: route.wrapper in local)  # stable: file order otherwise
    return dict(routers), init_calls, routes, handlers


def read_driver(
    layout: RepoLayout, text: Text, memo: Memo
) -> tuple[list[DriverMethod], list[RouteHelper], dict[str, Location]]:
    go = _go(layout)
    driver_text = required_file(text, layout, "driver")
    compute = partial(
        driver_facts, driver_text, layout.driver, layout.driver_class, go.driver_urls, layout.docs_prefix
    )
    kind = f"go-driver:{layout.driver_class}:{layout.docs_prefix}:{go.fingerprint('driver_urls')}"
    methods, helpers, sections = memo(kind, layout.driver, driver_text, compute)
    return list(methods), list(helpers), dict(sections)


def read_tests(layout: RepoLayout, text: Text, memo: Memo) -> list[TestCase]:
    go = _go(layout)
    kind = f"go-tests:{layout.driver_class}:{go.fingerprint('status_checks', 'clients')}"
    tests: list[TestCase] = []
    for path, _ in matching_files(layout, layout.tests):
        test_text = text(path)
        if test_text is not None:
            compute = partial(
                tests_facts, test_text, path, go.status_checks, go.clients, layout.driver_class
            )
            tests += memo(kind, path, test_text, compute)
    return tests
