"""scaffold.text.python: Python as lines, and text edits at `ast` positions."""

from __future__ import annotations

import ast

import pytest

from scaffold.errors import RepoLayoutError
from scaffold.text.python import (
    Source,
    first_line,
    indented,
    last_line,
    parse_python,
    split_lines,
    walk,
)


def _node(source: Source, path: tuple[int, ...]) -> ast.stmt:
    """The statement at `path`: indexes into the module's body, then into each body."""
    body: list[ast.stmt] = source.tree.body
    node = body[path[0]]
    for index in path[1:]:
        node = getattr(node, "body")[index]  # noqa: B009
    return node


# ---------------------------------------------------------------------------------------------
# split_lines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a\nb\n", ["a\n", "b\n"], id="lf"),
        pytest.param("a\r\nb\r\n", ["a\r\n", "b\r\n"], id="crlf"),
        pytest.param("a\rb\r", ["a\r", "b\r"], id="cr"),
        pytest.param("a\r\nb\rc\nd", ["a\r\n", "b\r", "c\n", "d"], id="mixed-and-no-final-newline"),
        pytest.param("a", ["a"], id="one-unended-line"),
        pytest.param("", [], id="empty"),
        pytest.param("\n\n", ["\n", "\n"], id="empty-lines"),
        pytest.param("\r\n\r", ["\r\n", "\r"], id="crlf-then-cr"),
        pytest.param(
            "a\x0cb\u2028c\x85d\n",
            ["a\x0cb\u2028c\x85d\n"],
            id="form-feed-and-unicode-breaks-are-not-ends",
        ),
    ],
)
def test_split_lines(text: str, expected: list[str]) -> None:
    assert split_lines(text) == expected
    assert "".join(expected) == text


# ---------------------------------------------------------------------------------------------
# parse_python


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        pytest.param("def f(:\n    pass\n", "invalid syntax", 1, id="bad-signature"),
        pytest.param("a = 1\nb = (\n", "'(' was never closed", 2, id="unclosed-paren"),
        pytest.param("a = 1\n    b = 2\n", "unexpected indent", 2, id="unexpected-indent"),
        pytest.param(
            "if x:\npass\n",
            "expected an indented block after 'if' statement on line 1",
            2,
            id="missing-block",
        ),
    ],
)
def test_parse_python_locates_syntax_errors(text: str, message: str, line: int) -> None:
    with pytest.raises(RepoLayoutError) as raised:
        parse_python(text, "server/api4/user.py")
    error = raised.value
    assert (error.message, str(error.path), error.line) == (
        f"Python syntax error: {message}",
        "server/api4/user.py",
        line,
    )
    assert error.hint == "fix the module so that it parses"


def test_parse_python_returns_the_tree() -> None:
    tree = parse_python("x = 1\n", "m.py")
    assert [type(node).__name__ for node in tree.body] == ["Assign"]


# ---------------------------------------------------------------------------------------------
# first_line and last_line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("x = 1\n", (1, 1), id="simple"),
        pytest.param("x = (\n    1,\n)\n", (1, 3), id="statement-over-lines"),
        pytest.param("@a\n@b(\n    1,\n)\ndef f():\n    pass\n", (1, 6), id="decorators-first"),
        pytest.param(
            "\n@a\nclass C:\n    x = 1\n\n    # c\n", (2, 4), id="class-last-statement-not-comment"
        ),
        pytest.param("async def f():\n    await g()\n", (1, 2), id="async"),
    ],
)
def test_first_and_last_line(text: str, expected: tuple[int, int]) -> None:
    node = ast.parse(text).body[0]
    assert (first_line(node), last_line(node)) == expected


# ---------------------------------------------------------------------------------------------
# Source.end_of


