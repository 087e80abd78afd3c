"""The chart README documents every value (and only real ones); the deployment guide exists."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import yaml
from chart_support import CHART, REPO

VALUES = yaml.safe_load((CHART / "values.yaml").read_text())
README = (CHART / "README.md").read_text()
ROW = re.compile(r"^\| `([^`]+)` \| (.+) \| (.+) \|$")


def leaves(node: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict) and node:
        for key, value in node.items():
            yield from leaves(value, f"{prefix}.{key}" if prefix else key)
    else:
        yield prefix, node


def documented() -> dict[str, tuple[str, str]]:
    rows = {}
    for line in README.splitlines():
        match = ROW.match(line)
        if match:
            rows[match.group(1)] = (match.group(2).strip(), match.group(3).strip())
    return rows


def generic(path: str) -> str:
    parts = path.split(".")
    if parts[0] == "services" and len(parts) > 2:
        parts[1] = "<name>"
    return ".".join(parts)


def test_every_value_is_documented_with_its_default() -> None:
    rows = documented()
    assert rows, "no values table in README.md"
    for path, default in leaves(VALUES):
        key = generic(path)
        if path.startswith("services.") and not path.startswith("services.customer."):
            # Other services' entries use keys documented under services.<name>.
            assert any(key == row or key.startswith(row + ".") for row in rows), key
            continue
        assert key in rows, f"README.md does not document `{key}`"
        description, shown = rows[key]
        assert description, key
        if shown != "per service":
            assert shown == f"`{json.dumps(default)}`", (
                f"{key}: README says {shown}, values.yaml {default!r}"
            )


def test_no_documented_value_is_stale() -> None:
    keys = {generic(path) for path, _ in leaves(VALUES)}
    for row in documented():
        assert row in keys, f"README.md documents `{row}`, which values.yaml does not have"


def test_deployment_guide_covers_scaling_and_sizing() -> None:
    guide = (REPO / "docs" / "deployment.md").read_text()
    for word in (
        "customer",
        "sales",
        "ticket",
        "marketing",
        "notification",
        "gateway",
        "HPA",
        "KEDA",
        "PodDisruptionBudget",
        "memory",
    ):
        assert word in guide, word


def test_deployment_guide_covers_email_webhooks_and_key_rotation() -> None:
    guide = (REPO / "docs" / "deployment.md").read_text()
    for phrase in (
        "### Notification e-mail and webhooks",
        "### Rotating the field-encryption key",
        "SMTP_HOST",
        "SMTP_PASSWORD",
        "secretEnv",
        "back-off",
        "FIELD_ENCRYPTION_PREVIOUS_KEYS",
        "rollout restart",
    ):
        assert phrase in guide, phrase
