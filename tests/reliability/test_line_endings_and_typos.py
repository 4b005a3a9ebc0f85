"""Line endings and typos: CRLF files stay CRLF through add and remove, whichever of the files
an add edits have them; a mistyped first segment or parameter never becomes structure; any
valid way a person writes the tags of scaffold.toml is edited correctly.

Quick by default; `make reliability` (`--reliability`) tries every file alone as well and every
kind of typo of every segment.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import tree_digest
from tests.tagtree import EDITED, SOURCE, docs_tree, read_exact, write_exact

Tally = Callable[[str, int], None]

ADDS = (
    ("GET", "/users/{user_id}/sessions", "--permission", "edit_other_users"),
    ("GET", "/widgets/{widget_id}", "--permission", "none"),
)


def endings(text: str) -> set[str]:
    """The kinds of line end of a text: {"\\r\\n"}, {"\\n"}, or both when mixed."""
    crlf = text.count("\r\n")
    return ({"\r\n"} if crlf else set()) | ({"\n"} if text.count("\n") > crlf else set())


def crlf_sets(thorough: bool) -> list[tuple[str, ...]]:
    # The quick pass: two complementary halves, so each file is edited both as CRLF and beside
    # CRLF files (tests/test_line_endings.py has the whole tree CRLF).
    halves = [EDITED[::2], EDITED[1::2]]
    return [EDITED, EDITED[:2], EDITED[2:7], *halves, *((path,) for path in EDITED)] if thorough else halves


def test_crlf_files_keep_their_line_ends(cli, pristine: Path, tmp_path: Path, thorough: bool, tally: Tally) -> None:
    for number, crlf in enumerate(crlf_sets(thorough)):
        repo = tmp_path / f"repo{number}"
        shutil.copytree(pristine, repo)
        for path in crlf:
            write_exact(repo / path, read_exact(repo / path).replace("\n", "\r\n"))
        before = tree_digest(repo)
        own = {path: endings(read_exact(repo / path)) for path in EDITED}
        for args in ADDS:
            result = cli("endpoint", "add", *args, "--yes", "--repo", str(repo))
            assert result.exit_code == 0, (crlf, result.output)
        for path in EDITED:
            assert endings(read_exact(repo / path)) == own[path], (crlf, path)
        for args in reversed(ADDS):
            result = cli("endpoint", "remove", args[0], args[1], "--yes", "--repo", str(repo))
            assert result.exit_code == 0, (crlf, result.output)
        assert tree_digest(repo) == before, crlf
        tally("CRLF: files edited and restored", len(EDITED) * 2)


def typos(word: str, thorough: bool) -> list[str]:
    """A letter dropped, doubled, replaced, two neighbours swapped (the first of each kind,
    or every one in the long run)."""
    made: list[str] = []
    for kind in ("drop", "double", "replace", "swap"):
        for i in range(len(word) - (kind == "swap")):
            if kind == "drop":
                typo = word[:i] + word[i + 1 :]
            elif kind == "double":
                typo = word[:i] + word[i] + word[i:]
            elif kind == "replace":
                typo = word[:i] + ("x" if word[i] != "x" else "z") + word[i + 1 :]
            else:
                typo = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            if typo != word and typo not in made and len(typo) > 2:
                made.append(typo)
                if not thorough:
                    break
    return made


def test_a_mistyped_first_segment_never_becomes_a_tag(cli, repo: Path, thorough: bool, tally: Tally) -> None:
    before = tree_digest(repo)
    segments = ("users", "teams", "channels", "posts", "system") if thorough else ("users", "channels")
    for segment in segments:
        for typo in typos(segment, thorough):
            result = cli("endpoint", "add", "GET", f"/{typo}/things", "--permission", "none", "--yes", "--repo", str(repo))
            assert result.exit_code == 2, (typo, result.output)
            assert f"did you mean /{segment}" in result.stderr and result.stderr.count("\n") == 1, typo
            tally("typo'd tags refused", 1)
    assert tree_digest(repo) == before


def test_a_mistyped_parameter_is_never_written(cli, repo: Path, thorough: bool, tally: Tally) -> None:
    before = tree_digest(repo)
    for typo in typos("user_id", thorough):
        if typo.startswith("user_id") or "user_id".startswith(typo):
            continue  # another name (`user_ids`), not a typo of this one
        result = cli("endpoint", "add", "GET", f"/users/{{{typo}}}/things", "--permission", "none", "--yes", "--repo", str(repo))
        assert result.exit_code == 2 and result.stderr.count("\n") == 1, (typo, result.output)
        # Offered its siblings' name, or (`user__id`) no parameter name at all.
        assert "call it {user_id}" in result.stderr or "not a snake_case identifier" in result.stderr, typo
        tally("typo'd parameters refused", 1)
    assert tree_digest(repo) == before


@pytest.mark.parametrize("name", ["gadgets", "imports", "audits", "jobs"])
def test_a_name_unlike_any_other_is_a_new_tag(cli, repo: Path, name: str, tally: Tally) -> None:
    result = cli("endpoint", "add", "GET", f"/{name}", "--permission", "none", "--yes", "--repo", str(repo))
    assert result.exit_code == 0, result.output
    tally("new tags made", 1)


TOML_TAGS = [
    pytest.param('\n[tags.imports]\nresource = "imports"\n', id="table-after-format"),
    pytest.param('\n[tags.imports]\nresource = "imports"', id="no-final-newline"),
    pytest.param('\n[tags.extra]\nname = "extra things"\nfragment = "extra.yaml"\nresource = "extra"\n', id="named-table"),
]


@pytest.mark.parametrize("appended", TOML_TAGS)
def test_tags_written_anywhere_in_scaffold_toml(cli, repo: Path, appended: str, tally: Tally) -> None:
    config = repo / "scaffold.toml"
    write_exact(config, read_exact(config) + appended)
    before = tree_digest(repo)
    for path in ("/widgets/{widget_id}", "/gadgets"):
        result = cli("endpoint", "add", "GET", path, "--permission", "none", "--yes", "--repo", str(repo))
        assert result.exit_code == 0, result.output
    for path in ("/gadgets", "/widgets/{widget_id}"):
        result = cli("endpoint", "remove", "GET", path, "--yes", "--repo", str(repo))
        assert result.exit_code == 0, result.output
    assert tree_digest(repo) == before
    tally("scaffold.toml variants added to and restored", 2)


def test_a_crlf_docs_tree_with_a_makefile(cli, repo: Path, tally: Tally) -> None:
    tree = docs_tree(repo)
    for path in ("api/Makefile", f"{SOURCE}/introduction.yaml", f"{SOURCE}/users.yaml", "scaffold.toml"):
        write_exact(tree / path, read_exact(tree / path).replace("\n", "\r\n"))
    before = tree_digest(tree)
    for path in ("/users/{user_id}/sessions", "/widgets"):
        result = cli("endpoint", "add", "GET", path, "--only", "docs", "--permission", "none", "--yes", "--repo", str(tree))
        assert result.exit_code == 0, result.output
    for path in ("api/Makefile", f"{SOURCE}/introduction.yaml", f"{SOURCE}/users.yaml", f"{SOURCE}/oauth.yaml"):
        assert endings(read_exact(tree / path)) == {"\r\n"}, path
    for path in ("/widgets", "/users/{user_id}/sessions"):
        result = cli("endpoint", "remove", "GET", path, "--yes", "--repo", str(tree))
        assert result.exit_code == 0, result.output
    assert tree_digest(tree) == before
    tally("CRLF: files edited and restored", 4)
