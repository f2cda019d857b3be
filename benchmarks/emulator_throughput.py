"""Emulator throughput: identify requests per second against a hello-world baseline.

Both servers run the same stack (uvicorn, httptools, the asyncio loop), each in its
own process; the load comes from a third process, so on two cores the load
generator never shares an interpreter with the server it measures. The load is 32
requests in flight over 32 keep-alive connections, written with plain asyncio
streams (cheaper per request than aiohttp, so the client saturates later than the
server). The headline series names a new contact with each identify, so the
emulator's database (a file on disk, as in real use) grows as it would under an
import; a second series updates existing contacts (a new value for one field).
The rounds alternate between the servers so that noise on a shared machine hits
all series alike.

After the rounds, the emulator is filled up to at least 100,000 contacts (the
rounds alone make 110,000) and its peak resident memory (``VmHWM`` of its process) is read.

Run: ``.venv/bin/python benchmarks/emulator_throughput.py`` (about 20 seconds).
Prints a summary and writes ``benchmarks/results/emulator_throughput.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "emulator_throughput.json"

IN_FLIGHT = 32
ROUNDS = 5
WARMUP = 2_000
MEASURED = 20_000
CONTACTS_FOR_MEMORY = 100_000
TEAM, KEY = "team1", "key1"
TARGET_RATIO = 0.5

# The baseline: the least an ASGI app can do with the same request. It reads the
# body (uvicorn parses it either way) and answers a fixed JSON envelope.
HELLO_SERVER = """
import socket, sys, threading, uvicorn

BODY = b'{"status": "200", "message": "OK", "data": "success"}'
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})

# The settings of sendx.emulator's server (_server.py), minus its app.
config = uvicorn.Config(app, http="httptools", ws="none", lifespan="off", loop="asyncio",
                        log_config=None, log_level="warning", access_log=False,
                        proxy_headers=False, server_header=False, backlog=1024)
server = uvicorn.Server(config)
# IPPROTO_TCP, not the default 0: asyncio sets TCP_NODELAY only on sockets whose proto
# says TCP, and without it every response waits ~40 ms for a delayed ACK.
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
sock.bind(("127.0.0.1", 0))
sock.listen(2048)  # accept connections from now on, before the loop runs
print(sock.getsockname()[1], flush=True)

def stop_when_stdin_closes():
    sys.stdin.read()
    server.should_exit = True

threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
server.run(sockets=[sock])
"""

# The emulator as users start it from Python: a background thread of this process.
EMULATOR_SERVER = """
import sys
from sendx.emulator import Emulator

with Emulator(db=sys.argv[1], teams={sys.argv[2]: sys.argv[3]}) as emu:
    print(emu.port, flush=True)
    sys.stdin.read()  # serve until the parent closes our stdin
