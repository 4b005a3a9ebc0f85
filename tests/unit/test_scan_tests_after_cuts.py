"""The facts of a test module that lost whole tests, derived from its facts before: always
those a fresh read gives, or none at all."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scaffold.scan.tests import tests_facts as read_cases
from scaffold.scan.tests import tests_facts_after_cuts as derived_cases

PATH = "server/api4/user_test.py"
HEAD = "import pytest\nfrom server.api4 import helpers\n\n\n"


def a_test(name: str, index: int, *, xfail: bool = False, body_lines: int = 1) -> str:
    decorator = '@pytest.mark.xfail(reason="later", strict=True)\n' if xfail else ""
    calls = "".join(f"    resp = client.get_thing_{index}_{n}(th.id)\n    check_ok_status(resp)\n" for n in range(body_lines))
    body = calls or "    pass\n"
    return f"{decorator}def {name}(th, client):\n{body}\n\n"


def cut(module: list[str], dropped: set[int]) -> str:
    return HEAD + "".join(part for i, part in enumerate(module) if i not in dropped)


@st.composite
def modules_and_cuts(draw: st.DrawFn) -> tuple[list[str], set[int], str]:
    count = draw(st.integers(1, 12))
    parts = []
    for index in range(count):
        between = draw(st.sampled_from(["", "# a comment\n", "\n", "HELPER = 1\n\n\n"]))
        parts.append(
            between
            + a_test(
                f"test_case_{index}",
                index,
                xfail=draw(st.booleans()),
                body_lines=draw(st.integers(0, 3)),
            )
        )
    dropped = draw(st.sets(st.integers(0, count - 1)))
    head = draw(st.sampled_from([HEAD, "import pytest\n\n\n"]))  # an import the cut left unused goes
    return parts, dropped, head


@settings(max_examples=150, deadline=None)
@given(modules_and_cuts())
def test_the_derived_facts_are_those_read_afresh(case: tuple[list[str], set[int], str]) -> None:
    parts, dropped, head = case
    before = HEAD + "".join(parts)
    after = head + "".join(part for i, part in enumerate(parts) if i not in dropped)
    derived = derived_cases(before, after, read_cases(before, PATH))
    assert derived == read_cases(after, PATH)


def test_crlf_line_ends_are_counted_as_python_counts_them() -> None:
    parts = [a_test(f"test_case_{i}", i, body_lines=2) for i in range(4)]
    before, after = HEAD + "".join(parts), cut(parts, {1})
    crlf = before.replace("\n", "\r\n"), after.replace("\n", "\r\n")
    derived = derived_cases(*crlf, read_cases(crlf[0], PATH))
    assert derived is not None and derived == read_cases(crlf[1], PATH)


def test_a_lone_carriage_return_leaves_the_module_to_be_read() -> None:
    parts = [a_test(f"test_case_{i}", i) for i in range(3)]
    before, after = HEAD + "".join(parts), cut(parts, {0})
    lone = before.replace("\n\n\n", "\r\n\r", 1)
    assert derived_cases(lone, after, read_cases(lone, PATH)) is None


def test_a_test_header_in_a_string_leaves_the_module_to_be_read() -> None:
    parts = [a_test(f"test_case_{i}", i) for i in range(3)]
    parts.insert(1, 'DOC = """\ndef test_case_2(th):\n"""\n\n\n')
    before = HEAD + "".join(parts)
    assert derived_cases(before, cut(parts, {0}), read_cases(before, PATH)) is None


def test_a_name_defined_twice_leaves_the_module_to_be_read() -> None:
    parts = [a_test("test_case_0", 0), a_test("test_case_0", 1, body_lines=2)]
    before = HEAD + "".join(parts)
    assert derived_cases(before, cut(parts, {1}), read_cases(before, PATH)) is None


def test_a_test_that_was_not_there_before_leaves_the_module_to_be_read() -> None:
    parts = [a_test(f"test_case_{i}", i) for i in range(3)]
    before = HEAD + "".join(parts)
    after = cut(parts, {0}) + a_test("test_new", 9)
    assert derived_cases(before, after, read_cases(before, PATH)) is None


def test_tests_in_another_order_leave_the_module_to_be_read() -> None:
    parts = [a_test(f"test_case_{i}", i) for i in range(3)]
    before = HEAD + "".join(parts)
    after = HEAD + parts[2] + parts[0]
    assert derived_cases(before, after, read_cases(before, PATH)) is None
