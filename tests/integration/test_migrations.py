"""The schema comes from migrations: an empty database upgrades to exactly what the models say."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from workshop import create_app
from workshop.extensions import db
from workshop.schema import alembic_config, upgrade


def _app(tmp_path: Path, database_url):  # type: ignore[no-untyped-def]
    """An app on an empty database that no migration has touched yet."""
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": tmp_path,
            "ASYNC_MODE": "threading",
            "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
        }
    )


def test_an_empty_database_upgrades_step_by_step_to_match_the_models(
    tmp_path: Path, database_url
) -> None:
    app = _app(tmp_path, database_url)
    script = ScriptDirectory.from_config(alembic_config())
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert revisions[0] == "0001", "the chain starts from the first schema"

    for revision in revisions:  # one step at a time, as a long-lived deployment would
        upgrade(app, revision)

    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert context.get_current_revision() == revisions[-1]
            assert compare_metadata(context, db.metadata) == []
        assert "alembic_version" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_upgrading_twice_changes_nothing(tmp_path: Path, database_url) -> None:
    app = _app(tmp_path, database_url)
    upgrade(app)
    upgrade(app)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db-upgrade"])
    assert result.exit_code == 0 and "head" in result.output
    with app.app_context():
        db.engine.dispose()


def test_the_lookups_the_room_makes_have_their_indexes(tmp_path: Path, database_url) -> None:
    app = _app(tmp_path, database_url)
    upgrade(app)
    with app.app_context():
        schema = inspect(db.engine)

        def indexed(table: str) -> set[tuple[str, ...]]:
            return {tuple(i["column_names"]) for i in schema.get_indexes(table)}

        # Counting a question's answers, finding what was merged into an answer, and the
        # pins of an answer being deleted: each filters on that column alone.
        assert ("question_id",) in indexed("answers")
        assert ("merged_into_id",) in indexed("answers")
        assert ("answer_id",) in indexed("pins")
        db.engine.dispose()
