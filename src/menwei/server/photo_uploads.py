"""Photos from a multipart upload, read into memory and never spooled to disk.

Starlette's form parser keeps each uploaded file in a ``SpooledTemporaryFile`` that moves to
a temporary file on disk past 1 MB, which would put a face image on disk. Here the whole body
is capped first (413 beyond it) and the parser's spool limit is set above that cap, so every
photo stays in memory and is gone when the request ends.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from menwei.server.domain.errors import InvalidRequest, PayloadTooLarge
from menwei.server.services.enrolment import MAX_PHOTOS
from menwei.text import Bilingual

MAX_PHOTO_BYTES = 10_000_000
"""Per photo; the engine also refuses too many pixels from the image header."""
MAX_BODY_BYTES = (MAX_PHOTOS + 1) * MAX_PHOTO_BYTES
"""The whole request: room for one photo too many, so that a sixth is refused by count."""


class PhotoTooLarge(PayloadTooLarge):
    code = "payload_too_large"


def too_large(what: str = "body", photo: int | None = None) -> PhotoTooLarge:
    limit = MAX_PHOTO_BYTES // 1_000_000
    if photo is not None:
        return PhotoTooLarge(
            message_id="photo_too_large",
            photo=photo,
            limit=limit,
            details={"photo": photo},
        )
    return PhotoTooLarge(
        message_id="photo_upload_too_large",
        max_photos=MAX_PHOTOS,
        limit=limit,
        details={"part": what},
    )


class _InMemoryParser(MultiPartParser):
    spool_max_size = MAX_BODY_BYTES + 1


async def _capped(request: Request) -> AsyncGenerator[bytes, None]:
    total = 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > MAX_BODY_BYTES:
            raise too_large()
        yield chunk


def _not_multipart(field: str) -> InvalidRequest:
    return InvalidRequest(
        code="validation_error",
        message_id="photos_not_multipart",
        field=field,
        details={"fields": [{"field": field, "problem": "missing", "type": "missing"}]},
    )


async def read_photos(request: Request, field: str) -> list[bytes]:
    """The files of ``field``, in order, as bytes held only in memory."""
    photos, _ = await read_upload(request, field)
    return photos


async def read_upload(request: Request, field: str) -> tuple[list[bytes], dict[str, str]]:
    """The files of ``field`` in memory, and the upload's plain text fields (last one wins)."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise _not_multipart(field)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise too_large()
    parser = _InMemoryParser(
        request.headers, _capped(request), max_files=MAX_PHOTOS + 1, max_fields=16
    )
    try:
        form = await parser.parse()
    except MultiPartException as error:
        raise InvalidRequest(
            code="invalid_upload",
            max_photos=MAX_PHOTOS,
            problem=Bilingual("", error.message),
        ) from None
    photos: list[bytes] = []
    fields: dict[str, str] = {}
    try:
        for name, value in form.multi_items():
            if name == field and isinstance(value, UploadFile):
                photos.append(await value.read())
            elif isinstance(value, str):
                fields[name] = value
    finally:
        await form.close()
    if not photos:
        raise _not_multipart(field)
    for index, photo in enumerate(photos):
        if len(photo) > MAX_PHOTO_BYTES:
            raise too_large(photo=index + 1)
    return photos, fields
