"""The upload attack corpus (tests/corpus/uploads/, made by make_uploads.py)
sent through the photo upload API by the visit's technician: every file is
refused with a 400 and its code, leaving no row and no file behind, or accepted
and cleaned (no EXIF, no GPS, turned upright). What each file must give is
written here by hand; a corpus file without an entry fails the test."""

from pathlib import Path

import pytest
from PIL import Image

from tests.visits.checklists.checklist_helpers import book, start_work, upload
from visits.checklists.models import Photo

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parent / "uploads"

SIDE = "photo_side_too_long"
PIXELS = "photo_too_many_pixels"
FORMAT = "photo_unsupported_format"
CORRUPT = "photo_corrupt"

# File -> the refusal's code, or the stored display size (upright).
EXPECTED: dict[str, str | tuple[int, int]] = {
    # Bombs: every side checked before decoding, then the pixel count.
    "bomb-png-1x50000000-wide.png": SIDE,
    "bomb-png-1x25000000-wide.png": SIDE,
    "bomb-png-50000000x1-tall.png": SIDE,
    "bomb-png-20000x2500-rgb.png": SIDE,
    "bomb-jpeg-65500x8-wide.jpg": SIDE,
    "bomb-png-header-100000x100000.png": PIXELS,
    "bomb-png-header-2147483647x1.png": PIXELS,
    # Just within both limits: decoded (bounded), reduced, accepted.
    "bomb-png-7071x7071-grey.png": (1600, 1600),
    "bomb-png-12000x4166-rgb.png": (1600, 555),
    # Formats not on the allow-list are never decoded.
    "bomb-gif-10000x10000.gif": FORMAT,
    "bomb-webp-16383x1024.webp": FORMAT,
    "bomb-tiff-20000x20000.tiff": FORMAT,
    # Huge headers on tiny files.
    "png-ztxt-one-chunk-4mb.png": CORRUPT,
    "png-ztxt-sixty-chunks-of-1mb.png": CORRUPT,
    "jpeg-exif-blob-60kb.jpg": (40, 20),
    "jpeg-app-segments-2x64kb.jpg": (40, 20),
    # Truncated. (A PNG cut only in its last checksum and IEND still holds
    # every pixel: it is decoded whole.)
    "truncated-jpeg-half.jpg": CORRUPT,
    "truncated-jpeg-header-only.jpg": CORRUPT,
    "truncated-png-no-iend.png": (40, 20),
    "truncated-png-signature-only.png": CORRUPT,
    # Polyglots: what trails the image is dropped by re-encoding; what
    # precedes it makes it no image.
    "polyglot-jpeg-then-zip.jpg": (40, 20),
    "polyglot-png-then-html.png": (40, 20),
    "polyglot-html-then-jpeg.jpg": FORMAT,
    # Renamed: judged by content, never by name.
    "renamed-png-as.jpg": (40, 20),
    "renamed-jpeg-as.png": (40, 20),
    "renamed-svg-as.jpg": FORMAT,
    "renamed-html-as.jpg": FORMAT,
    "renamed-pdf-as.jpg": FORMAT,
    "renamed-bmp-as.jpg": FORMAT,
    # Metadata: GPS dropped, orientation applied.
    "gps-jpeg.jpg": (40, 20),
    "gps-png-exif-chunk.png": (40, 20),
    "rotated-6-gps.jpg": (20, 40),
    "rotated-8-gps.jpg": (20, 40),
}
# The red half of the 40 x 20 original (left) once upright: orientation 6 is
# turned a quarter clockwise (left to top), 8 anticlockwise (left to bottom).
RED_HALF = {"rotated-6-gps.jpg": "top", "rotated-8-gps.jpg": "bottom"}
PHOTOS = sorted(
    path.name for path in CORPUS.iterdir() if not path.name.startswith("signature-")
)


def files_in(media_root) -> list[Path]:
    return [path for path in Path(media_root).rglob("*") if path.is_file()]


def is_red(pixel) -> bool:
    red, green, blue = pixel
    return red > 150 and green < 80 and blue < 80


def test_every_corpus_file_has_an_expected_outcome():
    assert sorted(EXPECTED) == PHOTOS


@pytest.mark.parametrize("name", PHOTOS)
def test_a_corpus_file_is_refused_with_its_code_or_stored_clean(
    api, technician, media_root, name
):
    visit = book(technician)
    api.as_user(technician)
    start_work(api, visit)
    data = (CORPUS / name).read_bytes()

    response = api.post(
        f"/api/v1/visits/{visit.id}/photos/",
        {"file": upload(name, data)},
        format="multipart",
    )

    expected = EXPECTED[name]
    if isinstance(expected, str):
        assert response.status_code == 400, response.content
        assert response.json()["code"] == expected
        assert response.json()["detail"]
        assert not Photo.objects.exists()
        assert files_in(media_root) == []
        return
    assert response.status_code == 201, response.content
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == expected
    stored = Path(photo.image.path).read_bytes()
    for secret in (b"Exif", b"CorpusCam", b"<script", b"PK\x03\x04", b"Comment"):
        assert secret not in stored
    with Image.open(photo.image.path) as image:
        assert image.format == "JPEG"
        assert image.size == expected
        assert not image.getexif()
        assert "exif" not in image.info
        if name in RED_HALF:
            image = image.convert("RGB")
            top, bottom = image.getpixel((10, 5)), image.getpixel((10, 35))
            assert is_red(top if RED_HALF[name] == "top" else bottom)
            assert not is_red(bottom if RED_HALF[name] == "top" else top)
