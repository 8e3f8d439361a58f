"""Time and peak memory of every file of the upload attack corpus.

Run from the project root: `.venv/bin/python bench/upload_bench.py`
(`--runs 3` by default, `--timeout 60` seconds, `--memory-limit-mb 3072`,
`--out bench/results/uploads.json`).

Each file of tests/corpus/uploads/ goes, in a fresh subprocess per run,
through the code the API runs on it: a photo through
`visits.checklists.photos.process_photo` with the limits the photo upload
passes (from settings); a `signature-*` file through
`visits.signoffs.services.check_signature`, as a sign-off does. Measured in the
subprocess: the wall time of that one call, and peak memory (ru_maxrss, and
its growth across the call: Pillow allocates in C, where tracemalloc cannot
see). The median of the runs is kept.

A run that outlives --timeout is killed and recorded as such; the address
space of each subprocess is capped at --memory-limit-mb (RLIMIT_AS), so
measuring the unfixed code leaves the machine standing. A regression here is a
finding, not a flaky test: nothing asserts on these figures.
"""

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "uploads"
RESULTS = ROOT / "bench" / "results" / "uploads.json"

CHILD = r"""
import inspect, io, json, resource, sys, time
import django
django.setup()
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from fieldservice.errors import ApplicationError

path = sys.argv[1]
name = path.rsplit("/", 1)[-1]
data = open(path, "rb").read()
if name.startswith("signature-"):
    from visits.signoffs.services import check_signature
    def run():
        check_signature(data)
else:
    from visits.checklists.api import photo_limits
    from visits.checklists.photos import process_photo
    def run():
        upload = SimpleUploadedFile(name, data, "image/jpeg")
        process_photo(upload, **photo_limits())

def vm_hwm_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0

before_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
before_hwm = vm_hwm_kb()
started = time.perf_counter()
outcome = "accepted"
try:
    run()
except ApplicationError as error:
    outcome = f"refused {error.status_code} {error.code}"
except Exception as error:  # what the API would answer with a 500
    outcome = f"crashed {type(error).__name__}: {str(error)[:120]}"
elapsed = time.perf_counter() - started
after_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({
    "outcome": outcome,
    "seconds": elapsed,
    "peak_rss_mb": after_rss / 1024,
    "extra_peak_mb": (after_rss - before_rss) / 1024,
    "extra_hwm_mb": (vm_hwm_kb() - before_hwm) / 1024,
}))
"""

# Older code has no photo_limits(): give the child the same limits the API
# passed then, so the "before" figures run the same path.
SHIM = r"""
import visits.checklists.api as api_module
if not hasattr(api_module, "photo_limits"):
    def photo_limits():
        return {"max_bytes": settings.PHOTO_MAX_BYTES,
                "max_pixels": settings.PHOTO_MAX_PIXELS}
    api_module.photo_limits = photo_limits
"""


def child_source() -> str:
    head, _, tail = CHILD.partition("if name.startswith")
    return head + SHIM + "if name.startswith" + tail


def run_once(path: Path, timeout: float, memory_limit_mb: int) -> dict:
    limit = memory_limit_mb * 1024 * 1024

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fieldservice.settings.test",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench"),
    }
    started = time.perf_counter()
    try:
        finished = subprocess.run(
            [sys.executable, "-c", child_source(), str(path)],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=cap_memory,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {
            "outcome": f"killed after {timeout:g} s",
            "seconds": timeout,
            "peak_rss_mb": None,
            "extra_peak_mb": None,
            "extra_hwm_mb": None,
        }
    if finished.returncode != 0 or not finished.stdout.strip():
        last = (finished.stderr.strip().splitlines() or ["?"])[-1]
        return {
            "outcome": f"process died ({finished.returncode}): {last[:120]}",
            "seconds": time.perf_counter() - started,
            "peak_rss_mb": None,
            "extra_peak_mb": None,
            "extra_hwm_mb": None,
        }
    return json.loads(finished.stdout.strip().splitlines()[-1])


def median(values: list) -> float | None:
    present = [value for value in values if value is not None]
    return round(statistics.median(present), 4) if present else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--memory-limit-mb", type=int, default=3072)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--only", default="", help="only files containing this")
    arguments = parser.parse_args()

    files = sorted(path for path in CORPUS.iterdir() if arguments.only in path.name)
    results = {}
    print(f"{'file':44} {'outcome':44} {'s':>8} {'peak MB':>8} {'+MB':>8}")
    for path in files:
        runs = [
            run_once(path, arguments.timeout, arguments.memory_limit_mb)
            for _ in range(arguments.runs)
        ]
        entry = {
            "bytes": path.stat().st_size,
            "outcome": runs[0]["outcome"],
            "outcomes_agree": len({run["outcome"] for run in runs}) == 1,
            "seconds_median": median([run["seconds"] for run in runs]),
            "peak_rss_mb_median": median([run["peak_rss_mb"] for run in runs]),
            "extra_peak_mb_median": median([run["extra_peak_mb"] for run in runs]),
            "extra_hwm_mb_median": median([run["extra_hwm_mb"] for run in runs]),
        }
        results[path.name] = entry
        print(
            f"{path.name:44} {entry['outcome'][:44]:44} "
            f"{entry['seconds_median']!s:>8} {entry['peak_rss_mb_median']!s:>8} "
            f"{entry['extra_peak_mb_median']!s:>8}",
            flush=True,
        )
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(
        json.dumps(
            {
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": f"{platform.machine()} {os.cpu_count()} CPUs, "
                f"Python {platform.python_version()}",
                "runs": arguments.runs,
                "timeout_seconds": arguments.timeout,
                "memory_limit_mb": arguments.memory_limit_mb,
                "files": results,
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
