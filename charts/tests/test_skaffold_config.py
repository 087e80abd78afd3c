"""skaffold.yaml: one artifact per Dockerfile, image names the chart expects, helm deploy
through the chart, dev and prod profiles selecting values files (no list-position patches),
the gateway forwarded."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from chart_support import CHART, RELEASE, REPO, containers, parse, render_chart, rendered_profile
from image_support import IMAGES

SKAFFOLD = yaml.safe_load((REPO / "skaffold.yaml").read_text())
VALUES = yaml.safe_load((CHART / "values.yaml").read_text())


def sanitize(image: str) -> str:
    """Skaffold's name for an image in templates: '/' and '-' become '_'."""
    return re.sub(r"[/\-.]", "_", image)


def releases(config: dict[str, Any]) -> list[dict[str, Any]]:
    return config.get("deploy", {}).get("helm", {}).get("releases", [])


def chart_repository(member: str) -> str:
    if member in ("gateway", "console"):
        return VALUES[member]["image"]["repository"]
    return VALUES["services"][member.split("/")[1]]["image"]["repository"]


def value_path(member: str) -> str:
    if member in ("gateway", "console"):
        return f"{member}.image"
    return f"services.{member.split('/')[1]}.image"


def test_skaffold_schema_version() -> None:
    assert re.fullmatch(r"skaffold/v4beta\d+", SKAFFOLD["apiVersion"])
    assert SKAFFOLD["kind"] == "Config"


def test_every_dockerfile_has_exactly_one_artifact_and_back() -> None:
    artifacts = SKAFFOLD["build"]["artifacts"]
    by_dockerfile = {a["docker"]["dockerfile"]: a for a in artifacts}
    assert len(by_dockerfile) == len(artifacts), "two artifacts share a Dockerfile"
    expected = {f"{image.member}/Dockerfile" for image in IMAGES}
    assert set(by_dockerfile) == expected
    for artifact in artifacts:
        assert artifact.get("context", ".") == ".", "build context is the repository root"
        assert (REPO / artifact["docker"]["dockerfile"]).is_file()


def test_artifact_images_are_the_chart_repositories() -> None:
    by_dockerfile = {a["docker"]["dockerfile"]: a["image"] for a in SKAFFOLD["build"]["artifacts"]}
    for image in IMAGES:
        assert by_dockerfile[f"{image.member}/Dockerfile"] == chart_repository(image.member)
    # Every service in the chart is built.
    built = set(by_dockerfile.values())
    for name, spec in VALUES["services"].items():
        assert spec["image"]["repository"] in built, name


@pytest.mark.parametrize("profile", ["dev", "prod"])
def test_profiles_deploy_the_chart_with_their_values_file(profile: str) -> None:
    (entry,) = [p for p in SKAFFOLD["profiles"] if p["name"] == profile]
    assert "patches" not in entry, "profiles must not patch by list position"
    (release,) = releases(entry)
    assert release["name"] == RELEASE
    assert (REPO / release["chartPath"]).resolve() == CHART
    assert release["valuesFiles"] == [f"charts/crm/values-{profile}.yaml"]
    for path in release["valuesFiles"]:
        assert (REPO / path).is_file()


def test_no_list_position_patches_anywhere() -> None:
    text = (REPO / "skaffold.yaml").read_text()
    assert "patches:" not in text and not re.search(r"/\d+(/|$)", text.replace("://", ""))


def test_dev_profile_is_what_skaffold_dev_uses() -> None:
    (dev,) = [p for p in SKAFFOLD["profiles"] if p["name"] == "dev"]
    assert {"command": "dev"} in dev.get("activation", [])


def test_set_value_templates_cover_every_artifact() -> None:
    for config in [SKAFFOLD, *SKAFFOLD["profiles"]]:
        for release in releases(config):
            templates = release["setValueTemplates"]
            for artifact in SKAFFOLD["build"]["artifacts"]:
                member = artifact["docker"]["dockerfile"].rsplit("/", 1)[0]
                key = sanitize(artifact["image"])
                assert templates[f"{value_path(member)}.repository"] == f"{{{{.IMAGE_REPO_{key}}}}}"
                assert templates[f"{value_path(member)}.tag"] == f"{{{{.IMAGE_TAG_{key}}}}}"
            assert len(templates) == 2 * len(SKAFFOLD["build"]["artifacts"])
            assert release["setValues"] == {"image.registry": ""}


def expand_set_values(flat: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for dotted, value in flat.items():
        node = out
        *parents, leaf = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    return out


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        out[key] = (
            deep_merge(out[key], value)
            if isinstance(value, dict) and isinstance(out.get(key), dict)
            else value
        )
    return out


@pytest.mark.parametrize("profile", ["dev", "prod"])
def test_the_images_skaffold_builds_are_the_images_deployed(profile: str) -> None:
    """Render the chart the way skaffold deploys it (values file, then --set), with the
    templates filled in as skaffold would, and find every built image in the Deployments."""
    (entry,) = [p for p in SKAFFOLD["profiles"] if p["name"] == profile]
    (release,) = releases(entry)
    fake = {}
    for artifact in SKAFFOLD["build"]["artifacts"]:
        key = sanitize(artifact["image"])
        fake[f"IMAGE_REPO_{key}"] = f"registry.test/team/{artifact['image']}"
        fake[f"IMAGE_TAG_{key}"] = "v9-abc123"
    sets = {
        k: re.sub(r"\{\{\.(\w+)\}\}", lambda m: fake[m.group(1)], v)
        for k, v in release["setValueTemplates"].items()
    }
    sets.update(release["setValues"])
    values: dict[str, Any] = {}
    for path in release["valuesFiles"]:
        values = deep_merge(values, yaml.safe_load((REPO / path).read_text()))
    values = deep_merge(values, expand_set_values(sets))
    rendered = parse(profile, render_chart(values), {})
    deployed = {
        c["image"] for d in [*rendered.of_kind("Deployment"), *rendered.jobs] for c in containers(d)
    }
    built = {f"registry.test/team/{a['image']}:v9-abc123" for a in SKAFFOLD["build"]["artifacts"]}
    assert built == deployed


def test_gateway_and_console_are_port_forwarded() -> None:
    forwards = {f["resourceName"]: f for f in SKAFFOLD["portForward"]}
    dev = rendered_profile("dev")
    for name, port in (("gateway", 8080), ("console", 8090)):
        forward = forwards[f"{RELEASE}-{name}"]
        assert forward["resourceType"] == "service"
        assert forward["port"] == forward["localPort"] == port
        service = dev.get("Service", forward["resourceName"])
        assert service["spec"]["ports"][0]["port"] == forward["port"]
        assert service["metadata"]["labels"]["app.kubernetes.io/name"] == name


def test_buildkit_is_on_for_the_cache_mounts() -> None:
    assert SKAFFOLD["build"]["local"]["useBuildkit"] is True
