"""The attachment stores' one contract (``crm_shared.attachments.stores``), held by the local
folder and by the S3 adapter against a real S3 HTTP endpoint (moto's server on a free port,
reached by boto3 over HTTP as any S3-compatible store would be)."""

from __future__ import annotations

import pytest
from crm_shared.attachments import AttachmentStoreSettings, LocalFileStore, store_from_settings
from crm_shared.attachments.stores import ObjectMissing, S3Store

pytestmark = pytest.mark.integration

BUCKET = "crm-attachments"


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path, monkeypatch):
    if request.param == "local":
        return LocalFileStore(tmp_path / "attachments")
    endpoint = request.getfixturevalue("s3_endpoint")
    # boto3's own credential chain, as the chart gives it (the secret's env variables).
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    settings = AttachmentStoreSettings(
        attachment_store="s3",
        attachment_s3_bucket=BUCKET,
        attachment_s3_endpoint_url=endpoint,
        attachment_s3_region="us-east-1",
        attachment_s3_prefix="customer/",
    )
    store = store_from_settings(settings)
    assert isinstance(store, S3Store)
    store.client.create_bucket(Bucket=BUCKET)
    return store


def test_a_stored_object_reads_back_in_chunks_and_is_gone_after_delete(store):
    content = bytes(range(256)) * 1000  # 256,000 bytes: several chunks

    store.put("c1/a1", content, "application/pdf")
    chunks = list(store.chunks("c1/a1", chunk_size=64 * 1024))
    store.delete("c1/a1")
    store.delete("c1/a1")  # erasure may run twice: no error

    assert b"".join(chunks) == content and len(chunks) == 4
    with pytest.raises(ObjectMissing):
        store.chunks("c1/a1")


def test_a_missing_key_is_object_missing(store):
    with pytest.raises(ObjectMissing):
        store.chunks("c1/never-stored")


def test_the_local_store_keeps_keys_inside_its_folder(tmp_path):
    store = LocalFileStore(tmp_path / "attachments")
    with pytest.raises(ValueError):
        store.put("../outside", b"x", "application/pdf")
    assert not (tmp_path / "outside").exists()


def test_s3_needs_a_bucket():
    with pytest.raises(ValueError, match="ATTACHMENT_S3_BUCKET"):
        AttachmentStoreSettings(attachment_store="s3")
