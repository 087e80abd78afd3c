"""Writing the read model: customer and sales events applied to
:class:`~marketing_service.models.CustomerProfile` (through the pure mapping of
:mod:`marketing_service.profiles`), the customer's contracts and dated behaviour, each followed by
the customer's re-evaluation against every active segment in the same unit of work.

The worker's handlers call :func:`record_event` (and the contract/behaviour functions) with
the handler's unit of work; tests call them the same way.
"""

from __future__ import annotations

from datetime import date, datetime

from crm.marketing.v1 import events_pb2 as marketing_events
from crm.sales.v1 import events_pb2 as sales_events
from crm_shared.db import UnitOfWork
from crm_shared.timestamps import from_timestamp
from sqlalchemy import func, select, update

from marketing_service import segments
from marketing_service.models import (
    CustomerProfile,
    ProfileContact,
    ProfileContract,
    ProfileInteraction,
)
from marketing_service.profiles import (
    NEW_PROFILE,
    Observation,
    changes_for,
    observations_of,
    version_of,
)
from marketing_service.segment_rules import CAMPAIGN_RESPONSE, SURVEY_ANSWER

CLOCK_COLUMNS = frozenset({"fact_times", "facts_version"})
PROFILE_COLUMNS = tuple(NEW_PROFILE)


def _columns_of(profile: CustomerProfile) -> dict[str, object]:
    return {column: getattr(profile, column) for column in PROFILE_COLUMNS}


def apply_observation(session, observation: Observation, *, occurred_at: datetime,
                      now: datetime) -> bool:
    """Write what ``observation`` changes; True when a fact changed (not only a clock)."""
    profile = session.get(CustomerProfile, observation.customer_id, with_for_update=True)
    changes = changes_for(None if profile is None else _columns_of(profile), observation,
                          occurred_at)
    if not changes:
        return False
    if profile is None:
        changes.pop("customer_id", None)
        session.add(CustomerProfile(customer_id=observation.customer_id, create_time=now,
                                    update_time=now, **changes))
        session.flush()
        return True
    for column, value in changes.items():
        setattr(profile, column, value)
    facts_changed = bool(set(changes) - CLOCK_COLUMNS)
    if facts_changed:
        profile.update_time = now
    return facts_changed


def ensure_profile(session, customer_id: str, *, owner_id: str, department_path: str,
                   occurred_at: datetime, now: datetime) -> CustomerProfile:
    """The customer's profile, made with every fact unknown when a sales or marketing event is
    the first news of the customer."""
    apply_observation(session, Observation(
        customer_id=customer_id,
        initial={"owner_id": owner_id, "department_path": department_path}),
        occurred_at=occurred_at, now=now)
    return session.get(CustomerProfile, customer_id)


def record_event(uow: UnitOfWork, event, *, event_id: str, occurred_at: datetime,
                 now: datetime) -> set[str]:
    """Apply a customer event (or ``purchase.recorded``) and re-evaluate every customer whose
    facts changed; the ids of those customers."""
    changed: list[str] = []
    for observation in observations_of(event):
        if apply_observation(uow.session, observation, occurred_at=occurred_at, now=now):
            changed.append(observation.customer_id)
    for customer_id in dict.fromkeys(changed):
        segments.reevaluate_customer(uow, customer_id, cause_event_id=event_id, now=now)
    return set(changed)


# --- contracts: contract_end_date is the latest end date of those in force -------------------


def record_contract(uow: UnitOfWork, event, *, event_id: str, occurred_at: datetime,
                    now: datetime) -> bool:
    """``contract.signed`` / ``contract.expired`` / ``contract.terminated``: keep the customer's
    contracts in force and ``contract_end_date`` (the latest of their end dates)."""
    contract = event.contract
    session = uow.session
    try:
        end_date = date.fromisoformat(contract.end_date)
    except ValueError:
        end_date = None
    ended = not isinstance(event, sales_events.ContractSigned)
    if not contract.id or not contract.customer_id or (end_date is None and not ended):
        return False
    profile = ensure_profile(session, contract.customer_id, owner_id=contract.owner_id,
                             department_path=contract.department_path,
                             occurred_at=occurred_at, now=now)
    if not ended:
        _first_contract(profile, contract.sign_date, now)
    row = session.get(ProfileContract, contract.id, with_for_update=True)
    if row is None:
        row = ProfileContract(contract_id=contract.id, customer_id=contract.customer_id,
                              end_date=end_date or date.min, ended=ended, update_time=now)
        session.add(row)
    elif row.ended:
        return False  # ended stays ended, whatever arrives late
    else:
        row.ended = ended
        row.end_date = end_date or row.end_date
        row.update_time = now
    session.flush()
    latest = session.scalar(select(func.max(ProfileContract.end_date)).where(
        ProfileContract.customer_id == profile.customer_id, ProfileContract.ended.is_(False)))
    if latest == profile.contract_end_date:
        return False
    profile.contract_end_date = latest
    profile.update_time = now
    segments.reevaluate_customer(uow, profile.customer_id, cause_event_id=event_id, now=now)
    return True


def _first_contract(profile: CustomerProfile, sign_date: str, now: datetime) -> None:
    """The cooperation began with the earliest contract signed, whichever arrives first."""
    try:
        signed = date.fromisoformat(sign_date)
    except ValueError:
        return
    if profile.first_contract_date is None or signed < profile.first_contract_date:
        profile.first_contract_date = signed
        profile.first_contract_month_day = signed.strftime("%m-%d")
        profile.update_time = now


# --- contacts of enterprise customers: their birthdays ------------------------------------------


