"""scaffold.repo.buildlist and scaffold.text.makefile: a Makefile's build list, read and edited."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold.errors import RepoLayoutError
from scaffold.model.layout import parse_layout
from scaffold.repo.buildlist import find_makefile, fragment_mentions, with_build_list
from scaffold.text.makefile import add_fragment_line, remove_fragment_line

# Shaped like Mattermost's api/Makefile: the Makefile's own directory through a function, an
# introduction swapped for another file when it exists, files of another directory between.
REAL_STYLE = """\
ROOT := $(dir $(abspath $(lastword $(MAKEFILE_LIST))))
OUT = $(ROOT)/out.yaml
SRC = $(ROOT)/v4/source
EXTRA = $(ROOT)/extra

build:
\t@if [ -r $(EXTRA)/tags.yaml ]; then cat $(EXTRA)/tags.yaml > $(OUT); else cat $(SRC)/introduction.yaml > $(OUT); fi
\t@cat $(SRC)/users.yaml >> $(OUT)
\t@cat ${SRC}/teams.yaml >> $(OUT)
\t@if [ -r $(EXTRA)/paths.yaml ]; then cat $(EXTRA)/paths.yaml >> $(OUT); fi
\t@cat $(SRC)/definitions.yaml >> $(OUT)
"""


def names(text: str, source: str = "v4/source") -> list[str]:
    return [m.name for m in fragment_mentions(text, source)]


@pytest.mark.parametrize(
    ("text", "source", "expected"),
    [
        pytest.param(REAL_STYLE, "v4/source", ["introduction.yaml", "users.yaml", "teams.yaml", "definitions.yaml"], id="real-style"),
        pytest.param("all:\n\tcat v4/source/a.yaml v4/source/b.yaml > out\n", "v4/source", ["a.yaml", "b.yaml"], id="one-line"),
        pytest.param("all:\n\tcat a.yaml b.yaml > out\n", "", ["a.yaml", "b.yaml"], id="beside-the-makefile"),
        pytest.param("S := ./v4/source/\nall:\n\tcat $(S)/a.yaml > out\n", "v4/source", ["a.yaml"], id="dot-and-slash"),
        pytest.param("all:\n\tcp v4/source/a.yaml out\n", "v4/source", [], id="not-a-cat"),
        pytest.param("a = v4/source/x.yaml\nall:\n\tcat $(a) > out\n", "v4/source", [], id="named-through-a-variable"),
        pytest.param("all:\n\tcat other/a.yaml > out\n", "v4/source", [], id="another-directory"),
    ],
)
def test_fragment_mentions(text: str, source: str, expected: list[str]) -> None:
    assert names(text, source) == expected


def test_a_line_is_added_as_a_copy_of_its_neighbour_and_taken_out_again() -> None:
    added = add_fragment_line(REAL_STYLE, "v4/source", "widgets.yaml", "teams.yaml", "api/Makefile")
    assert "\t@cat ${SRC}/teams.yaml >> $(OUT)\n\t@cat ${SRC}/widgets.yaml >> $(OUT)\n" in added
    assert names(added) == ["introduction.yaml", "users.yaml", "teams.yaml", "widgets.yaml", "definitions.yaml"]
    assert remove_fragment_line(added, "v4/source", "widgets.yaml", "api/Makefile") == REAL_STYLE


def test_after_a_compound_line_the_nearest_simple_line_is_copied() -> None:
    added = add_fragment_line(REAL_STYLE, "v4/source", "widgets.yaml", "introduction.yaml", "api/Makefile")
    assert names(added)[:3] == ["introduction.yaml", "widgets.yaml", "users.yaml"]
    assert "\t@cat $(SRC)/widgets.yaml >> $(OUT)\n" in added


def test_crlf_and_no_final_newline_are_kept() -> None:
    crlf = REAL_STYLE.replace("\n", "\r\n")
    added = add_fragment_line(crlf, "v4/source", "widgets.yaml", "teams.yaml", "api/Makefile")
    assert added.count("\n") == added.count("\r\n") == crlf.count("\n") + 1
    unended = "all:\n\tcat s/a.yaml > o\n\tcat s/b.yaml >> o"
    added = add_fragment_line(unended, "s", "c.yaml", "b.yaml", "Makefile")
    assert added == unended + "\n\tcat s/c.yaml >> o"
    assert remove_fragment_line(added, "s", "c.yaml", "Makefile") == unended


def test_a_compound_line_is_not_cut() -> None:
    with pytest.raises(RepoLayoutError, match="does more than that"):
        remove_fragment_line(REAL_STYLE, "v4/source", "introduction.yaml", "api/Makefile")


BASE = """\
[docs]
source = "api/v4/source"
output = "api/v4/html/openapi.yaml"
{build}
[server]
routes = "server/api4/api.py"
handlers = "server/api4/{{resource}}.py"
tests = "server/api4/{{resource}}_test.py"
app = "server/app/{{resource}}.py"
context = "server/web/context.py"
driver = "server/model/client4.py"
"""
MAKEFILE = "all:\n\tcat v4/source/introduction.yaml v4/source/users.yaml v4/source/definitions.yaml > out\n"


def reader(files: dict[str, str]):  # type: ignore[no-untyped-def]
    return files.get


def test_the_nearest_makefile_above_the_source_is_the_build_list() -> None:
    layout = parse_layout(Path("/r"), BASE.format(build=""))
    files = {"api/Makefile": MAKEFILE, "Makefile": "all:\n\techo\n"}
    found = find_makefile(layout, reader(files))
    assert found is not None and found[0] == "api/Makefile"
    read = with_build_list(layout, reader(files))
    assert read.build == ("introduction.yaml", "users.yaml", "definitions.yaml")
    assert read.makefile == "api/Makefile"


def test_without_either_build_list_the_repo_is_refused() -> None:
    layout = parse_layout(Path("/r"), BASE.format(build=""))
    with pytest.raises(RepoLayoutError, match=r"\[docs\] build is missing, and no Makefile"):
        with_build_list(layout, reader({}))


@pytest.mark.parametrize(
    ("build", "message"),
    [
        pytest.param('["introduction.yaml", "definitions.yaml"]', "api/Makefile concatenates users.yaml, which [docs] build", id="extra"),
        pytest.param('["introduction.yaml", "users.yaml", "teams.yaml", "definitions.yaml"]', "[docs] build lists teams.yaml, which api/Makefile does not", id="missing"),
        pytest.param('["introduction.yaml", "definitions.yaml", "users.yaml"]', "concatenates users.yaml where [docs] build of scaffold.toml has definitions.yaml", id="order"),
    ],
)
def test_build_lists_that_disagree_are_refused(build: str, message: str) -> None:
    layout = parse_layout(Path("/r"), BASE.format(build=f"build = {build}\n"))
    with pytest.raises(RepoLayoutError) as refused:
        with_build_list(layout, reader({"api/Makefile": MAKEFILE}))
    assert message in str(refused.value)
