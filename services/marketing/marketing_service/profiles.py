"""Events → the facts of the read model (:class:`marketing_service.models.CustomerProfile`).
Pure: what an event says (:func:`observations_of`) and what that changes in a profile
(:func:`changes_for`), with no I/O.

Ordering. Events arrive at least once and in any order, so a fact is only overwritten by news
that is newer than what set it:

* the customer record's own facts (type, name, contact data, industry, source, birth date)
  come with the record's version (the ``etag`` of the ``Customer`` in ``customer.created`` /
  ``customer.updated`` / ``customer.merged``); an event of an older or equal version changes
  nothing at all;
* every other group of facts (owner, tags, value class, stage, risk, RFM and spend, consent
  on every channel and on each channel, purchases) carries no version, so the group remembers when the event that set it occurred
  (``fact_times``), and an event that occurred earlier changes nothing in that group;
* the latest purchase day and the latest interaction only ever move forward (a maximum);
* a merged or erased profile is final: nothing brings it back.

Phone and e-mail arrive masked (``+86*********78``, ``l***@example.com``): they tell whether
the customer can be reached by SMS or e-mail, which is all segments and the send decision use;
the address itself is read from the customer service as each message is handed over
(:mod:`marketing_service.contact_details`). The birth date arrives in clear (birthday
greetings); ID-card and bank-account numbers are kept out of events.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.sales.v1 import events_pb2 as sales_events
from crm_shared.marketing_channels import CHANNEL_CONSENT_FIELDS, MARKETING_CHANNELS
from crm_shared.timestamps import from_timestamp

from marketing_service.segment_rules import CUSTOMER_TYPES, SOURCES, STAGES, VALUE_CLASSES

ACTIVE, MERGED, ERASED = "active", "merged", "erased"
FINAL_STATES = frozenset({MERGED, ERASED})
RECORD = "record"  # the group ordered by record version
MAX_COLUMNS = ("last_purchase_date", "last_interaction_time")  # only ever move forward
DEFAULT_LOCALE = "zh-CN"
ETAG_VERSION = re.compile(r'^(?:W/)?"?(\d+)"?$')

NEW_PROFILE: dict[str, object] = {
    "state": ACTIVE, "merged_into_id": None, "customer_type": "", "display_name": "",
    "owner_id": "", "department_path": "", "email": None, "phone": None,
    "locale": DEFAULT_LOCALE, "tag_ids": [], "value_class": None, "lifecycle_stage": None,
    "rfm_recency_score": 0, "rfm_frequency_score": 0, "rfm_monetary_score": 0,
    "at_risk": False, "risk_reason": None, "marketing_consent": False,
    "email_marketing_consent": None, "sms_marketing_consent": None, "birth_date": None,
    "birth_month_day": None, "contract_end_date": None, "first_contract_date": None,
    "first_contract_month_day": None, "last_purchase_date": None,
    "facts_version": 0, "industry": None, "source": None, "purchase_count_12m": None,
    "spend_12m_minor": None, "last_interaction_time": None, "fact_times": {},
}
"""A profile made by whichever event arrives first: every fact unknown."""

CHANNEL_CONSENT_COLUMNS = CHANNEL_CONSENT_FIELDS
"""The column of the marketing consent on each channel marketing sends on (None there: as
``marketing_consent``, the consent on every channel)."""


def _consent_groups(event) -> dict[str, Mapping[str, object]]:
    """Each channel's consent is its own group of facts, so changes on different channels
    never hide each other; a change on every channel also clears each channel's own consent
    (the latest change decides: re-subscribing after an unsubscribe)."""
    granted = event.state == customer_pb2.CONSENT_STATE_GRANTED
    if event.channel == types_pb2.DELIVERY_CHANNEL_UNSPECIFIED:
        return {"consent": {"marketing_consent": granted},
                **{f"consent_{name}": {column: None}
                   for name, column in CHANNEL_CONSENT_COLUMNS.items()}}
    name = MARKETING_CHANNELS.get(event.channel)
    if name is None:
        return {}  # a channel marketing does not send on (WeChat)
    return {f"consent_{name}": {CHANNEL_CONSENT_COLUMNS[name]: granted}}


@dataclass(frozen=True)
class Observation:
    """What one event says about one customer: profile columns by group of facts."""

    customer_id: str
    groups: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    version: int | None = None
    """The customer record's version, for the :data:`RECORD` group."""
    observed_at: datetime | None = None
    """When the facts were true, if the event says (consent change time, RFM compute
    time); else the event's occurrence."""
    state: str | None = None
    """``merged`` or ``erased``: the profile leaves the read model for good."""
    merged_into_id: str | None = None
    latest: Mapping[str, object] = field(default_factory=dict)
    """Columns that only move forward (:data:`MAX_COLUMNS`)."""
    initial: Mapping[str, object] = field(default_factory=dict)
    """Columns used only when this event creates the profile (owner from a sales event)."""


