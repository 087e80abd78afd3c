"""the read model keeps customers' phones and e-mails masked, as the customer events now carry
them

Revision ID: 0008
Revises: 0007

The customer service puts a customer's phone and e-mail in its events masked, and the sending
queue reads the address from the customer service as it sends (``contact_details``), so the
read model needs only to know that a customer has one. Profiles built from earlier events hold
them in clear; this masks them the way the customer service does (``+86*********78``,
``l***@example.com``; a value already masked is left as it is). Nothing reads the clear value
any more, so the downgrade leaves the masked values (they still say whether there is one).
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

PHONE_SHOWN_HEAD, PHONE_SHOWN_TAIL = 3, 2  # customer_service.personal_data's mask, frozen here


def _masked(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value or "*" in value:
        return value or None
    if "@" in value:
        local, _, domain = value.rpartition("@")
        return f"{local[:1]}***@{domain}"
    hidden = max(len(value) - PHONE_SHOWN_HEAD - PHONE_SHOWN_TAIL, 4)
    return value[:PHONE_SHOWN_HEAD] + "*" * hidden + value[-PHONE_SHOWN_TAIL:]


def upgrade() -> None:
    profiles = sa.table("customer_profiles", sa.column("customer_id", sa.String),
                        sa.column("email", sa.String), sa.column("phone", sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(profiles.c.customer_id, profiles.c.email,
                                        profiles.c.phone).where(
        sa.or_(profiles.c.email.is_not(None), profiles.c.phone.is_not(None)))).all()
    for customer_id, email, phone in rows:
        masked = {"email": _masked(email), "phone": _masked(phone)}
        if masked != {"email": email, "phone": phone}:
            connection.execute(profiles.update().where(profiles.c.customer_id == customer_id)
                               .values(**masked))


def downgrade() -> None:
    pass
