"""forget what webhook receivers answered: keep the status code of failed attempts only

Revision ID: 0007
Revises: 0006

Failed webhook and SMS-gateway attempts used to be recorded as `HTTP <code>: <the first 200
characters of the answer>`, and the delivery list shows them to the webhook's owner, so a
webhook pointed at an internal service read that service's answers. The sender now records
`HTTP <code>` only; this rewrites what was recorded before the same way. Not reversible (the
answers are gone on purpose).
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

HTTP_CHANNELS = (3, 5)  # DELIVERY_CHANNEL_SMS, DELIVERY_CHANNEL_WEBHOOK at this revision
WITH_BODY = re.compile(r"^(HTTP \d{3}):")

deliveries = sa.table(
    "deliveries",
    sa.column("id", sa.String),
    sa.column("channel", sa.Integer),
    sa.column("last_error", sa.Text),
)
attempts = sa.table(
    "delivery_attempts",
    sa.column("id", sa.Integer),
    sa.column("delivery_id", sa.String),
    sa.column("error", sa.Text),
)


def _without_body(error: str) -> str | None:
    match = WITH_BODY.match(error or "")
    return match.group(1) if match else None


def upgrade() -> None:
    connection = op.get_bind()
    of_http_channels = sa.select(deliveries.c.id).where(deliveries.c.channel.in_(HTTP_CHANNELS))
    for row in connection.execute(
        sa.select(deliveries.c.id, deliveries.c.last_error).where(
            deliveries.c.channel.in_(HTTP_CHANNELS), deliveries.c.last_error.like("HTTP %")
        )
    ).all():
        cleaned = _without_body(row.last_error)
        if cleaned is not None:
            connection.execute(
                deliveries.update().where(deliveries.c.id == row.id).values(last_error=cleaned)
            )
    for row in connection.execute(
        sa.select(attempts.c.id, attempts.c.error).where(
            attempts.c.delivery_id.in_(of_http_channels), attempts.c.error.like("HTTP %")
        )
    ).all():
        cleaned = _without_body(row.error)
        if cleaned is not None:
            connection.execute(
                attempts.update().where(attempts.c.id == row.id).values(error=cleaned)
            )


def downgrade() -> None:
    pass  # the answers are not kept anywhere
