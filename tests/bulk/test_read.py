"""Reading import files: columns, custom fields, tags, bad rows, offsets for resuming."""

from __future__ import annotations

import pathlib

import pytest

from sendx.bulk._read import FileFormatError, guess_format, read_rows


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
    reasons = [r.error for r in rows[2:]]
    assert reasons[0] is not None
    assert reasons[0].startswith("malformed JSON")
    assert reasons[1:] == [
        "unknown key 'nickname'",
        "not a JSON object",
        "no email",
        "invalid UTF-8 (byte 33)",
    ]
    assert [r.line for r in rows] == [1, 2, 3, 4, 5, 6, 8]


def test_format_from_extension() -> None:
    assert guess_format("a.CSV") == "csv"
    assert guess_format("a.ndjson") == "jsonl"
    with pytest.raises(FileFormatError, match="--format"):
        guess_format("contacts.xlsx")


def test_progress_bar_on_a_terminal() -> None:
    """On a terminal the bar is redrawn in place; the summary ends its line."""
    import io

    from sendx.bulk import Progress

    stream = io.StringIO()
    progress = Progress(stream, tty=True)
    progress.report(done=500, failed=3, fraction=0.5)
    progress.finish("done")
    text = stream.getvalue()
    assert text.startswith("\r[############............]  50.0% 500 done, 3 failed")
    assert "ETA" in text
    assert text.endswith("\ndone\n")
