"""`services.<name>.clientCredentials`: a service's own account for calls no user is behind.

Its api and worker get SERVICE_TOKEN_URL (the release's gateway Service, derived),
SERVICE_CLIENT_ID and SERVICE_CLIENT_SECRET (a secretKeyRef), may reach the gateway on 8080
and are admitted by it; nothing else changes. `clientCredentials.bootstrap.enabled` adds a
least-privilege hook Job per such service that writes the account into the gateway.

Renders: the three profiles (shared, cached) and one more, `other`, as release "acme" with the
account moved from marketing to ticket (null turns a value off) and the bootstrap on without
demo mode. Every expectation is derived from the merged values, so it holds for all four.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import helm_python
import pytest
from chart_support import (
    CHART,
    HOOK,
    NAMESPACE,
    PROFILES,
    RELEASE,
    Rendered,
    containers,
    enabled_services,
    env_of,
    parse,
    pod_labels,
    pod_spec,
    render_chart,
    rendered_profile,
    selects,
)
from test_chart_render import validation_error

NAMES = ("SERVICE_TOKEN_URL", "SERVICE_CLIENT_ID", "SERVICE_CLIENT_SECRET")
TOKEN_PATH = "/api/v1/auth/token"
BOOTSTRAP = "account-bootstrap"
HOOKS = "post-install,post-upgrade"

OTHER_RELEASE = "acme"
OTHER_VALUES: dict[str, Any] = {
    "services": {
        "marketing": {"clientCredentials": None},
        "ticket": {
            "clientCredentials": {
                "clientId": "svc.ticket",
                "secret": {"name": "acme-ticket-client", "key": "client-secret"},
                "department": "/hq/service",
                "roles": ["agent", "reporter"],
                "scopes": ["tickets.read"],
            }
        },
    },
    "clientCredentials": {"bootstrap": {"enabled": True}},
}


def render_release(release: str, values: dict[str, Any] | None) -> Rendered:
    with helm_python.Chart.load(CHART) as chart:
        manifests = chart.render(values, name=release, namespace=NAMESPACE)
        merged = chart.merge_values(values)
    return parse(release, manifests, merged)


@pytest.fixture(scope="module")
def other() -> Rendered:
    return render_release(OTHER_RELEASE, OTHER_VALUES)


@pytest.fixture(scope="module", params=[*PROFILES, "other"])
def case(request: pytest.FixtureRequest, other: Rendered) -> tuple[Rendered, str]:
    """(render, release name) for every values set."""
    if request.param == "other":
        return other, OTHER_RELEASE
    return rendered_profile(request.param), RELEASE


# --- helpers -----------------------------------------------------------------------------


def identity(obj: dict[str, Any]) -> tuple[str, str]:
    labels = obj["metadata"]["labels"]
    return labels["app.kubernetes.io/name"], labels["app.kubernetes.io/component"]


def holders(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Enabled services with an account -> their clientCredentials."""
    return {
        svc: values["services"][svc]["clientCredentials"]
        for svc in enabled_services(values)
        if values["services"][svc].get("clientCredentials")
    }


def token_clients(values: dict[str, Any]) -> set[tuple[str, str]]:
    return {(svc, role) for svc in holders(values) for role in ("api", "worker")}


def policy_of(rendered: Rendered, owner: dict[str, Any], release: str) -> dict[str, Any]:
    (policy,) = [
        p
        for p in rendered.of_kind("NetworkPolicy")
        if p["metadata"]["name"] != f"{release}-deny-all"
        and selects(p["spec"]["podSelector"], pod_labels(owner))
    ]
    return policy


def pod_peer(peer: dict[str, Any], release: str) -> tuple[str, str] | None:
    if set(peer) != {"podSelector"}:
        return None
    labels = peer["podSelector"].get("matchLabels", {})
    if labels.get("app.kubernetes.io/instance") != release:
        return None
    return labels.get("app.kubernetes.io/name"), labels.get("app.kubernetes.io/component")


def bootstrap_jobs(rendered: Rendered) -> list[dict[str, Any]]:
    return [j for j in rendered.jobs if identity(j)[1] == BOOTSTRAP]


def pod_owners(rendered: Rendered) -> list[dict[str, Any]]:
    return [*rendered.workloads, *rendered.jobs]


def gateway_image(rendered: Rendered) -> str:
    (gateway,) = rendered.components("gateway")
    return containers(gateway)[0]["image"]


# --- the environment ---------------------------------------------------------------------