@pytest.mark.parametrize(
    ("text", "path", "expected"),
    [
        pytest.param("x = 1\n    # c\n", (0,), 1, id="simple-statement-owns-no-comment"),
        pytest.param(
            "def f():\n    a = 1\n    # closing\n\nx = 1\n", (0,), 3, id="comment-closes-the-body"
        ),
        pytest.param(
            "def f():\n    a = 1\n# next\nx = 1\n", (0,), 2, id="column-0-comment-is-not-the-body"
        ),
        pytest.param(
            "def f():\n    a = 1\n  # less\nx = 1\n",
            (0,),
            2,
            id="shallower-comment-is-not-the-body",
        ),
        pytest.param(
            "def f():\n    a = 1\n\n    # still f\nx = 1\n", (0,), 4, id="blank-then-body-comment"
        ),
        pytest.param(
            "def f():\n    a = 1\n\n\nx = 1\n", (0,), 2, id="trailing-blank-lines-not-owned"
        ),
        pytest.param(
            "def f():\n    a = 1\n    \nx = 1\n", (0,), 3, id="spaces-at-body-indent-owned"
        ),
        pytest.param(
            "def f():\n    if x:\n        pass\n        # in if\n    # in f\n\nx = 1\n",
            (0,),
            5,
            id="nested-comments-close-the-outer-body",
        ),
        pytest.param(
            "def f():\n    if x:\n        pass\n        # in if\n    # in f\n",
            (0, 0),
            4,
            id="inner-block-stops-at-outer",
        ),
        pytest.param("def f():\n\ta = 1\n\t# c\nx = 1\n", (0,), 3, id="tab-indented"),
        pytest.param("def f():\r\n    a = 1\r\n    # c\r\n\r\nx = 1\r\n", (0,), 3, id="crlf"),
        pytest.param("def f():\r    a = 1\r    # c\r\rx = 1\r", (0,), 3, id="cr"),
        pytest.param("def f():\n    a = 1\n    # c", (0,), 3, id="comment-without-final-newline"),
        pytest.param("def f(): pass\n    # c\n", (0,), 1, id="one-line-body"),
        pytest.param("@d\nclass C:\n    x = 1\n    # c\n", (0,), 4, id="decorated-class"),
    ],
)
def test_end_of(text: str, path: tuple[int, ...], expected: int) -> None:
    source = Source.parse(text, "m.py")
    assert source.end_of(_node(source, path)) == expected


# ---------------------------------------------------------------------------------------------
# Source.region, comments_before, header_end

MODULE = """\
import x


# about f
def f():
    a = 1
    # closing f


@dec
def g():
    pass
"""


@pytest.mark.parametrize(
    ("index", "region", "comments"),
    [
        pytest.param(0, (1, 1), [], id="first-statement-after-the-header"),
        pytest.param(1, (2, 7), ["# about f"], id="leading-blanks-and-comment"),
        pytest.param(2, (8, 12), [], id="closing-comment-belongs-to-the-statement-above"),
    ],
)
def test_region_and_comments_before(
    index: int, region: tuple[int, int], comments: list[str]
) -> None:
    source = Source.parse(MODULE, "m.py")
    assert source.region(source.tree.body, index, 0) == region
    assert source.comments_before(source.tree.body, index, 0) == comments


def test_region_inside_a_body_starts_after_its_header() -> None:
    source = Source.parse("def f(\n    a,\n):\n    # lead\n    x = 1\n    y = 2\n", "m.py")
    function = source.tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    header = source.header_end(function)
    assert header == 3
    assert source.region(function.body, 0, header) == (4, 5)
    assert source.region(function.body, 1, header) == (6, 6)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("def f():\n    pass\n", 1, id="one-line-header"),
        pytest.param("def f(\n    a,\n):\n    pass\n", 3, id="signature-over-lines"),
        pytest.param(
            "def f(\n    a,\n):\n    # c\n\n    pass\n", 3, id="comment-and-blank-before-the-body"
        ),
        pytest.param("class C(\n    B,\n):  # why\n\n    x = 1\n", 3, id="class"),
    ],
)
def test_header_end(text: str, expected: int) -> None:
    source = Source.parse(text, "m.py")
    assert source.header_end(source.tree.body[0]) == expected


# ---------------------------------------------------------------------------------------------
# Source.bare


