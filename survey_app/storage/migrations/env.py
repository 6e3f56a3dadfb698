"""Alembic environment, run programmatically by :meth:`survey_app.storage.Storage.migrate`.

The caller passes an open connection in ``config.attributes['connection']``
(inside its own write transaction, which serialises migrations between
processes); there is no alembic.ini and no offline (SQL script) mode.
"""

from alembic import context

from survey_app.storage import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached when alembic is run by hand
    raise RuntimeError("run migrations through survey_app.storage.Storage(...).migrate()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
