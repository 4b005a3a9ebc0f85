"""scaffold.text.yaml: scalars, the lines of mapping entries, and located YAML errors."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from scaffold.errors import ValidationError
from scaffold.text.yaml import (
    Loader,
    compose,
    entries,
    error_position,
    indent_text,
    insert_lines,
    node_data,
    scalar,
)

# ---------------------------------------------------------------------------------------------
# scalar


SCALARS = [
    pytest.param("plain", 0, False, "plain", id="plain"),
    pytest.param('say "hi"', 0, False, 'say "hi"', id="inner-double-quotes-stay-plain"),
    pytest.param("ünï", 0, False, "ünï", id="unicode-unescaped"),
    pytest.param("yes", 0, False, "'yes'", id="yaml11-bool-yes"),
    pytest.param("on", 0, False, "'on'", id="yaml11-bool-on"),
    pytest.param("no", 0, False, "'no'", id="yaml11-bool-no"),
    pytest.param("True", 0, False, "'True'", id="bool-True"),
    pytest.param("null", 0, False, "'null'", id="null"),
    pytest.param("~", 0, False, "'~'", id="tilde"),
    pytest.param("0x1F", 0, False, "'0x1F'", id="hex-int"),
    pytest.param("1e3", 0, False, "'1e3'", id="yaml12-float-1e3"),
    pytest.param("1.5e3", 0, False, "'1.5e3'", id="yaml12-float-unsigned-exponent"),
    pytest.param("-.5", 0, False, "'-.5'", id="yaml12-float-signed-no-digit"),
    pytest.param("0o17", 0, False, "'0o17'", id="yaml12-octal"),
    pytest.param("08", 0, False, "'08'", id="yaml12-int-leading-zero"),
    pytest.param("1e3 items", 0, False, "1e3 items", id="number-then-words-stays-plain"),
    pytest.param("", 0, False, "''", id="empty"),
    pytest.param("a: b", 0, False, "'a: b'", id="colon-space"),
    pytest.param("#x", 0, False, "'#x'", id="leading-hash"),
    pytest.param("- x", 0, False, "'- x'", id="leading-dash"),
    pytest.param("tab\there", 0, False, '"tab\\there"', id="tab-double-quoted"),
    pytest.param("line1\nline2", 0, False, "'line1\n\n  line2'", id="multiline-flow"),
    pytest.param("line1\nline2", 4, False, "'line1\n\n      line2'", id="multiline-flow-indented"),
    pytest.param(
        "line1\nline2", 4, True, "|-\n      line1\n      line2", id="block-literal-indented"
    ),
    pytest.param("a\n\nb\n", 2, True, "|\n    a\n\n    b", id="block-blank-line-not-padded"),
    pytest.param(" lead", 4, True, "|2-\n       lead", id="block-leading-space-indicator"),
    pytest.param("1e3", 0, True, "|-\n  1e3", id="block-number-is-text"),
    pytest.param("", 0, True, '""', id="block-empty-falls-back-to-double"),
    pytest.param("trailing ", 0, True, '"trailing "', id="block-trailing-space-falls-back"),
    pytest.param("tab\there", 0, True, '"tab\\there"', id="block-tab-falls-back"),
    pytest.param("x\n\n", 2, True, '"x\\n\\n"', id="block-keeping-blank-lines-falls-back"),
    pytest.param("\n", 0, True, '"\\n"', id="block-only-a-newline-falls-back"),
    pytest.param("\x85", 0, False, '"\\N"', id="next-line-character-escaped"),
]


@pytest.mark.parametrize(("value", "indent", "block", "expected"), SCALARS)
def test_scalar(value: str, indent: int, block: bool, expected: str) -> None:
    assert scalar(value, indent, block=block) == expected


@pytest.mark.parametrize(("value", "indent", "block", "expected"), SCALARS)
def test_scalar_reads_back_at_its_column(
    value: str, indent: int, block: bool, expected: str
) -> None:
    document = "outer:\n" + " " * indent + "k: " + scalar(value, indent, block=block) + "\n"
    if indent == 0:
        document = document.removeprefix("outer:\n")
        assert yaml.safe_load(document) == {"k": value}
    else:
        assert yaml.safe_load(document) == {"outer": {"k": value}}


# ---------------------------------------------------------------------------------------------
# entries

ENTRIES = [
    pytest.param("a: 1\nb: 2\n", [("a", 0, 1, 0), ("b", 1, 2, 0)], id="flat"),
    pytest.param(
        "a:\n  x: 1\n\n# about b\nb: 2\n",
        [("a", 0, 2, 0), ("b", 4, 5, 0)],
        id="blank-and-comment-before-a-key-leave-the-entry-above",
    ),
    pytest.param(
        "a:\n  x: 1\n# aside\n  y: 2\nb: 3\n",
        [("a", 0, 4, 0), ("b", 4, 5, 0)],
        id="comment-at-key-indent-inside-the-value",
    ),
    pytest.param(
        "a:\n  x: 1\n  # last words of a\nb: 2\n",
        [("a", 0, 3, 0), ("b", 3, 4, 0)],
        id="deeper-comment-after-the-value-closes-it",
    ),
    pytest.param(
        "d: |\n  one\n\n  two\n\ne: 5\n",
        [("d", 0, 4, 0), ("e", 5, 6, 0)],
        id="block-scalar-with-a-blank-line",
    ),
    pytest.param(
        "a: 1\nb:\n  - x\n\n\n",
        [("a", 0, 1, 0), ("b", 1, 3, 0)],
        id="last-entry-ends-at-its-content-not-at-trailing-blanks",
    ),
    pytest.param(
        "a:\n- x\n- y\nb: 1\n",
        [("a", 0, 3, 0), ("b", 3, 4, 0)],
        id="sequence-at-the-key-indent-is-the-value",
    ),
    pytest.param(
        'a: "one\ntwo"\nb: 1\n',
        [("a", 0, 2, 0), ("b", 2, 3, 0)],
        id="quoted-scalar-continued-at-column-0",
    ),
    pytest.param(
        "c: [1,\n  2]\nd: 4\n",
        [("c", 0, 2, 0), ("d", 2, 3, 0)],
        id="flow-sequence-over-two-lines",
    ),
    pytest.param(
        "  /users:\n    get: {}\n  /teams:\n    get: {}\n",
        [("/users", 0, 2, 2), ("/teams", 2, 4, 2)],
        id="indented-fragment-keys",
    ),
]


@pytest.mark.parametrize(("text", "expected"), ENTRIES)
def test_entries(text: str, expected: list[tuple[str, int, int, int]]) -> None:
    root = compose(text, "f.yaml")
    assert isinstance(root, yaml.MappingNode)
    found = entries(root, text.splitlines(keepends=True))
    assert [(e.key, e.start, e.end, e.indent) for e in found] == expected


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        pytest.param(None, [("x", 1, 2, 2), ("y", 2, 4, 2)], id="no-limit-takes-the-deep-comment"),
        pytest.param(3, [("x", 1, 2, 2), ("y", 2, 3, 2)], id="limit-stops-before-it"),
    ],
)
def test_entries_of_a_nested_mapping(
    limit: int | None, expected: list[tuple[str, int, int, int]]
) -> None:
    text = "a:\n  x: 1\n  y: 2\n        # deep comment\n"
    root = compose(text, "f.yaml")
    assert isinstance(root, yaml.MappingNode)
    inner = root.value[0][1]
    found = entries(inner, text.splitlines(keepends=True), limit)
    assert [(e.key, e.start, e.end, e.indent) for e in found] == expected
    assert all(isinstance(e.node, yaml.ScalarNode) for e in found)


# ---------------------------------------------------------------------------------------------
# indent_text and insert_lines


@pytest.mark.parametrize(
    ("text", "indent", "expected"),
    [
        pytest.param("a\n b\n", 2, "  a\n   b\n", id="each-line"),
        pytest.param("a\n\nb\n", 2, "  a\n\n  b\n", id="empty-line-stays-empty"),
        pytest.param("a\n   \nb\n", 2, "  a\n   \n  b\n", id="spaces-only-line-untouched"),
        pytest.param("a\nb", 4, "    a\n    b", id="no-final-newline"),
        pytest.param("a\r\nb\r\n", 1, " a\r\n b\r\n", id="crlf-kept"),
        pytest.param("", 2, "", id="empty"),
        pytest.param("a\n", 0, "a\n", id="zero"),
    ],
)
def test_indent_text(text: str, indent: int, expected: str) -> None:
    assert indent_text(text, indent) == expected


@pytest.mark.parametrize(
    ("text", "at", "block", "expected"),
    [
        pytest.param("a\nb\n", 0, "x\n", "x\na\nb\n", id="first"),
        pytest.param("a\nb\n", 1, "x\ny\n", "a\nx\ny\nb\n", id="middle"),
        pytest.param("a\nb\n", 2, "x\n", "a\nb\nx\n", id="end"),
        pytest.param("a\nb", 2, "x\n", "a\nb\nx\n", id="end-of-text-without-final-newline"),
        pytest.param("a\nb", 9, "x\n", "a\nb\nx\n", id="past-the-end-without-final-newline"),
        pytest.param("a\nb", 1, "x\n", "a\nx\nb", id="middle-keeps-the-missing-final-newline"),
        pytest.param("", 0, "x\n", "x\n", id="empty-text"),
        pytest.param("a\r\nb\r\n", 1, "x\r\n", "a\r\nx\r\nb\r\n", id="crlf"),
    ],
)
def test_insert_lines(text: str, at: int, block: str, expected: str) -> None:
    assert insert_lines(text, at, block) == expected


# ---------------------------------------------------------------------------------------------
# compose and error_position


def test_compose_returns_the_root_node() -> None:
    root = compose("a: 1\n", "f.yaml")
    assert isinstance(root, yaml.MappingNode)
    assert compose("# only a comment\n", "f.yaml") is None


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        pytest.param("a: [\n", "did not find expected node content", 2, id="unclosed-flow"),
        pytest.param(
            "a: b: c\n", "mapping values are not allowed in this context", 1, id="nested-colon"
        ),
        pytest.param(
            "a: 1\n\tb: 2\n", "found a tab character that violates indentation", 2, id="tab"
        ),
        pytest.param("a: 1\nb: *x\n", "found undefined alias", 2, id="undefined-alias"),
        pytest.param("a: |\n  x\n b\n", "did not find expected key", 3, id="dedent-in-block"),
        pytest.param("a: 'x\n", "found unexpected end of stream", 2, id="unclosed-quote"),
        pytest.param("a: 1\nb: \x00\n", "control characters are not allowed (#x0000)", 2, id="nul"),
        pytest.param(
            "a: 1\r\nb: 2\r\nc: \x07\r\n",
            "control characters are not allowed (#x0007)",
            3,
            id="bell-crlf",
        ),
    ],
)
def test_compose_locates_syntax_errors(text: str, message: str, line: int) -> None:
    with pytest.raises(ValidationError) as raised:
        compose(text, "api/v4/source/users.yaml")
    error = raised.value
    assert (error.message, error.line, str(error.path)) == (
        f"YAML syntax error: {message}",
        line,
        "api/v4/source/users.yaml",
    )
    assert error.hint == "fix the YAML of this file"


def _mark(line: int) -> yaml.Mark:
    return yaml.Mark("f.yaml", 0, line, 0, "", 0)


@pytest.mark.parametrize(
    ("error", "text", "expected"),
    [
        pytest.param(
            yaml.MarkedYAMLError(
                problem="bad", problem_mark=_mark(5), context="ctx", context_mark=_mark(3)
            ),
            "",
            (5, "bad"),
            id="problem-mark-first",
        ),
        pytest.param(
            yaml.MarkedYAMLError(context="ctx", context_mark=_mark(3)),
            "",
            (3, "ctx"),
            id="context-mark-else",
        ),
        pytest.param(yaml.MarkedYAMLError(problem="bad"), "", (None, "bad"), id="no-mark"),
        pytest.param(
            yaml.reader.ReaderError(
                "f.yaml", 5, 0, "unicode", "special characters are not allowed"
            ),
            "a: 1\nb\x00",
            (1, "special characters are not allowed (#x0000)"),
            id="reader-error-code",
        ),
        pytest.param(
            yaml.reader.ReaderError(
                "f.yaml", 7, "\x07", "unicode", "special characters are not allowed"
            ),
            "a\nb\nc: \x07",
            (2, "special characters are not allowed (#x0007)"),
            id="reader-error-character",
        ),
        pytest.param(yaml.YAMLError("boom"), "a", (None, "boom"), id="other"),
    ],
)
def test_error_position(error: yaml.YAMLError, text: str, expected: tuple[int | None, str]) -> None:
    assert error_position(error, text) == expected


def test_error_position_of_the_pure_python_reader() -> None:
    text = "a: 1\nb: 2\nc: \x00\n"
    with pytest.raises(yaml.reader.ReaderError) as raised:
        yaml.load(text, Loader=yaml.SafeLoader)
    assert error_position(raised.value, text) == (2, "special characters are not allowed (#x0000)")


# node_data: the safe constructor's values, built faster

_DOCUMENTS = [
    "a: 1\nb: [x, 2.5, true, null, ~, 2024-01-02]\n200: {description: ok}\n",
    "anchor: &a {k: v}\nagain: *a\n",  # an alias: one object, shared
    "base: &b {x: 1}\nmerged:\n  <<: *b\n  y: 2\n",  # a merge key
    "set: !!set {a, b}\nomap: !!omap [{a: 1}]\nbinary: !!binary aGk=\n",
    "? [unhashable]\n: 1\n",
    "tagged: !!int abc\n",
    "odd: !custom x\n",
    "'=': 1\nyes: no\non: off\n0x1F: 017\n1_000: .inf\n",
]


@pytest.mark.parametrize("text", _DOCUMENTS)
def test_node_data_is_what_the_safe_constructor_builds(text: str) -> None:
    root = yaml.compose(text, Loader=Loader)
    try:
        expected = yaml.constructor.SafeConstructor().construct_document(root)
    except (yaml.YAMLError, ValueError, TypeError) as refused:
        with pytest.raises(type(refused)) as raised:
            node_data(yaml.compose(text, Loader=Loader))
        assert str(raised.value) == str(refused)
        return
    assert node_data(yaml.compose(text, Loader=Loader)) == expected


@settings(max_examples=150, deadline=None)
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6) | st.integers(), children, max_size=4),
    max_leaves=20,
))
def test_node_data_of_dumped_values_is_the_values(value: object) -> None:
    root = yaml.compose(yaml.safe_dump(value), Loader=Loader)
    assert node_data(root) == yaml.constructor.SafeConstructor().construct_document(root) == value


def test_an_alias_keeps_one_shared_object() -> None:
    data = node_data(yaml.compose("a: &x [1]\nb: *x\n", Loader=Loader))
    assert data["a"] is data["b"]


# ---------------------------------------------------------------------------------------------
# Loader: the safe loader's tags, resolved with less Python

_SCALAR_KINDS = [
    "", "~", "null", "Null", "NULL", "nothing", "yes", "No", "ON", "off", "y", "n", "true",
    "False", "truth", "0", "-1", "+12", "0x1F", "0o17", "017", "0b101", "1_000", "190:20:30",
    "1.5", "-.5", "1e3", "1.0e+3", ".inf", "-.Inf", ".NaN", ".nan.", "2001-12-14",
    "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "<<", "=", "text", "émoji ✓",
]


def _tags(node: yaml.Node) -> list[tuple[str, object]]:
    if isinstance(node, yaml.ScalarNode):
        return [(node.tag, node.value)]
    if isinstance(node, yaml.MappingNode):
        return [("map", None)] + [t for pair in node.value for item in pair for t in _tags(item)]
    return [("seq", None)] + [t for item in node.value for t in _tags(item)]


@pytest.mark.parametrize("style", ["{}", "'{}'", '"{}"', "!!str {}", "[{}]", "{{{}: v}}"])
def test_the_loader_resolves_tags_as_the_safe_loader_does(style: str) -> None:
    values = [value for value in _SCALAR_KINDS if value or style != "{{{}: v}}"]
    text = "".join(f"k{i}: {style.format(value)}\n" for i, value in enumerate(values))
    expected = _tags(yaml.compose(text, Loader=yaml.CSafeLoader))
    assert _tags(yaml.compose(text, Loader=Loader)) == expected
    assert len({tag for tag, _ in expected}) >= (1 if "'" in style or '"' in style or "!!" in style else 6)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*_SCALAR_KINDS, "a", "- ", ": ", "\n", "  ", "#", "'", "&x ", "*x"]),
        max_size=30,
    )
)
def test_the_loader_composes_any_text_as_the_safe_loader_does(parts: list[str]) -> None:
    text = "".join(parts)
    try:
        expected: object = _tags(yaml.compose(text, Loader=yaml.CSafeLoader) or yaml.ScalarNode("", ""))
    except yaml.YAMLError as err:
        expected = str(err)
    try:
        found: object = _tags(yaml.compose(text, Loader=Loader) or yaml.ScalarNode("", ""))
    except yaml.YAMLError as err:
        found = str(err)
    assert found == expected
