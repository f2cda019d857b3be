"""``sendx emulator``: starts, prints its URL and teams, stops cleanly on a signal."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from tests._support.polling import wait_for

from sendx.cli import main


def _start(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "sendx", "emulator", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("sendx emulator: http://127.0.0.1:"), line
    return process, line.strip()


def _get(url: str) -> tuple[int, object]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.loads(exc.read())


def _post(url: str, body: object, key: str) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"api_key": key}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code


def _stop(process: subprocess.Popen[str], sig: int) -> tuple[int, str]:
    process.send_signal(sig)
    _, err = process.communicate(timeout=30)
    return process.returncode, err


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serves_until_a_signal_and_exits_0(tmp_path: Path, sig: int) -> None:
    """The one line names the base URL and the accepted teams; the API and the
    control plane answer; a signal stops it with exit code 0 and the db is kept."""
    db = tmp_path / "cli.db"
    process, line = _start("--db", str(db), "--team", "t1:k1", "--team", "t2:k:2")
    try:
        base = line.split()[2]
        assert base.endswith("/api/v1")
        assert "(teams: t1, t2)" in line
        assert "k1" not in line
        root = base.removesuffix("/api/v1")
        assert wait_for(lambda: _get(root + "/_emulator/health")[0] == 200)
        assert _post(base + "/contact/identify?team_id=t1", {"email": "a@x.io"}, "k1") == 200
        assert _post(base + "/contact/identify?team_id=t2", {"email": "a@x.io"}, "k:2") == 200
        assert _post(base + "/contact/identify?team_id=t3", {"email": "a@x.io"}, "k1") == 401
    finally:
        code, err = _stop(process, sig)
    assert code == 0
    assert "stopped" in err
    assert db.exists()


def test_any_team_by_default_and_rules_file(tmp_path: Path) -> None:
    """Without --team any team binds; --rules loads a TOML file; --latency-ms works."""
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[rules]]\non = "contact_created"\nwebhook = "http://127.0.0.1:9/"\nsecret = "s"\n'
    )
    process, line = _start("--rules", str(rules), "--latency-ms", "1")
    try:
        assert "any team id" in line
        root = line.split()[2].removesuffix("/api/v1")
        status, answer = _get(root + "/_emulator/rules")
        assert status == 200
        assert answer == {
            "rules": [{"on": "contact_created", "webhook": "http://127.0.0.1:9/", "secret": "s"}]
        }
    finally:
        code, _ = _stop(process, signal.SIGTERM)
    assert code == 0


def test_bad_arguments_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A malformed --team, a bad rules file, or a negative latency is exit 2."""
    with pytest.raises(SystemExit) as info:
        main(["emulator", "--team", "nokey"])
    assert info.value.code == 2
    with pytest.raises(SystemExit):
        main(["emulator", "--latency-ms", "-5"])
    bad = tmp_path / "bad.json"
    bad.write_text('{"rules": [{"on": "nope"}]}')
    assert main(["emulator", "--rules", str(bad)]) == 2
    assert "--rules: rules[0].on must be one of" in capsys.readouterr().err
    assert main(["emulator", "--rules", str(tmp_path / "missing.json")]) == 2


