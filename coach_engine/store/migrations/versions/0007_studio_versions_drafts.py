"""Studio scenarios that can't be destroyed: versions, archive, pinned assignments, drafts.

Issue 15 found that saving a studio scenario replaced the team's scenario of the
same id in place, with its live assignments, and kept no history. So this
revision:

* keeps every saved version of an authored scenario (``scenario_versions``);
  ``authored_scenarios`` keeps the latest text, its number (``version``) and
  whether it is archived (``archived_at``) — archived, never deleted;
* records on an assignment the version it was made on
  (``assignments.scenario_version``), so a drill from it uses that version
  until the manager moves it;
* keeps one unsaved studio draft per manager (``scenario_drafts``).

Existing authored scenarios become their own version 1, and their open
assignments are pinned to it (it is the text they were made against, as far
as anyone can now tell).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "authored_scenarios", sa.Column("version", sa.Integer(), server_default="1", nullable=False)
    )
    op.add_column("authored_scenarios", sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("assignments", sa.Column("scenario_version", sa.Integer(), nullable=True))
    op.create_table(
        "scenario_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("yaml_text", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scenario_id", "version", name="uq_scenario_versions_scenario_version"),
    )
    op.create_index(
        "ix_scenario_versions_hash", "scenario_versions", ["scenario_id", "content_hash"], unique=False
    )
    op.create_table(
        "scenario_drafts",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("yaml_text", sa.Text(), nullable=False),
        sa.Column("base_text", sa.Text(), nullable=False),
        sa.Column("base_id", sa.String(length=120), nullable=True),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    # What exists today is version 1 of each authored scenario, and what its assignments were made on.
    op.execute(
        "INSERT INTO scenario_versions (scenario_id, version, yaml_text, content_hash, author_id, note, "
        "created_at) SELECT scenario_id, 1, yaml_text, content_hash, author_id, '', updated_at "
        "FROM authored_scenarios"
    )
    op.execute(
        "UPDATE assignments SET scenario_version = 1 "
        "WHERE scenario_id IN (SELECT scenario_id FROM authored_scenarios)"
    )


def downgrade() -> None:
    op.drop_table("scenario_drafts")
    op.drop_index("ix_scenario_versions_hash", table_name="scenario_versions")
    op.drop_table("scenario_versions")
    with op.batch_alter_table("assignments") as batch:
        batch.drop_column("scenario_version")
    with op.batch_alter_table("authored_scenarios") as batch:
        batch.drop_column("archived_at")
        batch.drop_column("version")