def test_only_the_api_and_worker_of_a_service_with_an_account_get_it(
    case: tuple[Rendered, str],
) -> None:
    rendered, release = case
    accounts = holders(rendered.values)
    assert accounts, "every values set gives some service an account"
    for owner in pod_owners(rendered):
        svc, role = identity(owner)
        for container in containers(owner):
            env = env_of(container)
            where = f"{rendered.profile}: {owner['metadata']['name']}/{container['name']}"
            if owner["kind"] == "Deployment" and svc in accounts and role in ("api", "worker"):
                cc = accounts[svc]
                assert env["SERVICE_TOKEN_URL"] == {
                    "name": "SERVICE_TOKEN_URL",
                    "value": f"http://{release}-gateway:8080{TOKEN_PATH}",
                }, where
                assert env["SERVICE_CLIENT_ID"] == {
                    "name": "SERVICE_CLIENT_ID",
                    "value": cc["clientId"],
                }, where
                # Never the value: a reference to the Secret's key.
                assert env["SERVICE_CLIENT_SECRET"] == {
                    "name": "SERVICE_CLIENT_SECRET",
                    "valueFrom": {"secretKeyRef": cc["secret"]},
                }, where
            else:
                assert not set(NAMES) & set(env), where


def test_marketing_has_its_account_in_every_profile(rendered: Rendered) -> None:
    assert set(holders(rendered.values)) == {"marketing"}
    for role in ("api", "worker"):
        env = env_of(containers(rendered.get("Deployment", f"{RELEASE}-marketing-{role}"))[0])
        assert env["SERVICE_CLIENT_ID"]["value"] == "svc.marketing"
        assert env["SERVICE_CLIENT_SECRET"]["valueFrom"]["secretKeyRef"] == {
            "name": "crm-marketing-client",
            "key": "secret",
        }


def test_the_other_render_moved_the_account(other: Rendered) -> None:
    """A null clientCredentials turns it off; any service can have one (no special case)."""
    assert set(holders(other.values)) == {"ticket"}
    env = env_of(containers(other.get("Deployment", f"{OTHER_RELEASE}-marketing-worker"))[0])
    assert not set(NAMES) & set(env)


def test_the_token_url_names_the_releases_gateway_service(case: tuple[Rendered, str]) -> None:
    rendered, release = case
    (svc, *_) = holders(rendered.values)
    env = env_of(containers(rendered.get("Deployment", f"{release}-{svc}-worker"))[0])
    url = urlsplit(env["SERVICE_TOKEN_URL"]["value"])
    assert (url.scheme, url.path) == ("http", TOKEN_PATH)
    service = rendered.get("Service", url.hostname)
    assert url.hostname == f"{release}-gateway"
    (gateway,) = rendered.components("gateway")
    assert service["spec"]["selector"] == gateway["spec"]["selector"]["matchLabels"]
    assert url.port in {p["port"] for p in service["spec"]["ports"]}


def test_survey_links_are_signed_with_a_secret_of_the_marketing_service_only(
    rendered: Rendered,
) -> None:
    """The api and the worker (whose triggers invite to surveys) sign links; nobody else."""
    signers = {f"{RELEASE}-marketing-api", f"{RELEASE}-marketing-worker"}
    for owner in pod_owners(rendered):
        for container in containers(owner):
            env = env_of(container)
            if owner["metadata"]["name"] in signers:
                assert env["SURVEY_LINK_SECRET"] == {
                    "name": "SURVEY_LINK_SECRET",
                    "valueFrom": {
                        "secretKeyRef": {"name": "crm-marketing-survey-links", "key": "secret"}
                    },
                }
            else:
                assert "SURVEY_LINK_SECRET" not in env, owner["metadata"]["name"]


# --- NetworkPolicies ---------------------------------------------------------------------


def gateway_clients(values: dict[str, Any]) -> set[tuple[str, str]]:
    """The components with an account, the console (it signs people in) and every api (it
    polls the gateway's token watermarks, JWT_REVOCATIONS_URL)."""
    console = {("console", "console")} if values["console"]["enabled"] else set()
    apis = {(svc, "api") for svc in enabled_services(values)}
    return token_clients(values) | console | apis


