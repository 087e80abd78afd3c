"""values.schema.json rejects misspelt keys and wrong types; `helm lint` is clean."""

from __future__ import annotations

import importlib.util
import json
from typing import Any

import helm_python
import pytest
from chart_support import CHART, PROFILES, REPO, iter_schema_nodes, render_chart, user_values

SCHEMA = json.loads((CHART / "values.schema.json").read_text())


def nested(path: str, value: Any) -> dict[str, Any]:
    """ "a.b.c", v -> {"a": {"b": {"c": v}}}"""
    out: Any = value
    for key in reversed(path.split(".")):
        out = {key: out}
    return out


def test_schema_is_generated_from_its_source() -> None:
    spec = importlib.util.spec_from_file_location(
        "values_schema", REPO / "charts" / "values_schema.py"
    )
    module = importlib.util.module_from_spec(spec)
    assert spec.loader
    spec.loader.exec_module(module)
    assert (CHART / "values.schema.json").read_text() == module.render(), (
        "values.schema.json is stale: run `uv run python charts/values_schema.py`"
    )


def test_every_object_in_the_schema_is_closed() -> None:
    """additionalProperties: false everywhere, except typed maps and passthrough structures."""
    for path, node in iter_schema_nodes(SCHEMA):
        if node.get("type") != "object":
            continue
        if "passthrough" in node.get("$comment", ""):
            continue
        assert "additionalProperties" in node, f"{path} is open"
        closed = node["additionalProperties"] is False
        typed_map = isinstance(node["additionalProperties"], dict)
        assert closed or typed_map, path
        if typed_map:
            assert "properties" not in node, f"{path} mixes known keys with a map"


@pytest.mark.parametrize("profile", PROFILES)
def test_values_files_match_the_schema(profile: str) -> None:
    with helm_python.Chart.load(CHART) as chart:
        chart.validate_schema(chart.merge_values(user_values(profile)))


@pytest.mark.parametrize(
    "path",
    [
        "services.customer.replicaCont",
        "services.customer.api.replicaCont",
        "services.ticket.worker.keda.enabeld",
        "defaults.api.autoscaling.maxReplica",
        "defaults.migrate.backofLimit",
        "gateway.ingress.hots",
        "gateway.server.resource",
        "config.logLvel",
        "config.otel.endpoint",
        "secrets.amqp.secretName",
        "networkPolicy.dns.too",
        "devStack.postgres.passwd",
        "servics",
        "imagePullSecret",
    ],
)
def test_a_misspelt_key_is_rejected(path: str) -> None:
    with pytest.raises(helm_python.HelmValuesError, match=path.rsplit(".", 1)[-1]):
        render_chart(nested(path, 1))


def test_a_misspelt_service_name_is_rejected() -> None:
    """services.<typo> would otherwise become a new, broken service."""
    with pytest.raises(helm_python.HelmValuesError, match="custmer"):
        render_chart(nested("services.custmer.api.replicaCount", 3))


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("services.customer.api.replicaCount", "3"),
        ("defaults.api.autoscaling.enabled", "yes"),
        ("defaults.worker.keda.maxReplicaCount", 2.5),
        ("defaults.api.resources.memory", "lots"),
        ("defaults.api.resources.cpu", 1),
        ("defaults.api.calls", "customer"),
        ("defaults.api.calls", ["Customer!"]),
        ("config.logLevel", "VERBOSE"),
        ("config.amqpQueueType", "stream"),
        ("gateway.ingress.host", 123),
        ("gateway.demoMode", "true"),
        ("migrations.hooks", ["pre-delete"]),
        ("networkPolicy.amqp.ports", [{"port": 70000}]),
        ("securityContext.runAsUser", 0),
        ("image.pullPolicy", "Sometimes"),
        ("console.dashboardCacheSeconds", -1),
        ("console.dashboardCacheSeconds", 3601),
        ("console.dashboardCacheSeconds", "60"),
    ],
)
def test_a_wrong_type_or_value_is_rejected(path: str, value: Any) -> None:
    with pytest.raises(helm_python.HelmValuesError):
        render_chart(nested(path, value))


def test_the_schema_accepts_a_new_service_entry() -> None:
    """Adding a service is one values entry."""
    entry = {
        "image": {"repository": "crm-billing-service"},
        "databaseSecret": {"name": "crm-billing-database", "key": "url"},
        "api": {"calls": ["customer"]},
    }
    manifests = render_chart({"services": {"billing": entry}})
    deployments = manifests["crm/templates/deployment.yaml"]
    assert "name: crm-billing-api" in deployments and "name: crm-billing-worker" in deployments
    assert "name: crm-billing-migrate" in manifests["crm/templates/migrate-job.yaml"]


@pytest.mark.parametrize("profile", PROFILES)
def test_helm_lint_is_clean(profile: str) -> None:
    report = helm_python.lint(CHART, user_values(profile), strict=True, namespace="crm")
    problems = [m for m in report["messages"] if m["severity"] >= 2]  # 2 warning, 3 error
    assert not problems and not report["errors"], report


def test_helm_lint_reports_a_broken_values_file() -> None:
    report = helm_python.lint(CHART, nested("services.customer.api.replicaCont", 1))
    assert report["errors"]