@pytest.mark.parametrize(
    ("text", "path", "expected"),
    [
        pytest.param(
            "def f():\n    a = 1\n    # closing\n",
            (0,),
            "def f():\n    a = 1\n    # closing\n",
            id="top-level-four-spaces-unchanged",
        ),
        pytest.param(
            "class C:\n    # lead\n    @d\n    def m(self):\n        pass\n",
            (0, 0),
            "@d\ndef m(self):\n    pass\n",
            id="method-dedented-without-its-leading-comment",
        ),
        pytest.param(
            "class C:\n  def m(self):\n    if x:\n      return 1\n",
            (0, 0),
            "def m(self):\n    if x:\n        return 1\n",
            id="two-space-module",
        ),
        pytest.param(
            "class C:\n\tdef m(self):\n\t\tif x:\n\t\t\treturn '''a\n\tb'''\n",
            (0, 0),
            "def m(self):\n    if x:\n        return '''a\n\tb'''\n",
            id="tabs-and-a-string-left-alone",
        ),
        pytest.param(
            "class C:\r\n    def m(self):\r\n        pass\r\n",
            (0, 0),
            "def m(self):\n    pass\n",
            id="crlf-becomes-lf",
        ),
        pytest.param(
            "def f():\n\treturn 1",
            (0,),
            "def f():\n    return 1\n",
            id="tabs-at-top-level-and-no-final-newline",
        ),
    ],
)
def test_bare(text: str, path: tuple[int, ...], expected: str) -> None:
    source = Source.parse(text, "m.py")
    assert source.bare(_node(source, path)) == expected


# ---------------------------------------------------------------------------------------------
# Source.without


@pytest.mark.parametrize(
    ("text", "cuts", "expected"),
    [
        pytest.param("a = 1\nb = 2\nc = 3\n", {(2, 2): ""}, "a = 1\nc = 3\n", id="one-line"),
        pytest.param("a = 1\nb = 2\nc = 3\nd = 4\n", {(2, 3): ""}, "a = 1\nd = 4\n", id="span"),
        pytest.param(
            "a = 1\nb = 2\nc = 3\nd = 4\ne = 5\n",
            {(1, 2): "", (4, 4): ""},
            "c = 3\ne = 5\n",
            id="two-cuts-from-the-bottom-up",
        ),
        pytest.param(
            "a = 1\nb = 2\nc = 3\n",
            {(1, 1): "x = 0\n", (3, 3): "z = 9\n"},
            "x = 0\nb = 2\nz = 9\n",
            id="replacements",
        ),
        pytest.param(
            "a = 1\nb = 2\nc = 3", {(3, 3): ""}, "a = 1\nb = 2", id="last-of-unended-module"
        ),
        pytest.param(
            "a = 1\nb = 2\nc = 3",
            {(3, 3): "z = 9\n"},
            "a = 1\nb = 2\nz = 9",
            id="replace-last-of-unended",
        ),
        pytest.param("a = 1\nb = 2\nc = 3", {(2, 2): ""}, "a = 1\nc = 3", id="middle-of-unended"),
        pytest.param(
            "a = 1\r\nb = 2\r\nc = 3", {(3, 3): ""}, "a = 1\r\nb = 2", id="last-of-unended-crlf"
        ),
        pytest.param("a = 1\r\nb = 2\r\n", {(1, 1): ""}, "b = 2\r\n", id="crlf"),
        pytest.param("a = 1\n", {}, "a = 1\n", id="no-cuts"),
    ],
)
def test_without(text: str, cuts: dict[tuple[int, int], str], expected: str) -> None:
    assert Source.parse(text, "m.py").without(cuts) == expected


# ---------------------------------------------------------------------------------------------
# Source.insert_after and newline


