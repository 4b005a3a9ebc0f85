"""The in-memory view of a repo that planners read and edit; disk is never written here."""

from __future__ import annotations

from pathlib import Path

from scaffold.errors import RepoLayoutError
from scaffold.model.changes import Change, ChangeSet
from scaffold.model.layout import CONFIG_NAME, RepoLayout, parse_layout
from scaffold.repo.buildlist import with_build_list
from scaffold.repo.files import disk_reader


class Workspace:
    """A repo as planned so far: disk, with the edits of the plans made on it.

    Planners edit files one after another (a route line, then a handler, in one module), so
    each sees the others' edits; `change_set()` compares the end state with disk.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._read = disk_reader(root)
        self._original: dict[str, str | None] = {}
        self._current: dict[str, str | None] = {}
        #: modules whose text is one that parsed, less whole top-level statements
        self._cut_from_parsed: set[str] = set()

    @classmethod
    def overlay(cls, root: Path, changes: ChangeSet) -> Workspace:
        """The repo as it would be once `changes` are applied."""
        workspace = cls(root)
        for change in changes.changes:
            workspace.write(change.path, change.after)
        return workspace

    def _load(self, path: str) -> None:
        if path in self._original:
            return
        target = self.root / path
        if not target.resolve().is_relative_to(self.root.resolve()):
            raise RepoLayoutError(
                f"{path} resolves outside the repo (a symlink?)",
                hint="replace the link with the file itself",
                path=target,
            )
        # Read keeping \r\n as it is: the rest of the file must stay byte-identical.
        text = self._read(path)
        self._original[path] = text
        self._current[path] = text

    def exists(self, path: str) -> bool:
        self._load(path)
        return self._current[path] is not None

    def read(self, path: str) -> str:
        """The current text of a file (with edits planned so far)."""
        self._load(path)
        text = self._current[path]
        if text is None:
            raise RepoLayoutError(
                f"{path} does not exist", hint="check the paths in scaffold.toml", path=self.root / path
            )
        return text

    def read_or_none(self, path: str) -> str | None:
        self._load(path)
        return self._current[path]

    def write(self, path: str, text: str | None, *, cut_from_parsed: bool = False) -> None:
        """Plan `text` for the file at `path`. `cut_from_parsed`: the text is the module's
        current one, which parsed, with whole top-level statements taken out (it compiles as
        that did, `Change.compiles_as_before`); any other edit of the module forgets it, until
        a cut made on a parse of the edited text vouches for it again."""
        self._load(path)
        if cut_from_parsed:
            self._cut_from_parsed.add(path)
        elif text != self._current[path]:
            self._cut_from_parsed.discard(path)
        self._current[path] = text

    def cut_from_parsed(self, path: str) -> bool:
        """The module's text is one that parsed, less whole top-level statements (`write`)."""
        return path in self._cut_from_parsed

    def original(self, path: str) -> str | None:
        self._load(path)
        return self._original[path]

    def layout(self) -> RepoLayout:
        """The layout as planned: an earlier plan of the same change may have added a tag."""
        return with_build_list(parse_layout(self.root, self.read(CONFIG_NAME)), self.read_or_none)

    def changed(self, path: str) -> bool:
        return path in self._current and self._current[path] != self._original[path]

    def change_set(self, warnings: list[str] | None = None) -> ChangeSet:
        return ChangeSet(
            [
                Change(path, self._original[path], self._current[path], path in self._cut_from_parsed)
                for path in self._current
                if self._current[path] != self._original[path]
            ],
            list(warnings or []),
        )
