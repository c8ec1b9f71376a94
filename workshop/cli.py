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


@click.command("export-workshop")
@click.argument("workshop_id", type=int)
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def export_workshop_command(workshop_id: int, path: str) -> None:
    """Write a whole workshop to a JSON file, to import on another server."""
    import json

    from .models import Workshop
    from .transfer import export_workshop

    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        raise click.ClickException(f"There is no workshop {workshop_id}.")
    with open(path, "w", encoding="utf-8") as out:
        json.dump(export_workshop(workshop), out, ensure_ascii=False, indent=1)
    click.echo(f"Wrote {workshop.title!r} to {path}.")


@click.command("import-workshop")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--team", "team_id", type=int, required=True, help="The id of the team to own it.")
@with_appcontext
def import_workshop_command(path: str, team_id: int) -> None:
    """Create a workshop from an exported JSON file."""
    import json

    from .models import Team
    from .transfer import import_workshop

    if db.session.get(Team, team_id) is None:
        raise click.ClickException(f"There is no team {team_id}.")
    with open(path, encoding="utf-8") as source:
        try:
            workshop = import_workshop(json.load(source), team_id)
        except RecursionError:  # nested deeper than any export: refused like the page does
            raise click.ClickException("This file is nested too deeply to be a workshop.") from None
        except (DomainError, ValueError) as refused:
            raise click.ClickException(str(refused)) from None
    click.echo(f"Imported {workshop.title!r} as workshop {workshop.id}, code {workshop.join_code}.")


@click.command("group")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--engine",
    "engine_name",
    default=None,
    help="multilingual or lexical (default: the best installed).",
)
@click.option(
    "--granularity",
    type=click.FloatRange(-1.0, 1.0),
    default=0.0,
    show_default=True,
    help="Below 0 for finer groups (more of them), above 0 for coarser.",
)
def group_command(path: str, engine_name: str | None, granularity: float) -> None:
    """Group a file's answers (one a line, or JSON lines with "text") into themes, as JSON.

    Each group is {"label": ..., "members": [...]}, members being line indexes from 0.
    Every line is in exactly one group: blank lines, if any, in a last one of their own.
    """
    import json

    from .grouping import UnknownEngine, default_engine, get_engine
    from .grouping.answers import BadAnswers, parse_answers

    try:
        engine = get_engine(engine_name) if engine_name else default_engine()
    except UnknownEngine as unknown:
        raise click.ClickException(str(unknown)) from None
    try:
        with open(path, encoding="utf-8") as source:
            content = source.read()
        answers = parse_answers(content)
    except UnicodeDecodeError:
        raise click.ClickException(f"{path} is not UTF-8 text.") from None
    except BadAnswers as bad:
        raise click.ClickException(f"{path}: {bad}") from None
    line_of = [line for line, _ in answers]
    groups = engine.group([text for _, text in answers], granularity=granularity)
    found = [{"label": g.label, "members": [line_of[i] for i in g.members]} for g in groups]
    answered = set(line_of)
    blank = [index for index in range(len(content.splitlines())) if index not in answered]
    if blank:
        found.append({"label": "(blank lines)", "members": blank})
    # A JSON list, one group a line, so that a long one still reads in a terminal.
    shown = ",\n".join(json.dumps(group, ensure_ascii=False) for group in found)
    click.echo(f"[\n{shown}\n]" if found else "[]")


def init_app(app: Flask) -> None:
    commands = (create_user, create_team, db_upgrade, db_revision)
    for command in (*commands, export_workshop_command, import_workshop_command, group_command):
        app.cli.add_command(command)
