"""`buf lint` passes the contracts and `buf breaking` finds them compatible with the released v1
baseline (`protos/released/crm-v1.binpb`); buf, with the rules of `protos/buf.yaml`, refuses every
kind of breaking change the suite cares about, and the one buf cannot see (an event's routing key)
is checked by `generate.event_name_changes`."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2

BUF = Path(sys.executable).parent / "buf"

BASE = """
syntax = "proto3";
package demo.v1;

message Thing {
  string id = 1;
  string name = 2;
  int32 size = 3;
  repeated string tags = 4;
  optional bool flag = 5;
  oneof choice {
    string a = 6;
    string b = 7;
  }
  reserved 9;
  reserved "legacy";
}

message GetThingRequest { string id = 1; }
message ListThingsRequest { int32 page_size = 1; string page_token = 2; }
message ListThingsResponse { repeated Thing things = 1; string next_page_token = 2; }

enum Color {
  COLOR_UNSPECIFIED = 0;
  COLOR_RED = 1;
  COLOR_BLUE = 2;
}

service ThingService {
  rpc GetThing(GetThingRequest) returns (Thing);
  rpc ListThings(ListThingsRequest) returns (ListThingsResponse);
  rpc WatchThings(ListThingsRequest) returns (stream Thing);
}
"""


def _write(root: Path, sources: dict[str, str]) -> Path:
    for name, text in sources.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    return root


@pytest.fixture
def buf_breaking(tmp_path, generate):
    """buf_breaking(new_source, extra=None) -> buf's findings for `demo/v1/demo.proto` changed
    from BASE to `new_source` (None: the file removed), with the contracts' own buf.yaml."""

    def run(new: str | None, extra: dict[str, str] | None = None) -> list[str]:
        old_root = _write(tmp_path / "old", {"demo/v1/demo.proto": BASE})
        new_sources = dict(extra or {})
        if new is not None:
            new_sources["demo/v1/demo.proto"] = new
        new_root = _write(tmp_path / "new", new_sources)
        config = str(generate.BUF_CONFIG)
        result = subprocess.run(
            [str(BUF), "breaking", ".", "--against", str(old_root)]
            + ["--config", config, "--against-config", config],
            cwd=new_root,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode in (0, 100), result.stderr  # 100: breaking changes found
        return result.stdout.splitlines()

    return run


def edit(old: str, new: str, source: str = BASE) -> str:
    assert old in source, old
    return source.replace(old, new, 1)


def assert_refused(changes: list[str], *fragments: str) -> None:
    assert changes, "expected buf to refuse the change, it passed"
    assert any(all(fragment in change for fragment in fragments) for change in changes), changes


# --- compatible evolutions pass ------------------------------------------------------------------


def test_identical_and_additive_changes_pass(buf_breaking):
    source = edit("  COLOR_BLUE = 2;", "  COLOR_BLUE = 2;\n  COLOR_GREEN = 3;")
    source = edit("  reserved 9;", "  string note = 8;\n  reserved 9;", source)
    source = edit(
        "  rpc GetThing(GetThingRequest) returns (Thing);",
        "  rpc GetThing(GetThingRequest) returns (Thing);\n"
        "  rpc PeekThing(GetThingRequest) returns (Thing);",
        source,
    )
    source = "// A thing's contract.\n" + source + "\nmessage Extra { string id = 1; }\n"
    extra = {
        "demo/v1/more.proto": 'syntax = "proto3";\npackage demo.v1;\nmessage M { int32 n = 1; }\n'
    }
    assert buf_breaking(BASE) == []
    assert buf_breaking(source, extra=extra) == []


# --- every kind of breaking change is refused -----------------------------------------------------

MOVED = 'syntax = "proto3";\npackage demo.v1;\nmessage GetThingRequest { string id = 1; }\n'

BREAKING = {
    "removed field": (edit("  int32 size = 3;\n", ""), ['"3" with name "size"', "deleted"]),
    "removed field, number reserved": (
        edit("  int32 size = 3;\n", "  reserved 3;\n"),
        ['"3" with name "size"', "deleted"],
    ),
    "renumbered field": (edit("int32 size = 3;", "int32 size = 10;"), ['"3"', "deleted"]),
    "changed type": (edit("int32 size = 3;", "int64 size = 3;"), ["type", "int32", "int64"]),
    "changed message type": (
        edit(
            "message ListThingsResponse { repeated Thing things = 1;",
            "message ListThingsResponse { repeated GetThingRequest things = 1;",
        ),
        ["type", "demo.v1.Thing", "demo.v1.GetThingRequest"],
    ),
    "changed label": (
        edit("string name = 2;", "repeated string name = 2;"),
        ['"2"', "cardinality"],
    ),
    "changed presence": (
        edit("optional bool flag = 5;", "bool flag = 5;"),
        ['"5"', "cardinality", "explicit presence"],
    ),
    "renamed field": (edit("string name = 2;", "string title = 2;"), ['"2"', "name", "title"]),
    "changed json_name": (
        edit("string name = 2;", 'string name = 2 [json_name = "label"];'),
        ["json_name", "label"],
    ),
    "field moved out of a oneof": (
        edit("    string b = 7;\n  }", "  }\n  string b = 7;"),
        ['"7"', "oneof"],
    ),
    "unreserved number": (edit("  reserved 9;\n", ""), ["reserved range", "[9]"]),
    "unreserved name": (edit('  reserved "legacy";\n', ""), ["reserved name", "legacy"]),
    "removed message": (
        edit(
            "message ListThingsResponse { repeated Thing things = 1; string next_page_token = 2; }\n",
            "message Other { repeated Thing things = 1; string next_page_token = 2; }\n",
        ).replace("returns (ListThingsResponse)", "returns (Other)"),
        ['"ListThingsResponse"', "deleted"],
    ),
    "removed rpc": (
        edit("  rpc GetThing(GetThingRequest) returns (Thing);\n", ""),
        ['"GetThing"', "deleted"],
    ),
    "changed rpc input": (
        edit("rpc GetThing(GetThingRequest)", "rpc GetThing(ListThingsRequest)"),
        ['"GetThing"', "request type"],
    ),
    "changed rpc output": (
        edit(
            "returns (Thing);\n  rpc ListThings", "returns (ListThingsResponse);\n  rpc ListThings"
        ),
        ['"GetThing"', "response type"],
    ),
    "changed streaming": (edit("returns (stream Thing);", "returns (Thing);"), ["streaming"]),
    "removed service": (BASE[: BASE.index("service ThingService")], ['"ThingService"', "deleted"]),
    "removed enum value": (edit("  COLOR_BLUE = 2;\n", ""), ['enum value "2"', '"Color"', "deleted"]),
    "renamed enum value": (
        edit("COLOR_BLUE = 2;", "COLOR_NAVY = 2;"),
        ['"2"', "COLOR_BLUE", "COLOR_NAVY"],
    ),
    "removed enum": (
        BASE[: BASE.index("enum Color")] + BASE[BASE.index("service ThingService") :],
        ['"Color"', "deleted"],
    ),
    "message moved to another file": (
        edit("message GetThingRequest { string id = 1; }\n", "").replace(
            "package demo.v1;", 'package demo.v1;\nimport "demo/v1/moved.proto";'
        ),
        ['"GetThingRequest"', "deleted"],
    ),
}


@pytest.mark.parametrize("kind", sorted(BREAKING))
def test_buf_refuses_the_breaking_change(buf_breaking, kind):
    source, fragments = BREAKING[kind]
    extra = {"demo/v1/moved.proto": MOVED} if kind == "message moved to another file" else None
    assert_refused(buf_breaking(source, extra=extra), *fragments)


def test_buf_refuses_a_removed_file(buf_breaking):
    other = {
        "demo/v1/other.proto": 'syntax = "proto3";\npackage demo.v1;\nmessage O { int32 n = 1; }\n'
    }
    assert_refused(buf_breaking(None, extra=other), "demo/v1/demo.proto", "deleted")


# --- the real contracts ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def current_image(generate) -> descriptor_pb2.FileDescriptorSet:
    """The contracts as they are, compiled as `generate.py --breaking` compiles them."""
    return generate.build_descriptor_set(include_source_info=True, include_imports=True)


def test_buf_lint_passes_the_contracts(generate):
    findings = generate.lint()
    assert not findings, "buf lint (protos/buf.yaml):\n" + "\n".join(findings)


def test_released_baseline_is_an_image_of_every_contract_and_its_imports(generate):
    released = descriptor_pb2.FileDescriptorSet.FromString(
        generate.RELEASED_DESCRIPTOR.read_bytes()
    )
    names = [file.name for file in released.file]
    assert {"crm/customer/v1/customer.proto", "crm/notification/v1/notification.proto"} <= set(
        names
    )
    imported = {dependency for file in released.file for dependency in file.dependency}
    assert imported <= set(names), f"imports missing from the baseline: {imported - set(names)}"
    assert not any(file.HasField("source_code_info") for file in released.file)


def test_current_contracts_do_not_break_the_released_baseline(generate, current_image):
    changes = generate.breaking_changes(current_image)
    assert not changes, "breaking changes against the released v1 contract:\n" + "\n".join(changes)


def _copy_with(image, file_name: str, change) -> descriptor_pb2.FileDescriptorSet:
    copy = descriptor_pb2.FileDescriptorSet()
    copy.CopyFrom(image)
    change(next(file for file in copy.file if file.name == file_name))
    return copy


def test_a_renamed_event_field_in_the_real_contracts_is_refused_by_buf(generate, current_image):
    def rename(file):
        field = file.message_type[0].field[0]  # CustomerCreated's first field
        field.name, field.json_name = "renamed", "renamed"

    changed = _copy_with(current_image, "crm/customer/v1/events.proto", rename)
    assert_refused(
        generate.breaking_changes(changed), "crm/customer/v1/events.proto", "changed name"
    )


def test_a_changed_event_name_is_refused(generate, current_image):
    """Buf compares no custom options; the routing key consumers bind to must not change."""
    from crm.common.v1 import options_pb2

    def rename_event(file):
        message = file.message_type[0]
        options = descriptor_pb2.MessageOptions.FromString(message.options.SerializeToString())
        options.Extensions[options_pb2.event_name] = "customer.added"
        message.options.CopyFrom(options)

    changed = _copy_with(current_image, "crm/customer/v1/events.proto", rename_event)
    expected = "crm.customer.v1.CustomerCreated: event_name changed from `customer.created` to "
    assert generate.breaking_changes(changed) == [expected + "`customer.added`"]
