"""Generates the Python code of the CRM contracts and guards the released v1 contract.

Run from the repository root:

    uv run python protos/generate.py              # regenerate *_pb2.py, *_pb2.pyi, *_pb2_grpc.py
    uv run python protos/generate.py --check      # exit 1 and list stale files if the checked-in code differs
    uv run python protos/generate.py --lint       # exit 1 and list `buf lint` findings
    uv run python protos/generate.py --breaking   # exit 1 and list breaking changes against the released baseline
    uv run python protos/generate.py --release    # write protos/released/crm-v1.binpb (refused if breaking)

Generation runs ``grpc_tools.protoc`` over every ``.proto`` under ``protos/crm`` (sorted), with the
include path ``protos/``, grpc_tools' bundled well-known types and the ``google/rpc`` and
``google/type`` protos shipped by googleapis-common-protos. Output lands next to each ``.proto``;
every package folder gets an empty ``__init__.py``. Output is deterministic: inputs are sorted,
protoc warnings fail the run, and nothing time- or path-dependent is written.

``--lint`` and ``--breaking`` run the Buf CLI (PyPI ``buf-bin``, installed in the environment)
with the rules of ``protos/buf.yaml`` on an image protoc builds with that same include path.
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
"""Committed baseline of the released v1 contract: an image of the crm protos and their imports,
without source info (`buf breaking --against` needs the imports)."""

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


BUF_CONFIG = PROTOS_DIR / "buf.yaml"
"""`buf lint` and `buf breaking` rules of the contracts."""


def _buf(args: list[str]) -> list[str]:
    """Runs the Buf CLI of this environment (PyPI `buf-bin`, next to the interpreter).

    Returns buf's findings, one line each; an empty list means it passed.
    """
    binary = Path(sys.executable).parent / "buf"
    if not binary.exists():
        raise GenerationError(f"{binary} missing: run `uv sync` (dev group, buf-bin)")
    result = subprocess.run(
        [str(binary), *args, "--config", str(BUF_CONFIG), "--path", "crm"],
        cwd=PROTOS_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    if result.returncode == 0:
        return []
    return lines or [f"buf exited with {result.returncode}"]


def _write_image(fds: descriptor_pb2.FileDescriptorSet, path: Path) -> Path:
    path.write_bytes(fds.SerializeToString(deterministic=True))
    return path


def lint() -> list[str]:
    """`buf lint` findings on the current contracts (compiled by protoc, with comments)."""
    fds = build_descriptor_set(include_source_info=True, include_imports=True)
    with tempfile.TemporaryDirectory(prefix="crm-protos-lint-") as tmp:
        return _buf(["lint", str(_write_image(fds, Path(tmp) / "current.binpb"))])


def event_name_changes(
    released: descriptor_pb2.FileDescriptorSet, current: descriptor_pb2.FileDescriptorSet
) -> list[str]:
    """Events whose `(crm.common.v1.event_name)` changed or vanished.

    Buf does not compare custom options, but the event name is the routing key consumers bind
    to, so changing it breaks them as surely as removing the message.
    """
    before, after = event_names(released), event_names(current)
    return sorted(
        f"{message}: event_name changed from `{name}` to `{after.get(message) or 'none'}`"
        for message, name in before.items()
        if after.get(message) != name
    )


def event_names(fds: descriptor_pb2.FileDescriptorSet) -> dict[str, str]:
    """`{full message name: event name}` of every top-level message carrying the option."""
    names = {}
    for file in fds.file:
        for message in file.message_type:
            name = event_name_of(message)
            if name:
                names[f"{file.package}.{message.name}"] = name
    return names


def event_name_of(message: descriptor_pb2.DescriptorProto) -> str | None:
    """The `(crm.common.v1.event_name)` option of a message, or None."""
    from crm.common.v1 import options_pb2  # the generated code, once it exists

    # Re-parsed: options read before the extension was imported hold it as unknown bytes.
    options = descriptor_pb2.MessageOptions.FromString(message.options.SerializeToString())
    if not options.HasExtension(options_pb2.event_name):
        return None
    return options.Extensions[options_pb2.event_name]


def breaking_changes(current: descriptor_pb2.FileDescriptorSet | None = None) -> list[str]:
    """`buf breaking` findings (and changed event names) against the released baseline.

    `current` defaults to the contracts as they are (compiled with imports and source info, so
    buf can name file and line); tests pass a changed copy.
    """
    if not RELEASED_DESCRIPTOR.exists():
        return [f"{RELEASED_DESCRIPTOR.relative_to(PROTOS_DIR)}: released baseline missing"]
    if current is None:
        current = build_descriptor_set(include_source_info=True, include_imports=True)
    released = descriptor_pb2.FileDescriptorSet.FromString(RELEASED_DESCRIPTOR.read_bytes())
    with tempfile.TemporaryDirectory(prefix="crm-protos-breaking-") as tmp:
        image = _write_image(current, Path(tmp) / "current.binpb")
        found = _buf(
            [
                "breaking",
                str(image),
                "--against",
                str(RELEASED_DESCRIPTOR),
                "--against-config",
                str(BUF_CONFIG),
            ]
        )
    return found + event_name_changes(released, current)


def release(*, allow_breaking: bool = False) -> list[str]:
    """Writes the current contracts as the released baseline.

    Refuses (returns the breaking changes, writes nothing) when the current contracts break the
    existing baseline, unless `allow_breaking` (only for a new major version's first release).
    """
    if RELEASED_DESCRIPTOR.exists() and not allow_breaking:
        changes = breaking_changes()
        if changes:
            return changes
    fds = build_descriptor_set(include_imports=True)  # a whole image: buf resolves its imports
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
    mode.add_argument("--lint", action="store_true", help="fail on `buf lint` findings")
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
        if args.lint:
            findings = lint()
            for line in findings:
                print(line)
            if findings:
                print(f"{len(findings)} buf lint finding(s)", file=sys.stderr)
                return 1
            print("buf lint: no findings")
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
