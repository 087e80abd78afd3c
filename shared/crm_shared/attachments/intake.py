"""An upload checked before anything is stored: name, size, and the type sniffed from the first
bytes with ``filetype`` (never from the file name or a client's Content-Type: a ``.pdf`` that is
a PNG is stored as a PNG, a renamed ``.exe`` is refused)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import filetype

from crm_shared.attachments import thumbnails
from crm_shared.attachments.limits import ALLOWED_TYPES, MAX_FILE_NAME_LENGTH, MAX_SIZE_BYTES
from crm_shared.errors import FieldViolation


@dataclass(frozen=True)
class Upload:
    """A file that passed :func:`check_upload`."""

    file_name: str
    content: bytes
    content_type: str
    sha256: str
    thumbnail: bytes | None  # PNG, for images


def sniff(content: bytes) -> str | None:
    kind = filetype.guess(content)
    return kind.mime if kind is not None else None


def check_upload(
    file_name: str, content: bytes, *, name_field: str = "file_name", content_field: str = "content"
) -> tuple[Upload | None, list[FieldViolation]]:
    """The upload, or the field violations that refuse it (nothing is stored then)."""
    violations: list[FieldViolation] = []
    name = file_name.strip()
    if not name:
        violations.append(FieldViolation(name_field, "is required"))
    elif len(name) > MAX_FILE_NAME_LENGTH:
        violations.append(
            FieldViolation(name_field, f"must be at most {MAX_FILE_NAME_LENGTH} characters")
        )
    elif any(ch in name for ch in "/\\\x00") or any(ord(ch) < 32 for ch in name):
        violations.append(FieldViolation(name_field, "must be a file name, without a folder"))
    content_type = None
    if not content:
        violations.append(FieldViolation(content_field, "is required (an empty file)"))
    elif len(content) > MAX_SIZE_BYTES:
        violations.append(
            FieldViolation(content_field, f"must be at most {MAX_SIZE_BYTES // (1024 * 1024)} MiB")
        )
    else:
        content_type = sniff(content)
        if content_type not in ALLOWED_TYPES:
            violations.append(
                FieldViolation(
                    content_field,
                    # written out whole: the console finds its translation by this text
                    "must be an image (JPEG, PNG, GIF, WebP), a PDF or an Office document; "
                    f"this file is {content_type or 'of an unknown type'}",
                )
            )
    thumbnail = None
    if not violations and ALLOWED_TYPES[content_type] == "image":
        thumbnail = thumbnails.thumbnail_of(content)
        if thumbnail is None:  # the magic number says image, the rest does not decode
            violations.append(FieldViolation(content_field, "is not a readable image"))
    if violations:
        return None, violations
    return (
        Upload(
            file_name=name,
            content=content,
            content_type=content_type,
            sha256=hashlib.sha256(content).hexdigest(),
            thumbnail=thumbnail,
        ),
        [],
    )
