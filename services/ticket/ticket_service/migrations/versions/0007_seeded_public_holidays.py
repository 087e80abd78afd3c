"""the seeded head-office calendar gets China's public holidays and 调休 make-up working days

Revision 0002 seeded ``/hq`` with working hours only, so until an admin typed the year in,
SLA clocks ran through 春节 and stopped on make-up Saturdays. This fills it with every year
from 2026 (when this revision landed) up to the last the installed ``chinesecalendar`` knows,
through the one fill (``ticket_service.public_holidays.fill_year``, the same merge as the
FillPublicHolidays RPC): days already listed are kept, so an admin's entries survive. Later
years are the admin's FillPublicHolidays (the console's calendars page). Nothing happens when
the seeded calendar was deleted.

Revision ID: 0007
Revises: 0006
"""

import uuid

import sqlalchemy as sa
from alembic import op
from ticket_service.public_holidays import LAST_KNOWN_YEAR, fill_year

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SEEDED_HQ_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "crm-ticket-calendar/hq"))  # as revision 0002
FIRST_YEAR = 2026

calendars = sa.table(
    "business_calendars",
    sa.column("id", sa.String()),
    sa.column("working_hours", sa.JSON()),
    sa.column("holidays", sa.JSON()),
    sa.column("extra_working_days", sa.JSON()),
)


def upgrade() -> None:
    bind = op.get_bind()
    row = bind.execute(
        sa.select(
            calendars.c.working_hours, calendars.c.holidays, calendars.c.extra_working_days
        ).where(calendars.c.id == SEEDED_HQ_ID)
    ).first()
    if row is None or not row.working_hours:
        return
    holidays, extra = list(row.holidays), list(row.extra_working_days)
    for year in range(FIRST_YEAR, LAST_KNOWN_YEAR + 1):
        filled = fill_year(year, holidays, extra, row.working_hours)
        holidays, extra = filled.holidays, filled.extra_working_days
    bind.execute(
        calendars.update()
        .where(calendars.c.id == SEEDED_HQ_ID)
        .values(holidays=holidays, extra_working_days=extra)
    )


def downgrade() -> None:
    # The filled days are indistinguishable from typed ones; leaving them is harmless.
    pass