@pytest.mark.parametrize(
    ("text", "line", "code", "expected"),
    [
        pytest.param("a = 1\nb = 2\n", 1, "x = 1\n", "a = 1\nx = 1\nb = 2\n", id="middle"),
        pytest.param("a = 1\n", 0, "x = 1\n", "x = 1\na = 1\n", id="top"),
        pytest.param("a = 1\n", 1, "x = 1\n", "a = 1\nx = 1\n", id="end"),
        pytest.param("", 0, "x = 1\n", "x = 1\n", id="empty-module"),
        pytest.param(
            "a = 1\r\nb = 2\r\n",
            1,
            "x = 1\ny = 2\n",
            "a = 1\r\nx = 1\r\ny = 2\r\nb = 2\r\n",
            id="crlf",
        ),
        pytest.param("a = 1\rb = 2\r", 2, "c = 3\n", "a = 1\rb = 2\rc = 3\r", id="cr"),
        pytest.param("a = 1\nb = 2", 2, "c = 3\n", "a = 1\nb = 2\nc = 3", id="end-of-unended"),
        pytest.param("a = 1\nb = 2", 1, "c = 3\n", "a = 1\nc = 3\nb = 2", id="middle-of-unended"),
        pytest.param(
            "def f():\r\n    pass",
            2,
            "\n\ndef h():\n    pass\n",
            "def f():\r\n    pass\r\n\r\n\r\ndef h():\r\n    pass",
            id="end-of-unended-crlf",
        ),
        pytest.param(
            "class C:\n\tdef m(self):\n\t\tpass\n",
            3,
            "\n\tdef n(self):\n\t\tpass\n",
            "class C:\n\tdef m(self):\n\t\tpass\n\n\tdef n(self):\n\t\tpass\n",
            id="tab-indented",
        ),
    ],
)
def test_insert_after(text: str, line: int, code: str, expected: str) -> None:
    result = Source.parse(text, "m.py").insert_after(line, code)
    assert result == expected
    ast.parse(result)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a = 1\n", "\n", id="lf"),
        pytest.param("a = 1\r\nb = 2\n", "\r\n", id="first-line-decides"),
        pytest.param("a = 1\r", "\r", id="cr"),
        pytest.param("a = 1", "\n", id="unended-defaults-to-lf"),
        pytest.param("", "\n", id="empty"),
    ],
)
def test_newline(text: str, expected: str) -> None:
    assert Source.parse(text, "m.py").newline == expected


# ---------------------------------------------------------------------------------------------
# Source: names, blocks, indentation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("class C:\n    x = 1\n", "    ", id="four-spaces"),
        pytest.param("class C:\n\tx = 1\n", "\t", id="tab"),
        pytest.param("class C:\n  x = 1\n", "  ", id="two-spaces"),
        pytest.param("class C: x = 1\n", "    ", id="one-line-body-defaults"),
    ],
)
def test_unit_of(text: str, expected: str) -> None:
    source = Source.parse(text, "m.py")
    assert source.unit_of(source.tree.body[0]) == expected


def test_top_level_finds_by_kind_and_name() -> None:
    source = Source.parse("def f():\n    pass\n\n\nclass f:\n    pass\n", "m.py")
    assert isinstance(source.top_level(ast.ClassDef, "f"), ast.ClassDef)
    assert isinstance(source.top_level(ast.FunctionDef, "f"), ast.FunctionDef)
    assert source.top_level(ast.FunctionDef, "g") is None


def test_segment_and_indent_of() -> None:
    source = Source.parse("class C:\n    @d\n    def m(self):\n        pass\n", "m.py")
    method = _node(source, (0, 0))
    assert source.segment(method) == "    @d\n    def m(self):\n        pass\n"
    assert source.indent_of(method) == "    "


def test_block_of_a_one_line_body_is_refused_with_its_line() -> None:
    source = Source.parse("x = 1\ndef f(): pass\n", "server/api4/user.py")
    function = source.tree.body[1]
    assert isinstance(function, ast.FunctionDef)
    with pytest.raises(RepoLayoutError) as raised:
        source.block(function)
    assert (raised.value.message, raised.value.line) == ("f is written on one line", 2)
    indented_source = Source.parse("def f():\n    pass\n", "m.py")
    function = indented_source.tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    assert indented_source.block(function) == function.body


# ---------------------------------------------------------------------------------------------
# indented


