"""Benchmark of visits.photos.process_photo on a 12-megapixel phone photo.

Run from the project root: `.venv/bin/python bench/photo_bench.py`.

Makes a 4000x3000 JPEG (quality 90, photographic content with sensor-like
grain, EXIF orientation 6), then measures
- extra peak memory, in a fresh subprocess per measurement, as the growth of
  peak RSS (getrusage ru_maxrss) across one call: Pillow allocates in C, where
  tracemalloc cannot see;
- wall time over --runs calls in this process, after a warm-up.
Both with JPEG draft mode (as shipped) and without it, for comparison. Prints a
table and writes bench/results/photo.json.

On Linux a new process starts with ru_maxrss already at its parent's peak (the
kernel carries it over fork and exec), which would hide everything below it.
So this process stays small until the memory samples are taken: the photo is
made in a subprocess too, and the timing runs come last. Each sample also
reports the growth of VmHWM (/proc/self/status), which is per process image,
as a cross-check.
"""

import argparse
import io
import json
import math
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "photo.json"
MB = 1024 * 1024
LIMITS = {"max_bytes": 15 * MB, "max_pixels": 50_000_000, "max_side_pixels": 12_000}
TARGET_MILLISECONDS = 300
TARGET_EXTRA_PEAK_MB = 150
PHOTO_SIZE = (4000, 3000)
PHOTO_QUALITY = 90
PHOTO_ORIENTATION = 6
MODES = ("draft", "no_draft")


def make_phone_photo() -> bytes:
    """A deterministic 12 MP JPEG that compresses like a real photo (~4-5 MB)."""
    from PIL import ExifTags, Image, ImageChops

    rng = random.Random(12)

    def smooth_layer(width: int, height: int) -> Image.Image:
        colours = Image.frombytes(
            "RGB", (width, height), rng.randbytes(width * height * 3)
        )
        return colours.resize(PHOTO_SIZE, Image.Resampling.BICUBIC)

    # Large shapes, mid-sized texture and fine detail, then sensor grain.
    scene = Image.blend(smooth_layer(8, 6), smooth_layer(200, 150), 0.3)
    scene = Image.blend(scene, smooth_layer(1000, 750), 0.12)
    grain = Image.frombytes(
        "L", PHOTO_SIZE, rng.randbytes(PHOTO_SIZE[0] * PHOTO_SIZE[1])
    ).point(lambda value: 128 + (value - 128) * 12 // 128)
    photo = ImageChops.add(scene, Image.merge("RGB", [grain] * 3), offset=-128)

    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = PHOTO_ORIENTATION
    exif[ExifTags.Base.Make] = "BenchPhone"
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=PHOTO_QUALITY, exif=exif)
    return buffer.getvalue()


@contextmanager
def draft_mode(mode: str):
    """As shipped, or with Pillow's JPEG draft (reduced-scale decoding) disabled."""
    if mode == "draft":
        yield
        return
    from PIL.JpegImagePlugin import JpegImageFile

    with mock.patch.object(JpegImageFile, "draft", return_value=None):
        yield


def process(data: bytes):
    from visits.checklists.photos import process_photo

    return process_photo(io.BytesIO(data), **LIMITS)


def peak_rss_mb() -> float:
    # Kilobytes on Linux, bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / MB


