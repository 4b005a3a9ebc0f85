"""Hostile repos: broken or malicious files make `endpoint add` refuse in one line, touching nothing.

Each case breaks a copy of the reference server — YAML that does not parse, keys defined
twice, an alias bomb, Python that does not parse, a missing `init_` function, symlinks out of
the repo, a scaffold.toml whose paths escape it, planted lock, journal and temporary files —
and runs an add. The add must refuse with one line naming the file (and the line, where there
is one) and the documented exit code, or go through where the hostile file is harmless. The
repo must be unchanged, and nothing outside it may be opened, listed or written: an audit hook
watches every file operation of the process, and the outside files are compared byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from scaffold.cli.app import app
from scaffold.repo import transaction as apply

Tally = Callable[[str, int], None]

ADD = ["GET", "/users/{user_id}/sessions", "--permission", "edit_other_users"]


# ---------------------------------------------------------------------------------------------
# Watching the outside


class Watch:
    """Every file operation of this process that reaches under `outside`, links resolved."""

    def __init__(self, outside: Path) -> None:
        self.outside = str(outside.resolve())
        self.touched: list[tuple[str, str]] = []

    def note(self, event: str, path: str) -> None:
        if path == self.outside or path.startswith(self.outside + os.sep):
            self.touched.append((event, path))


_watches: list[Watch] = []
_in_hook = False
# Events whose path is used as given (links followed), and those acting on the entry itself.
_FOLLOWING = {"open", "os.listdir", "os.scandir", "glob.glob", "os.chmod", "os.utime", "os.truncate"}
_ON_ENTRY = {"os.rename", "os.remove", "os.rmdir", "os.mkdir", "os.symlink", "os.link", "shutil.rmtree"}


def _audit(event: str, args: tuple[Any, ...]) -> None:
    global _in_hook
    if not _watches or _in_hook or (event not in _FOLLOWING and event not in _ON_ENTRY):
        return
    _in_hook = True
    try:
        nofollow = event == "open" and len(args) > 2 and isinstance(args[2], int) and args[2] & os.O_NOFOLLOW
        for arg in args[:2]:
            if not isinstance(arg, str | bytes | os.PathLike):
                continue
            path = os.path.abspath(os.fsdecode(arg))
            if event == "glob.glob":
                path = os.path.dirname(path)
            if event in _ON_ENTRY or nofollow:
                real = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
            else:
                real = os.path.realpath(path)
            _watches[-1].note(event, real)
    finally:
        _in_hook = False


sys.addaudithook(_audit)


def without_cache(entries: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    return {path: entry for path, entry in entries.items() if not path.startswith(".scaffold/cache")}


def tree(root: Path) -> dict[str, tuple[str, str]]:
    """Every entry under `root` (links not followed): its kind and content."""
    entries = {}
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts:
            continue
        if path.is_symlink():
            entries[path.relative_to(root).as_posix()] = ("link", os.readlink(path))
        elif path.is_dir():
            entries[path.relative_to(root).as_posix()] = ("dir", "")
        else:
            entries[path.relative_to(root).as_posix()] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
    return entries


# ---------------------------------------------------------------------------------------------
# The cases


@dataclass
class Expect:
    """What the add must do: its exit code and the words of its one line (location first)."""

    code: int
    location: str = ""
    words: tuple[str, ...] = ()
    #: a hostile file the add may ignore: it goes through, and only its own files change
    succeeds: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


Setup = Callable[[Path, Path], Expect]


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def insert_line(path: Path, at: int, text: str) -> None:
    lines = path.read_text().splitlines(keepends=True)
    lines.insert(at - 1, text)
    path.write_text("".join(lines))


def yaml_syntax_error(repo: Path, outside: Path) -> Expect:
    # A fragment the add does not edit: it is read all the same, and must parse.
    fragment = repo / "api/v4/source/teams.yaml"
    insert_line(fragment, 12, "  \tcontent: [\n")
    return Expect(1, "api/v4/source/teams.yaml:12", ("YAML syntax error",))


def yaml_forbidden_character(repo: Path, outside: Path) -> Expect:
    insert_line(repo / "api/v4/source/users.yaml", 5, "      x-note: a\x00b\n")
    return Expect(1, "api/v4/source/users.yaml:5", ("YAML syntax error", "control characters are not allowed"))


def yaml_duplicate_key(repo: Path, outside: Path) -> Expect:
    fragment = repo / "api/v4/source/users.yaml"
    line = line_of(fragment, "      summary:")
    insert_line(fragment, line, "      summary: Said twice\n")
    return Expect(1, f"api/v4/source/users.yaml:{line + 1}", ("summary is defined twice", f"users.yaml:{line}"))


def yaml_duplicate_path(repo: Path, outside: Path) -> Expect:
    teams = repo / "api/v4/source/teams.yaml"
    users = (repo / "api/v4/source/users.yaml").read_text().split("\n  /", 1)[0]
    line = len(teams.read_text().splitlines()) + 1
    teams.write_text(teams.read_text() + users + "\n")
    return Expect(1, f"api/v4/source/teams.yaml:{line}", ("/api/v4/users is defined twice", "users.yaml:1"))


def yaml_alias_bomb(repo: Path, outside: Path) -> Expect:
    # Nine levels of nine aliases: 9**9 nodes once expanded.
    fragment = repo / "api/v4/source/system.yaml"
    first = len(fragment.read_text().splitlines()) + 1
    bomb = ['  "/bomb":', "    get:", '      x-lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    bomb += [f"      x-lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]
    bomb += ['      responses: {"200": {description: ok, content: {application/json: {example: *l9}}}}']
    fragment.write_text(fragment.read_text() + "\n".join(bomb) + "\n")
    return Expect(1, "api/v4/source/system.yaml:", ("alias bomb",), extra={"lines": range(first, first + len(bomb))})


def yaml_deep_nesting(repo: Path, outside: Path) -> Expect:
    fragment = repo / "api/v4/source/system.yaml"
    line = len(fragment.read_text().splitlines()) + 1
    fragment.write_text(fragment.read_text() + '  "/deep":\n    x-deep: ' + "[" * 900 + "]" * 900 + "\n")
    return Expect(1, f"api/v4/source/system.yaml:{line + 1}", ("nested more than",))


def yaml_python_tag(repo: Path, outside: Path) -> Expect:
    fragment = repo / "api/v4/source/teams.yaml"
    line = len(fragment.read_text().splitlines()) + 2
    sentinel = outside / "pwned"
    payload = f'    get: !!python/object/apply:os.system ["touch {sentinel}"]\n'
    fragment.write_text(fragment.read_text() + '  "/tagged":\n' + payload)
    return Expect(1, f"api/v4/source/teams.yaml:{line}", ("YAML value error", "python/object/apply"))


def yaml_dangling_ref(repo: Path, outside: Path) -> Expect:
    fragment = repo / "api/v4/source/users.yaml"
    fragment.write_text(fragment.read_text().replace("#/components/schemas/User\"", "#/components/schemas/Usr\"", 1))
    # The spec was invalid before the add, which brings no new problem: it goes through (and
    # says so); `docs build` and `check` still report the dangling $ref.
    return Expect(0, succeeds=True)


def python_syntax_error(repo: Path, outside: Path) -> Expect:
    module = repo / "server/api4/team.py"
    insert_line(module, 20, "def broken(:\n")
    return Expect(2, "server/api4/team.py:20", ("Python syntax error",))


def python_syntax_error_in_the_edited_module(repo: Path, outside: Path) -> Expect:
    module = repo / "server/api4/user.py"
    line = len(module.read_text().splitlines()) + 2
    module.write_text(module.read_text() + "\nclass Broken\n")
    return Expect(2, f"server/api4/user.py:{line}", ("Python syntax error",))


def missing_init(repo: Path, outside: Path) -> Expect:
    module = repo / "server/api4/user.py"
    module.write_text(module.read_text().replace("def init_user(", "def setup_user("))
    return Expect(2, "server/api4/user.py: ", ("no init_user()", "def init_user(api: API)"))


def not_utf8(repo: Path, outside: Path) -> Expect:
    (repo / "api/v4/source/teams.yaml").write_bytes(b"  /api/v4/teams:\n    get: \xff\xfe\n")
    return Expect(2, "api/v4/source/teams.yaml:2: ", ("not UTF-8",))


NAMED_IN_CONFIG = {"server/model/client4.py", "server/api4/api.py", "server/web/context.py"}


def link_out(relative: str) -> Setup:
    """Move a file or directory out of the repo and leave a symlink to it in its place."""

    def setup(repo: Path, outside: Path) -> Expect:
        source, target = repo / relative, outside / relative.replace("/", "_")
        shutil.move(source, target)
        source.symlink_to(target)
        if relative in NAMED_IN_CONFIG or source.is_dir():
            # scaffold.toml names it (or a file under it): the error points at that line.
            return Expect(2, "scaffold.toml:", ("resolves outside the repo through a symlink",))
        return Expect(2, f"{relative}: ", ("resolves outside the repo", "replace the link with the file itself"))

    return setup


def toml_path(key: str, value: str) -> Setup:
    def setup(repo: Path, outside: Path) -> Expect:
        config = repo / "scaffold.toml"
        line = line_of(config, f"{key} = ")
        lines = config.read_text().splitlines(keepends=True)
        lines[line - 1] = f'{key} = "{value}"\n'
        config.write_text("".join(lines))
        return Expect(2, f"scaffold.toml:{line}", ("outside the repo",))

    return setup


def toml_build_escape(repo: Path, outside: Path) -> Expect:
    (outside / "evil.yaml").write_text('  "/evil":\n    get:\n      responses: {"200": {description: ok}}\n')
    config = repo / "scaffold.toml"
    relative = os.path.relpath(outside / "evil.yaml", repo / "api/v4/source")
    config.write_text(config.read_text().replace('"system.yaml",', f'"system.yaml",\n    "{relative}",'))
    return Expect(2, f"scaffold.toml:{line_of(config, 'build = [')}", ("outside [docs] source",))


def toml_syntax_error(repo: Path, outside: Path) -> Expect:
    config = repo / "scaffold.toml"
    line = line_of(config, "[server]")
    config.write_text(config.read_text().replace("[server]", "[server", 1))
    return Expect(2, f"scaffold.toml:{line}", ("invalid TOML",))


def lock_link(repo: Path, outside: Path) -> Expect:
    (repo / apply.LOCK_NAME).symlink_to(outside / "precious")
    return Expect(2, f"{apply.LOCK_NAME}: ", ("cannot take the lock", "delete it"))


def journal_link(repo: Path, outside: Path) -> Expect:
    (repo / apply.JOURNAL_NAME).symlink_to(outside / "precious")
    return Expect(2, f"{apply.JOURNAL_NAME}: ", ("is a symlink",))


def journal_escaping(repo: Path, outside: Path) -> Expect:
    # A planted journal asking to "roll back" a file outside the repo: delete it if its hash
    # matches (it does), restore it from a backup otherwise.
    victim = outside / "precious"
    digest = hashlib.sha256(victim.read_bytes()).hexdigest()
    relative = os.path.relpath(victim, repo)
    entry = {"path": relative, "before": None, "after": digest}
    (repo / apply.JOURNAL_NAME).write_text(json.dumps({"files": [entry], "dirs": [os.path.relpath(outside, repo)]}))
    return Expect(2, f"{apply.JOURNAL_NAME}: ", ("not a journal scaffold wrote",))


def temp_file_link(repo: Path, outside: Path) -> Expect:
    # Where the transaction stages its files: it must replace the link, never write through it.
    for suffix in (apply.NEW_SUFFIX, apply.OLD_SUFFIX):
        (repo / f"server/api4/.user.py{suffix}").symlink_to(outside / "precious")
    return Expect(0, succeeds=True)


CASES = [
    pytest.param(yaml_syntax_error, id="yaml-syntax-error"),
    pytest.param(yaml_forbidden_character, id="yaml-forbidden-character"),
    pytest.param(yaml_duplicate_key, id="yaml-duplicate-key"),
    pytest.param(yaml_duplicate_path, id="yaml-duplicate-path"),
    pytest.param(yaml_alias_bomb, id="yaml-alias-bomb"),
    pytest.param(yaml_deep_nesting, id="yaml-deep-nesting"),
    pytest.param(yaml_python_tag, id="yaml-python-tag"),
    pytest.param(yaml_dangling_ref, id="yaml-dangling-ref"),
    pytest.param(python_syntax_error, id="python-syntax-error"),
    pytest.param(python_syntax_error_in_the_edited_module, id="python-syntax-error-edited"),
    pytest.param(missing_init, id="missing-init"),
    pytest.param(not_utf8, id="not-utf8"),
    pytest.param(link_out("api/v4/source/users.yaml"), id="link-fragment"),
    pytest.param(link_out("api/v4/source/teams.yaml"), id="link-other-fragment"),
    pytest.param(link_out("server/api4/user.py"), id="link-module"),
    pytest.param(link_out("server/api4/team.py"), id="link-other-module"),
    pytest.param(link_out("server/api4/user_test.py"), id="link-test-module"),
    pytest.param(link_out("server/app/user.py"), id="link-app-module"),
    pytest.param(link_out("server/model/client4.py"), id="link-driver"),
    pytest.param(link_out("scaffold.toml"), id="link-config"),
    pytest.param(link_out("server/api4"), id="link-handlers-dir"),
    pytest.param(link_out("api/v4/source"), id="link-docs-dir"),
    pytest.param(link_out("server/app"), id="link-app-dir"),
    pytest.param(toml_path("source", "../outside"), id="toml-source-escapes"),
    pytest.param(toml_path("handlers", "../outside/{resource}.py"), id="toml-handlers-escape"),
    pytest.param(toml_path("driver", "/etc/hostname"), id="toml-driver-absolute"),
    pytest.param(toml_path("output", "../outside/openapi.yaml"), id="toml-output-escapes"),
    pytest.param(toml_build_escape, id="toml-build-escapes"),
    pytest.param(toml_syntax_error, id="toml-syntax-error"),
    pytest.param(lock_link, id="lock-link"),
    pytest.param(journal_link, id="journal-link"),
    pytest.param(journal_escaping, id="journal-escaping"),
    pytest.param(temp_file_link, id="temp-file-link"),
]


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory beside the repo, with a file nobody may touch."""
    directory = tmp_path / "outside"
    directory.mkdir()
    (directory / "precious").write_text("the user's own file\n")
    return directory


