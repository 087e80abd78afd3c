"""Names and numbers other code is written against. Renaming any of them is a bug."""

from __future__ import annotations

from crm.common.v1 import events_pb2 as common_events_pb2
from crm.common.v1 import options_pb2, types_pb2
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events_pb2
from crm.identity.v1 import events_pb2 as identity_events_pb2
from crm.identity.v1 import identity_pb2
from crm.notification.v1 import notification_pb2
from google.protobuf import descriptor as _descriptor

FD = _descriptor.FieldDescriptor


def _fields(message) -> dict[str, tuple[int, int, str]]:
    """name -> (number, type, type full name or '')"""
    out = {}
    for field in message.DESCRIPTOR.fields:
        type_name = (
            field.message_type.full_name
            if field.message_type
            else (field.enum_type.full_name if field.enum_type else "")
        )
        out[field.name] = (field.number, field.type, type_name)
    return out


def _assert_fields(message, expected: dict[str, tuple[int, int] | tuple[int, int, str]]):
    actual = _fields(message)
    for name, spec in expected.items():
        assert name in actual, f"{message.DESCRIPTOR.full_name}.{name} missing"
        number, type_, *type_name = spec
        assert actual[name][0] == number, f"{message.DESCRIPTOR.full_name}.{name} number"
        assert actual[name][1] == type_, f"{message.DESCRIPTOR.full_name}.{name} type"
        if type_name:
            assert actual[name][2] == type_name[0], (
                f"{message.DESCRIPTOR.full_name}.{name} type name"
            )


def _rpc(service, name):
    method = service.methods_by_name[name]
    return method.input_type.full_name, method.output_type.full_name


def test_common_types():
    _assert_fields(
        types_pb2.Money, {"currency_code": (1, FD.TYPE_STRING), "amount_minor": (2, FD.TYPE_INT64)}
    )
    _assert_fields(
        types_pb2.AuditStamp,
        {
            "create_time": (1, FD.TYPE_MESSAGE, "google.protobuf.Timestamp"),
            "created_by": (2, FD.TYPE_STRING),
            "update_time": (3, FD.TYPE_MESSAGE, "google.protobuf.Timestamp"),
            "updated_by": (4, FD.TYPE_STRING),
        },
    )
    _assert_fields(
        types_pb2.Ownership,
        {"owner_id": (1, FD.TYPE_STRING), "department_path": (2, FD.TYPE_STRING)},
    )
    assert options_pb2.event_name.number == 51001
    assert options_pb2.event_name.containing_type.full_name == "google.protobuf.MessageOptions"
    _assert_fields(
        common_events_pb2.EventEnvelope,
        {
            "event_id": (1, FD.TYPE_STRING),
            "event_type": (2, FD.TYPE_STRING),
            "event_name": (3, FD.TYPE_STRING),
            "source_service": (4, FD.TYPE_STRING),
            "occur_time": (5, FD.TYPE_MESSAGE, "google.protobuf.Timestamp"),
            "traceparent": (6, FD.TYPE_STRING),
            "tracestate": (7, FD.TYPE_STRING),
            "payload": (8, FD.TYPE_MESSAGE, "google.protobuf.Any"),
        },
    )


def test_customer_contract():
    service = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
    assert service.full_name == "crm.customer.v1.CustomerService"
    assert _rpc(service, "CreateCustomer") == (
        "crm.customer.v1.CreateCustomerRequest",
        "crm.customer.v1.Customer",
    )
    assert _rpc(service, "GetCustomer") == (
        "crm.customer.v1.GetCustomerRequest",
        "crm.customer.v1.Customer",
    )
    assert _rpc(service, "ListCustomers") == (
        "crm.customer.v1.ListCustomersRequest",
        "crm.customer.v1.ListCustomersResponse",
    )
    _assert_fields(
        customer_pb2.CreateCustomerRequest,
        {
            "customer": (1, FD.TYPE_MESSAGE, "crm.customer.v1.Customer"),
            "request_id": (2, FD.TYPE_STRING),
        },
    )
    _assert_fields(customer_pb2.GetCustomerRequest, {"id": (1, FD.TYPE_STRING)})
    _assert_fields(
        customer_pb2.ListCustomersRequest,
        {"page_size": (1, FD.TYPE_INT32), "page_token": (2, FD.TYPE_STRING)},
    )
    _assert_fields(
        customer_pb2.ListCustomersResponse,
        {
            "customers": (1, FD.TYPE_MESSAGE, "crm.customer.v1.Customer"),
            "next_page_token": (2, FD.TYPE_STRING),
        },
    )
    assert {v.name: v.number for v in customer_pb2.CustomerType.DESCRIPTOR.values} == {
        "CUSTOMER_TYPE_UNSPECIFIED": 0,
        "CUSTOMER_TYPE_ENTERPRISE": 1,
        "CUSTOMER_TYPE_INDIVIDUAL": 2,
    }
    _assert_fields(
        customer_pb2.Customer,
        {
            "id": (1, FD.TYPE_STRING),
            "number": (2, FD.TYPE_STRING),
            "type": (3, FD.TYPE_ENUM, "crm.customer.v1.CustomerType"),
            "display_name": (4, FD.TYPE_STRING),
            "owner_id": (5, FD.TYPE_STRING),
            "department_path": (6, FD.TYPE_STRING),
            "phone": (7, FD.TYPE_STRING),
            "email": (8, FD.TYPE_STRING),
            "create_time": (9, FD.TYPE_MESSAGE, "google.protobuf.Timestamp"),
            "update_time": (10, FD.TYPE_MESSAGE, "google.protobuf.Timestamp"),
        },
    )
    _assert_fields(
        customer_events_pb2.CustomerCreated,
        {"customer": (1, FD.TYPE_MESSAGE, "crm.customer.v1.Customer")},
    )
    options = customer_events_pb2.CustomerCreated.DESCRIPTOR.GetOptions()
    assert options.Extensions[options_pb2.event_name] == "customer.created"


