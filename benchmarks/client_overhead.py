"""Client overhead: sendx against raw urllib3 / aiohttp, baselines in the same run.

The server (``_echo_server.py``, a minimal asyncio keep-alive server answering the
identify envelope) runs in its own process, so its CPU is not counted. Then:

(a) sequential identify, CPU time per request of this process (``time.process_time``):
    ``SendX.contacts.identify`` against a raw urllib3 ``HTTPConnectionPool`` POSTing the
    same bytes with the same headers, reading the body and ``json.loads``-ing it.
    Target: at most 1.15x.
(b) the same with ``swagger_client.ContactApi().contact_identify_post`` (the drop-in
    replacement), when it is importable. Target: at most 1.3x raw urllib3.
(c) 32 requests in flight, requests per second: ``AsyncSendX`` against a raw aiohttp
    ``ClientSession`` doing the same. Target: at least 0.85x.
(d) ``import sendx``: wall time of ``python -c "import sendx"`` over ``python -c pass``,
    median of 10 interleaved runs each. Target: at most 40 ms.

Each contender warms up, then many short rounds interleave a contender and its
baseline (alternating which goes first), so that noise on a shared machine hits both.
Absolute figures are medians over rounds; each ratio is the median over rounds of the
ratio within a round, whose runs saw nearly the same load.

Run: ``.venv/bin/python benchmarks/client_overhead.py [--quick]`` (about a minute).
Prints a table and writes ``benchmarks/results/client_overhead.json``.
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

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "client_overhead.json"
KEY, TEAM = "bench-key", "bench-team"
EMAIL = "john.doe@gmail.com"
TARGETS = {"sync": 1.15, "swagger": 1.3, "async": 0.85, "import_ms": 40.0}


def start_server() -> tuple[subprocess.Popen[str], int]:
    """The echo server in its own process; its port."""
    process = subprocess.Popen(
        [sys.executable, str(HERE / "_echo_server.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    port = int(process.stdout.readline())
    return process, port


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


# -- (a), (b): sequential, CPU per request ----------


def sync_contenders(port: int) -> dict[str, Callable[[int], float]]:
    """Each contender runs n identifies and returns CPU seconds per request."""
    import urllib3

    import sendx
    from sendx.resources.contacts import identify_call

    base_url = f"http://127.0.0.1:{port}/api/v1"
    body = identify_call(EMAIL).body
    with sendx.SendX(KEY, TEAM, base_url=base_url) as probe:
        headers = dict(probe._shell.endpoint.headers)  # exactly what sendx sends
    target = f"/api/v1/contact/identify?team_id={TEAM}"

    def measure(
        setup: Callable[[], tuple[Callable[[], Any], Callable[[], None]]],
    ) -> Callable[[int], float]:
        def run(n: int) -> float:
            call, close = setup()
            for _ in range(50):  # warm the connection and caches
                call()
            started = time.process_time()
            for _ in range(n):
                call()
            elapsed = time.process_time() - started
            close()
            return elapsed / n

        return run

    def setup_sendx() -> tuple[Callable[[], Any], Callable[[], None]]:
        client = sendx.SendX(KEY, TEAM, base_url=base_url)
        identify = client.contacts.identify
        return (lambda: identify(EMAIL)), client.close

    def setup_urllib3() -> tuple[Callable[[], Any], Callable[[], None]]:
        pool = urllib3.HTTPConnectionPool("127.0.0.1", port, maxsize=10, block=True, retries=False)
        timeout = urllib3.Timeout(connect=5.0, read=30.0)

        def call() -> Any:
            response = pool.urlopen("POST", target, body=body, headers=headers, timeout=timeout)
            if response.status != 200:
                raise RuntimeError(response.status)
            return json.loads(response.data)

        return call, pool.close

    contenders = {"SendX": measure(setup_sendx), "raw urllib3": measure(setup_urllib3)}
    try:
        import swagger_client
    except ImportError:
        return contenders

    def setup_swagger() -> tuple[Callable[[], Any], Callable[[], None]]:
        api_client = swagger_client.ApiClient(host=base_url)
        api = swagger_client.ContactApi(api_client)
        request = swagger_client.ContactRequest(email=EMAIL)

        def close() -> None:
            pool = getattr(api_client, "close", None)
            if callable(pool):
                pool()

        return (lambda: api.contact_identify_post(KEY, TEAM, request)), close

    contenders["swagger_client"] = measure(setup_swagger)
    return contenders


# -- (c): 32 in flight, requests per second ----------


async def _drive(call: Callable[[], Any], total: int, in_flight: int) -> tuple[float, float]:
    """Run ``total`` calls, ``in_flight`` at a time; (requests/s, CPU s per request)."""
    remaining = total

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await call()

    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return total / wall, cpu / total


def async_contenders(port: int, in_flight: int) -> dict[str, Callable[[int], tuple[float, float]]]:
    import aiohttp

    import sendx
    from sendx.resources.contacts import identify_call

    base_url = f"http://127.0.0.1:{port}/api/v1"
    body = identify_call(EMAIL).body
    with sendx.SendX(KEY, TEAM, base_url=base_url) as probe:
        headers = dict(probe._shell.endpoint.headers)
    url = f"http://127.0.0.1:{port}/api/v1/contact/identify?team_id={TEAM}"

    def run_sendx(n: int) -> tuple[float, float]:
        async def go() -> tuple[float, float]:
            async with sendx.AsyncSendX(KEY, TEAM, base_url=base_url) as client:
                identify = client.contacts.identify
                await _drive(lambda: identify(EMAIL), 200, in_flight)  # warm-up
                return await _drive(lambda: identify(EMAIL), n, in_flight)

        return asyncio.run(go())

    def run_aiohttp(n: int) -> tuple[float, float]:
        async def go() -> tuple[float, float]:
            timeout = aiohttp.ClientTimeout(total=None, sock_connect=5, sock_read=30)
            connector = aiohttp.TCPConnector(limit=100)
            async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

                async def call() -> Any:
                    async with session.post(url, data=body, headers=headers) as response:
                        if response.status != 200:
                            raise RuntimeError(response.status)
                        return json.loads(await response.read())

                await _drive(call, 200, in_flight)
                return await _drive(call, n, in_flight)

        return asyncio.run(go())

    return {"AsyncSendX": run_sendx, "raw aiohttp": run_aiohttp}


# -- (d): import time ----------


def import_times(runs: int) -> dict[str, Any]:
    """Median wall time of ``import sendx`` over a bare interpreter, plus the
    in-process cumulative time ``-X importtime`` reports for ``sendx``.

    Bytecode caching is on, as after any ``pip install`` (this machine's environment
    may set PYTHONDONTWRITEBYTECODE, which would time the compiler instead); the
    first, cache-filling runs are not counted.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    commands = {"bare": "pass", "sendx": "import sendx"}

    def wall(code: str) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        return time.perf_counter() - started

    def cumulative_ms() -> float | None:
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import sendx"],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stderr
        match = re.search(r"\|\s*(\d+)\s*\|\s*sendx\s*$", out, re.MULTILINE)
        return int(match.group(1)) / 1000.0 if match else None

    for code in commands.values():  # fill the bytecode caches
        wall(code)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, code in commands.items():
            samples[name].append(wall(code))
    cumulative = [ms for ms in (cumulative_ms() for _ in range(runs)) if ms is not None]
    bare, with_sendx = statistics.median(samples["bare"]), statistics.median(samples["sendx"])
    return {
        "bare_interpreter_ms": bare * 1000,
        "with_import_sendx_ms": with_sendx * 1000,
        "import_sendx_ms": (with_sendx - bare) * 1000,
        "importtime_cumulative_ms": statistics.median(cumulative) if cumulative else None,
        "runs": runs,
    }


