"""What a web-to-lead form carries along besides the visitor's answers, declared once: the
tracking parameters it was opened with (``?utm_source=…&form_id=…``) and the campaign.

The lead contract keeps the parameters as the lead's ``intake_params``
(``crm.sales.v1.SubmitLeadFormRequest.intake_params`` names exactly these keys; a test holds
the two equal) and the campaign apart (``campaign_id``). The gateway's public lead route takes
exactly these (its request model is built from :data:`INTAKE_PARAMS`), and the console's lead
form carries exactly :data:`TRACKING` along, hidden, each cut to its length.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrackingField:
    max_length: int
    description: str = ""


INTAKE_PARAMS: dict[str, TrackingField] = {
    "utm_source": TrackingField(200),
    "utm_medium": TrackingField(200),
    "utm_campaign": TrackingField(200),
    "utm_term": TrackingField(200),
    "utm_content": TrackingField(200),
    "form_id": TrackingField(200, "Which of the website's forms."),
    "landing_page": TrackingField(500, "The page the form is on."),
}
"""The tracking parameters kept as the lead's ``intake_params``, by name."""

CAMPAIGN_ID = "campaign_id"
TRACKING: dict[str, TrackingField] = {
    **INTAKE_PARAMS,
    CAMPAIGN_ID: TrackingField(64, "The id of a running marketing campaign (the lead is "
                                   "attributed to no other, issue 15)."),
}
"""Everything a form carries along hidden: the intake parameters and the campaign's id."""
