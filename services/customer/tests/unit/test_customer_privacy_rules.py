"""Pure rules of personal data and the customer CSV: keys, the contract's sensitive fields,
reading and writing rows, anonymous values. No I/O. (Masks: ``test_customer_mask_candidates``.)"""

from __future__ import annotations

import os

import pytest
from crm.customer.v1 import customer_pb2
from crm_shared import field_keys
from crm_shared.errors import InvalidArgument
from customer_service import customer_csv, erasure, personal_data
from sqlalchemy import JSON, Column, Date, Integer, LargeBinary, MetaData, String, Table


def test_the_sensitive_fields_are_read_from_the_contract():
    assert set(personal_data.SECRET_FIELDS) == {"bank_account", "individual.id_card_number"}
    assert {
        "display_name",
        "phone",
        "email",
        "address",
        "wechat_id",
        "individual.birth_date",
    } <= set(personal_data.PERSONAL_FIELDS)


def test_a_sealed_value_opens_only_for_its_customer_and_field():
    keys = personal_data.FieldKeys(os.urandom(32))
    key_id, blob = keys.seal("c-1", "bank_account", "6222020200112233445")
    assert b"6222020200112233445" not in blob
    assert keys.open("c-1", "bank_account", key_id, blob) == "6222020200112233445"
    with pytest.raises(LookupError):
        keys.open("c-2", "bank_account", key_id, blob)  # copied to another customer
    with pytest.raises(LookupError):
        keys.open("c-1", "individual.id_card_number", key_id, blob)  # moved to another field
    assert keys.seal("c-1", "bank_account", "6222020200112233445")[1] != blob  # fresh nonce


def test_a_rotated_key_set_opens_old_values_and_seals_with_the_new_key():
    old, new = os.urandom(32), os.urandom(32)
    key_id, blob = personal_data.FieldKeys(old).seal("c-1", "bank_account", "6222")
    rotated = personal_data.FieldKeys(new, previous=[old])
    assert rotated.open("c-1", "bank_account", key_id, blob) == "6222"
    assert rotated.seal("c-1", "bank_account", "6222")[0] == field_keys.key_id_of(new) != key_id
    with pytest.raises(LookupError):
        personal_data.FieldKeys(new).open("c-1", "bank_account", key_id, blob)


@pytest.mark.parametrize(
    "text", ["", "abc", "YWJj", "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQQ=="]
)
def test_unusable_key_material_is_refused(text):
    with pytest.raises(field_keys.FieldKeyError):
        field_keys.decode_key(text)


def test_fields_go_into_a_customer_message_and_say_whether_they_are_masked():
    enterprise = customer_pb2.Customer(
        type=customer_pb2.CUSTOMER_TYPE_ENTERPRISE,
        enterprise=customer_pb2.EnterpriseProfile(legal_name="x"),
    )
    fields = personal_data.PersonalFields(
        {"bank_account": "**** **** 3445", "individual.id_card_number": "*" * 18},
        revealed=False,
    )
    personal_data.apply_to_proto(enterprise, fields)
    assert enterprise.bank_account == "**** **** 3445"
    assert enterprise.WhichOneof("profile") == "enterprise"  # not switched to an individual
    assert enterprise.sensitive_fields_masked
    assert personal_data.sensitive_values_of(
        customer_pb2.Customer(
            bank_account=" 6222 ", individual=customer_pb2.IndividualProfile(id_card_number="3301")
        )
    ) == {"bank_account": "6222", "individual.id_card_number": "3301"}


# --- CSV --------------------------------------------------------------------------------------


def test_rows_keep_their_line_numbers_across_quoted_newlines_and_blank_lines():
    content = b'type,display_name,needs\nindividual,a,"two\nlines"\n\nindividual,b,\n'
    header, rows = customer_csv.read(b"\xef\xbb\xbf" + content)  # a BOM is fine
    assert header == ["type", "display_name", "needs"]
    assert [(line, values["display_name"]) for line, values in rows] == [(2, "a"), (5, "b")]


def test_a_row_becomes_the_customer_it_describes():
    message, violations = customer_csv.to_customer(
        {
            "type": "Enterprise",
            "display_name": "西湖科技",
            "enterprise.legal_name": "杭州西湖科技有限公司",
            "enterprise.staff_count": "120",
            "source": "exhibition",
            "tags": "VIP; 2024 Q3",
        },
        {"VIP": ["t-1"], "2024 Q3": ["t-2"]},
    )
    assert violations == []
    assert message.type == customer_pb2.CUSTOMER_TYPE_ENTERPRISE
    assert (message.enterprise.legal_name, message.enterprise.staff_count) == (
        "杭州西湖科技有限公司",
        120,
    )
    assert [tag.tag_id for tag in message.tags] == ["t-1", "t-2"]
    assert customer_csv.row_of(message, ["type", "display_name", "enterprise.staff_count"]) == [
        "enterprise",
        "西湖科技",
        "120",
    ]


def test_a_rows_shape_problems_name_their_columns():
    _, violations = customer_csv.to_customer(
        {
            "type": "individual",
            "display_name": "x",
            "individual.age": "thirty",
            "source": "tv",
            "enterprise.industry": "retail",
            "tags": "nope;dup",
        },
        {"dup": ["t-1", "t-2"]},
    )
    assert sorted(v.field for v in violations) == [
        "enterprise.industry",
        "individual.age",
        "source",
        "tags",
        "tags",
    ]


def test_a_header_with_unknown_or_missing_columns_is_refused():
    with pytest.raises(InvalidArgument) as caught:
        customer_csv.read(b"display_name,shoe_size\nx,1\n")
    message = caught.value.violations[0].description
    assert "unknown column 'shoe_size'" in message and "column 'type' is missing" in message


def test_create_violations_map_to_csv_columns():
    assert customer_csv.column_of("customer.enterprise.legal_name") == "enterprise.legal_name"
    assert customer_csv.column_of("customer.tags[2].tag_id") == "tags"
    assert customer_csv.column_of("customer.phone") == "phone"


# --- erasure ----------------------------------------------------------------------------------


def test_anonymous_values_by_column_type():
    table = Table(
        "t",
        MetaData(),
        Column("a", String(10), nullable=True),
        Column("b", String(10), nullable=False),
        Column("c", LargeBinary, nullable=False),
        Column("d", JSON, nullable=False),
        Column("e", Date, nullable=True),
        Column("f", Integer, nullable=False),
    )
    assert [erasure.anonymous_value(table.c[name]) for name in "abcde"] == [None, "", b"", {}, None]
    with pytest.raises(TypeError):
        erasure.anonymous_value(table.c.f)
