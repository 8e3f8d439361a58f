"""Photo evidence processing: limits, formats by content, orientation, no metadata.

Every test image is made here with Pillow, in memory.
"""

import hashlib
import io
import math
import random
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import ExifTags, Image, ImageChops, ImageCms, ImageFile, ImageStat

from visits.checklists.photos import PhotoRejected, process_photo

MB = 1024 * 1024
LIMITS = {"max_bytes": 15 * MB, "max_pixels": 50_000_000, "max_side_pixels": 12_000}
RED = (255, 0, 0)
WHITE = (255, 255, 255)
CAMERA_MAKE = "AcmeCam-Evidence-X100"
GPS_DATUM = "WGS-84-HOME-OF-CUSTOMER"
COMMENT = b"taken-at-42-elm-street"


def photographic(size: tuple[int, int], seed: int = 1) -> Image.Image:
    """Smooth shapes and a little noise, so JPEG sizes and decoding are realistic."""
    rng = random.Random(seed)
    small = Image.frombytes("RGB", (16, 12), rng.randbytes(16 * 12 * 3))
    image = small.resize(size, Image.Resampling.BICUBIC)
    noise = Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))
    return Image.blend(image, Image.merge("RGB", [noise] * 3), 0.08)


def encoded(image: Image.Image, image_format: str, **save_options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **save_options)
    return buffer.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def refusal_code(data: bytes, **limits) -> str:
    with pytest.raises(PhotoRejected) as refused:
        process_photo(io.BytesIO(data), **(LIMITS | limits))
    assert refused.value.status_code == 400
    return refused.value.code


