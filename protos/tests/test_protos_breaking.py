"""The compatibility checker detects every kind of breaking change, and the current contracts do not
break the released v1 baseline (`protos/released/crm-v1.binpb`)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2

BASE = """
syntax = "proto3";
package demo.v1;
import "google/protobuf/descriptor.proto";
extend google.protobuf.MessageOptions { string event_name = 51001; }

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

message ThingCreated {
  option (event_name) = "thing.created";
  Thing thing = 1;
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


def compile_protos(tmp_path: Path, sources: dict[str, str]) -> descriptor_pb2.FileDescriptorSet:
    """Compiles inline .proto sources with protoc into a descriptor set (as --release does)."""
    import grpc_tools

    root = tmp_path / f"src{len(list(tmp_path.iterdir()))}"
    for name, text in sources.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    out = root / "out.binpb"
    well_known = Path(grpc_tools.__file__).parent / "_proto"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            f"-I{root}",
            f"-I{well_known}",
            f"--descriptor_set_out={out}",
            *sorted(sources),
        ],
        check=True,
        capture_output=True,
    )
    fds = descriptor_pb2.FileDescriptorSet()
    fds.ParseFromString(out.read_bytes())
    return fds


@pytest.fixture
def compare(tmp_path, breaking):
    """compare(new_source, old_source=BASE, new_files=None) -> list of breaking changes."""

    def run(new: str | None, old: str = BASE, extra: dict[str, str] | None = None) -> list[str]:
        old_fds = compile_protos(tmp_path, {"demo/v1/demo.proto": old})
        new_sources = dict(extra or {})
        if new is not None:
            new_sources["demo/v1/demo.proto"] = new
        new_fds = compile_protos(tmp_path, new_sources)
        return breaking.find_breaking_changes(old_fds, new_fds)

    return run


def edit(old: str, new: str, source: str = BASE) -> str:
    assert old in source, old
    return source.replace(old, new, 1)


def assert_one(changes: list[str], *fragments: str) -> None:
    assert changes, "expected a breaking change, got none"
    assert any(all(fragment in change for fragment in fragments) for change in changes), changes


# --- compatible evolutions ----------------------------------------------------------------------


def test_identical_contracts_pass(compare):
    assert compare(BASE) == []


def test_added_field_passes(compare):
    assert compare(edit("  reserved 9;", "  string note = 8;\n  reserved 9;")) == []


def test_added_message_enum_value_rpc_and_file_pass(compare):
    source = edit("  COLOR_BLUE = 2;", "  COLOR_BLUE = 2;\n  COLOR_GREEN = 3;")
    source = edit(
        "  rpc GetThing(GetThingRequest) returns (Thing);",
        "  rpc GetThing(GetThingRequest) returns (Thing);\n  rpc PeekThing(GetThingRequest) returns (Thing);",
        source,
    )
    source += "\nmessage Extra { string id = 1; }\n"
    extra = {
        "demo/v1/more.proto": 'syntax = "proto3";\npackage demo.v1;\nmessage More { int32 n = 1; }\n'
    }
    assert compare(source, extra=extra) == []


def test_comment_and_rpc_order_changes_pass(compare):
    source = edit("message Thing {", "// A thing.\nmessage Thing {")
    assert compare(source) == []


# --- breaking changes ---------------------------------------------------------------------------


def test_removed_field_fails(compare):
    changes = compare(edit("  int32 size = 3;\n", ""))
    assert_one(changes, "demo.v1.Thing", "field 3 `size` removed", "not reserved")


def test_removed_field_is_reported_even_when_reserved(compare):
    changes = compare(edit("  int32 size = 3;\n", "  reserved 3;\n"))
    assert_one(changes, "field 3 `size` removed", "its number is reserved")
    assert not any("not reserved" in change for change in changes)


def test_renumbered_field_fails(compare):
    changes = compare(edit("  int32 size = 3;", "  int32 size = 10;"))
    assert_one(changes, "field 3 `size` removed")


def test_changed_type_fails(compare):
    changes = compare(edit("  int32 size = 3;", "  int64 size = 3;"))
    assert_one(changes, "field 3 `size`", "type changed from TYPE_INT32 to TYPE_INT64")


def test_changed_message_type_name_fails(compare):
    source = edit("  Thing thing = 1;", "  GetThingRequest thing = 1;")
    assert_one(
        compare(source),
        "ThingCreated",
        "field 1 `thing`",
        "type changed",
        ".demo.v1.GetThingRequest",
    )


def test_changed_label_fails(compare):
    changes = compare(edit("  string name = 2;", "  repeated string name = 2;"))
    assert_one(changes, "field 2 `name`", "label changed from LABEL_OPTIONAL to LABEL_REPEATED")


def test_changed_presence_fails(compare):
    changes = compare(edit("  optional bool flag = 5;", "  bool flag = 5;"))
    assert_one(changes, "field 5 `flag`", "presence changed")


def test_renamed_field_fails_by_name_and_json_name(compare):
    changes = compare(edit("  string name = 2;", "  string title = 2;"))
    assert_one(changes, "field 2 `name`", "renamed to `title`")
    assert_one(changes, "field 2 `name`", "json_name changed from `name` to `title`")


