"""Breaking-change detection between two descriptor sets of the CRM contracts.

``find_breaking_changes(old, new)`` compares the released baseline (``old``) with the
current contracts (``new``) and returns one human-readable line per breaking change,
sorted. An empty list means ``new`` is a compatible evolution of ``old``.

What counts as breaking (wire, generated code and proto3 JSON, because events travel
as proto3 JSON):

* a removed file, message, enum, enum value, service, RPC, field or extension;
* a message, enum or service moved to another file (the Python import path changes);
* a file's package changed;
* a field whose name, json_name, type, type_name, label (singular/repeated),
  proto3 ``optional`` presence or oneof membership changed;
* an enum value renamed (JSON carries enum values by name);
* an RPC whose input type, output type, client streaming or server streaming changed;
* a reserved number, range or name removed (it could then be reused);
* the ``(crm.common.v1.event_name)`` option of a message changed or removed
  (it is the routing key consumers bind to).

A removed field is always reported; the report says whether its number is reserved.
Additions (files, messages, fields with new numbers, enum values, RPCs, services) pass.

The module only depends on ``google.protobuf`` so it can be unit-tested with small
descriptor sets.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from google.protobuf import descriptor_pb2

EVENT_NAME_OPTION_NUMBER = 51001
"""Field number of the ``(crm.common.v1.event_name)`` message option."""

_FieldDescriptor = descriptor_pb2.FieldDescriptorProto


def load_descriptor_set(path: str | Path) -> descriptor_pb2.FileDescriptorSet:
    """Reads a binary ``FileDescriptorSet`` (``protoc --descriptor_set_out``) from ``path``."""
    fds = descriptor_pb2.FileDescriptorSet()
    fds.ParseFromString(Path(path).read_bytes())
    return fds


# ---------------------------------------------------------------------------------------------
# Option helpers (options may be parsed with or without the extension registered)
# ---------------------------------------------------------------------------------------------


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def string_option(options, field_number: int) -> str | None:
    """Returns the string value of the (extension) option ``field_number`` set on ``options``.

    Works whether or not the extension is registered in the running process, by reading the
    serialized options. Returns None when the option is not set.
    """
    data = options.SerializeToString()
    pos = 0
    value: str | None = None
    while pos < len(data):
        key, pos = _read_varint(data, pos)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            _, pos = _read_varint(data, pos)
        elif wire_type == 1:
            pos += 8
        elif wire_type == 2:
            length, pos = _read_varint(data, pos)
            if number == field_number:
                value = data[pos : pos + length].decode("utf-8")
            pos += length
        elif wire_type == 5:
            pos += 4
        else:  # groups are not used by any option we read
            raise ValueError(f"unsupported wire type {wire_type} in options")
    return value


def event_name_of(message: descriptor_pb2.DescriptorProto) -> str | None:
    """The ``(crm.common.v1.event_name)`` option of a message, or None."""
    if not message.HasField("options"):
        return None
    return string_option(message.options, EVENT_NAME_OPTION_NUMBER)


# ---------------------------------------------------------------------------------------------
# Indexing
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Located:
    file: str
    proto: object


@dataclass
class _Index:
    files: dict[str, descriptor_pb2.FileDescriptorProto]
    messages: dict[str, _Located]
    enums: dict[str, _Located]
    services: dict[str, _Located]
    extensions: dict[tuple[str, int], _Located]


def _walk_messages(
    prefix: str, messages: Iterable[descriptor_pb2.DescriptorProto]
) -> Iterator[tuple[str, descriptor_pb2.DescriptorProto]]:
    for message in messages:
        full_name = f"{prefix}.{message.name}" if prefix else message.name
        yield full_name, message
        yield from _walk_messages(full_name, message.nested_type)


def _index(fds: descriptor_pb2.FileDescriptorSet) -> _Index:
    index = _Index(files={}, messages={}, enums={}, services={}, extensions={})
    for file in fds.file:
        index.files[file.name] = file
        package = file.package
        for enum in file.enum_type:
            index.enums[_join(package, enum.name)] = _Located(file.name, enum)
        for service in file.service:
            index.services[_join(package, service.name)] = _Located(file.name, service)
        for extension in file.extension:
            index.extensions[(extension.extendee, extension.number)] = _Located(
                file.name, extension
            )
        for full_name, message in _walk_messages(package, file.message_type):
            index.messages[full_name] = _Located(file.name, message)
            for enum in message.enum_type:
                index.enums[f"{full_name}.{enum.name}"] = _Located(file.name, enum)
            for extension in message.extension:
                index.extensions[(extension.extendee, extension.number)] = _Located(
                    file.name, extension
                )
    return index


def _join(package: str, name: str) -> str:
    return f"{package}.{name}" if package else name


# ---------------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------------

_TYPE_NAMES = {
    value: name
    for name, value in _FieldDescriptor.Type.items()  # e.g. 9 -> "TYPE_STRING"
}
_LABEL_NAMES = {value: name for name, value in _FieldDescriptor.Label.items()}


def _describe_type(field: descriptor_pb2.FieldDescriptorProto) -> str:
    if field.type_name:
        return f"{_TYPE_NAMES.get(field.type, field.type)} {field.type_name}"
    return _TYPE_NAMES.get(field.type, str(field.type))


def _in_ranges(number: int, ranges) -> bool:
    # DescriptorProto.ReservedRange is end-exclusive; EnumReservedRange is end-inclusive.
    for reserved in ranges:
        end = reserved.end
        if isinstance(reserved, descriptor_pb2.DescriptorProto.ReservedRange):
            end -= 1
        if reserved.start <= number <= end:
            return True
    return False


def _oneof_of(message: descriptor_pb2.DescriptorProto, field) -> str | None:
    if not field.HasField("oneof_index"):
        return None
    name = message.oneof_decl[field.oneof_index].name
    if field.proto3_optional:
        return None  # synthetic oneof of a proto3 `optional`; reported as presence instead
    return name


def _compare_field(
    where: str,
    message_old: descriptor_pb2.DescriptorProto,
    message_new: descriptor_pb2.DescriptorProto,
    old: descriptor_pb2.FieldDescriptorProto,
    new: descriptor_pb2.FieldDescriptorProto,
    out: list[str],
) -> None:
    label = f"{where}: field {old.number} `{old.name}`"
    if old.name != new.name:
        out.append(f"{label}: renamed to `{new.name}`")
    if old.json_name != new.json_name:
        out.append(f"{label}: json_name changed from `{old.json_name}` to `{new.json_name}`")
    if old.type != new.type or old.type_name != new.type_name:
        out.append(f"{label}: type changed from {_describe_type(old)} to {_describe_type(new)}")
    if old.label != new.label:
        out.append(
            f"{label}: label changed from {_LABEL_NAMES.get(old.label)} to {_LABEL_NAMES.get(new.label)}"
        )
    if old.proto3_optional != new.proto3_optional:
        out.append(
            f"{label}: presence changed (proto3 optional {old.proto3_optional} -> {new.proto3_optional})"
        )
    old_oneof, new_oneof = _oneof_of(message_old, old), _oneof_of(message_new, new)
    if old_oneof != new_oneof:
        out.append(f"{label}: oneof changed from {old_oneof or 'none'} to {new_oneof or 'none'}")


def _compare_message(
    full_name: str,
    old_loc: _Located,
    new_loc: _Located,
    out: list[str],
) -> None:
    old: descriptor_pb2.DescriptorProto = old_loc.proto  # type: ignore[assignment]
    new: descriptor_pb2.DescriptorProto = new_loc.proto  # type: ignore[assignment]
    where = f"{old_loc.file}: message {full_name}"
    if old_loc.file != new_loc.file:
        out.append(f"{where}: moved to file {new_loc.file}")

    new_fields = {field.number: field for field in new.field}
    for field in old.field:
        counterpart = new_fields.get(field.number)
        if counterpart is None:
            note = (
                "its number is reserved"
                if _in_ranges(field.number, new.reserved_range)
                else f"its number {field.number} is not reserved"
            )
            out.append(f"{where}: field {field.number} `{field.name}` removed ({note})")
            continue
        _compare_field(where, old, new, field, counterpart, out)

    for reserved in old.reserved_range:
        for number in range(reserved.start, reserved.end):
            if not _in_ranges(number, new.reserved_range):
                out.append(f"{where}: reserved number {number} no longer reserved")
                break
    for name in old.reserved_name:
        if name not in new.reserved_name:
            out.append(f"{where}: reserved name `{name}` no longer reserved")

    old_event, new_event = event_name_of(old), event_name_of(new)
    if old_event != new_event:
        out.append(f"{where}: event_name changed from `{old_event}` to `{new_event}`")


def _compare_enum(full_name: str, old_loc: _Located, new_loc: _Located, out: list[str]) -> None:
    old: descriptor_pb2.EnumDescriptorProto = old_loc.proto  # type: ignore[assignment]
    new: descriptor_pb2.EnumDescriptorProto = new_loc.proto  # type: ignore[assignment]
    where = f"{old_loc.file}: enum {full_name}"
    if old_loc.file != new_loc.file:
        out.append(f"{where}: moved to file {new_loc.file}")
    new_values = {}
    for value in new.value:
        new_values.setdefault(value.number, []).append(value.name)
    for value in old.value:
        names = new_values.get(value.number)
        if not names:
            out.append(f"{where}: value {value.number} `{value.name}` removed")
        elif value.name not in names:
            out.append(f"{where}: value {value.number} `{value.name}` renamed to `{names[0]}`")
    for reserved in old.reserved_range:
        for number in range(reserved.start, reserved.end + 1):
            if not _in_ranges(number, new.reserved_range):
                out.append(f"{where}: reserved number {number} no longer reserved")
                break
    for name in old.reserved_name:
        if name not in new.reserved_name:
            out.append(f"{where}: reserved name `{name}` no longer reserved")


def _compare_service(full_name: str, old_loc: _Located, new_loc: _Located, out: list[str]) -> None:
    old: descriptor_pb2.ServiceDescriptorProto = old_loc.proto  # type: ignore[assignment]
    new: descriptor_pb2.ServiceDescriptorProto = new_loc.proto  # type: ignore[assignment]
    where = f"{old_loc.file}: service {full_name}"
    if old_loc.file != new_loc.file:
        out.append(f"{where}: moved to file {new_loc.file}")
    new_methods = {method.name: method for method in new.method}
    for method in old.method:
        counterpart = new_methods.get(method.name)
        label = f"{where}: rpc {method.name}"
        if counterpart is None:
            out.append(f"{label} removed")
            continue
        if method.input_type != counterpart.input_type:
            out.append(
                f"{label}: input type changed from {method.input_type} to {counterpart.input_type}"
            )
        if method.output_type != counterpart.output_type:
            out.append(
                f"{label}: output type changed from {method.output_type} to {counterpart.output_type}"
            )
        if method.client_streaming != counterpart.client_streaming:
            out.append(
                f"{label}: client streaming changed from {method.client_streaming} "
                f"to {counterpart.client_streaming}"
            )
        if method.server_streaming != counterpart.server_streaming:
            out.append(
                f"{label}: server streaming changed from {method.server_streaming} "
                f"to {counterpart.server_streaming}"
            )


def find_breaking_changes(
    old: descriptor_pb2.FileDescriptorSet, new: descriptor_pb2.FileDescriptorSet
) -> list[str]:
    """Lists the breaking changes from ``old`` (released) to ``new`` (current), sorted."""
    old_index, new_index = _index(old), _index(new)
    out: list[str] = []

    for name, file in old_index.files.items():
        counterpart = new_index.files.get(name)
        if counterpart is None:
            out.append(f"{name}: file removed")
        elif file.package != counterpart.package:
            out.append(f"{name}: package changed from {file.package} to {counterpart.package}")

    for full_name, located in old_index.messages.items():
        counterpart = new_index.messages.get(full_name)
        if counterpart is None:
            out.append(f"{located.file}: message {full_name} removed")
        else:
            _compare_message(full_name, located, counterpart, out)

    for full_name, located in old_index.enums.items():
        counterpart = new_index.enums.get(full_name)
        if counterpart is None:
            out.append(f"{located.file}: enum {full_name} removed")
        else:
            _compare_enum(full_name, located, counterpart, out)

    for full_name, located in old_index.services.items():
        counterpart = new_index.services.get(full_name)
        if counterpart is None:
            out.append(f"{located.file}: service {full_name} removed")
        else:
            _compare_service(full_name, located, counterpart, out)

    for key, located in old_index.extensions.items():
        extension: descriptor_pb2.FieldDescriptorProto = located.proto  # type: ignore[assignment]
        counterpart = new_index.extensions.get(key)
        where = f"{located.file}: extension {extension.name} ({key[0]} = {key[1]})"
        if counterpart is None:
            out.append(f"{where} removed")
            continue
        ext_new: descriptor_pb2.FieldDescriptorProto = counterpart.proto  # type: ignore[assignment]
        if extension.name != ext_new.name:
            out.append(f"{where}: renamed to `{ext_new.name}`")
        if extension.type != ext_new.type or extension.type_name != ext_new.type_name:
            out.append(
                f"{where}: type changed from {_describe_type(extension)} to {_describe_type(ext_new)}"
            )
        if extension.label != ext_new.label:
            out.append(f"{where}: label changed")

    return sorted(out)


def main(argv: list[str] | None = None) -> int:
    """``python breaking.py OLD.binpb NEW.binpb``: prints breaking changes, exit 1 if any."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: breaking.py OLD.binpb NEW.binpb", file=sys.stderr)
        return 2
    changes = find_breaking_changes(load_descriptor_set(args[0]), load_descriptor_set(args[1]))
    for change in changes:
        print(change)
    return 1 if changes else 0


if __name__ == "__main__":
    raise SystemExit(main())