def version_of(etag: str) -> int | None:
    match = ETAG_VERSION.match(etag or "")
    return int(match.group(1)) if match else None


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _owner(owner_id: str, department_path: str) -> dict[str, Mapping[str, object]]:
    if not owner_id:
        return {}
    return {"owner": {"owner_id": owner_id, "department_path": department_path}}


def _value_class(value: int) -> dict[str, object]:
    return {"value_class": VALUE_CLASSES.number_to_stored.get(value)}


def customer_observation(customer: customer_pb2.Customer) -> Observation:
    """Everything a ``Customer`` payload says, at its record version."""
    birth = _parse_date(customer.individual.birth_date) if customer.HasField("individual") else None
    record = {
        "customer_type": CUSTOMER_TYPES.number_to_stored.get(customer.type, ""),
        "display_name": customer.display_name,
        "email": customer.email or None,
        "phone": customer.phone or None,
        "industry": (customer.enterprise.industry or None) if customer.HasField("enterprise")
        else None,
        "source": SOURCES.number_to_stored.get(customer.source),
        "birth_date": birth,
        "birth_month_day": birth.strftime("%m-%d") if birth else None,
    }
    groups: dict[str, Mapping[str, object]] = {
        RECORD: record,
        **_owner(customer.owner_id, customer.department_path),
        "tags": {"tag_ids": sorted({tag.tag_id for tag in customer.tags})},
    }
    if customer.value_class:
        groups["value_class"] = _value_class(customer.value_class)
    if customer.lifecycle_stage:
        groups["stage"] = {"lifecycle_stage": STAGES.number_to_stored.get(customer.lifecycle_stage)}
    if customer.HasField("churn_risk"):
        groups["risk"] = {"at_risk": customer.churn_risk.at_risk,
                          "risk_reason": customer.churn_risk.reason or None}
    latest = ({"last_interaction_time": from_timestamp(customer.last_interaction_time)}
              if customer.HasField("last_interaction_time") else {})
    return Observation(customer_id=customer.id, groups=groups,
                       version=version_of(customer.etag), latest=latest)


