"""Bulk import throughput and memory.

1. Throughput: 6,000 rows (as issue 12 measured) imported with ``import_file`` (the
   code behind ``sendx import``) into an emulator with 20 ms of injected latency, at
   the default concurrency (32), in several rounds. Each round also runs, in the same
   minute, 32 threads sharing one ``SendX`` that identify the same rows directly (no
   file, no spool): what 32 requests in flight reach on this machine at this moment.
   Compared with
   - the bound: concurrency / latency (what 32 requests in flight could do at best),
     target: every round at least 0.85;
   - a sequential loop of ``client.contacts.identify`` (the obvious script), target
     at least 20x.
   Where the rest goes, per round: the start (until the first request), the ramp
   (until 32 are in flight), the tail (from the last answer until ``import_file``
   returns), the share of the 32 slots in use over the run, and the mean latency the
   client saw (20 ms injected, the rest is the emulator, the client and the machine's
   other work). ratio = slots used x (20 ms / mean latency).
   The emulator runs in its own process (``sendx emulator --latency-ms 20``).
2. Peak memory (``VmHWM`` of a fresh process) importing 10,000 and 1,000,000
   rows: target at most 1.2x. Sending a million rows through a 20 ms emulator would
   take over ten minutes, so this part uses a fast path: the same import (reader,
   validation, spool, outbox, workers), with the client's shell replaced by one that
   answers 2xx at once. A ``--dry-run`` pair is measured too.

Run: ``.venv/bin/python benchmarks/bulk_import.py`` (about two minutes; ``--quick``
skips the million rows). Prints a table and writes ``benchmarks/results/bulk_import.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import sendx
from sendx.bulk import Progress, import_file

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "bulk_import.json"
LATENCY_MS = 20
ROWS = 6_000
ROUNDS = 5
SEQUENTIAL_ROWS = 300
CONCURRENCY = 32  # sendx import's default
TARGETS = {"vs_bound": 0.85, "vs_sequential": 20.0, "memory_ratio": 1.2}

MEMORY_CHILD = """
import json, sys, time
import sendx
from sendx.bulk import Progress, import_file

class InstantShell:
    def request(self, call, timeout=None):
        return None

mode, path = sys.argv[1], sys.argv[2]
client = sendx.SendX("key", "team", base_url="http://127.0.0.1:9/api/v1")
client._shell = InstantShell()
started = time.perf_counter()
result = import_file(path, None if mode == "dry" else client, dry_run=mode == "dry",
                     progress=Progress(enabled=False))
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the forking parent.
with open("/proc/self/status") as status:
    hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"peak_kb": hwm,
                  "rows": result.rows, "sent": result.sent,
                  "seconds": time.perf_counter() - started}))
"""


def row_values(i: int) -> dict[str, Any]:
    """Row ``i`` of the generated file, as identify's arguments."""
    return {
        "email": f"user{i}@example.com",
        "first_name": f"First{i}",
        "last_name": "Last",
        "tags": [f"t{i % 7}", "imported"],
        "custom_fields": {"Plan": f"p{i % 3}"},
    }


def write_csv(path: Path, rows: int) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("email,first_name,last_name,tags,Plan\n")
        for i in range(rows):
            handle.write(f"user{i}@example.com,First{i},Last,t{i % 7};imported,p{i % 3}\n")


