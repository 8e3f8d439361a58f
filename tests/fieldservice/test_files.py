"""Files written with a database write are removed when the write fails."""

import pytest

from fieldservice.files import undone_on_error
from visits.checklists.models import Photo


def _write_then_fail(photo: Photo, written: list[str]) -> None:
    with undone_on_error() as files:
        files.save(photo.image, "display.jpg", b"picture")
        files.save(photo.thumbnail, "thumbnail.jpg", b"small")
        written += [photo.image.name, photo.thumbnail.name]
        assert all(photo.image.storage.exists(name) for name in written)
        raise RuntimeError("the row could not be saved")


def test_files_written_in_a_failed_block_are_deleted():
    photo = Photo(visit_id=1, sha256="ab" * 32)
    written: list[str] = []

    with pytest.raises(RuntimeError):
        _write_then_fail(photo, written)

    assert len(written) == 2
    assert not any(photo.image.storage.exists(name) for name in written)


def test_files_written_in_a_block_that_succeeds_stay():
    photo = Photo(visit_id=1, sha256="cd" * 32)

    with undone_on_error() as files:
        files.save(photo.image, "display.jpg", b"picture")

    assert photo.image.storage.exists(photo.image.name)
    photo.image.storage.delete(photo.image.name)