def test_components_with_an_account_the_console_the_apis_and_only_they_reach_the_gateway(
    case: tuple[Rendered, str],
) -> None:
    rendered, release = case
    clients = gateway_clients(rendered.values)
    for owner in pod_owners(rendered):
        if owner["kind"] == "StatefulSet":
            continue  # the dev PostgreSQL and RabbitMQ have their own policies
        policy = policy_of(rendered, owner, release)
        rules = [
            rule
            for rule in policy["spec"]["egress"]
            if any(pod_peer(p, release) == ("gateway", "gateway") for p in rule.get("to", []))
        ]
        if owner["kind"] == "Deployment" and identity(owner) in clients:
            (rule,) = rules
            assert rule["ports"] == [{"port": 8080, "protocol": "TCP"}]
            assert len(rule["to"]) == 1
        else:
            assert not rules, f"{rendered.profile}: {owner['metadata']['name']} reaches the gateway"


def test_the_gateway_admits_exactly_the_components_with_an_account_the_console_the_apis(
    case: tuple[Rendered, str],
) -> None:
    rendered, release = case
    (gateway,) = rendered.components("gateway")
    policy = policy_of(rendered, gateway, release)
    admitted = {
        pod_peer(peer, release)
        for rule in policy["spec"]["ingress"]
        for peer in rule["from"]
        if pod_peer(peer, release)
    }
    assert admitted == gateway_clients(rendered.values)
    (port,) = containers(gateway)[0]["ports"]
    for rule in policy["spec"]["ingress"]:
        assert rule["from"], "a rule without `from` admits everyone"
        assert rule["ports"] == [{"port": port["name"], "protocol": "TCP"}]
        assert port["containerPort"] == 8080


# --- the dev stack -----------------------------------------------------------------------


def test_dev_stack_creates_every_secret_key_its_pods_reference(rendered_dev: Rendered) -> None:
    data = {s["metadata"]["name"]: s.get("stringData", {}) for s in rendered_dev.of_kind("Secret")}
    needed = set()
    for owner in pod_owners(rendered_dev):
        for container in containers(owner):
            for item in env_of(container).values():
                ref = item.get("valueFrom", {}).get("secretKeyRef")
                if ref and not ref.get("optional"):
                    needed.add((ref["name"], ref["key"]))
        for volume in pod_spec(owner).get("volumes", []):
            if "secret" in volume:
                for entry in volume["secret"].get("items", []):
                    needed.add((volume["secret"]["secretName"], entry["key"]))
    missing = {(name, key) for name, key in needed if key not in data.get(name, {})}
    assert not missing
    dev = rendered_dev.values["devStack"]
    assert data["crm-marketing-client"] == {"secret": dev["serviceClientSecret"]}
    assert data["crm-marketing-survey-links"] == {"secret": dev["secretEnv"]["SURVEY_LINK_SECRET"]}
    for value in (dev["serviceClientSecret"], dev["secretEnv"]["SURVEY_LINK_SECRET"]):
        assert value.startswith("dev-only-")


def test_the_dev_client_secret_is_required_with_an_account() -> None:
    with pytest.raises(helm_python.HelmError, match="devStack.serviceClientSecret"):
        render_chart(
            {
                "devStack": {
                    "enabled": True,
                    "jwtPublicKey": "k",
                    "jwtPrivateKey": "k",
                    "fieldEncryptionKey": "k",
                }
            }
        )


# --- the bootstrap Job -------------------------------------------------------------------


def test_no_bootstrap_unless_asked(rendered_default: Rendered, rendered_prod: Rendered) -> None:
    for rendered in (rendered_default, rendered_prod):
        assert not rendered.values["clientCredentials"]["bootstrap"]["enabled"]
        for obj in rendered.objects:
            assert BOOTSTRAP not in obj["metadata"]["name"], obj["metadata"]["name"]


@pytest.fixture(scope="module", params=["dev", "other"])
def bootstrapped(request: pytest.FixtureRequest, other: Rendered) -> tuple[Rendered, str]:
    if request.param == "other":
        return other, OTHER_RELEASE
    return rendered_profile("dev"), RELEASE