"""


def identify_email(n: int) -> str:
    return f"user{n}@bench.example"


def identify_body(n: int, plan: str) -> bytes:
    """A realistic identify: a contact with a name, a tag and a custom field."""
    return json.dumps(
        {
            "firstName": "User",
            "email": identify_email(n),
            "tags": ["bench"],
            "customFields": {"Plan": plan},
        },
        separators=(", ", ": "),
    ).encode()


def identify_request(port: int, n: int, plan: str) -> bytes:
    body = identify_body(n, plan)
    head = (
        f"POST /api/v1/contact/identify?team_id={TEAM} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        f"api_key: {KEY}\r\n"
        "Accept: application/json\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


# -- the load generator (runs in its own process) ----------------------------------


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process ``pid`` (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _connection(
    port: int, requests: list[bytes], cursor: list[int], errors: list[int]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while cursor[0] < len(requests):
            request = requests[cursor[0]]
            cursor[0] += 1
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                errors.append(int(head[9:12]))
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
    finally:
        writer.close()
        await writer.wait_closed()


async def _drive(port: int, requests: list[bytes]) -> list[int]:
    cursor: list[int] = [0]
    errors: list[int] = []
    await asyncio.gather(*(_connection(port, requests, cursor, errors) for _ in range(IN_FLIGHT)))
    return errors


def load(
    port: int, server_pid: int, first: int, warmup: int, count: int, plan: str
) -> dict[str, Any]:
    """Send ``warmup`` then ``count`` identifies (contacts ``first``... with custom
    field ``Plan`` set to ``plan``); time the latter."""
    warm = [identify_request(port, n, plan) for n in range(first, first + warmup)]
    measured = [
        identify_request(port, n, plan) for n in range(first + warmup, first + warmup + count)
    ]
    asyncio.run(_drive(port, warm))
    server_cpu, client_cpu = _cpu_seconds(server_pid), time.process_time()
    start = time.perf_counter()
    errors = asyncio.run(_drive(port, measured))
    elapsed = time.perf_counter() - start
    return {
        "requests": count,
        "seconds": elapsed,
        "rps": count / elapsed,
        "server_cpu_us_per_request": (_cpu_seconds(server_pid) - server_cpu) / count * 1e6,
        "client_cpu_us_per_request": (time.process_time() - client_cpu) / count * 1e6,
        "errors": len(errors),
        "error_statuses": sorted(set(errors)),
    }


# -- the orchestration ---------------------------------------------------------------


class Server:
    """A server in a subprocess that prints its port and serves until stdin closes."""

    def __init__(self, name: str, source: str, *args: str) -> None:
        self.name = name
        self.process = subprocess.Popen(
            [sys.executable, "-c", source, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.strip().isdigit():
            self.stop()
            raise RuntimeError(f"{name} server did not start (printed {line!r})")
        self.port = int(line)
        self.pid = self.process.pid

    def peak_rss_mib(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM in /proc status")

    def has_contact(self, email: str) -> bool:
        """Whether the emulator's control plane knows the contact."""
        query = urllib.parse.urlencode({"team_id": TEAM, "email": email})
        url = f"http://127.0.0.1:{self.port}/_emulator/contacts?{query}"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return bool(response.status == 200)
        except urllib.error.HTTPError:
            return False

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def run_load(
    server: Server, first: int, warmup: int, count: int, plan: str = "pro"
) -> dict[str, Any]:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--load",
            json.dumps([server.port, server.pid, first, warmup, count, plan]),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    if result["errors"]:
        raise RuntimeError(f"{server.name}: {result['errors']} errors {result['error_statuses']}")
    return result


