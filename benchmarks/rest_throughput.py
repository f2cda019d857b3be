"""REST API throughput: contact create and get against v1 identify and a hello-world,
all in the same run.

The stack, the load and the method are ``emulator_throughput.py``'s (same servers,
32 requests in flight over 32 keep-alive connections from a third process, rounds
alternating between the series so that noise hits them alike). The series:

- ``hello``: the ASGI hello-world on the same uvicorn/httptools stack (the baseline);
- ``v1_identify``: v1 identify of new contacts (name, tag, custom field);
- ``rest_create``: ``POST /api/v1/rest/contact`` of new contacts (name, tag and custom
  field by id, as SendX's REST API names them), 201 each;
- ``rest_get``: ``GET /api/v1/rest/contact/{id}`` of the contacts just created.

Target (issue 13): REST get and create at least 0.4x the hello-world's requests per
second. Run: ``.venv/bin/python benchmarks/rest_throughput.py`` (about a minute). Prints
a summary and writes ``benchmarks/results/rest_throughput.json``.
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
import urllib.request
from pathlib import Path
from typing import Any

from emulator_throughput import (
    EMULATOR_SERVER,
    HELLO_SERVER,
    IN_FLIGHT,
    KEY,
    TEAM,
    Server,
    _cpu_seconds,
    _drive,
    identify_request,
)

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "rest_throughput.json"

ROUNDS = 5
WARMUP = 2_000
MEASURED = 10_000
TARGET_RATIO = 0.4


def _request(port: int, method: str, path: str, body: bytes = b"") -> bytes:
    head = (
        f"{method} /api/v1/rest{path} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        f"X-Team-ApiKey: {KEY}\r\n"
        "Accept: application/json\r\n"
    )
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + body


def create_request(port: int, n: int, tag_id: str, field_key: str) -> bytes:
    """A contact like v1's identify makes: a name, a tag and a custom field."""
    body = json.dumps(
        {
            "email": f"rest{n}@bench.example",
            "firstName": "User",
            "tags": [tag_id],
            "customFields": {field_key: "pro"},
        }
    ).encode()
    return _request(port, "POST", "/contact", body)


# -- the load generator (its own process): raw requests from a file -----------------


def load(port: int, server_pid: int, path: str, warmup: int) -> dict[str, Any]:
    """Send the file's requests (a JSON list of latin-1 strings): the first ``warmup``
    untimed, then the rest timed."""
    requests = [r.encode("latin-1") for r in json.loads(Path(path).read_text())]
    asyncio.run(_drive(port, requests[:warmup]))
    measured = requests[warmup:]
    server_cpu = _cpu_seconds(server_pid)
    start = time.perf_counter()
    errors = asyncio.run(_drive_any(port, measured))
    elapsed = time.perf_counter() - start
    return {
        "requests": len(measured),
        "rps": len(measured) / elapsed,
        "server_cpu_us_per_request": (_cpu_seconds(server_pid) - server_cpu) / len(measured) * 1e6,
        "errors": len(errors),
    }


async def _drive_any(port: int, requests: list[bytes]) -> list[int]:
    # 201 is a success here too: _drive counts anything but 200 as an error.
    errors = await _drive(port, requests)
    return [status for status in errors if status != 201]


