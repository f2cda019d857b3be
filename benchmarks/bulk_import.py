"""Bulk import throughput and memory.

1. Throughput: 20,000 rows imported with ``import_file`` (the code behind ``sendx
   import``) into an emulator with 20 ms of injected latency, at the default
   concurrency (32). Compared in the same run with
   - the bound: concurrency / latency (what 32 requests in flight could do at best),
     target ratio at least 0.8;
   - a sequential loop of ``client.contacts.identify`` (the obvious script), target
     at least 20x.
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
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sendx
from sendx.bulk import Progress, import_file

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "bulk_import.json"
LATENCY_MS = 20
ROWS = 20_000
SEQUENTIAL_ROWS = 300
CONCURRENCY = 32  # sendx import's default
TARGETS = {"vs_bound": 0.8, "vs_sequential": 20.0, "memory_ratio": 1.2}

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


def throughput(tmp: Path) -> dict[str, Any]:
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
        with sendx.SendX(
            "key", "team-import", base_url=base_url, max_connections=CONCURRENCY
        ) as client:
            result = import_file(
                str(source), client, concurrency=CONCURRENCY, progress=Progress(enabled=False)
            )
        if result.sent != ROWS:
            raise SystemExit(f"the import sent {result.sent} of {ROWS} rows")
        rate = ROWS / result.elapsed
    finally:
        process.terminate()
        process.wait(30)
        if process.stdout is not None:
            process.stdout.close()
    bound = CONCURRENCY / (LATENCY_MS / 1000)
    return {
        "rows": ROWS,
        "latency_ms": LATENCY_MS,
        "concurrency": CONCURRENCY,
        "import_rows_per_s": rate,
        "bound_rows_per_s": bound,
        "sequential_rows_per_s": sequential,
        "vs_bound": rate / bound,
        "vs_sequential": rate / sequential,
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        results: dict[str, Any] = {"throughput": throughput(tmp)}
        results["memory"] = memory(tmp, 100_000 if args.quick else 1_000_000)
    t, m = results["throughput"], results["memory"]
    results["targets"] = TARGETS
    results["met"] = {
        "vs_bound": t["vs_bound"] >= TARGETS["vs_bound"],
        "vs_sequential": t["vs_sequential"] >= TARGETS["vs_sequential"],
        "memory_ratio": m["send"]["ratio"] <= TARGETS["memory_ratio"],
    }
    results["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count()}
    print(f"import of {ROWS:,} rows, {LATENCY_MS} ms latency, concurrency {CONCURRENCY}:")
    print(f"  sendx import              {t['import_rows_per_s']:9,.0f} rows/s")
    print(
        f"  bound (concurrency/lat.)  {t['bound_rows_per_s']:9,.0f} rows/s"
        f"   ratio {t['vs_bound']:.2f} (target >= {TARGETS['vs_bound']})"
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