def start_emulator() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        # --quiet: nothing reads its output past the first line.
        [
            sys.executable,
            "-m",
            "sendx",
            "emulator",
            "--port",
            "0",
            "--latency-ms",
            str(LATENCY_MS),
            "--quiet",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:\d+/api/v1", line)
    if not found:
        process.kill()
        raise SystemExit(f"the emulator did not start: {line!r}")
    return process, found.group(0)


class Timeline:
    """When each request started and ended, from the client's hooks."""

    def __init__(self) -> None:
        self.starts: list[float] = []
        self.ends: list[float] = []
        self.latencies: list[float] = []

    def on_request(self, event: Any) -> None:
        self.starts.append(time.perf_counter())

    def on_response(self, event: Any) -> None:
        self.ends.append(time.perf_counter())
        self.latencies.append(event.elapsed)


def import_round(base_url: str, source: Path, team: str) -> dict[str, Any]:
    """One import of ``source``; its rate and where its time went."""
    for suffix in (".sendx-spool", ".errors.jsonl", ".failed.jsonl"):
        Path(str(source) + suffix).unlink(missing_ok=True)
    timeline = Timeline()
    with sendx.SendX(
        "key",
        team,
        base_url=base_url,
        max_connections=CONCURRENCY,
        on_request=timeline.on_request,
        on_response=timeline.on_response,
    ) as client:
        started = time.perf_counter()
        result = import_file(
            str(source), client, concurrency=CONCURRENCY, progress=Progress(enabled=False)
        )
        ended = time.perf_counter()
    if result.sent != ROWS:
        raise SystemExit(f"the import sent {result.sent} of {ROWS} rows")
    wall = ended - started
    starts = sorted(timeline.starts)
    return {
        "rows_per_s": ROWS / wall,
        "vs_bound": ROWS / wall / bound(),
        "start_ms": (starts[0] - started) * 1000,
        "ramp_ms": (starts[CONCURRENCY - 1] - starts[0]) * 1000,
        "tail_ms": (ended - max(timeline.ends)) * 1000,
        "slots_used": sum(timeline.latencies) / wall / CONCURRENCY,
        "mean_latency_ms": statistics.mean(timeline.latencies) * 1000,
    }


def raw_round(base_url: str, team: str) -> dict[str, Any]:
    """The same rows identified by 32 threads sharing one client: no file, no spool."""
    numbers = itertools.count()
    with sendx.SendX("key", team, base_url=base_url, max_connections=CONCURRENCY) as client:

        def work() -> None:
            while (i := next(numbers)) < ROWS:
                client.contacts.identify(**row_values(i))

        threads = [threading.Thread(target=work) for _ in range(CONCURRENCY)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    return {"rows_per_s": ROWS / wall, "vs_bound": ROWS / wall / bound()}


def bound() -> float:
    return CONCURRENCY / (LATENCY_MS / 1000)


def throughput(tmp: Path, rounds: int) -> dict[str, Any]:
    process, base_url = start_emulator()
    try:
        with sendx.SendX("key", "team-seq", base_url=base_url) as client:
            client.contacts.identify("warmup@example.com")
            started = time.perf_counter()
            for i in range(SEQUENTIAL_ROWS):
                client.contacts.identify(
                    f"seq{i}@example.com", first_name=f"First{i}", tags=["imported"]
                )
            sequential = SEQUENTIAL_ROWS / (time.perf_counter() - started)
        source = tmp / "rows.csv"
        write_csv(source, ROWS)
        imports: list[dict[str, Any]] = []
        raws: list[dict[str, Any]] = []
        for number in range(rounds):
            # Alternate which goes first, so that neither always meets the same load.
            order = ("import", "raw") if number % 2 == 0 else ("raw", "import")
            for kind in order:
                if kind == "import":
                    imports.append(import_round(base_url, source, f"team-import-{number}"))
                else:
                    raws.append(raw_round(base_url, f"team-raw-{number}"))
    finally:
        process.terminate()
        process.wait(30)
        if process.stdout is not None:
            process.stdout.close()
    ratios = [entry["vs_bound"] for entry in imports]
    return {
        "rows": ROWS,
        "rounds": rounds,
        "latency_ms": LATENCY_MS,
        "concurrency": CONCURRENCY,
        "bound_rows_per_s": bound(),
        "import": imports,
        "raw_32_threads": raws,
        "vs_bound_min": min(ratios),
        "vs_bound_median": statistics.median(ratios),
        "vs_raw_median": statistics.median(
            i["rows_per_s"] / r["rows_per_s"] for i, r in zip(imports, raws, strict=True)
        ),
        "sequential_rows_per_s": sequential,
        "vs_sequential": statistics.median(entry["rows_per_s"] for entry in imports) / sequential,
    }


def peak(mode: str, path: Path) -> dict[str, Any]:
    for suffix in (".sendx-spool", ".errors.jsonl", ".failed.jsonl"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_CHILD, mode, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def memory(tmp: Path, large: int) -> dict[str, Any]:
    small_path, large_path = tmp / "small.csv", tmp / "large.csv"
    write_csv(small_path, 10_000)
    write_csv(large_path, large)
    out: dict[str, Any] = {"large_rows": large}
    for mode in ("send", "dry"):
        small, big = peak(mode, small_path), peak(mode, large_path)
        out[mode] = {"small": small, "large": big, "ratio": big["peak_kb"] / small["peak_kb"]}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 rows instead of 1,000,000")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"default {ROUNDS}")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        results: dict[str, Any] = {"throughput": throughput(tmp, args.rounds)}
        results["memory"] = memory(tmp, 100_000 if args.quick else 1_000_000)
    t, m = results["throughput"], results["memory"]
    results["targets"] = TARGETS
    results["met"] = {
        "vs_bound": t["vs_bound_min"] >= TARGETS["vs_bound"],
        "vs_sequential": t["vs_sequential"] >= TARGETS["vs_sequential"],
        "memory_ratio": m["send"]["ratio"] <= TARGETS["memory_ratio"],
    }
    results["date"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    results["load_average_before_after"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    results["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count()}
    print(
        f"import of {ROWS:,} rows, {LATENCY_MS} ms latency, concurrency {CONCURRENCY}, "
        f"{args.rounds} rounds (load average {load_before:.1f} on {os.cpu_count()} cores):"
    )
    print(
        "  round  vs bound  raw 32 threads  import/raw   start    ramp    tail"
        "  slots used  mean latency"
    )
    for number, (i, r) in enumerate(zip(t["import"], t["raw_32_threads"], strict=True), 1):
        print(
            f"  {number:5}  {i['vs_bound']:8.2f}  {r['vs_bound']:14.2f}"
            f"  {i['rows_per_s'] / r['rows_per_s']:10.2f}  {i['start_ms']:4.0f} ms"
            f"  {i['ramp_ms']:3.0f} ms  {i['tail_ms']:3.0f} ms  {i['slots_used']:9.1%}"
            f"  {i['mean_latency_ms']:9.1f} ms"
        )
    print(
        f"  vs bound ({t['bound_rows_per_s']:,.0f} rows/s): min {t['vs_bound_min']:.2f}, "
        f"median {t['vs_bound_median']:.2f} (target: every round >= {TARGETS['vs_bound']}); "
        f"import / raw 32 threads, median {t['vs_raw_median']:.2f}"
    )
    print(
        f"  sequential identify loop  {t['sequential_rows_per_s']:9,.0f} rows/s"
        f"   ratio {t['vs_sequential']:.1f}x (target >= {TARGETS['vs_sequential']:.0f}x)"
    )
    print(f"peak memory, 10,000 vs {m['large_rows']:,} rows (instant 2xx shell):")
    for mode in ("send", "dry"):
        entry = m[mode]
        print(
            f"  {mode:4}  {entry['small']['peak_kb'] / 1024:7.1f} MiB -> "
            f"{entry['large']['peak_kb'] / 1024:7.1f} MiB   ratio {entry['ratio']:.2f}"
            f"   ({entry['large']['seconds']:.0f} s for the large file)"
        )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(results["met"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