def high_water_mark_mb() -> float | None:
    """VmHWM: the peak RSS of this process image alone (Linux only)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def measure_memory_here(photo_path: Path, mode: str) -> None:
    """Child process: print the growth of peak memory across one call, in MB."""
    import visits.photos  # noqa: F401  (Pillow is imported before the baseline)

    data = photo_path.read_bytes()
    with draft_mode(mode):
        peak_before, hwm_before = peak_rss_mb(), high_water_mark_mb()
        process(data)
        peak_after, hwm_after = peak_rss_mb(), high_water_mark_mb()
    sample = {
        "extra_peak_rss_mb": peak_after - peak_before,
        "extra_vm_hwm_mb": None if hwm_before is None else hwm_after - hwm_before,
    }
    print(json.dumps(sample))


def run_script(*arguments: str) -> str:
    completed = subprocess.run(
        [sys.executable, __file__, *arguments],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=300,
    )
    return completed.stdout


def measure_memory(photo_path: Path, mode: str, samples: int) -> list[dict]:
    return [
        json.loads(run_script("--child", mode, "--photo", str(photo_path)))
        for _ in range(samples)
    ]


def measure_time(data: bytes, mode: str, runs: int) -> list[float]:
    timings = []
    with draft_mode(mode):
        for _ in range(2):  # warm-up: plugin registration, first allocations
            process(data)
        for _ in range(runs):
            started = time.perf_counter()
            process(data)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def nearest_rank(values: list[float], percentile: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percentile / 100 * len(ordered)) - 1)]


def summary(timings: list[float], memory_samples: list[dict]) -> dict:
    median_ms = statistics.median(timings)
    p95_ms = nearest_rank(timings, 95)
    memory = [sample["extra_peak_rss_mb"] for sample in memory_samples]
    high_water = [sample["extra_vm_hwm_mb"] for sample in memory_samples]
    worst_memory = max(memory)
    return {
        "runs": len(timings),
        "median_ms": round(median_ms, 1),
        "p95_ms": round(p95_ms, 1),
        "min_ms": round(min(timings), 1),
        "max_ms": round(max(timings), 1),
        "memory_samples": len(memory),
        "extra_peak_rss_mb_median": round(statistics.median(memory), 1),
        "extra_peak_rss_mb_max": round(worst_memory, 1),
        "extra_vm_hwm_mb_max": (
            None if None in high_water else round(max(high_water), 1)
        ),
        "meets_time_target": p95_ms <= TARGET_MILLISECONDS,
        "meets_memory_target": worst_memory <= TARGET_EXTRA_PEAK_MB,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed calls per mode")
    parser.add_argument(
        "--memory-samples", type=int, default=5, help="fresh processes per mode"
    )
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--photo", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--make-photo", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    if arguments.make_photo:
        arguments.make_photo.write_bytes(make_phone_photo())
        return
    if arguments.child:
        measure_memory_here(arguments.photo, arguments.child)
        return

    with tempfile.TemporaryDirectory() as directory:
        photo_path = Path(directory) / "phone-photo.jpg"
        run_script("--make-photo", str(photo_path))
        memory = {
            mode: measure_memory(photo_path, mode, arguments.memory_samples)
            for mode in MODES
        }
        data = photo_path.read_bytes()

    import PIL

    results = {
        mode: summary(measure_time(data, mode, arguments.runs), memory[mode])
        for mode in MODES
    }
    photo = process(data)

    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "environment": {
            "python": platform.python_version(),
            "pillow": PIL.__version__,
            "machine": platform.machine(),
            "system": platform.system(),
            "processor": platform.processor() or None,
        },
        "input": {
            "width": PHOTO_SIZE[0],
            "height": PHOTO_SIZE[1],
            "bytes": len(data),
            "jpeg_quality": PHOTO_QUALITY,
            "exif_orientation": PHOTO_ORIENTATION,
        },
        "limits": LIMITS,
        "output": {
            "display": [photo.width, photo.height],
            "display_bytes": len(photo.display),
            "thumbnail": [photo.thumbnail_width, photo.thumbnail_height],
            "thumbnail_bytes": len(photo.thumbnail),
        },
        "targets": {
            "p95_ms": TARGET_MILLISECONDS,
            "extra_peak_rss_mb": TARGET_EXTRA_PEAK_MB,
        },
        "results": results,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")

    print(
        f"Input: {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} JPEG q{PHOTO_QUALITY}, "
        f"{len(data) / MB:.2f} MB, EXIF orientation {PHOTO_ORIENTATION}"
    )
    print(
        f"Output: display {photo.width}x{photo.height} "
        f"({len(photo.display) / 1024:.0f} KB), thumbnail "
        f"{photo.thumbnail_width}x{photo.thumbnail_height} "
        f"({len(photo.thumbnail) / 1024:.0f} KB)"
    )
    print()
    header = (
        f"{'mode':<10}{'median ms':>11}{'p95 ms':>9}{'peak +MB':>10}"
        f"{'VmHWM +MB':>11}  targets"
    )
    print(header)
    print("-" * len(header))
    for mode, result in results.items():
        verdict = (
            "met"
            if result["meets_time_target"] and result["meets_memory_target"]
            else "missed"
        )
        high_water = (
            "n/a"
            if result["extra_vm_hwm_mb_max"] is None
            else f"{result['extra_vm_hwm_mb_max']:.1f}"
        )
        print(
            f"{mode:<10}{result['median_ms']:>11.1f}{result['p95_ms']:>9.1f}"
            f"{result['extra_peak_rss_mb_max']:>10.1f}"
            f"{high_water:>11}  {verdict}"
        )
    print()
    print(
        f"Targets: p95 <= {TARGET_MILLISECONDS} ms, extra peak RSS <= "
        f"{TARGET_EXTRA_PEAK_MB} MB (worst of {arguments.memory_samples} fresh "
        f"processes). Written to {RESULTS.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
