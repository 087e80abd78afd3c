"""The web-to-lead tracking parameters are declared once (crm_shared.lead_intake) and are the
keys the lead contract says ``SubmitLeadFormRequest.intake_params`` holds."""

from __future__ import annotations

import re
from importlib import resources

from crm_shared.lead_intake import CAMPAIGN_ID, INTAKE_PARAMS, TRACKING


def test_the_intake_params_are_the_keys_the_lead_contract_names() -> None:
    proto = resources.files("crm.sales.v1").joinpath("sales.proto").read_text("utf-8")
    request = proto[proto.index("message SubmitLeadFormRequest {") :]
    comment = request[: request.index("map<string, string> intake_params")]
    listed = comment.split("The form's parameters:")[1].split(";")[0]  # before "; kept as"
    named = re.findall(r"`([a-z_]+)`", listed)

    assert named == list(INTAKE_PARAMS)


def test_a_form_carries_the_intake_params_and_the_campaign() -> None:
    assert list(TRACKING) == [*INTAKE_PARAMS, CAMPAIGN_ID]
