"""Generates the Python code of the CRM contracts and guards the released v1 contract.

Run from the repository root:

    uv run python protos/generate.py              # regenerate *_pb2.py, *_pb2.pyi, *_pb2_grpc.py
    uv run python protos/generate.py --check      # exit 1 and list stale files if the checked-in code differs
    uv run python protos/generate.py --breaking   # exit 1 and list breaking changes against the released baseline
    uv run python protos/generate.py --release    # write protos/released/crm-v1.binpb (refused if breaking)

Generation runs ``grpc_tools.protoc`` over every ``.proto`` under ``protos/crm`` (sorted), with the
include path ``protos/``, grpc_tools' bundled well-known types and the ``google/rpc`` and
``google/type`` protos shipped by googleapis-common-protos. Output lands next to each ``.proto``;
every package folder gets an empty ``__init__.py``. Output is deterministic: inputs are sorted,
protoc warnings fail the run, and nothing time- or path-dependent is written.
"""

from __future__ import annotations

import argparse
import filecmp
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from google.protobuf import descriptor_pb2

PROTOS_DIR = Path(__file__).resolve().parent
"""The `protos/` folder: the include root of every contract."""

CRM_DIR = PROTOS_DIR / "crm"
RELEASED_DESCRIPTOR = PROTOS_DIR / "released" / "crm-v1.binpb"
"""Committed baseline of the released v1 contract (no imports, no source info)."""

GENERATED_SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py")


class GenerationError(RuntimeError):
    """protoc failed or printed warnings."""


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------


def proto_files() -> list[str]:
    """Every contract `.proto`, as include-relative POSIX paths, sorted."""
    return sorted(path.relative_to(PROTOS_DIR).as_posix() for path in CRM_DIR.rglob("*.proto"))


def include_paths() -> list[Path]:
    """protoc include path: our protos, grpc_tools' well-known types, googleapis-common-protos."""
    import grpc_tools

    well_known = Path(grpc_tools.__file__).resolve().parent / "_proto"
    spec = importlib.util.find_spec("google.rpc.status_pb2")
    if spec is None or spec.origin is None:
        raise GenerationError(
            "googleapis-common-protos is not installed (google/rpc protos missing)"
        )
    googleapis_root = Path(spec.origin).resolve().parents[2]  # .../site-packages
    return [PROTOS_DIR, well_known, googleapis_root]


def _protoc(args: list[str]) -> None:
    command = [sys.executable, "-m", "grpc_tools.protoc"]
    command += [f"--proto_path={path}" for path in include_paths()]
    command += args
    result = subprocess.run(
        command,
        cwd=PROTOS_DIR,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LC_ALL": "C"},
    )
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0 or output:
        raise GenerationError(f"protoc failed (exit {result.returncode}):\n{output}")


# ---------------------------------------------------------------------------------------------
# Code generation
# ---------------------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    """Strips anything path-dependent from generated code (protoc output is otherwise stable)."""
    for path in include_paths():
        text = text.replace(str(path) + os.sep, "").replace(str(path), "")
    return text if text.endswith("\n") else text + "\n"


def _package_dirs(files: list[str]) -> list[str]:
    """Every folder from `crm` down to each proto's folder (each needs an `__init__.py`)."""
    dirs: set[str] = set()
    for file in files:
        parts = Path(file).parent.parts
        for depth in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:depth]))
    return sorted(dirs)


def generate_into(out_root: Path) -> list[str]:
    """Generates the code of every contract under `out_root` (mirroring `protos/`).

    Returns the include-relative paths of every file written (generated modules and
    `__init__.py` files), sorted.
    """
    files = proto_files()
    out_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="crm-protos-") as raw:
        raw_root = Path(raw)
        _protoc(
            [
                f"--python_out={raw_root}",
                f"--pyi_out={raw_root}",
                f"--grpc_python_out={raw_root}",
                *files,
            ]
        )
        written: list[str] = []
        for path in sorted(raw_root.rglob("*")):
            if not path.is_file():
                continue
            relative = path.relative_to(raw_root).as_posix()
            target = out_root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(_normalise(path.read_text(encoding="utf-8")), encoding="utf-8")
            written.append(relative)
    for folder in _package_dirs(files):
        init = out_root / folder / "__init__.py"
        init.parent.mkdir(parents=True, exist_ok=True)
        if not init.exists():  # an existing one (possibly with a docstring) is left alone
            init.write_bytes(b"")
        written.append(f"{folder}/__init__.py")
    return sorted(written)


def _checked_in_generated_files() -> list[str]:
    return sorted(
        path.relative_to(PROTOS_DIR).as_posix()
        for path in CRM_DIR.rglob("*")
        if path.is_file() and path.name.endswith(GENERATED_SUFFIXES)
    )


