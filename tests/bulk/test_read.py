"""Reading import files: columns, custom fields, tags, bad rows, offsets for resuming;
finding a row again; the counters and their display."""

from __future__ import annotations

import io
import pathlib

import pytest

from sendx.bulk import Counts, ImportResult, Progress
from sendx.bulk._errors import RowFinder
from sendx.bulk._read import FileFormatError, guess_format, open_source, read_rows


def write(tmp_path: pathlib.Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_csv_columns_tags_fields_and_line_numbers(tmp_path: pathlib.Path) -> None:
    """Known columns in either spelling, ';'-separated tags, every other column a
    custom field, empty cells left out; a quoted cell may span lines."""
    path = write(
        tmp_path,
        "c.csv",
        b"\xef\xbb\xbfEmail,firstName,last_name,Tags,Plan,Seats\n"
        b"a@x.io,Ann,Lee,vip; new ;,pro,3\n"
        b'b@x.io,"Two\nlines",,,,\n'
        b"\n"
        b"c@x.io,,,,,0\n",
    )
    rows = list(read_rows(path, "csv"))
    assert [(r.line, r.last) for r in rows] == [(2, 2), (3, 4), (6, 6)]
    assert rows[0].values == {
        "email": "a@x.io",
        "first_name": "Ann",
        "last_name": "Lee",
        "tags": ["vip", "new"],
        "custom_fields": {"Plan": "pro", "Seats": "3"},
    }
    assert rows[1].values == {"email": "b@x.io", "first_name": "Two\nlines"}
    assert rows[2].values == {"email": "c@x.io", "custom_fields": {"Seats": "0"}}


def test_csv_bad_rows_carry_their_reason(tmp_path: pathlib.Path) -> None:
    path = write(
        tmp_path,
        "c.csv",
        b"email,first_name\na@x.io,A,extra\nb@x.io,\xff\xfe\nc@x.io,C\n",
    )
    rows = list(read_rows(path, "csv"))
    assert [r.error for r in rows] == [
        "expected 2 columns as in the header, found 3",
        "invalid UTF-8 (byte 8 of line 3)",
        None,
    ]
    assert rows[2].values == {"email": "c@x.io", "first_name": "C"}


def test_csv_header_problems_stop_the_import(tmp_path: pathlib.Path) -> None:
    with pytest.raises(FileFormatError, match="no 'email' column"):
        list(read_rows(write(tmp_path, "a.csv", b"name,company\nx,y\n"), "csv"))
    with pytest.raises(FileFormatError, match="twice"):
        list(read_rows(write(tmp_path, "b.csv", b"email,first_name,firstName\n"), "csv"))
    with pytest.raises(FileFormatError, match="empty"):
        list(read_rows(write(tmp_path, "c.csv", b""), "csv"))


def test_resuming_from_an_offset_gives_the_remaining_rows(tmp_path: pathlib.Path) -> None:
    """Starting at a row's end offset and line yields exactly the rows after it, with
    the same line numbers as a full read."""
    body = b"email,note\n" + b"".join(
        b'u%d@x.io,"n\n%d"\n' % (i, i) if i % 3 == 0 else b"u%d@x.io,n%d\n" % (i, i)
        for i in range(20)
    )
    path = write(tmp_path, "r.csv", body)
    full = list(read_rows(path, "csv"))
    for cut in (0, 5, 13):
        rest = list(read_rows(path, "csv", full[cut].end, full[cut].last))
        assert [(r.line, r.values) for r in rest] == [(r.line, r.values) for r in full[cut + 1 :]]


def test_jsonl_keys_in_both_spellings_and_bad_lines(tmp_path: pathlib.Path) -> None:
    path = write(
        tmp_path,
        "j.jsonl",
        b'{"email": "a@x.io", "firstName": "A", "custom_fields": {"n": 3}, "tags": ["t"]}\n'
        b'{"email": "b@x.io", "last_name": "B", "customFields": {"p": "x"}, "tags": "u;v"}\n'
        b"not json\n"
        b'{"email": "c@x.io", "nickname": "C"}\n'
        b"[1, 2]\n"
        b'{"first_name": "no email"}\n'
        b"\n"
        b'{"email": "d@x.io", "company": "\xff"}\n',
    )
    rows = list(read_rows(path, "jsonl"))
    assert rows[0].values == {
        "email": "a@x.io",
        "first_name": "A",
        "custom_fields": {"n": 3},
        "tags": ["t"],
    }
    assert rows[1].values == {
        "email": "b@x.io",
        "last_name": "B",
        "custom_fields": {"p": "x"},
        "tags": ["u", "v"],
    }
    assert [r.error for r in rows[2:]] == [
        "malformed JSON: Expecting value (character 1 of line 3)",
        "unknown key 'nickname'",
        "not a JSON object",
        "no email",
        "invalid UTF-8 (byte 33 of line 8)",
    ]
    assert [r.line for r in rows] == [1, 2, 3, 4, 5, 6, 8]


def test_format_from_extension() -> None:
    assert guess_format("a.CSV") == "csv"
    assert guess_format("a.ndjson") == "jsonl"
    with pytest.raises(FileFormatError, match="--format"):
        guess_format("contacts.xlsx")


def test_json_positions_are_within_the_line(tmp_path: pathlib.Path) -> None:
    """A JSON error names the character within the row's line, not json's own "line 1
    column 6 (char 5)" of a one-line document; a line nested past the interpreter's
    stack is a bad row, not a crash."""
    path = write(
        tmp_path,
        "j.jsonl",
        b'{"email": "a@x.io"}\n'
        b'{"email": "b@x.io",, "x": 1}\n'
        b'{"email": "c@x.io"} trailing\r\n'
        b'{"email": \n' + b"[" * 100_000 + b"\n",
    )
    rows = list(read_rows(path, "jsonl"))
    assert [(r.line, r.error) for r in rows[1:]] == [
        (
            2,
            "malformed JSON: Expecting property name enclosed in double quotes "
            "(character 20 of line 2)",
        ),
        (3, "malformed JSON: Extra data (character 21 of line 3)"),
        (4, "malformed JSON: Expecting value (character 11 of line 4)"),
        (5, "malformed JSON: nested too deeply"),
    ]
    assert rows[2].raw == '{"email": "c@x.io"} trailing'


def test_a_csv_row_keeps_its_text_as_in_the_file(tmp_path: pathlib.Path) -> None:
    """``raw`` is the row as written (quotes and all), a malformed row's included: the
    errors file shows what to fix."""
    path = write(
        tmp_path,
        "c.csv",
        b'email,note\na@x.io,"one, two"\nb@x.io,"x"y\nc@x.io,"two\nlines"\n',
    )
    rows = list(read_rows(path, "csv"))
    assert [(r.line, r.raw) for r in rows] == [
        (2, 'a@x.io,"one, two"'),
        (3, 'b@x.io,"x"y'),
        (4, 'c@x.io,"two\nlines"'),
    ]
    assert rows[1].error is not None
    assert rows[1].error.startswith("malformed CSV")


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_the_row_finder_finds_any_row_by_its_line(tmp_path: pathlib.Path, fmt: str) -> None:
    """Rows before a resumed run's start (read from the top once), rows of noted
    batches, rows spanning lines; None for a line where no row starts."""
    if fmt == "csv":
        body = "email,note\n" + "".join(
            f'u{i}@x.io,"n\n{i}"\n' if i % 50 == 0 else f"u{i}@x.io,n{i}\n" for i in range(1000)
        )
    else:
        body = "".join(f'{{"email": "u{i}@x.io"}}\n' for i in range(1000))
    path = write(tmp_path, f"r.{fmt}", body.encode())
    source = open_source(path)
    rows = list(source.rows())
    middle = rows[600]
    finder = RowFinder(source, middle.last, middle.end)  # a run resumed after row 600
    for row in rows[700:]:
        if row.line % 128 == 0:
            finder.note(row.last, row.end)
    for index in (0, 1, 50, 599, 600, 601, 777, 999, 5, 300):
        assert finder.find(rows[index].line) == rows[index].raw, index
    assert finder.find(rows[-1].last + 5) is None
    assert finder.find(None) is None
    if fmt == "csv":
        assert finder.find(rows[50].line + 1) is None  # the second line of a quoted cell


def test_counts_rate_share_and_time_left_from_one_clock() -> None:
    """Half the rows finished after 6.5 s: 6.5 s left (not minutes); the rate is rows
    finished per second of the run; carried rows count in the share."""
    half = Counts(rows=500, sent=490, failed=5, bad=5, pending=0, elapsed=6.5, unread=500)
    assert half.fraction == 0.5
    assert half.rate == 500 / 6.5
    assert half.eta == pytest.approx(6.5)
    resumed = Counts(
        rows=100, carried=300, sent=200, failed=0, bad=0, pending=200, elapsed=2.0, unread=0
    )
    assert resumed.fraction == 0.5
    assert resumed.eta == pytest.approx(2.0)
    assert Counts(rows=0, sent=0, failed=0, bad=0, pending=0, elapsed=0.0).eta is None
    dry = Counts(rows=40, sent=0, failed=0, bad=3, pending=0, elapsed=2.0, unread=40, dry_run=True)
    assert (dry.finished, dry.fraction, dry.rate) == (40, 0.5, 20.0)


def test_progress_bar_on_a_terminal() -> None:
    """On a terminal the bar is redrawn in place; the summary ends its line, in the
    same words."""
    stream = io.StringIO()
    progress = Progress(stream, tty=True)
    progress.report(Counts(rows=500, sent=497, failed=0, bad=3, pending=0, elapsed=5.0, unread=500))
    result = ImportResult(
        rows=1000,
        sent=997,
        failed=0,
        bad=3,
        pending=0,
        elapsed=10.0,
        errors_path="e.jsonl",
        failed_path="f.jsonl",
    )
    progress.finish(result)
    text = stream.getvalue()
    assert text.startswith(
        "\r[############............]  50.0% 497 sent, 0 failed, 3 bad, 100 rows/s, ETA 0:05"
    )
    assert text.endswith(
        "\nsendx import: 1,000 rows read: 997 sent, 0 failed, 3 bad, in 10.0 s (100 rows/s)"
        "\n  errors (line, reason and row): e.jsonl\n"
    )
