"""The images the repository builds, read from the workspace: one per service folder with
a pyproject.toml, and the gateway; and a small Dockerfile reader."""

from __future__ import annotations

import re
import shlex
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from chart_support import REPO

SERVICES = sorted(p.parent.name for p in (REPO / "services").glob("*/pyproject.toml"))
HADOLINT = Path(sys.executable).parent / "hadolint"


@dataclass(frozen=True)
class Image:
    """What an image must be, read from its workspace member's pyproject.toml."""

    member: str  # folder of the workspace member: services/customer, gateway, console
    distribution: str  # crm-customer-service
    script: str  # customer-service
    default_command: str
    ports: tuple[int, ...]
    package: str  # the import package inside the wheel: customer_service, gateway, crm_console

    @property
    def dockerfile(self) -> Path:
        return REPO / self.member / "Dockerfile"


def image_for(member: str) -> Image:
    project = tomllib.loads((REPO / member / "pyproject.toml").read_text())["project"]
    (script,) = project["scripts"]
    http = {"gateway": ((8080,), "gateway"), "console": ((8090,), "crm_console")}
    if member in http:
        ports, package = http[member]
        return Image(member, project["name"], script, "serve", ports, package)
    name = member.split("/")[-1]
    return Image(member, project["name"], script, "api", (50051, 8000), f"{name}_service")


IMAGES = [image_for(f"services/{name}") for name in SERVICES] + [
    image_for("gateway"),
    image_for("console"),
]
IDS = [image.member for image in IMAGES]


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str


def parse_dockerfile(path: Path) -> list[list[Instruction]]:
    """Instructions grouped by stage (continuation lines joined, comments dropped)."""
    logical: list[str] = []
    buffer = ""
    for raw in path.read_text().splitlines():
        line = raw.rstrip()
        if not buffer and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.lstrip().startswith("#"):
            continue
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        logical.append(buffer + line)
        buffer = ""
    stages: list[list[Instruction]] = []
    for line in logical:
        keyword, _, args = line.strip().partition(" ")
        instruction = Instruction(keyword.upper(), " ".join(args.split()))
        if instruction.keyword == "FROM":
            stages.append([])
        assert stages, f"{path}: instruction before FROM: {line}"
        stages[-1].append(instruction)
    return stages


def stage_name(stage: list[Instruction]) -> str | None:
    match = re.search(r"\bAS\s+(\S+)$", stage[0].args, re.IGNORECASE)
    return match.group(1) if match else None


def base_image(stage: list[Instruction]) -> str:
    return next(part for part in stage[0].args.split() if not part.startswith("--"))


def uv_sync_commands(image: Image) -> list[list[str]]:
    commands = []
    for stage in parse_dockerfile(image.dockerfile):
        for instruction in stage:
            if instruction.keyword == "RUN" and "uv sync" in instruction.args:
                words = shlex.split(instruction.args)
                commands.append(words[words.index("uv") :])
    return commands
