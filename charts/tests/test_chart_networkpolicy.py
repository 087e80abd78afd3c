"""NetworkPolicies: deny-all, then per component only its real callers in, and DNS, OTLP,
the broker, its database and its callees out. The call graph lives in the values."""

from __future__ import annotations

from typing import Any

import pytest
from chart_support import (
    RELEASE,
    Rendered,
    component_values,
    containers,
    enabled_services,
    env_of,
    parse,
    pod_labels,
    render_chart,
    selects,
)


def policies(rendered: Rendered) -> list[dict[str, Any]]:
    return rendered.of_kind("NetworkPolicy")


def deny_all(rendered: Rendered) -> dict[str, Any]:
    return rendered.get("NetworkPolicy", f"{RELEASE}-deny-all")


def policies_for(rendered: Rendered, labels: dict[str, str]) -> list[dict[str, Any]]:
    """Policies other than deny-all that select pods with these labels."""
    return [
        p
        for p in policies(rendered)
        if p["metadata"]["name"] != f"{RELEASE}-deny-all"
        and selects(p["spec"]["podSelector"], labels)
    ]


def peer_identity(peer: dict[str, Any]) -> tuple[str, str] | None:
    """(service, component) of a same-namespace pod peer of this release, else None."""
    if set(peer) != {"podSelector"}:
        return None
    labels = peer["podSelector"].get("matchLabels", {})
    if labels.get("app.kubernetes.io/instance") != RELEASE:
        return None
    return labels.get("app.kubernetes.io/name"), labels.get("app.kubernetes.io/component")


def identity(obj: dict[str, Any]) -> tuple[str, str]:
    labels = obj["metadata"]["labels"]
    return labels["app.kubernetes.io/name"], labels["app.kubernetes.io/component"]


def expected_callers(values: dict[str, Any], callee: str) -> set[tuple[str, str]]:
    callers = set()
    for svc in enabled_services(values):
        for role in ("api", "worker"):
            if callee in component_values(values, svc, role)["calls"]:
                callers.add((svc, role))
    if callee in values["gateway"]["server"]["calls"]:
        callers.add(("gateway", "gateway"))
    if values["console"]["enabled"] and callee in values["console"]["server"]["calls"]:
        callers.add(("console", "console"))
    return callers


def egress_ports(policy: dict[str, Any]) -> set[tuple[int | str, str]]:
    return {
        (port["port"], port.get("protocol", "TCP"))
        for rule in policy["spec"].get("egress", [])
        for port in rule.get("ports", [])
    }


def test_deny_all_covers_every_pod_of_the_release(rendered: Rendered) -> None:
    policy = deny_all(rendered)["spec"]
    assert set(policy["policyTypes"]) == {"Ingress", "Egress"}
    assert not policy.get("ingress") and not policy.get("egress")
    for owner in [*rendered.workloads, *rendered.jobs]:
        assert selects(policy["podSelector"], pod_labels(owner)), owner["metadata"]["name"]


def test_every_pod_has_exactly_one_allow_policy(rendered: Rendered) -> None:
    for owner in [*rendered.workloads, *rendered.jobs]:
        found = policies_for(rendered, pod_labels(owner))
        assert len(found) == 1, (
            f"{rendered.profile}: {owner['metadata']['name']}: {len(found)} policies"
        )
        assert set(found[0]["spec"]["policyTypes"]) == {"Ingress", "Egress"}


def test_apis_admit_only_their_real_callers(rendered: Rendered) -> None:
    for api in rendered.components("api"):
        service, _ = identity(api)
        (policy,) = policies_for(rendered, pod_labels(api))
        rules = policy["spec"].get("ingress", [])
        admitted = {peer_identity(peer) for rule in rules for peer in rule.get("from", [])}
        admitted.discard(None)
        assert admitted == expected_callers(rendered.values, service), (
            f"{rendered.profile}: {service}"
        )
        for rule in rules:
            assert rule.get("from"), "a rule without `from` admits everyone"
            assert [p["port"] for p in rule["ports"]] == ["grpc"]


def test_customer_api_callers(rendered: Rendered) -> None:
    """The documented graph, spelled out once."""
    assert expected_callers(rendered.values, "customer") == {
        ("gateway", "gateway"),
        ("console", "console"),
        ("sales", "api"),
        ("sales", "worker"),
        ("ticket", "api"),
        ("ticket", "worker"),
        ("marketing", "api"),  # the dispatcher reads each message's address as it sends
        ("notification", "api"),  # an export asks whether its caller sees the customer
    }
    assert expected_callers(rendered.values, "notification") == {
        ("gateway", "gateway"),
        ("console", "console"),
        ("marketing", "api"),  # the sending queue's dispatcher runs beside the api
    }