def _run(server: Server, requests: list[bytes], warmup: int, tmp: str) -> dict[str, Any]:
    path = os.path.join(tmp, "requests.json")
    Path(path).write_text(json.dumps([r.decode("latin-1") for r in requests]))
    out = subprocess.run(
        [sys.executable, __file__, "--load", json.dumps([server.port, server.pid, path, warmup])],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    if result["errors"]:
        raise RuntimeError(f"{server.name}: {result['errors']} errors")
    return result


def _rest_json(port: int, method: str, path: str, body: Any = None) -> Any:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/rest{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"X-Team-ApiKey": KEY, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _contact_ids(port: int, offset: int, count: int) -> list[str]:
    """The ids of ``count`` contacts from ``offset`` (creation order), by pages."""
    ids: list[str] = []
    while len(ids) < count:
        page = _rest_json(port, "GET", f"/contact?offset={offset + len(ids)}&limit=100")
        for contact in page[: count - len(ids)]:
            if not contact["email"].startswith("rest"):
                raise RuntimeError(f"not a contact of the REST series: {contact['email']}")
            ids.append(contact["id"])
    return ids


def main() -> None:
    started = time.perf_counter()
    load_before = os.getloadavg()
    series: dict[str, list[dict[str, Any]]] = {
        "hello": [],
        "v1_identify": [],
        "rest_create": [],
        "rest_get": [],
    }
    with tempfile.TemporaryDirectory(prefix="sendx-bench-") as tmp:
        hello = Server("hello", HELLO_SERVER)
        emulator = Server("emulator", EMULATOR_SERVER, os.path.join(tmp, "e.db"), TEAM, KEY)
        try:
            port = emulator.port
            tag_id = _rest_json(port, "POST", "/tag", {"name": "bench"})["id"]
            field_id = _rest_json(port, "POST", "/customfield", {"name": "Plan", "type": 0})["id"]
            field_key = "field_" + field_id[len("custom_field_") :]
            per_round = WARMUP + MEASURED
            for number in range(ROUNDS):
                first = number * per_round
                hello_requests = [identify_request(hello.port, n, "pro") for n in range(per_round)]
                series["hello"].append(_run(hello, hello_requests, WARMUP, tmp))
                v1 = [identify_request(port, n, "pro") for n in range(first, first + per_round)]
                series["v1_identify"].append(_run(emulator, v1, WARMUP, tmp))
                creates = [
                    create_request(port, n, tag_id, field_key)
                    for n in range(first, first + per_round)
                ]
                series["rest_create"].append(_run(emulator, creates, WARMUP, tmp))
                # Each round makes per_round v1 contacts, then per_round REST ones.
                ids = _contact_ids(port, (2 * number + 1) * per_round, per_round)
                gets = [_request(port, "GET", f"/contact/{contact_id}") for contact_id in ids]
                series["rest_get"].append(_run(emulator, gets, WARMUP, tmp))
                print(
                    "  round: "
                    + ", ".join(
                        f"{name} {runs[-1]['rps']:,.0f} req/s" for name, runs in series.items()
                    ),
                    flush=True,
                )
        finally:
            emulator.stop()
            hello.stop()

    def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "rps_median": statistics.median(r["rps"] for r in runs),
            "rps_runs": [round(r["rps"], 1) for r in runs],
            "server_cpu_us_per_request": statistics.median(
                r["server_cpu_us_per_request"] for r in runs
            ),
        }

    summaries = {name: summary(runs) for name, runs in series.items()}
    baseline = summaries["hello"]["rps_median"]
    ratios = {name: round(s["rps_median"] / baseline, 3) for name, s in summaries.items()}
    result = {
        "benchmark": "REST create and get vs v1 identify and an ASGI hello-world, same run",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "settings": {
            "in_flight": IN_FLIGHT,
            "rounds": ROUNDS,
            "warmup_requests": WARMUP,
            "measured_requests": MEASURED,
        },
        **summaries,
        "ratios": ratios,
        "target_ratio": TARGET_RATIO,
        "meets_target": min(ratios["rest_create"], ratios["rest_get"]) >= TARGET_RATIO,
        "wall_seconds": round(time.perf_counter() - started, 1),
        "load_average_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    for name, s in summaries.items():
        print(
            f"{name:12} {s['rps_median']:9,.0f} req/s  {ratios[name]:.2f}x  "
            f"(server {s['server_cpu_us_per_request']:.0f} us CPU/request)"
        )
    print(
        f"target: REST create and get >= {TARGET_RATIO}x the hello-world: "
        f"{'met' if result['meets_target'] else 'NOT met'}\n"
        f"load average before/after: {result['load_average_before_after']}\n"
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
