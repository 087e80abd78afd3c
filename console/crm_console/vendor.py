"""The vendored front-end files: ``python -m crm_console.vendor`` verifies them against
``static/vendor/manifest.json``; ``--update`` first fetches each from its npm package at the
pinned version (``npm pack``)."""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR_DIR = Path(__file__).parent / "static" / "vendor"


def manifest() -> dict[str, dict[str, str]]:
    return json.loads((VENDOR_DIR / "manifest.json").read_text())["files"]


def mismatches() -> list[str]:
    problems = []
    for name, entry in manifest().items():
        path = VENDOR_DIR / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            problems.append(f"{name}: differs from {entry['package']}@{entry['version']}")
        if not (VENDOR_DIR / entry["license_file"]).is_file():
            problems.append(f"{name}: licence file {entry['license_file']} missing")
    return problems


def update() -> None:
    for name, entry in manifest().items():
        with tempfile.TemporaryDirectory() as tmp:
            spec = f"{entry['package']}@{entry['version']}"
            subprocess.run(["npm", "pack", spec, "--silent"], cwd=tmp, check=True)
            (tarball,) = Path(tmp).glob("*.tgz")
            with tarfile.open(tarball) as archive:
                archive.extractall(tmp, filter="data")
            shutil.copy(Path(tmp) / "package" / entry["path"], VENDOR_DIR / name)
            shutil.copy(Path(tmp) / "package" / "LICENSE", VENDOR_DIR / entry["license_file"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crm_console.vendor")
    parser.add_argument("--update", action="store_true")
    args = parser.parse_args(argv)
    if args.update:
        update()
    problems = mismatches()
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
