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
