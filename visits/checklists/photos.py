"""Photo evidence made safe to store and show: pure image processing.

An upload is checked for size, for format (by content, never by name or
declared type), for pixel count and for the length of each side before
anything is decoded: an image one pixel high and fifty million wide is within
any pixel count yet costs seconds and hundreds of megabytes to decode and
resize. A JPEG is decoded at reduced scale (libjpeg's draft mode); a PNG, which
cannot be, is reduced by whole factors right after its bounded decode, before
anything copies it. Pillow's PNG text-chunk limits are lowered too, since no
text is kept. What is stored
is a fresh JPEG display copy and a thumbnail, upright, in sRGB, without any
metadata: no EXIF (so no GPS position of the customer's home), no ICC profile,
no comments.
"""

import enum
import hashlib
import io
import struct
import zlib
from dataclasses import dataclass, field
from functools import cache
from typing import BinaryIO

from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from fieldservice.errors import ApplicationError

_JPEG_SIGNATURE = b"\xff\xd8\xff"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Only these Pillow plugins ever see the upload. Multi-picture JPEGs, which
# some phone cameras write, come back from the JPEG plugin as "MPO".
_PILLOW_FORMATS = ("JPEG", "PNG")
_JPEG_FORMATS = frozenset({"JPEG", "MPO"})
_WHITE = (255, 255, 255)
# What Pillow raises for bad image data, besides its decompression-bomb guard.
_BROKEN_DATA_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)
_BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)

# PNG text chunks (tEXt, zTXt, iTXt) are read while the header is opened, before
# any check of ours, and a compressed one expands a thousandfold. Pillow allows
# 1 MB per chunk and 64 MB in all; nothing here keeps text, so a little is
# plenty (phones and editors write a few kilobytes of XMP). Over the limit,
# Pillow raises ValueError while opening: a refusal as damaged.
PngImagePlugin.MAX_TEXT_CHUNK = 256 * 1024
PngImagePlugin.MAX_TEXT_MEMORY = 1024 * 1024

# EXIF orientation -> the transposition that makes the image upright, as in
# ImageOps.exif_transpose.
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SWAPS_SIDES = frozenset(
    {
        Image.Transpose.TRANSPOSE,
        Image.Transpose.TRANSVERSE,
        Image.Transpose.ROTATE_90,
        Image.Transpose.ROTATE_270,
    }
)


class PhotoProblem(enum.StrEnum):
    EMPTY = "photo_empty"
    TOO_LARGE = "photo_too_large"
    UNSUPPORTED_FORMAT = "photo_unsupported_format"
    TOO_MANY_PIXELS = "photo_too_many_pixels"
    SIDE_TOO_LONG = "photo_side_too_long"
    CORRUPT = "photo_corrupt"


class PhotoRejected(ApplicationError):
    """An upload that is not a sound JPEG or PNG within the limits.

    `code` is one of PhotoProblem."""

    status_code = 400
    code = "photo_rejected"
    default_detail = _("This photo cannot be accepted.")


@dataclass(frozen=True)
class ProcessedPhoto:
    display: bytes = field(repr=False)
    thumbnail: bytes = field(repr=False)
    # Of `display`, upright.
    width: int
    height: int
    thumbnail_width: int
    thumbnail_height: int
    # Hex SHA-256 of `display`, the stored file.
    sha256: str
    # "JPEG" or "PNG", as found in the content.
    source_format: str
    # The upload's own pixel size, upright.
    source_width: int
    source_height: int


