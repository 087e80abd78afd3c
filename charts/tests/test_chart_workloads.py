"""Every workload (Deployment, StatefulSet, migration Job): probes, resources, security,
labels, service accounts, disruption budgets, autoscaling, environment and images."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from chart_support import (
    CHART,
    HOOK,
    RELEASE,
    Rendered,
    component_values,
    containers,
    enabled_services,
    env_of,
    merged_values,
    parse,
    pod_labels,
    pod_spec,
    render_chart,
    selects,
)

APP_VERSION = yaml.safe_load((CHART / "Chart.yaml").read_text())["appVersion"]
PORTS = {
    "api": ("grpc", 50051),
    "worker": ("http", 8000),
    "gateway": ("http", 8080),
    "console": ("http", 8090),
}
# The top-level entries of the values that are one component each (not a `services` entry).
SINGLE = ("gateway", "console")


def all_pod_owners(rendered: Rendered) -> list[dict[str, Any]]:
    return [*rendered.workloads, *rendered.jobs]


def named_port(container: dict[str, Any], port: int | str) -> int:
    if isinstance(port, int):
        return port
    for item in container.get("ports", []):
        if item["name"] == port:
            return item["containerPort"]
    raise AssertionError(f"container {container['name']} has no port named {port}")


def role(obj: dict[str, Any]) -> str:
    return obj["metadata"]["labels"]["app.kubernetes.io/component"]


def service(obj: dict[str, Any]) -> str:
    return obj["metadata"]["labels"]["app.kubernetes.io/name"]


# --- probes ------------------------------------------------------------------------------


def test_every_workload_has_startup_readiness_and_liveness_probes(rendered: Rendered) -> None:
    for workload in rendered.workloads:
        for container in containers(workload):
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                assert probe in container, (
                    f"{workload['metadata']['name']}/{container['name']}: no {probe}"
                )


def test_apis_use_native_grpc_probes_on_50051(rendered: Rendered) -> None:
    apis = rendered.components("api")
    assert len(apis) == len(enabled_services(rendered.values))
    for api in apis:
        (container,) = containers(api)
        # Readiness asks the server ("": database and broker reachable); startup and liveness
        # ask "liveness" (the process), so a broker outage does not restart every api pod.
        assert container["readinessProbe"].get("grpc") == {"port": 50051}, api["metadata"]["name"]
        for probe in ("startupProbe", "livenessProbe"):
            assert container[probe].get("grpc") == {"port": 50051, "service": "liveness"}, (
                f"{api['metadata']['name']} {probe}"
            )
        assert {"name": "grpc", "containerPort": 50051, "protocol": "TCP"} in container["ports"]


@pytest.mark.parametrize("component", ["worker", "gateway", "console"])
def test_http_processes_probe_healthz_and_readyz(rendered: Rendered, component: str) -> None:
    port_name, port = PORTS[component]
    found = rendered.components(component)
    assert found
    for deployment in found:
        (container,) = containers(deployment)
        expected_paths = {
            "startupProbe": "/healthz",
            "livenessProbe": "/healthz",
            "readinessProbe": "/readyz",
        }
        for probe, path in expected_paths.items():
            http = container[probe]["httpGet"]
            assert http["path"] == path, f"{deployment['metadata']['name']} {probe}"
            assert named_port(container, http["port"]) == port
        assert {"name": port_name, "containerPort": port, "protocol": "TCP"} in container["ports"]


# --- resources ---------------------------------------------------------------------------


def test_every_container_requests_resources_with_memory_limit_equal_to_request(
    rendered: Rendered,
) -> None:
    for owner in all_pod_owners(rendered):
        for container in containers(owner):
            where = f"{rendered.profile}: {owner['kind']}/{owner['metadata']['name']}/{container['name']}"
            resources = container.get("resources") or {}
            requests, limits = resources.get("requests") or {}, resources.get("limits") or {}
            assert requests.get("cpu"), f"{where}: no CPU request"
            assert requests.get("memory"), f"{where}: no memory request"
            assert limits.get("memory") == requests["memory"], f"{where}: memory limit != request"


def test_resources_follow_the_values(rendered: Rendered) -> None:
    for deployment in rendered.of_kind("Deployment"):
        expected = component_values(rendered.values, service(deployment), role(deployment))[
            "resources"
        ]
        (container,) = containers(deployment)
        assert container["resources"]["requests"] == {
            "cpu": expected["cpu"],
            "memory": expected["memory"],
        }


# --- security ----------------------------------------------------------------------------


def test_pods_and_containers_are_locked_down(rendered: Rendered) -> None:
    for owner in all_pod_owners(rendered):
        spec = pod_spec(owner)
        name = f"{rendered.profile}: {owner['kind']}/{owner['metadata']['name']}"
        pod = spec.get("securityContext") or {}
        assert pod.get("runAsNonRoot") is True, name
        assert pod.get("runAsUser", 0) > 0, name
        assert pod.get("seccompProfile") == {"type": "RuntimeDefault"}, name
        assert (
            not spec.get("hostNetwork") and not spec.get("hostPID") and not spec.get("hostIPC")
        ), name
        for container in containers(owner):
            sc = container.get("securityContext") or {}
            where = f"{name}/{container['name']}"
            assert sc.get("runAsNonRoot") is True, where
            assert sc.get("readOnlyRootFilesystem") is True, where
            assert sc.get("allowPrivilegeEscalation") is False, where
            assert sc.get("privileged", False) is False, where
            assert sc.get("capabilities", {}).get("drop") == ["ALL"], where
            assert not sc.get("capabilities", {}).get("add"), where
            assert sc.get("seccompProfile") == {"type": "RuntimeDefault"}, where


def test_read_only_root_filesystem_has_a_writable_tmp(rendered: Rendered) -> None:
    for owner in all_pod_owners(rendered):
        spec = pod_spec(owner)
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for container in containers(owner):
            mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
            assert "/tmp" in mounts, f"{owner['metadata']['name']}/{container['name']}"
            assert "emptyDir" in volumes[mounts["/tmp"]]


def test_no_service_account_token_is_mounted(rendered: Rendered) -> None:
    accounts = {sa["metadata"]["name"]: sa for sa in rendered.of_kind("ServiceAccount")}
    for sa in accounts.values():
        assert sa.get("automountServiceAccountToken") is False, sa["metadata"]["name"]
    for owner in all_pod_owners(rendered):
        spec = pod_spec(owner)
        assert spec.get("automountServiceAccountToken") is False, owner["metadata"]["name"]
        assert spec.get("serviceAccountName") in accounts, owner["metadata"]["name"]


def test_each_component_has_its_own_service_account(rendered: Rendered) -> None:
    deployments = rendered.of_kind("Deployment")
    names = [pod_spec(d)["serviceAccountName"] for d in deployments]
    assert len(set(names)) == len(names)


def test_jwt_private_key_reaches_the_gateway_only(rendered: Rendered) -> None:
    jwt = rendered.values["secrets"]["jwt"]
    for deployment in rendered.of_kind("Deployment"):
        volumes = {v["name"]: v for v in pod_spec(deployment)["volumes"]}
        items = {item["key"] for item in volumes["jwt"]["secret"]["items"]}
        (container,) = containers(deployment)
        env = env_of(container)
        assert volumes["jwt"]["secret"]["secretName"] == jwt["name"]
        assert env["JWT_PUBLIC_KEY_FILE"]["value"] == "/etc/crm/jwt/public.pem"
        mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
        assert mounts["/etc/crm/jwt"]["readOnly"] is True
        if role(deployment) == "gateway":
            assert items == {jwt["publicKey"], jwt["privateKey"]}
            assert env["JWT_PRIVATE_KEY_FILE"]["value"] == "/etc/crm/jwt/private.pem"
        else:
            assert items == {jwt["publicKey"]}, deployment["metadata"]["name"]
            assert "JWT_PRIVATE_KEY_FILE" not in env


# --- labels ------------------------------------------------------------------------------


def test_pods_carry_the_recommended_labels_and_selectors_match(rendered: Rendered) -> None:
    for owner in all_pod_owners(rendered):
        labels = pod_labels(owner)
        for key in (
            "app.kubernetes.io/name",
            "app.kubernetes.io/instance",
            "app.kubernetes.io/component",
            "app.kubernetes.io/part-of",
            "app.kubernetes.io/version",
            "app.kubernetes.io/managed-by",
        ):
            assert labels.get(key), f"{owner['metadata']['name']}: pod lacks {key}"
        assert labels["app.kubernetes.io/instance"] == RELEASE
        if owner["kind"] != "Job":
            assert selects(owner["spec"]["selector"], labels)


def test_selectors_do_not_overlap(rendered: Rendered) -> None:
    for workload in rendered.workloads:
        others = [w for w in rendered.workloads if w is not workload]
        for other in others:
            assert not selects(workload["spec"]["selector"], pod_labels(other)), (
                f"{workload['metadata']['name']} selects the pods of {other['metadata']['name']}"
            )


def test_otel_service_name_comes_from_the_pod_label(rendered: Rendered) -> None:
    for owner in [*rendered.of_kind("Deployment"), *rendered.jobs]:
        for container in containers(owner):
            env = env_of(container)["OTEL_SERVICE_NAME"]
            assert (
                env["valueFrom"]["fieldRef"]["fieldPath"]
                == "metadata.labels['app.kubernetes.io/name']"
            )
        assert pod_labels(owner)["app.kubernetes.io/name"] == service(owner)


# --- disruption budgets and autoscaling --------------------------------------------------


def test_every_workload_has_a_pod_disruption_budget(rendered: Rendered) -> None:
    budgets = rendered.of_kind("PodDisruptionBudget")
    for workload in rendered.workloads:
        matching = [b for b in budgets if selects(b["spec"]["selector"], pod_labels(workload))]
        assert len(matching) == 1, (
            f"{rendered.profile}: {workload['metadata']['name']} has {len(matching)} PDBs"
        )
        spec = matching[0]["spec"]
        # A budget that blocks every eviction would block node drains.
        assert spec.get("maxUnavailable", 0) != 0 or "minAvailable" not in spec


def test_every_api_and_the_gateway_have_an_hpa(rendered: Rendered) -> None:
    hpas = {
        h["spec"]["scaleTargetRef"]["name"]: h for h in rendered.of_kind("HorizontalPodAutoscaler")
    }
    for deployment in [*rendered.components("api"), *rendered.components("gateway")]:
        name = deployment["metadata"]["name"]
        assert name in hpas, f"{rendered.profile}: no HPA for {name}"
        hpa = hpas[name]["spec"]
        assert hpa["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": name,
        }
        assert 1 <= hpa["minReplicas"] <= hpa["maxReplicas"]
        assert hpa["metrics"][0]["resource"]["name"] == "cpu"
        # The HPA owns the count: a replicas field would fight it at every upgrade.
        assert "replicas" not in deployment["spec"], name


def test_hpa_bounds_follow_each_departments_values(rendered_prod: Rendered) -> None:
    hpas = {
        h["spec"]["scaleTargetRef"]["name"]: h["spec"]
        for h in rendered_prod.of_kind("HorizontalPodAutoscaler")
    }
    for svc in enabled_services(rendered_prod.values):
        expected = component_values(rendered_prod.values, svc, "api")["autoscaling"]
        hpa = hpas[f"{RELEASE}-{svc}-api"]
        assert (hpa["minReplicas"], hpa["maxReplicas"]) == (
            expected["minReplicas"],
            expected["maxReplicas"],
        )
    # Departments really differ in prod (customer is looked up by everyone).
    assert (
        hpas[f"{RELEASE}-customer-api"]["maxReplicas"]
        > hpas[f"{RELEASE}-notification-api"]["maxReplicas"]
    )


def test_workers_scale_on_queue_depth_with_keda_in_prod(rendered_prod: Rendered) -> None:
    scaled = {s["spec"]["scaleTargetRef"]["name"]: s for s in rendered_prod.of_kind("ScaledObject")}
    auth = {a["metadata"]["name"] for a in rendered_prod.of_kind("TriggerAuthentication")}
    workers = rendered_prod.components("worker")
    assert workers and {w["metadata"]["name"] for w in workers} == set(scaled)
    for worker in workers:
        name = worker["metadata"]["name"]
        spec = scaled[name]["spec"]
        (trigger,) = spec["triggers"]
        assert trigger["type"] == "rabbitmq"
        assert trigger["authenticationRef"]["name"] in auth
        assert trigger["metadata"]["queueName"] == rf"^evt-.+--{service(worker)}\.[A-Za-z0-9_]+$"
        expected = component_values(rendered_prod.values, service(worker), "worker")["keda"]
        assert spec["maxReplicaCount"] == expected["maxReplicaCount"]
        assert "replicas" not in worker["spec"], name


def test_keda_is_off_by_default(rendered_default: Rendered, rendered_dev: Rendered) -> None:
    for rendered in (rendered_default, rendered_dev):
        assert not rendered.of_kind("ScaledObject", "TriggerAuthentication")
        for worker in rendered.components("worker"):
            assert worker["spec"]["replicas"] >= 1


def test_a_service_can_turn_off_what_the_defaults_turn_on() -> None:
    """false/0 overrides win (Sprig's merge would silently keep the default)."""
    from chart_support import parse, render_chart

    values = {
        "services": {"sales": {"api": {"autoscaling": {"enabled": False}, "replicaCount": 0}}}
    }
    rendered = parse("custom", render_chart(values), {})
    sales = rendered.get("Deployment", f"{RELEASE}-sales-api")
    assert sales["spec"]["replicas"] == 0
    targets = {
        h["spec"]["scaleTargetRef"]["name"] for h in rendered.of_kind("HorizontalPodAutoscaler")
    }
    assert f"{RELEASE}-sales-api" not in targets
    assert f"{RELEASE}-customer-api" in targets


# --- environment, commands and images ----------------------------------------------------


def test_processes_run_the_right_sub_command(rendered: Rendered) -> None:
    for deployment in rendered.of_kind("Deployment"):
        (container,) = containers(deployment)
        expected = {
            "api": ["api"],
            "worker": ["worker"],
            "gateway": ["serve"],
            "console": ["serve"],
        }[role(deployment)]
        assert container["args"] == expected
        assert "command" not in container  # the image's ENTRYPOINT is the console script
        assert container["name"] == role(deployment)


def test_images_follow_the_values(rendered: Rendered) -> None:
    values = rendered.values
    for owner in [*rendered.of_kind("Deployment"), *rendered.jobs]:
        svc = service(owner)
        image = values[svc]["image"] if svc in SINGLE else values["services"][svc]["image"]
        tag = image["tag"] or values["image"]["tag"] or APP_VERSION
        repository = image["repository"]
        if values["image"]["registry"]:
            repository = f"{values['image']['registry']}/{repository}"
        for container in containers(owner):
            assert container["image"] == f"{repository}:{tag}", owner["metadata"]["name"]


def test_secrets_are_referenced_not_inlined(rendered: Rendered) -> None:
    values = rendered.values
    for deployment in rendered.of_kind("Deployment"):
        svc = service(deployment)
        env = env_of(containers(deployment)[0])
        if svc == "console":  # no database, no broker: only its session key, from a Secret
            assert "DATABASE_URL" not in env and "AMQP_URL" not in env
            ref = env["CONSOLE_SECRET_KEY"]["valueFrom"]["secretKeyRef"]
            assert (
                ref == values["console"]["secretKey"] and "value" not in env["CONSOLE_SECRET_KEY"]
            )
            continue
        spec = values["gateway"] if svc == "gateway" else values["services"][svc]
        assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"] == spec["databaseSecret"]
        assert env["AMQP_URL"]["valueFrom"]["secretKeyRef"] == values["secrets"]["amqp"]
        for item in env.values():
            assert not str(item.get("value", "")).startswith(("postgresql", "amqp")), item


STAFF_ADDRESS_HOLDERS = {("gateway", "gateway"), ("notification", "worker")}
"""Who gets the staff-address key (Secret crm-staff-addresses) as FIELD_ENCRYPTION_KEY: the
gateway seals a staff member's e-mail and phone in identity.user_upserted with it, the
notification worker opens them to send (crm_shared.staff_addresses); nobody else."""


def test_field_encryption_key_goes_to_the_apis_of_the_services_that_ask_for_it(
    rendered: Rendered,
) -> None:
    values = rendered.values
    for deployment in rendered.of_kind("Deployment"):
        svc = service(deployment)
        env = env_of(containers(deployment)[0])
        wanted = (
            role(deployment) == "api"
            and svc not in SINGLE
            and values["services"][svc]["fieldEncryption"]
        )
        staff = (svc, role(deployment)) in STAFF_ADDRESS_HOLDERS
        name = deployment["metadata"]["name"]
        assert ("FIELD_ENCRYPTION_KEY" in env) == bool(wanted or staff), name
        if wanted:
            secret = values["secrets"]["fieldEncryption"]
            assert env["FIELD_ENCRYPTION_KEY"]["valueFrom"]["secretKeyRef"] == {
                "name": secret["name"],
                "key": secret["key"],
            }
        if staff:
            assert env["FIELD_ENCRYPTION_KEY"]["valueFrom"]["secretKeyRef"] == {
                "name": "crm-staff-addresses",
                "key": "key",
            }
    assert values["services"]["customer"]["fieldEncryption"] is True


def test_the_customer_worker_gets_no_field_encryption_key(
    rendered_default: Rendered, rendered_prod: Rendered
) -> None:
    """The worker only handles events (timeline, value class, handover, erasure
    acknowledgements) and never seals or opens a personal field: a compromised worker pod
    must not hold the key that opens every ID-card and bank number."""
    for rendered in (rendered_default, rendered_prod):
        (worker,) = [w for w in rendered.components("worker") if service(w) == "customer"]
        (api,) = [a for a in rendered.components("api") if service(a) == "customer"]
        assert "FIELD_ENCRYPTION_KEY" in env_of(containers(api)[0])
        for container in containers(worker):
            env = env_of(container)
            assert not {"FIELD_ENCRYPTION_KEY", "FIELD_ENCRYPTION_PREVIOUS_KEYS"} & set(env)
            for source in container.get("envFrom", []):
                assert source.get("secretRef", {}).get("name") != (
                    rendered.values["secrets"]["fieldEncryption"]["name"]
                )
        mounted = {v.get("secret", {}).get("secretName") for v in pod_spec(worker).get("volumes", [])}
        assert rendered.values["secrets"]["fieldEncryption"]["name"] not in mounted


def test_previous_field_encryption_keys_are_optional_and_only_where_encryption_is(
    rendered: Rendered,
) -> None:
    """FIELD_ENCRYPTION_PREVIOUS_KEYS: same Secret, optional key (absent outside a rotation)."""
    values = rendered.values
    secret = values["secrets"]["fieldEncryption"]
    for owner in [*rendered.of_kind("Deployment"), *rendered.jobs]:
        svc = service(owner)
        env = env_of(containers(owner)[0])
        wanted = (
            role(owner) == "api"
            and svc not in SINGLE
            and values["services"][svc]["fieldEncryption"]
        )
        staff = (svc, role(owner)) in STAFF_ADDRESS_HOLDERS
        assert ("FIELD_ENCRYPTION_PREVIOUS_KEYS" in env) == bool(wanted or staff), (
            owner["metadata"]["name"]
        )
        if wanted or staff:
            item = env["FIELD_ENCRYPTION_PREVIOUS_KEYS"]
            assert "value" not in item
            assert item["valueFrom"]["secretKeyRef"] == (
                {"name": secret["name"], "key": secret["previousKeys"], "optional": True}
                if wanted
                else {"name": "crm-staff-addresses", "key": "previous-keys", "optional": True}
            )
    assert any(
        "FIELD_ENCRYPTION_PREVIOUS_KEYS" in env_of(containers(d)[0])
        for d in rendered.components("api")
    )


def test_peer_addresses_are_exactly_the_calls(rendered: Rendered) -> None:
    for deployment in rendered.of_kind("Deployment"):
        calls = component_values(rendered.values, service(deployment), role(deployment))["calls"]
        env = env_of(containers(deployment)[0])
        addrs = {name: item["value"] for name, item in env.items() if name.endswith("_ADDR")}
        assert addrs == {f"{peer.upper()}_ADDR": f"{RELEASE}-{peer}-api:50051" for peer in calls}


def test_the_call_graph_is_the_documented_one(rendered: Rendered) -> None:
    graph = {
        (service(d), role(d)): set(component_values(rendered.values, service(d), role(d))["calls"])
        for d in rendered.of_kind("Deployment")
    }
    everyone = set(enabled_services(rendered.values))
    assert graph[("gateway", "gateway")] == everyone
    assert graph[("console", "console")] == everyone  # pages call every api as the user
    assert graph[("ticket", "api")] == graph[("ticket", "worker")] == {"customer"}
    # the sales api also checks the campaign a write names at the marketing api
    assert graph[("sales", "api")] == {"customer", "marketing"}
    assert graph[("sales", "worker")] == {"customer"}
    # the dispatcher beside the api: each address from the customer api at send time, the
    # message to the notification api; an unsubscribe withdraws consent at the customer api
    assert graph[("marketing", "api")] == {"notification", "customer"}
    # a personal-data export asks the customer api whether its caller sees the customer
    assert graph[("notification", "api")] == {"customer"}
    assert graph[("marketing", "worker")] == set()
    assert graph[("notification", "worker")] == set()


def test_process_settings(rendered: Rendered) -> None:
    values = rendered.values
    config = rendered.get("ConfigMap", f"{RELEASE}-config")["data"]
    assert config["JWT_ISSUER"] == values["config"]["jwtIssuer"]
    assert config["JWT_REVOCATIONS_URL"] == (
        f"http://{RELEASE}-gateway:8080/.well-known/token-revocations")
    assert "JWT_AUDIENCE" not in config  # each process verifies its own audience
    assert config["LOG_LEVEL"] == values["config"]["logLevel"]
    endpoint = values["config"]["otel"]["exporterEndpoint"]
    assert config.get("OTEL_EXPORTER_OTLP_ENDPOINT", "") == endpoint
    for deployment in rendered.of_kind("Deployment"):
        (container,) = containers(deployment)
        assert {"configMapRef": {"name": f"{RELEASE}-config"}} in container["envFrom"]
        env = {name: item.get("value") for name, item in env_of(container).items()}
        if role(deployment) == "api":
            assert env["GRPC_PORT"] == "50051"
            assert env["GRPC_REFLECTION"] == str(values["config"]["grpcReflection"]).lower()
        if role(deployment) == "worker":
            assert env["WORKER_HTTP_PORT"] == "8000"
            assert config["AMQP_QUEUE_TYPE"] == values["config"]["amqpQueueType"] == "quorum"
        if role(deployment) == "gateway":
            assert env["DEMO_MODE"] == str(values["gateway"]["demoMode"]).lower()
        if role(deployment) == "console":
            assert env["CONSOLE_PORT"] == "8090"
            assert env["GATEWAY_URL"] == f"http://{RELEASE}-gateway:8080"
            assert env["CONSOLE_SECURE_COOKIES"] == "true"
            assert env["CONSOLE_TIME_ZONE"] == values["console"]["timeZone"]
            assert env["CONSOLE_DASHBOARD_CACHE_SECONDS"] == str(
                values["console"]["dashboardCacheSeconds"]
            )
            assert env["JWT_PUBLIC_KEY_FILE"] == "/etc/crm/jwt/public.pem"


def test_the_consoles_dashboard_cache_is_the_value_operators_set() -> None:
    values = {"console": {"dashboardCacheSeconds": 0}}
    rendered = parse("nocache", render_chart(values), merged_values(values))
    (console,) = rendered.components("console")
    assert env_of(containers(console)[0])["CONSOLE_DASHBOARD_CACHE_SECONDS"] == {
        "name": "CONSOLE_DASHBOARD_CACHE_SECONDS",
        "value": "0",
    }


def test_reflection_is_off_unless_asked_for(
    rendered_default: Rendered, rendered_prod: Rendered
) -> None:
    for rendered in (rendered_default, rendered_prod):
        for api in rendered.components("api"):
            assert env_of(containers(api)[0])["GRPC_REFLECTION"]["value"] == "false"


def test_config_change_rolls_the_pods(rendered: Rendered) -> None:
    checksums = {
        d["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
        for d in rendered.of_kind("Deployment")
    }
    assert len(checksums) == 1 and len(next(iter(checksums))) == 64


def test_services_expose_the_apis_the_gateway_and_the_console(rendered: Rendered) -> None:
    services = {s["metadata"]["name"]: s for s in rendered.of_kind("Service")}
    servers = [*rendered.components("gateway"), *rendered.components("console")]
    assert len(servers) == 2
    for deployment in [*rendered.components("api"), *servers]:
        name = deployment["metadata"]["name"]
        port_name, port = PORTS[role(deployment)]
        spec = services[name]["spec"]
        assert selects({"matchLabels": spec["selector"]}, pod_labels(deployment))
        assert spec["ports"][0]["port"] == port and spec["ports"][0]["targetPort"] == port_name
    for worker in rendered.components("worker"):
        assert worker["metadata"]["name"] not in services


def test_gateway_ingress_in_prod(rendered_prod: Rendered, rendered_dev: Rendered) -> None:
    ingress = rendered_prod.get("Ingress", f"{RELEASE}-gateway")
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == rendered_prod.values["gateway"]["ingress"]["host"]
    backends = {
        path["path"]: (path["pathType"], path["backend"]["service"])
        for path in rule["http"]["paths"]
    }
    # /api (REST, survey links, the API explorer) to the gateway, everything else to the console.
    assert backends == {
        "/api": ("Prefix", {"name": f"{RELEASE}-gateway", "port": {"name": "http"}}),
        "/": ("Prefix", {"name": f"{RELEASE}-console", "port": {"name": "http"}}),
    }
    assert (
        ingress["spec"]["tls"][0]["secretName"]
        == rendered_prod.values["gateway"]["ingress"]["tls"]["secretName"]
    )
    assert not rendered_dev.of_kind("Ingress")


def test_prod_runs_more_replicas_than_dev(rendered_dev: Rendered, rendered_prod: Rendered) -> None:
    def floor(rendered: Rendered) -> int:
        hpas = rendered.of_kind("HorizontalPodAutoscaler")
        return sum(h["spec"]["minReplicas"] for h in hpas)

    assert floor(rendered_prod) > floor(rendered_dev)


# --- the dev stack ----------------------------------------------------------------------


def test_dev_stack_runs_inside_the_release(rendered_dev: Rendered, rendered_prod: Rendered) -> None:
    postgres = rendered_dev.get("StatefulSet", f"{RELEASE}-postgres")
    rabbitmq = rendered_dev.get("StatefulSet", f"{RELEASE}-rabbitmq")
    assert containers(postgres)[0]["image"].startswith("docker.io/library/postgres:")
    assert containers(rabbitmq)[0]["image"].startswith("docker.io/library/rabbitmq:")
    # One database and one role per service (and the gateway), created on first start.
    init = rendered_dev.get("Secret", f"{RELEASE}-postgres")["stringData"]["init.sql"]
    for svc in [*enabled_services(rendered_dev.values), "gateway"]:
        assert f'CREATE DATABASE "{svc}" OWNER "{svc}";' in init
    # Every Secret the suite references exists in the release.
    referenced = set()
    for owner in [*rendered_dev.of_kind("Deployment"), *rendered_dev.jobs]:
        for item in env_of(containers(owner)[0]).values():
            ref = item.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                referenced.add(ref["name"])
        for volume in pod_spec(owner).get("volumes", []):
            if "secret" in volume:
                referenced.add(volume["secret"]["secretName"])
    assert referenced <= rendered_dev.secret_names()
    # Production brings its own: the chart creates no Secret at all.
    assert not rendered_prod.of_kind("Secret", "StatefulSet")


def test_dev_database_urls_point_at_the_dev_postgres(rendered_dev: Rendered) -> None:
    for svc in [*enabled_services(rendered_dev.values), "gateway"]:
        spec = (
            rendered_dev.values["gateway"]
            if svc == "gateway"
            else rendered_dev.values["services"][svc]
        )
        secret = rendered_dev.get("Secret", spec["databaseSecret"]["name"])
        url = secret["stringData"][spec["databaseSecret"]["key"]]
        assert url.startswith(f"postgresql+psycopg://{svc}:")
        assert url.endswith(f"@{RELEASE}-postgres:5432/{svc}")
    amqp = rendered_dev.get("Secret", rendered_dev.values["secrets"]["amqp"]["name"])
    assert amqp["stringData"]["url"].endswith(f"@{RELEASE}-rabbitmq:5672/%2F")


def test_hook_objects_are_marked(rendered: Rendered) -> None:
    for obj in rendered.objects:
        annotations = obj["metadata"].get("annotations") or {}
        if obj["kind"] in ("Job",):
            assert HOOK in annotations, obj["metadata"]["name"]


# --- the console -------------------------------------------------------------------------


def test_console_is_rendered_as_one_http_component(rendered: Rendered) -> None:
    (console,) = rendered.components("console")
    name = f"{RELEASE}-console"
    assert console["metadata"]["name"] == name
    (container,) = containers(console)
    assert container["ports"] == [{"name": "http", "containerPort": 8090, "protocol": "TCP"}]
    env = env_of(container)
    # The same public key Secret the gateway and the services mount; never the private key.
    (jwt,) = [v for v in pod_spec(console)["volumes"] if v["name"] == "jwt"]
    assert jwt["secret"]["secretName"] == rendered.values["secrets"]["jwt"]["name"]
    assert [i["path"] for i in jwt["secret"]["items"]] == ["public.pem"]
    assert "JWT_PRIVATE_KEY_FILE" not in env
    for kind in ("Service", "ServiceAccount", "PodDisruptionBudget", "NetworkPolicy"):
        assert rendered.has(kind, name), kind
    if rendered.values["console"]["server"]["autoscaling"]["enabled"]:
        hpa = rendered.get("HorizontalPodAutoscaler", name)
        assert hpa["spec"]["scaleTargetRef"]["name"] == name
        assert "replicas" not in console["spec"]
    # Nothing in the console's pods is a migration: it has no database.
    assert not any(service(j) == "console" for j in rendered.jobs)


def test_console_needs_the_gateway() -> None:
    import helm_python

    without_gateway = {
        "gateway": {"enabled": False},
        "services": {"marketing": {"clientCredentials": None}},
    }
    with pytest.raises(helm_python.HelmError, match=r"console\.enabled.*gateway\.enabled"):
        render_chart(without_gateway)
    rendered = parse("no-console", render_chart({"console": {"enabled": False}}), {})
    assert not rendered.components("console") and not rendered.has("Service", f"{RELEASE}-console")


def test_ingress_without_the_console_sends_only_api_to_the_gateway() -> None:
    values = {"gateway": {"ingress": {"enabled": True}}, "console": {"enabled": False}}
    rendered = parse("ingress", render_chart(values), {})
    (ingress,) = rendered.of_kind("Ingress")
    paths = ingress["spec"]["rules"][0]["http"]["paths"]
    assert [(p["path"], p["backend"]["service"]["name"]) for p in paths] == [
        ("/api", f"{RELEASE}-gateway")
    ]


def test_dev_stack_creates_the_console_secret(rendered_dev: Rendered) -> None:
    ref = rendered_dev.values["console"]["secretKey"]
    secret = rendered_dev.get("Secret", ref["name"])
    assert len(secret["stringData"][ref["key"]]) >= 32