def main() -> None:
    started = time.perf_counter()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="sendx-bench-") as tmp:
        db = os.path.join(tmp, "emulator.db")
        hello = Server("hello", HELLO_SERVER)
        emulator = Server("emulator", EMULATOR_SERVER, db, TEAM, KEY)
        try:
            rounds: dict[str, list[dict[str, Any]]] = {
                "hello": [],
                "emulator": [],
                "emulator_update": [],
            }
            next_contact = 0
            for number in range(ROUNDS):
                rounds["hello"].append(run_load(hello, 0, WARMUP, MEASURED))
                # New contacts: an insert, a tag and a field, three events each.
                rounds["emulator"].append(run_load(emulator, next_contact, WARMUP, MEASURED))
                next_contact += WARMUP + MEASURED
                # Existing contacts (the first round's): a new Plan, one event each.
                rounds["emulator_update"].append(
                    run_load(emulator, 0, WARMUP, MEASURED, plan=f"plan-{number}")
                )
                print(
                    f"  round: hello {rounds['hello'][-1]['rps']:,.0f} req/s, "
                    f"emulator {rounds['emulator'][-1]['rps']:,.0f} req/s (new contacts), "
                    f"{rounds['emulator_update'][-1]['rps']:,.0f} req/s (updates)",
                    flush=True,
                )
            # The rounds may have made enough contacts already; then nothing to add.
            fill_count = max(0, CONTACTS_FOR_MEMORY - next_contact)
            fill_rps = None
            if fill_count:
                fill_rps = run_load(emulator, next_contact, 0, fill_count)["rps"]
            contacts = next_contact + fill_count
            # Read before anything else asks the emulator for work.
            peak_mib = emulator.peak_rss_mib()
            hello_peak_mib = hello.peak_rss_mib()
            stored = all(emulator.has_contact(identify_email(n)) for n in (0, contacts - 1))
            if not stored:
                raise RuntimeError("the emulator lost contacts it answered 200 for")
        finally:
            emulator.stop()
            hello.stop()
        # The database and its write-ahead log, as left after a clean stop.
        db_mib = (
            sum(os.path.getsize(path) for path in (db, db + "-wal") if os.path.exists(path)) / 2**20
        )

    def summary(name: str) -> dict[str, Any]:
        runs = rounds[name]
        return {
            "rps_median": statistics.median(r["rps"] for r in runs),
            "rps_runs": [round(r["rps"], 1) for r in runs],
            "server_cpu_us_per_request": statistics.median(
                r["server_cpu_us_per_request"] for r in runs
            ),
            "client_cpu_us_per_request": statistics.median(
                r["client_cpu_us_per_request"] for r in runs
            ),
        }

    result: dict[str, Any] = {
        "benchmark": "emulator identify throughput vs ASGI hello-world, same stack, same run",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "settings": {
            "in_flight": IN_FLIGHT,
            "connections": IN_FLIGHT,
            "keep_alive": True,
            "rounds": ROUNDS,
            "warmup_requests": WARMUP,
            "measured_requests": MEASURED,
            "database": "SQLite file in a temporary directory",
            "server_stack": "uvicorn, httptools, asyncio loop",
        },
        "hello": summary("hello"),
        "emulator": summary("emulator"),
        "emulator_update": summary("emulator_update"),
        "memory": {
            "contacts": contacts,
            "emulator_peak_rss_mib": round(peak_mib, 1),
            "hello_peak_rss_mib": round(hello_peak_mib, 1),
            "fill_rps": None if fill_rps is None else round(fill_rps, 1),
        },
        "database_mib_after_stop": round(db_mib, 1),
        "wall_seconds": round(time.perf_counter() - started, 1),
        # Other work on the machine skews req/s; CPU per request is steadier.
        "load_average_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
    }
    ratio = result["emulator"]["rps_median"] / result["hello"]["rps_median"]
    cpu_ratio = (
        result["hello"]["server_cpu_us_per_request"]
        / result["emulator"]["server_cpu_us_per_request"]
    )
    result["ratio"] = round(ratio, 3)
    result["update_ratio"] = round(
        result["emulator_update"]["rps_median"] / result["hello"]["rps_median"], 3
    )
    result["cpu_ratio"] = round(cpu_ratio, 3)
    result["target_ratio"] = TARGET_RATIO
    result["meets_target"] = ratio >= TARGET_RATIO
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    h, e, u = result["hello"], result["emulator"], result["emulator_update"]
    print(
        f"hello-world baseline: {h['rps_median']:,.0f} req/s "
        f"(server {h['server_cpu_us_per_request']:.0f} us CPU/request)\n"
        f"emulator identify:    {e['rps_median']:,.0f} req/s "
        f"(server {e['server_cpu_us_per_request']:.0f} us CPU/request), new contacts\n"
        f"emulator identify:    {u['rps_median']:,.0f} req/s "
        f"(server {u['server_cpu_us_per_request']:.0f} us CPU/request), updates "
        f"({result['update_ratio']:.2f}x)\n"
        f"ratio: {ratio:.2f}x (target >= {TARGET_RATIO}x: "
        f"{'met' if result['meets_target'] else 'NOT met'}); "
        f"server CPU per request: {cpu_ratio:.2f}x of the baseline's speed\n"
        f"load average before/after: {result['load_average_before_after']}\n"
        f"peak RSS of the emulator after {contacts:,} contacts: "
        f"{peak_mib:.0f} MiB (hello-world: {hello_peak_mib:.0f} MiB)\n"
        f"written to {RESULTS.relative_to(HERE.parent)}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.load:
        print(json.dumps(load(*json.loads(options.load))))
    else:
        main()
