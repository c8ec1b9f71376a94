"""Alembic's environment: the app's engine and models, SQLite-friendly batch operations."""

from __future__ import annotations

from alembic import context
from flask import current_app

from workshop.database import unbounded
from workshop.extensions import db

config = context.config


def run_migrations() -> None:
    engine = db.engine
    # A migration may rewrite a big table: no statement timeout for it (database.py).
    with engine.connect() as connection, unbounded(connection):
        context.configure(
            connection=connection,
            target_metadata=db.metadata,
            # SQLite cannot ALTER most things; batch mode copies the table instead.
            render_as_batch=engine.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


assert current_app, "migrations run inside the app (flask --app workshop db-upgrade)"
run_migrations()
