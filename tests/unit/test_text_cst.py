"""scaffold.text.cst: imports added and dropped with libcst, and a module's head split off."""

from __future__ import annotations

import subprocess
import sys

import libcst as cst
import pytest

from scaffold.errors import RepoLayoutError
from scaffold.text.cst import add_import
from scaffold.text.head import add_imports, drop_unused_imports, only_imports, split_head

LOCAL = frozenset({"server"})

HEAD = '''\
"""Doc."""

from __future__ import annotations

import os
import sys

import httpx

from server.model import User
from server.web import context
'''


def _with(head: str, old: str, new: str) -> str:
    assert old in head
    return head.replace(old, new)


# ---------------------------------------------------------------------------------------------
# add_import

ADD_IMPORT = [
    # Joining an existing `from m import ...`
    pytest.param(
        HEAD,
        ("server.model", "Team", None),
        _with(HEAD, "import User", "import Team, User"),
        id="join-sorted",
    ),
    pytest.param(
        HEAD,
        ("server.model", "TEAM_ID", None),
        _with(HEAD, "import User", "import TEAM_ID, User"),
        id="join-constant-first",
    ),
    pytest.param(
        HEAD,
        ("server.model", "new_id", None),
        _with(HEAD, "import User", "import User, new_id"),
        id="join-function-last",
    ),
    pytest.param(
        "from server.model import Zed, Alpha\n",
        ("server.model", "Beta", None),
        "from server.model import Zed, Alpha, Beta\n",
        id="join-unsorted-appends",
    ),
    pytest.param(
        "from server.model import (\n    Team,\n    User,\n)\n",
        ("server.model", "Post", None),
        "from server.model import (\n    Post,\n    Team,\n    User,\n)\n",
        id="join-parenthesized-stays-one-a-line",
    ),
    pytest.param(
        "from server.app import user\n",
        ("server.app", "team", "team_app"),
        "from server.app import team as team_app, user\n",
        id="join-with-alias",
    ),
    pytest.param(
        "import os\n\n# the models\nfrom server.model import User\n",
        ("server.model", "Team", None),
        "import os\n\n# the models\nfrom server.model import Team, User\n",
        id="join-keeps-leading-comment",
    ),
    # Already there
    pytest.param(HEAD, ("server.model", "User", None), HEAD, id="name-present"),
    pytest.param(HEAD, ("os", None, None), HEAD, id="module-present"),
    pytest.param(
        "from server.app import user as user_app\n",
        ("server.app", "user", "user_app"),
        "from server.app import user as user_app\n",
        id="alias-present",
    ),
    pytest.param(
        "from server.app import user as user_app\n",
        ("server.app", "user", None),
        "from server.app import user, user as user_app\n",
        id="same-name-other-alias-is-added",
    ),
    pytest.param(
        "import os as o\n",
        ("os", None, None),
        "import os as o\nimport os\n",
        id="module-under-other-alias",
    ),
    # A new statement in its isort group
    pytest.param(
        HEAD,
        ("json", None, None),
        _with(HEAD, "import os\n", "import json\nimport os\n"),
        id="stdlib-sorted",
    ),
    pytest.param(
        HEAD,
        ("zlib", None, None),
        _with(HEAD, "import sys\n", "import sys\nimport zlib\n"),
        id="stdlib-last",
    ),
    pytest.param(
        HEAD,
        ("starlette.requests", "Request", None),
        _with(HEAD, "import httpx\n", "import httpx\nfrom starlette.requests import Request\n"),
        id="third-party",
    ),
    pytest.param(
        HEAD,
        ("server.app", "user", "user_app"),
        _with(
            HEAD, "from server.model", "from server.app import user as user_app\nfrom server.model"
        ),
        id="local-first-in-group-with-alias",
    ),
    pytest.param(
        HEAD,
        ("server.zeta", "Z", None),
        _with(HEAD, "import context\n", "import context\nfrom server.zeta import Z\n"),
        id="local-last",
    ),
    pytest.param(
        "import B\nimport c\n",
        ("a", None, None),
        "import a\nimport B\nimport c\n",
        id="case-insensitive-order",
    ),
    pytest.param(
        "from __future__ import annotations\n\n# stdlib\nimport os\n",
        ("abc", None, None),
        "from __future__ import annotations\n\n# stdlib\nimport abc\nimport os\n",
        id="first-of-group-takes-its-leading-lines",
    ),
    # A new group
    pytest.param(
        "from __future__ import annotations\n\nfrom server.x import y\n",
        ("json", None, None),
        "from __future__ import annotations\n\nimport json\n\nfrom server.x import y\n",
        id="new-group-between",
    ),
    pytest.param(
        "import os\n",
        ("server.app", "user", None),
        "import os\n\nfrom server.app import user\n",
        id="new-group-last",
    ),
    pytest.param(
        "from server.app import user\n",
        ("os", None, None),
        "import os\n\nfrom server.app import user\n",
        id="new-group-first",
    ),
    pytest.param(
        '"""Doc."""\n\nfrom server.app import user\n',
        ("os", None, None),
        '"""Doc."""\n\nimport os\n\nfrom server.app import user\n',
        id="new-group-first-after-docstring",
    ),
    pytest.param(
        '"""Doc."""\n\n# ours\nfrom server.app import user\n',
        ("os", None, None),
        '"""Doc."""\n\nimport os\n\n# ours\nfrom server.app import user\n',
        id="new-group-first-leaves-the-comment-of-the-next",
    ),
    pytest.param("", ("os", None, None), "import os\n", id="empty-module"),
    pytest.param(
        '"""Doc."""\n',
        ("typing", "Any", None),
        '"""Doc."""\n\nfrom typing import Any\n',
        id="only-a-docstring",
    ),
    pytest.param(
        '"""Doc."""\n\nX = 1\n',
        ("os", None, None),
        '"""Doc."""\n\nimport os\n\nX = 1\n',
        id="docstring-then-code",
    ),
    pytest.param("X = 1\n", ("os", None, None), "import os\n\nX = 1\n", id="code-without-imports"),
]


