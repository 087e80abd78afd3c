"""Sensitive personal fields at rest and on the way out, and the access log of their reads.

The real servicer inside the real server bootstrap on a migrated SQLite file: the file's raw
bytes are read to prove the clear values never reach the disk.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import grpc
import pytest
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_devstack.inprocess_api import InProcessApi, principal_claims
from crm_shared import field_keys
from crm_shared.auth import Principal
from crm_shared.auth.principal import DataScope
from crm_shared.errors import PermissionDenied
from customer_service import personal_data
from customer_service.api import build_bindings
from customer_service.models import Customer, CustomerPersonalField
from customer_service.settings import CustomerApiSettings
from sqlalchemy import select

pytestmark = pytest.mark.integration

SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
ID_CARD = "330106199001011234"
BANK_ACCOUNT = "6222020200112233445"

REP = Principal("u-rep", "rep.zhang", frozenset({"sales_rep"}), "/hq/sales/east", DataScope.OWN)
OTHER_REP = Principal(
    "u-rep-2", "rep.li", frozenset({"sales_rep"}), "/hq/sales/north", DataScope.OWN
)
DPO = Principal("u-dpo", "dpo.chen", frozenset({"dpo"}), "/hq/legal", DataScope.ALL)
ADMIN = Principal("u-admin", "admin", frozenset({"admin"}), "/hq", DataScope.ALL)


class Api(InProcessApi):
    """The customer api in-process on a migrated SQLite file, with one configured key."""

    def __init__(self, url: str, keys) -> None:
        self.path = Path(url.removeprefix("sqlite:///"))
        self.key = os.urandom(32)
        super().__init__("customer", build_bindings, url, keys, service=SERVICE,
                         stub_class=customer_pb2_grpc.CustomerServiceStub, claims=principal_claims,
                         settings_cls=CustomerApiSettings,
                         field_encryption_key=base64.b64encode(self.key).decode())
        self.keys = self.settings.field_keys

    def customer_with_secrets(self, owner: Principal) -> str:
        created = self.stub(owner).CreateCustomer(
            customer_pb2.CreateCustomerRequest(
                customer=customer_pb2.Customer(
                    type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL,
                    display_name="韩梅梅",
                    phone="13812345678",
                )
            )
        )
        with self.database.unit_of_work() as uow:
            personal_data.store_personal_fields(
                uow.session,
                created.id,
                {"individual.id_card_number": ID_CARD, "bank_account": BANK_ACCOUNT},
                self.keys,
            )
        return created.id


@pytest.fixture
def api(keys, migrated_database):
    server = Api(migrated_database("customer_service"), keys)
    yield server
    server.stop()


def _raw_bytes(path: Path) -> bytes:
    """The database as it lies on disk: the main file and its write-ahead log."""
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def test_sensitive_fields_never_reach_the_database_file_in_clear(api):
    customer_id = api.customer_with_secrets(REP)
    api.database.dispose()  # flush connections; the WAL stays beside the file and is read too

    raw = _raw_bytes(api.path)
    assert b"13812345678" in raw  # the phone is stored plainly: the scan does see clear text
    for secret in (ID_CARD, BANK_ACCOUNT):
        for encoded in (secret.encode(), secret.encode("utf-16-le"), secret[-8:].encode()):
            assert encoded not in raw
    with api.database.unit_of_work(readonly=True) as uow:
        rows = list(uow.session.scalars(select(CustomerPersonalField)))
        assert {(row.customer_id, row.field_path, row.key_id) for row in rows} == {
            (customer_id, "individual.id_card_number", api.keys.current_id),
            (customer_id, "bank_account", api.keys.current_id),
        }
        assert personal_data.load_clear(uow.session, [customer_id], api.keys)[customer_id] == {
            "individual.id_card_number": ID_CARD,
            "bank_account": BANK_ACCOUNT,
        }


def test_a_rep_gets_them_masked_and_may_not_reveal_them(api):
    customer_id = api.customer_with_secrets(REP)
    with api.database.unit_of_work() as uow:
        customer = uow.session.get(Customer, customer_id)
        fields = personal_data.personal_fields_for(uow.session, customer, REP, keys=api.keys)
        with pytest.raises(PermissionDenied):
            personal_data.personal_fields_for(
                uow.session, customer, REP, reveal=True, keys=api.keys
            )
    assert fields.values == {
        "individual.id_card_number": "*" * 18,
        "bank_account": "**** **** 3445",
    }
    assert fields.masked
    with api.database.unit_of_work(readonly=True) as uow:
        many = personal_data.masked_fields_for_many(uow.session, [customer_id, "no-such"], api.keys)
    assert many[customer_id] == fields
    assert many["no-such"].values == {} and not many["no-such"].masked
    message = personal_data.apply_to_proto(customer_pb2.Customer(), fields)
    assert message.individual.id_card_number == "*" * 18
    assert message.bank_account == "**** **** 3445"
    assert message.sensitive_fields_masked

    log = api.stub(DPO).ListAccessLogEntries(
        customer_pb2.ListAccessLogEntriesRequest(customer_id=customer_id)
    )
    assert list(log.access_log_entries) == []  # masked reads reveal nothing: nothing to log


def test_the_privacy_role_reveals_them_and_the_reveal_is_in_the_access_log(api):
    customer_id = api.customer_with_secrets(REP)
    with api.database.unit_of_work() as uow:
        customer = uow.session.get(Customer, customer_id)
        fields = personal_data.personal_fields_for(
            uow.session,
            customer,
            DPO,
            reveal=True,
            purpose="DSR-2026-0042",
            method="/crm.customer.v1.CustomerService/GetCustomer",
            keys=api.keys,
        )
    assert fields.values == {"individual.id_card_number": ID_CARD, "bank_account": BANK_ACCOUNT}
    assert not fields.masked

    entries = (
        api.stub(DPO)
        .ListAccessLogEntries(
            customer_pb2.ListAccessLogEntriesRequest(
                customer_id=customer_id, action=customer_pb2.ACCESS_ACTION_REVEAL
            )
        )
        .access_log_entries
    )
    assert len(entries) == 1
    entry = entries[0]
    assert entry.actor_id == DPO.user_id
    assert list(entry.actor_roles) == ["dpo"]
    assert entry.action == customer_pb2.ACCESS_ACTION_REVEAL
    assert sorted(entry.field_paths) == ["bank_account", "individual.id_card_number"]
    assert entry.purpose == "DSR-2026-0042"
    assert entry.method.endswith("/GetCustomer")
    assert entry.access_time.seconds > 0


def test_only_the_privacy_roles_read_the_access_log(api):
    customer_id = api.customer_with_secrets(REP)
    with pytest.raises(grpc.RpcError) as caught:
        api.stub(REP).ListAccessLogEntries(
            customer_pb2.ListAccessLogEntriesRequest(customer_id=customer_id)
        )
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
    assert (
        api.stub(ADMIN)
        .ListAccessLogEntries(customer_pb2.ListAccessLogEntriesRequest(customer_id=customer_id))
        .next_page_token
        == ""
    )


def test_values_sealed_before_a_key_rotation_stay_readable_and_are_resealed(api):
    customer_id = api.customer_with_secrets(REP)
    new_key = os.urandom(32)
    rotated = personal_data.FieldKeys(new_key, previous=[api.key])
    with api.database.unit_of_work() as uow:
        assert (
            personal_data.load_clear(uow.session, [customer_id], rotated)[customer_id][
                "bank_account"
            ]
            == BANK_ACCOUNT
        )
        assert personal_data.reseal_all(uow.session, rotated) == 2
    with api.database.unit_of_work(readonly=True) as uow:
        assert set(uow.session.scalars(select(CustomerPersonalField.key_id))) == {
            rotated.current_id
        }
        only_new = personal_data.FieldKeys(new_key)
        assert (
            personal_data.load_clear(uow.session, [customer_id], only_new)[customer_id][
                "individual.id_card_number"
            ]
            == ID_CARD
        )


def test_the_api_process_refuses_to_start_without_a_usable_key(tmp_path):
    from crm_shared.settings import ConfigurationError, load_settings
    from customer_service.settings import CustomerApiSettings

    public_key = tmp_path / "signing.pub"
    public_key.write_text("unused")
    base = {
        "service_name": "customer",
        "database_url": "sqlite://",
        "jwt_public_key_file": public_key,
    }
    with pytest.raises(ConfigurationError):
        load_settings(CustomerApiSettings, **base)
    with pytest.raises(ConfigurationError):
        load_settings(
            CustomerApiSettings, **base, field_encryption_key=base64.b64encode(b"short").decode()
        )
    good = base64.b64encode(os.urandom(32)).decode()
    settings = load_settings(CustomerApiSettings, **base, field_encryption_key=good)
    assert settings.field_keys.current_id == field_keys.key_id_of(base64.b64decode(good))