def observations_of(event) -> list[Observation]:
    """What a customer or sales event says, one observation per customer it concerns."""
    kind = type(event)
    if kind in (customer_events.CustomerCreated, customer_events.CustomerUpdated):
        return [customer_observation(event.customer)]
    if kind is customer_events.CustomerMerged:
        survivor = (customer_observation(event.customer) if event.customer.id
                    else Observation(customer_id=event.surviving_customer_id,
                                     groups=_owner(event.owner_id, event.department_path)))
        return [survivor] + [
            Observation(customer_id=merged, state=MERGED,
                        merged_into_id=event.surviving_customer_id)
            for merged in event.merged_customer_ids if merged != event.surviving_customer_id]
    if kind is customer_events.CustomerErased:
        return [Observation(customer_id=customer_id, state=ERASED)
                for customer_id in dict.fromkeys([event.customer_id,
                                                  *event.alias_customer_ids])]
    if kind is customer_events.CustomerOwnerChanged:
        return [Observation(customer_id=event.customer_id,
                            groups=_owner(event.current.owner_id, event.current.department_path))]
    if kind is customer_events.CustomerHandedOver:
        owner = _owner(event.current.owner_id, event.current.department_path)
        return [Observation(customer_id=customer_id, groups=owner)
                for customer_id in event.customer_ids]
    if kind is customer_events.CustomerTagsChanged:
        return [Observation(customer_id=event.customer_id, groups={
            **_owner(event.owner_id, event.department_path),
            "tags": {"tag_ids": sorted({tag.tag_id for tag in event.tags})}})]
    if kind is customer_events.CustomerValueClassChanged:
        return [Observation(customer_id=event.customer_id, groups={
            **_owner(event.owner_id, event.department_path),
            "value_class": _value_class(event.current)})]
    if kind is customer_events.CustomerStageChanged:
        return [Observation(customer_id=event.customer_id, groups={
            **_owner(event.owner_id, event.department_path),
            "stage": {"lifecycle_stage": STAGES.number_to_stored.get(event.current)}})]
    if kind is customer_events.CustomerValueRecomputed:
        value = event.value
        figures = {"rfm_recency_score": value.rfm.recency_score,
                   "rfm_frequency_score": value.rfm.frequency_score,
                   "rfm_monetary_score": value.rfm.monetary_score,
                   "spend_12m_minor": (value.spend_12m.amount_minor
                                       if value.HasField("spend_12m") else None)}
        computed = (from_timestamp(value.rfm.compute_time)
                    if value.rfm.HasField("compute_time") else None)
        observations = [Observation(customer_id=event.customer_id, groups={"value": figures},
                                    observed_at=computed)]
        if event.owner_id:
            observations.append(Observation(customer_id=event.customer_id,
                                            groups=_owner(event.owner_id, event.department_path)))
        return observations
    if kind is customer_events.CustomerAtRisk:
        return [Observation(customer_id=event.customer_id, groups={
            **_owner(event.owner_id, event.department_path),
            "risk": {"at_risk": True, "risk_reason": event.churn_risk.reason or None},
            **({"value_class": _value_class(event.value_class)} if event.value_class else {}),
        })]
    if kind is customer_events.CustomerRiskCleared:
        return [Observation(customer_id=event.customer_id, groups={
            **_owner(event.owner_id, event.department_path),
            "risk": {"at_risk": False, "risk_reason": None}})]
    if kind is customer_events.CustomerConsentChanged:
        if event.purpose != customer_pb2.CONSENT_PURPOSE_MARKETING:
            return []
        changed = from_timestamp(event.change_time) if event.HasField("change_time") else None
        groups = _consent_groups(event)
        if not groups:
            return []
        return [Observation(customer_id=event.customer_id, observed_at=changed, groups=groups)]
    if kind is sales_events.PurchaseRecorded:
        purchase = event.purchase
        when = from_timestamp(purchase.purchase_time) if purchase.HasField("purchase_time") else None
        return [Observation(
            customer_id=purchase.customer_id, observed_at=when,
            groups={"purchases": {"purchase_count_12m": event.customer_purchase_count_12m}},
            latest={"last_purchase_date": when.date(), "last_interaction_time": when} if when
            else {},
            initial={"owner_id": purchase.owner_id, "department_path": purchase.department_path})]
    return []


def changes_for(current: Mapping[str, object] | None, observation: Observation,
                occurred_at: datetime) -> dict[str, object]:
    """The columns ``observation`` changes in a profile whose columns are ``current`` (None:
    no profile yet; the result then holds every column of the new profile). Empty when the
    event is old news or changes nothing."""
    creating = current is None
    profile = dict(NEW_PROFILE, customer_id=observation.customer_id) if creating else dict(current)
    if creating:
        profile["fact_times"] = {}
        profile.update({k: v for k, v in observation.initial.items() if v})
    if profile["state"] in FINAL_STATES:
        return {}
    if observation.state is not None:
        profile["state"] = observation.state
        profile["merged_into_id"] = observation.merged_into_id
        return _difference(current, profile)
    version = observation.version
    if version is not None and version <= int(profile["facts_version"] or 0):
        return {}  # a record version we already have (or older): every fact in it is old
    clock = observation.observed_at or occurred_at
    times = dict(profile["fact_times"] or {})
    for group, values in observation.groups.items():
        if group == RECORD and version is not None:
            profile["facts_version"] = version
        else:
            seen = times.get(group)
            if seen is not None and datetime.fromisoformat(seen) > clock:
                continue
            times[group] = clock.isoformat()
        profile.update(values)
    for column, value in observation.latest.items():
        if value is not None and (profile[column] is None or value > profile[column]):
            profile[column] = value
    profile["fact_times"] = times
    return _difference(current, profile)


def _difference(current: Mapping[str, object] | None, profile: dict[str, object]
                ) -> dict[str, object]:
    if current is None:
        return profile
    return {column: value for column, value in profile.items() if current.get(column) != value}
