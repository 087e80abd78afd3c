"""Attachments: files on records (customers, contacts, tickets, follow-ups, quotes, contracts).

One library for every owning service (issue 20; design in ``docs/attachments.md``):

* :mod:`.limits` – what may be attached (images, PDF, Office documents) and how large, declared once;
* :mod:`.intake` – an upload checked against those limits, its type sniffed from the bytes;
* :mod:`.thumbnails` – the small picture of an image;
* :mod:`.stores` – where the bytes live: the local file system (``make run``) or any
  S3-compatible object store, behind one interface, chosen by :class:`.stores.AttachmentStoreSettings`;
* :mod:`.records` – an owning service's rows (the columns as a mixin) and storing, streaming,
  deleting and erasing them with their objects;
* :mod:`.calls` – the bodies of the service's four RPCs (create, list, download, delete), given
  how it finds its record.

The owning service keeps an ``attachments`` table and checks visibility (its own rule for the
record) before every upload, list, download and delete; this package knows no callers.
"""

from crm_shared.attachments.intake import Upload, check_upload
from crm_shared.attachments.limits import ALLOWED_TYPES, MAX_FILE_NAME_LENGTH, MAX_SIZE_BYTES
from crm_shared.attachments.stores import (
    AttachmentStoreSettings,
    LocalFileStore,
    ObjectStore,
    S3Store,
    store_from_settings,
)

__all__ = [
    "ALLOWED_TYPES",
    "MAX_FILE_NAME_LENGTH",
    "MAX_SIZE_BYTES",
    "AttachmentStoreSettings",
    "LocalFileStore",
    "ObjectStore",
    "S3Store",
    "Upload",
    "check_upload",
    "store_from_settings",
]
