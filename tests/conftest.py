"""Fixtures: a fresh app and database per test, and the people in a workshop room."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.people import Room
from workshop import create_app
from workshop.extensions import db

# The suite runs on SQLite by default; WORKSHOP_TEST_DATABASE=postgresql runs it on PostgreSQL.
BACKEND = os.environ.get("WORKSHOP_TEST_DATABASE", "sqlite")
POSTGRES_URL = os.environ.get(
    "WORKSHOP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_problem() -> str | None:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL.replace("+psycopg", ""), connect_timeout=3):
            return None
    except Exception as error:  # any failure to reach it means: skip, and say why
        return f"PostgreSQL is not reachable at {POSTGRES_URL} ({type(error).__name__}: {error})"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if BACKEND != "postgresql":
        return
    if problem := _postgres_problem():
        skip = pytest.mark.skip(reason=f"the PostgreSQL run is skipped: {problem}")
        for item in items:
            item.add_marker(skip)


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {POSTGRES_URL if BACKEND == 'postgresql' else 'SQLite (per test, in tmp)'}"


def reset_postgres() -> None:
    """Give the next test an empty PostgreSQL database."""
    import psycopg

    with psycopg.connect(POSTGRES_URL.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


@pytest.fixture
def database_url() -> Callable[[Path], str]:
    """Return a function giving an empty database's URL for a test's folder."""

    def fresh(folder: Path) -> str:
        if BACKEND == "postgresql":
            reset_postgres()
            return POSTGRES_URL
        return f"sqlite:///{folder / 'test.db'}"

    return fresh


@pytest.fixture
def app(tmp_path: Path, database_url: Callable[[Path], str]) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "INSTANCE_PATH": tmp_path,
            "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
            "ASYNC_MODE": "threading",
            # Live numbers at once, in the sender's thread; test_live_updates covers coalescing.
            "LIVE_UPDATE_INTERVAL": 0,
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def room(app: Flask) -> Iterator[Room]:
    """A workshop created through the form, with helpers to bring people in."""
    room = Room(app)
    yield room
    room.close()


class ManualClock:
    """A clock the test moves by hand, for the rate limiters."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> ManualClock:
    """Put every rate limiter on a clock the test controls."""
    from workshop.ratelimit import limits

    manual = ManualClock()
    for window in vars(limits).values():
        monkeypatch.setattr(window, "clock", manual)
    return manual
