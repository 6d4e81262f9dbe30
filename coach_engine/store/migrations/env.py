"""Alembic environment: always run programmatically by ``Store`` with a live connection.

There is no alembic.ini: ``coach_engine.store.migrate`` builds the config in
code and hands its connection over in ``config.attributes["connection"]``, so
the migrations run inside the caller's transaction on SQLite and PostgreSQL.
"""

from __future__ import annotations

from alembic import context

from coach_engine.store.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached when someone runs the alembic CLI
    raise RuntimeError("run migrations through coach_engine.store.migrate(engine)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
