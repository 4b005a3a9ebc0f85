"""`scaffold docs build`: merge the fragments, validate, write the spec."""

from __future__ import annotations

from dataclasses import dataclass

from scaffold.model.changes import ChangeSet
from scaffold.model.layout import RepoLayout
from scaffold.repo.workspace import Workspace
from scaffold.spec.html import plan_html
from scaffold.spec.merge import MergedSpec, merge, read_fragments
from scaffold.spec.problems import SpecInvalid, SpecProblem, validate


@dataclass(frozen=True)
class DocsBuild:
    """The built spec: where it goes, what it holds, and the change that writes it."""

    output: str
    paths: int
    operations: int
    changes: ChangeSet
    #: the browsable page, with --html
    html: str | None = None
    #: every problem of the spec, when it was written anyway (`--allow-invalid`)
    problems: tuple[SpecProblem, ...] = ()


def merged_spec(layout: RepoLayout, workspace: Workspace) -> MergedSpec:
    """The validated merge of the repo's fragments as the workspace has them."""
    merged = merge(read_fragments(layout, workspace.read_or_none))
    validate(merged)
    return merged


def build_docs(layout: RepoLayout, *, html: bool = False, allow_invalid: bool = False) -> DocsBuild:
    """The merged spec, validated; an invalid one raises `SpecInvalid` with every problem,
    unless `allow_invalid` (then it is written, and its problems come back with it)."""
    workspace = Workspace(layout.root)
    merged = merge(read_fragments(layout, workspace.read_or_none))
    problems: list[SpecProblem] = []
    try:
        validate(merged)
    except SpecInvalid as invalid:
        if not allow_invalid:
            raise
        problems = invalid.problems
    workspace.write(layout.docs_output, merged.text)
    page = None
    if html:
        from scaffold.text.render import Renderer  # jinja: only the page needs it

        page = plan_html(layout.docs_output, merged.data, workspace, Renderer(layout.root))
    paths = merged.data.get("paths") or {}
    return DocsBuild(
        output=layout.docs_output,
        paths=len(paths),
        operations=sum(1 for _ in merged.operations()),
        changes=workspace.change_set(),
        html=page,
        problems=tuple(problems),
    )
