"""timeline entries keep the values their title quotes

A timeline title is an English sentence written when the event arrived ("Ticket T1 closed: …");
the console phrased it as is on Chinese pages. ``title_params`` keeps the values the sentence
was built from (number, name, what happened), so a page writes the sentence in its reader's
language. Entries recorded before this revision have none (NULL) and keep showing their title.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customer_timeline_entries") as batch:
        batch.add_column(sa.Column("title_params", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customer_timeline_entries") as batch:
        batch.drop_column("title_params")