def test_one_bootstrap_job_per_account_runs_the_gateway_command(
    bootstrapped: tuple[Rendered, str],
) -> None:
    rendered, release = bootstrapped
    accounts = holders(rendered.values)
    jobs = {j["metadata"]["name"]: j for j in bootstrap_jobs(rendered)}
    assert set(jobs) == {f"{release}-{svc}-{BOOTSTRAP}" for svc in accounts}
    for svc, cc in accounts.items():
        job = jobs[f"{release}-{svc}-{BOOTSTRAP}"]
        (container,) = pod_spec(job)["containers"]
        expected = [
            "service-account",
            "--client-id", cc["clientId"],
            "--secret-file", "/etc/crm/client/secret",
            "--department", cc["department"],
            *[arg for role in cc.get("roles", []) for arg in ("--role", role)],
            *[arg for scope in cc.get("scopes", []) for arg in ("--scope", scope)],
            *(["--data-scope", cc["dataScope"]] if cc.get("dataScope") else []),
        ]  # fmt: skip
        assert container["args"] == expected
        assert container["image"] == gateway_image(rendered)
        # The client secret is the service's own Secret key, mounted read-only where
        # --secret-file points; it exists, so the command reads it and writes nothing.
        (mount,) = [m for m in container["volumeMounts"] if m["mountPath"] == "/etc/crm/client"]
        assert mount["readOnly"] is True
        volumes = {v["name"]: v for v in pod_spec(job)["volumes"]}
        assert volumes[mount["name"]]["secret"]["secretName"] == cc["secret"]["name"]
        assert volumes[mount["name"]]["secret"]["items"] == [
            {"key": cc["secret"]["key"], "path": "secret"}
        ]


def test_bootstrap_jobs_hold_nothing_but_the_gateway_database_and_their_secret(
    bootstrapped: tuple[Rendered, str],
) -> None:
    rendered, release = bootstrapped
    database = rendered.values["gateway"]["databaseSecret"]
    accounts = holders(rendered.values)
    for job in bootstrap_jobs(rendered):
        svc = job["metadata"]["name"].removeprefix(f"{release}-").removesuffix(f"-{BOOTSTRAP}")
        spec = pod_spec(job)
        for container in containers(job):
            env = env_of(container)
            assert set(env) == {"OTEL_SERVICE_NAME", "DATABASE_URL", "LOG_LEVEL"}
            assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"] == database
            assert "envFrom" not in container
        secret_volumes = [v["secret"]["secretName"] for v in spec["volumes"] if "secret" in v]
        assert secret_volumes == [accounts[svc]["secret"]["name"]]
        assert spec["automountServiceAccountToken"] is False
        assert spec["restartPolicy"] == "Never"
        # The demo organisation (and its departments) is seeded first in demo mode only.
        init = [c["name"] for c in spec.get("initContainers", [])]
        assert init == (["seed-demo"] if rendered.values["gateway"]["demoMode"] else [])
        for container in spec.get("initContainers", []):
            assert container["args"] == ["seed-demo"]
            assert container["image"] == gateway_image(rendered)


def test_bootstrap_jobs_run_after_the_migrations_with_their_own_hook_account(
    bootstrapped: tuple[Rendered, str],
) -> None:
    rendered, _ = bootstrapped
    accounts = {sa["metadata"]["name"]: sa for sa in rendered.of_kind("ServiceAccount")}
    migrations = {
        int(j["metadata"]["annotations"]["helm.sh/hook-weight"]) for j in rendered.migration_jobs
    }
    for job in bootstrap_jobs(rendered):
        annotations = job["metadata"]["annotations"]
        assert annotations[HOOK] == HOOKS
        assert int(annotations["helm.sh/hook-weight"]) > max(migrations)
        account = accounts[pod_spec(job)["serviceAccountName"]]
        assert account["metadata"]["annotations"][HOOK] == HOOKS
        assert int(account["metadata"]["annotations"]["helm.sh/hook-weight"]) < int(
            annotations["helm.sh/hook-weight"]
        )
        assert account["automountServiceAccountToken"] is False
        # Nobody else runs as it.
        users = [
            o
            for o in pod_owners(rendered)
            if pod_spec(o)["serviceAccountName"] == account["metadata"]["name"]
        ]
        assert all(identity(o)[1] == BOOTSTRAP for o in users)


def test_bootstrap_jobs_reach_dns_and_the_database_only(
    bootstrapped: tuple[Rendered, str],
) -> None:
    rendered, release = bootstrapped
    np = rendered.values["networkPolicy"]
    dev = rendered.values["devStack"]["enabled"]
    database = (
        {(5432, "TCP")} if dev else {(p["port"], p["protocol"]) for p in np["database"]["ports"]}
    )
    dns = {(p["port"], p["protocol"]) for p in np["dns"]["ports"]}
    for job in bootstrap_jobs(rendered):
        policy = policy_of(rendered, job, release)
        assert policy["spec"]["ingress"] == []
        ports = {
            (p["port"], p.get("protocol", "TCP"))
            for rule in policy["spec"]["egress"]
            for p in rule["ports"]
        }
        assert ports == dns | database
        # The policy is an ordinary object: it exists when the post-install hook runs.
        assert HOOK not in (policy["metadata"].get("annotations") or {})