@pytest.mark.parametrize(("text", "wanted", "expected"), ADD_IMPORT)
def test_add_import(text: str, wanted: tuple[str, str | None, str | None], expected: str) -> None:
    module = add_import(cst.parse_module(text), *wanted, local=LOCAL, line_length=100)
    assert module.code == expected


def test_add_import_joins_within_the_line_length() -> None:
    module = cst.parse_module("from server.model.user import User, compare_password\n")
    joined = add_import(module, "server.model.user", "hash_password", local=LOCAL, line_length=40)
    assert (
        joined.code == "from server.model.user import (\n"
        "    User,\n    compare_password,\n    hash_password,\n)\n"
    )


# ---------------------------------------------------------------------------------------------
# split_head, add_imports, only_imports


@pytest.mark.parametrize(
    ("text", "head"),
    [
        pytest.param(
            '"""Doc."""\nimport os\n\n# about f\n@dec\ndef f():\n    pass\n',
            '"""Doc."""\nimport os\n',
            id="blanks-comment-and-decorator-go-with-the-definition",
        ),
        pytest.param(
            "import os\nX = 1\n\n\nclass A:\n    pass\n",
            "import os\nX = 1\n",
            id="constants-stay-in-head",
        ),
        pytest.param("import os\n\nasync def f():\n    pass\n", "import os\n", id="async-def"),
        pytest.param(
            'import os\nif __name__ == "__main__":\n    main()\n', "import os\n", id="main-guard"
        ),
        pytest.param("import os\nX = 1\n", "import os\nX = 1\n", id="no-definitions"),
        pytest.param(
            'X = """\ndef f():\n"""\n', 'X = """\ndef f():\n"""\n', id="def-inside-a-string"
        ),
        pytest.param(
            "if x:\n    def f():\n        pass\n",
            "if x:\n    def f():\n        pass\n",
            id="indented-def",
        ),
        pytest.param("def f():\n    pass\n", "", id="definition-first"),
        pytest.param("", "", id="empty"),
    ],
)
def test_split_head(text: str, head: str) -> None:
    assert split_head(text) == (head, text[len(head) :])


@pytest.mark.parametrize(
    ("text", "imports", "expected"),
    [
        pytest.param(
            "from server.x import a\n\n\ndef test_a():\n    pass\n",
            [("server.x", "b", None), ("pytest", None, None)],
            "import pytest\n\nfrom server.x import a, b\n\n\ndef test_a():\n    pass\n",
            id="to-the-head-only",
        ),
        pytest.param(
            '"""Tests."""\n\n\ndef test_a():\n    pass\n',
            [("typing", "Any", None)],
            '"""Tests."""\n\nfrom typing import Any\n\n\ndef test_a():\n    pass\n',
            id="module-without-imports",
        ),
        pytest.param(
            "import os\n\n\ndef f():\n    return 1 +\n",
            [("sys", None, None)],
            "import os\nimport sys\n\n\ndef f():\n    return 1 +\n",
            id="body-is-not-parsed",
        ),
    ],
)
def test_add_imports(
    text: str, imports: list[tuple[str, str | None, str | None]], expected: str
) -> None:
    assert add_imports(text, "m.py", imports, local=LOCAL, line_length=100) == expected