def run_watched(repo: Path, outside: Path, *args: str) -> tuple[Result, Watch]:
    watch = Watch(outside)
    _watches.append(watch)
    try:
        result = CliRunner().invoke(app, ["endpoint", "add", *args, "--repo", str(repo)], catch_exceptions=False)
    finally:
        _watches.remove(watch)
    return result, watch


@pytest.mark.parametrize("setup", CASES)
def test_hostile_repo_is_refused_in_one_line_and_nothing_is_touched(
    repo: Path, outside: Path, setup: Setup, tally: Tally
) -> None:
    expect = setup(repo, outside)
    repo_before, outside_before = tree(repo), tree(outside)
    started = time.monotonic()
    result, watch = run_watched(repo, outside, *ADD)
    tally("hostile repos", 1)
    assert time.monotonic() - started < 30
    assert "Traceback" not in result.stderr
    assert result.exit_code == expect.code, result.stderr
    if expect.succeeds:
        after = tree(repo)
        left = [p for p in after if p.endswith(".tmp") or p.startswith(".scaffold")]
        assert not [p for p in left if p != ".scaffold" and not p.startswith(".scaffold/cache")], after
        changed = {p for p in set(repo_before) | set(after) if repo_before.get(p) != after.get(p)}
        assert {p for p in changed if p in after} >= {"server/api4/user.py", "server/model/client4.py"}
    else:
        line = result.stderr
        assert line.startswith("error: ") and line.count("\n") == 1, line
        assert expect.location in line, line
        for word in expect.words:
            assert word in line, line
        if "lines" in expect.extra:
            reported = int(line.split(expect.location, 1)[1].split(":", 1)[0])
            assert reported in expect.extra["lines"], line
        # scaffold's cache aside: the import check may have compiled the repo's modules into it
        assert without_cache(tree(repo)) == without_cache(repo_before), "a refused add changed the repo"
    assert tree(outside) == outside_before, "a file outside the repo changed"
    assert watch.touched == [], watch.touched