def test_changed_json_name_fails(compare):
    changes = compare(edit("  string name = 2;", '  string name = 2 [json_name = "label"];'))
    assert_one(changes, "json_name changed from `name` to `label`")


def test_field_moved_out_of_oneof_fails(compare):
    source = edit("    string b = 7;\n  }", "  }\n  string b = 7;")
    assert_one(compare(source), "field 7 `b`", "oneof changed from choice to none")


def test_unreserved_number_and_name_fail(compare):
    source = edit('  reserved 9;\n  reserved "legacy";\n', "")
    changes = compare(source)
    assert_one(changes, "reserved number 9 no longer reserved")
    assert_one(changes, "reserved name `legacy` no longer reserved")


def test_removed_message_fails(compare):
    source = edit("message GetThingRequest { string id = 1; }\n", "")
    source = source.replace("rpc GetThing(GetThingRequest) returns (Thing);\n", "")
    assert_one(compare(source), "message demo.v1.GetThingRequest removed")


def test_removed_rpc_fails(compare):
    source = edit("  rpc GetThing(GetThingRequest) returns (Thing);\n", "")
    assert_one(compare(source), "service demo.v1.ThingService: rpc GetThing removed")


def test_changed_rpc_input_and_output_fail(compare):
    source = edit(
        "  rpc GetThing(GetThingRequest) returns (Thing);",
        "  rpc GetThing(ListThingsRequest) returns (ListThingsResponse);",
    )
    changes = compare(source)
    assert_one(changes, "rpc GetThing: input type changed", ".demo.v1.ListThingsRequest")
    assert_one(changes, "rpc GetThing: output type changed", ".demo.v1.ListThingsResponse")


def test_changed_streaming_fails(compare):
    source = edit("returns (stream Thing);", "returns (Thing);")
    assert_one(compare(source), "rpc WatchThings: server streaming changed from True to False")


def test_removed_service_fails(compare):
    start = BASE.index("service ThingService")
    assert_one(compare(BASE[:start]), "service demo.v1.ThingService removed")


def test_removed_enum_value_fails(compare):
    changes = compare(edit("  COLOR_BLUE = 2;\n", ""))
    assert_one(changes, "enum demo.v1.Color", "value 2 `COLOR_BLUE` removed")


def test_renamed_enum_value_fails(compare):
    changes = compare(edit("  COLOR_BLUE = 2;", "  COLOR_NAVY = 2;"))
    assert_one(changes, "value 2 `COLOR_BLUE` renamed to `COLOR_NAVY`")


def test_removed_enum_fails(compare):
    source = BASE[: BASE.index("enum Color")] + BASE[BASE.index("service ThingService") :]
    assert_one(compare(source), "enum demo.v1.Color removed")


def test_changed_event_name_fails(compare):
    changes = compare(edit('"thing.created"', '"thing.added"'))
    assert_one(changes, "ThingCreated", "event_name changed from `thing.created` to `thing.added`")


def test_removed_file_fails(compare):
    other = {
        "demo/v1/other.proto": 'syntax = "proto3";\npackage demo.v1;\nmessage Other { int32 n = 1; }\n'
    }
    changes = compare(None, extra=other)
    assert_one(changes, "demo/v1/demo.proto: file removed")


def test_message_moved_to_another_file_fails(compare):
    moved = 'syntax = "proto3";\npackage demo.v1;\nmessage GetThingRequest { string id = 1; }\n'
    source = edit("message GetThingRequest { string id = 1; }\n", "")
    source = source.replace(
        'import "google/protobuf/descriptor.proto";',
        'import "google/protobuf/descriptor.proto";\nimport "demo/v1/moved.proto";',
    )
    changes = compare(source, extra={"demo/v1/moved.proto": moved})
    assert_one(changes, "message demo.v1.GetThingRequest: moved to file demo/v1/moved.proto")


def test_every_kind_is_listed_at_once(compare):
    source = edit("  int32 size = 3;\n", "")
    source = edit("  string name = 2;", "  bytes name = 2;", source)
    source = edit("  rpc GetThing(GetThingRequest) returns (Thing);\n", "", source)
    changes = compare(source)
    assert len(changes) >= 3
    assert changes == sorted(changes)


# --- the real contracts -------------------------------------------------------------------------


def test_released_baseline_exists_and_covers_every_contract(generate, breaking):
    assert generate.RELEASED_DESCRIPTOR.exists(), (
        "run `make protos-release` once to create the baseline"
    )
    released = breaking.load_descriptor_set(generate.RELEASED_DESCRIPTOR)
    names = {file.name for file in released.file}
    assert all(name.startswith("crm/") for name in names), "the baseline holds crm protos only"
    assert {"crm/customer/v1/customer.proto", "crm/notification/v1/notification.proto"} <= names
    assert not any(file.HasField("source_code_info") for file in released.file)


def test_current_contracts_do_not_break_the_released_baseline(generate, breaking):
    released = breaking.load_descriptor_set(generate.RELEASED_DESCRIPTOR)
    current = generate.build_descriptor_set()
    changes = breaking.find_breaking_changes(released, current)
    assert not changes, "breaking changes against the released v1 contract:\n" + "\n".join(changes)