def test_the_bootstrap_needs_the_accounts_department() -> None:
    values = {
        "clientCredentials": {"bootstrap": {"enabled": True}},
        "services": {"marketing": {"clientCredentials": {"department": None}}},
    }
    with pytest.raises(helm_python.HelmError, match="clientCredentials.department is required"):
        render_chart(values)


def test_the_other_render_is_valid_for_kubernetes(other: Rendered) -> None:
    errors = [e for e in map(validation_error, other.objects) if e]
    assert not errors, "\n".join(errors)


# --- render-time checks ------------------------------------------------------------------


def test_an_account_without_the_gateway_fails_the_render() -> None:
    with pytest.raises(
        helm_python.HelmError, match=r"marketing\.clientCredentials.*gateway\.enabled"
    ):
        render_chart({"gateway": {"enabled": False, "server": {"calls": []}}})


@pytest.mark.parametrize(
    "component",
    [
        {"env": {"SERVICE_CLIENT_ID": "svc.other"}},
        {"secretEnv": {"SERVICE_CLIENT_SECRET": {"name": "x", "key": "y"}}},
    ],
)
def test_a_process_cannot_also_set_the_accounts_variables(component: dict[str, Any]) -> None:
    with pytest.raises(
        helm_python.HelmError, match="comes from services.marketing.clientCredentials"
    ):
        render_chart({"services": {"marketing": {"worker": component}}})


# --- the schema --------------------------------------------------------------------------


def nested(path: str, value: Any) -> dict[str, Any]:
    out: Any = value
    for key in reversed(path.split(".")):
        out = {key: out}
    return out


@pytest.mark.parametrize(
    "path",
    [
        "services.marketing.clientCredentials.clientID",
        "services.marketing.clientCredentials.secret.secretName",
        "services.marketing.clientCredentials.role",
        "services.ticket.clientCredential",
        "clientCredentials.bootstrap.enable",
        "clientCredentials.bootsrap",
        "devStack.serviceClientSecrets",
    ],
)
def test_a_misspelt_key_is_rejected(path: str) -> None:
    with pytest.raises(helm_python.HelmValuesError, match=path.rsplit(".", 1)[-1]):
        render_chart(nested(path, "x"))


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("services.marketing.clientCredentials.clientId", "SVC Marketing"),
        ("services.marketing.clientCredentials.clientId", ""),
        ("services.marketing.clientCredentials.secret", "s3cret"),  # an inline secret
        ("services.marketing.clientCredentials.secret.name", "Crm_Client"),
        ("services.marketing.clientCredentials.secret.key", "client secret"),
        ("services.marketing.clientCredentials.department", "hq"),
        ("services.marketing.clientCredentials.roles", "marketer"),
        ("services.marketing.clientCredentials.roles", ["Marketer!"]),
        ("services.marketing.clientCredentials.scopes", ["a b"]),
        ("services.marketing.clientCredentials.dataScope", "everything"),
        ("services.marketing.clientCredentials", True),
        ("services.ticket.clientCredentials", {"clientId": "svc.ticket"}),  # no secret
        ("clientCredentials.bootstrap.enabled", "yes"),
        ("devStack.secretEnv", {"BAD-NAME": "x"}),
        ("devStack.secretEnv", {"SURVEY_LINK_SECRET": 1}),
    ],
)
def test_a_wrong_value_is_rejected(path: str, value: Any) -> None:
    with pytest.raises(helm_python.HelmValuesError):
        render_chart(nested(path, value))


# --- NOTES -------------------------------------------------------------------------------


def test_notes_tell_how_the_account_is_created(case: tuple[Rendered, str]) -> None:
    rendered, release = case
    for svc, cc in holders(rendered.values).items():
        assert cc["clientId"] in rendered.notes
        if rendered.values["clientCredentials"]["bootstrap"]["enabled"]:
            assert f"{release}-{svc}-{BOOTSTRAP}" in rendered.notes
        else:
            assert f"--client-id {cc['clientId']}" in rendered.notes
        if not rendered.values["devStack"]["enabled"]:
            assert f"{cc['secret']['name']}  key {cc['secret']['key']}" in rendered.notes
