from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from scheduler.auth import services
from scheduler.auth.forms import LoginForm, SettingsForm
from scheduler.auth.models import User
from scheduler.extensions import db, limiter, login_manager
from scheduler.i18n import N_
from scheduler.redirects import redirect_to_local
from scheduler.web import FAILED, transact

auth_bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))


login_manager.login_view = "auth.login"
login_manager.login_message = N_("Please sign in to see this page.")
login_manager.localize_callback = _
login_manager.login_message_category = "info"


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _login_email_key() -> str:
    """Limits guesses against one account from many addresses too."""
    return "login:" + hashlib.sha256(request.form.get("email", "").strip().lower().encode()).hexdigest()


@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_email_key)
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user, remember=bool(form.remember.data))
            return redirect_to_local(request.args.get("next"), "organizer.dashboard")
        flash(_("That email and password do not match an account."), "error")
    return render_template("auth/login.html", form=form)


@login_required
def settings() -> str | Response | tuple[str, int]:
    form = SettingsForm(obj=current_user)
    if form.validate_on_submit() and (
        transact(
            lambda: services.update_settings(
                current_user, form.name.data or "", (form.timezone.data or "").strip(), form.language.data or ""
            ),
            form,
            done=_l("Your settings are saved."),
        )
        is not FAILED
    ):
        return redirect(url_for(".settings"))
    return render_template("auth/settings.html", form=form), 400 if form.errors else 200


@login_required
def logout() -> Response:
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("public.schedule"))


_ROUTES = [
    ("/login", login, ["GET", "POST"]),
    ("/settings", settings, ["GET", "POST"]),
    ("/logout", logout, ["POST"]),
]

for rule, handler, methods in _ROUTES:
    auth_bp.add_url_rule(rule, view_func=handler, methods=methods)
