"""What may be attached, declared once: the services check uploads against it, the gateway
refuses a too-large body early with the same number, and the docs quote it."""

from __future__ import annotations

MAX_SIZE_BYTES = 10 * 1024 * 1024
"""10 MiB: a phone photo of a business card or a scanned contract fits; it stays well under the
services' 16 MiB gRPC message limit (``crm_shared.grpc.server``), since an upload is one message."""

MAX_FILE_NAME_LENGTH = 255

ALLOWED_TYPES: dict[str, str] = {
    "image/jpeg": "image",
    "image/png": "image",
    "image/gif": "image",
    "image/webp": "image",
    "application/pdf": "pdf",
    "application/msword": "office",
    "application/vnd.ms-excel": "office",
    "application/vnd.ms-powerpoint": "office",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "office",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "office",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "office",
}
"""Media type (as sniffed from the content) -> family. Anything else (executables, archives,
scripts, HTML, SVG with its scripts) is refused."""

THUMBNAIL_SIZE = 256
"""A thumbnail fits in this many pixels on each side."""

DOWNLOAD_CHUNK_BYTES = 256 * 1024
"""Bytes per streamed download chunk."""
