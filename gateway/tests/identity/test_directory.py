"""Directory rules: validation with field errors, uniqueness, leads, and logging in."""

from __future__ import annotations

import pytest
from crm_shared.errors import AlreadyExists, InvalidArgument
from gateway.identity import directory


def test_department_needs_an_existing_parent_and_a_well_formed_path(database):
    with database.unit_of_work() as uow:
        directory.create_department(uow, path="/hq", name="总部")
        with pytest.raises(InvalidArgument) as missing_parent:
            directory.create_department(uow, path="/hq/sales/east", name="华东")
        with pytest.raises(InvalidArgument) as malformed:
            directory.create_department(uow, path="hq/Sales", name="")
        with pytest.raises(AlreadyExists):
            directory.create_department(uow, path="/hq", name="again")
    assert [v.field for v in missing_parent.value.violations] == ["path"]
    assert {v.field for v in malformed.value.violations} == {"path", "name"}


def test_user_input_is_checked_field_by_field(database, hashing):
    with database.unit_of_work() as uow:
        directory.create_department(uow, path="/hq", name="总部")
        with pytest.raises(InvalidArgument) as raised:
            directory.create_user(
                uow,
                hashing=hashing,
                username="Bad Name",
                password="",
                display_name=" ",
                department_path="/nowhere",
                roles=["Sales Rep"],
                data_scope="everything",
                email="not-an-email",
                locale="fr-FR",
            )
    fields = {v.field for v in raised.value.violations}
    assert fields == {
        "username",
        "password",
        "display_name",
        "department_path",
        "roles[0]",
        "data_scope",
        "email",
        "locale",
    }


def test_usernames_are_unique(database, hashing):
    with database.unit_of_work() as uow:
        directory.create_department(uow, path="/hq", name="总部")
        args = {
            "hashing": hashing,
            "username": "rep.wu",
            "password": "pw",
            "display_name": "吴",
            "department_path": "/hq",
            "roles": ["sales_rep"],
            "data_scope": "own",
        }
        directory.create_user(uow, **args)
        with pytest.raises(AlreadyExists):
            directory.create_user(uow, **args)


def test_authenticate_accepts_the_right_password_only_for_active_users(demo_database, hashing):
    with demo_database.unit_of_work(readonly=True) as uow:
        assert (
            directory.authenticate(
                uow.session, hashing=hashing, username="rep.zhang", password="demo"
            ).username
            == "rep.zhang"
        )
        assert (
            directory.authenticate(
                uow.session, hashing=hashing, username="rep.zhang", password="wrong"
            )
            is None
        )
        assert (
            directory.authenticate(uow.session, hashing=hashing, username="nobody", password="demo")
            is None
        )
    with demo_database.unit_of_work() as uow:
        directory.find_user(uow.session, "rep.li").active = False
    with demo_database.unit_of_work(readonly=True) as uow:
        assert (
            directory.authenticate(uow.session, hashing=hashing, username="rep.li", password="demo")
            is None
        )


def test_the_lead_must_belong_to_the_department(demo_database):
    with demo_database.unit_of_work() as uow:
        zhang = directory.find_user(uow.session, "rep.zhang")
        with pytest.raises(InvalidArgument) as raised:
            directory.set_department_lead(uow, path="/hq/tech", user_id=zhang.id)
    assert raised.value.violations[0].field == "lead_user_id"
