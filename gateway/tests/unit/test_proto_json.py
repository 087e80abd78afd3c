"""Proto messages in the REST conventions: snake_case, enum words, RFC 3339, null when unset."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm_shared.timestamps import to_timestamp
from gateway.protojson import enum_number, enum_word, enum_words, to_json


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
