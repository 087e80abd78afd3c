"""What a token names (crm_shared.auth.audiences), derived from the contracts' scopes, and a
verifier accepting only a token that names its own process."""

from __future__ import annotations

import pytest
from crm_shared.auth import TokenIssuer, TokenVerifier, generate_signing_key
from crm_shared.auth.audiences import PEOPLE, audience_of, audiences_for, for_scopes
from crm_shared.errors import Unauthenticated


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    generate_signing_key(folder / "k.pem", folder / "k.pub")
    return folder


def test_a_person_reaches_the_gateway_the_console_and_every_service():
    assert audiences_for(["sales_rep"], []) == PEOPLE
    assert set(PEOPLE) == {audience_of(name) for name in (
        "gateway", "console", "customer", "sales", "ticket", "marketing", "notification")}


@pytest.mark.parametrize(("scopes", "services"), [
    ((), ()),
    (("notification.send",), ("notification",)),
    (("surveys.respond",), ("marketing",)),
    # an ERP: its purchases name a customer and, perhaps, a campaign, checked with its token
    (("purchases.write", "customers.read"), ("customer", "sales", "marketing")),
    (("leads.intake",), ("sales", "marketing")),  # the public lead form, and its campaign
])
def test_a_service_account_reaches_the_gateway_and_the_services_its_scopes_open(scopes, services):
    expected = (audience_of("gateway"), *(audience_of(name) for name in services))
    assert audiences_for(["service"], scopes) == for_scopes(scopes) == expected


def test_a_verifier_accepts_only_a_token_that_names_its_process(keys):
    issuer = TokenIssuer((keys / "k.pem").read_bytes(), issuer="crm-gateway")
    sender = issuer.issue(user_id="svc", username="svc.marketing", roles=["service"],
                          department_path="/hq", data_scope="all", scopes=["notification.send"])

    def verifier(process: str) -> TokenVerifier:
        return TokenVerifier((keys / "k.pub").read_bytes(), issuer="crm-gateway",
                             audience=audience_of(process))

    assert verifier("notification").verify(sender).user_id == "svc"
    with pytest.raises(Unauthenticated, match="Audience"):
        verifier("customer").verify(sender)
