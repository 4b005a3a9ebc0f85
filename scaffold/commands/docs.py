"""`scaffold docs build`: merge the fragments, validate, write the spec."""

from __future__ import annotations

from dataclasses import dataclass

from scaffold.model.changes import ChangeSet
from scaffold.model.layout import RepoLayout
from scaffold.repo.cache import CheckCache
from scaffold.repo.workspace import Workspace
from scaffold.spec.background import verdict_from_ahead
from scaffold.spec.html import plan_html
from scaffold.spec.merge import MergedSpec, concatenate, merge, read_fragments
from scaffold.spec.problems import SpecInvalid, SpecProblem, SpecVerdict, validate
from scaffold.spec.problems import problems as find_problems


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


def build_docs(
    layout: RepoLayout, *, html: bool = False, allow_invalid: bool = False, use_cache: bool = True
) -> DocsBuild:
    """The merged spec, validated; an invalid one raises `SpecInvalid` with every problem,
    unless `allow_invalid` (then it is written, and its problems come back with it).

    The verdict is kept in the cache by the fragments' content (as `check` keeps it): fragments
    found valid before, by either command, or by the validation the console script started
    ahead of the command line (`spec.background.judge_ahead`), are written without being parsed.
    """
    workspace = Workspace(layout.root)
    fragments = read_fragments(layout, workspace.read_or_none)
    cache = CheckCache(layout.root, enabled=use_cache)
    key = cache.key(fragments)
    known = cache.spec_verdict(key)
    # Else judged by the child the console script started as the command began, where it did.
    verdict = known if known is not None or html else verdict_from_ahead(fragments)
    merged = None
    if verdict is None or verdict.problems or html:
        # A verdict with problems is found again: they are raised as a merge raises them.
        merged = merge(fragments)
        verdict = SpecVerdict.of(merged, find_problems(merged))
    if verdict != known:
        cache.remember_spec(key, verdict)
        cache.save()
    if verdict.problems and not allow_invalid:
        raise SpecInvalid(list(verdict.problems))
    workspace.write(layout.docs_output, merged.text if merged is not None else concatenate(fragments)[0])
    page = None
    if html:
        from scaffold.text.render import Renderer  # jinja: only the page needs it

        assert merged is not None
        page = plan_html(layout.docs_output, merged.data, workspace, Renderer(layout.root))
    return DocsBuild(
        output=layout.docs_output,
        paths=verdict.paths,
        operations=verdict.operations,
        changes=workspace.change_set(),
        html=page,
        problems=verdict.problems,
    )