@pytest.mark.parametrize(
    "imports",
    [
        pytest.param([("server.x", "a", None), ("os", None, None)], id="from-and-plain"),
        pytest.param([("server.y", "b", "c")], id="aliased"),
    ],
)
def test_imports_a_module_has_leave_it_unparsed_by_libcst(
    imports: list[tuple[str, str | None, str | None]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_libcst(*args: object, **kwargs: object) -> None:
        raise AssertionError("libcst parsed a module that had every import")

    monkeypatch.setattr(cst, "parse_module", no_libcst)
    text = "import os\nfrom server.x import a\nfrom server.y import b as c\n\n\ndef f():\n    pass\n"
    assert add_imports(text, "m.py", imports, local=LOCAL, line_length=100) == text


def test_only_the_missing_imports_are_added() -> None:
    text = "from server.x import a\nfrom server.y import b as c\n\n\ndef f():\n    pass\n"
    imports = [("server.x", "a", None), ("server.y", "b", None), ("server.y", "b", "c")]
    assert add_imports(text, "m.py", imports, local=LOCAL, line_length=100) == (
        "from server.x import a\nfrom server.y import b, b as c\n\n\ndef f():\n    pass\n"
    )


def test_add_imports_locates_a_syntax_error_in_the_head() -> None:
    with pytest.raises(RepoLayoutError) as raised:
        add_imports(
            "import os\nfrom x import (\n\n\ndef f():\n    pass\n",
            "server/app/user.py",
            [("sys", None, None)],
            local=LOCAL,
            line_length=100,
        )
    assert str(raised.value.path) == "server/app/user.py"
    assert raised.value.message.startswith("Python syntax error")
    assert raised.value.line is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param('"""Doc."""\nimport os\nfrom a import b\n', True, id="docstring-and-imports"),
        pytest.param("", True, id="empty"),
        pytest.param("import os\nX = 1\n", False, id="a-constant"),
        pytest.param("import os\n\ndef f():\n    pass\n", False, id="a-definition"),
        pytest.param(
            "import os\n\ndef f(:\n    pass\n", False, id="a-definition-told-without-parsing-it"
        ),
        pytest.param("import os\nif x:\n    import y\n", False, id="a-conditional-import"),
    ],
)
def test_only_imports(text: str, expected: bool) -> None:
    assert only_imports(text) is expected


# ---------------------------------------------------------------------------------------------
# drop_unused_imports


@pytest.mark.parametrize(
    ("text", "candidates", "expected"),
    [
        pytest.param(
            "import os\nimport sys\n\nprint(os)\n",
            {"sys"},
            "import os\n\nprint(os)\n",
            id="whole-import",
        ),
        pytest.param(
            "from a import b, c, d as e\n\nprint(c)\n",
            {"b", "e"},
            "from a import c\n\nprint(c)\n",
            id="some-names",
        ),
        pytest.param(
            "import os\nprint(os.sep)\n",
            {"os"},
            "import os\nprint(os.sep)\n",
            id="used-as-attribute",
        ),
        pytest.param("import os.path\nprint(1)\n", {"os"}, "print(1)\n", id="dotted-import"),
        pytest.param(
            "from a import *\nprint(1)\n", {"b"}, "from a import *\nprint(1)\n", id="star-untouched"
        ),
        pytest.param("import os\n", {"sys"}, "import os\n", id="candidate-not-imported"),
        pytest.param(
            '"""D."""\n\nimport os\nimport sys\n\nprint(sys)\n',
            {"os"},
            '"""D."""\n\nimport sys\n\nprint(sys)\n',
            id="leading-blank-line-passes-to-the-next",
        ),
        pytest.param(
            "from a import (\n    b,\n    c,\n)\nprint(c)\n",
            {"b"},
            "from a import c\nprint(c)\n",
            id="parenthesized",
        ),
        pytest.param(
            "from a import b\n\n\ndef f():\n    return b\n",
            {"b"},
            "from a import b\n\n\ndef f():\n    return b\n",
            id="used-in-the-body",
        ),
        pytest.param(
            "from a import b\nfrom c import d\n\n\ndef f():\n    return d\n",
            {"b", "d"},
            "from c import d\n\n\ndef f():\n    return d\n",
            id="only-the-unused-of-the-candidates",
        ),
        pytest.param(
            "from __future__ import annotations\n\nfrom a import B\n\n\ndef f(x: B) -> None:\n    pass\n",
            {"B"},
            "from __future__ import annotations\n\nfrom a import B\n\n\ndef f(x: B) -> None:\n    pass\n",
            id="used-in-an-annotation-only",
        ),
        pytest.param(
            "from a import user\n\n\ndef f(c):\n    return c.user  # user\n",
            {"user"},
            "\n\n\ndef f(c):\n    return c.user  # user\n",
            id="spelt-only-as-an-attribute-and-in-a-comment",
        ),
        pytest.param(
            "from a import b\n\n\ndef f():\n    b = 1\n    return b\n",
            {"b"},
            "from a import b\n\n\ndef f():\n    b = 1\n    return b\n",
            id="bound-again-in-a-function",
        ),
        pytest.param(
            "from . import helpers, other\nfrom .x import y\n\nprint(other)\n",
            {"helpers", "y"},
            "from . import other\n\nprint(other)\n",
            id="relative",
        ),
        pytest.param("import os, sys\n\nprint(os)\n", {"sys"}, "import os\n\nprint(os)\n", id="some-of-an-import"),
    ],
)
def test_drop_unused_imports(text: str, candidates: set[str], expected: str) -> None:
    assert drop_unused_imports(text, candidates, 100) == expected


