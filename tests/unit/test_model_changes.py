"""The diff a dry run shows: it turns the file into what would be written, numbered as the file is."""

from __future__ import annotations

import subprocess
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from scaffold.model.changes import Change
from tests.edits import apply_diff

# Few distinct lines, so that files share long runs and repeat lines the way code does.
lines = st.lists(st.sampled_from(["a\n", "b\n", "\n", "    c\n", "d"]), max_size=60)


@settings(max_examples=120, deadline=None)
@given(before=lines, middle=lines, after=lines, common_head=st.integers(0, 40), common_tail=st.integers(0, 40))
def test_a_diff_turns_before_into_after(
    before: list[str], middle: list[str], after: list[str], common_head: int, common_tail: int
) -> None:
    head = [f"head {n}\n" for n in range(common_head)]
    tail = [f"tail {n}\n" for n in range(common_tail)]
    old = "".join(head + before + tail)
    new = "".join(head + middle + after + tail)
    change = Change("m.py", old, new)
    assert apply_diff(old, change.diff()) == new


def test_a_hunk_deep_in_a_long_file_has_the_file_s_line_numbers_as_git_shows(tmp_path: Path) -> None:
    old = "".join(f"line {n}\n" for n in range(1, 2001))
    new = old.replace("line 1500\n", "line 1500\ninserted\n").replace("line 1700\n", "")
    (tmp_path / "a").write_text(old)
    (tmp_path / "b").write_text(new)
    shown = subprocess.run(
        ["git", "diff", "--no-index", "--no-color", "a", "b"], cwd=tmp_path, capture_output=True, text=True
    ).stdout
    hunks = [line for line in Change("m.py", old, new).diff().splitlines() if line.startswith("@@")]
    assert hunks == ["@@ -1498,6 +1498,7 @@", "@@ -1697,7 +1698,6 @@"]
    assert hunks == [line.split(" @@")[0] + " @@" for line in shown.splitlines() if line.startswith("@@")]


def test_a_hunk_between_lines_alike_keeps_its_context_on_both_sides(tmp_path: Path) -> None:
    # The lines after the insertion repeat those before it: the shared start and end of the
    # two texts overlap, and the hunk must still carry three lines of context after it.
    function = "def {0}():\n    x = 1\n    return None\n\n\n"
    old = function.format("a") + function.format("c")
    new = function.format("a") + function.format("b") + function.format("c")
    (tmp_path / "m.py").write_text(old)
    patch = Change("m.py", old, new).diff()
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "change.diff").write_text(patch)
    applied = subprocess.run(["git", "apply", "change.diff"], cwd=tmp_path, capture_output=True, text=True)
    assert applied.returncode == 0, applied.stderr + patch
    assert (tmp_path / "m.py").read_text() == new, patch  # git puts it where the context says
    assert apply_diff(old, patch) == new
