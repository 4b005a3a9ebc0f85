"""`--body` and `--query` fields: what is read, and what is refused rather than guessed."""

from __future__ import annotations

import pytest

from scaffold.errors import UsageError
from scaffold.model.fields import Field, parse_fields


@pytest.mark.parametrize(
    ("spec", "fields"),
    [
        pytest.param("name:string", (Field("name", "string"),), id="string"),
        pytest.param("name:string?", (Field("name", "string", False),), id="optional-after"),
        pytest.param("name?:string", (Field("name", "string", False),), id="optional-before"),
        pytest.param("a:int,b:bool?", (Field("a", "integer"), Field("b", "boolean", False)), id="two"),
        pytest.param("n:string{1,64}", (Field("n", "string", min_length=1, max_length=64),), id="bounds"),
        pytest.param("a" * 64 + ":string", (Field("a" * 64, "string"),), id="longest-name"),
    ],
)
def test_fields_are_read(spec: str, fields: tuple[Field, ...]) -> None:
    assert parse_fields(spec, "--body", required=True) == fields


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        pytest.param("name", "--body: name has no type", id="bare-name"),
        pytest.param("a:string,b", "--body: b has no type", id="bare-second"),
        pytest.param("name?", "--body: name has no type", id="bare-optional"),
        pytest.param("name??", "--body: name has no type", id="bare-twice-optional"),
        pytest.param("name?:string?", "--body: name is marked optional twice", id="optional-twice"),
        pytest.param("name:string??", "--body: cannot read", id="two-marks-after"),
        pytest.param("a" * 65 + ":string", "--body: a field name of 65 characters is too long", id="name-too-long"),
    ],
)
def test_fields_that_would_be_guessed_are_refused(spec: str, says: str) -> None:
    with pytest.raises(UsageError) as refused:
        parse_fields(spec, "--body", required=True)
    assert str(refused.value).startswith(says), str(refused.value)