# -- the run ----------


def interleave(
    contenders: dict[str, Callable[[int], Any]], rounds: int, n: int
) -> dict[str, list[Any]]:
    """``rounds`` runs of each contender, one of each per round, so that each round is
    a pair (or triple) measured under the same load."""
    samples: dict[str, list[Any]] = {name: [] for name in contenders}
    for round_number in range(rounds):
        # Alternate the order too, so neither side always runs first.
        order = list(contenders.items())
        if round_number % 2:
            order.reverse()
        for name, run in order:
            samples[name].append(run(n))
    return samples


def paired_ratio(ours: list[float], baseline: list[float]) -> float:
    """The median over rounds of ours / baseline within each round: the load of a
    shared machine drifts, and a round's two runs see nearly the same load."""
    return statistics.median(a / b for a, b in zip(ours, baseline, strict=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, for a smoke run")
    args = parser.parse_args()
    # (rounds, requests per round) for the sequential and the concurrent part: many
    # short rounds, so that the median sees past bursts of load from other processes.
    if args.quick:
        sync_plan, async_plan, import_runs = (3, 300), (3, 1000), 3
    else:
        sync_plan, async_plan, import_runs = (15, 1000), (21, 2000), 10

    process, port = start_server()
    try:
        sync_samples = interleave(sync_contenders(port), *sync_plan)
        async_samples = interleave(async_contenders(port, 32), *async_plan)
    finally:
        stop_server(process)
    imports = import_times(import_runs)

    sync_us = {name: statistics.median(values) * 1e6 for name, values in sync_samples.items()}
    rps = {name: statistics.median(v[0] for v in values) for name, values in async_samples.items()}
    async_cpu_us = {
        name: statistics.median(v[1] for v in values) * 1e6
        for name, values in async_samples.items()
    }
    raw_sync = sync_samples["raw urllib3"]
    async_rps = {name: [v[0] for v in values] for name, values in async_samples.items()}
    async_cpu = {name: [v[1] for v in values] for name, values in async_samples.items()}
    results: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "load_average_at_end": os.getloadavg(),
        "sequential": {
            "rounds": sync_plan[0],
            "requests_per_round": sync_plan[1],
            "cpu_us_per_request": sync_us,
            "sendx_ratio": paired_ratio(sync_samples["SendX"], raw_sync),
            "swagger_ratio": (
                paired_ratio(sync_samples["swagger_client"], raw_sync)
                if "swagger_client" in sync_samples
                else None
            ),
            "samples_us": {k: [round(x * 1e6, 1) for x in v] for k, v in sync_samples.items()},
        },
        "concurrent": {
            "in_flight": 32,
            "rounds": async_plan[0],
            "requests_per_round": async_plan[1],
            "requests_per_second": rps,
            "cpu_us_per_request": async_cpu_us,
            "ratio": paired_ratio(async_rps["AsyncSendX"], async_rps["raw aiohttp"]),
            "cpu_ratio": paired_ratio(async_cpu["AsyncSendX"], async_cpu["raw aiohttp"]),
            "samples_rps": {k: [round(x) for x in v] for k, v in async_rps.items()},
        },
        "import": imports,
        "targets": TARGETS,
    }
    checks = {
        "sync": results["sequential"]["sendx_ratio"] <= TARGETS["sync"],
        "swagger": (
            None
            if results["sequential"]["swagger_ratio"] is None
            else results["sequential"]["swagger_ratio"] <= TARGETS["swagger"]
        ),
        "async": results["concurrent"]["ratio"] >= TARGETS["async"],
        "import": imports["import_sendx_ms"] <= TARGETS["import_ms"],
    }
    results["met"] = checks
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    return 0


def _mark(ok: bool | None) -> str:
    return "n/a" if ok is None else ("ok" if ok else "MISSED")


def print_table(r: dict[str, Any]) -> None:
    seq, con, imp, met = r["sequential"], r["concurrent"], r["import"], r["met"]
    us = seq["cpu_us_per_request"]
    print(
        f"client overhead, {r['date']}, {r['machine']['cpus']} CPUs, "
        f"Python {r['machine']['python']}"
    )
    print(f"{'measure':<44} {'sendx':>12} {'baseline':>12} {'ratio':>7} {'target':>8}  met")
    print(
        f"{'(a) sequential identify, CPU us/request':<44} {us['SendX']:>12.0f} "
        f"{us['raw urllib3']:>12.0f} {seq['sendx_ratio']:>7.2f} {'<= 1.15':>8}  "
        f"{_mark(met['sync'])}"
    )
    if seq["swagger_ratio"] is not None:
        print(
            f"{'(b) swagger_client identify, CPU us/request':<44} {us['swagger_client']:>12.0f} "
            f"{us['raw urllib3']:>12.0f} {seq['swagger_ratio']:>7.2f} {'<= 1.3':>8}  "
            f"{_mark(met['swagger'])}"
        )
    else:
        print(f"{'(b) swagger_client':<44} {'not importable: skipped':>34}")
    rps, cpu = con["requests_per_second"], con["cpu_us_per_request"]
    print(
        f"{'(c) 32 in flight, requests/s':<44} {rps['AsyncSendX']:>12.0f} "
        f"{rps['raw aiohttp']:>12.0f} {con['ratio']:>7.2f} {'>= 0.85':>8}  {_mark(met['async'])}"
    )
    print(
        f"{'    (CPU us/request)':<44} {cpu['AsyncSendX']:>12.0f} {cpu['raw aiohttp']:>12.0f} "
        f"{con['cpu_ratio']:>7.2f}"
    )
    print(
        f"{'(d) import sendx, ms over bare interpreter':<44} {imp['import_sendx_ms']:>12.1f} "
        f"{imp['bare_interpreter_ms']:>12.1f} {'':>7} {'<= 40':>8}  {_mark(met['import'])}"
    )
    if imp["importtime_cumulative_ms"] is not None:
        print(
            f"{'    (-X importtime, cumulative ms)':<44} {imp['importtime_cumulative_ms']:>12.1f}"
        )
    print(f"written to {RESULTS.relative_to(HERE.parent)}")


if __name__ == "__main__":
    sys.exit(main())
