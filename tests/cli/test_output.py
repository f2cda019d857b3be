"""How the REST commands print models: cells, tables, objects and JSON lines."""

from __future__ import annotations

import contextlib
import datetime
import io
import json

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendx.cli._output import MAX_CELL, cell, plain, print_json, print_object, print_table


class Inner(msgspec.Struct, frozen=True):
    url: str = ""
    count: int = 0


class Model(msgspec.Struct, frozen=True, rename="camel"):
    id: str
    first_name: str | None = None
    on: bool = False
    at: datetime.datetime | None = None
    fields: dict[str, str] = {}
    tags: list[str] = []
    links: list[Inner] = []
    _hidden: int | None = msgspec.field(default=None, name="hidden")


AT = datetime.datetime(2026, 12, 4, 17, 8, 28, 857000, tzinfo=datetime.timezone.utc)


def test_cells() -> None:
    assert cell(None) == ""
    assert (cell(True), cell(False)) == ("yes", "no")
    assert cell(AT) == "2026-12-04 17:08:28+00:00"
    assert cell(["a", "b"]) == "a, b"
    assert cell({"k": "v", "n": 1}) == "k=v, n=1"
    assert cell(Inner(url="u", count=2)) == "url=u, count=2"
    assert cell("a\nb\tc\u2028d") == "a\\nb\\tc\\u2028d"
    assert cell("Zo\u00eb \u6f22\u5b57") == "Zo\u00eb \u6f22\u5b57"
    long = "x" * 250
    assert cell(long) == "x" * (MAX_CELL - 3) + "..."
    assert len(cell(["y" * 80, "z" * 80])) == MAX_CELL


def test_plain_uses_attribute_names_and_leaves_out_private_fields() -> None:
    model = Model(id="m1", first_name="Zo\u00eb", at=AT, links=[Inner("u", 1)])
    assert plain(model) == {
        "id": "m1",
        "first_name": "Zo\u00eb",
        "on": False,
        "at": "2026-12-04T17:08:28.857000+00:00",
        "fields": {},
        "tags": [],
        "links": [{"url": "u", "count": 1}],
    }


def test_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert print_json([Model(id="a"), Model(id="b", first_name="Zo\u00eb")]) == 2
    out = capsys.readouterr().out
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["a", "b"]
    assert "Zo\u00eb" in out  # not escaped


def test_an_object_lists_its_mappings_indented(capsys: pytest.CaptureFixture[str]) -> None:
    print_object(Model(id="m1", fields={"b": "2", "a": "1"}, tags=["t"]))
    assert capsys.readouterr().out.splitlines() == [
        "id          m1",
        "first_name",
        "on          no",
        "at",
        "fields",
        "  a         1",
        "  b         2",
        "tags        t",
        "links",
    ]
    print_object(Model(id="m2"))
    assert "fields      (none)" in capsys.readouterr().out


text = st.text(st.characters(codec="utf-8"), max_size=120)


@given(st.lists(st.tuples(text, text), max_size=8))
def test_every_row_is_one_line_with_its_cells_under_their_headers(
    rows: list[tuple[str, str]],
) -> None:
    """Whatever the values hold (line breaks, tabs, wide or combining characters,
    spaces), a table has one line per object and each cell starts where its header
    does."""
    objects = [Model(id=first, first_name=second) for first, second in rows]
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert print_table(objects, ["id", "first_name"]) == len(rows)
    header, *lines = buffer.getvalue().splitlines()
    assert header.split() == ["ID", "FIRST_NAME"]
    assert len(lines) == len(rows)
    start = header.index("FIRST_NAME")
    for line, (first, second) in zip(lines, rows, strict=True):
        assert line[:start].rstrip() == cell(first).rstrip()
        assert line[start:] == cell(second).rstrip()
