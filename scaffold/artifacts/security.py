"""Checklist item 4, the tests, continued: the endpoint's row in the security cases' table
(`[tests.security]`), and its removal.

The row is the request the cases send — as the table's actor, at its own resources, or with the
admin's token where nothing less is admitted — and the endpoint's name among the operations
(the public ones too, when it is public). While the app function is the stub the name is also
among the pending ones: their cases are expected to fail until the endpoint is finished, which
takes the name off that list (see `scaffold.commands.finish`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

from scaffold.artifacts.cases import scope_of
from scaffold.artifacts.context import PlanContext
from scaffold.artifacts.handler import body_fields
from scaffold.artifacts.removal import Removal
from scaffold.artifacts.samples import body_items, display, valid_value
from scaffold.model.fields import Field
from scaffold.model.security import SecurityLayout
from scaffold.repo.files import matching_files
from scaffold.repo.workspace import Workspace
from scaffold.text.format import format_code
from scaffold.text.head import add_imports
from scaffold.text.imports import import_source
from scaffold.text.python import Source, indented
from scaffold.text.render import py_str

#: An injection string of the security cases is at most this long: a free-text field with a
#: shorter maximum refuses them all.
_INJECTION_LENGTH = 40


@dataclass(frozen=True)
class Row:
    #: `"Name": Req(...)`, formatted as a dict entry at column 0 (without its comma)
    code: str
    public: bool


def security_row(ctx: PlanContext) -> tuple[Row | None, list[str]]:
    """The endpoint's row, or None and why there is none."""
    endpoint, layout = ctx.endpoint, ctx.layout
    security = layout.security
    assert security is not None
    table = security.table
    actors = {actor.name: actor for actor in layout.actors}
    actor, admin = actors[security.actor], actors[security.admin]
    scope = scope_of(ctx)
    if endpoint.is_public or layout.permissions.admits(actor, endpoint.permission, scope):
        who, as_admin = actor, False
    elif layout.permissions.admits(admin, endpoint.permission, scope):
        who, as_admin = admin, True
    else:
        return None, [f"{endpoint.name} is not in {table}: no actor of its cases is admitted"]
    params, unknown = {}, []
    for param in endpoint.path_params:
        value = who.params.get(param) or layout.fixtures.get(param)
        if value is None:
            # Nothing names one: a fresh id (or name) holds the place, and the plan says so.
            value = "new_id()" if param.endswith("_id") else 'f"n{new_id()[:12]}"'
            unknown.append(f"make `{param}` name an existing resource")
        params[param] = value
    args = [py_str(endpoint.method.value), py_str(endpoint.path)]
    if params:
        args.append(display(params))
    query = {f.name: _query_value(f, layout.values) for f in endpoint.query if f.validated}
    if query:
        args.append(f"query={display(query)}")
    if endpoint.has_body:
        fields = body_fields(ctx)
        ids = {name: code for name, code in layout.fixtures.items() if name.endswith("_id")}
        body, missing = body_items(fields, {**ids, **who.params, **layout.values, **params})
        unknown += missing
        args.append(f"body={display(body)}")
        accepted = [f.name for f in fields if f.name in body and _free_text(f)]
        if accepted:
            args.append(f"accepted=({', '.join(py_str(n) for n in accepted)},)")
    if as_admin:
        args.append("admin=True")
    entry = f"{py_str(endpoint.operation_id)}: {security.request}({', '.join(args)})"
    notes = [f"the row of {endpoint.operation_id} in {table}: {'; '.join(unknown)}"] if unknown else []
    return Row(_as_entry(entry, ctx.layout.line_length), endpoint.is_public), notes


