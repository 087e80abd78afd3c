"""Marketing records stored the way the marketing service keeps them, for other services' tests
that put the real marketing api behind them (the sales service checks the campaign a lead, a
deal or a purchase names against it, with the caller's token)."""

from __future__ import annotations

import uuid

from crm_shared.db import Database, utcnow


def stored_campaign(database: Database, owner: str = "u-admin", department: str = "/hq", *,
                    state: str = "running") -> str:
    """A campaign of ``owner`` (of ``department``) in ``state``, in the marketing service's
    ``database``: what it is about does not matter to these tests, only who may see it (its
    owner, the leads over them, ``all``) and whether it runs."""
    from marketing_service.models import Campaign

    now = utcnow()
    campaign_id = str(uuid.uuid4())
    with database.unit_of_work() as uow:
        uow.session.add(Campaign(
            id=campaign_id, name=f"活动 {campaign_id[:6]}", description="", objective="",
            state=state, channel="sms", segment_ids=[], excluded_segment_ids=[], variants=[],
            budget_minor=0, cost_minor=0, audience_count=0, owner_id=owner,
            department_path=department, audience_scope="all", create_time=now,
            update_time=now, created_by=owner, updated_by=owner))
    return campaign_id
