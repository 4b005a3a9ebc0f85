"""Render the Jinja templates that new code and docs are written from.

A repo may override any one template with `.scaffold/templates/<name>`. User text reaches a
template's output only through the `yaml` and `py` filters (the YAML emitter and Python's
string escaping), never pasted raw.
"""

from __future__ import annotations

import functools
import marshal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from scaffold.errors import RepoLayoutError
from scaffold.resources import templates_dir
from scaffold.text import beside
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
        self.env = _environment(jinja2.ChoiceLoader(loaders))

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


def _environment(loader: jinja2.BaseLoader | None) -> jinja2.Environment:
    """The environment templates render in; the one they compile in beside, without loader."""
    env = jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        bytecode_cache=_CompiledBeside() if loader is not None else None,
    )
    env.filters.update(py=py_str, yaml=yaml_value, yaml_block=yaml_block, yaml_quoted=quoted)
    return env


class _CompiledBeside(jinja2.BytecodeCache):
    """Templates compiled by the child that works beside the command (`scaffold.text.beside`),
    which compiles the built-in ones as it starts: each compile here costs a few milliseconds.
    Without one, or where it cannot, jinja compiles the template here, as ever."""

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> jinja2.bccache.Bucket:
        bucket = jinja2.bccache.Bucket(
            environment, self.get_cache_key(name, filename), self.get_source_checksum(source)
        )
        code = beside.ask("template", name, filename, source)
        if isinstance(code, bytes):
            bucket.code = marshal.loads(code)
        return bucket

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        pass

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        pass

    def set_bucket(self, bucket: jinja2.bccache.Bucket) -> None:
        pass


#: (name, filename, source) → its compiled code, marshalled: the child's, compiled as it starts
_compiled: dict[tuple[str, str | None, str], bytes] = {}


def _compile(name: str, filename: str | None, source: str) -> bytes:
    key = (name, filename, source)
    if key not in _compiled:
        _compiled[key] = marshal.dumps(_compiling().compile(source, name, filename))
    return _compiled[key]


@functools.cache
def _compiling() -> jinja2.Environment:
    return _environment(None)


#: The built-in templates every endpoint's code is written from, in the order an add renders
#: them: compiled as the child starts. The rest (a new module's, the docs page) are compiled
#: when asked for, in the few commands that need them.
_EVERY_ENDPOINTS = (
    "doc_operation.yaml.jinja",
    "route.py.jinja",
    "handler.py.jinja",
    "app_function.py.jinja",
    "driver_method.py.jinja",
    "tests.py.jinja",
)


def _compile_built_ins() -> None:
    for name in _EVERY_ENDPOINTS:
        path = templates_dir() / name
        # As jinja's file loader reads it: its name, its path, its text.
        _compile(name, str(path), path.read_text(encoding="utf-8"))


beside.serves("template", _compile, ready=_compile_built_ins)