def plan_security(ctx: PlanContext, stub: bool) -> list[str]:
    """Give the endpoint its row, unless the table has one; return what the plan should say."""
    security, table = ctx.layout.security, ctx.inventory.security
    name = ctx.endpoint.operation_id
    if security is None or table is None or name in table.entries:
        return []
    row, notes = security_row(ctx)
    if row is None:
        return notes
    path = security.table
    source = Source.parse(ctx.workspace.read(path), path)
    names = [security.public] if row.public else []
    if not (row.public and _unpacks(source, security.operations, security.public)):
        names.append(security.operations)
    names += [security.pending] if stub else []
    edits = [_entry_added(source, security, row.code)]
    edits += [_name_added(source, listed, name, ctx.layout.line_length) for listed in dict.fromkeys(names)]
    text = _edited(source, edits)
    if "new_id()" in row.code:
        # Imported where the tests import it (add_import keeps an import that is there).
        siblings = [ctx.workspace.read_or_none(p) for p, _ in matching_files(ctx.layout, ctx.layout.tests)]
        module = import_source([text, *siblings], "new_id") or "server.model.ids"
        layout = ctx.layout
        text = add_imports(text, path, [(module, "new_id", None)], local=layout.local_packages, line_length=layout.line_length)
    ctx.workspace.write(path, text)
    return notes


def remove_security(removal: Removal) -> None:
    """Take the endpoint's row and its names out of the table, unless edited by hand."""
    ctx = removal.ctx
    security, table = ctx.layout.security, ctx.inventory.security
    name = ctx.endpoint.operation_id
    if security is None or table is None:
        return
    path = security.table
    source = Source.parse(ctx.workspace.read(path), path)
    edits: list[_Edit | None] = []
    entry = table.entries.get(name)
    if entry is not None:
        key, value = _entry_nodes(source, security, name)
        last = value.end_lineno or value.lineno
        actual = "".join(line.strip() + "\n" for line in source.lines[key.lineno - 1 : last])
        row, _ = security_row(ctx)
        expected = "" if row is None else "".join(line.strip() + "\n" for line in (row.code + ",").splitlines())
        if not removal.accept("tests", entry.location, expected, actual):
            return
        edits.append(((key.lineno, last), ""))
    edits += [_name_removed(source, listed, name, ctx.layout.line_length) for listed in dict.fromkeys(security.lists)]
    ctx.workspace.write(path, _edited(source, edits))


def drop_pending(workspace: Workspace, security: SecurityLayout, names: set[str], line_length: int) -> None:
    """Finish the operations `names`: they leave the pending ones."""
    path = security.table
    source = Source.parse(workspace.read(path), path)
    edits = [_name_removed(source, security.pending, name, line_length) for name in sorted(names)]
    workspace.write(path, _edited(source, edits))


# -- the table's text -------------------------------------------------------------------------


def _query_value(field: Field, values: dict[str, str]) -> str:
    """A query value is text: the sample of its type, as the string a URL carries."""
    code = valid_value(field, values).code
    if field.type == "boolean":
        return py_str("true")
    if field.type in ("integer", "number"):
        return py_str(code)
    return code


def _free_text(field: Field) -> bool:
    """A field any text fills (an injection string is stored as sent, not refused)."""
    if field.type != "string" or field.enum or field.format or field.pattern or field.id:
        return False
    return field.max_length is None or field.max_length >= _INJECTION_LENGTH


def _as_entry(entry: str, line_length: int) -> str:
    """A dict entry formatted as black would inside the table's dict, at column 0."""
    code = format_code(f"table = {{\n    {entry},\n}}\n", line_length, depth=1)
    lines = code.splitlines()[1:-1]
    return "\n".join(line.removeprefix("    ") for line in lines).removesuffix(",")


def _entry_nodes(source: Source, security: SecurityLayout, name: str) -> tuple[ast.expr, ast.expr]:
    returned = _returned_dict(source, security)
    for key, value in zip(returned.keys, returned.values):
        if isinstance(key, ast.Constant) and key.value == name:
            return key, value
    raise KeyError(name)


def _returned_dict(source: Source, security: SecurityLayout) -> ast.Dict:
    function = source.top_level(ast.FunctionDef, security.function)
    assert isinstance(function, ast.FunctionDef)
    returned = next(n.value for n in ast.walk(function) if isinstance(n, ast.Return))
    assert isinstance(returned, ast.Dict)
    return returned


