"""remask revisions: sensitive values recorded under the old masks get the new ones

Revisions keep sensitive values as their masked text. The old ID-card mask kept the first four
and the last four characters (the whole sequence and the check character: with the birth date,
about ten candidates); the old bank-account mask kept the last four digits whatever the length
(ten candidates for a 12-digit account). Rows written before are re-masked here with the rule
of ``customer_service.personal_data`` (at least 10^4 candidates): an ID card keeps only its
length in stars; a bank account keeps its stars and no digit, since the length the new mask
depends on cannot be told from the old text. The clear values were never kept, so there is
nothing to go back to.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

revisions = sa.table(
    "customer_revisions",
    sa.column("id", sa.String),
    sa.column("field_path", sa.String),
    sa.column("old_value", sa.Text),
    sa.column("new_value", sa.Text),
)


def _id_card(text: str | None) -> str | None:
    return "*" * len(text.replace(" ", "")) if text else text


def _bank_account(text: str | None) -> str | None:
    return "**** ****" if text else text


# Frozen here rather than imported: a migration keeps doing what it did when it was written.
REMASK = {"individual.id_card_number": _id_card, "bank_account": _bank_account}


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            revisions.c.id, revisions.c.field_path, revisions.c.old_value, revisions.c.new_value
        ).where(revisions.c.field_path.in_(list(REMASK)))
    ).all()
    for row in rows:
        remask = REMASK[row.field_path]
        connection.execute(
            revisions.update()
            .where(revisions.c.id == row.id)
            .values(old_value=remask(row.old_value), new_value=remask(row.new_value))
        )


def downgrade() -> None:
    """The old masks cannot be restored: nothing to undo."""
