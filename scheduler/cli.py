"""Command-line tools: `flask users create`, `flask users create-token`, `flask demo load`, `flask schedule extend`,
`flask worker run`."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from scheduler.auth import api_tokens
from scheduler.auth import services as accounts
from scheduler.auth.api_tokens import TokenScope
from scheduler.auth.models import StaffRole, User
from scheduler.extensions import db
from scheduler.rules import RuleError

users_cli = AppGroup("users", help="Staff accounts.")
demo_cli = AppGroup("demo", help="Demonstration data.")
schedule_cli = AppGroup("schedule", help="Occurrences of meetings.")
worker_cli = AppGroup("worker", help="The background worker.")


@users_cli.command("create")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--role", type=click.Choice([r.value for r in StaffRole]), default="organizer", show_default=True)
@click.option("--timezone", default="UTC", show_default=True)
@click.option("--language", type=click.Choice(["en", "bn", "id", "nl"]), default="en", show_default=True)
@click.password_option(help="At least 10 characters. Prompted for when not given.")
def create_user(email: str, name: str, role: str, timezone: str, language: str, password: str) -> None:
    """Create a staff account (e.g. the first admin)."""
    try:
        user = accounts.create_user(email, name, password, role, timezone=timezone, language=language)
    except RuleError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role} account #{user.id}.")


@users_cli.command("create-token")
@click.option("--email", required=True, help="The staff account the token acts for.")
@click.option("--name", required=True, help="What the token is for, e.g. 'website sync'.")
@click.option("--scope", type=click.Choice([s.value for s in TokenScope]), default="read", show_default=True)
def create_token(email: str, name: str, scope: str) -> None:
    """Create a personal API token; its secret is printed once (only its hash is kept)."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        raise click.ClickException("No active staff account has this email.")
    try:
        token, secret = api_tokens.create(user, name, scope)
    except RuleError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {token.scope} token #{token.id} for account #{user.id}. Copy it now, it is not shown again:")
    click.echo(secret)


@demo_cli.command("load")
def load_demo() -> None:
    """Load the demo groups and meetings. Safe to run again: nothing is duplicated."""
    from scheduler.demo import load

    created = load()
    db.session.commit()
    click.echo("Demo data loaded." if created else "Demo data already present.")


@schedule_cli.command("extend")
def extend() -> None:
    """Materialise upcoming sessions of never-ending meetings up to the horizon."""
    from scheduler.meetings.occurrences import extend_all_horizons

    count = extend_all_horizons()
    db.session.commit()
    click.echo(f"Extended {count} series.")


@worker_cli.command("run")
@click.option("--idle-seconds", default=5.0, show_default=True)
def run_worker(idle_seconds: float) -> None:
    """Run the background worker until stopped (Ctrl+C or SIGTERM)."""
    from scheduler.worker import run_forever

    run_forever(current_app._get_current_object(), idle_seconds=idle_seconds)  # type: ignore[attr-defined]


def register_cli(app: Flask) -> None:
    for group in (users_cli, demo_cli, schedule_cli, worker_cli):
        app.cli.add_command(group)
