"""Proto messages in the REST conventions: snake_case, enum words, RFC 3339, null when unset."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm_shared.protojson import enum_number, enum_word, enum_words, from_json, to_json
from crm_shared.timestamps import to_timestamp


def test_enum_words_drop_the_type_prefix_and_the_unspecified_value():
    enum = customer_pb2.CustomerType.DESCRIPTOR
    assert enum_words(enum) == ["enterprise", "individual"]
    assert enum_word(enum, customer_pb2.CUSTOMER_TYPE_ENTERPRISE) == "enterprise"
    assert enum_word(enum, 0) is None
    assert enum_number(enum, "individual") == customer_pb2.CUSTOMER_TYPE_INDIVIDUAL
    assert enum_number(enum, None) == 0
    assert enum_words(types_pb2.SourceChannel.DESCRIPTOR)[-2:] == ["import", "other"]
    with pytest.raises(ValueError):
        enum_number(enum, "martian")


def test_message_fields_follow_the_rest_conventions():
    customer = customer_pb2.Customer(
        id="c-1",
        type=customer_pb2.CUSTOMER_TYPE_ENTERPRISE,
        display_name="西湖科技",
        create_time=to_timestamp(datetime(2024, 3, 1, 8, 30, tzinfo=UTC)),
        annual_contract_amount=types_pb2.Money(currency_code="CNY", amount_minor=12_345_600_000),
        missing_fields=["enterprise.industry"],
        external_ids={"erp": "K-1001"},
    )
    data = to_json(customer)

    assert data["id"] == "c-1"
    assert data["type"] == "enterprise"
    assert data["create_time"] == "2024-03-01T08:30:00Z"
    assert data["update_time"] is None  # unset message field
    assert data["annual_contract_amount"] == {
        "currency_code": "CNY",
        "amount_minor": 12_345_600_000,
    }
    assert data["value_class"] is None  # zero enum value
    assert data["enterprise"] is None and data["individual"] is None  # oneof not set
    assert data["missing_fields"] == ["enterprise.industry"]
    assert data["external_ids"] == {"erp": "K-1001"}


def test_durations_are_iso_8601_and_from_json_is_the_way_back():
    from datetime import timedelta

    from crm.ticket.v1 import ticket_pb2
    from google.protobuf.duration_pb2 import Duration
    from google.type import dayofweek_pb2

    policy = ticket_pb2.SlaPolicy(
        display_name="Complaints",
        ticket_type=ticket_pb2.TICKET_TYPE_COMPLAINT,
        resolution_target=Duration(seconds=86_400),
        first_response_target=Duration(seconds=4 * 3600),
    )
    data = to_json(policy)
    assert data["resolution_target"] == "P1D"
    assert data["first_response_target"] == "PT4H"
    assert data["warning_before"] is None

    back = from_json(
        {
            "display_name": "Complaints",
            "ticket_type": "complaint",
            "resolution_target": timedelta(days=1),
            "first_response_target": "PT4H",
            "warning_before": None,
            "create_time": datetime(2024, 3, 1, 8, 30, tzinfo=UTC),
        },
        ticket_pb2.SlaPolicy(),
    )
    assert back.resolution_target.seconds == 86_400
    assert back.first_response_target.seconds == 4 * 3600
    assert not back.HasField("warning_before")
    assert back.create_time.ToJsonString() == "2024-03-01T08:30:00Z"
    calendar = from_json(
        {"working_hours": [{"day": "monday", "opens_at": "09:00"}], "holidays": []},
        ticket_pb2.BusinessCalendar(),
    )
    assert calendar.working_hours[0].day == dayofweek_pb2.MONDAY
    # An enum without a type prefix still refuses its own full names as words.
    with pytest.raises(ValueError):
        enum_number(customer_pb2.CustomerType.DESCRIPTOR, "customer_type_enterprise")
    with pytest.raises(ValueError):
        from_json({"colour": "blue"}, ticket_pb2.SlaPolicy())