def camera_exif(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = CAMERA_MAKE
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 22.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (4.0, 53.0, 40.25)
    gps[ExifTags.GPS.GPSMapDatum] = GPS_DATUM
    return exif


def png_with_header_size(width: int, height: int) -> bytes:
    """A real small PNG whose IHDR (with a valid CRC) claims another size."""
    data = bytearray(encoded(Image.new("RGB", (8, 8), RED), "PNG"))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


# --- Orientation and metadata -------------------------------------------------


def test_exif_orientation_six_is_applied_and_every_piece_of_metadata_is_removed():
    # Given a 400x200 stored photo, red in its stored top-left corner, that the
    # phone marked "rotate 90 degrees clockwise to view", with GPS, make, comment,
    # XMP and an ICC profile
    stored = Image.new("RGB", (400, 200), WHITE)
    stored.paste(RED, (0, 0, 100, 50))
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    upload = encoded(
        stored,
        "JPEG",
        quality=95,
        exif=camera_exif(orientation=6),
        comment=COMMENT,
        icc_profile=srgb,
        xmp=b"<x:xmpmeta><tiff:Make>AcmeCam</tiff:Make></x:xmpmeta>",
    )
    assert CAMERA_MAKE.encode() in upload
    assert GPS_DATUM.encode() in upload

    # When
    photo = process_photo(io.BytesIO(upload), **LIMITS)

    # Then the photo stands upright: sides swapped, the red corner at the top right
    display = opened(photo.display)
    assert (photo.width, photo.height) == (200, 400)
    assert display.size == (200, 400)
    assert (photo.source_width, photo.source_height) == (200, 400)
    assert display.getpixel((190, 10)) == pytest.approx(RED, abs=12)
    assert display.getpixel((10, 10)) == pytest.approx(WHITE, abs=12)
    # ... and nothing but the plain JFIF header is left, in both files
    for data in (photo.display, photo.thumbnail):
        image = opened(data)
        assert image.format == "JPEG"
        assert image.mode == "RGB"
        assert set(image.info) <= {"jfif", "jfif_version", "jfif_unit", "jfif_density"}
        assert dict(image.getexif()) == {}
        assert [marker for marker, _content in image.applist] == ["APP0"]
        assert b"Exif" not in data
        assert b"GPS" not in data
        assert GPS_DATUM.encode() not in data
        assert CAMERA_MAKE.encode() not in data
        assert b"AcmeCam" not in data
        assert COMMENT not in data
        assert b"ICC_PROFILE" not in data


def test_a_photo_with_malformed_exif_is_still_turned_upright_and_accepted():
    # Given EXIF with orientation 6 and a Make tag stored as a number, which makes
    # Pillow's own exif_transpose raise when it writes the EXIF back
    entries = [(0x010F, 5, 1, 38), (0x0112, 3, 1, 6 << 16)]
    ifd = struct.pack(">H", len(entries))
    ifd += b"".join(struct.pack(">HHII", *entry) for entry in entries)
    ifd += struct.pack(">I", 0)
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + ifd + struct.pack(">II", 1, 3)
    upload = encoded(
        Image.new("RGB", (40, 20), WHITE), "JPEG", exif=b"Exif\x00\x00" + tiff
    )

    photo = process_photo(io.BytesIO(upload), **LIMITS)

    assert (photo.width, photo.height) == (20, 40)
    assert b"Exif" not in photo.display


def test_a_twelve_megapixel_portrait_is_decoded_at_reduced_scale_and_turned_upright(
    monkeypatch,
):
    # Given a 4000x3000 stored photo marked "rotate 90 degrees counter-clockwise"
    upload = encoded(
        photographic((4000, 3000)), "JPEG", quality=90, exif=camera_exif(8)
    )
    decoded_sizes = []
    original_load = ImageFile.ImageFile.load

    def recording_load(image):
        decoded_sizes.append(image.size)
        return original_load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", recording_load)

    photo = process_photo(io.BytesIO(upload), **LIMITS)

    # Then libjpeg decoded at half scale, still above the display size
    assert decoded_sizes[0] == (2000, 1500)
    assert (photo.source_width, photo.source_height) == (3000, 4000)
    assert (photo.width, photo.height) == (1200, 1600)
    assert (photo.thumbnail_width, photo.thumbnail_height) == (240, 320)
    assert opened(photo.display).size == (1200, 1600)
    assert opened(photo.thumbnail).size == (240, 320)


def test_an_unreadable_icc_profile_is_dropped_and_the_photo_accepted():
    upload = encoded(photographic((64, 48)), "JPEG", icc_profile=b"not a profile")

    photo = process_photo(io.BytesIO(upload), **LIMITS)

    assert "icc_profile" not in opened(photo.display).info
    assert b"not a profile" not in photo.display


# --- Sizes ----------------------------------------------------------------------


def test_a_4000_by_3000_photo_gives_a_1600_display_and_a_320_thumbnail():
    upload = encoded(photographic((4000, 3000)), "JPEG", quality=90)

    photo = process_photo(io.BytesIO(upload), **LIMITS)

    assert (photo.source_width, photo.source_height) == (4000, 3000)
    assert photo.source_format == "JPEG"
    assert (photo.width, photo.height) == (1600, 1200)
    assert (photo.thumbnail_width, photo.thumbnail_height) == (320, 240)
    assert opened(photo.display).size == (1600, 1200)
    assert opened(photo.thumbnail).size == (320, 240)


def test_a_small_photo_is_not_upscaled():
    upload = encoded(photographic((800, 600)), "JPEG")

    photo = process_photo(io.BytesIO(upload), **LIMITS)

    assert (photo.width, photo.height) == (800, 600)
    assert (photo.source_width, photo.source_height) == (800, 600)
    assert (photo.thumbnail_width, photo.thumbnail_height) == (320, 240)
    assert opened(photo.display).size == (800, 600)


def test_a_photo_the_phone_made_display_sized_is_turned_but_never_resampled(
    monkeypatch,
):
    # Given a 1600x1200 JPEG, the size the phone app uploads, stored sideways
    # (orientation 6) with GPS, and left half red, right half white
    stored = Image.new("RGB", (1600, 1200), WHITE)
    stored.paste(RED, (0, 0, 800, 1200))
    upload = encoded(stored, "JPEG", quality=95, exif=camera_exif(orientation=6))
    resized_sizes = []
    real_resize = Image.Image.resize

    def recording_resize(self, size, *arguments, **options):
        resized_sizes.append((self.size, tuple(size)))
        return real_resize(self, size, *arguments, **options)

    monkeypatch.setattr(Image.Image, "resize", recording_resize)

    photo = process_photo(io.BytesIO(upload), **LIMITS)

    # Then only the thumbnail is resampled; the display keeps every pixel, turned
    assert resized_sizes == [((1200, 1600), (240, 320))]
    display = opened(photo.display)
    assert display.size == (photo.width, photo.height) == (1200, 1600)
    assert display.getpixel((600, 10)) == pytest.approx(RED, abs=12)
    assert display.getpixel((600, 1590)) == pytest.approx(WHITE, abs=12)
    for data in (photo.display, photo.thumbnail):
        assert dict(opened(data).getexif()) == {}
        assert GPS_DATUM.encode() not in data
        assert CAMERA_MAKE.encode() not in data


def test_the_thumbnail_is_as_faithful_as_a_full_lanczos_resize_to_the_eye():
    source = photographic((1600, 1200), seed=7)
    upload = encoded(source, "JPEG", quality=95)

    photo = process_photo(io.BytesIO(upload), **LIMITS)

    # Against a plain Lanczos resize of the decoded upload, JPEG encoding
    # included: about 41.5 dB PSNR, where above 38 no difference can be seen
    # (a nearest-neighbour thumbnail scores about 32).
    fair = opened(upload).resize((320, 240), Image.Resampling.LANCZOS)
    thumbnail = opened(photo.thumbnail)
    assert thumbnail.size == fair.size
    difference = ImageStat.Stat(ImageChops.difference(fair, thumbnail))
    mean_square_error = sum(rms**2 for rms in difference.rms) / 3
    assert 10 * math.log10(255**2 / mean_square_error) > 38


def test_a_photo_smaller_than_the_thumbnail_keeps_its_size_in_both_files():
    upload = encoded(photographic((200, 100)), "PNG")

    photo = process_photo(io.BytesIO(upload), **LIMITS)

    assert (photo.width, photo.height) == (200, 100)
    assert (photo.thumbnail_width, photo.thumbnail_height) == (200, 100)


def test_other_long_sides_can_be_asked_for():
    upload = encoded(photographic((1000, 500)), "JPEG")

    photo = process_photo(
        io.BytesIO(upload), **LIMITS, display_long_side=600, thumbnail_long_side=100
    )

    assert (photo.width, photo.height) == (600, 300)
    assert (photo.thumbnail_width, photo.thumbnail_height) == (100, 50)


# --- Formats ----------------------------------------------------------------------


def test_a_png_with_transparency_becomes_a_jpeg_on_white():
    image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    image.paste((255, 0, 0, 255), (100, 0, 200, 100))
    upload = encoded(image, "PNG")

    photo = process_photo(io.BytesIO(upload), **LIMITS)

    display = opened(photo.display)
    assert photo.source_format == "PNG"
    assert display.format == "JPEG"
    assert display.mode == "RGB"
    assert display.getpixel((20, 50)) == pytest.approx(WHITE, abs=6)
    assert display.getpixel((180, 50)) == pytest.approx(RED, abs=12)


def test_a_palette_png_with_a_transparent_colour_becomes_white_there():
    image = Image.new("P", (40, 20), 0)
    image.putpalette([0, 0, 0, 255, 0, 0])
    image.paste(1, (20, 0, 40, 20))
    upload = encoded(image, "PNG", transparency=0)

    display = opened(process_photo(io.BytesIO(upload), **LIMITS).display)

    assert display.getpixel((5, 10)) == pytest.approx(WHITE, abs=6)
    assert display.getpixel((35, 10)) == pytest.approx(RED, abs=12)


def test_a_sixteen_bit_grey_png_keeps_its_tone():
    upload = encoded(Image.new("I;16", (40, 20), 40_000), "PNG")

    display = opened(process_photo(io.BytesIO(upload), **LIMITS).display)

    assert display.getpixel((10, 10)) == pytest.approx((156, 156, 156), abs=3)


def test_a_multi_picture_jpeg_from_a_phone_is_accepted_as_jpeg():
    first = photographic((320, 240))
    upload = encoded(
        first, "MPO", save_all=True, append_images=[photographic((320, 240), 2)]
    )
    assert Image.open(io.BytesIO(upload)).format == "MPO"

    photo = process_photo(io.BytesIO(upload), **LIMITS)

    assert photo.source_format == "JPEG"
    assert (photo.width, photo.height) == (320, 240)


@pytest.mark.parametrize(
    ("image_format", "save_options"),
    [("GIF", {}), ("WEBP", {"quality": 80}), ("BMP", {}), ("TIFF", {})],
)
def test_other_image_formats_are_refused_whatever_their_name(
    image_format, save_options
):
    content = encoded(photographic((64, 48)), image_format, **save_options)
    upload = SimpleUploadedFile("evidence.jpg", content, content_type="image/jpeg")

    with pytest.raises(PhotoRejected) as refused:
        process_photo(upload, **LIMITS)

    assert refused.value.code == "photo_unsupported_format"


def test_a_text_file_named_png_is_refused_as_unsupported():
    upload = SimpleUploadedFile(
        "photo.png", b"just some notes, not a photo\n", content_type="image/png"
    )

    with pytest.raises(PhotoRejected) as refused:
        process_photo(upload, **LIMITS)

    assert refused.value.code == "photo_unsupported_format"


def test_random_bytes_are_refused_as_unsupported():
    assert refusal_code(random.Random(3).randbytes(5000)) == "photo_unsupported_format"


def test_an_empty_upload_is_refused_as_empty():
    assert refusal_code(b"") == "photo_empty"


# --- Damaged data ---------------------------------------------------------------


def test_a_jpeg_cut_in_half_is_refused_as_corrupt():
    upload = encoded(photographic((640, 480)), "JPEG")

    assert refusal_code(upload[: len(upload) // 2]) == "photo_corrupt"


def test_a_jpeg_cut_inside_its_header_is_refused_as_corrupt():
    upload = encoded(photographic((64, 48)), "JPEG", exif=camera_exif(1))

    assert refusal_code(upload[:40]) == "photo_corrupt"


def test_a_png_with_a_damaged_image_chunk_is_refused_as_corrupt():
    upload = bytearray(encoded(photographic((64, 48)), "PNG"))
    image_data_at = upload.index(b"IDAT") + 4
    upload[image_data_at + 10] ^= 0xFF

    assert refusal_code(bytes(upload)) == "photo_corrupt"


def test_a_png_with_a_damaged_header_chunk_is_refused_as_corrupt():
    upload = bytearray(encoded(photographic((64, 48)), "PNG"))
    upload[18] ^= 0xFF  # inside IHDR; its CRC no longer matches

    assert refusal_code(bytes(upload)) == "photo_corrupt"


def test_loading_truncated_images_stays_switched_off():
    upload = encoded(photographic((640, 480)), "JPEG")
    refusal_code(upload[: len(upload) // 2])

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


# --- Pixel limit ----------------------------------------------------------------


def test_a_png_claiming_30000_by_30000_pixels_is_refused():
    assert refusal_code(png_with_header_size(30_000, 30_000)) == "photo_too_many_pixels"


def test_the_pixel_limit_is_checked_from_the_header_before_decoding(monkeypatch):
    # Given a header claiming 8000x8000 (below Pillow's own bomb limits) and a
    # decoder that must not run
    def refuse_to_decode(image):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse_to_decode)

    with pytest.raises(PhotoRejected) as refused:
        process_photo(
            io.BytesIO(png_with_header_size(8000, 8000)),
            max_bytes=15 * MB,
            max_pixels=63_999_999,
            max_side_pixels=12_000,
        )

    assert refused.value.code == "photo_too_many_pixels"
    assert refused.value.extra == {"max_pixels": 63_999_999}


def test_pillows_decompression_bomb_error_is_a_pixel_refusal_too():
    # Our limit is generous here; Pillow's own guard (2 x 89.5 MP) refuses first.
    upload = png_with_header_size(30_000, 30_000)

    assert refusal_code(upload, max_pixels=10**12) == "photo_too_many_pixels"
    assert Image.MAX_IMAGE_PIXELS == 89_478_485


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
def test_pillows_decompression_bomb_warning_raised_as_error_is_a_pixel_refusal():
    upload = png_with_header_size(10_000, 10_000)

    assert refusal_code(upload, max_pixels=10**12) == "photo_too_many_pixels"


def test_exactly_max_pixels_is_accepted():
    upload = encoded(photographic((100, 80)), "JPEG")

    photo = process_photo(
        io.BytesIO(upload), max_bytes=MB, max_pixels=8000, max_side_pixels=100
    )

    assert (photo.width, photo.height) == (100, 80)


def test_one_pixel_more_than_max_pixels_is_refused():
    upload = encoded(photographic((100, 80)), "JPEG")

    assert refusal_code(upload, max_pixels=7999) == "photo_too_many_pixels"


# --- Byte limit -----------------------------------------------------------------


class UnreadableUpload:
    """An upload that declares its size and must not be read."""

    def __init__(self, size: int):
        self.size = size

    def read(self, *args):
        raise AssertionError("the upload was read")


class CountingStream(io.BytesIO):
    def __init__(self, data: bytes):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_an_upload_declaring_20_mb_is_refused_without_being_read():
    with pytest.raises(PhotoRejected) as refused, translation.override("en"):
        process_photo(UnreadableUpload(20 * MB), **LIMITS)

    assert refused.value.code == "photo_too_large"
    assert refused.value.extra == {"max_bytes": 15 * MB}
    assert str(refused.value.detail) == "The photo is larger than 15 MB."


def test_a_20_mb_stream_without_a_size_is_read_only_up_to_the_limit():
    stream = CountingStream(b"\xff\xd8\xff" + bytes(20 * MB))

    with pytest.raises(PhotoRejected) as refused:
        process_photo(stream, **LIMITS)

    assert refused.value.code == "photo_too_large"
    assert stream.bytes_read == 15 * MB + 1


def as_upload(content: bytes, *, with_declared_size: bool):
    """A Django upload (which has `.size`) or a bare stream (which has not)."""
    if with_declared_size:
        return SimpleUploadedFile("a.jpg", content)
    return io.BytesIO(content)


@pytest.mark.parametrize("with_declared_size", [True, False])
def test_exactly_max_bytes_is_accepted(with_declared_size):
    content = encoded(photographic((64, 48)), "JPEG")
    upload = as_upload(content, with_declared_size=with_declared_size)

    photo = process_photo(
        upload, max_bytes=len(content), max_pixels=10_000, max_side_pixels=100
    )

    assert (photo.width, photo.height) == (64, 48)


@pytest.mark.parametrize("with_declared_size", [True, False])
def test_one_byte_more_than_max_bytes_is_refused(with_declared_size):
    content = encoded(photographic((64, 48)), "JPEG")
    upload = as_upload(content, with_declared_size=with_declared_size)

    with pytest.raises(PhotoRejected) as refused:
        process_photo(
            upload, max_bytes=len(content) - 1, max_pixels=10_000, max_side_pixels=100
        )

    assert refused.value.code == "photo_too_large"


def test_an_upload_already_read_by_someone_else_is_read_from_its_start():
    upload = SimpleUploadedFile("a.jpg", encoded(photographic((64, 48)), "JPEG"))
    upload.read()

    photo = process_photo(upload, **LIMITS)

    assert (photo.width, photo.height) == (64, 48)


# --- Hash -----------------------------------------------------------------------


def test_sha256_is_the_hash_of_the_display_file():
    photo = process_photo(
        io.BytesIO(encoded(photographic((640, 480)), "PNG")), **LIMITS
    )

    assert photo.sha256 == hashlib.sha256(photo.display).hexdigest()


def test_the_same_upload_gives_the_same_files_and_hash_twice():
    upload = encoded(photographic((2000, 1500)), "JPEG", exif=camera_exif(6))

    first = process_photo(io.BytesIO(upload), **LIMITS)
    second = process_photo(io.BytesIO(upload), **LIMITS)

    assert first.sha256 == second.sha256
    assert first.display == second.display
    assert first.thumbnail == second.thumbnail


# --- Reduced decoding -----------------------------------------------------------


def test_a_large_png_is_reduced_and_resized_before_it_is_turned_upright(monkeypatch):
    """A PNG cannot be decoded at reduced scale; it is reduced by a whole factor
    right after decoding and resized to the display, so only the display-sized
    copy is turned or converted."""
    turned_sizes = []
    real_transpose = Image.Image.transpose

    def recording_transpose(self, method):
        turned_sizes.append(self.size)
        return real_transpose(self, method)

    monkeypatch.setattr(Image.Image, "transpose", recording_transpose)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    upload = encoded(Image.new("RGB", (4000, 3000), RED), "PNG", exif=exif)

    photo = process_photo(io.BytesIO(upload), **LIMITS)

    # 4000 // 1600 = 2: reduced to half size, resized, then turned.
    assert turned_sizes == [(1600, 1200)]
    assert (photo.width, photo.height) == (1200, 1600)
    assert (photo.source_width, photo.source_height) == (3000, 4000)


def test_a_png_one_pixel_high_and_longer_than_the_longest_side_is_refused_unread(
    monkeypatch,
):
    def refuse_to_decode(self):
        raise AssertionError("decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse_to_decode)

    assert (
        refusal_code(png_with_header_size(50_000_000, 1), max_pixels=50_000_000)
        == "photo_side_too_long"
    )
    assert (
        refusal_code(png_with_header_size(1, 12_001), max_side_pixels=12_000)
        == "photo_side_too_long"
    )


def test_exactly_the_longest_side_is_accepted():
    upload = encoded(photographic((100, 80)), "JPEG")

    photo = process_photo(
        io.BytesIO(upload), max_bytes=MB, max_pixels=8000, max_side_pixels=100
    )

    assert photo.source_width == 100
    assert refusal_code(upload, max_side_pixels=99) == "photo_side_too_long"
