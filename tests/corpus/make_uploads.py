"""Writes the upload attack corpus, tests/corpus/uploads/, once.

Run from the project root: `.venv/bin/python tests/corpus/make_uploads.py`.
The files are committed; this script is how they were made (deterministic, so
running it again gives the same bytes). Every file is small: the whole corpus
stays well under 1 MB, however many pixels its files claim.

The bombs are written chunk by chunk with zlib, never as a Pillow image, so
making a 50-megapixel PNG costs no memory here. What each file must give
(refused with which code, or accepted at which size) is written down by hand
in tests/corpus/test_uploads.py, not here.
"""

import io
import struct
import zipfile
import zlib
from pathlib import Path

from PIL import ExifTags, Image

OUT = Path(__file__).resolve().parent / "uploads"
RED = (220, 20, 20)
BLUE = (20, 20, 220)
WHITE = (255, 255, 255)


# --- PNG by hand ---------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data))
    )


# IHDR colour types
GREY, RGB = 0, 2


def png_of_zeros(
    width: int,
    height: int,
    *,
    colour_type: int = RGB,
    claimed: tuple[int, int] | None = None,
    before_image: bytes = b"",
) -> bytes:
    """A PNG whose every pixel is black, compressed as far as zlib goes: a
    decompression bomb when the size is large. `claimed` writes another size
    into IHDR than the data holds (the data then ends early)."""
    channels = 3 if colour_type == RGB else 1
    header_width, header_height = claimed or (width, height)
    ihdr = struct.pack(">IIBBBBB", header_width, header_height, 8, colour_type, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + width * channels)  # filter byte "none", then the pixels
    idat = bytearray()
    # Many rows at a time, so a tall image does not cost a call per row.
    rows_at_once = max(1, 8_000_000 // len(row))
    left = height
    while left:
        count = min(rows_at_once, left)
        idat += compressor.compress(row * count)
        left -= count
    idat += compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + before_image
        + _chunk(b"IDAT", bytes(idat))
        + _chunk(b"IEND", b"")
    )


def text_chunk(keyword: bytes, expanded_size: int) -> bytes:
    """A zTXt chunk: tiny on disk, `expanded_size` bytes once decompressed."""
    return _chunk(
        b"zTXt", keyword + b"\x00\x00" + zlib.compress(b"A" * expanded_size, 9)
    )


# --- Ordinary images -----------------------------------------------------------


