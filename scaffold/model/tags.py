"""Whether a tag can take an endpoint: its name, its fragment and its module, each checked.

A tag's fragment must be a path fragment (not the introduction nor the definitions), and the
modules its resource gives must not be files the layout uses for something else (the routes
module, the driver, the Context, another resource's tests).
"""

from __future__ import annotations

from scaffold.errors import UsageError
from scaffold.model.layout import RepoLayout
from scaffold.model.taglayout import TagLayout, tag_name_problem


def usable_tag(layout: RepoLayout, name: str) -> TagLayout:
    """The layout of the tag `name`, refused in one line where it cannot hold an endpoint."""
    problem = tag_name_problem(name)
    if problem:
        shown = name if len(name) <= 40 else name[:20] + "..."
        raise UsageError(
            f"--tag {shown!r} {problem}",
            hint="name the tag as the docs show it, such as users or 'data retention'",
        )
    tag = layout.tag(name)
    role = _fragment_role(layout, tag.fragment)
    if role:
        raise UsageError(
            f"tag {name!r} would document the path in {tag.fragment}, {role}, not a path fragment",
            hint="choose another tag with --tag (the tag of a fragment of path items)",
        )
    if not layout.generates:
        return tag  # no code is written: the module is never used
    if not tag.resource:
        raise UsageError(
            f"tag {name!r} gives no usable module name",
            hint=f'add a [tags.{_key(tag.key)}] table with resource = "..." to scaffold.toml',
        )
    clash = module_clash(layout, tag.resource)
    if clash:
        raise UsageError(
            f"tag {name!r} would put its code in {clash}",
            hint=f'choose another tag with --tag, or give [tags.{_key(tag.key)}] another resource in scaffold.toml',
        )
    return tag


def module_clash(layout: RepoLayout, resource: str) -> str | None:
    """What the modules of `resource` would collide with, if anything (None when nothing)."""
    fixed = {
        layout.routes: "the routes module ([server] routes)",
        layout.driver: "the driver ([server] driver)",
        layout.context: "the Context module ([server] context)",
        layout.docs_output: "the built spec ([docs] output)",
    }
    modules = [
        layout.handlers_module(resource),
        layout.tests_module(resource),
        layout.app_module(resource) if layout.app else "",
    ]
    for path in modules:
        if path and path in fixed:
            return f"{path}, {fixed[path]}"
    handlers = layout.handlers_module(resource)
    other = layout.resource_of(layout.tests, handlers)
    if other is not None and layout.tests != layout.handlers:
        return f"{handlers}, the tests module of the resource {other!r}"
    return None


def _fragment_role(layout: RepoLayout, fragment: str) -> str | None:
    if len(layout.build) < 2:
        return None
    if fragment == layout.build[0]:
        return "the introduction (the spec's header)"
    if fragment == layout.build[-1]:
        return "the definitions (the shared components)"
    return None


def _key(key: str) -> str:
    """A table key as TOML writes it: bare where it can be, else quoted."""
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else f'"{key}"'