@pytest.mark.parametrize("what", ["file", "dir"])
def test_template_override_linked_out_of_the_repo_is_not_read(
    repo: Path, outside: Path, what: str, tally: Tally
) -> None:
    # A template is copied into the code it generates: one read from outside the repo would
    # carry the reader's own file (a key, a token) into a commit.
    builtin = Path(__file__).resolve().parents[2] / "templates" / "route.py.jinja"
    (outside / "templates").mkdir()
    shutil.copy(builtin, outside / "templates" / "route.py.jinja")
    overrides = repo / ".scaffold" / "templates"
    if what == "dir":
        overrides.parent.mkdir()
        overrides.symlink_to(outside / "templates")
    else:
        overrides.mkdir(parents=True)
        (overrides / "route.py.jinja").symlink_to(outside / "templates" / "route.py.jinja")
    before = tree(repo)
    result, watch = run_watched(repo, outside, *ADD)
    tally("hostile repos", 1)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.count("\n") == 1
    assert "the template override route.py.jinja links outside the repo" in result.stderr
    assert watch.touched == []
    assert tree(repo) == before


# ---------------------------------------------------------------------------------------------
# Damaged files, generated: whatever the damage, a clear refusal or a valid add


MUTABLE = [
    "api/v4/source/introduction.yaml",
    "api/v4/source/users.yaml",
    "api/v4/source/definitions.yaml",
    "server/api4/user.py",
    "server/api4/api.py",
    "server/model/client4.py",
    "server/api4/user_test.py",
    "scaffold.toml",
]
DAMAGE = ["", "\t", " ", "  ", ":", ": ", "- ", "[", "]", "{", "}", '"', "'", "#", "&a ", "*a ", "!!str ", "? ",
          "\n", "(", ")", "def ", "class ", "\\", "\x00", "\ufeff", "é", "=", "[[tags.x]]\n", "\r\n"]