def generate() -> list[str]:
    """Regenerates the checked-in code in place and deletes generated files of removed protos."""
    written = generate_into(PROTOS_DIR)
    expected = set(written)
    for orphan in _checked_in_generated_files():
        if orphan not in expected:
            (PROTOS_DIR / orphan).unlink()
    return written


def check() -> list[str]:
    """Lists the checked-in generated files that differ from what the .proto files produce.

    Each entry is `<path>: <problem>`; an empty list means the generated code is current.
    """
    with tempfile.TemporaryDirectory(prefix="crm-protos-check-") as tmp:
        fresh_root = Path(tmp)
        expected = generate_into(fresh_root)
        stale: list[str] = []
        for relative in expected:
            current = PROTOS_DIR / relative
            if not current.exists():
                stale.append(f"{relative}: missing")
            elif relative.endswith("/__init__.py"):
                continue  # only its presence matters
            elif not filecmp.cmp(current, fresh_root / relative, shallow=False):
                stale.append(f"{relative}: differs from the generated code")
        expected_set = set(expected)
        for relative in _checked_in_generated_files():
            if relative not in expected_set:
                stale.append(f"{relative}: generated file without a .proto")
    return stale


# ---------------------------------------------------------------------------------------------
# Descriptor sets and the released baseline
# ---------------------------------------------------------------------------------------------


def build_descriptor_set(
    *, include_source_info: bool = False, include_imports: bool = False
) -> descriptor_pb2.FileDescriptorSet:
    """Compiles every contract into a `FileDescriptorSet` (files in sorted order)."""
    with tempfile.TemporaryDirectory(prefix="crm-protos-fds-") as tmp:
        out = Path(tmp) / "crm.binpb"
        args = [f"--descriptor_set_out={out}"]
        if include_source_info:
            args.append("--include_source_info")
        if include_imports:
            args.append("--include_imports")
        _protoc([*args, *proto_files()])
        fds = descriptor_pb2.FileDescriptorSet()
        fds.ParseFromString(out.read_bytes())
    return fds


def _load_breaking():
    """Loads `protos/breaking.py` by path (it is not part of the `crm` package)."""
    spec = importlib.util.spec_from_file_location(
        "crm_contract_breaking", PROTOS_DIR / "breaking.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


def breaking_changes() -> list[str]:
    """Breaking changes of the current contracts against the released baseline."""
    breaking = _load_breaking()
    if not RELEASED_DESCRIPTOR.exists():
        return [f"{RELEASED_DESCRIPTOR.relative_to(PROTOS_DIR)}: released baseline missing"]
    released = breaking.load_descriptor_set(RELEASED_DESCRIPTOR)
    return breaking.find_breaking_changes(released, build_descriptor_set())


def release(*, allow_breaking: bool = False) -> list[str]:
    """Writes the current contracts as the released baseline.

    Refuses (returns the breaking changes, writes nothing) when the current contracts break the
    existing baseline, unless `allow_breaking` (only for a new major version's first release).
    """
    if RELEASED_DESCRIPTOR.exists() and not allow_breaking:
        changes = breaking_changes()
        if changes:
            return changes
    fds = build_descriptor_set()
    RELEASED_DESCRIPTOR.parent.mkdir(parents=True, exist_ok=True)
    RELEASED_DESCRIPTOR.write_bytes(fds.SerializeToString(deterministic=True))
    return []


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="fail if the generated code is stale")
    mode.add_argument(
        "--breaking", action="store_true", help="fail if the contracts break the released baseline"
    )
    mode.add_argument("--release", action="store_true", help=f"write {RELEASED_DESCRIPTOR.name}")
    parser.add_argument(
        "--allow-breaking",
        action="store_true",
        help="with --release: overwrite the baseline even with breaking changes",
    )
    args = parser.parse_args(argv)

    try:
        if args.check:
            stale = check()
            for line in stale:
                print(line)
            if stale:
                print(
                    f"{len(stale)} stale file(s); run: uv run python protos/generate.py",
                    file=sys.stderr,
                )
                return 1
            print("generated code is current")
            return 0
        if args.breaking:
            changes = breaking_changes()
            for line in changes:
                print(line)
            if changes:
                print(
                    f"{len(changes)} breaking change(s) against {RELEASED_DESCRIPTOR.name}",
                    file=sys.stderr,
                )
                return 1
            print(f"no breaking changes against {RELEASED_DESCRIPTOR.name}")
            return 0
        if args.release:
            changes = release(allow_breaking=args.allow_breaking)
            for line in changes:
                print(line)
            if changes:
                print("release refused: breaking changes (see above)", file=sys.stderr)
                return 1
            print(f"wrote {RELEASED_DESCRIPTOR.relative_to(PROTOS_DIR.parent)}")
            return 0
        written = generate()
        print(f"generated {len(written)} files under {CRM_DIR.relative_to(PROTOS_DIR.parent)}")
        return 0
    except GenerationError as error:
        print(error, file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
