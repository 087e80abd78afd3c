"""Tags on customers: the catalogue, manual tagging and rule evaluation. Never commits.

A rule applies its tag to every customer whose facts match its condition, recording the rule's
id; with ``remove_when_unmatched`` it takes off again only the tags it applied itself. Manual
tags are never touched by rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from crm.common.v1 import rules_pb2
from crm.customer.v1 import customer_pb2, events_pb2
from crm_shared.timestamps import to_timestamp
from google.protobuf import json_format
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from customer_service import tag_conditions
from customer_service.models import Customer, CustomerTag, Tag, TagRule

MANUAL, RULE, SYSTEM = "manual", "rule", "system"
SOURCE_VALUES = {
    MANUAL: customer_pb2.TAG_SOURCE_MANUAL,
    RULE: customer_pb2.TAG_SOURCE_RULE,
    SYSTEM: customer_pb2.TAG_SOURCE_SYSTEM,
}
DIMENSIONS = ("industry", "need_intent", "need_type", "value", "lifecycle", "behaviour", "free")


def facts_of(customer: Customer, tag_ids: set[str]) -> dict[str, object]:
    """What a rule condition can read about ``customer`` (unknown facts are None)."""
    amount = getattr(customer, "annual_contract_amount", None)
    return {
        "type": customer.type,
        "industry": customer.industry,
        "source": customer.source,
        "value_class": getattr(customer, "value_class", None),
        "lifecycle_stage": getattr(customer, "lifecycle_stage", None),
        # Minor units (fen), as the rule's documentation says.
        "annual_contract_amount": int(Decimal(amount) * 100) if amount is not None else None,
        "at_risk": getattr(customer, "at_risk", None),
        "tags": set(tag_ids),
        "staff_count": customer.staff_count,
        "first_contact_date": customer.first_contact_date,
        "last_interaction_time": getattr(customer, "last_interaction_time", None),
        "needs": customer.needs,
        "completeness_score": customer.completeness_score,
    }


def condition_of(rule: TagRule) -> rules_pb2.ConditionGroup:
    return json_format.Parse(rule.condition, rules_pb2.ConditionGroup())


def condition_text(group: rules_pb2.ConditionGroup) -> str:
    return json_format.MessageToJson(group, indent=None, sort_keys=True)


def tags_of(
    session: Session, customer_ids: Iterable[str]
) -> dict[str, list[tuple[CustomerTag, Tag]]]:
    """Tags on each customer, with their catalogue entry, oldest first."""
    ids = list(customer_ids)
    result: dict[str, list[tuple[CustomerTag, Tag]]] = {customer_id: [] for customer_id in ids}
    if not ids:
        return result
    rows = session.execute(
        select(CustomerTag, Tag)
        .join(Tag, Tag.id == CustomerTag.tag_id)
        .where(CustomerTag.customer_id.in_(ids))
        .order_by(CustomerTag.apply_time, Tag.dimension, Tag.name)
    ).all()
    for link, tag in rows:
        result[link.customer_id].append((link, tag))
    return result


def customer_tag_proto(link: CustomerTag, tag: Tag) -> customer_pb2.CustomerTag:
    return customer_pb2.CustomerTag(
        tag_id=tag.id,
        name=tag.name,
        dimension=tag.dimension,
        source=SOURCE_VALUES.get(link.source, 0),
        rule_id=link.rule_id or "",
        apply_time=to_timestamp(link.apply_time),
        applied_by=link.applied_by or "",
    )


def tag_proto(tag: Tag, customer_count: int = 0) -> customer_pb2.Tag:
    return customer_pb2.Tag(
        id=tag.id,
        name=tag.name,
        dimension=tag.dimension,
        description=tag.description or "",
        color=tag.color or "",
        system=tag.system,
        customer_count=customer_count,
        create_time=to_timestamp(tag.create_time),
        update_time=to_timestamp(tag.update_time),
        created_by=tag.created_by,
        updated_by=tag.updated_by,
    )


def rule_proto(rule: TagRule) -> customer_pb2.TagRule:
    return customer_pb2.TagRule(
        id=rule.id,
        display_name=rule.display_name,
        description=rule.description or "",
        tag_id=rule.tag_id,
        condition=condition_of(rule),
        enabled=rule.enabled,
        remove_when_unmatched=rule.remove_when_unmatched,
        match_count=rule.match_count,
        evaluate_time=to_timestamp(rule.evaluate_time),
        create_time=to_timestamp(rule.create_time),
        update_time=to_timestamp(rule.update_time),
        created_by=rule.created_by,
        updated_by=rule.updated_by,
    )


def customer_counts(session: Session, tag_ids: list[str]) -> dict[str, int]:
    if not tag_ids:
        return {}
    return dict(
        session.execute(
            select(CustomerTag.tag_id, func.count())
            .where(CustomerTag.tag_id.in_(tag_ids))
            .group_by(CustomerTag.tag_id)
        ).all()
    )


@dataclass
class TagChange:
    """What one operation did to one customer's tags."""

    added: list[CustomerTag] = field(default_factory=list)
    removed: list[CustomerTag] = field(default_factory=list)