@dataclass(frozen=True)
class Damage:
    path: str
    kind: str  # "insert", "delete-line", "duplicate-line", "truncate"
    at: float  # where, as a fraction of the file
    text: str

    def apply(self, repo: Path) -> None:
        target = repo / self.path
        text = target.read_text(encoding="utf-8")
        lines = text.splitlines(keepends=True)
        line = min(int(self.at * len(lines)), len(lines) - 1)
        offset = int(self.at * len(text))
        if self.kind == "insert":
            text = text[:offset] + self.text + text[offset:]
        elif self.kind == "delete-line":
            text = "".join(lines[:line] + lines[line + 1 :])
        elif self.kind == "duplicate-line":
            text = "".join(lines[: line + 1] + lines[line:])
        else:
            text = text[:offset]
        target.write_text(text, encoding="utf-8", newline="")


def test_damaged_files_give_a_clear_refusal_or_a_valid_add(
    pristine: Path, tmp_path_factory: pytest.TempPathFactory, thorough: bool, tally: Tally
) -> None:
    damage = st.builds(
        Damage,
        path=st.sampled_from(MUTABLE),
        kind=st.sampled_from(["insert", "insert", "delete-line", "duplicate-line", "truncate"]),
        at=st.floats(0, 1),
        text=st.one_of(st.sampled_from(DAMAGE), st.text(max_size=4)),
    )

    @settings(
        max_examples=150 if thorough else 6,
        deadline=None,
        # An example costs a second: no shrinking; a failure found once is replayed first.
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(damages=st.lists(damage, min_size=1, max_size=3))
    def damaged(damages: list[Damage]) -> None:
        repo = tmp_path_factory.mktemp("damaged") / "repo"
        shutil.copytree(pristine, repo)
        outside = repo.parent / "outside"
        outside.mkdir()
        for item in damages:
            item.apply(repo)
        before = tree(repo)
        result, watch = run_watched(repo, outside, *ADD)
        tally("hostile repos", 1)
        assert "Traceback" not in result.stderr
        assert result.exit_code in (0, 1, 2), (damages, result.stderr)
        if result.exit_code != 0:
            assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
            assert tree(repo) == before, (damages, result.stderr)
        assert watch.touched == []

    damaged()

