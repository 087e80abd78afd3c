"""The customer table format's declarations stay whole as the contract grows: every column and
every value of an enum column has its Chinese, and no Chinese stands for two things."""

from __future__ import annotations

from customer_service import customer_csv


def test_every_enum_value_of_the_contract_has_its_chinese_word():
    assert {column: set(words) for column, words in customer_csv.CHINESE_WORDS.items()} == {
        column: set(words) for column, words in customer_csv.ENUM_COLUMNS.items()
    }
    for column, words in customer_csv.CHINESE_WORDS.items():
        assert len(set(words.values())) == len(words), column


def test_every_column_has_a_chinese_header_of_its_own():
    headers = list(customer_csv.COLUMNS.values())
    assert all(headers) and len(set(headers)) == len(headers)
    assert not set(headers) & set(customer_csv.COLUMNS)


def test_a_chinese_export_row_reads_back_as_the_same_customer():
    from crm.customer.v1 import customer_pb2

    customer = customer_pb2.Customer(
        type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL,
        display_name="韩梅梅",
        source=7,  # e_commerce
        individual=customer_pb2.IndividualProfile(gender=customer_pb2.GENDER_FEMALE, age=30),
    )
    columns = ["type", "display_name", "source", "individual.gender", "individual.age"]
    row = customer_csv.row_of(customer, columns, "zh-CN")
    assert row == ["个人", "韩梅梅", "电商", "女", "30"]
    read, violations = customer_csv.to_customer(dict(zip(columns, row, strict=True)), {})
    assert violations == []
    assert read == customer