def test_a_removed_name_that_no_import_binds_leaves_the_module_and_libcst_unloaded() -> None:
    # The common removal: the removed function's own name is unused now, and imported nowhere.
    code = (
        "import sys\n"
        "from scaffold.text.head import drop_unused_imports\n"
        "text = 'import os\\n\\n\\ndef f():\\n    return os.sep\\n'\n"
        "assert drop_unused_imports(text, {'g', 'os'}, 100) == text\n"
        "print('libcst' in sys.modules)\n"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert shown == "False\n"


@pytest.mark.parametrize(
    ("after", "parses"),
    [
        pytest.param("import os\n\n\ndef f():\n    return 1\n", True, id="head-edited"),
        pytest.param("import (os\n\n\ndef f():\n    return 1\n", False, id="head-broken"),
        pytest.param("import os, sys\n\n\ndef f():\n    return 2\n", False, id="rest-edited"),
        pytest.param("import os, sys\n\n\ndef f():\n    return 1\n", True, id="unchanged"),
    ],
)
def test_a_new_head_is_told_to_parse_without_parsing_the_rest(after: str, parses: bool) -> None:
    from scaffold.text.head import head_edit_parses

    assert head_edit_parses("import os, sys\n\n\ndef f():\n    return 1\n", after) is parses


# names joined to a statement the head has: without libcst, as libcst writes them

_JOINED = [
    ("from a import b, d\n\nx = 1\n", [("a", "c", None)]),
    ("import os\n\nfrom a import (\n    b,\n    d,\n)\nfrom e import f\n", [("a", "c", None)]),
    ("from a import d, b\n", [("a", "c", None)]),
    ("from a import b\n", [("a", "c", "see")]),
    ("from a import B, CONSTANT, function\n", [("a", "Class", None), ("a", "ZED", None)]),
    ("# leading\nfrom a import b  # trailing\n# after\nfrom e import f\n", [("a", "c", None), ("e", "g", None)]),
    ("from a import " + ", ".join(f"name_{n}" for n in range(12)) + "\n", [("a", "name_x", None)]),
    ('"""Doc."""\n\nfrom a.b import c\n', [("a.b", "a_b", None)]),
]


@pytest.mark.parametrize(("head", "imports"), _JOINED)
def test_a_name_joined_to_its_statement_is_written_as_libcst_writes_it(
    head: str, imports: list[tuple[str, str | None, str | None]]
) -> None:
    from scaffold.text import cst as with_libcst
    from scaffold.text.head import joined_imports

    joined = joined_imports(head, imports, 60)
    assert joined is not None
    assert joined == with_libcst.add_imports(head, "", "m.py", imports, local=frozenset(), line_length=60)


@pytest.mark.parametrize(
    ("head", "imports"),
    [
        pytest.param("from a import b\r\n", [("a", "c", None)], id="crlf"),
        pytest.param("x = 1; from a import b\n", [("a", "c", None)], id="after-a-statement"),
        pytest.param("from a import b; x = 1\n", [("a", "c", None)], id="before-a-statement"),
        pytest.param("from a import b\n", [("e", "f", None)], id="a-new-statement"),
        pytest.param("from a import b\n", [("a", None, None)], id="import-module"),
        pytest.param("from .a import b\n", [("a", "c", None)], id="relative"),
        pytest.param("from a import *\n", [("a", "c", None)], id="star"),
    ],
)
def test_what_needs_libcst_is_left_to_it(head: str, imports: list[tuple[str, str | None, str | None]]) -> None:
    from scaffold.text.head import joined_imports

    assert joined_imports(head, imports, 60) is None
