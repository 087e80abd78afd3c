"""Migrations run as a Helm hook Job per service (and the gateway), before new code rolls out."""

from __future__ import annotations

import pytest
from chart_support import (
    HOOK,
    RELEASE,
    Rendered,
    containers,
    enabled_services,
    env_of,
    parse,
    pod_spec,
    render_chart,
)


def hook_jobs(rendered: Rendered) -> dict[str, dict]:
    return {j["metadata"]["labels"]["app.kubernetes.io/name"]: j for j in rendered.migration_jobs}


def test_one_migration_job_per_service_and_the_gateway(rendered: Rendered) -> None:
    jobs = hook_jobs(rendered)
    assert set(jobs) == {*enabled_services(rendered.values), "gateway"}
    for service, job in jobs.items():
        assert job["metadata"]["name"] == f"{RELEASE}-{service}-migrate"
        assert job["metadata"]["labels"]["app.kubernetes.io/component"] == "migrate"


def test_jobs_are_pre_install_and_pre_upgrade_hooks(
    rendered_default: Rendered, rendered_prod: Rendered
) -> None:
    for rendered in (rendered_default, rendered_prod):
        for job in rendered.migration_jobs:
            annotations = job["metadata"]["annotations"]
            assert annotations[HOOK] == "pre-install,pre-upgrade"
            assert "before-hook-creation" in annotations["helm.sh/hook-delete-policy"]


def test_dev_migrates_after_its_in_release_database_exists(rendered_dev: Rendered) -> None:
    for job in rendered_dev.migration_jobs:
        assert job["metadata"]["annotations"][HOOK] == "post-install,pre-upgrade"


def test_jobs_run_migrate_from_the_service_image(rendered: Rendered) -> None:
    deployments = {
        (d["metadata"]["labels"]["app.kubernetes.io/name"]): containers(d)[0]["image"]
        for d in rendered.of_kind("Deployment")
    }
    for service, job in hook_jobs(rendered).items():
        (container,) = containers(job)
        assert container["args"] == ["migrate"]
        assert container["image"] == deployments[service]
        spec = pod_spec(job)
        assert spec["restartPolicy"] == "Never"
        assert job["spec"]["backoffLimit"] >= 1
        assert job["spec"]["activeDeadlineSeconds"] > 0


def test_jobs_get_only_the_database_and_the_broker(rendered: Rendered) -> None:
    """Migrate upgrades the schema and declares the worker's queues (so no event published
    before the worker starts is unroutable): it needs those two URLs and no other secret."""
    for service, job in hook_jobs(rendered).items():
        env = env_of(containers(job)[0])
        expected = (
            rendered.values["gateway"]
            if service == "gateway"
            else rendered.values["services"][service]
        )["databaseSecret"]
        assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"] == expected
        assert env["AMQP_URL"]["valueFrom"]["secretKeyRef"] == {
            "name": rendered.values["secrets"]["amqp"]["name"],
            "key": rendered.values["secrets"]["amqp"]["key"],
        }
        for absent in (
            "FIELD_ENCRYPTION_KEY",
            "JWT_PRIVATE_KEY_FILE",
            "JWT_PUBLIC_KEY_FILE",
        ):
            assert absent not in env, f"{service} migration gets {absent}"
        assert not [v for v in pod_spec(job).get("volumes", []) if "secret" in v]


def test_jobs_only_use_objects_that_exist_when_they_run(rendered: Rendered) -> None:
    """A pre-install hook runs before the release's ordinary objects exist: its ServiceAccount
    must be a hook that runs earlier, and it may not need a Secret the release creates."""
    accounts = {sa["metadata"]["name"]: sa for sa in rendered.of_kind("ServiceAccount")}
    release_secrets = rendered.secret_names(hooks=False)
    for job in rendered.jobs:
        hooks = job["metadata"]["annotations"][HOOK].split(",")
        account = accounts[pod_spec(job)["serviceAccountName"]]
        annotations = account["metadata"].get("annotations") or {}
        assert set(annotations.get(HOOK, "").split(",")) == set(hooks), (
            "the account must be a hook of the same events"
        )
        assert int(annotations["helm.sh/hook-weight"]) < int(
            job["metadata"]["annotations"]["helm.sh/hook-weight"]
        )
        if "pre-install" in hooks:
            for item in env_of(containers(job)[0]).values():
                ref = item.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["name"] not in release_secrets, (
                        f"{job['metadata']['name']} needs Secret {ref['name']} before the release creates it"
                    )
            for source in containers(job)[0].get("envFrom", []):
                if "configMapRef" in source:
                    assert source["configMapRef"].get("optional") is True


def test_migrations_can_be_turned_off() -> None:
    rendered = parse("off", render_chart({"migrations": {"enabled": False}}), {})
    assert not rendered.jobs
    assert not [
        sa
        for sa in rendered.of_kind("ServiceAccount")
        if HOOK in (sa["metadata"].get("annotations") or {})
    ]


@pytest.mark.parametrize("hooks", [["pre-install"], ["post-install", "pre-upgrade"]])
def test_hook_events_follow_the_values(hooks: list[str]) -> None:
    rendered = parse("hooks", render_chart({"migrations": {"hooks": hooks}}), {})
    for job in rendered.jobs:
        assert job["metadata"]["annotations"][HOOK] == ",".join(hooks)
