"""`flask --app workshop` commands for first-time set-up."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from .errors import DomainError, NotFound
from .extensions import db
from .models import User
from .services import accounts


def _user(email: str) -> User:
    user = db.session.execute(
        db.select(User).filter_by(email=email.strip().lower())
    ).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"No account uses {email}.")
    return user


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--name", required=True, help="The facilitator's name.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="At least 10 characters.",
)
@click.option("--team", "team_name", default=None, help="Also create a team the user owns.")
def create_user(email: str, name: str, password: str, team_name: str | None) -> None:
    """Create a facilitator account (and, with --team, its first team)."""
    try:
        user = accounts.sign_up(email, password, name, team_name)
    except DomainError as refused:
        raise click.ClickException(refused.message) from None
    click.echo(f"Created {user.email}" + (f" with the team {team_name!r}." if team_name else "."))


@click.command("create-team")
@with_appcontext
@click.argument("name")
@click.option("--owner", required=True, help="E-mail address of the account that owns it.")
def create_team(name: str, owner: str) -> None:
    """Create a team owned by an existing account."""
    try:
        team = accounts.create_team(_user(owner).id, name)
    except (DomainError, NotFound) as refused:
        raise click.ClickException(refused.message) from None
    click.echo(f"Created the team {team.name!r} (id {team.id}), owned by {owner}.")


@click.command("db-upgrade")
@click.option("--revision", default="head", help="The migration to reach (default: the latest).")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Bring the database schema up to date (run before serving a new version)."""
    from flask import current_app

    from .schema import upgrade

    upgrade(current_app._get_current_object(), revision)  # type: ignore[attr-defined]
    click.echo(f"The database is at {revision}.")


@click.command("db-revision")
@click.argument("message")
@with_appcontext
def db_revision(message: str) -> None:
    """Write a new migration for the changes made to models.py (for developers)."""
    from flask import current_app

    from .schema import revision

    revision(current_app._get_current_object(), message)  # type: ignore[attr-defined]


def init_app(app: Flask) -> None:
    for command in (create_user, create_team, db_upgrade, db_revision):
        app.cli.add_command(command)
