"""`secretEnv`: a Secret's key in a process's environment (valueFrom.secretKeyRef), for every
role that has `env`; the notification worker's e-mail settings and its extra egress."""

from __future__ import annotations

from typing import Any

import helm_python
import pytest
from chart_support import (
    RELEASE,
    Rendered,
    containers,
    env_of,
    parse,
    render_chart,
    selects,
)

SMTP_SECRET_ENV = {
    "SMTP_USERNAME": {"name": "crm-smtp", "key": "username"},
    "SMTP_PASSWORD": {"name": "crm-smtp", "key": "password"},
}


def role(obj: dict[str, Any]) -> str:
    return obj["metadata"]["labels"]["app.kubernetes.io/component"]


def service(obj: dict[str, Any]) -> str:
    return obj["metadata"]["labels"]["app.kubernetes.io/name"]


def pod_env(owner: dict[str, Any]) -> dict[str, dict[str, Any]]:
    (container,) = containers(owner)
    return env_of(container)


def render(values: dict[str, Any]) -> Rendered:
    return parse("custom", render_chart(values), values)


# --- rendering ---------------------------------------------------------------------------


def test_every_role_takes_a_secret_key_as_an_environment_variable() -> None:
    ref = {"name": "crm-extra", "key": "token"}
    rendered = render(
        {
            "defaults": {
                "api": {"secretEnv": {"EXTRA_TOKEN": ref}},
                "worker": {"secretEnv": {"EXTRA_TOKEN": ref}},
                "migrate": {"secretEnv": {"EXTRA_TOKEN": ref}},
            },
            "gateway": {"server": {"secretEnv": {"EXTRA_TOKEN": ref}}},
            "console": {"server": {"secretEnv": {"EXTRA_TOKEN": ref}}},
        }
    )
    owners = [*rendered.of_kind("Deployment"), *rendered.jobs]
    assert {role(o) for o in owners} == {"api", "worker", "gateway", "console", "migrate"}
    for owner in owners:
        name = owner["metadata"]["name"]
        item = pod_env(owner)["EXTRA_TOKEN"]
        assert item == {"name": "EXTRA_TOKEN", "valueFrom": {"secretKeyRef": ref}}, name


def test_a_service_adds_its_own_secret_env_to_the_defaults() -> None:
    shared = {"name": "crm-shared", "key": "token", "optional": True}
    own = {"name": "crm-sales-extra", "key": "api-key"}
    rendered = render(
        {
            "defaults": {"api": {"secretEnv": {"SHARED_TOKEN": shared}}},
            "services": {"sales": {"api": {"secretEnv": {"SALES_API_KEY": own}}}},
        }
    )
    for api in rendered.components("api"):
        env = pod_env(api)
        assert env["SHARED_TOKEN"]["valueFrom"]["secretKeyRef"] == shared
        assert ("SALES_API_KEY" in env) == (service(api) == "sales")
    sales_env = pod_env(rendered.get("Deployment", f"{RELEASE}-sales-api"))
    assert sales_env["SALES_API_KEY"]["valueFrom"]["secretKeyRef"] == own


def test_a_name_in_both_env_and_secret_env_fails_the_render() -> None:
    worker = {
        "env": {"SMTP_PASSWORD": "plain"},
        "secretEnv": {"SMTP_PASSWORD": {"name": "crm-smtp", "key": "password"}},
    }
    with pytest.raises(helm_python.HelmError, match="both env and secretEnv"):
        render_chart({"services": {"notification": {"worker": worker}}})


# --- the schema --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "entries",
    [
        {"SMTP_PASSWORD": {"name": "crm-smtp"}},  # no key
        {"SMTP_PASSWORD": {"key": "password"}},  # no Secret name
        {"SMTP_PASSWORD": {"name": "crm-smtp", "key": "password", "secretName": "x"}},
        {"SMTP_PASSWORD": {"name": "Crm_Smtp", "key": "password"}},  # not a DNS name
        {"SMTP_PASSWORD": {"name": "crm-smtp", "key": "pass word"}},  # not a Secret key
        {"SMTP_PASSWORD": {"name": "crm-smtp", "key": "password", "optional": "yes"}},
        {"SMTP-PASSWORD": {"name": "crm-smtp", "key": "password"}},  # not an env name
        {"SMTP_PASSWORD": "s3cret"},  # an inline value
    ],
)
def test_the_schema_refuses_a_malformed_secret_env_entry(entries: dict[str, Any]) -> None:
    with pytest.raises(helm_python.HelmValuesError):
        render_chart({"services": {"notification": {"worker": {"secretEnv": entries}}}})


@pytest.mark.parametrize("place", ["defaults.api", "defaults.migrate", "gateway.server"])
def test_the_schema_checks_secret_env_wherever_it_is_allowed(place: str) -> None:
    values: dict[str, Any] = {"secretEnv": {"TOKEN": {"name": "crm-x"}}}
    for key in reversed(place.split(".")):
        values = {key: values}
    with pytest.raises(helm_python.HelmValuesError):
        render_chart(values)


# --- the notification worker's e-mail ----------------------------------------------------


def test_notification_worker_has_documented_smtp_defaults(rendered_default: Rendered) -> None:
    env = pod_env(rendered_default.get("Deployment", f"{RELEASE}-notification-worker"))
    assert env["SMTP_PORT"]["value"] == "25"
    assert env["SMTP_STARTTLS"]["value"] == env["SMTP_SSL"]["value"] == "false"
    assert env["SMTP_FROM"]["value"]
    # No cluster-wide guess for the relay: the operator names it.
    assert "SMTP_HOST" not in env
    # Credentials are never defaulted, nor inlined.
    assert "SMTP_USERNAME" not in env and "SMTP_PASSWORD" not in env


def test_prod_wires_smtp_login_from_a_secret_for_the_notification_worker_only(
    rendered_prod: Rendered,
) -> None:
    owners = [*rendered_prod.of_kind("Deployment"), *rendered_prod.jobs]
    notification_worker = f"{RELEASE}-notification-worker"
    for owner in owners:
        env = pod_env(owner)
        if owner["metadata"]["name"] != notification_worker:
            assert not {name for name in env if name.startswith("SMTP_")}, owner["metadata"]["name"]
            continue
        assert env["SMTP_STARTTLS"]["value"] == "true"
        assert env["SMTP_PORT"]["value"] == "587"
        assert env["SMTP_HOST"]["value"]
        for name, ref in SMTP_SECRET_ENV.items():
            assert "value" not in env[name], name
            assert env[name]["valueFrom"]["secretKeyRef"] == ref
    assert notification_worker in {o["metadata"]["name"] for o in owners}


def test_prod_lets_the_notification_worker_reach_smtp_and_webhooks(
    rendered_prod: Rendered,
) -> None:
    def egress_ports(policy: dict[str, Any]) -> set[int]:
        return {p["port"] for rule in policy["spec"]["egress"] for p in rule.get("ports", [])}

    worker = rendered_prod.get("Deployment", f"{RELEASE}-notification-worker")
    labels = worker["spec"]["template"]["metadata"]["labels"]
    for policy in rendered_prod.of_kind("NetworkPolicy"):
        if not policy["spec"]["podSelector"].get("matchLabels"):
            continue
        mine = policy["metadata"]["name"] != f"{RELEASE}-deny-all" and selects(
            policy["spec"]["podSelector"], labels
        )
        ports = egress_ports(policy) if "egress" in policy["spec"] else set()
        assert ({587, 443} <= ports) == mine, policy["metadata"]["name"]
