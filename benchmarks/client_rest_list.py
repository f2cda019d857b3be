"""Listing contacts over REST: ``client.contacts.list()`` against raw urllib3 + json
paging the same server with the same page size, in the same run; and what ``import
sendx`` costs and loads.

The server (``_pages_server.py``, its own process, so its CPU is not counted) holds
20,000 contacts shaped as the emulator answers them and serves each page pre-encoded.
Then:

(a) rows per second reading all 20,000 contacts: ``for contact in
    client.contacts.list()`` on a ``SendX`` (pages of 100, each decoded into frozen
    ``ContactRecord`` models), against an urllib3 ``HTTPConnectionPool`` that GETs the
    same pages with the same headers, ``json.loads`` each one into dicts and stops at
    the first short page. Target: at least 0.9x.
(b) the same on ``AsyncSendX`` (``async for``) against a raw aiohttp ``ClientSession``
    doing the same: for information (no target).
(c) ``import sendx``: wall time of ``python -c "import sendx"`` over ``python -c
    pass``, the median over pairs of runs of the difference within a pair (bytecode
    cached; the pairs alternate which goes first), and the cumulative time ``-X
    importtime`` gives ``sendx`` in the process. Target: under 30 ms. And which modules
    of the REST API are loaded by ``import sendx`` (target: none), by building a client,
    and by its first REST call.

Rounds interleave each contender with its baseline, alternating which goes first; each
ratio is the median over rounds of the ratio within a round (see ``client_overhead.py``).

Run: ``.venv/bin/python benchmarks/client_rest_list.py [--quick]`` (about 30 s).
Prints a table and writes ``benchmarks/results/client_rest_list.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from client_overhead import interleave, paired_ratio

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "client_rest_list.json"
KEY = "bench-key"
CONTACTS = 20_000
PAGE = 100
TARGETS = {"sync": 0.9, "import_ms": 30.0}

#: The modules of the REST API: none may load with ``import sendx``.
REST_MODULES = (
    "sendx._paging",
    "sendx.resources._rest",
    "sendx.resources._names",
    "sendx.resources.rest_contacts",
    "sendx.resources.lists",
)


def start_server(count: int) -> tuple[subprocess.Popen[str], int]:
    """The pages server in its own process; its port."""
    process = subprocess.Popen(
        [sys.executable, str(HERE / "_pages_server.py"), str(count)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    return process, int(process.stdout.readline())


def stop_server(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    process.stdin.close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()


def _headers(rest_base_url: str) -> dict[str, str]:
    """Exactly the headers sendx sends to the REST API."""
    import sendx

    with sendx.SendX(KEY, rest_base_url=rest_base_url) as probe:
        return dict(probe._shell.rest_endpoint.headers)


def sync_contenders(port: int, count: int) -> dict[str, Callable[[int], tuple[float, float]]]:
    """Each contender reads every contact once per run; returns (rows per second, CPU
    seconds per row)."""
    import urllib3

    import sendx

    rest_base_url = f"http://127.0.0.1:{port}/api/v1/rest"
    headers = _headers(rest_base_url)

    def measure(read: Callable[[], int]) -> Callable[[int], tuple[float, float]]:
        def run(_: int) -> tuple[float, float]:
            cpu, wall = time.process_time(), time.perf_counter()
            rows = read()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if rows != count:
                raise RuntimeError(f"read {rows} rows, not {count}")
            return rows / wall, cpu / rows

        return run

    client = sendx.SendX(KEY, rest_base_url=rest_base_url)
    pool = urllib3.HTTPConnectionPool("127.0.0.1", port, maxsize=10, block=True, retries=False)
    timeout = urllib3.Timeout(connect=5.0, read=30.0)

    def read_sendx() -> int:
        rows = 0
        for contact in client.contacts.list():
            rows += 1
            del contact
        return rows

    def read_urllib3() -> int:
        rows, offset = 0, 0
        while True:
            target = f"/api/v1/rest/contact?offset={offset}&limit={PAGE}"
            response = pool.urlopen("GET", target, headers=headers, timeout=timeout)
            if response.status != 200:
                raise RuntimeError(response.status)
            page = json.loads(response.data)
            for contact in page:
                rows += 1
                del contact
            if len(page) < PAGE:
                return rows
            offset += len(page)

    read_sendx()  # warm the connections, the decoders and the server's page cache
    read_urllib3()
    return {"SendX": measure(read_sendx), "raw urllib3": measure(read_urllib3)}


def async_contenders(port: int, count: int) -> dict[str, Callable[[int], tuple[float, float]]]:
    """The same with ``AsyncSendX`` and aiohttp; each run in its own event loop."""
    import aiohttp

    import sendx

    rest_base_url = f"http://127.0.0.1:{port}/api/v1/rest"
    headers = _headers(rest_base_url)

    async def read_sendx() -> int:
        rows = 0
        async with sendx.AsyncSendX(KEY, rest_base_url=rest_base_url) as client:
            async for contact in client.contacts.list():
                rows += 1
                del contact
        return rows

    async def read_aiohttp() -> int:
        rows, offset = 0, 0
        async with aiohttp.ClientSession() as session:
            while True:
                url = f"{rest_base_url}/contact?offset={offset}&limit={PAGE}"
                async with session.get(url, headers=headers) as response:
                    if response.status != 200:
                        raise RuntimeError(response.status)
                    page = json.loads(await response.read())
                for contact in page:
                    rows += 1
                    del contact
                if len(page) < PAGE:
                    return rows
                offset += len(page)

    def measure(read: Callable[[], Any]) -> Callable[[int], tuple[float, float]]:
        def run(_: int) -> tuple[float, float]:
            cpu, wall = time.process_time(), time.perf_counter()
            rows = asyncio.run(read())
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if rows != count:
                raise RuntimeError(f"read {rows} rows, not {count}")
            return rows / wall, cpu / rows

        return run

    asyncio.run(read_sendx())
    asyncio.run(read_aiohttp())
    return {"AsyncSendX": measure(read_sendx), "raw aiohttp": measure(read_aiohttp)}


def import_cost(runs: int) -> dict[str, Any]:
    """What ``import sendx`` adds to a bare interpreter, in wall time (pairs of runs)
    and as ``-X importtime`` counts it. As after ``pip install``, bytecode is cached
    (this machine may set PYTHONDONTWRITEBYTECODE, which would time the compiler)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def wall(code: str) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        return time.perf_counter() - started

    def cumulative_ms() -> float:
        err = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import sendx"],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stderr
        match = re.search(r"\|\s*(\d+)\s*\|\s*sendx\s*$", err, re.MULTILINE)
        assert match, "no sendx line in -X importtime's output"
        return int(match.group(1)) / 1000.0

    wall("import sendx")  # fill the bytecode cache
    differences, bare = [], []
    for run in range(runs):
        if run % 2:
            with_sendx, alone = wall("import sendx"), wall("pass")
        else:
            alone, with_sendx = wall("pass"), wall("import sendx")
        differences.append((with_sendx - alone) * 1000)
        bare.append(alone * 1000)
    return {
        "import_sendx_ms": statistics.median(differences),
        "bare_interpreter_ms": statistics.median(bare),
        "importtime_cumulative_ms": statistics.median(cumulative_ms() for _ in range(runs)),
        "samples_ms": [round(ms, 1) for ms in differences],
    }


