"""Fixtures: a fresh app and database per test, and the people in a workshop room."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.people import Room
from workshop import create_app
from workshop.extensions import db


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "INSTANCE_PATH": tmp_path,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.db'}",
            "ASYNC_MODE": "threading",
        }
    )
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