def _entry_added(source: Source, security: SecurityLayout, code: str) -> _Edit:
    """`code` as the last entry of the table's dict."""
    returned = _returned_dict(source, security)
    close = returned.end_lineno or returned.lineno
    if not returned.values:
        line = source.lines[close - 1]
        prefix = line[: len(line) - len(line.lstrip())] + "    "
        return (close, close - 1), _lines(source, indented(code + ",\n", prefix, "    "))
    last = returned.values[-1].end_lineno or returned.values[-1].lineno
    key = returned.keys[-1]
    assert key is not None
    block = _lines(source, indented(code + ",\n", source.lines[key.lineno - 1][: key.col_offset], "    "))
    line = source.lines[last - 1]
    if line.rstrip().endswith(","):
        return (last + 1, last), block
    # The last entry had no comma after it: it gets one, as black would write it.
    body = line.rstrip("\r\n")
    return (last, last), body + "," + line[len(body) :] + block


def _tuple_of(source: Source, name: str) -> tuple[ast.stmt, ast.Tuple]:
    for node in source.tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and target.id == name and isinstance(value, ast.Tuple):
            return node, value
    raise KeyError(name)


def _unpacks(source: Source, listed: str, other: str) -> bool:
    """Whether the tuple `listed` takes in the tuple `other` (`(*PUBLIC, ...)`)."""
    _, value = _tuple_of(source, listed)
    return any(isinstance(e, ast.Starred) and isinstance(e.value, ast.Name) and e.value.id == other for e in value.elts)


def _name_added(source: Source, listed: str, name: str, line_length: int) -> _Edit:
    """`name` last among the strings of the tuple `listed`."""
    statement, value = _tuple_of(source, listed)
    elements = value.elts
    last = elements[-1] if elements else None
    if last is not None and last.lineno != value.lineno and source.lines[(last.end_lineno or 0) - 1].rstrip().endswith(","):
        prefix = source.lines[last.lineno - 1][: last.col_offset]
        end = last.end_lineno or last.lineno
        return (end + 1, end), _lines(source, f"{prefix}{py_str(name)},\n")
    return _rewritten(source, statement, value, [*_segments(source, value), py_str(name)], line_length)


def _name_removed(source: Source, listed: str, name: str, line_length: int) -> _Edit | None:
    """The string `name` out of the tuple `listed`; None where it is not there."""
    statement, value = _tuple_of(source, listed)
    found = [e for e in value.elts if isinstance(e, ast.Constant) and e.value == name]
    if not found:
        return None
    element = found[0]
    line = source.lines[element.lineno - 1]
    if len(value.elts) > 1 and element.lineno != value.lineno and line.strip() in (f"{py_str(name)},", f"{py_str(name)}"):
        return (element.lineno, element.end_lineno or element.lineno), ""
    rest = [s for e, s in zip(value.elts, _segments(source, value)) if e is not element]
    return _rewritten(source, statement, value, rest, line_length)


#: Lines `first` to `last` of a module (1-based, inclusive; `last` is `first - 1` for lines
#: inserted before `first`) and the text that stands in their place.
_Edit = tuple[tuple[int, int], str]


def _edited(source: Source, edits: Iterable[_Edit | None]) -> str:
    """The module with every edit made, all planned on its one parse: each names lines of
    its own statement (the dict's entry, each tuple), so none moves another's lines."""
    made = sorted(edit for edit in edits if edit is not None)
    for ((first, last), _), ((after, _), _) in zip(made, made[1:]):
        # Apart, and in an order that says where each goes: else a bug in a planner above.
        assert after > max(first, last), "edits of the security table overlap"
    return source.without(dict(made))


def _lines(source: Source, code: str) -> str:
    """Whole lines of new code, ended as the module ends its own."""
    return code.replace("\n", source.newline) if source.newline != "\n" else code


def _segments(source: Source, value: ast.Tuple) -> list[str]:
    return [ast.get_source_segment(source.text, e) or "" for e in value.elts]


def _rewritten(source: Source, statement: ast.stmt, value: ast.Tuple, elements: list[str], line_length: int) -> _Edit:
    """The statement assigning the tuple, written again with `elements`."""
    first, last = statement.lineno, statement.end_lineno or statement.lineno
    head = "".join(source.lines[first - 1 : value.lineno - 1]) + source.lines[value.lineno - 1][: value.col_offset]
    shown = "(" + ", ".join(elements) + ("," if len(elements) == 1 else "") + ")"
    code = format_code(head + shown + "\n", line_length)
    return (first, last), _lines(source, code)
