"""The questions `endpoint add` asks on a terminal when something is missing (CLI side).

Only called when stdin is a TTY: off a terminal nothing is asked, and a missing value is
either defaulted or refused with a one-line error.
"""

from __future__ import annotations

from dataclasses import replace

from rich.console import Console
from rich.prompt import Confirm, Prompt

from scaffold.errors import UsageError
from scaffold.model.endpoint import Endpoint
from scaffold.model.layout import Auth, RepoLayout
from scaffold.model.options import EndpointOptions, parse_endpoint, parse_path
from scaffold.scan.scanner import Inventory
from scaffold.scan.tags import Placement


def ask_missing(
    console: Console,
    method: str,
    path: str,
    options: EndpointOptions,
    given: set[str],
    layout: RepoLayout,
    inventory: Inventory,
    placement: Placement | None = None,
) -> EndpointOptions:
    """Ask for each option the user did not give, offering what the repo already has."""
    draft = parse_endpoint(method, path, options, layout)
    answers = replace(options)
    if "summary" not in given:
        answers.summary = Prompt.ask("Summary", default=draft.summary, console=console)
    if "auth" not in given:
        answers.auth = Prompt.ask(
            "Auth", choices=[a.value for a in Auth], default=draft.auth.value, console=console
        )
    if "permission" not in given and answers.auth != Auth.PUBLIC.value:
        offered = inventory.permissions_used()[:8]
        hint = f" (none, {', '.join(offered)}, or another)" if offered else ""
        answers.permission = _ask_valid(
            console, f"Permission{hint}", "none", method, path, answers, layout, "permission", known_permissions(layout, inventory)
        )
    if "tag" not in given and placement is not None and placement.new:
        # Ask before a new tag is made: its fragment, module and driver section.
        if placement.near:
            near = " or ".join(f"/{name}" for name in placement.near)
            console.print(f"{draft.full_path} starts a new tag {draft.tag!r}; did you mean {near}?", markup=False)
        known = ", ".join(sorted(layout.tags))
        answers.tag = _ask_valid(console, f"Tag (new, or one of {known})", draft.tag, method, path, answers, layout, "tag", known_permissions(layout, inventory))
    return answers


def ask_params(console: Console, path: str, placement: Placement, prefix: str) -> str:
    """Offer the name the documented paths beside it give each parameter named almost alike."""
    clean = parse_path(path, prefix)
    for mine, theirs in placement.params:
        question = f"The documented paths beside it call {{{mine}}} {{{theirs}}}: write {{{theirs}}}?"
        if Confirm.ask(question, default=True, console=console):
            clean = clean.replace("{" + mine + "}", "{" + theirs + "}")
    return prefix + clean


def _ask_valid(
    console: Console,
    question: str,
    default: str,
    method: str,
    path: str,
    answers: EndpointOptions,
    layout: RepoLayout,
    field: str,
    known: frozenset[str],
) -> str:
    """Ask until the answer makes a valid endpoint; say why an answer was refused."""
    while True:
        answer = Prompt.ask(question, default=default, console=console)
        try:
            candidate = replace(answers, permission=answer) if field == "permission" else replace(answers, tag=answer)
            parse_endpoint(method, path, candidate, layout, known_permissions=known)
        except UsageError as error:
            console.print(f"[red]{error.message}[/red] — {error.hint}")
            continue
        return answer


def describe(endpoint: Endpoint) -> str:
    """One line saying what will be added."""
    permission = f", permission {endpoint.permission}" if endpoint.permission else ""
    return (
        f"{endpoint.method.value} {endpoint.full_path} → {endpoint.operation_id} "
        f"(tag {endpoint.tag}, {endpoint.auth.value}{permission}; statuses {', '.join(map(str, endpoint.statuses()))})"
    )


def known_permissions(layout: RepoLayout, inventory: Inventory) -> frozenset[str]:
    """The permissions of the repo: its permission model's, and those its code already uses."""
    return layout.permissions.known | frozenset(inventory.permissions_used())