def loaded_modules() -> dict[str, list[str]]:
    """The REST modules loaded after ``import sendx``, after building a client, and
    after its first REST call (in a fresh interpreter each)."""
    steps = {
        "import sendx": "import sendx",
        "SendX()": "import sendx; sendx.SendX('k', 't').close()",
        "first REST call": (
            "import sendx\n"
            "with sendx.SendX('k', rest_base_url='http://127.0.0.1:9/api/v1/rest') as c:\n"
            "    c.contacts.list()"
        ),
    }
    found = {}
    for step, code in steps.items():
        script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        ).stdout
        loaded = set(json.loads(out))
        found[step] = [name for name in REST_MODULES if name in loaded]
    return found


def summarise(
    samples: dict[str, list[tuple[float, float]]], ours: str, base: str
) -> dict[str, Any]:
    rows = {name: [value[0] for value in values] for name, values in samples.items()}
    cpu = {name: [value[1] for value in values] for name, values in samples.items()}
    return {
        "rows_per_second": {name: statistics.median(values) for name, values in rows.items()},
        "cpu_us_per_row": {name: statistics.median(values) * 1e6 for name, values in cpu.items()},
        "ratio": paired_ratio(rows[ours], rows[base]),
        "cpu_ratio": paired_ratio(cpu[ours], cpu[base]),
        "samples_rows_per_second": {k: [round(x) for x in v] for k, v in rows.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, for a smoke run")
    args = parser.parse_args()
    rounds, import_runs = (5, 5) if args.quick else (31, 31)

    process, port = start_server(CONTACTS)
    try:
        sync = interleave(sync_contenders(port, CONTACTS), rounds, 0)
        concurrent = interleave(async_contenders(port, CONTACTS), rounds, 0)
    finally:
        stop_server(process)
    imports = import_cost(import_runs)
    loaded = loaded_modules()

    results: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "load_average_at_end": os.getloadavg(),
        "contacts": CONTACTS,
        "page_size": PAGE,
        "rounds": rounds,
        "sync": summarise(sync, "SendX", "raw urllib3"),
        "async": summarise(concurrent, "AsyncSendX", "raw aiohttp"),
        "import": imports,
        "rest_modules_loaded": loaded,
        "targets": TARGETS,
    }
    results["met"] = {
        "sync": results["sync"]["ratio"] >= TARGETS["sync"],
        "import": imports["import_sendx_ms"] < TARGETS["import_ms"],
        "nothing_of_rest_on_import": loaded["import sendx"] == [],
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    return 0


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def print_table(r: dict[str, Any]) -> None:
    sync, conc, imp, met = r["sync"], r["async"], r["import"], r["met"]
    print(
        f"REST listing, {r['contacts']:,} contacts in pages of {r['page_size']}, {r['date']}, "
        f"{r['machine']['cpus']} CPUs, Python {r['machine']['python']}, "
        f"load {r['load_average_at_end'][0]:.1f}"
    )
    print(f"{'measure':<46} {'sendx':>10} {'baseline':>10} {'ratio':>7} {'target':>8}  met")
    rows, cpu = sync["rows_per_second"], sync["cpu_us_per_row"]
    print(
        f"{'(a) contacts.list(), rows/s (SendX, urllib3)':<46} {rows['SendX']:>10,.0f} "
        f"{rows['raw urllib3']:>10,.0f} {sync['ratio']:>7.2f} {'>= 0.9':>8}  "
        f"{_mark(met['sync'])}"
    )
    print(
        f"{'    (CPU us/row)':<46} {cpu['SendX']:>10.1f} {cpu['raw urllib3']:>10.1f} "
        f"{sync['cpu_ratio']:>7.2f}"
    )
    rows, cpu = conc["rows_per_second"], conc["cpu_us_per_row"]
    print(
        f"{'(b) async for, rows/s (AsyncSendX, aiohttp)':<46} {rows['AsyncSendX']:>10,.0f} "
        f"{rows['raw aiohttp']:>10,.0f} {conc['ratio']:>7.2f} {'':>8}  info"
    )
    print(
        f"{'    (CPU us/row)':<46} {cpu['AsyncSendX']:>10.1f} {cpu['raw aiohttp']:>10.1f} "
        f"{conc['cpu_ratio']:>7.2f}"
    )
    print(
        f"{'(c) import sendx, ms over bare interpreter':<46} {imp['import_sendx_ms']:>10.1f} "
        f"{imp['bare_interpreter_ms']:>10.1f} {'':>7} {'< 30':>8}  {_mark(met['import'])}"
    )
    print(f"{'    (-X importtime, cumulative ms)':<46} {imp['importtime_cumulative_ms']:>10.1f}")
    for step, modules in r["rest_modules_loaded"].items():
        print(f"    REST modules loaded by {step}: {', '.join(modules) or 'none'}")
    print(f"written to {RESULTS.relative_to(HERE.parent)}")


if __name__ == "__main__":
    sys.exit(main())