def test_workers_and_migrations_admit_nobody(rendered: Rendered) -> None:
    for owner in [*rendered.components("worker"), *rendered.jobs]:
        (policy,) = policies_for(rendered, pod_labels(owner))
        assert policy["spec"]["ingress"] == [], owner["metadata"]["name"]


def test_gateway_admits_only_the_configured_peers(rendered: Rendered) -> None:
    """allowFrom (the ingress controller), the console (it signs people in), every api (it
    polls the token watermarks) and the components whose service has its own account (they
    fetch tokens); test_chart_client_credentials.py checks the latter."""
    (gateway,) = rendered.components("gateway")
    (policy,) = policies_for(rendered, pod_labels(gateway))
    allowed = rendered.values["gateway"]["server"]["allowFrom"]
    token_clients = {
        (svc, role)
        for svc in enabled_services(rendered.values)
        if rendered.values["services"][svc].get("clientCredentials")
        for role in ("api", "worker")
    }
    if rendered.values["console"]["enabled"]:
        token_clients.add(("console", "console"))
    token_clients |= {(svc, "api") for svc in enabled_services(rendered.values)}
    rules = policy["spec"]["ingress"]
    if not allowed and not token_clients:
        assert rules == []
    else:
        peers = [peer for rule in rules for peer in rule["from"]]
        assert {peer_identity(p) for p in peers if peer_identity(p)} == token_clients
        assert [p for p in peers if not peer_identity(p)] == allowed
        assert [p["port"] for rule in rules for p in rule["ports"]] == ["http"]


def test_components_reach_exactly_their_callees(rendered: Rendered) -> None:
    for deployment in rendered.of_kind("Deployment"):
        service, role = identity(deployment)
        (policy,) = policies_for(rendered, pod_labels(deployment))
        reached = set()
        for rule in policy["spec"]["egress"]:
            for peer in rule.get("to", []):
                ident = peer_identity(peer)
                if ident and ident[1] == "api":
                    reached.add(ident[0])
                    assert rule["ports"] == [{"port": 50051, "protocol": "TCP"}]
        calls = set(component_values(rendered.values, service, role)["calls"])
        assert reached == calls, f"{rendered.profile}: {service}-{role}"


def test_egress_to_dns_otlp_broker_and_database(rendered: Rendered) -> None:
    np = rendered.values["networkPolicy"]
    dev = rendered.values["devStack"]["enabled"]
    amqp = {(5672, "TCP")} if dev else {(p["port"], p["protocol"]) for p in np["amqp"]["ports"]}
    database = (
        {(5432, "TCP")} if dev else {(p["port"], p["protocol"]) for p in np["database"]["ports"]}
    )
    dns = {(53, "UDP"), (53, "TCP")}
    otlp = {(p["port"], p["protocol"]) for p in np["otlp"]["ports"]}
    for deployment in rendered.of_kind("Deployment"):
        (policy,) = policies_for(rendered, pod_labels(deployment))
        ports = egress_ports(policy)
        if identity(deployment)[1] == "console":  # holds nothing: no broker, no database
            assert dns | otlp <= ports
            assert not (amqp | database) & ports - {(8080, "TCP"), (50051, "TCP")}
            continue
        for needed in (dns, otlp, amqp, database):
            assert needed <= ports, f"{deployment['metadata']['name']}: {needed} not in {ports}"
    for job in rendered.migration_jobs:
        (policy,) = policies_for(rendered, pod_labels(job))
        ports = egress_ports(policy)
        # migrations reach the database and the broker (to declare queues), nothing else
        assert ports == dns | database | amqp, f"{job['metadata']['name']}: {ports}"


def test_dev_egress_targets_the_in_release_stack(rendered_dev: Rendered) -> None:
    (api,) = [d for d in rendered_dev.components("api") if identity(d)[0] == "ticket"]
    (policy,) = policies_for(rendered_dev, pod_labels(api))
    targets = {
        peer_identity(peer) for rule in policy["spec"]["egress"] for peer in rule.get("to", [])
    }
    assert {("postgres", "database"), ("rabbitmq", "broker")} <= targets
    for name in ("postgres", "rabbitmq"):
        (own,) = policies_for(
            rendered_dev, pod_labels(rendered_dev.get("StatefulSet", f"{RELEASE}-{name}"))
        )
        (rule,) = own["spec"]["ingress"]
        assert rule["from"] == [
            {
                "podSelector": {
                    "matchLabels": {
                        "app.kubernetes.io/part-of": "crm",
                        "app.kubernetes.io/instance": RELEASE,
                    }
                }
            }
        ]


