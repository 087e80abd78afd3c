"""Suite-wide rules of the published contracts, read from a descriptor set built with source info."""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator

import pytest
from google.protobuf import descriptor_pb2

FieldType = descriptor_pb2.FieldDescriptorProto
SERVICE_PACKAGES = ("customer", "sales", "ticket", "marketing", "notification")
EVENT_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
READ_PREFIXES = ("Get", "List", "Search", "BatchGet")


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def domain(file: descriptor_pb2.FileDescriptorProto) -> str:
    return file.package.split(".")[1]  # crm.<domain>.v1


@pytest.fixture(scope="module")
def files(descriptor_set_with_source_info) -> list[descriptor_pb2.FileDescriptorProto]:
    crm_files = [f for f in descriptor_set_with_source_info.file if f.name.startswith("crm/")]
    assert len(crm_files) >= 15
    return crm_files


@pytest.fixture(scope="module")
def messages(
    files,
) -> dict[str, tuple[descriptor_pb2.FileDescriptorProto, descriptor_pb2.DescriptorProto]]:
    out = {}
    for file in files:
        for path, message in walk_messages(file):
            out["." + qualified(file, path)] = (file, message)
    return out


def walk_messages(file) -> Iterator[tuple[list[str], descriptor_pb2.DescriptorProto]]:
    def walk(prefix, items):
        for message in items:
            path = [*prefix, message.name]
            yield path, message
            yield from walk(path, message.nested_type)

    yield from walk([], file.message_type)


def qualified(file, path: list[str]) -> str:
    return ".".join([file.package, *path])


# --- layout -------------------------------------------------------------------------------------


def test_package_matches_folder(files):
    for file in files:
        folder = file.name.rsplit("/", 1)[0]
        assert file.package == folder.replace("/", "."), file.name
        assert file.syntax == "proto3", file.name


def test_one_service_per_service_package_named_after_it(files):
    services = {}
    for file in files:
        for service in file.service:
            services.setdefault(domain(file), []).append(service.name)
    assert sorted(services) == sorted(SERVICE_PACKAGES)
    for package, names in services.items():
        assert names == [f"{package.capitalize()}Service"], (package, names)


# --- comments -----------------------------------------------------------------------------------


def _commented_paths(file) -> dict[tuple[int, ...], str]:
    return {
        tuple(location.path): location.leading_comments.strip()
        for location in file.source_code_info.location
    }


def _documented_elements(file) -> Iterator[tuple[str, tuple[int, ...]]]:
    """(description, source path) of every element that needs a leading comment."""

    def message_elements(message, path, name):
        if message.options.map_entry:
            return
        yield f"message {name}", path
        for i, field in enumerate(message.field):
            yield f"field {name}.{field.name}", (*path, 2, i)
        for i, oneof in enumerate(message.oneof_decl):
            synthetic = any(
                f.proto3_optional and f.HasField("oneof_index") and f.oneof_index == i
                for f in message.field
            )
            if not synthetic:
                yield f"oneof {name}.{oneof.name}", (*path, 8, i)
        for i, nested in enumerate(message.nested_type):
            yield from message_elements(nested, (*path, 3, i), f"{name}.{nested.name}")
        for i, enum in enumerate(message.enum_type):
            yield from enum_elements(enum, (*path, 4, i), f"{name}.{enum.name}")

    def enum_elements(enum, path, name):
        yield f"enum {name}", path
        for i, value in enumerate(enum.value):
            yield f"enum value {name}.{value.name}", (*path, 2, i)

    for i, message in enumerate(file.message_type):
        yield from message_elements(message, (4, i), f"{file.package}.{message.name}")
    for i, enum in enumerate(file.enum_type):
        yield from enum_elements(enum, (5, i), f"{file.package}.{enum.name}")
    for i, service in enumerate(file.service):
        yield f"service {file.package}.{service.name}", (6, i)
        for j, method in enumerate(service.method):
            yield f"rpc {service.name}.{method.name}", (6, i, 2, j)
    for i, extension in enumerate(file.extension):
        yield f"extension {file.package}.{extension.name}", (7, i)


def test_every_service_rpc_message_field_and_enum_has_a_leading_comment(files):
    missing = []
    for file in files:
        comments = _commented_paths(file)
        for description, path in _documented_elements(file):
            if not comments.get(path):
                missing.append(f"{file.name}: {description}")
    assert not missing, "elements without a leading comment:\n" + "\n".join(missing)


# --- naming -------------------------------------------------------------------------------------


