"""Where attachment bytes live: one small interface, two implementations.

* :class:`LocalFileStore` – a folder on the local file system; the default, so ``make run`` and
  the tests need no object store.
* :class:`S3Store` – any S3-compatible object store (AWS S3, MinIO, Ceph, OSS/COS through their S3
  APIs) through boto3. Credentials come from boto3's own chain (``AWS_ACCESS_KEY_ID`` /
  ``AWS_SECRET_ACCESS_KEY`` from the chart's secret, or the pod's role), never from our settings,
  so no secret passes through a settings object or a log line.

Keys are chosen by the owning service (``<service>/<attachment id>``), never by a caller.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Literal, Protocol

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from crm_shared.attachments.limits import DOWNLOAD_CHUNK_BYTES


class ObjectMissing(LookupError):
    """The key names no stored object."""


class ObjectStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def chunks(self, key: str, chunk_size: int = DOWNLOAD_CHUNK_BYTES) -> Iterator[bytes]:
        """The object's bytes, a chunk at a time; :class:`ObjectMissing` when there is none."""
        ...

    def delete(self, key: str) -> None:
        """Remove the object; no error when it is already gone (erasure may be repeated)."""
        ...


class LocalFileStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise ValueError(f"attachment key {key!r} leaves the store's folder")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside and renamed: a reader never sees half a file.
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def chunks(self, key: str, chunk_size: int = DOWNLOAD_CHUNK_BYTES) -> Iterator[bytes]:
        try:
            source = self._path(key).open("rb")
        except FileNotFoundError:
            raise ObjectMissing(key) from None
        return _read_chunks(source, chunk_size)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def _read_chunks(source, chunk_size: int) -> Iterator[bytes]:
    with source:
        while chunk := source.read(chunk_size):
            yield chunk


class S3Store:
    def __init__(self, bucket: str, *, client=None, prefix: str = "", **client_options) -> None:
        import boto3  # only a process configured for S3 pays for importing boto3

        self.bucket = bucket
        self.prefix = prefix
        self.client = client or boto3.client("s3", **client_options)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=self.prefix + key, Body=data, ContentType=content_type
        )

    def chunks(self, key: str, chunk_size: int = DOWNLOAD_CHUNK_BYTES) -> Iterator[bytes]:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
        except self.client.exceptions.NoSuchKey:
            raise ObjectMissing(key) from None
        return answer["Body"].iter_chunks(chunk_size)

    def delete(self, key: str) -> None:
        # S3 answers a delete of a missing key with success: repeated erasure is harmless.
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + key)


class AttachmentStoreSettings(BaseSettings):
    """Mixed into the settings of a process that holds attachments (rows in the configuration
    table of the README; the chart's ``attachments`` values)."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", case_sensitive=False)

    attachment_store: Literal["local", "s3"] = "local"
    attachment_local_dir: Path = Path("var/attachments")
    attachment_s3_bucket: str | None = None
    attachment_s3_endpoint_url: str | None = None  # unset: AWS S3 itself
    attachment_s3_region: str | None = None
    attachment_s3_prefix: str = ""  # e.g. "customer/" when services share a bucket

    @model_validator(mode="after")
    def _s3_needs_a_bucket(self):
        if self.attachment_store == "s3" and not self.attachment_s3_bucket:
            raise ValueError("ATTACHMENT_STORE=s3 needs ATTACHMENT_S3_BUCKET")
        return self


def store_from_settings(settings: object = None) -> ObjectStore:
    """The store ``settings`` name when they are :class:`AttachmentStoreSettings`; otherwise
    (no settings: an in-process test, a worker handler called directly) the environment's."""
    if not isinstance(settings, AttachmentStoreSettings):
        settings = AttachmentStoreSettings()
    if settings.attachment_store == "s3":
        options = {}
        if settings.attachment_s3_endpoint_url:
            options["endpoint_url"] = settings.attachment_s3_endpoint_url
        if settings.attachment_s3_region:
            options["region_name"] = settings.attachment_s3_region
        return S3Store(
            settings.attachment_s3_bucket, prefix=settings.attachment_s3_prefix, **options
        )
    return LocalFileStore(settings.attachment_local_dir)
