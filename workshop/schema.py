"""Bringing the database schema up to date with Alembic."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(app: Flask, revision: str = "head") -> None:
    """Migrate the app's database to `revision` (the latest by default)."""
    with app.app_context():
        command.upgrade(alembic_config(), revision)


def revision(app: Flask, message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    with app.app_context():
        command.revision(alembic_config(), message=message, autogenerate=True)