def record_contact(uow: UnitOfWork, contact, *, deleted: bool, now: datetime,
                   contact_id: str = "", customer_id: str = "") -> bool:
    """``contact.created`` / ``contact.updated`` (``contact``) or ``contact.deleted`` (only the
    ids): keep the contact's birth date. An update older than the one kept changes nothing, and
    a deleted contact stays deleted."""
    contact_id = contact.id if contact is not None else contact_id
    customer_id = contact.customer_id if contact is not None else customer_id
    if not contact_id or not customer_id:
        return False
    session = uow.session
    row = session.get(ProfileContact, contact_id, with_for_update=True)
    if row is not None and row.deleted:
        return False
    version = (version_of(contact.etag) or 0) if contact is not None else 0
    if row is not None and not deleted and version <= row.version:
        return False
    if row is None:
        row = ProfileContact(contact_id=contact_id, customer_id=customer_id, deleted=False,
                             version=0, update_time=now)
        session.add(row)
    born = None
    if contact is not None and not deleted:
        try:
            born = date.fromisoformat(contact.birth_date) if contact.birth_date else None
        except ValueError:
            born = None
    row.birth_date = born
    row.birth_month_day = born.strftime("%m-%d") if born else None
    row.deleted = deleted
    row.version = max(version, row.version)
    row.update_time = now
    return True


# --- dated behaviour: campaign responses and survey scores -----------------------------------


def record_interaction(uow: UnitOfWork, *, customer_id: str, kind: str, source_id: str,
                       occur_time: datetime, score_hundredths: int | None, owner_id: str,
                       department_path: str, event_id: str, occurred_at: datetime,
                       now: datetime) -> bool:
    """Store one dated behaviour fact (once per ``source_id``) and re-evaluate the customer."""
    session = uow.session
    if not customer_id or not source_id:
        return False
    if session.scalar(select(ProfileInteraction.id).where(
            ProfileInteraction.source_id == source_id)) is not None:
        return False
    profile = ensure_profile(session, customer_id, owner_id=owner_id,
                             department_path=department_path, occurred_at=occurred_at, now=now)
    session.add(ProfileInteraction(customer_id=profile.customer_id, kind=kind,
                                   occur_time=occur_time, score_hundredths=score_hundredths,
                                   source_id=source_id))
    profile.update_time = now
    session.flush()
    segments.reevaluate_customer(uow, profile.customer_id, cause_event_id=event_id, now=now)
    return True


def record_campaign_response(uow: UnitOfWork, event: marketing_events.CampaignResponded, *,
                             event_id: str, occurred_at: datetime, now: datetime) -> bool:
    response = event.response
    when = from_timestamp(response.occur_time) if response.HasField("occur_time") else occurred_at
    return record_interaction(
        uow, customer_id=response.customer_id, kind=CAMPAIGN_RESPONSE,
        source_id=response.id or event_id, occur_time=when, score_hundredths=None,
        owner_id=event.owner_id, department_path=event.department_path, event_id=event_id,
        occurred_at=occurred_at, now=now)


def record_survey_answer(uow: UnitOfWork, event: marketing_events.SurveyAnswered, *,
                         event_id: str, occurred_at: datetime, now: datetime) -> bool:
    answer = event.answer
    when = from_timestamp(answer.submit_time) if answer.HasField("submit_time") else occurred_at
    score = round(answer.overall_score * 100) if answer.overall_score > 0 else None
    return record_interaction(
        uow, customer_id=answer.customer_id, kind=SURVEY_ANSWER,
        source_id=answer.id or event_id, occur_time=when, score_hundredths=score,
        owner_id=event.owner_id, department_path=event.department_path, event_id=event_id,
        occurred_at=occurred_at, now=now)


# --- merges: the survivor takes over the merged customers' contracts and behaviour ------------


def repoint_merged(uow: UnitOfWork, surviving_id: str, merged_ids: list[str], *,
                   event_id: str, now: datetime) -> None:
    """Contracts and behaviour of ``merged_ids`` now count for ``surviving_id`` (the merged
    profiles themselves stay, state ``merged``, out of every segment)."""
    session = uow.session
    merged = [customer_id for customer_id in merged_ids if customer_id != surviving_id]
    if not merged or session.get(CustomerProfile, surviving_id) is None:
        return
    moved = session.execute(update(ProfileContract).where(
        ProfileContract.customer_id.in_(merged)).values(customer_id=surviving_id)
        .execution_options(synchronize_session=False)).rowcount
    moved += session.execute(update(ProfileInteraction).where(
        ProfileInteraction.customer_id.in_(merged)).values(customer_id=surviving_id)
        .execution_options(synchronize_session=False)).rowcount
    # the merged customers' contacts are the survivor's now, and so is the earliest cooperation
    session.execute(update(ProfileContact).where(ProfileContact.customer_id.in_(merged))
                    .values(customer_id=surviving_id)
                    .execution_options(synchronize_session=False))
    survivor = session.get(CustomerProfile, surviving_id)
    firsts = [day for day in session.scalars(select(CustomerProfile.first_contract_date).where(
        CustomerProfile.customer_id.in_(merged))) if day is not None]
    if firsts and (survivor.first_contract_date is None
                   or min(firsts) < survivor.first_contract_date):
        survivor.first_contract_date = min(firsts)
        survivor.first_contract_month_day = survivor.first_contract_date.strftime("%m-%d")
        survivor.update_time = now
    if not moved:
        return
    survivor.contract_end_date = session.scalar(select(func.max(ProfileContract.end_date)).where(
        ProfileContract.customer_id == surviving_id, ProfileContract.ended.is_(False)))
    survivor.update_time = now
    segments.reevaluate_customer(uow, surviving_id, cause_event_id=event_id, now=now)
