"""Helpers of the chart tests: the chart rendered once per values file with the real Helm
engine (helm-python-sdk binds Helm's Go SDK), parsed into objects.

Profiles: `default` (values.yaml alone), `dev` (+ values-dev.yaml), `prod` (+ values-prod.yaml),
exactly what `helm install -f <file>` and skaffold's profiles pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import helm_python
import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "charts" / "crm"
RELEASE = "crm"
NAMESPACE = "crm"
KUBE_VERSION = "1.33.0"
PROFILES = ("default", "dev", "prod")
VALUES_FILES = {
    "default": None,
    "dev": CHART / "values-dev.yaml",
    "prod": CHART / "values-prod.yaml",
}
WORKLOAD_KINDS = ("Deployment", "StatefulSet")
HOOK = "helm.sh/hook"


def user_values(profile: str) -> dict[str, Any] | None:
    path = VALUES_FILES[profile]
    return yaml.safe_load(path.read_text()) if path else None


@dataclass
class Rendered:
    """The output of one render: every object, NOTES.txt, and the values Helm used."""

    profile: str
    objects: list[dict[str, Any]]
    notes: str
    values: dict[str, Any]
    sources: dict[int, str] = field(default_factory=dict)  # id(object) -> template path

    def of_kind(self, *kinds: str) -> list[dict[str, Any]]:
        return [o for o in self.objects if o["kind"] in kinds]

    def get(self, kind: str, name: str) -> dict[str, Any]:
        for o in self.objects:
            if o["kind"] == kind and o["metadata"]["name"] == name:
                return o
        raise KeyError(f"{self.profile}: no {kind}/{name}")

    def has(self, kind: str, name: str) -> bool:
        return any(o["kind"] == kind and o["metadata"]["name"] == name for o in self.objects)

    @property
    def workloads(self) -> list[dict[str, Any]]:
        return self.of_kind(*WORKLOAD_KINDS)

    @property
    def jobs(self) -> list[dict[str, Any]]:
        return self.of_kind("Job")

    @property
    def migration_jobs(self) -> list[dict[str, Any]]:
        """The migration Jobs (component `migrate`), not the account bootstrap Jobs."""
        return [
            j
            for j in self.jobs
            if j["metadata"]["labels"]["app.kubernetes.io/component"] == "migrate"
        ]

    def components(self, role: str) -> list[dict[str, Any]]:
        """Deployments whose app.kubernetes.io/component is `role` (api, worker, gateway)."""
        return [
            d
            for d in self.of_kind("Deployment")
            if d["metadata"]["labels"]["app.kubernetes.io/component"] == role
        ]

    def secret_names(self, *, hooks: bool | None = None) -> set[str]:
        found = set()
        for o in self.of_kind("Secret"):
            is_hook = HOOK in (o["metadata"].get("annotations") or {})
            if hooks is None or hooks == is_hook:
                found.add(o["metadata"]["name"])
        return found


def render_chart(values: dict[str, Any] | None = None, **options: Any) -> dict[str, str]:
    with helm_python.Chart.load(CHART) as chart:
        return chart.render(values, name=RELEASE, namespace=NAMESPACE, **options)


def merged_values(values: dict[str, Any] | None) -> dict[str, Any]:
    with helm_python.Chart.load(CHART) as chart:
        return chart.merge_values(values)


def parse(profile: str, manifests: dict[str, str], values: dict[str, Any]) -> Rendered:
    objects: list[dict[str, Any]] = []
    sources: dict[int, str] = {}
    notes = ""
    for path, text in sorted(manifests.items()):
        if path.endswith("NOTES.txt"):
            notes = text
            continue
        for document in yaml.safe_load_all(text):
            if document:
                objects.append(document)
                sources[id(document)] = path
    return Rendered(profile, objects, notes, values, sources)


@cache
def rendered_profile(profile: str) -> Rendered:
    values = user_values(profile)
    return parse(profile, render_chart(values), merged_values(values))


# --- small helpers shared by the test modules -------------------------------------------


def pod_spec(obj: dict[str, Any]) -> dict[str, Any]:
    return obj["spec"]["template"]["spec"]


def pod_labels(obj: dict[str, Any]) -> dict[str, str]:
    return obj["spec"]["template"]["metadata"]["labels"]


def containers(obj: dict[str, Any]) -> list[dict[str, Any]]:
    spec = pod_spec(obj)
    return [*spec.get("initContainers", []), *spec["containers"]]


def env_of(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in container.get("env", [])}


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """Does a LabelSelector (matchLabels only, as this chart writes them) select `labels`?"""
    assert not selector.get("matchExpressions"), "the chart only writes matchLabels"
    return all(labels.get(k) == v for k, v in (selector.get("matchLabels") or {}).items())


def enabled_services(values: dict[str, Any]) -> list[str]:
    return sorted(name for name, spec in values["services"].items() if spec.get("enabled", True))


def component_values(values: dict[str, Any], service: str, role: str) -> dict[str, Any]:
    """defaults.<role> merged with services.<service>.<role> (maps merge, the rest replaces)."""
    if service in ("gateway", "console"):
        return values[service]["server"]

    def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
        out = dict(base)
        for key, value in override.items():
            if isinstance(value, dict) and isinstance(out.get(key), dict):
                out[key] = merge(out[key], value)
            else:
                out[key] = value
        return out

    return merge(values["defaults"][role], values["services"][service].get(role) or {})


def iter_schema_nodes(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from iter_schema_nodes(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from iter_schema_nodes(value, f"{path}/{index}")