def test_names_follow_the_style_guide(files):
    problems = []
    for file in files:
        for path, message in walk_messages(file):
            name = qualified(file, path)
            if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", message.name):
                problems.append(f"message {name}: not UpperCamelCase")
            for field in message.field:
                if not re.fullmatch(r"[a-z][a-z0-9_]*", field.name):
                    problems.append(f"field {name}.{field.name}: not lower_snake_case")
                if keyword.iskeyword(field.name):
                    problems.append(f"field {name}.{field.name}: a Python keyword")
        for service in file.service:
            for method in service.method:
                if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", method.name):
                    problems.append(f"rpc {service.name}.{method.name}: not UpperCamelCase")
    assert not problems, "\n".join(problems)


def test_every_enum_zero_value_is_unspecified_and_values_are_prefixed(files):
    problems = []

    def check(enum, name):
        prefix = snake(enum.name).upper() + "_"
        zero = [value for value in enum.value if value.number == 0]
        if not zero or zero[0].name != prefix + "UNSPECIFIED":
            problems.append(f"enum {name}: zero value must be {prefix}UNSPECIFIED")
        for value in enum.value:
            if not value.name.startswith(prefix):
                problems.append(f"enum {name}: value {value.name} lacks the prefix {prefix}")

    for file in files:
        for enum in file.enum_type:
            check(enum, f"{file.package}.{enum.name}")
        for path, message in walk_messages(file):
            for enum in message.enum_type:
                check(enum, f"{qualified(file, path)}.{enum.name}")
    assert not problems, "\n".join(problems)


def test_instants_are_timestamps_and_dates_are_strings(files):
    problems = []
    for file in files:
        for path, message in walk_messages(file):
            for field in message.field:
                where = f"{qualified(file, path)}.{field.name}"
                is_timestamp = field.type_name == ".google.protobuf.Timestamp"
                if field.name.endswith("_time") and not is_timestamp:
                    problems.append(f"{where}: `_time` fields are google.protobuf.Timestamp")
                if is_timestamp and not field.name.endswith("_time"):
                    problems.append(f"{where}: Timestamp fields end in `_time`")
                if field.name.endswith("_date") and field.type != FieldType.TYPE_STRING:
                    problems.append(f"{where}: `_date` fields are `YYYY-MM-DD` strings")
                if field.type == FieldType.TYPE_FLOAT:
                    problems.append(f"{where}: use double, not float")
    assert not problems, "\n".join(problems)


# --- RPC shapes ---------------------------------------------------------------------------------


def _field(message, name):
    return next((field for field in message.field if field.name == name), None)


def test_rpc_requests_are_unique_and_named_after_their_rpc(files, messages):
    problems, seen = [], {}
    methods = [
        (file.package, method)
        for file in files
        for service in file.service
        for method in service.method
    ]
    response_names = {f".{package}.{method.name}Response" for package, method in methods}
    for _, method in methods:
        request = method.input_type.rsplit(".", 1)[1]
        if request != f"{method.name}Request":
            problems.append(
                f"rpc {method.name}: request is {request}, expected {method.name}Request"
            )
        if method.input_type in seen:
            problems.append(f"rpc {method.name}: request shared with {seen[method.input_type]}")
        seen[method.input_type] = method.name
        response = method.output_type
        own = response.rsplit(".", 1)[1] == f"{method.name}Response"
        if response in response_names and not own:
            problems.append(f"rpc {method.name}: returns {response}, the response of another RPC")
    assert not problems, "\n".join(problems)


def test_list_rpcs_paginate(files, messages):
    problems = []
    for file in files:
        for service in file.service:
            for method in service.method:
                if not method.name.startswith(("List", "Search")):
                    continue
                _, request = messages[method.input_type]
                _, response = messages[method.output_type]
                page_size, page_token = _field(request, "page_size"), _field(request, "page_token")
                next_token = _field(response, "next_page_token")
                if not page_size or page_size.type != FieldType.TYPE_INT32:
                    problems.append(f"rpc {method.name}: request lacks `int32 page_size`")
                if not page_token or page_token.type != FieldType.TYPE_STRING:
                    problems.append(f"rpc {method.name}: request lacks `string page_token`")
                if not next_token or next_token.type != FieldType.TYPE_STRING:
                    problems.append(f"rpc {method.name}: response lacks `string next_page_token`")
                if not any(f.label == FieldType.LABEL_REPEATED for f in response.field):
                    problems.append(f"rpc {method.name}: response has no repeated field")
    assert not problems, "\n".join(problems)


