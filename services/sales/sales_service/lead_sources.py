"""Where a lead came from, labelled from what arrived with it when the caller did not say.

Pure: no I/O. The intake parameters (``intake_params``) are what a web form, a landing page or
an import passes along (``utm_source``, ``utm_medium``, ``form_id``, ``referrer_customer_id``,
``exhibition``, ``partner_id``, ``channel``); the strongest signal wins, in this order:

1. a referrer (``referrer_customer_id``, ``referrer``, ``referral_code``) → referral;
2. an exhibition (``exhibition``, ``booth``, or ``utm_medium`` ``exhibition``/``event``) → exhibition;
3. a partner (``partner_id``, ``partner``, ``reseller``, or ``utm_medium`` ``partner``) → partner;
4. a phone call (``call_id``, ``channel`` ``phone``, or ``utm_medium`` ``phone``/``call``) → phone;
5. a web form (``form_id``, ``landing_page``, ``utm_source``) → website form;
6. a campaign id alone → campaign.

Nothing at all leaves the source unspecified. ``source_detail`` names the signal (the
exhibition, the referrer, the form) when the caller gave none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

REFERRAL_KEYS = ("referrer_customer_id", "referrer", "referral_code")
EXHIBITION_KEYS = ("exhibition", "booth")
PARTNER_KEYS = ("partner_id", "partner", "reseller")
PHONE_KEYS = ("call_id",)
WEB_KEYS = ("form_id", "landing_page", "utm_source")
MEDIUM_SOURCES = {
    "exhibition": "exhibition", "event": "exhibition", "trade_fair": "exhibition",
    "partner": "partner", "reseller": "partner",
    "phone": "phone", "call": "phone",
}


@dataclass(frozen=True)
class SourceLabel:
    source: str
    """Short name of ``crm.common.v1.SourceChannel`` (``website_form``), or ``""``."""
    detail: str
    labelled: bool
    """True when the label came from the intake parameters, not from the caller."""


def _first(params: Mapping[str, str], keys: tuple[str, ...]) -> tuple[str, str] | None:
    for key in keys:
        value = (params.get(key) or "").strip()
        if value:
            return key, value
    return None


def label_source(params: Mapping[str, str], campaign_id: str = "", *, given: str = "",
                 given_detail: str = "") -> SourceLabel:
    """The lead's source: ``given`` when the caller named one, else labelled from ``params``
    and ``campaign_id``."""
    if given:
        return SourceLabel(given, given_detail, labelled=False)
    medium = MEDIUM_SOURCES.get((params.get("utm_medium") or "").strip().lower(), "")
    channel = (params.get("channel") or "").strip().lower()

    def labelled(source: str, detail: str) -> SourceLabel:
        return SourceLabel(source, given_detail or detail, labelled=True)

    found = _first(params, REFERRAL_KEYS)
    if found:
        return labelled("referral", f"{found[0]}={found[1]}")
    found = _first(params, EXHIBITION_KEYS)
    if found or medium == "exhibition":
        return labelled("exhibition", found[1] if found else params.get("utm_campaign", ""))
    found = _first(params, PARTNER_KEYS)
    if found or medium == "partner":
        return labelled("partner", found[1] if found else params.get("utm_source", ""))
    found = _first(params, PHONE_KEYS)
    if found or medium == "phone" or channel == "phone":
        return labelled("phone", found[1] if found else "")
    found = _first(params, WEB_KEYS)
    if found:
        return labelled("website_form", f"{found[0]}={found[1]}")
    if campaign_id:
        return labelled("campaign", f"campaign {campaign_id}")
    return SourceLabel("", given_detail, labelled=False)
