"""File writes that go with a database write: a file saved inside
`undone_on_error()` is deleted again when the block fails, so a refused or
failed write leaves no orphan photo or signature on disk.

Write files last in a service, just before the rows that name them. A rollback
of an enclosing transaction after this block succeeded is not seen here (Django
has no rollback callback); the services that write files are the outermost
transaction of their request, so that case does not arise on their paths.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile


class FileWrites:
    def __init__(self) -> None:
        self._written: list[tuple[object, str]] = []

    def save(self, field: FieldFile, name: str, content: bytes) -> None:
        """Saves `content` into the file field (the row itself is not saved)."""
        field.save(name, ContentFile(content), save=False)
        self._written.append((field.storage, field.name))

    def undo(self) -> None:
        for storage, name in reversed(self._written):
            storage.delete(name)  # type: ignore[attr-defined]
        self._written.clear()


@contextmanager
def undone_on_error() -> Iterator[FileWrites]:
    writes = FileWrites()
    try:
        yield writes
    except BaseException:
        writes.undo()
        raise
