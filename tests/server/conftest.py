"""Fixtures for the tests that run real server processes."""

from __future__ import annotations

import os
import secrets

import pytest

from tests.conftest import _postgres_problem, reset_postgres

REDIS_URL = os.environ.get("WORKSHOP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_problem() -> str | None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
        return None
    except Exception as error:  # any failure to reach it means: skip, and say why
        return f"Redis is not reachable at {REDIS_URL} ({type(error).__name__}: {error})"


@pytest.fixture
def shared_services(monkeypatch: pytest.MonkeyPatch) -> None:
    problems = [p for p in (_redis_problem(), _postgres_problem()) if p]
    if problems:
        pytest.skip("scale-out needs Redis and PostgreSQL: " + "; ".join(problems))
    reset_postgres()
    # Both processes sign the same cookies and listen on a channel of their own.
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(16))
    monkeypatch.setenv("WORKSHOP_MESSAGE_QUEUE", REDIS_URL)
    monkeypatch.setenv("WORKSHOP_MESSAGE_QUEUE_CHANNEL", f"test-{secrets.token_hex(4)}")


@pytest.fixture
def redis_url() -> str:
    """The test Redis's URL; the test is skipped, with the reason, when it is not running."""
    if problem := _redis_problem():
        pytest.skip(problem)
    return REDIS_URL
