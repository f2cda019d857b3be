"""``sendx import`` and ``sendx replay`` end to end against the emulator."""

from __future__ import annotations

import io
import json
import pathlib
import re
import subprocess
import sys
from typing import Any

import pytest
from tests.outbox.helpers import KEY, contacts, new_team, set_faults

import sendx
from sendx.bulk import BulkImportError, Progress, import_file
from sendx.cli import main


def run(emu: Any, team: str, *args: str) -> int:
    return main([*args, "--api-key", KEY, "--team-id", team, "--base-url", emu.base_url])


def lines(path: pathlib.Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


CSV = (
    "email,first_name,birthday,tags,Plan\n"
    "a@x.io,Ann,1990-01-02,vip,pro\n"
    ",NoEmail,,,\n"
    "b@x.io,Bob,1990-02-30,,\n"
    "c@x.io,Cy,,,free\n"
)


def test_import_csv_with_tags_errors_and_exit_code(
    emu: Any, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Good rows are identified (with --tag added), bad rows go to the errors file with
    their line and reason, the summary says so, and the exit code is 1."""
    team = new_team()
    source = tmp_path / "people.csv"
    source.write_text(CSV, "utf-8")
    assert run(emu, team, "import", str(source), "--tag", "imported") == 1
    found = contacts(emu, team)
    assert [(c["email"], c["tags"]) for c in found] == [
        ("a@x.io", ["vip", "imported"]),
        ("c@x.io", ["imported"]),
    ]
    assert found[0]["birthday"] == "1990-01-02"
    assert found[0]["customFields"] == {"Plan": "pro"}
    errors = lines(tmp_path / "people.csv.errors.jsonl")
    assert errors == [
        {"line": 3, "reason": "no email", "row": ",NoEmail,,,"},
        {
            "line": 4,
            "reason": "birthday is not a real date (got '1990-02-30')",
            "row": "b@x.io,Bob,1990-02-30,,",
        },
    ]
    err = capsys.readouterr().err
    assert "4 rows read: 2 sent, 0 failed, 2 bad, in " in err
    assert "people.csv.errors.jsonl" in err
    assert not (tmp_path / "people.csv.sendx-spool").exists()  # removed when complete


def test_clean_import_exits_0_and_jsonl(emu: Any, tmp_path: pathlib.Path) -> None:
    team = new_team()
    source = tmp_path / "people.data"
    source.write_text(
        '{"email": "j@x.io", "customFields": {"Seats": 3}}\n{"email": "k@x.io"}\n', "utf-8"
    )
    assert run(emu, team, "import", str(source), "--format", "jsonl") == 0
    assert [c["customFields"] for c in contacts(emu, team)] == [{"Seats": "3"}, {}]


def test_dry_run_sends_nothing(emu: Any, tmp_path: pathlib.Path) -> None:
    team = new_team()
    source = tmp_path / "people.csv"
    source.write_text(CSV, "utf-8")
    assert main(["import", str(source), "--dry-run"]) == 1
    assert contacts(emu, team) == []
    assert len(lines(tmp_path / "people.csv.errors.jsonl")) == 2


def test_bad_header_is_a_usage_error(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "x.csv"
    source.write_text("name\nAnn\n", "utf-8")
    assert main(["import", str(source), "--dry-run"]) == 2
    with pytest.raises(BulkImportError, match="format"):
        import_file(str(tmp_path / "x.xlsx"), dry_run=True)


def test_leftover_spool_needs_resume(emu: Any, tmp_path: pathlib.Path) -> None:
    """A spool left by an interrupted import refuses a fresh start; --resume goes on,
    and refuses a file that changed meanwhile."""
    team = new_team()
    source = tmp_path / "p.csv"
    source.write_text("email\nz@x.io\n", "utf-8")
    with sendx.SendX(KEY, team, base_url=emu.base_url) as client:
        outbox = client.outbox(spool=str(tmp_path / "p.csv.sendx-spool"))
        outbox._spool.insert_marked(None, "import:file", '{"size": 1}')  # type: ignore[union-attr]
        outbox.close()
        with pytest.raises(BulkImportError, match="--resume"):
            import_file(str(source), client, progress=Progress(enabled=False))
        with pytest.raises(BulkImportError, match="changed"):
            import_file(str(source), client, resume=True, progress=Progress(enabled=False))


def test_progress_lines_when_not_a_terminal(
    emu: Any, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team = new_team()
    source = tmp_path / "p.csv"
    source.write_text("email\n" + "".join(f"p{i}@x.io\n" for i in range(50)), "utf-8")
    with sendx.SendX(KEY, team, base_url=emu.base_url) as client:
        result = import_file(str(source), client, progress=Progress(interval=0.0))
    assert result.ok
    assert result.sent == 50
    err = capsys.readouterr().err
    assert "sendx import: 100.0% 50 sent, 0 failed, 0 bad" in err
    assert "\r" not in err


def test_refused_rows_are_reported_and_replayed(
    emu: Any, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A row SendX refuses (here a rename onto a taken address, 409) goes to the errors
    file and to the failed-calls file; `sendx replay` sends it again once fixed."""
    team = new_team()
    source = tmp_path / "p.csv"
    source.write_text("email,new_email\nm@x.io,\nn@x.io,\nm@x.io,n@x.io\n", "utf-8")
    assert run(emu, team, "import", str(source), "--no-coalesce") == 1
    [error] = lines(tmp_path / "p.csv.errors.jsonl")
    assert error["line"] == 4
    assert error["status"] == 409
    assert error["row"] == "m@x.io,n@x.io"  # the row's text, as for a bad row
    failed = tmp_path / "p.csv.failed.jsonl"
    [record] = lines(failed)
    assert record["body"]["newEmail"] == "n@x.io"
    # Still taken: the replay fails again and puts the call back.
    assert run(emu, team, "replay", str(failed)) == 1
    assert len(lines(failed)) == 1
    assert "1 failed again" in capsys.readouterr().err
    # Rename n@ away, then the replay succeeds and empties the file.
    with sendx.SendX(KEY, team, base_url=emu.base_url) as client:
        client.contacts.identify("n@x.io", new_email="o@x.io")
    assert run(emu, team, "replay", str(failed)) == 0
    assert not failed.exists() or failed.read_text() == ""
    assert [c["email"] for c in contacts(emu, team)] == ["n@x.io", "o@x.io"]


def test_replay_keeps_unreadable_lines(emu: Any, tmp_path: pathlib.Path) -> None:
    team = new_team()
    dead = tmp_path / "dead.jsonl"
    dead.write_text(
        '{"kind": "identify", "email": "r@x.io", "body": {"tags": ["back"]}}\nnot json\n',
        "utf-8",
    )
    set_faults(emu, [])
    assert run(emu, team, "replay", str(dead)) == 1
    assert dead.read_text() == "not json\n"
    assert contacts(emu, team)[0]["tags"] == ["back"]


def test_refused_credentials_stop_the_import_and_keep_the_rest(
    emu: Any, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 401 means every row would fail: the import stops at once (exit 2) instead of
    filling the errors file, and --resume with the right key finishes it."""
    team = new_team()
    with sendx.SendX(KEY, team, base_url=emu.base_url) as owner:
        owner.contacts.identify("owner@x.io")  # binds the team to KEY
    source = tmp_path / "p.csv"
    source.write_text("email\n" + "".join(f"r{i}@x.io\n" for i in range(3000)), "utf-8")
    wrong = ["--api-key", "wrong-key", "--team-id", team, "--base-url", emu.base_url]
    assert main(["import", str(source), "--concurrency", "4", *wrong]) == 2
    assert "refused the API key" in capsys.readouterr().err
    refused = lines(tmp_path / "p.csv.errors.jsonl")
    assert 1 <= len(refused) < 3000
    assert {e["status"] for e in refused} == {401}
    assert (tmp_path / "p.csv.sendx-spool").exists()
    assert run(emu, team, "import", str(source), "--resume") == 1  # 1: refused rows
    assert run(emu, team, "replay", str(tmp_path / "p.csv.failed.jsonl")) == 0
    assert len(contacts(emu, team)) == 3001


def test_uncertain_rows_recovered_on_resume_count_as_failed(
    emu: Any, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The import dies while sending a rename (not idempotent): `--resume` does not send
    it again but dead-letters it as possibly applied, and that row counts as failed:
    in the summary, the errors file and the exit code (1), with the replay hint."""
    team = new_team()
    source = tmp_path / "p.csv"
    source.write_text("email,new_email\nm@x.io,n@x.io\nq@x.io,\n", "utf-8")
    code = (
        "import os, sendx._sync\n"
        "from sendx.cli import main\n"
        "sendx._sync.SyncShell.request = lambda self, call: os._exit(9)  # dies sending\n"
        f"main(['import', {str(source)!r}, '--concurrency', '1', '--api-key', {KEY!r},"
        f" '--team-id', {team!r}, '--base-url', {emu.base_url!r}])\n"
    )
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 9
    assert run(emu, team, "import", str(source), "--resume") == 1
    err = capsys.readouterr().err
    # The killed run committed the rename's row, and the next one too if its reader was
    # quicker than the worker: the resumed run counts what it carried over and read.
    found = re.search(
        r"(\d+) rows read \(resumed at line (\d+)\) and (\d+) left pending by the "
        r"interrupted run: 1 sent, 1 failed, 0 bad",
        err,
    )
    assert found, err
    rows, line, carried = (int(group) for group in found.groups())
    assert (rows + carried, line) == (2, 2 + carried)
    assert f"sendx replay {tmp_path / 'p.csv.failed.jsonl'}" in err
    [error] = lines(tmp_path / "p.csv.errors.jsonl")
    assert error["line"] == 2
    assert "may have applied" in error["reason"]
    assert error["row"] == "m@x.io,n@x.io"  # read again from before the resumed position
    [failed] = lines(tmp_path / "p.csv.failed.jsonl")
    assert failed["body"]["newEmail"] == "n@x.io"
    assert [c["email"] for c in contacts(emu, team)] == ["q@x.io"]


def test_resume_without_a_spool_is_refused(
    emu: Any, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After a completed import there is nothing to resume: `--resume` refuses (exit 2,
    one line saying how to start again) and sends nothing."""
    team = new_team()
    source = tmp_path / "p.csv"
    source.write_text("email\nw1@x.io\nw2@x.io\n", "utf-8")
    assert run(emu, team, "import", str(source)) == 0
    capsys.readouterr()
    assert run(emu, team, "import", str(source), "--resume") == 2
    err = capsys.readouterr().err
    assert "nothing to resume" in err
    assert "without --resume" in err
    requests: list[Any] = []
    with (
        sendx.SendX(KEY, team, base_url=emu.base_url, on_request=requests.append) as client,
        pytest.raises(BulkImportError, match="nothing to resume"),
    ):
        import_file(str(source), client, resume=True, progress=Progress(enabled=False))
    assert requests == []
    assert not (tmp_path / "p.csv.sendx-spool").exists()


def test_fresh_import_starts_a_new_failed_file(
    emu: Any, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second (not resumed) import does not append to the first one's failed file,
    which a replay would then send twice: the old file is moved aside, and said so."""
    team = new_team()
    source = tmp_path / "p.csv"
    source.write_text("email,new_email\nm@x.io,\nn@x.io,\nm@x.io,n@x.io\n", "utf-8")
    failed = tmp_path / "p.csv.failed.jsonl"
    assert run(emu, team, "import", str(source), "--no-coalesce") == 1
    assert len(lines(failed)) == 1
    capsys.readouterr()
    assert run(emu, team, "import", str(source), "--no-coalesce") == 1
    assert len(lines(failed)) == 1
    earlier = tmp_path / "p.csv.failed.jsonl.1"
    assert len(lines(earlier)) == 1
    assert str(earlier) in capsys.readouterr().err


def test_progress_counts_rows_finished_not_rows_read(emu: Any, tmp_path: pathlib.Path) -> None:
    """The import reads far ahead of SendX (here the whole file at once); the share and
    the counts it reports are those of rows finished: with 100 equal rows, the share
    shown is the share of rows done."""
    team = new_team()
    source = tmp_path / "p.csv"
    source.write_text("email\n" + "".join(f"p{i:03d}@x.io\n" for i in range(100)), "utf-8")
    stream = io.StringIO()
    set_faults(emu, [{"path": "/api/v1/contact", "latency_ms": 20}])
    try:
        with sendx.SendX(KEY, team, base_url=emu.base_url) as client:
            result = import_file(
                str(source),
                client,
                concurrency=2,
                progress=Progress(stream, tty=False, interval=0.1),
            )
    finally:
        set_faults(emu, [])
    assert result.sent == 100
    shown = [
        (float(m.group(1)), int(m.group(2)))
        for m in re.finditer(r"(\d+\.\d)% (\d+) sent", stream.getvalue())
    ]
    assert any(done < 90 for _, done in shown), shown
    for share, done in shown:
        assert abs(share - done) <= 1, shown


def test_progress_and_summary_use_the_same_counters_and_words(
    emu: Any, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The last progress line and the summary name the same rows with the same words:
    a bad row is "bad" in both (never "failed" in one), a refused row "failed"."""
    team = new_team()
    source = tmp_path / "p.csv"
    source.write_text("email,new_email\nm@x.io,\nn@x.io,\nnot-an-email,\nm@x.io,n@x.io\n", "utf-8")
    stream = io.StringIO()
    progress = Progress(stream, tty=False, interval=0.0)
    with sendx.SendX(KEY, team, base_url=emu.base_url) as client:
        result = import_file(str(source), client, coalesce=False, progress=progress)
    progress.finish(result)
    *_, last, summary = stream.getvalue().splitlines()[:-2]
    assert last.startswith("sendx import: 100.0% 2 sent, 1 failed, 1 bad, ")
    assert summary.startswith("sendx import: 4 rows read: 2 sent, 1 failed, 1 bad, in ")
    assert (result.rows, result.sent, result.failed, result.bad) == (4, 2, 1, 1)


def test_a_base_url_without_api_v1_stops_the_import_with_the_fix(
    emu: Any, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every identify answered 404 (no route: the base URL lacks /api/v1): the import
    stops at once, keeps the rest in the spool and says what to pass instead; with the
    right URL, --resume finishes it."""
    team = new_team()
    source = tmp_path / "p.csv"
    source.write_text("email\n" + "".join(f"u{i}@x.io\n" for i in range(3000)), "utf-8")
    root = emu.base_url.removesuffix("/api/v1")
    args = ["--api-key", KEY, "--team-id", team]
    assert main(["import", str(source), "--concurrency", "4", *args, "--base-url", root]) == 2
    err = capsys.readouterr().err
    assert f"probably lacks /api/v1: try --base-url {root}/api/v1" in err
    assert "--resume" in err
    assert len(err.splitlines()) == 1
    refused = lines(tmp_path / "p.csv.errors.jsonl")
    assert 1 <= len(refused) < 3000
    assert {e["status"] for e in refused} == {404}
    assert all(e["row"] == f"u{e['line'] - 2}@x.io" for e in refused)
    assert run(emu, team, "import", str(source), "--resume") == 1  # 1: refused rows
    assert run(emu, team, "replay", str(tmp_path / "p.csv.failed.jsonl")) == 0
    assert len(contacts(emu, team)) == 3000
