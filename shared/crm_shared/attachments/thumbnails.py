"""Thumbnails of images, made with Pillow when the image is uploaded (once, not per view)."""

from __future__ import annotations

import io
import warnings

from PIL import Image

from crm_shared.attachments.limits import THUMBNAIL_SIZE

MAX_PIXELS = 50_000_000
"""Larger images are refused as unreadable: a small file can declare a huge canvas (a
decompression bomb) that would take the api process's memory to decode."""


def thumbnail_of(content: bytes) -> bytes | None:
    """A PNG at most :data:`THUMBNAIL_SIZE` pixels a side, or None when the bytes do not decode
    as an image."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                if image.width * image.height > MAX_PIXELS:
                    return None
                image.seek(0)  # the first frame of an animation
                # Shrunk first (a JPEG is decoded at a reduced scale), converted once small:
                # converting a 50-megapixel photo first would take 200 MB.
                image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
                small = image if image.mode in ("RGB", "RGBA") else image.convert("RGBA")
                out = io.BytesIO()
                small.save(out, format="PNG", optimize=True)
                return out.getvalue()
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        return None