@pytest.mark.parametrize(
    ("code", "prefix", "unit", "expected"),
    [
        pytest.param(
            "def f():\n    return 1\n",
            "    ",
            "    ",
            "    def f():\n        return 1\n",
            id="spaces",
        ),
        pytest.param(
            "def f():\n    return 1\n", "\t", "\t", "\tdef f():\n\t\treturn 1\n", id="tabs"
        ),
        pytest.param(
            "def f():\n    return 1\n", "  ", "  ", "  def f():\n    return 1\n", id="two-spaces"
        ),
        pytest.param(
            "a = 1\n\nb = 2\n",
            "    ",
            "    ",
            "    a = 1\n\n    b = 2\n",
            id="blank-line-not-padded",
        ),
        pytest.param("a = 1\n   \n", "\t", "\t", "\ta = 1\n   \n", id="spaces-only-line-untouched"),
        pytest.param(
            "x = (\n      1)\n", "\t", "\t", "\tx = (\n\t\t  1)\n", id="extra-spaces-kept"
        ),
        pytest.param(
            'x = """a\n    b\n"""\ny = 1\n',
            "    ",
            "\t",
            '    x = """a\n    b\n"""\n    y = 1\n',
            id="string-inside-left-alone",
        ),
        pytest.param(
            "x = '''\n  a\n", "  ", "  ", "  x = '''\n    a\n", id="code-that-does-not-tokenize"
        ),
        pytest.param("a = 1", "    ", "    ", "    a = 1", id="no-final-newline"),
    ],
)
def test_indented(code: str, prefix: str, unit: str, expected: str) -> None:
    assert indented(code, prefix, unit) == expected


# ---------------------------------------------------------------------------------------------
# walk

_EVERY_KIND = '''
import a.b as c
from d import (e, f as g)
@decorator(1, key=[2, *three])
async def handler(c, /, x: int = 1, *args, y, **kwargs) -> dict[str, int]:
    global h
    async with c.app.session() as (s, t):
        async for item in c.params.items:
            if (n := len(item)) > 2 and not item or item is None:
                yield {k: v for k, v in item.items() if k}, [i async for i in s], {*t}
            elif item:
                await c.json({"a": 1}, status=201)
            else:
                del item[1:2, ::3]
    try:
        raise ValueError(f"{x!r:>{y}}") from None
    except (KeyError, ValueError) as err:
        lambda q=1: q ** 2
    finally:
        x += 1; y: int = -x
    match x:
        case {"k": [1, *rest]} | Point(x=0) if rest:
            pass
class Point(Base, metaclass=Meta):
    x: int
    def method(self): return self.x @ other[0]
while True:
    break
'''


def test_walk_visits_what_ast_walk_does_in_its_order_but_the_contexts() -> None:
    tree = ast.parse(_EVERY_KIND)
    expected = [node for node in ast.walk(tree) if not isinstance(node, ast.expr_context)]
    found = list(walk(tree))
    assert [type(node) for node in found] == [type(node) for node in expected]
    assert all(a is b for a, b in zip(found, expected, strict=True))
    assert len(found) > 150


PARTS = "import os\n\n\n@mark\ndef a():\n    return '''\ndef b(\n'''\n\n\ndef c():\n    pass\n"


def test_a_module_parsed_from_a_statement_has_the_statements_from_there_on_their_lines() -> None:
    whole = Source.parse(PARTS, "m.py")
    part = Source.parse_from(PARTS, "m.py", 5)  # `def a` (its decorator above)
    assert [type(n).__name__ for n in part.tree.body] == ["FunctionDef", "FunctionDef"]
    assert [n.lineno for n in part.tree.body] == [n.lineno for n in whole.tree.body[1:]] == [5, 11]
    assert [n.end_lineno for n in part.tree.body] == [n.end_lineno for n in whole.tree.body[1:]]
    assert part.lines == whole.lines and part.text == PARTS


def test_a_part_that_does_not_parse_alone_has_the_whole_module_parsed() -> None:
    part = Source.parse_from(PARTS, "m.py", 7)  # inside the string
    assert ast.dump(part.tree) == ast.dump(Source.parse(PARTS, "m.py").tree)