def process_photo(
    stream: BinaryIO,
    *,
    max_bytes: int,
    max_pixels: int,
    max_side_pixels: int,
    display_long_side: int = 1600,
    thumbnail_long_side: int = 320,
    quality: int = 85,
) -> ProcessedPhoto:
    """Turn an upload into a clean display JPEG and thumbnail, or raise PhotoRejected.

    Reads `stream` from its start (it is rewound when seekable). Deterministic:
    the same bytes give the same output and sha256. Never upscales.
    """
    data = _read_at_most(stream, max_bytes)
    with _open(data) as image:
        stored_size = image.size
        _check_pixel_count(stored_size, max_pixels)
        _check_sides(stored_size, max_side_pixels)
        source_format = "JPEG" if image.format in _JPEG_FORMATS else "PNG"
        if source_format == "JPEG":
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale, never below the display
            # size. The long side is the same whichever way the photo is turned.
            image.draft("RGB", _fit_within(stored_size, display_long_side))
        _decode(image)
        icc_profile = image.info.get("icc_profile")
        transposition = _upright_transposition(image)
        # Reduced and resized before it is turned, so no copy larger than the
        # display is ever made, and only the display-sized one is turned.
        reduced = _reduced(_resizable(image), display_long_side)
        stored_display = _resized(reduced, _fit_within(stored_size, display_long_side))
    display = (
        stored_display.transpose(transposition) if transposition else stored_display
    )

    if transposition in _SWAPS_SIDES:
        source_width, source_height = stored_size[1], stored_size[0]
    else:
        source_width, source_height = stored_size

    display = _in_srgb(_flattened(display), icc_profile)
    # A box reduction by the largest whole factor that keeps the thumbnail size,
    # then Lanczos for the rest. Image.thumbnail stops the box at twice the size
    # (reducing_gap=2.0), which costs a phone-sized photo 6 ms more of about 25
    # for a thumbnail that differs from a plain Lanczos one by 54 dB PSNR
    # instead of 43 before JPEG encoding: neither difference can be seen.
    thumbnail = _resized(
        display, _fit_within(display.size, thumbnail_long_side), reducing_gap=1.0
    )

    # Huffman optimisation would take the display copy's encoding from about a
    # third of the whole cost of a phone-sized photo to over half, for files 3 %
    # smaller (bench/photo_bench.py); the thumbnail is small enough to optimise.
    display_bytes = _encode_jpeg(display, quality, optimize=False)
    return ProcessedPhoto(
        display=display_bytes,
        thumbnail=_encode_jpeg(thumbnail, quality, optimize=True),
        width=display.width,
        height=display.height,
        thumbnail_width=thumbnail.width,
        thumbnail_height=thumbnail.height,
        sha256=hashlib.sha256(display_bytes).hexdigest(),
        source_format=source_format,
        source_width=source_width,
        source_height=source_height,
    )


def _read_at_most(stream: BinaryIO, max_bytes: int) -> bytes:
    """The whole upload, refused without reading when its declared size is over."""
    declared_size = getattr(stream, "size", None)
    if isinstance(declared_size, int) and declared_size > max_bytes:
        raise _too_large(max_bytes)
    if getattr(stream, "seekable", None) and stream.seekable():
        stream.seek(0)
    limit = max_bytes + 1
    data = stream.read(limit)
    # A raw stream may return less than asked for before its end.
    while data and len(data) < limit and (more := stream.read(limit - len(data))):
        data += more
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    if not data:
        raise PhotoRejected(_("The photo is empty."), code=PhotoProblem.EMPTY)
    return data


def _too_large(max_bytes: int) -> PhotoRejected:
    return PhotoRejected(
        _("The photo is larger than %(megabytes)s MB.")
        % {"megabytes": f"{max_bytes / 1_048_576:.3g}"},
        code=PhotoProblem.TOO_LARGE,
        extra={"max_bytes": max_bytes},
    )


def _open(data: bytes) -> Image.Image:
    """Read the header only; nothing is decoded yet."""
    try:
        image = Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS)
    except _BOMB_ERRORS:
        raise _too_many_pixels(None) from None
    except _BROKEN_DATA_ERRORS:
        if data.startswith((_JPEG_SIGNATURE, _PNG_SIGNATURE)):
            raise _corrupt() from None
        raise _unsupported() from None
    if image.format not in _JPEG_FORMATS and image.format != "PNG":
        image.close()
        raise _unsupported()
    return image


def _check_pixel_count(size: tuple[int, int], max_pixels: int) -> None:
    width, height = size
    if width * height > max_pixels:
        raise _too_many_pixels(max_pixels)


def _check_sides(size: tuple[int, int], max_side_pixels: int) -> None:
    if max(size) > max_side_pixels:
        raise PhotoRejected(
            _("The photo is more than %(pixels)s pixels wide or high.")
            % {"pixels": max_side_pixels},
            code=PhotoProblem.SIDE_TOO_LONG,
            extra={"max_side_pixels": max_side_pixels},
        )


