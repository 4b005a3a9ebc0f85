"""The imports a removal leaves unused go, whether the names left are read off the part of the
module parsed or told by its symbol table."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from scaffold.artifacts.removal import Removal, neighbours
from scaffold.repo.workspace import Workspace
from scaffold.text import head
from scaffold.text.python import Source

PATH = "m_test.py"
MODULE = (
    "from helpers import check_gone, check_kept, check_later\n"
    "\n\n"
    "def test_first():\n    check_kept()\n\n\n"
    "def test_second():\n    check_later()\n    check_kept()\n\n\n"
    "def test_cut():\n    resp = check_gone()\n    check_kept(resp)\n"
)


def removal_of(tmp_path: Path) -> Removal:
    (tmp_path / PATH).write_text(MODULE, encoding="utf-8")
    ctx: Any = SimpleNamespace(workspace=Workspace(tmp_path), layout=SimpleNamespace(line_length=100))
    return Removal(ctx)


def symbol_tables(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The candidates of each symbol table the removal builds."""
    asked: list[set[str]] = []
    real = head.unused_names

    def unused_names(text: str, candidates: set[str]) -> set[str]:
        if candidates:
            asked.append(set(candidates))
        return real(text, candidates)

    monkeypatch.setattr(head, "unused_names", unused_names)
    return asked


def test_names_the_part_left_uses_keep_their_imports_unlooked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    removal = removal_of(tmp_path)
    source = Source.parse_from(MODULE, PATH, 8)  # from test_second on
    asked = symbol_tables(monkeypatch)
    removal.cut_top_level(PATH, source, source.tree.body[-1])
    removal.drop_unused_imports()
    assert removal.ctx.workspace.read(PATH).startswith("from helpers import check_kept, check_later\n")
    assert asked == [{"check_gone"}]  # check_kept is seen used in test_second


def test_a_module_cut_again_has_its_names_told_by_its_symbol_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    removal = removal_of(tmp_path)
    source = Source.parse_from(MODULE, PATH, 8)
    asked = symbol_tables(monkeypatch)
    removal.cut_top_level(PATH, source, source.tree.body[-1])
    # test_second goes too, by another cut: check_later was seen in it, and is used no more.
    again = Source.parse(removal.ctx.workspace.read(PATH), PATH)
    second = again.tree.body[2]
    removal.cut(PATH, again, second, second.lineno - 2, second.end_lineno or second.lineno)
    removal.drop_unused_imports()
    assert removal.ctx.workspace.read(PATH).startswith("from helpers import check_kept\n")
    assert asked == [{"check_gone", "check_kept", "check_later"}]


def test_a_module_parsed_whole_has_its_names_told_by_its_symbol_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    removal = removal_of(tmp_path)
    source = Source.parse(MODULE, PATH)
    asked = symbol_tables(monkeypatch)
    removal.cut_top_level(PATH, source, source.tree.body[-1])
    removal.drop_unused_imports()
    assert removal.ctx.workspace.read(PATH).startswith("from helpers import check_kept, check_later\n")
    assert asked == [{"check_gone", "check_kept"}]


def test_the_statements_near_a_cut_keep_the_imports_they_use_unlooked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    removal = removal_of(tmp_path)
    source = Source.parse(MODULE, PATH)
    body = source.tree.body
    asked = symbol_tables(monkeypatch)
    removal.cut_top_level(PATH, source, body[-1], near=neighbours(body, body[-1]))
    removal.drop_unused_imports()
    assert removal.ctx.workspace.read(PATH).startswith("from helpers import check_kept, check_later\n")
    assert asked == [{"check_gone"}]


def test_the_neighbours_of_a_statement_are_those_around_it() -> None:
    body = Source.parse("\n".join(f"x{i} = {i}" for i in range(60)) + "\n", PATH).tree.body
    around = neighbours(body, body[30])
    assert around == body[10:30] + body[31:51]
    assert neighbours(body, body[0]) == body[1:21]


def test_a_cut_of_lines_reads_the_statements_near_it_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    removal = removal_of(tmp_path)
    source = Source.parse(MODULE, PATH)
    body = source.tree.body
    asked = symbol_tables(monkeypatch)
    last = body[-1]
    removal.cut(PATH, source, last, last.lineno - 2, last.end_lineno or last.lineno, near=neighbours(body, last))
    removal.drop_unused_imports()
    assert removal.ctx.workspace.read(PATH).startswith("from helpers import check_kept, check_later\n")
    assert asked == [{"check_gone"}]
