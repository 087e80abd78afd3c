"""The attachment store's values (issue 20; docs/attachments.md): only the processes a service
names in its `attachments` get ATTACHMENT_* (the customer api, the sales and ticket apis and
workers by default); `local` is an emptyDir at ATTACHMENT_LOCAL_DIR, `s3` names the bucket and endpoint,
takes the key pair from the Secret under boto3's own names, opens egress to the store, and
refuses to render without a bucket."""

from __future__ import annotations

import helm_python
import pytest
from chart_support import (
    RELEASE,
    containers,
    env_of,
    parse,
    pod_spec,
    render_chart,
    rendered_profile,
)

S3 = {
    "attachments": {
        "store": "s3",
        "s3": {"bucket": "crm-files", "endpointUrl": "https://minio.storage.svc:9000"},
        "credentialsSecret": {"name": "crm-object-store"},
    },
    "networkPolicy": {"objectStore": {"ports": [{"port": 9000, "protocol": "TCP"}]}},
}


def _env(rendered, name: str) -> dict:
    (container,) = containers(rendered.get("Deployment", name))
    return env_of(container)


def test_by_default_the_customer_api_and_the_sales_and_ticket_processes_keep_files_locally():
    rendered = rendered_profile("default")
    api = rendered.get("Deployment", f"{RELEASE}-customer-api")
    env = _env(rendered, f"{RELEASE}-customer-api")
    (container,) = containers(api)

    assert env["ATTACHMENT_STORE"]["value"] == "local"
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert mounts["attachments"] == env["ATTACHMENT_LOCAL_DIR"]["value"]
    volumes = {v["name"]: v for v in pod_spec(api)["volumes"]}
    assert volumes["attachments"]["emptyDir"] == {"sizeLimit": "1Gi"}
    for name in ("ticket-api", "ticket-worker", "sales-api", "sales-worker"):
        assert _env(rendered, f"{RELEASE}-{name}")["ATTACHMENT_STORE"]["value"] == "local"
    for name in ("customer-worker", "marketing-api", "notification-worker", "gateway"):
        assert not any(k.startswith("ATTACHMENT_") for k in _env(rendered, f"{RELEASE}-{name}"))


def test_an_s3_store_gets_bucket_endpoint_key_pair_and_egress():
    rendered = parse("s3", render_chart(S3), S3)
    env = _env(rendered, f"{RELEASE}-customer-api")
    policy = rendered.get("NetworkPolicy", f"{RELEASE}-customer-api")

    assert {
        k: env[k]["value"]
        for k in ("ATTACHMENT_STORE", "ATTACHMENT_S3_BUCKET", "ATTACHMENT_S3_ENDPOINT_URL")
    } == {
        "ATTACHMENT_STORE": "s3",
        "ATTACHMENT_S3_BUCKET": "crm-files",
        "ATTACHMENT_S3_ENDPOINT_URL": "https://minio.storage.svc:9000",
    }
    assert env["AWS_ACCESS_KEY_ID"]["valueFrom"]["secretKeyRef"] == {
        "name": "crm-object-store",
        "key": "access-key-id",
    }
    assert env["AWS_SECRET_ACCESS_KEY"]["valueFrom"]["secretKeyRef"] == {
        "name": "crm-object-store",
        "key": "secret-access-key",
    }
    assert "ATTACHMENT_LOCAL_DIR" not in env
    assert {"ports": [{"port": 9000, "protocol": "TCP"}]} in policy["spec"]["egress"]
    marketing = rendered.get("NetworkPolicy", f"{RELEASE}-marketing-api")
    assert {"ports": [{"port": 9000, "protocol": "TCP"}]} not in marketing["spec"]["egress"]


def test_an_s3_store_without_a_bucket_does_not_render():
    with pytest.raises(helm_python.HelmError, match="attachments.s3.bucket"):
        render_chart({"attachments": {"store": "s3"}})
