"""Alembic migrations of the database schema, run with `flask --app workshop db-upgrade`."""
