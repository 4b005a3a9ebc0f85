"""Build a Mattermost-sized server repo with scaffold's own engine, for `benchmarks/run.py`.

    python benchmarks/make_repo.py DIR [--operations 460]

`scaffold init` copies the reference server; then every generated endpoint is planned with
`plan_add` and applied resource by resource, each resource's endpoints sharing one Workspace
(one transaction per resource; only the syntax check runs, not the per-add import check).
Real suites hold many more cases per endpoint than the generated matrix, and real drivers
document every method at length: the builder adds such variants of the generated tests and
such docstrings, so the files reach the sizes of Mattermost's (users module ≈3.5k lines,
driver ≈9k, tests ≈47k, YAML ≈23k).
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from scaffold.commands.add import plan_add
from scaffold.commands.guards import check_syntax
from scaffold.commands.init import init_repo
from scaffold.errors import ScaffoldError
from scaffold.model.endpoint import Endpoint
from scaffold.model.layout import CONFIG_NAME, RepoLayout, parse_layout
from scaffold.model.options import EndpointOptions, parse_endpoint
from scaffold.repo.open import open_repo
from scaffold.repo.transaction import apply_changes
from scaffold.repo.workspace import Workspace
from scaffold.scan.scanner import Inventory, TextMemo, scan

#: (tag, share of the operations): users dominate, as in Mattermost.
RESOURCES = [
    ("users", 180),
    ("teams", 16),
    ("channels", 16),
    ("posts", 14),
    ("files", 12),
    ("emojis", 12),
    ("hooks", 14),
    ("commands", 12),
    ("bots", 12),
    ("roles", 12),
    ("schemes", 12),
    ("groups", 14),
    ("jobs", 12),
    ("plugins", 14),
    ("preferences", 12),
    ("reactions", 12),
    ("threads", 12),
    ("drafts", 12),
    ("bookmarks", 12),
    ("categories", 12),
    ("licenses", 12),
    ("exports", 12),
    ("audits", 12),
    ("clusters", 12),
    ("brands", 12),
]

#: Sub-resources of an item: GET and PUT of each make the long tail of operations.
SUBRESOURCES = [
    "config",
    "history",
    "tokens",
    "image",
    "preferences",
    "roles",
    "sessions",
    "settings",
    "policies",
    "metrics",
    "logs",
    "tags",
    "notes",
    "comments",
    "invites",
    "usage",
    "limits",
    "schedule",
    "attachments",
    "links",
    "stats",
    "audits",
    "avatar",
    "devices",
    "mfa",
    "password",
    "email",
    "terms",
    "groups",
    "threads",
    "drafts",
    "bookmarks",
    "reactions",
    "channels",
    "posts",
    "files",
    "emojis",
    "hooks",
    "commands",
    "plugins",
    "categories",
    "licenses",
    "exports",
    "jobs",
    "clusters",
    "brands",
    "schemes",
    "permissions",
    "activity",
    "timezone",
    "locale",
    "props",
    "visibility",
    "quota",
    "retention",
    "profile",
    "picture",
    "notifications",
    "tours",
    "status-history",
    "auth-data",
    "oauth-apps",
    "login-history",
    "webhooks",
    "bans",
    "statistics",
    "recent-mentions",
    "flags",
    "mentions",
    "channel-members",
    "team-members",
    "autocomplete",
    "known-users",
    "search-history",
    "saved-posts",
    "pinned-posts",
    "custom-status",
    "reminders",
    "scheduled-posts",
    "calls",
    "shared-channels",
    "remote-clusters",
]

TESTS_PER_ENDPOINT = 125  # lines of test code per endpoint, as in Mattermost's api4 suites
DOCSTRING_LINES = 16


def endpoints_for(tag: str, count: int) -> Iterator[tuple[str, str, EndpointOptions]]:
    """`count` plausible endpoints of one resource, CRUD first."""
    from scaffold.naming import singular

    item = singular(tag)
    param = "{" + item + "_id}"
    base = f"/{tag}"
    manage = f"manage_{item}"
    yield (
        "POST",
        base,
        EndpointOptions(
            body="name:string,display_name:string?,purpose:string?", permission=f"create_{item}"
        ),
    )
    yield "GET", base, EndpointOptions(query="page:integer,per_page:integer")
    yield "GET", f"{base}/{param}", EndpointOptions()
    yield (
        "PUT",
        f"{base}/{param}/patch",
        EndpointOptions(body="display_name:string?,purpose:string?", permission=manage),
    )
    yield "DELETE", f"{base}/{param}", EndpointOptions(permission=manage)
    yield "POST", f"{base}/search", EndpointOptions(body="term:string,page:integer?")
    yield "POST", f"{base}/{param}/restore", EndpointOptions(permission=manage)
    yield (
        "GET",
        f"{base}/{param}/members",
        EndpointOptions(query="page:integer,per_page:integer", permission=f"view_{item}"),
    )
    yield (
        "POST",
        f"{base}/{param}/members",
        EndpointOptions(body="user_id:string,roles:string?", permission=manage),
    )
    member = "{member_id}" if item == "user" else "{user_id}"
    yield "DELETE", f"{base}/{param}/members/{member}", EndpointOptions(permission=manage)
    produced = 10
    for index, sub in enumerate(SUBRESOURCES):
        if produced >= count:
            return
        public = index % 9 == 4
        yield (
            "GET",
            f"{base}/{param}/{sub}",
            EndpointOptions(auth="public" if public else "session"),
        )
        produced += 1
        if produced >= count:
            return
        yield (
            "PUT",
            f"{base}/{param}/{sub}",
            EndpointOptions(body=f"{sub.replace('-', '_')}:string", permission=manage),
        )
        produced += 1


def described(options: EndpointOptions, method: str, path: str) -> EndpointOptions:
    """Options with a description as long as Mattermost's (a few lines and a version note)."""
    lines = [
        f"{method} {path} of the {path.strip('/').split('/')[0]} resource.",
        "The answer follows the conventions of the rest of the API: ids are 26-character",
        "strings, timestamps are milliseconds since the epoch, and lists are paged.",
        "Fields the session may not see are removed before the answer is written.",
        "Errors carry an id, a message and the request id, as every AppError does.",
        "A session that may not see the resource gets a 403, not a 404, so that ids",
        "cannot be probed; a missing resource is a 404 with the id of the missing one.",
        "",
        "__Minimum server version__: 5.0",
    ]
    options.description = "\n".join(lines)
    return options