def test_missing_extra_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without uvicorn, the command says which extra to install."""
    import importlib.util

    real = importlib.util.find_spec

    def find_spec(name: str, *args: object) -> object:
        return None if name == "uvicorn" else real(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    assert main(["emulator"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "pip install 'sendx-client[emulator]'" in err


def test_help_lists_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    """--help documents the options of the issue."""
    with pytest.raises(SystemExit):
        main(["emulator", "--help"])
    out = capsys.readouterr().out
    for option in ("--host", "--port", "--db", "--team", "--rules", "--latency-ms"):
        assert option in out


def test_an_unusable_database_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A --db that is not a SQLite database fails to start with one line, exit 1."""
    bad = tmp_path / "not-a.db"
    bad.write_bytes(b"this is not a database" * 100)
    assert main(["emulator", "--port", "0", "--db", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("sendx: error: cannot start the emulator: ")
    assert err.count("\n") == 1


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port with a listener on it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_a_busy_port_is_one_line_with_the_way_out_and_leaves_nothing(
    tmp_path: Path, busy_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """A port in use: one line naming the port and saying what to do (exit 1), and the
    failed start leaves no database, journal, lock file or folder that it created."""
    db = tmp_path / "new" / "emu.db"
    assert main(["emulator", "--port", str(busy_port), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"sendx: error: cannot start the emulator: port {busy_port} of 127.0.0.1 is in use; "
        "stop what listens there, or pass --port 0 for a free port\n"
    )
    assert list(tmp_path.iterdir()) == []
    assert main(["emulator", "--port", str(busy_port)]) == 1  # a temporary database
    assert "--port 0" in capsys.readouterr().err


def test_a_busy_port_keeps_an_existing_database(
    tmp_path: Path, busy_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """The database was there before: it stays, with its contacts; only the lock file,
    which this start created, goes."""
    db = tmp_path / "emu.db"
    process, line = _start("--db", str(db), "--team", "t1:k1")
    try:
        base = line.split()[2]
        assert _post(base + "/contact/identify?team_id=t1", {"email": "a@x.io"}, "k1") == 200
    finally:
        code, _ = _stop(process, signal.SIGTERM)
    assert code == 0
    (tmp_path / "emu.db.lock").unlink()
    before = sorted(path.name for path in tmp_path.iterdir())
    assert main(["emulator", "--port", str(busy_port), "--db", str(db)]) == 1
    assert "is in use" in capsys.readouterr().err
    assert sorted(path.name for path in tmp_path.iterdir()) == before
    with closing(sqlite3.connect(db)) as conn, conn:
        assert conn.execute("select count(*) from contacts").fetchone()[0] == 1


def _get_as(url: str, host: str) -> int:
    """The status of a GET that names ``host`` in its Host header."""
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code


def test_access_log_on_stderr_unless_quiet() -> None:
    """One line per request on stderr by default (method, path, status, time; no
    query); ``--quiet`` prints none."""
    process, line = _start()
    try:
        root = line.split()[2].removesuffix("/api/v1")
        assert wait_for(lambda: _get(root + "/_emulator/health")[0] == 200)
        assert _get(root + "/_emulator/contacts?team_id=t1&email=a%40x.io")[0] == 404
    finally:
        code, err = _stop(process, signal.SIGTERM)
    assert code == 0
    assert re.search(r"^GET /_emulator/health 200 \d+\.\dms$", err, re.M), err
    assert re.search(r"^GET /_emulator/contacts 404 \d+\.\dms$", err, re.M), err
    assert "a@x.io" not in err
    assert "t1" not in err
    process, line = _start("--quiet")
    try:
        root = line.split()[2].removesuffix("/api/v1")
        assert wait_for(lambda: _get(root + "/_emulator/health")[0] == 200)
    finally:
        code, err = _stop(process, signal.SIGTERM)
    assert code == 0
    assert "/_emulator/health" not in err


def test_allow_host_adds_a_name() -> None:
    """``--allow-host`` names are answered; other names get 403."""
    process, line = _start("--quiet", "--allow-host", "emulator.internal")
    try:
        health = line.split()[2].removesuffix("/api/v1") + "/_emulator/health"
        assert wait_for(lambda: _get(health)[0] == 200)
        assert _get_as(health, "emulator.internal:8787") == 200
        assert _get_as(health, "other.internal") == 403
    finally:
        code, _ = _stop(process, signal.SIGTERM)
    assert code == 0


def test_a_bad_allow_host_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A URL or a host with its port is not a host name: exit 2, saying why."""
    assert main(["emulator", "--allow-host", "http://emulator.internal"]) == 2
    assert "'http://emulator.internal' is not a host name" in capsys.readouterr().err


def test_ctrl_c_with_the_web_page_open_stops_at_once() -> None:
    """A page left open keeps a live stream; Ctrl-C still stops the emulator at once
    (uvicorn would wait for the stream, then give up after its grace period)."""
    process, line = _start("--quiet")
    try:
        root = line.split()[2].removesuffix("/api/v1")
        assert process.stdout is not None
        assert process.stdout.readline() == f"sendx emulator: the web page: {root}/#/\n"
        port = int(root.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(f"GET /_emulator/stream HTTP/1.1\r\nHost: {root[7:]}\r\n\r\n".encode())
            seen = b""
            while b"event: change" not in seen:
                chunk = sock.recv(65536)
                assert chunk, seen
                seen += chunk
            started = time.monotonic()
            code, err = _stop(process, signal.SIGINT)
            assert time.monotonic() - started < 4.0
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert code == 0
    assert "stopped" in err
