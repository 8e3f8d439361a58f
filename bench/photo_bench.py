"""Benchmark of visits.checklists.photos.process_photo on a 12-megapixel phone photo.

Run from the project root: `.venv/bin/python bench/photo_bench.py`.

Makes a 4000x3000 JPEG (quality 90, photographic content with sensor-like
grain, EXIF orientation 6), then measures
- extra peak memory, in a fresh subprocess per measurement, as the growth of
  peak RSS (getrusage ru_maxrss) across one call: Pillow allocates in C, where
  tracemalloc cannot see;
- wall time over --runs calls in this process, after a warm-up.
Both with JPEG draft mode (as shipped) and without it, for comparison. Then
- CPU time (time.process_time, so other load on a shared machine counts less
  than in wall time) per call for two inputs: the 12 MP photo as a camera writes
  it, and the photo as the phone app uploads it (made upright and 1600 px long
  on the phone, JPEG quality 80, no EXIF), each as the median of --runs calls
  and as a ratio to a trivial operation (SHA-256 of 1 MB) timed in the same
  run, interleaved, so runs on differently loaded machines compare.
Prints tables and writes bench/results/photo.json. `--cpu-only` skips the
memory samples and the draft comparison.

On Linux a new process starts with ru_maxrss already at its parent's peak (the
kernel carries it over fork and exec), which would hide everything below it.
So this process stays small until the memory samples are taken: the photo is
made in a subprocess too, and the timing runs come last. Each sample also
reports the growth of VmHWM (/proc/self/status), which is per process image,
as a cross-check.
"""

import argparse
import hashlib
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
# As the phone app sends a photo (visits/static/phone/photos.js): upright,
# long side PHOTO_UPLOAD_MAX_SIDE_PIXELS, quality 0.8 in the browser's terms.
PHONE_LONG_SIDE = 1600
PHONE_QUALITY = 80
TRIVIAL_BYTES = b"x" * MB


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


def as_the_phone_sends(data: bytes) -> bytes:
    """The camera photo made upright and small, without metadata, as the app does."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as photo:
        upright = ImageOps.exif_transpose(photo)
    upright.thumbnail((PHONE_LONG_SIDE, PHONE_LONG_SIDE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    upright.save(buffer, "JPEG", quality=PHONE_QUALITY)
    return buffer.getvalue()


def trivial() -> None:
    hashlib.sha256(TRIVIAL_BYTES).digest()


def cpu_milliseconds(operation) -> float:
    started = time.process_time()
    operation()
    return (time.process_time() - started) * 1000


def measure_cpu(inputs: dict[str, bytes], runs: int) -> dict:
    """Median CPU ms per call of each input and of the trivial operation,
    interleaved so that a change in the machine's load touches all alike."""
    for data in inputs.values():
        process(data)  # warm-up
    samples: dict[str, list[float]] = {name: [] for name in inputs}
    reference: list[float] = []
    for _ in range(runs):
        for name, data in inputs.items():
            samples[name].append(cpu_milliseconds(lambda data=data: process(data)))
        # The trivial operation is short: time 20 in a row, per call.
        reference.append(cpu_milliseconds(lambda: [trivial() for _ in range(20)]) / 20)
    trivial_ms = statistics.median(reference)
    results = {}
    for name, data in inputs.items():
        photo = process(data)
        median_ms = statistics.median(samples[name])
        results[name] = {
            "input_bytes": len(data),
            "display": [photo.width, photo.height],
            "display_bytes": len(photo.display),
            "thumbnail_bytes": len(photo.thumbnail),
            "runs": runs,
            "median_cpu_ms": round(median_ms, 1),
            "min_cpu_ms": round(min(samples[name]), 1),
            "max_cpu_ms": round(max(samples[name]), 1),
            "ratio_to_trivial": round(median_ms / trivial_ms, 1),
        }
    return {"trivial": "sha256 of 1 MB", "trivial_cpu_ms": round(trivial_ms, 3)} | {
        "inputs": results
    }


def print_cpu(cpu: dict) -> None:
    header = (
        f"{'input':<12}{'bytes':>10}{'display':>11}{'median CPU ms':>15}"
        f"{'x trivial':>11}"
    )
    print(header)
    print("-" * len(header))
    for name, result in cpu["inputs"].items():
        display = "x".join(str(side) for side in result["display"])
        print(
            f"{name:<12}{result['input_bytes']:>10}{display:>11}"
            f"{result['median_cpu_ms']:>15.1f}{result['ratio_to_trivial']:>11.1f}"
        )
    print(f"(trivial: {cpu['trivial']}, {cpu['trivial_cpu_ms']} ms CPU)")


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
    import visits.checklists.photos  # noqa: F401  (Pillow is imported before the baseline)

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
    parser.add_argument(
        "--cpu-only",
        action="store_true",
        help="only the CPU comparison of the two inputs (prints, writes nothing)",
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

    if arguments.cpu_only:
        data = make_phone_photo()
        inputs = {"12mp_camera": data, "1600_phone": as_the_phone_sends(data)}
        print_cpu(measure_cpu(inputs, arguments.runs))
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
    cpu = measure_cpu(
        {"12mp_camera": data, "1600_phone": as_the_phone_sends(data)}, arguments.runs
    )
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
        "cpu_per_photo": cpu,
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
    print_cpu(cpu)
    print()
    print(
        f"Targets: p95 <= {TARGET_MILLISECONDS} ms, extra peak RSS <= "
        f"{TARGET_EXTRA_PEAK_MB} MB (worst of {arguments.memory_samples} fresh "
        f"processes). Written to {RESULTS.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