def scaled(total: int) -> list[tuple[str, int]]:
    weight = sum(share for _, share in RESOURCES)
    return [(tag, max(6, round(share * total / weight))) for tag, share in RESOURCES]


def _split_tests(text: str) -> tuple[str, str]:
    """(imports and helpers, the test functions) of a test module."""
    tree = ast.parse(text)
    first = next(
        (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")),
        None,
    )
    if first is None:
        return text, ""
    line = min([first.lineno, *(d.lineno for d in first.decorator_list)])
    lines = text.splitlines(keepends=True)
    return "".join(lines[: line - 1]), "".join(lines[line - 1 :])


def _variants(block: str, endpoint: Endpoint) -> str:
    """More cases of one endpoint, as a real suite has: the generated ones under other names."""
    functions = re.split(r"\n\n\n(?=@|def )", block.strip("\n"))
    lines_each = max(1, sum(f.count("\n") + 3 for f in functions))
    rounds = max(1, TESTS_PER_ENDPOINT // lines_each)
    extra = []
    for round_ in range(1, rounds):
        for function in functions:
            extra.append(
                re.sub(r"def (test_\w+)\(", rf"def \1_variant_{round_}(", function, count=1)
            )
    return "".join("\n\n\n" + function for function in extra)


def _document_driver(text: str) -> str:
    """Give every one-line driver docstring the length of a documented method."""

    def expand(match: re.Match[str]) -> str:
        indent, name, summary = match.group(1), match.group(2), match.group(3)
        body = [
            f'{indent}"""{name}: {summary}',
            "",
            f"{indent}It sends one request and decodes the answer; an HTTP error never raises.",
            "",
            f"{indent}Returns:",
            f"{indent}    The decoded JSON body (None on 304 or on an error) and the Response,",
            f"{indent}    whose status_code, etag and error the caller checks.",
            "",
        ]
        body += [f"{indent}See the API reference for the fields of the body and the answer."] * max(
            0, DOCSTRING_LINES - len(body) - 1
        )
        return "\n".join(body) + f'\n{indent}"""'

    return re.sub(r'^( +)"""(\w+): (.*?)"""$', expand, text, flags=re.MULTILINE)


def build(target: Path, operations: int = 460, log: Callable[[str], None] = print) -> Path:
    started = time.perf_counter()
    root = init_repo(target)
    layout = open_repo(root)
    memo = TextMemo()
    added = 0
    for tag, count in scaled(operations):
        workspace = Workspace(root)
        stashed: dict[str, list[str]] = {}
        for method, path, options in endpoints_for(tag, count):
            layout = parse_layout(root, workspace.read(CONFIG_NAME))
            inventory = scan(layout, workspace.read_or_none, memo)
            try:
                endpoint = parse_endpoint(method, path, described(options, method, path), layout)
                if _exists(inventory, endpoint):
                    continue
                plan_add(layout, endpoint, inventory=inventory, workspace=workspace)
            except ScaffoldError as err:
                log(f"  skipped {method} {path}: {err}")
                continue
            added += 1
            # Keep the module the planners edit small: its test functions wait aside, in order.
            tests = layout.tests_module(endpoint.resource)
            header, block = _split_tests(workspace.read(tests))
            stashed.setdefault(tests, []).append(block + _variants(block, endpoint))
            workspace.write(tests, header)
        for tests, blocks in stashed.items():
            header = workspace.read(tests).rstrip("\n")
            workspace.write(
                tests, header + "\n\n\n" + "\n\n\n".join(b.strip("\n") for b in blocks) + "\n"
            )
        apply_changes(root, workspace.change_set(), validators=[check_syntax])
        log(f"  {tag}: {added} operations so far ({time.perf_counter() - started:.0f}s)")
    layout = open_repo(root)
    driver = root / layout.driver
    driver.write_text(_document_driver(driver.read_text(encoding="utf-8")), encoding="utf-8")
    for name in ("__pycache__",):
        for cache in root.rglob(name):
            for file in cache.iterdir():
                file.unlink()
            cache.rmdir()
    return root


def _exists(inventory: Inventory, endpoint: Endpoint) -> bool:
    method, path = endpoint.method.value, endpoint.path
    taken = {d.operation_id for d in inventory.docs}
    return bool(inventory.docs_for(method, path) or inventory.routes_for(method, path)) or (
        endpoint.operation_id in taken
    )


def stats(root: Path, layout: RepoLayout | None = None) -> dict[str, int]:
    layout = layout or open_repo(root)
    inventory = scan(layout)

    def lines(paths: list[Path]) -> int:
        return sum(p.read_text(encoding="utf-8").count("\n") for p in paths)

    api4 = (root / layout.handlers_module("x")).parent
    return {
        "operations": len(inventory.docs),
        "resources": len({r.module for r in inventory.routes}),
        "users module": lines([root / layout.handlers_module("user")]),
        "driver": lines([root / layout.driver]),
        "tests": lines(sorted(api4.glob("*_test.py"))),
        "python": lines(sorted(p for p in root.rglob("*.py"))),
        "yaml": lines([root / layout.fragment_path(name) for name in layout.build]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--operations", type=int, default=460)
    args = parser.parse_args(argv)
    root = build(args.directory, args.operations)
    for name, value in stats(root).items():
        print(f"{name:>14}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