def test_prod_egress_is_restricted_to_the_external_endpoints(rendered_prod: Rendered) -> None:
    api = rendered_prod.components("api")[0]
    (policy,) = policies_for(rendered_prod, pod_labels(api))
    for rule in policy["spec"]["egress"]:
        assert rule.get("to"), f"prod egress rule open to any destination: {rule}"


def test_adding_an_edge_is_a_values_change() -> None:
    values = {"services": {"notification": {"worker": {"calls": ["customer"]}}}}
    rendered = parse("edge", render_chart(values), {})
    worker = rendered.get("Deployment", f"{RELEASE}-notification-worker")
    assert (
        env_of(containers(worker)[0])["CUSTOMER_ADDR"]["value"] == f"{RELEASE}-customer-api:50051"
    )
    (egress,) = policies_for(rendered, pod_labels(worker))
    reached = {peer_identity(p) for r in egress["spec"]["egress"] for p in r.get("to", [])}
    assert ("customer", "api") in reached
    (ingress,) = policies_for(
        rendered, pod_labels(rendered.get("Deployment", f"{RELEASE}-customer-api"))
    )
    admitted = {peer_identity(p) for r in ingress["spec"]["ingress"] for p in r["from"]}
    assert ("notification", "worker") in admitted


def test_an_edge_to_an_unknown_service_fails_the_render() -> None:
    import helm_python

    with pytest.raises(helm_python.HelmError, match="custmer"):
        render_chart({"services": {"ticket": {"api": {"calls": ["custmer"]}}}})
    with pytest.raises(helm_python.HelmError, match="is not an enabled service"):
        render_chart({"services": {"customer": {"enabled": False}}})


# --- the console ---------------------------------------------------------------------------


def test_console_reaches_the_gateway_and_the_five_apis_only(rendered: Rendered) -> None:
    (console,) = rendered.components("console")
    (policy,) = policies_for(rendered, pod_labels(console))
    reached = {}
    for rule in policy["spec"]["egress"]:
        for peer in rule.get("to", []):
            ident = peer_identity(peer)
            if ident:
                reached[ident] = rule["ports"]
    apis = {(svc, "api") for svc in ("customer", "sales", "ticket", "marketing", "notification")}
    assert set(reached) == apis | {("gateway", "gateway")}, rendered.profile
    assert reached[("gateway", "gateway")] == [{"port": 8080, "protocol": "TCP"}]
    for api in apis:
        assert reached[api] == [{"port": 50051, "protocol": "TCP"}]
    # Nothing open to any destination except DNS and the OTLP collector's ports.
    np = rendered.values["networkPolicy"]
    open_ports = {
        (p["port"], p.get("protocol", "TCP"))
        for rule in policy["spec"]["egress"]
        if not rule.get("to")
        for p in rule["ports"]
    }
    allowed = {(p["port"], p["protocol"]) for p in np["dns"]["ports"] + np["otlp"]["ports"]}
    assert open_ports <= allowed, open_ports


def test_the_five_apis_and_the_gateway_admit_the_console(rendered: Rendered) -> None:
    for deployment in [*rendered.components("api"), *rendered.components("gateway")]:
        (policy,) = policies_for(rendered, pod_labels(deployment))
        admitted = {peer_identity(p) for r in policy["spec"]["ingress"] for p in r.get("from", [])}
        assert ("console", "console") in admitted, deployment["metadata"]["name"]


def test_console_admits_the_ingress_controller_only(rendered: Rendered) -> None:
    (console,) = rendered.components("console")
    (policy,) = policies_for(rendered, pod_labels(console))
    allowed = rendered.values["console"]["server"]["allowFrom"]
    rules = policy["spec"]["ingress"]
    if not allowed:
        assert rules == [], rendered.profile
    else:
        (rule,) = rules
        assert rule["from"] == allowed
        assert rule["ports"] == [{"port": "http", "protocol": "TCP"}]


def test_without_the_console_no_policy_mentions_it() -> None:
    rendered = parse("no-console", render_chart({"console": {"enabled": False}}), {})
    assert not rendered.components("console")
    for policy in policies(rendered):
        for rule in policy["spec"].get("ingress") or []:
            assert ("console", "console") not in {peer_identity(p) for p in rule.get("from", [])}
