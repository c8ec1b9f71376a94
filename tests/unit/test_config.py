"""Settings: explicit async mode, a kept secret key, SQLite in the instance folder."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from workshop import config, create_app
from workshop.extensions import socketio


def test_the_secret_key_is_generated_once_and_kept(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.secret_key(tmp_path)
    assert len(first) == 64
    assert config.secret_key(tmp_path) == first, "a restart keeps sessions valid"
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert config.secret_key(tmp_path) == "from-env"


def test_the_default_database_is_sqlite_in_the_instance_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("WORKSHOP_DATABASE_URL", raising=False)
    assert config.database_url(tmp_path) == f"sqlite:///{tmp_path / 'workshop.db'}"
    monkeypatch.setenv("WORKSHOP_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/test")
    assert config.database_url(tmp_path).startswith("postgresql")


@pytest.mark.parametrize("mode", ["threading", "gevent", "eventlet", " Gevent "])
def test_each_async_mode_is_accepted(monkeypatch, mode: str) -> None:
    monkeypatch.setenv("WORKSHOP_ASYNC_MODE", mode)
    assert config.async_mode() == mode.strip().lower()


def test_an_unknown_async_mode_is_refused_not_guessed(monkeypatch) -> None:
    monkeypatch.setenv("WORKSHOP_ASYNC_MODE", "asyncio")
    with pytest.raises(ValueError, match="threading, gevent, eventlet"):
        config.async_mode()


def test_the_app_passes_its_async_mode_to_socketio_explicitly(tmp_path: Path) -> None:
    create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": tmp_path,
            "ASYNC_MODE": "threading",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.db'}",
        }
    )
    assert socketio.server.async_mode == "threading"
    assert socketio.server.eio.max_http_buffer_size == 64 * 1024


def test_wsgi_patches_for_the_same_default_mode_the_app_uses() -> None:
    wsgi = (config.ROOT / "wsgi.py").read_text()
    assert f'os.environ.setdefault("WORKSHOP_ASYNC_MODE", "{config.DEFAULT_ASYNC_MODE}")' in wsgi


def test_a_server_database_gets_a_pool_sized_for_many_events_at_once(tmp_path: Path) -> None:
    from workshop.extensions import db

    url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"  # never connected to here
    app = create_app({"INSTANCE_PATH": tmp_path, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        assert (db.engine.pool.size(), db.engine.pool._max_overflow) == (20, 20)
    app = create_app(
        {"INSTANCE_PATH": tmp_path, "SQLALCHEMY_DATABASE_URI": url, "DATABASE_POOL_SIZE": 7}
    )
    with app.app_context():
        assert (db.engine.pool.size(), db.engine.pool._max_overflow) == (7, 7)
