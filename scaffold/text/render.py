"""Render the Jinja templates that new code and docs are written from.

A repo may override any one template with `.scaffold/templates/<name>`. User text reaches a
template's output only through the `yaml` and `py` filters (the YAML emitter and Python's
string escaping), never pasted raw.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from scaffold.errors import RepoLayoutError
from scaffold.resources import templates_dir
from scaffold.text.format import UnformattableCode, format_code
from scaffold.text.yaml import quoted, scalar

OVERRIDES = ".scaffold/templates"


def py_str(value: str) -> str:
    """A Python string literal for `value`, double-quoted as a formatter would write it."""
    literal = repr(value)
    if literal.startswith("'") and '"' not in value:
        literal = '"' + literal[1:-1].replace("\\'", "'") + '"'
    return literal


def yaml_value(value: str, indent: int = 0) -> str:
    return scalar(value, indent)


def yaml_block(value: str, indent: int = 0, folded: bool = False) -> str:
    return scalar(value, indent, block=True, folded=folded)


class _RepoLoader(jinja2.FileSystemLoader):
    """Overrides from the repo, refusing any that a link leads outside it (never read)."""

    def __init__(self, directory: Path, repo: Path) -> None:
        super().__init__(directory)
        self.directory = directory
        self.repo = repo.resolve()

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        candidate = self.directory / template
        if candidate.exists() and not candidate.resolve().is_relative_to(self.repo):
            raise RepoLayoutError(
                f"the template override {template} links outside the repo",
                hint="replace the link with the template itself, or remove it",
                path=candidate,
            )
        return super().get_source(environment, template)


class Renderer:
    """Templates of one repo: its overrides first, then the built-in ones."""

    def __init__(self, repo: Path | None = None) -> None:
        loaders: list[jinja2.BaseLoader] = []
        self.override_dir = repo / OVERRIDES if repo is not None else None
        if repo is not None and self.override_dir is not None and self.override_dir.is_dir():
            loaders.append(_RepoLoader(self.override_dir, repo))
        loaders.append(jinja2.FileSystemLoader(templates_dir()))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            autoescape=False,
        )
        self.env.filters.update(py=py_str, yaml=yaml_value, yaml_block=yaml_block, yaml_quoted=quoted)

    def render(self, template: str, **context: Any) -> str:
        try:
            return self.env.get_template(template).render(**context)
        except jinja2.TemplateSyntaxError as err:
            raise RepoLayoutError(
                f"template syntax error: {err.message}",
                hint="fix the template or delete it to use the built-in one",
                path=err.filename or template,
                line=err.lineno,
            ) from None
        except jinja2.TemplateError as err:
            raise RepoLayoutError(
                f"template {template} failed: {err}",
                hint="fix the template or delete it to use the built-in one",
                path=self._source(template),
            ) from None

    def render_code(self, template: str, *, line_length: int, depth: int = 0, **context: Any) -> str:
        """Render a Python template and format it as black would at `depth` indentation levels.

        Only the new code is formatted, never the module it goes into, so the rest of that
        file stays as its authors wrote it.
        """
        code = self.render(template, **context)
        try:
            return format_code(code, line_length, depth)
        except UnformattableCode as err:
            raise RepoLayoutError(
                f"the template renders Python that does not parse (rendered line {err.line})",
                hint="fix the template, or delete an override to use the built-in one",
                path=self._source(template),
            ) from None

    def _source(self, name: str) -> Path:
        if self.override_dir is not None and (self.override_dir / name).is_file():
            return self.override_dir / name
        return templates_dir() / name

    def names(self) -> list[tuple[str, bool]]:
        """Every built-in template and whether the repo overrides it."""
        return [
            (path.name, self.override_dir is not None and (self.override_dir / path.name).is_file())
            for path in sorted(templates_dir().iterdir())
            if path.is_file()
        ]
