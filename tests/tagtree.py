"""The docs tree of tests/fixtures/docs-tree, on a copy of the reference server.

The fixture's fragments replace the reference's own, its `api/Makefile` comes along, and
scaffold.toml keeps the reference's [server] but neither a build list (the Makefile's is the
build list) nor `[tags.*]` tables (the tags are read from the fragments). With `valid`, the
fixture's two deliberate defects in bookmarks.yaml (a stray `body:` key, a parameter `$ref`
to nothing) are mended, so that what a test adds is judged on its own.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "docs-tree"
SOURCE = "api/v4/source"
#: every file of the reference an add of an existing tag, then of a new tag, edits
EDITED = (
    "api/v4/source/users.yaml",
    "api/v4/source/introduction.yaml",
    "server/api4/user.py",
    "server/api4/user_test.py",
    "server/app/user.py",
    "server/api4/api.py",
    "server/model/client4.py",
    "scaffold.toml",
)


def read_exact(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def write_exact(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def docs_tree(repo: Path, *, valid: bool = True, tables: str = "") -> Path:
    """Put the fixture's docs into `repo` (a copy of the reference server); `tables` is
    appended to scaffold.toml in place of the reference's `[tags.*]` tables."""
    shutil.rmtree(repo / "api")
    shutil.copytree(FIXTURE / "api", repo / "api")
    config = read_exact(repo / "scaffold.toml")
    config = re.sub(r"build = \[.*?\]\n", "", config, flags=re.S)
    config = re.sub(r"\[tags\.[a-z]+\]\n(?:[a-z]+ = .*\n)+\n", "", config)
    write_exact(repo / "scaffold.toml", config + tables)
    if valid:
        bookmarks = repo / SOURCE / "bookmarks.yaml"
        text = read_exact(bookmarks).replace("      body:\n", "      requestBody:\n")
        text = text.replace(
            '        - $ref: "#/components/parameters/BookmarkId"\n',
            "        - name: bookmark_id\n          in: path\n          required: true\n"
            "          schema:\n            type: string\n",
        )
        write_exact(bookmarks, text)
    return repo