def quadrants(size=(40, 20)) -> Image.Image:
    """Red on the left half, blue on the right: which way it is turned shows."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1]))
    return image


def encoded(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def exif_with_gps(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "CorpusCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (31.0, 13.0, 50.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (121.0, 28.0, 10.25)
    return exif


def jpeg_with_big_app_segments(count: int) -> bytes:
    """A small JPEG after `count` APP15 segments of 64 KB each."""
    data = encoded(quadrants(), "JPEG", quality=90)
    segment = b"\xff\xef" + struct.pack(">H", 65535) + b"X" * 65533
    return data[:2] + segment * count + data[2:]


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # A fixed date, so the corpus is the same bytes each time it is made.
        entry = zipfile.ZipInfo("payload.html", date_time=(2026, 1, 1, 0, 0, 0))
        archive.writestr(entry, "<script>alert(1)</script>")
    return buffer.getvalue()


def corpus() -> dict[str, bytes]:
    jpeg = encoded(quadrants(), "JPEG", quality=90)
    png = encoded(quadrants(), "PNG")
    html = b"<html><body><script>alert(document.cookie)</script></body></html>\n"
    return {
        # Decompression bombs: every shape.
        "bomb-png-1x50000000-wide.png": png_of_zeros(50_000_000, 1, colour_type=GREY),
        # Under the size at which Pillow's resize gives up with a MemoryError:
        # before the side bound, decoded and resized in seconds and a gigabyte.
        "bomb-png-1x25000000-wide.png": png_of_zeros(25_000_000, 1, colour_type=GREY),
        "bomb-png-50000000x1-tall.png": png_of_zeros(1, 50_000_000, colour_type=GREY),
        "bomb-png-20000x2500-rgb.png": png_of_zeros(20_000, 2_500),
        "bomb-png-7071x7071-grey.png": png_of_zeros(7071, 7071, colour_type=GREY),
        "bomb-png-12000x4166-rgb.png": png_of_zeros(12_000, 4_166),
        "bomb-png-header-100000x100000.png": png_of_zeros(
            8, 8, claimed=(100_000, 100_000)
        ),
        "bomb-png-header-2147483647x1.png": png_of_zeros(
            8, 8, claimed=(2_147_483_647, 1)
        ),
        "bomb-jpeg-65500x8-wide.jpg": encoded(
            Image.new("L", (65_500, 8), 0), "JPEG", quality=10
        ),
        "bomb-gif-10000x10000.gif": encoded(Image.new("P", (10_000, 10_000)), "GIF"),
        "bomb-webp-16383x1024.webp": encoded(
            Image.new("L", (16_383, 1024)), "WEBP", quality=1
        ),
        "bomb-tiff-20000x20000.tiff": encoded(
            Image.new("1", (20_000, 20_000)), "TIFF", compression="group4"
        ),
        # Huge headers on tiny files.
        "png-ztxt-one-chunk-4mb.png": encoded(Image.new("RGB", (8, 8)), "PNG")[:33]
        + text_chunk(b"Comment", 4 * 1024 * 1024)
        + encoded(Image.new("RGB", (8, 8)), "PNG")[33:],
        "png-ztxt-sixty-chunks-of-1mb.png": png_of_zeros(
            8,
            8,
            before_image=b"".join(text_chunk(b"Comment", 1_000_000) for _ in range(60)),
        ),
        "jpeg-exif-blob-60kb.jpg": encoded(
            quadrants(), "JPEG", exif=b"Exif\x00\x00" + b"\x00" * 60_000
        ),
        "jpeg-app-segments-2x64kb.jpg": jpeg_with_big_app_segments(2),
        # Truncated.
        "truncated-jpeg-half.jpg": jpeg[: len(jpeg) // 2],
        "truncated-jpeg-header-only.jpg": jpeg[:40],
        "truncated-png-no-iend.png": png[:-20],
        "truncated-png-signature-only.png": png[:8],
        # Polyglots.
        "polyglot-jpeg-then-zip.jpg": jpeg + zip_bytes(),
        "polyglot-png-then-html.png": png + html,
        "polyglot-html-then-jpeg.jpg": html + jpeg,
        # Formats renamed.
        "renamed-png-as.jpg": png,
        "renamed-jpeg-as.png": jpeg,
        "renamed-svg-as.jpg": b'<svg xmlns="http://www.w3.org/2000/svg" '
        b'width="10" height="10"><script>alert(1)</script></svg>\n',
        "renamed-html-as.jpg": html,
        "renamed-pdf-as.jpg": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        "renamed-bmp-as.jpg": encoded(quadrants(), "BMP"),
        # Metadata to clean: GPS, and orientations that need turning.
        "gps-jpeg.jpg": encoded(quadrants(), "JPEG", exif=exif_with_gps()),
        "gps-png-exif-chunk.png": encoded(quadrants(), "PNG", exif=exif_with_gps()),
        "rotated-6-gps.jpg": encoded(quadrants(), "JPEG", exif=exif_with_gps(6)),
        "rotated-8-gps.jpg": encoded(quadrants(), "JPEG", exif=exif_with_gps(8)),
        # Signatures (a PNG is all the signing pad sends).
        "signature-bomb-png-1x4000000.png": png_of_zeros(
            4_000_000, 1, colour_type=GREY
        ),
        "signature-bomb-png-header-20000x20000.png": png_of_zeros(
            8, 8, claimed=(20_000, 20_000)
        ),
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    total = 0
    for name, data in corpus().items():
        (OUT / name).write_bytes(data)
        total += len(data)
        print(f"{len(data):>9,}  {name}")
    print(f"{total:>9,}  in all")


if __name__ == "__main__":
    main()