def _reduced(image: Image.Image, long_side: int) -> Image.Image:
    """The image shrunk by the largest whole factor that keeps its long side
    at least `long_side` (a box filter, cheap): what is left to resize is at
    most twice the display size."""
    factor = max(image.size) // long_side
    if factor < 2:
        return image
    return image.reduce(factor)


def _decode(image: Image.Image) -> None:
    try:
        image.load()
    except _BOMB_ERRORS:
        raise _too_many_pixels(None) from None
    except (*_BROKEN_DATA_ERRORS, zlib.error):
        raise _corrupt() from None


def _upright_transposition(image: Image.Image) -> Image.Transpose | None:
    """The transposition the EXIF orientation asks for.

    Not ImageOps.exif_transpose: after turning the image it writes the EXIF back,
    which raises on malformed tags that phones and editors do produce. Only the
    orientation matters here, since no metadata is kept. Unreadable EXIF counts
    as upright rather than losing the evidence.
    """
    try:
        orientation = image.getexif().get(ExifTags.Base.Orientation)
    except (*_BROKEN_DATA_ERRORS, TypeError):
        return None
    if not isinstance(orientation, int):
        return None
    return _UPRIGHT.get(orientation)


def _resizable(image: Image.Image) -> Image.Image:
    """The image in a mode that resizes faithfully: transparency kept as alpha,
    16-bit grey brought to 8 bits, the photo modes (RGB, L, CMYK) unchanged."""
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        return image.point(lambda value: value / 256).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        return image.convert("RGBA")
    if image.mode in ("RGB", "L", "CMYK"):
        return image
    return image.convert("RGB")


def _resized(
    image: Image.Image, size: tuple[int, int], reducing_gap: float | None = None
) -> Image.Image:
    if image.size == size:
        return image
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=reducing_gap)


def _flattened(image: Image.Image) -> Image.Image:
    """Transparent areas become white, as on paper."""
    if image.mode != "RGBA":
        return image
    background = Image.new("RGB", image.size, _WHITE)
    background.paste(image, mask=image.getchannel("A"))
    return background


def _in_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """RGB in sRGB, so colours stay right once the profile is dropped (phones
    tag photos Display P3). A profile that cannot be used is ignored."""
    if icc_profile and image.mode in ("RGB", "L", "CMYK"):
        try:
            source_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            converted = ImageCms.profileToProfile(
                image, source_profile, _srgb_profile(), outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass
        else:
            if converted is not None:
                return converted
    return image if image.mode == "RGB" else image.convert("RGB")


@cache
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _fit_within(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    """`size` scaled so its long side is `long_side`, aspect kept; never larger."""
    width, height = size
    if max(width, height) <= long_side:
        return size
    if width >= height:
        return long_side, max(1, round(height * long_side / width))
    return max(1, round(width * long_side / height)), long_side


def _encode_jpeg(image: Image.Image, quality: int, *, optimize: bool) -> bytes:
    # Pillow copies some metadata (the JPEG comment) from `info` when saving.
    image.info = {}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=optimize)
    return buffer.getvalue()


def _too_many_pixels(max_pixels: int | None) -> PhotoRejected:
    if max_pixels is None:
        return PhotoRejected(
            _("The photo has too many pixels."), code=PhotoProblem.TOO_MANY_PIXELS
        )
    return PhotoRejected(
        _("The photo has more than %(megapixels)s megapixels.")
        % {"megapixels": f"{max_pixels / 1_000_000:.3g}"},
        code=PhotoProblem.TOO_MANY_PIXELS,
        extra={"max_pixels": max_pixels},
    )


def _unsupported() -> PhotoRejected:
    return PhotoRejected(
        _("Only JPEG and PNG photos are accepted."),
        code=PhotoProblem.UNSUPPORTED_FORMAT,
    )


def _corrupt() -> PhotoRejected:
    return PhotoRejected(
        _("The photo is damaged or incomplete. Please take or upload it again."),
        code=PhotoProblem.CORRUPT,
    )
