"""Events → read-model facts (marketing_service.profiles): what each event says, and that news
older than what set a fact changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.sales.v1 import events_pb2 as sales_events
from crm.sales.v1 import sales_pb2
from crm_shared.timestamps import to_timestamp
from marketing_service.profiles import changes_for, observations_of, version_of
from marketing_service.segment_rules import consent_on

T0 = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)
CUSTOMER = "c-1"


def _customer(version: int, **fields) -> customer_pb2.Customer:
    values = {"id": CUSTOMER, "type": customer_pb2.CUSTOMER_TYPE_INDIVIDUAL,
              "display_name": "李雷", "owner_id": "u-rep", "department_path": "/hq/sales/east",
              "phone": "+8613900001111", "email": "li@example.com",
              "individual": customer_pb2.IndividualProfile(birth_date="1990-02-28"),
              "source": types_pb2.SOURCE_CHANNEL_EXHIBITION, "etag": f'W/"{version}"'}
    values.update(fields)
    return customer_pb2.Customer(**values)


def _apply(profile, event, at: datetime):
    """Every observation of ``event`` applied to ``profile`` (a dict of columns or None)."""
    for observation in observations_of(event):
        changes = changes_for(profile, observation, at)
        if changes:
            profile = {**(profile or {}), **changes}
    return profile


def _created(version: int = 1, **fields):
    return customer_events.CustomerCreated(customer=_customer(version, **fields))


def test_a_created_customer_becomes_a_profile_with_its_contact_data_in_clear():
    profile = _apply(None, _created(), T0)
    assert profile["customer_id"] == CUSTOMER
    assert profile["state"] == "active"
    assert profile["customer_type"] == "individual"
    assert (profile["phone"], profile["email"]) == ("+8613900001111", "li@example.com")
    assert profile["birth_date"] == date(1990, 2, 28)
    assert profile["birth_month_day"] == "02-28"
    assert profile["source"] == "exhibition"
    assert (profile["owner_id"], profile["department_path"]) == ("u-rep", "/hq/sales/east")
    assert profile["facts_version"] == 1
    assert profile["marketing_consent"] is False


def test_an_enterprise_brings_its_industry():
    profile = _apply(None, _created(type=customer_pb2.CUSTOMER_TYPE_ENTERPRISE, individual=None,
                                    enterprise=customer_pb2.EnterpriseProfile(
                                        legal_name="某某科技", industry="manufacturing")), T0)
    assert (profile["customer_type"], profile["industry"]) == ("enterprise", "manufacturing")
    assert profile["birth_date"] is None


def test_a_newer_record_version_overwrites_and_an_older_one_arriving_late_changes_nothing():
    profile = _apply(None, _created(1), T0)
    newer = customer_events.CustomerUpdated(customer=_customer(3, display_name="李雷雷"))
    profile = _apply(profile, newer, T0 + timedelta(minutes=5))
    assert (profile["display_name"], profile["facts_version"]) == ("李雷雷", 3)
    older = customer_events.CustomerUpdated(customer=_customer(2, display_name="旧名字"))
    assert all(not changes_for(profile, o, T0 + timedelta(minutes=9))
               for o in observations_of(older))
    same = customer_events.CustomerUpdated(customer=_customer(3, display_name="又一个"))
    assert all(not changes_for(profile, o, T0 + timedelta(minutes=9))
               for o in observations_of(same))


def test_facts_without_a_version_are_ordered_by_when_their_event_occurred():
    profile = _apply(None, _created(), T0)
    later = customer_events.CustomerValueClassChanged(
        customer_id=CUSTOMER, owner_id="u-rep", department_path="/hq/sales/east",
        current=types_pb2.VALUE_CLASS_A)
    earlier = customer_events.CustomerValueClassChanged(
        customer_id=CUSTOMER, owner_id="u-rep", department_path="/hq/sales/east",
        current=types_pb2.VALUE_CLASS_C)
    profile = _apply(profile, later, T0 + timedelta(hours=2))
    profile = _apply(profile, earlier, T0 + timedelta(hours=1))  # delivered late
    assert profile["value_class"] == "A"


def test_a_late_record_update_does_not_undo_newer_tags_but_updates_the_record():
    profile = _apply(None, _created(1), T0)
    tags = customer_events.CustomerTagsChanged(
        customer_id=CUSTOMER, owner_id="u-rep", department_path="/hq/sales/east",
        tags=[customer_pb2.CustomerTag(tag_id="vip"), customer_pb2.CustomerTag(tag_id="q3")])
    profile = _apply(profile, tags, T0 + timedelta(hours=2))
    stale_tags = customer_events.CustomerUpdated(customer=_customer(
        2, display_name="李雷 (更正)", tags=[customer_pb2.CustomerTag(tag_id="old")]))
    profile = _apply(profile, stale_tags, T0 + timedelta(hours=1))
    assert profile["tag_ids"] == ["q3", "vip"]
    assert profile["display_name"] == "李雷 (更正)"  # version 2 is newer than version 1


def test_whichever_event_arrives_first_creates_the_profile():
    risk = customer_events.CustomerAtRisk(
        customer_id=CUSTOMER, owner_id="u-rep", department_path="/hq/sales/east",
        value_class=types_pb2.VALUE_CLASS_B,
        churn_risk=customer_pb2.ChurnRisk(at_risk=True, reason="interactions -60 %"))
    profile = _apply(None, risk, T0)
    assert (profile["at_risk"], profile["risk_reason"]) == (True, "interactions -60 %")
    assert profile["value_class"] == "B"
    assert profile["owner_id"] == "u-rep"
    assert profile["display_name"] == "" and profile["facts_version"] == 0
    created = _created(1, churn_risk=customer_pb2.ChurnRisk(at_risk=False))
    profile = _apply(profile, created, T0 - timedelta(minutes=1))  # delivered late
    assert profile["display_name"] == "李雷"
    assert profile["at_risk"] is True  # the creation's (older) risk state does not undo it


def test_risk_cleared_turns_the_flag_off():
    profile = _apply(None, customer_events.CustomerAtRisk(
        customer_id=CUSTOMER, owner_id="u", churn_risk=customer_pb2.ChurnRisk(reason="r")), T0)
    profile = _apply(profile, customer_events.CustomerRiskCleared(
        customer_id=CUSTOMER, owner_id="u", reason="better"), T0 + timedelta(days=1))
    assert (profile["at_risk"], profile["risk_reason"]) == (False, None)


def test_only_marketing_consent_counts_and_its_change_time_orders_it():
    def consent(purpose, state, at):
        return customer_events.CustomerConsentChanged(
            customer_id=CUSTOMER, purpose=purpose, state=state, change_time=to_timestamp(at))

    profile = _apply(None, _created(), T0)
    profile = _apply(profile, consent(customer_pb2.CONSENT_PURPOSE_MARKETING,
                                      customer_pb2.CONSENT_STATE_GRANTED, T0), T0)
    assert profile["marketing_consent"] is True
    assert observations_of(consent(customer_pb2.CONSENT_PURPOSE_PROFILING,
                                   customer_pb2.CONSENT_STATE_WITHDRAWN, T0)) == []
    withdrawn = consent(customer_pb2.CONSENT_PURPOSE_MARKETING,
                        customer_pb2.CONSENT_STATE_WITHDRAWN, T0 + timedelta(days=2))
    regranted_earlier = consent(customer_pb2.CONSENT_PURPOSE_MARKETING,
                                customer_pb2.CONSENT_STATE_GRANTED, T0 + timedelta(days=1))
    profile = _apply(profile, withdrawn, T0 + timedelta(days=2))
    profile = _apply(profile, regranted_earlier, T0 + timedelta(days=3))  # published late
    assert profile["marketing_consent"] is False


def test_consent_on_one_channel_is_its_own_fact_and_a_later_every_channel_change_overrides_it():
    def consent(state, channel, at):
        return customer_events.CustomerConsentChanged(
            customer_id=CUSTOMER, purpose=customer_pb2.CONSENT_PURPOSE_MARKETING, state=state,
            channel=channel, change_time=to_timestamp(at))

    granted, withdrawn = customer_pb2.CONSENT_STATE_GRANTED, customer_pb2.CONSENT_STATE_WITHDRAWN
    every, email, sms = (types_pb2.DELIVERY_CHANNEL_UNSPECIFIED, types_pb2.DELIVERY_CHANNEL_EMAIL,
                         types_pb2.DELIVERY_CHANNEL_SMS)
    profile = _apply(_apply(None, _created(), T0), consent(granted, every, T0), T0)
    profile = _apply(profile, consent(withdrawn, email, T0 + timedelta(days=1)), T0)
    assert (consent_on(profile, "email"), consent_on(profile, "sms")) == (False, True)
    # an SMS change published late does not hide the e-mail one, nor the reverse
    profile = _apply(profile, consent(withdrawn, sms, T0 + timedelta(hours=1)), T0)
    assert (consent_on(profile, "email"), consent_on(profile, "sms")) == (False, False)
    assert profile["marketing_consent"] is True
    # a new consent on every channel re-subscribes both...
    profile = _apply(profile, consent(granted, every, T0 + timedelta(days=2)), T0)
    assert (consent_on(profile, "email"), consent_on(profile, "sms")) == (True, True)
    # ...and an e-mail withdrawal older than it, published late, changes nothing
    profile = _apply(profile, consent(withdrawn, email, T0 + timedelta(days=1, hours=1)), T0)
    assert consent_on(profile, "email") is True
    # WeChat is not a channel marketing sends on
    assert observations_of(consent(withdrawn, types_pb2.DELIVERY_CHANNEL_WECHAT, T0)) == []


def test_value_figures_take_rfm_scores_and_spend():
    event = customer_events.CustomerValueRecomputed(
        customer_id=CUSTOMER, owner_id="u-rep", department_path="/hq/sales/east",
        value=customer_pb2.CustomerValue(
            spend_12m=types_pb2.Money(currency_code="CNY", amount_minor=1_234_500),
            rfm=customer_pb2.RfmScore(recency_score=5, frequency_score=3, monetary_score=4)))
    profile = _apply(None, event, T0)
    assert (profile["rfm_recency_score"], profile["rfm_frequency_score"],
            profile["rfm_monetary_score"], profile["spend_12m_minor"]) == (5, 3, 4, 1_234_500)


def test_purchases_move_the_latest_purchase_forward_only():
    def purchase(at: datetime, count: int):
        return sales_events.PurchaseRecorded(
            purchase=sales_pb2.Purchase(customer_id=CUSTOMER, purchase_time=to_timestamp(at),
                                        owner_id="u-rep", department_path="/hq/sales/east"),
            customer_purchase_count_12m=count)

    profile = _apply(None, purchase(T0, 4), T0)
    assert (profile["last_purchase_date"], profile["purchase_count_12m"]) == (T0.date(), 4)
    assert profile["owner_id"] == "u-rep"
    profile = _apply(profile, purchase(T0 - timedelta(days=30), 3), T0 + timedelta(hours=1))
    assert (profile["last_purchase_date"], profile["purchase_count_12m"]) == (T0.date(), 4)
    assert profile["last_interaction_time"] == T0


def test_owner_changes_and_handovers_move_the_profile():
    profile = _apply(None, _created(), T0)
    profile = _apply(profile, customer_events.CustomerOwnerChanged(
        customer_id=CUSTOMER, current=types_pb2.Ownership(
            owner_id="u-li", department_path="/hq/sales/north")), T0 + timedelta(hours=1))
    assert (profile["owner_id"], profile["department_path"]) == ("u-li", "/hq/sales/north")
    handover = customer_events.CustomerHandedOver(
        customer_ids=[CUSTOMER, "c-2"],
        current=types_pb2.Ownership(owner_id="u-zhang", department_path="/hq/sales/east"))
    assert [o.customer_id for o in observations_of(handover)] == [CUSTOMER, "c-2"]
    profile = _apply(profile, handover, T0 + timedelta(hours=2))
    assert profile["owner_id"] == "u-zhang"


def test_merged_and_erased_profiles_are_final():
    profile = _apply(None, _created(), T0)
    merge = customer_events.CustomerMerged(surviving_customer_id="c-9",
                                           merged_customer_ids=[CUSTOMER, "c-9"],
                                           customer=_customer(7, id="c-9"))
    observations = observations_of(merge)
    assert [(o.customer_id, o.state) for o in observations] == [("c-9", None),
                                                                 (CUSTOMER, "merged")]
    profile = _apply(profile, merge, T0 + timedelta(hours=1))
    assert (profile["state"], profile["merged_into_id"]) == ("merged", "c-9")
    later = customer_events.CustomerUpdated(customer=_customer(9, display_name="复活"))
    assert all(not changes_for(profile, o, T0 + timedelta(hours=2))
               for o in observations_of(later))
    erased = _apply(_apply(None, _created(), T0), customer_events.CustomerErased(
        customer_id=CUSTOMER, alias_customer_ids=["c-0"]), T0 + timedelta(hours=1))
    assert erased["state"] == "erased"


def test_record_versions_are_read_from_etags():
    assert version_of('W/"12"') == 12
    assert version_of('"3"') == 3
    assert version_of("") is None
    assert version_of("abc") is None
