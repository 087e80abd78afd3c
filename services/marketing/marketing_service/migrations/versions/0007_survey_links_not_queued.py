"""survey links are made as their message is sent, never queued: the links that earlier
invitations stored in their queued message are removed

Revision ID: 0007
Revises: 0006

A survey link lets whoever holds it answer in the customer's name, and the queue's rows are read
by the personal-data export and by support. From this revision the dispatcher signs the link
when it hands the message over (``outbound.values_at_send``), so the ``survey_url`` template
value kept by earlier invitations' messages is dropped: a message still waiting gets its link
when it goes, and one already sent no longer needs it.

Downgrade keeps them dropped (the links cannot be signed here, without the secret): an older
dispatcher would send a waiting invitation without its link, so downgrade only with no survey
invitation waiting in the queue.
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SURVEY_INVITATION = "survey_invitation"
LINK = "survey_url"


def upgrade() -> None:
    messages = sa.table("outbound_messages", sa.column("id", sa.String),
                        sa.column("category", sa.String), sa.column("variables", sa.JSON))
    connection = op.get_bind()
    rows = connection.execute(sa.select(messages.c.id, messages.c.variables).where(
        messages.c.category == SURVEY_INVITATION)).all()
    for message_id, variables in rows:
        if isinstance(variables, dict) and LINK in variables:
            kept = {name: value for name, value in variables.items() if name != LINK}
            connection.execute(messages.update().where(messages.c.id == message_id)
                               .values(variables=kept))


def downgrade() -> None:
    pass
