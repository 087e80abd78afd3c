"""Segment membership: who is in which segment, as queries other parts build on, and the
changes of membership (join / leave) with their events.

:func:`audience` is what campaigns target: the customer ids of the active members of some
segments and of none of others. Membership rows exist only for customers whose profile is
``active`` (a merge or an erasure takes the customer out), but the query checks the state too,
so a customer who left the read model is never targeted even before its rows are gone.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, select

from marketing_service.models import CustomerProfile, SegmentMember

ACTIVE = "active"


def audience(session, *, segment_ids: Iterable[str],
             excluded_segment_ids: Iterable[str] = ()) -> Select:
    """A query of one column, ``customer_id``: the active customers who are members of any of
    ``segment_ids`` and of none of ``excluded_segment_ids``, each once, in id order (stable, so
    a caller can page it with ``customer_id > last``). ``session`` is accepted for symmetry
    with the other query functions; the query is run by the caller."""
    segment_ids = list(dict.fromkeys(segment_ids))
    excluded = list(dict.fromkeys(excluded_segment_ids))
    query = (
        select(CustomerProfile.customer_id)
        .where(CustomerProfile.state == ACTIVE)
        .where(CustomerProfile.customer_id.in_(
            select(SegmentMember.customer_id).where(SegmentMember.segment_id.in_(segment_ids))))
    )
    if excluded:
        query = query.where(CustomerProfile.customer_id.not_in(
            select(SegmentMember.customer_id).where(SegmentMember.segment_id.in_(excluded))))
    return query.order_by(CustomerProfile.customer_id)