def add_tags(
    session: Session,
    customer: Customer,
    tags: list[Tag],
    *,
    source: str,
    actor_id: str | None,
    now: datetime,
    rule_id: str | None = None,
) -> list[CustomerTag]:
    """Put ``tags`` on ``customer``; those already present are left alone. Returns the new links."""
    present = set(
        session.scalars(select(CustomerTag.tag_id).where(CustomerTag.customer_id == customer.id))
    )
    added = []
    for tag in tags:
        if tag.id in present:
            continue
        link = CustomerTag(
            customer_id=customer.id,
            tag_id=tag.id,
            source=source,
            rule_id=rule_id,
            applied_by=actor_id if source == MANUAL else None,
            apply_time=now,
        )
        session.add(link)
        present.add(tag.id)
        added.append(link)
    session.flush()
    return added


def remove_tags(session: Session, customer: Customer, tag_ids: set[str]) -> list[CustomerTag]:
    links = list(
        session.scalars(
            select(CustomerTag).where(
                CustomerTag.customer_id == customer.id, CustomerTag.tag_id.in_(tag_ids)
            )
        )
    )
    for link in links:
        session.delete(link)
    session.flush()
    return links


def tags_changed_event(
    session: Session, customer: Customer, change: TagChange, actor_id: str
) -> events_pb2.CustomerTagsChanged:
    catalogue = {
        tag.id: tag
        for tag in session.scalars(
            select(Tag).where(Tag.id.in_([link.tag_id for link in change.added + change.removed]))
        )
    }
    current = tags_of(session, [customer.id])[customer.id]
    return events_pb2.CustomerTagsChanged(
        customer_id=customer.id,
        owner_id=customer.owner_id,
        department_path=customer.department_path,
        added=[
            customer_tag_proto(link, catalogue[link.tag_id])
            for link in change.added
            if link.tag_id in catalogue
        ],
        removed=[
            customer_tag_proto(link, catalogue[link.tag_id])
            for link in change.removed
            if link.tag_id in catalogue
        ],
        tags=[customer_tag_proto(link, tag) for link, tag in current],
        actor_id=actor_id,
    )