def test_update_rpcs_take_a_field_mask_and_create_rpcs_a_request_id(files, messages):
    problems = []
    for file in files:
        for service in file.service:
            for method in service.method:
                _, request = messages[method.input_type]
                if method.name.startswith("Update"):
                    mask = _field(request, "update_mask")
                    if not mask or mask.type_name != ".google.protobuf.FieldMask":
                        problems.append(
                            f"rpc {method.name}: lacks `google.protobuf.FieldMask update_mask`"
                        )
                if method.name.startswith("Create"):
                    request_id = _field(request, "request_id")
                    if not request_id or request_id.type != FieldType.TYPE_STRING:
                        problems.append(
                            f"rpc {method.name}: lacks the idempotency key `string request_id`"
                        )
    assert not problems, "\n".join(problems)


def test_read_rpcs_are_marked_side_effect_free(files):
    problems = []
    for file in files:
        for service in file.service:
            for method in service.method:
                if method.name.startswith(READ_PREFIXES):
                    level = method.options.idempotency_level
                    if level != descriptor_pb2.MethodOptions.NO_SIDE_EFFECTS:
                        problems.append(
                            f"rpc {method.name}: missing `option idempotency_level = NO_SIDE_EFFECTS`"
                        )
    assert not problems, "\n".join(problems)


def test_every_service_exports_customer_data(files):
    for file in files:
        for service in file.service:
            methods = {method.name: method for method in service.method}
            assert "ExportCustomerData" in methods, service.name
            assert methods["ExportCustomerData"].output_type == ".crm.common.v1.PersonalDataExport"


# --- events -------------------------------------------------------------------------------------


def _event_files(files):
    return [f for f in files if f.name.endswith("/events.proto") and f.package != "crm.common.v1"]


def test_every_event_has_an_event_name_prefixed_by_a_resource_of_its_package(files, event_name_of):
    resources: dict[str, set[str]] = {}
    for file in files:
        if not file.name.endswith("/events.proto"):
            resources.setdefault(file.package, set()).update(
                snake(m.name) for m in file.message_type
            )
    problems, names = [], {}
    event_files = _event_files(files)
    assert {domain(f) for f in event_files} == {*SERVICE_PACKAGES, "identity"}
    for file in event_files:
        assert not file.service, f"{file.name}: events.proto declares no services"
        allowed = resources.get(file.package, set()) | {domain(file)}
        for message in file.message_type:
            where = f"{file.package}.{message.name}"
            name = event_name_of(message)
            if not name:
                problems.append(f"{where}: no (crm.common.v1.event_name) option")
                continue
            if not EVENT_NAME_RE.match(name):
                problems.append(
                    f"{where}: event name `{name}` is not `<aggregate>.<event>` in snake_case"
                )
                continue
            prefix = name.split(".", 1)[0]
            if prefix not in allowed:
                problems.append(
                    f"{where}: prefix `{prefix}` of `{name}` is not a resource of {file.package}"
                )
            if name in names:
                problems.append(f"{where}: event name `{name}` also used by {names[name]}")
            names[name] = where
    assert not problems, "\n".join(problems)
    assert len(names) >= 60


def test_only_event_messages_carry_an_event_name(files, event_name_of):
    event_files = {f.name for f in _event_files(files)}
    stray = [
        f"{qualified(file, path)}"
        for file in files
        if file.name not in event_files
        for path, message in walk_messages(file)
        if event_name_of(message)
    ]
    assert not stray, stray


def test_every_service_acknowledges_erasure(files, event_name_of):
    names = {
        event_name_of(message) for file in _event_files(files) for message in file.message_type
    }
    assert "customer.erased" in names
    for package in SERVICE_PACKAGES:
        if package != "customer":
            assert f"{package}.customer_data_erased" in names, package


def test_the_documented_event_names_exist(files, event_name_of):
    names = {
        event_name_of(message) for file in _event_files(files) for message in file.message_type
    }
    expected = {
        "customer.created",
        "customer.merged",
        "customer.erased",
        "customer.handed_over",
        "customer.at_risk",
        "lead.assigned",
        "opportunity.won",
        "contract.expiring",
        "payment.received",
        "ticket.routed",
        "ticket.transferred",
        "ticket.sla_warning",
        "survey.answered",
        "segment.member_joined",
        "notification.delivered",
        "identity.user_upserted",
        "identity.user_disabled",
        "identity.department_upserted",
    }
    assert expected <= names, expected - names
