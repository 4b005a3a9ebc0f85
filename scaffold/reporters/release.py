"""The change `endpoint add` makes, said for its reviewers: the release-note line a pull request
of a Mattermost-style server carries, and a one-paragraph description of what it adds."""

from __future__ import annotations

from collections.abc import Iterable

from scaffold.model.changes import ChangeSet
from scaffold.model.endpoint import Endpoint
from scaffold.model.layout import Auth, RepoLayout
from scaffold.naming import dotted


def release_note(endpoint: Endpoint) -> str:
    return f"Added new API endpoint {endpoint.method.value} {endpoint.full_path}"


def pr_description(
    endpoint: Endpoint, layout: RepoLayout, changes: ChangeSet, planned: Iterable[str], *, stub: bool
) -> str:
    """One paragraph: the endpoint, who may call it, each artifact the change adds and where,
    and what is left pending."""
    summary = endpoint.summary.rstrip(".")
    if summary[1:2].islower():
        summary = summary[:1].lower() + summary[1:]
    sentences = [
        f"Adds {endpoint.method.value} {endpoint.full_path} ({endpoint.operation_id})"
        + (f": {summary}." if summary else ".")
    ]
    sentences.append(_who(endpoint))
    planned = set(planned)
    parts = _parts(endpoint, layout, changes, planned)
    if parts:
        sentences.append(f"The change {_joined(parts)}.")
    app_function = f"{dotted(layout.app_module(endpoint.resource))}.{endpoint.name}"
    if stub and planned & {"handler", "tests"}:
        pending = ": the cases that need it are marked xfail until it is written" if "tests" in planned else ""
        sentences.append(f"Its app function {app_function} is a stub answering 501 for now{pending}.")
    return " ".join(sentences)


def _who(endpoint: Endpoint) -> str:
    if endpoint.auth is Auth.PUBLIC:
        return "Anyone may call it, without a session."
    who = "a session" if endpoint.auth is Auth.SESSION else "a session from a trusted requester"
    if endpoint.permission:
        who += f" with the {endpoint.permission} permission"
    return f"It requires {who}."


def _parts(endpoint: Endpoint, layout: RepoLayout, changes: ChangeSet, planned: set[str]) -> list[str]:
    docs = next((c.path for c in changes.changes if c.path.startswith(f"{layout.docs_source}/")), None)
    handlers = layout.handlers_module(endpoint.resource)
    statuses = ", ".join(str(status) for status in endpoint.statuses())
    described = {
        "docs": f"documents it in {docs}" if docs else None,
        "route": f"routes it in {handlers}",
        "handler": f"handles it in {endpoint.name} ({handlers})",
        "driver": f"adds {layout.driver_class}.{endpoint.name} to the driver ({layout.driver})",
        "tests": f"tests each documented status ({statuses}) in {layout.tests_module(endpoint.resource)}"
        + _security_row(layout, changes),
    }
    if {"route", "handler"} <= planned:
        described["route"] = None
        described["handler"] = f"routes it to the handler {endpoint.name} in {handlers}"
    return [text for name, text in described.items() if name in planned and text]


def _security_row(layout: RepoLayout, changes: ChangeSet) -> str:
    """The security table gains the endpoint's row where the change writes it."""
    table = layout.security.table if layout.security else None
    if table is None or not any(change.path == table for change in changes.changes):
        return ""
    return f", with its row in the security table ({table})"


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