def evaluate(
    session: Session,
    rules: list[TagRule],
    customers: Iterable[Customer],
    *,
    now: datetime,
    update_rule_stats: bool,
) -> dict[str, TagChange]:
    """Apply ``rules`` to ``customers``; return the tag changes per customer id.

    With ``update_rule_stats`` (an evaluation over all customers) each rule's match count and
    evaluation time are stored.
    """
    catalogue = {
        tag.id: tag
        for tag in session.scalars(select(Tag).where(Tag.id.in_({rule.tag_id for rule in rules})))
    }
    conditions = {rule.id: condition_of(rule) for rule in rules}
    matched = dict.fromkeys((rule.id for rule in rules), 0)
    changes: dict[str, TagChange] = {}
    for customer, links in _with_links(session, customers):
        facts = facts_of(customer, set(links))
        change = TagChange()
        for rule in rules:
            tag = catalogue.get(rule.tag_id)
            if tag is None:
                continue
            if tag_conditions.matches(conditions[rule.id], facts, now):
                matched[rule.id] += 1
                if rule.tag_id not in links:
                    link = CustomerTag(
                        customer_id=customer.id,
                        tag_id=tag.id,
                        source=RULE,
                        rule_id=rule.id,
                        apply_time=now,
                    )
                    session.add(link)
                    links[tag.id] = link
                    facts["tags"].add(tag.id)
                    change.added.append(link)
            elif rule.remove_when_unmatched:
                link = links.get(rule.tag_id)
                if link is not None and link.source == RULE and link.rule_id == rule.id:
                    session.delete(link)
                    del links[rule.tag_id]
                    facts["tags"].discard(rule.tag_id)
                    change.removed.append(link)
        if change.added or change.removed:
            changes[customer.id] = change
    session.flush()
    if update_rule_stats:
        for rule in rules:
            rule.match_count = matched[rule.id]
            rule.evaluate_time = now
    return changes


def _with_links(session: Session, customers: Iterable[Customer], chunk: int = 500):
    """(customer, {tag_id: CustomerTag}) for each customer, loading the tags a chunk at a time."""
    customers = list(customers)
    for start in range(0, len(customers), chunk):
        batch = customers[start : start + chunk]
        links: dict[str, dict[str, CustomerTag]] = {c.id: {} for c in batch}
        for link in session.scalars(
            select(CustomerTag).where(CustomerTag.customer_id.in_(list(links)))
        ):
            links[link.customer_id][link.tag_id] = link
        for customer in batch:
            yield customer, links[customer.id]


def enabled_rules(session: Session) -> list[TagRule]:
    return list(
        session.scalars(
            select(TagRule)
            .where(TagRule.enabled.is_(True))
            .order_by(TagRule.create_time, TagRule.id)
        )
    )


def delete_tag_everywhere(uow, tag: Tag, *, actor_id: str, now: datetime) -> int:
    """Take ``tag`` off every customer (one ``customer.tags_changed`` each), disable the rules
    applying it and drop it from the catalogue; return how many customers carried it."""
    session = uow.session
    links = list(session.scalars(select(CustomerTag).where(CustomerTag.tag_id == tag.id)))
    customers = {
        c.id: c
        for c in session.scalars(
            select(Customer).where(Customer.id.in_([link.customer_id for link in links]))
        )
    }
    removed = [customer_tag_proto(link, tag) for link in links]
    session.execute(delete(CustomerTag).where(CustomerTag.tag_id == tag.id))
    for rule in session.scalars(select(TagRule).where(TagRule.tag_id == tag.id)):
        rule.enabled = False
        rule.update_time = now
    session.delete(tag)
    session.flush()
    current = tags_of(session, list(customers))
    for link, removed_tag in zip(links, removed, strict=True):
        customer = customers.get(link.customer_id)
        if customer is None:
            continue
        customer.update_time = now
        customer.version += 1
        uow.emit(
            events_pb2.CustomerTagsChanged(
                customer_id=customer.id,
                owner_id=customer.owner_id,
                department_path=customer.department_path,
                removed=[removed_tag],
                tags=[customer_tag_proto(link, tag) for link, tag in current[customer.id]],
                actor_id=actor_id,
            ),
            key=customer.id,
        )
    return len(links)


def apply_rules(
    uow, customer: Customer, *, actor_id: str, now: datetime, announce: bool = True
) -> TagChange | None:
    """Evaluate every enabled rule for one customer whose facts changed (an edit, or a sales
    event moving the contract amount) and emit ``customer.tags_changed`` in ``uow`` if any tag
    came or went (unless not ``announce``: a new customer's ``customer.created`` carries its
    tags). Returns the change, or None."""
    uow.session.flush()
    changes = evaluate(
        uow.session, enabled_rules(uow.session), [customer], now=now, update_rule_stats=False
    )
    change = changes.get(customer.id)
    if change is not None and announce:
        uow.emit(tags_changed_event(uow.session, customer, change, actor_id), key=customer.id)
    return change