def test_notification_contract():
    service = notification_pb2.DESCRIPTOR.services_by_name["NotificationService"]
    assert service.full_name == "crm.notification.v1.NotificationService"
    prefix = "crm.notification.v1."
    assert _rpc(service, "ListNotifications") == (
        prefix + "ListNotificationsRequest",
        prefix + "ListNotificationsResponse",
    )
    assert _rpc(service, "GetUnreadCount") == (
        prefix + "GetUnreadCountRequest",
        prefix + "GetUnreadCountResponse",
    )
    assert _rpc(service, "MarkNotificationsRead") == (
        prefix + "MarkNotificationsReadRequest",
        prefix + "MarkNotificationsReadResponse",
    )
    _assert_fields(notification_pb2.GetUnreadCountResponse, {"unread_count": (1, FD.TYPE_INT32)})
    _assert_fields(
        notification_pb2.MarkNotificationsReadRequest,
        {"ids": (1, FD.TYPE_STRING), "all": (2, FD.TYPE_BOOL)},
    )
    assert notification_pb2.MarkNotificationsReadRequest.DESCRIPTOR.fields_by_name[
        "ids"
    ].is_repeated
    _assert_fields(notification_pb2.MarkNotificationsReadResponse, {"marked": (1, FD.TYPE_INT32)})
    _assert_fields(
        notification_pb2.ListNotificationsRequest,
        {
            "page_size": (1, FD.TYPE_INT32),
            "page_token": (2, FD.TYPE_STRING),
            "unread_only": (3, FD.TYPE_BOOL),
        },
    )
    _assert_fields(
        notification_pb2.ListNotificationsResponse,
        {
            "notifications": (1, FD.TYPE_MESSAGE, prefix + "Notification"),
            "next_page_token": (2, FD.TYPE_STRING),
        },
    )
    _assert_fields(
        notification_pb2.Notification,
        {
            "id": (1, FD.TYPE_STRING),
            "recipient_id": (2, FD.TYPE_STRING),
            "category": (3, FD.TYPE_STRING),
            "title": (4, FD.TYPE_STRING),
            "body": (5, FD.TYPE_STRING),
            "subject_type": (6, FD.TYPE_STRING),
            "subject_id": (7, FD.TYPE_STRING),
            "source_event_id": (8, FD.TYPE_STRING),
            "create_time": (9, FD.TYPE_MESSAGE, "google.protobuf.Timestamp"),
            "read": (10, FD.TYPE_BOOL),
            "read_time": (11, FD.TYPE_MESSAGE, "google.protobuf.Timestamp"),
        },
    )


def test_identity_events():
    def event_name(message):
        return message.DESCRIPTOR.GetOptions().Extensions[options_pb2.event_name]

    assert event_name(identity_events_pb2.UserUpserted) == "identity.user_upserted"
    assert event_name(identity_events_pb2.UserDisabled) == "identity.user_disabled"
    assert event_name(identity_events_pb2.DepartmentUpserted) == "identity.department_upserted"
    upserted = _fields(identity_events_pb2.UserUpserted)
    for name in (
        "user_id",
        "username",
        "display_name",
        "email",
        "phone",
        "department_path",
        "roles",
        "data_scope",
        "locale",
        "active",
        "is_department_lead",
    ):
        assert name in upserted
    assert upserted["data_scope"][2] == "crm.identity.v1.DataScope"
    for name in ("path", "name", "lead_user_id"):
        assert name in _fields(identity_events_pb2.DepartmentUpserted)
    assert [v.name for v in identity_pb2.DataScope.DESCRIPTOR.values] == [
        "DATA_SCOPE_UNSPECIFIED",
        "DATA_SCOPE_OWN",
        "DATA_SCOPE_DEPARTMENT",
        "DATA_SCOPE_ALL",
    ]
