"""Every object the chart renders is a valid Kubernetes object of a current release."""

from __future__ import annotations

import jsonschema
import keda_schemas
import kubernetes_validate
from chart_support import KUBE_VERSION, RELEASE, Rendered

RECOMMENDED_LABELS = (
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/component",
    "app.kubernetes.io/part-of",
    "app.kubernetes.io/version",
    "app.kubernetes.io/managed-by",
)


def validation_error(obj: dict) -> str | None:
    """None when `obj` is valid; else a one-line reason (the libraries' messages are pages long)."""
    try:
        if obj["apiVersion"].startswith("keda.sh/"):
            keda_schemas.validate(obj)
        else:
            kubernetes_validate.validate(obj, KUBE_VERSION, strict=True)
    except (kubernetes_validate.ValidationError, jsonschema.ValidationError) as error:
        where = "/".join(str(part) for part in error.path)
        return f"{obj['kind']}/{obj['metadata']['name']} at {where or '.'}: {error.message[:300]}"
    except (kubernetes_validate.SchemaNotFoundError, KeyError):
        return f"{obj['kind']} ({obj['apiVersion']}): no schema to validate it against"
    return None


def test_renders_objects(rendered: Rendered) -> None:
    kinds = {o["kind"] for o in rendered.objects}
    for kind in (
        "ConfigMap",
        "Deployment",
        "Service",
        "ServiceAccount",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "NetworkPolicy",
        "Job",
    ):
        assert kind in kinds, f"{rendered.profile}: no {kind} rendered"


def test_every_object_is_valid_for_kubernetes(rendered: Rendered) -> None:
    errors = [e for e in map(validation_error, rendered.objects) if e]
    assert not errors, f"{rendered.profile}:\n" + "\n".join(errors)


def test_validation_catches_an_invalid_object(rendered_default: Rendered) -> None:
    """The validator in use rejects an unknown field and a wrong type (strict mode)."""
    deployment = rendered_default.of_kind("Deployment")[0]
    broken = {**deployment, "spec": {**deployment["spec"], "replicaz": 2}}
    assert validation_error(broken)
    broken = {**deployment, "spec": {**deployment["spec"], "revisionHistoryLimit": "five"}}
    assert validation_error(broken)


def test_keda_validation_catches_an_invalid_object(rendered_prod: Rendered) -> None:
    scaled = rendered_prod.of_kind("ScaledObject")[0]
    assert validation_error(scaled) is None
    broken = {**scaled, "spec": {**scaled["spec"], "maxReplicas": 3}}
    assert validation_error(broken)


def test_names_are_unique(rendered: Rendered) -> None:
    seen: set[tuple[str, str]] = set()
    for obj in rendered.objects:
        key = (obj["kind"], obj["metadata"]["name"])
        assert key not in seen, f"{rendered.profile}: {key} rendered twice"
        seen.add(key)


def test_names_carry_the_release_name(rendered: Rendered) -> None:
    """Two releases can share a namespace (only the Secrets the user names are global)."""
    referenced_secrets = rendered.secret_names()
    for obj in rendered.objects:
        name = obj["metadata"]["name"]
        if obj["kind"] == "Secret" and name in referenced_secrets and not name.startswith(RELEASE):
            continue  # dev Secrets take the names the values reference
        assert name.startswith(f"{RELEASE}-"), f"{obj['kind']}/{name}"
        assert len(name) <= 63


def test_every_object_has_the_recommended_labels(rendered: Rendered) -> None:
    for obj in rendered.objects:
        labels = obj["metadata"].get("labels") or {}
        missing = [key for key in (*RECOMMENDED_LABELS, "helm.sh/chart") if not labels.get(key)]
        assert not missing, (
            f"{rendered.profile}: {obj['kind']}/{obj['metadata']['name']} lacks {missing}"
        )
        assert labels["app.kubernetes.io/instance"] == RELEASE
        assert labels["app.kubernetes.io/part-of"] == "crm"
        assert labels["app.kubernetes.io/managed-by"] == "Helm"


def test_notes_tell_what_to_do_next(rendered: Rendered) -> None:
    notes = rendered.notes
    assert "gateway" in notes
    if rendered.values["gateway"]["ingress"]["enabled"]:
        assert rendered.values["gateway"]["ingress"]["host"] in notes
    else:
        assert "port-forward svc/crm-gateway 8080:8080" in notes
    if not rendered.values["devStack"]["enabled"]:
        # The installer is told which Secrets to create.
        for service, spec in rendered.values["services"].items():
            assert spec["databaseSecret"]["name"] in notes, service
        assert rendered.values["secrets"]["amqp"]["name"] in notes
        assert rendered.values["secrets"]["jwt"]["name"] in notes
